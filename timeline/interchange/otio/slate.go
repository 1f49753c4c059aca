package otio

import (
	"encoding/json"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// What Slate keeps under metadata "slate" of each object it writes, so a Slate → OTIO →
// Slate round trip gives the same timeline (IDs, exact speeds, keyframes, flags). Other tools
// keep metadata they do not know, and ignore it. When another tool changed the cut, the OTIO
// fields win over these.

const slateKey = "slate"

type slateTimeline struct {
	Version   int                `json:"version"`
	Settings  *timeline.Settings `json:"settings,omitempty"`
	NextID    timeline.ID        `json:"next_id,omitempty"`
	DropFrame bool               `json:"drop_frame,omitempty"`
	// Extra is what other formats left in Doc.Extra about the timeline (not otio.*).
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

type slateSeq struct {
	ID   timeline.ID `json:"sequence_id"`
	Name string      `json:"sequence_name,omitempty"`
}

type slateTrack struct {
	ID   timeline.ID `json:"id"`
	Mute bool        `json:"mute,omitempty"`
	Solo bool        `json:"solo,omitempty"`
	Lock bool        `json:"lock,omitempty"`
	Hide bool        `json:"hide,omitempty"`
}

type slateClip struct {
	ID        timeline.ID                `json:"id"`
	Color     string                     `json:"color,omitempty"`
	Blend     string                     `json:"blend,omitempty"`
	In        rt.Time                    `json:"in"`
	Phase     int64                      `json:"phase,omitempty"`
	Speed     timeline.Speed             `json:"speed"`
	SourceDur rt.Time                    `json:"source_dur,omitempty"`
	Params    map[string]*keyframe.Curve `json:"params,omitempty"`
	// Sequence is set on a Stack that stands for a nested-sequence clip.
	Sequence *slateSeq `json:"sequence,omitempty"`
	// Extra is what other formats left in Doc.Extra about the clip (not otio.*).
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

type slateTransition struct {
	ID        timeline.ID             `json:"id"`
	Kind      timeline.TransitionKind `json:"kind"`
	Align     timeline.Align          `json:"align"`
	Color     string                  `json:"color,omitempty"`
	Direction string                  `json:"direction,omitempty"`
	Softness  float64                 `json:"softness,omitempty"`
}

type slateMarker struct {
	ID    timeline.ID `json:"id"`
	Color string      `json:"color,omitempty"`
}

type slateMedia struct {
	ID     timeline.ID     `json:"media_id"`
	Kind   core.MediaKind  `json:"kind,omitempty"`
	Reel   string          `json:"reel,omitempty"`
	Audio  bool            `json:"audio,omitempty"`
	Width  int             `json:"width,omitempty"`
	Height int             `json:"height,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
}

// slateOf decodes metadata.slate of v into out; false when there is none or it does not
// decode (then the OTIO fields alone are used).
func slateOf(v *Value, out any) bool {
	md := v.Get("metadata")
	s := md.Get(slateKey)
	if s == nil || s.Kind != Object {
		return false
	}
	return toGo(s, out) == nil
}

// foreignMetadata is v's metadata without the slate key, or nil when nothing is left.
func foreignMetadata(v *Value) *Value {
	md := v.Get("metadata")
	if md == nil || md.Kind != Object {
		return nil
	}
	out := &Value{Kind: Object}
	for _, m := range md.Obj {
		if m.Key != slateKey {
			out.Obj = append(out.Obj, m)
		}
	}
	if len(out.Obj) == 0 {
		return nil
	}
	return out
}
