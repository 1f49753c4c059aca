package timeline

import (
	"fmt"
	"sort"

	"github.com/slate-nle/slate/timeline/rt"
)

// index maps IDs to where they live. It is derived state: built on first use and kept up to
// date by the mutating methods.
type index struct {
	clips       map[ID]*Track
	tracks      map[ID]*Sequence
	transitions map[ID]*Track
	markers     map[ID]*Sequence
	sequences   map[ID]*Sequence
}

func (tl *Timeline) idx() *index {
	if tl.index != nil {
		return tl.index
	}
	x := &index{
		clips:       map[ID]*Track{},
		tracks:      map[ID]*Sequence{},
		transitions: map[ID]*Track{},
		markers:     map[ID]*Sequence{},
		sequences:   map[ID]*Sequence{},
	}
	for _, s := range tl.Sequences() {
		x.sequences[s.ID] = s
		for _, m := range s.Markers {
			x.markers[m.ID] = s
		}
		for _, t := range s.Tracks {
			x.tracks[t.ID] = s
			for _, c := range t.Clips {
				x.clips[c.ID] = t
			}
			for _, tr := range t.Transitions {
				x.transitions[tr.ID] = t
			}
		}
	}
	tl.index = x
	return x
}

// Invalidate drops the derived lookup tables; call it after changing a Timeline by hand
// (decoding does not need it).
func (tl *Timeline) Invalidate() {
	tl.index = nil
	for _, s := range tl.Sequences() {
		for _, t := range s.Tracks {
			t.ids = nil
		}
	}
}

// used reports whether an ID is taken by anything.
func (tl *Timeline) used(id ID) bool {
	x := tl.idx()
	_, a := x.clips[id]
	_, b := x.tracks[id]
	_, c := x.transitions[id]
	_, d := x.markers[id]
	_, e := x.sequences[id]
	return a || b || c || d || e
}

// Clip finds a clip anywhere in the timeline.
func (tl *Timeline) Clip(id ID) (*Track, *Clip, error) {
	if t, ok := tl.idx().clips[id]; ok {
		if c := t.clipByID(id); c != nil {
			return t, c, nil
		}
	}
	return nil, nil, fmt.Errorf("no clip %d", id)
}

// clipByID looks a clip up in the track's own ID table (built on first use, kept current by
// the mutating methods).
func (t *Track) clipByID(id ID) *Clip {
	if t.ids == nil {
		t.ids = make(map[ID]*Clip, len(t.Clips))
		for _, c := range t.Clips {
			t.ids[c.ID] = c
		}
	}
	return t.ids[id]
}

// Track finds a track and the sequence holding it, with its position in that sequence.
func (tl *Timeline) Track(id ID) (*Sequence, *Track, int, error) {
	s, ok := tl.idx().tracks[id]
	if !ok {
		return nil, nil, 0, fmt.Errorf("no track %d", id)
	}
	for i, t := range s.Tracks {
		if t.ID == id {
			return s, t, i, nil
		}
	}
	return nil, nil, 0, fmt.Errorf("no track %d (index out of date)", id)
}

