package timeline

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// The mutating primitives. Each checks everything first and changes nothing on error, so a
// command built from them can roll back by applying the inverses of the steps it has done.

// ErrOverlap is returned when a clip would cover another clip on its track.
var ErrOverlap = errors.New("overlaps another clip")

// maxFrame bounds positions so that sums and speed products never overflow (about 1,400
// years at 24 fps).
const maxFrame = rt.Time(1) << 40

// ValidateClip checks a clip's own fields.
func (tl *Timeline) ValidateClip(c *Clip) error {
	switch {
	case c.ID <= 0:
		return fmt.Errorf("clip has no id")
	case c.Dur <= 0:
		return fmt.Errorf("clip %d: duration %d must be positive", c.ID, c.Dur)
	case c.Start < 0 || c.Start > maxFrame || c.Dur > maxFrame:
		return fmt.Errorf("clip %d: position %d+%d out of range", c.ID, c.Start, c.Dur)
	case c.In < -maxFrame || c.In > maxFrame:
		return fmt.Errorf("clip %d: source in %d out of range", c.ID, c.In)
	case c.SourceDur < 0:
		return fmt.Errorf("clip %d: negative source duration", c.ID)
	case (c.Source.Media == 0) == (c.Source.Sequence == 0):
		return fmt.Errorf("clip %d: source must be exactly one of a media item or a sequence", c.ID)
	}
	if err := c.Speed.Validate(); err != nil {
		return fmt.Errorf("clip %d: %w", c.ID, err)
	}
	if c.Phase < 0 || c.Phase >= c.Speed.Den {
		return fmt.Errorf("clip %d: phase %d outside 0..%d", c.ID, c.Phase, c.Speed.Den-1)
	}
	if c.Blend != "" && !slices.Contains(BlendModes, c.Blend) {
		return fmt.Errorf("clip %d: unknown blend mode %q", c.ID, c.Blend)
	}
	if first, last := c.SourceSpan(); first < 0 || (c.SourceDur > 0 && last >= c.SourceDur) {
		return fmt.Errorf("clip %d: uses source frames %d..%d outside the source's 0..%d", c.ID, first, last, c.SourceDur-1)
	}
	for name, cv := range c.Params {
		if cv == nil {
			return fmt.Errorf("clip %d: parameter %q has no curve", c.ID, name)
		}
		if err := validCurve(name, cv); err != nil {
			return fmt.Errorf("clip %d: %w", c.ID, err)
		}
	}
	if c.Source.Sequence != 0 {
		if _, err := tl.SequenceByID(c.Source.Sequence); err != nil {
			return fmt.Errorf("clip %d: source %w", c.ID, err)
		}
	}
	return nil
}

func validCurve(name string, cv *keyframe.Curve) error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if bad(cv.Static) {
		return fmt.Errorf("parameter %q: value is not a finite number", name)
	}
	for i, k := range cv.Keys {
		if bad(k.V) || bad(k.InDT) || bad(k.InDV) || bad(k.OutDT) || bad(k.OutDV) {
			return fmt.Errorf("parameter %q: keyframe at %d is not finite", name, k.T)
		}
		if i > 0 && cv.Keys[i-1].T >= k.T {
			return fmt.Errorf("parameter %q: keyframes out of order at %d", name, k.T)
		}
	}
	if d, ok := keyframe.Lookup(name); ok {
		if err := cv.Validate(d); err != nil {
			return fmt.Errorf("parameter %q: %w", name, err)
		}
	}
	return nil
}

// fits reports whether range r is free on track t, ignoring the clips in skip.
func (t *Track) fits(r rt.Range, skip ...ID) error {
	for _, o := range t.ClipsIn(r) {
		if !slices.Contains(skip, o.ID) {
			return fmt.Errorf("frames %d..%d on track %d: %w (clip %d)", r.Start, r.End()-1, t.ID, ErrOverlap, o.ID)
		}
	}
	return nil
}

// nestsItself reports whether placing a clip of sequence src into sequence dst makes a loop.
func (tl *Timeline) nestsItself(dst *Sequence, src ID) bool {
	seen := map[ID]bool{}
	var walk func(id ID) bool
	walk = func(id ID) bool {
		if id == dst.ID {
			return true
		}
		if seen[id] {
			return false
		}
		seen[id] = true
		s, err := tl.SequenceByID(id)
		if err != nil {
			return false
		}
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if c.Source.Sequence != 0 && walk(c.Source.Sequence) {
					return true
				}
			}
		}
		return false
	}
	return walk(src)
}

