package timelineview

import (
	"fyne.io/fyne/v2"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// HitKind says what part of the timeline a point is over.
type HitKind int

// What a point can be over.
const (
	HitNone     HitKind = iota // outside everything (below the last track)
	HitCorner                  // the box above the track headers
	HitRuler                   // the timecode ruler
	HitHeader                  // a track header, not on a toggle
	HitToggle                  // a track header toggle (Flag says which)
	HitLane                    // an empty part of a track lane
	HitClip                    // the body of a clip
	HitClipHead                // the left edge of a clip (trim the in point)
	HitClipTail                // the right edge of a clip (trim the out point)
)

var hitNames = [...]string{"none", "corner", "ruler", "header", "toggle", "lane", "clip", "clip head", "clip tail"}

func (k HitKind) String() string {
	if int(k) < len(hitNames) {
		return hitNames[k]
	}
	return "unknown"
}

// Hit is what lies under a point.
type Hit struct {
	Kind  HitKind
	Track *timeline.Track // the track of the row (header, toggle, lane, clip)
	Clip  *timeline.Clip  // the clip for HitClip, HitClipHead, HitClipTail
	// Other is the clip on the other side of a cut when a head or tail edge touches a
	// neighbour (the pair a roll moves).
	Other *timeline.Clip
	Frame rt.Time // the frame boundary nearest the point (ruler, lanes)
	Flag  string  // for HitToggle: "mute", "solo", "lock" or "hide"
}

// toggleSize and the order of toggles in a header, right-aligned.
const (
	toggleW   float32 = 20
	toggleH   float32 = 18
	toggleGap float32 = 4
)

// Flags is the header toggles a track kind shows, left to right: hide only matters for
// video and mute/solo only for audio (that is what playback honours).
func Flags(k timeline.TrackKind) []string {
	if k == timeline.Video {
		return []string{"lock", "hide"}
	}
	return []string{"mute", "solo", "lock"}
}

// toggleRect is where toggle i of n sits in a header row whose top is at y.
func toggleRect(i, n int, y, h float32) (fyne.Position, fyne.Size) {
	x := HeaderWidth - 8 - float32(n-i)*(toggleW+toggleGap) + toggleGap
	return fyne.NewPos(x, y+h-toggleH-6), fyne.NewSize(toggleW, toggleH)
}

// HitTest says what is under widget position p.
func (w *Timeline) HitTest(p fyne.Position) Hit {
	if p.Y < RulerHeight {
		if p.X < HeaderWidth {
			return Hit{Kind: HitCorner}
		}
		return Hit{Kind: HitRuler, Frame: max(w.FrameAt(p.X), 0)}
	}
	ri := w.rowIndexAt(p.Y)
	if ri < 0 {
		return Hit{Kind: HitNone, Frame: w.FrameAt(p.X)}
	}
	r := w.rows[ri]
	top := RulerHeight + r.top - w.y0
	if p.X < HeaderWidth {
		fl := Flags(r.t.Kind)
		for i, f := range fl {
			pos, sz := toggleRect(i, len(fl), top, r.h)
			if p.X >= pos.X && p.X < pos.X+sz.Width && p.Y >= pos.Y && p.Y < pos.Y+sz.Height {
				return Hit{Kind: HitToggle, Track: r.t, Flag: f}
			}
		}
		return Hit{Kind: HitHeader, Track: r.t}
	}
	h := Hit{Kind: HitLane, Track: r.t, Frame: w.FrameAt(p.X)}
	// The clip under the point, or the nearest clip edge within EdgeZone on either side.
	under := r.t.ClipAt(w.frameUnder(p.X))
	// Edges of the clip under the point win; in a gap, the nearest edge.
	best, bestD := HitNone, EdgeZone+1
	var bestClip *timeline.Clip
	consider := func(c *timeline.Clip) {
		x0, x1 := w.XAt(c.Start), w.XAt(c.End())
		zone := min(EdgeZone, (x1-x0)/3)
		if d := abs32(p.X - x0); d <= zone && d < bestD {
			best, bestD, bestClip = HitClipHead, d, c
		}
		if d := abs32(p.X - x1); d <= zone && d < bestD {
			best, bestD, bestClip = HitClipTail, d, c
		}
	}
	if under != nil {
		consider(under)
	} else {
		lo, hi := w.frameUnder(p.X-EdgeZone), w.frameUnder(p.X+EdgeZone)
		for _, c := range r.t.ClipsIn(rt.Range{Start: lo, Dur: hi - lo + 1}) {
			consider(c)
		}
	}
	switch {
	case bestClip != nil:
		h.Kind, h.Clip = best, bestClip
		prev, next := r.t.Neighbors(bestClip)
		if best == HitClipHead && prev != nil && prev.End() == bestClip.Start {
			h.Other = prev
		}
		if best == HitClipTail && next != nil && next.Start == bestClip.End() {
			h.Other = next
		}
	case under != nil:
		h.Kind, h.Clip = HitClip, under
	}
	return h
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