// SequenceByID finds the main or a nested sequence.
func (tl *Timeline) SequenceByID(id ID) (*Sequence, error) {
	if s, ok := tl.idx().sequences[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("no sequence %d", id)
}

// Transition finds a transition and its track.
func (tl *Timeline) Transition(id ID) (*Track, *Transition, error) {
	t, ok := tl.idx().transitions[id]
	if !ok {
		return nil, nil, fmt.Errorf("no transition %d", id)
	}
	for _, tr := range t.Transitions {
		if tr.ID == id {
			return t, tr, nil
		}
	}
	return nil, nil, fmt.Errorf("no transition %d (index out of date)", id)
}

// Marker finds a marker and its sequence.
func (tl *Timeline) Marker(id ID) (*Sequence, *Marker, error) {
	s, ok := tl.idx().markers[id]
	if !ok {
		return nil, nil, fmt.Errorf("no marker %d", id)
	}
	for _, m := range s.Markers {
		if m.ID == id {
			return s, m, nil
		}
	}
	return nil, nil, fmt.Errorf("no marker %d (index out of date)", id)
}

// ClipIndex is the position of clip c in t.Clips, found by binary search on its start.
func (t *Track) ClipIndex(c *Clip) int {
	i := sort.Search(len(t.Clips), func(i int) bool { return t.Clips[i].Start >= c.Start })
	if i < len(t.Clips) && t.Clips[i] == c {
		return i
	}
	return -1
}

// ClipAt is the clip covering frame f, or nil over a gap. O(log n).
func (t *Track) ClipAt(f rt.Time) *Clip {
	i := sort.Search(len(t.Clips), func(i int) bool { return t.Clips[i].Start > f }) - 1
	if i >= 0 && f < t.Clips[i].End() {
		return t.Clips[i]
	}
	return nil
}

// ClipsIn lists the clips overlapping r, in order.
func (t *Track) ClipsIn(r rt.Range) []*Clip {
	i := sort.Search(len(t.Clips), func(i int) bool { return t.Clips[i].End() > r.Start })
	var out []*Clip
	for ; i < len(t.Clips) && t.Clips[i].Start < r.End(); i++ {
		out = append(out, t.Clips[i])
	}
	return out
}

// End is the end of the track's last clip.
func (t *Track) End() rt.Time {
	if n := len(t.Clips); n > 0 {
		return t.Clips[n-1].End()
	}
	return 0
}

// Neighbors gives the clips just before and after c on its track (nil at the ends).
func (t *Track) Neighbors(c *Clip) (prev, next *Clip) {
	i := t.ClipIndex(c)
	if i < 0 {
		return nil, nil
	}
	if i > 0 {
		prev = t.Clips[i-1]
	}
	if i+1 < len(t.Clips) {
		next = t.Clips[i+1]
	}
	return prev, next
}

// Item is one piece of a track in order: a clip or a gap (Clip nil).
type Item struct {
	Range rt.Range
	Clip  *Clip
}

// Items lists the track's clips and the gaps between them, from frame 0 to the last clip.
func (t *Track) Items() []Item {
	var out []Item
	var at rt.Time
	for _, c := range t.Clips {
		if c.Start > at {
			out = append(out, Item{Range: rt.Range{Start: at, Dur: c.Start - at}})
		}
		out = append(out, Item{Range: c.Range(), Clip: c})
		at = c.End()
	}
	return out
}

// TransitionsOf lists the transitions touching clip c (as outgoing or incoming).
func (t *Track) TransitionsOf(c *Clip) []*Transition {
	var out []*Transition
	for _, tr := range t.Transitions {
		if tr.A == c.ID || tr.B == c.ID {
			out = append(out, tr)
		}
	}
	return out
}

// Cut is the frame a transition sits on: where A ends and B starts.
func (t *Track) Cut(tr *Transition) (a, b *Clip, cut rt.Time, err error) {
	a, b, cut = t.cutOf(tr)
	if a == nil {
		return nil, nil, 0, fmt.Errorf("transition %d: clips %d and %d are not both on track %d", tr.ID, tr.A, tr.B, t.ID)
	}
	return a, b, cut, nil
}

// Layer is what one track contributes at a frame.
type Layer struct {
	Track *Track
	Clip  *Clip // the clip showing (the outgoing one during a transition)
	// During a transition: the incoming clip, the transition, and the frame's position in it
	// (Pos from 0 to Range.Dur-1). Mix progress is (Pos+0.5)/Range.Dur at the edges.
	Next       *Clip
	Transition *Transition
	Range      rt.Range
	Pos        rt.Time
}

// At lists, bottom track first, what each track shows or sounds at frame f. Tracks with nothing
// there, hidden video tracks and muted (or, when any track is soloed, unsoloed) audio tracks
// are left out. O(tracks · log clips).
func (s *Sequence) At(f rt.Time) []Layer { return s.AppendAt(nil, f) }

// AppendAt is At appending to buf, so a render loop can reuse one slice and not allocate.
func (s *Sequence) AppendAt(buf []Layer, f rt.Time) []Layer {
	out := buf[:0]
	solo := false
	for _, t := range s.Tracks {
		solo = solo || (t.Solo && t.Kind == Audio)
	}
	for _, t := range s.Tracks {
		if (t.Kind == Video && t.Hide) || (t.Kind == Audio && (t.Mute || (solo && !t.Solo))) {
			continue
		}
		if l, ok := t.LayerAt(f); ok {
			out = append(out, l)
		}
	}
	return out
}

// LayerAt is what the track shows at frame f, including transitions that extend past a clip's
// edge into its handle. Disabled clips show nothing.
func (t *Track) LayerAt(f rt.Time) (Layer, bool) {
	if tr, a, b, r := t.transitionAt(f); tr != nil {
		return Layer{Track: t, Clip: a, Next: b, Transition: tr, Range: r, Pos: f - r.Start}, true
	}
	c := t.ClipAt(f)
	if c == nil || !c.Enabled {
		return Layer{}, false
	}
	return Layer{Track: t, Clip: c}, true
}

// transitionAt finds the transition covering f. Transitions are sorted by cut and never
// overlap, so only the last one cutting at or before f and the first one cutting after f can
// cover it: two probes after a binary search.
func (t *Track) transitionAt(f rt.Time) (*Transition, *Clip, *Clip, rt.Range) {
	i := sort.Search(len(t.Transitions), func(i int) bool {
		_, _, cut := t.cutOf(t.Transitions[i])
		return cut > f
	})
	for _, k := range []int{i - 1, i} {
		if k < 0 || k >= len(t.Transitions) {
			continue
		}
		tr := t.Transitions[k]
		a, b, cut := t.cutOf(tr)
		if a == nil {
			continue
		}
		if r := tr.Range(cut); r.Contains(f) && (a.Enabled || b.Enabled) {
			return tr, a, b, r
		}
	}
	return nil, nil, nil, rt.Range{}
}

// cutOf finds a transition's clips; the cut is where B starts.
func (t *Track) cutOf(tr *Transition) (a, b *Clip, cut rt.Time) {
	a, b = t.clipByID(tr.A), t.clipByID(tr.B)
	if a == nil || b == nil {
		return nil, nil, 0
	}
	return a, b, b.Start
}