// InsertClip places a copy of c (with an unused ID) on a track where it overlaps nothing.
func (tl *Timeline) InsertClip(track ID, c *Clip) error {
	s, t, _, err := tl.Track(track)
	if err != nil {
		return err
	}
	if tl.used(c.ID) {
		return fmt.Errorf("clip id %d is already in use", c.ID)
	}
	if err := tl.ValidateClip(c); err != nil {
		return err
	}
	if err := t.fits(c.Range()); err != nil {
		return fmt.Errorf("clip %d: %w", c.ID, err)
	}
	if c.Source.Sequence != 0 && tl.nestsItself(s, c.Source.Sequence) {
		return fmt.Errorf("clip %d: sequence %d cannot contain itself", c.ID, c.Source.Sequence)
	}
	c = c.Clone()
	i := sort.Search(len(t.Clips), func(i int) bool { return t.Clips[i].Start >= c.Start })
	t.Clips = slices.Insert(t.Clips, i, c)
	t.clipByID(c.ID)
	t.ids[c.ID] = c
	tl.idx().clips[c.ID] = t
	tl.bumpNextID(c.ID)
	return nil
}

// bumpNextID keeps NextID above every ID in use, so restoring an object never lets NewID
// hand its ID out again.
func (tl *Timeline) bumpNextID(id ID) {
	if id >= tl.NextID {
		tl.NextID = id + 1
	}
}

// RemoveClip takes a clip off its track and returns it with the track's ID. A clip that a
// transition uses cannot be removed (remove the transition first).
func (tl *Timeline) RemoveClip(id ID) (*Clip, ID, error) {
	t, c, err := tl.Clip(id)
	if err != nil {
		return nil, 0, err
	}
	if trs := t.TransitionsOf(c); len(trs) > 0 {
		return nil, 0, fmt.Errorf("clip %d is used by transition %d", id, trs[0].ID)
	}
	t.Clips = slices.Delete(t.Clips, t.ClipIndex(c), t.ClipIndex(c)+1)
	delete(t.ids, id)
	delete(tl.idx().clips, id)
	return c, t.ID, nil
}

// ReplaceClip swaps the clip with c's ID for a copy of c on the same track, returning the old
// clip. The new range may not overlap other clips, and clips joined by a transition must still
// touch.
func (tl *Timeline) ReplaceClip(c *Clip) (*Clip, error) {
	t, old, err := tl.Clip(c.ID)
	if err != nil {
		return nil, err
	}
	if err := tl.ValidateClip(c); err != nil {
		return nil, err
	}
	if err := t.fits(c.Range(), c.ID); err != nil {
		return nil, fmt.Errorf("clip %d: %w", c.ID, err)
	}
	if c.Source.Sequence != 0 && c.Source.Sequence != old.Source.Sequence {
		s, _, _, _ := tl.Track(t.ID)
		if tl.nestsItself(s, c.Source.Sequence) {
			return nil, fmt.Errorf("clip %d: sequence %d cannot contain itself", c.ID, c.Source.Sequence)
		}
	}
	c = c.Clone()
	i := t.ClipIndex(old)
	t.Clips[i] = c
	t.ids[c.ID] = c
	if c.Start != old.Start { // keep sorted: at most this one clip is out of place
		t.Clips = slices.Delete(t.Clips, i, i+1)
		j := sort.Search(len(t.Clips), func(j int) bool { return t.Clips[j].Start >= c.Start })
		t.Clips = slices.Insert(t.Clips, j, c)
	}
	for _, tr := range t.TransitionsOf(c) {
		if err := tl.validTransition(t, tr); err != nil {
			tl.putBack(t, c, old)
			return nil, fmt.Errorf("clip %d: %w", c.ID, err)
		}
	}
	t.sortTransitions()
	return old, nil
}

// putBack undoes the swap in ReplaceClip after a late check fails.
func (tl *Timeline) putBack(t *Track, c, old *Clip) {
	i := t.ClipIndex(c)
	t.Clips = slices.Delete(t.Clips, i, i+1)
	j := sort.Search(len(t.Clips), func(j int) bool { return t.Clips[j].Start >= old.Start })
	t.Clips = slices.Insert(t.Clips, j, old)
	t.ids[old.ID] = old
}

