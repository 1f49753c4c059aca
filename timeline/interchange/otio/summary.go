package otio

import (
	"fmt"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/rt"
)

// Summary is what an OTIO document holds, counted by OTIO's own rules (before any mapping to
// Slate's model): tracks of the top-level stack; clips, gaps, transitions and markers anywhere
// below it; and the timeline's duration.
type Summary struct {
	Tracks, Clips, Gaps, Transitions, Markers int
	// Duration is the top-level stack's duration in frames at Rate: the longest track, a
	// track being the sum of its items plus the in_offset of a leading and the out_offset of
	// a trailing transition, and any item's source_range winning over its content.
	Duration rt.Time
	Rate     rt.Rate
}

// Summarize counts what an .otio document holds (the rate is the one the reader would pick).
func Summarize(b []byte) (Summary, error) {
	root, err := ParseJSON(b)
	if err != nil {
		return Summary{}, fmt.Errorf("otio: %w", err)
	}
	tl := root
	if n, _ := schemaOf(root); n != "Timeline" {
		return Summary{}, perr("$", "want a Timeline.1 at the root")
	}
	r := &reader{d: &core.Draft{}, rate: inferRate(tl)}
	stack := tl.Get("tracks")
	d, err := r.duration(stack, "$.tracks", 0)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Rate: r.rate}
	if s.Duration, err = r.frames(d, "$.tracks"); err != nil {
		return Summary{}, err
	}
	for _, ch := range stack.Get("children").arr() {
		if n, _ := schemaOf(ch); n == "Track" || n == "Sequence" {
			s.Tracks++
		}
	}
	var walk func(v *Value, depth int)
	walk = func(v *Value, depth int) {
		if v == nil || depth > maxDepth {
			return
		}
		switch v.Kind {
		case Object:
			switch n, _ := schemaOf(v); n {
			case "Clip":
				s.Clips++
			case "Gap":
				s.Gaps++
			case "Transition":
				s.Transitions++
			case "Marker":
				s.Markers++
			}
			for _, m := range v.Obj {
				if m.Key != "metadata" {
					walk(m.Val, depth+1)
				}
			}
		case Array:
			for _, e := range v.Arr {
				walk(e, depth+1)
			}
		}
	}
	walk(stack, 0)
	return s, nil
}