// ShiftClips moves every clip on the track starting at or after from by delta frames. It
// returns how many moved and where the first of them now starts (the inverse shifts back from
// there). It refuses to overlap earlier clips, to go before frame 0 or to pull apart clips
// joined by a transition.
func (tl *Timeline) ShiftClips(track ID, from, delta rt.Time) (n int, first rt.Time, err error) {
	_, t, _, err := tl.Track(track)
	if err != nil {
		return 0, 0, err
	}
	i := sort.Search(len(t.Clips), func(i int) bool { return t.Clips[i].Start >= from })
	if i == len(t.Clips) || delta == 0 {
		return 0, 0, nil
	}
	c0 := t.Clips[i]
	if c0.Start+delta < 0 || t.Clips[len(t.Clips)-1].End()+delta > maxFrame {
		return 0, 0, fmt.Errorf("shifting track %d by %d frames moves clip %d out of range", track, delta, c0.ID)
	}
	if i > 0 && t.Clips[i-1].End() > c0.Start+delta {
		return 0, 0, fmt.Errorf("shifting track %d by %d frames: clip %d %w (clip %d)", track, delta, c0.ID, ErrOverlap, t.Clips[i-1].ID)
	}
	if i > 0 {
		prev := t.Clips[i-1]
		for _, tr := range t.TransitionsOf(prev) {
			if tr.A == prev.ID && tr.B == c0.ID {
				return 0, 0, fmt.Errorf("shifting track %d would pull apart the clips of transition %d", track, tr.ID)
			}
		}
	}
	for _, c := range t.Clips[i:] {
		c.Start += delta
	}
	return len(t.Clips) - i, c0.Start, nil
}

// InsertTransition adds a copy of tr to the track of its clips.
func (tl *Timeline) InsertTransition(tr *Transition) error {
	if tl.used(tr.ID) || tr.ID <= 0 {
		return fmt.Errorf("transition id %d is missing or already in use", tr.ID)
	}
	t, _, err := tl.Clip(tr.A)
	if err != nil {
		return fmt.Errorf("transition %d: outgoing %w", tr.ID, err)
	}
	for _, o := range t.Transitions {
		if o.A == tr.A && o.B == tr.B {
			return fmt.Errorf("transition %d: the cut between clips %d and %d already has transition %d", tr.ID, tr.A, tr.B, o.ID)
		}
	}
	if err := tl.validTransition(t, tr); err != nil {
		return err
	}
	n := *tr
	t.Transitions = append(t.Transitions, &n)
	t.sortTransitions()
	tl.idx().transitions[n.ID] = t
	tl.bumpNextID(n.ID)
	return nil
}

// RemoveTransition deletes a transition and returns it.
func (tl *Timeline) RemoveTransition(id ID) (*Transition, error) {
	t, tr, err := tl.Transition(id)
	if err != nil {
		return nil, err
	}
	t.Transitions = slices.DeleteFunc(t.Transitions, func(o *Transition) bool { return o.ID == id })
	delete(tl.idx().transitions, id)
	return tr, nil
}

// ReplaceTransition swaps the transition with tr's ID for a copy of tr (same clips).
func (tl *Timeline) ReplaceTransition(tr *Transition) (*Transition, error) {
	t, old, err := tl.Transition(tr.ID)
	if err != nil {
		return nil, err
	}
	if tr.A != old.A || tr.B != old.B {
		return nil, fmt.Errorf("transition %d: its clips cannot change", tr.ID)
	}
	n := *tr
	i := slices.Index(t.Transitions, old)
	t.Transitions[i] = &n
	if err := tl.validTransition(t, &n); err != nil {
		t.Transitions[i] = old
		return nil, err
	}
	return old, nil
}

func (t *Track) sortTransitions() {
	sort.SliceStable(t.Transitions, func(i, j int) bool {
		_, _, a := t.cutOf(t.Transitions[i])
		_, _, b := t.cutOf(t.Transitions[j])
		return a < b
	})
}

// validTransition checks a transition sits on a cut, fits inside its two clips, has source
// frames (handles) for the part that extends past a clip's edge, and overlaps no other
// transition on the track.
func (tl *Timeline) validTransition(t *Track, tr *Transition) error {
	switch tr.Kind {
	case Dissolve, Dip, Wipe:
	default:
		return fmt.Errorf("transition %d: unknown kind %q (want dissolve, dip or wipe)", tr.ID, tr.Kind)
	}
	switch tr.Align {
	case AlignCenter, AlignStart, AlignEnd:
	default:
		return fmt.Errorf("transition %d: unknown alignment %q (want center, start or end)", tr.ID, tr.Align)
	}
	if tr.Kind == Wipe && tr.Direction != "" && !slices.Contains([]string{"left", "right", "up", "down"}, tr.Direction) {
		return fmt.Errorf("transition %d: unknown wipe direction %q", tr.ID, tr.Direction)
	}
	if tr.Softness < 0 || tr.Softness > 1 || math.IsNaN(tr.Softness) {
		return fmt.Errorf("transition %d: softness %g outside 0..1", tr.ID, tr.Softness)
	}
	if tr.Dur <= 0 {
		return fmt.Errorf("transition %d: duration %d must be positive", tr.ID, tr.Dur)
	}
	a, b := t.clipByID(tr.A), t.clipByID(tr.B)
	if a == nil || b == nil {
		return fmt.Errorf("transition %d: clips %d and %d must both be on track %d", tr.ID, tr.A, tr.B, t.ID)
	}
	if a.End() != b.Start {
		return fmt.Errorf("transition %d: clip %d does not end where clip %d starts", tr.ID, a.ID, b.ID)
	}
	r := tr.Range(b.Start)
	if r.Start < a.Start || r.End() > b.End() {
		return fmt.Errorf("transition %d: %d frames do not fit inside clips %d and %d", tr.ID, tr.Dur, a.ID, b.ID)
	}
	// Handles: A plays on past its end, B starts before its start.
	if r.End() > a.End() && !hasSource(a, r.End()-1) {
		return fmt.Errorf("transition %d: clip %d has no media after its out point for %d frames", tr.ID, a.ID, r.End()-a.End())
	}
	if r.Start < b.Start && !hasSource(b, r.Start) {
		return fmt.Errorf("transition %d: clip %d has no media before its in point for %d frames", tr.ID, b.ID, b.Start-r.Start)
	}
	for _, o := range t.Transitions {
		if o.ID == tr.ID {
			continue
		}
		if _, _, cut := t.cutOf(o); o.Range(cut).Overlaps(r) {
			return fmt.Errorf("transition %d overlaps transition %d", tr.ID, o.ID)
		}
	}
	return nil
}

// hasSource reports whether timeline frame f, extrapolated from clip c, is a real source frame.
func hasSource(c *Clip, f rt.Time) bool {
	s := c.SourceFrame(f)
	return s >= 0 && (c.SourceDur == 0 || s < c.SourceDur)
}

// InsertTrack adds a copy of t (with its clips and transitions) to a sequence at position i
// (clamped to the ends).
func (tl *Timeline) InsertTrack(seq ID, i int, t *Track) error {
	s, err := tl.SequenceByID(seq)
	if err != nil {
		return err
	}
	if t.ID <= 0 || tl.used(t.ID) {
		return fmt.Errorf("track id %d is missing or already in use", t.ID)
	}
	if t.Kind != Video && t.Kind != Audio {
		return fmt.Errorf("track %d: unknown kind %q (want video or audio)", t.ID, t.Kind)
	}
	n := &Track{ID: t.ID, Kind: t.Kind, Name: t.Name, Mute: t.Mute, Solo: t.Solo, Lock: t.Lock, Hide: t.Hide, Clips: []*Clip{}}
	i = min(max(i, 0), len(s.Tracks))
	s.Tracks = slices.Insert(s.Tracks, i, n)
	tl.idx().tracks[n.ID] = s
	tl.bumpNextID(n.ID)
	undo := func() { _, _, _, _ = tl.RemoveTrack(n.ID) }
	for _, c := range t.Clips {
		if err := tl.InsertClip(n.ID, c); err != nil {
			undo()
			return fmt.Errorf("track %d: %w", t.ID, err)
		}
	}
	for _, tr := range t.Transitions {
		if err := tl.InsertTransition(tr); err != nil {
			undo()
			return fmt.Errorf("track %d: %w", t.ID, err)
		}
	}
	return nil
}

// RemoveTrack takes a track and everything on it out of its sequence, returning it with the
// sequence ID and its position.
func (tl *Timeline) RemoveTrack(id ID) (*Track, ID, int, error) {
	s, t, i, err := tl.Track(id)
	if err != nil {
		return nil, 0, 0, err
	}
	x := tl.idx()
	for _, c := range t.Clips {
		delete(x.clips, c.ID)
	}
	for _, tr := range t.Transitions {
		delete(x.transitions, tr.ID)
	}
	delete(x.tracks, id)
	s.Tracks = slices.Delete(s.Tracks, i, i+1)
	return t, s.ID, i, nil
}

// MoveTrack puts a track at position i of its sequence and returns where it was.
func (tl *Timeline) MoveTrack(id ID, i int) (int, error) {
	s, t, old, err := tl.Track(id)
	if err != nil {
		return 0, err
	}
	if i < 0 || i >= len(s.Tracks) {
		return 0, fmt.Errorf("track position %d out of range 0..%d", i, len(s.Tracks)-1)
	}
	s.Tracks = slices.Delete(s.Tracks, old, old+1)
	s.Tracks = slices.Insert(s.Tracks, i, t)
	return old, nil
}

// SetTrackHeader changes a track's name and flags, returning the old header (a track with
// no clips or transitions).
func (tl *Timeline) SetTrackHeader(h Track) (Track, error) {
	_, t, _, err := tl.Track(h.ID)
	if err != nil {
		return Track{}, err
	}
	old := Track{ID: t.ID, Kind: t.Kind, Name: t.Name, Mute: t.Mute, Solo: t.Solo, Lock: t.Lock, Hide: t.Hide}
	t.Name, t.Mute, t.Solo, t.Lock, t.Hide = h.Name, h.Mute, h.Solo, h.Lock, h.Hide
	return old, nil
}

// InsertMarker adds a copy of m to a sequence.
func (tl *Timeline) InsertMarker(seq ID, m *Marker) error {
	s, err := tl.SequenceByID(seq)
	if err != nil {
		return err
	}
	if m.ID <= 0 || tl.used(m.ID) {
		return fmt.Errorf("marker id %d is missing or already in use", m.ID)
	}
	if err := validMarker(m); err != nil {
		return err
	}
	n := *m
	s.Markers = append(s.Markers, &n)
	sortMarkers(s.Markers)
	tl.idx().markers[n.ID] = s
	tl.bumpNextID(n.ID)
	return nil
}

func validMarker(m *Marker) error {
	if m.At < 0 || m.At > maxFrame || m.Dur < 0 || m.Dur > maxFrame {
		return fmt.Errorf("marker %d: position %d+%d out of range", m.ID, m.At, m.Dur)
	}
	return nil
}

// RemoveMarker deletes a marker, returning it and its sequence ID.
func (tl *Timeline) RemoveMarker(id ID) (*Marker, ID, error) {
	s, m, err := tl.Marker(id)
	if err != nil {
		return nil, 0, err
	}
	s.Markers = slices.DeleteFunc(s.Markers, func(o *Marker) bool { return o.ID == id })
	delete(tl.idx().markers, id)
	return m, s.ID, nil
}

// ReplaceMarker swaps the marker with m's ID for a copy of m.
func (tl *Timeline) ReplaceMarker(m *Marker) (*Marker, error) {
	s, old, err := tl.Marker(m.ID)
	if err != nil {
		return nil, err
	}
	if err := validMarker(m); err != nil {
		return nil, err
	}
	n := *m
	s.Markers[slices.Index(s.Markers, old)] = &n
	sortMarkers(s.Markers)
	return old, nil
}

// InsertSequence adds an empty nested sequence at position i of Nested.
func (tl *Timeline) InsertSequence(i int, s *Sequence) error {
	if s.ID <= 0 || tl.used(s.ID) {
		return fmt.Errorf("sequence id %d is missing or already in use", s.ID)
	}
	if len(s.Tracks) > 0 || len(s.Markers) > 0 {
		return fmt.Errorf("sequence %d: a new sequence starts empty", s.ID)
	}
	n := &Sequence{ID: s.ID, Name: s.Name, Tracks: []*Track{}}
	i = min(max(i, 0), len(tl.Nested))
	tl.Nested = slices.Insert(tl.Nested, i, n)
	tl.idx().sequences[n.ID] = n
	tl.bumpNextID(n.ID)
	return nil
}

// RemoveSequence deletes an empty nested sequence no clip uses, returning its position.
func (tl *Timeline) RemoveSequence(id ID) (*Sequence, int, error) {
	if id == tl.Sequence.ID {
		return nil, 0, fmt.Errorf("the main sequence cannot be removed")
	}
	i := slices.IndexFunc(tl.Nested, func(s *Sequence) bool { return s.ID == id })
	if i < 0 {
		return nil, 0, fmt.Errorf("no sequence %d", id)
	}
	s := tl.Nested[i]
	if len(s.Tracks) > 0 || len(s.Markers) > 0 {
		return nil, 0, fmt.Errorf("sequence %d is not empty", id)
	}
	for _, o := range tl.Sequences() {
		for _, t := range o.Tracks {
			for _, c := range t.Clips {
				if c.Source.Sequence == id {
					return nil, 0, fmt.Errorf("sequence %d is used by clip %d", id, c.ID)
				}
			}
		}
	}
	tl.Nested = slices.Delete(tl.Nested, i, i+1)
	delete(tl.idx().sequences, id)
	return s, i, nil
}

// RenameSequence sets a sequence's name and returns the old one.
func (tl *Timeline) RenameSequence(id ID, name string) (string, error) {
	s, err := tl.SequenceByID(id)
	if err != nil {
		return "", err
	}
	old := s.Name
	s.Name = name
	return old, nil
}

// SetNextID sets the ID counter (used by undo to hand back the IDs a command took). It may
// not go below an ID in use.
func (tl *Timeline) SetNextID(n ID) error {
	for id := n; id < tl.NextID; id++ {
		if tl.used(id) {
			return fmt.Errorf("next id %d would reuse id %d", n, id)
		}
	}
	if n <= 0 {
		return fmt.Errorf("next id %d must be positive", n)
	}
	tl.NextID = n
	return nil
}

// Check verifies every invariant of the model: settings, unique IDs, sorted non-overlapping
// clips, valid transitions and markers. Decode runs it; tests run it after random edits.
func (tl *Timeline) Check() error {
	if err := tl.Settings.Validate(); err != nil {
		return err
	}
	tl.Invalidate()
	seen := map[ID]string{}
	claim := func(id ID, what string) error {
		if id <= 0 {
			return fmt.Errorf("%s has invalid id %d", what, id)
		}
		if o, ok := seen[id]; ok {
			return fmt.Errorf("id %d is used by both %s and %s", id, o, what)
		}
		if id >= tl.NextID {
			return fmt.Errorf("%s id %d is not below next id %d", what, id, tl.NextID)
		}
		seen[id] = what
		return nil
	}
	for _, s := range tl.Sequences() {
		if err := claim(s.ID, "a sequence"); err != nil {
			return err
		}
		if s.Tracks == nil {
			s.Tracks = []*Track{}
		}
		for i, m := range s.Markers {
			if err := claim(m.ID, "a marker"); err != nil {
				return err
			}
			if err := validMarker(m); err != nil {
				return err
			}
			if i > 0 && (s.Markers[i-1].At > m.At || (s.Markers[i-1].At == m.At && s.Markers[i-1].ID > m.ID)) {
				return fmt.Errorf("markers of sequence %d are out of order", s.ID)
			}
		}
		for _, t := range s.Tracks {
			if err := claim(t.ID, "a track"); err != nil {
				return err
			}
			if t.Kind != Video && t.Kind != Audio {
				return fmt.Errorf("track %d: unknown kind %q", t.ID, t.Kind)
			}
			if t.Clips == nil {
				t.Clips = []*Clip{}
			}
			for i, c := range t.Clips {
				if err := claim(c.ID, "a clip"); err != nil {
					return err
				}
				if err := tl.ValidateClip(c); err != nil {
					return err
				}
				if i > 0 && t.Clips[i-1].End() > c.Start {
					return fmt.Errorf("track %d: clip %d %w (clip %d)", t.ID, c.ID, ErrOverlap, t.Clips[i-1].ID)
				}
				if c.Source.Sequence != 0 && tl.nestsItself(s, c.Source.Sequence) {
					return fmt.Errorf("clip %d: sequence %d cannot contain itself", c.ID, c.Source.Sequence)
				}
			}
			for i, tr := range t.Transitions {
				if err := claim(tr.ID, "a transition"); err != nil {
					return err
				}
				if err := tl.validTransition(t, tr); err != nil {
					return err
				}
				if i > 0 {
					_, _, p := t.cutOf(t.Transitions[i-1])
					if _, _, q := t.cutOf(tr); p >= q {
						return fmt.Errorf("track %d: transitions out of order at %d", t.ID, tr.ID)
					}
				}
			}
		}
	}
	return nil
}
