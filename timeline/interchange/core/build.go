package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Readers describe what they read as a Draft, the same shape as a timeline.Timeline but
// with clips that name each other by pointer and IDs that are only wishes (a Slate round trip
// carries the original IDs). Build turns it into a checked timeline with the model's own
// primitives, repairing what it can with a warning and refusing the rest.

// Draft is a timeline under construction.
type Draft struct {
	Settings  timeline.Settings
	Main      DraftSeq
	Nested    []*DraftSeq
	NextID    timeline.ID // the NextID to restore (Slate round trip), 0 for none
	Start     rt.Time
	DropFrame bool
	Media     []Media
	Extra     map[string]json.RawMessage // about the timeline itself
	Warnings  []string
	Strict    bool
}

// DraftSeq is a sequence under construction.
type DraftSeq struct {
	ID      timeline.ID // wished; 0 for any
	Name    string
	Tracks  []*DraftTrack
	Markers []*DraftMarker
	Extra   map[string]json.RawMessage

	built timeline.ID
}

// DraftTrack is a track under construction.
type DraftTrack struct {
	ID                     timeline.ID
	Kind                   timeline.TrackKind
	Name                   string
	Mute, Solo, Lock, Hide bool
	Clips                  []*DraftClip // any order
	Transitions            []*DraftTransition
	Extra                  map[string]json.RawMessage
}

// DraftClip is a clip under construction: Clip.Source.Media names a Draft media ID; a
// nested-sequence clip sets Seq instead.
type DraftClip struct {
	timeline.Clip
	Seq   *DraftSeq
	Extra map[string]json.RawMessage
	Where string // where the file holds it, for messages ("line 12", "$.tracks.children[0]")

	built timeline.ID
}

// DraftTransition is a transition under construction between two draft clips.
type DraftTransition struct {
	timeline.Transition
	A, B  *DraftClip
	Extra map[string]json.RawMessage
	Where string
}

// DraftMarker is a marker under construction.
type DraftMarker struct {
	timeline.Marker
	Extra map[string]json.RawMessage
	Where string
}

// Warnf records a warning.
func (d *Draft) Warnf(format string, args ...any) {
	d.Warnings = append(d.Warnings, fmt.Sprintf(format, args...))
}

// repair records a warning, or in strict mode returns it as the error.
func (d *Draft) repair(where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	if d.Strict {
		return errors.New(msg)
	}
	d.Warnings = append(d.Warnings, msg)
	return nil
}

// ids hands out IDs: wished ones when they are unique and positive, fresh ones above every
// wish otherwise.
type ids struct {
	wished map[timeline.ID]int
	next   timeline.ID
}

func (x *ids) wish(id timeline.ID) {
	if id > 0 {
		x.wished[id]++
	}
}

func (x *ids) get(id timeline.ID) timeline.ID {
	if id > 0 && x.wished[id] == 1 {
		x.wished[id] = -1 // taken
		return id
	}
	n := x.next
	x.next++
	return n
}

// Build makes the timeline. Every clip, transition and marker the draft holds is either in
// the result or named in a warning (or, when Strict, the cause of the error).
func (d *Draft) Build() (*Doc, error) {
	tl, err := timeline.New(d.Settings)
	if err != nil {
		return nil, err
	}
	seqs := append([]*DraftSeq{&d.Main}, d.Nested...)
	x := &ids{wished: map[timeline.ID]int{tl.Sequence.ID: 1}}
	for _, s := range seqs[1:] {
		x.wish(s.ID)
	}
	for _, s := range seqs {
		for _, t := range s.Tracks {
			x.wish(t.ID)
			for _, c := range t.Clips {
				x.wish(c.ID)
			}
			for _, tr := range t.Transitions {
				x.wish(tr.ID)
			}
		}
		for _, m := range s.Markers {
			x.wish(m.ID)
		}
	}
	x.next = tl.NextID
	for id := range x.wished {
		if id >= x.next {
			x.next = id + 1
		}
	}
	x.wished[tl.Sequence.ID] = -1
	d.Main.built = tl.Sequence.ID
	if d.Main.Name != "" {
		tl.Sequence.Name = d.Main.Name
	}

	doc := &Doc{Timeline: tl, Start: d.Start, DropFrame: d.DropFrame, Extra: Extra{}}
	media := map[timeline.ID]*Media{}
	for i := range d.Media {
		m := &d.Media[i]
		if m.ID <= 0 || media[m.ID] != nil {
			return nil, fmt.Errorf("media %q: id %d is missing or used twice", m.Name, m.ID)
		}
		media[m.ID] = m
	}
	doc.Media = append([]Media(nil), d.Media...)
	for k, v := range d.Extra {
		doc.Extra.Set(0, k, v)
	}

	for i, s := range d.Nested {
		s.built = x.get(s.ID)
		if err := tl.InsertSequence(i, &timeline.Sequence{ID: s.built, Name: s.Name}); err != nil {
			return nil, err
		}
	}
	for _, s := range seqs {
		for k, v := range s.Extra {
			doc.Extra.Set(s.built, k, v)
		}
		for _, t := range s.Tracks {
			if err := d.buildTrack(tl, doc, x, s, t, media); err != nil {
				return nil, err
			}
		}
		for _, m := range s.Markers {
			n := m.Marker
			n.ID = x.get(m.ID)
			if n.At < 0 {
				if err := d.repair(m.Where, "marker %q at frame %d is before the timeline starts: moved to frame 0", n.Name, n.At); err != nil {
					return nil, err
				}
				n.At = 0
			}
			if err := tl.InsertMarker(s.built, &n); err != nil {
				if err := d.repair(m.Where, "marker %q dropped: %v", n.Name, err); err != nil {
					return nil, err
				}
				continue
			}
			for k, v := range m.Extra {
				doc.Extra.Set(n.ID, k, v)
			}
		}
	}
	if d.NextID > tl.NextID {
		if err := tl.SetNextID(d.NextID); err != nil {
			return nil, err
		}
	}
	if err := tl.Check(); err != nil {
		return nil, fmt.Errorf("the imported timeline is inconsistent: %w", err)
	}
	if len(doc.Extra) == 0 {
		doc.Extra = nil
	}
	doc.Warnings = append(doc.Warnings, d.Warnings...)
	return doc, nil
}

func (d *Draft) buildTrack(tl *timeline.Timeline, doc *Doc, x *ids, s *DraftSeq, t *DraftTrack, media map[timeline.ID]*Media) error {
	kind := t.Kind
	if kind != timeline.Audio {
		kind = timeline.Video
	}
	tid := x.get(t.ID)
	err := tl.InsertTrack(s.built, math.MaxInt32, &timeline.Track{ID: tid, Kind: kind, Name: t.Name, Mute: t.Mute, Solo: t.Solo, Lock: t.Lock, Hide: t.Hide})
	if err != nil {
		return err
	}
	for k, v := range t.Extra {
		doc.Extra.Set(tid, k, v)
	}
	clips := append([]*DraftClip(nil), t.Clips...)
	sort.SliceStable(clips, func(i, j int) bool { return clips[i].Start < clips[j].Start })
	var end rt.Time
	for _, dc := range clips {
		c := dc.Clip.Clone()
		c.ID = x.get(dc.ID)
		c.Source = timeline.Source{Media: dc.Source.Media}
		if dc.Seq != nil {
			c.Source = timeline.Source{Sequence: dc.Seq.built}
		} else if media[c.Source.Media] == nil {
			return fmt.Errorf("%s: clip %q names media %d that the file does not define", dc.Where, c.Name, c.Source.Media)
		}
		if c.Speed.Den == 0 {
			c.Speed = timeline.Normal
		}
		if c.Dur <= 0 {
			if err := d.repair(dc.Where, "clip %q has no length: dropped", c.Name); err != nil {
				return err
			}
			continue
		}
		if c.Start < end { // overlaps the clip before: keep the later part
			cut := end - c.Start
			if err := d.repair(dc.Where, "clip %q overlaps the clip before it by %d frames: its head is trimmed", c.Name, cut); err != nil {
				return err
			}
			if cut >= c.Dur {
				d.Warnf("%s: clip %q is hidden by the clip before it: dropped", dc.Where, c.Name)
				continue
			}
			n := c.Advanced(cut)
			n.Start, n.Dur = c.Start+cut, c.Dur-cut
			for _, cv := range n.Params {
				cv.Shift(-cut)
			}
			c = n
		}
		if err := tl.ValidateClip(c); err != nil && c.SourceDur > 0 {
			// Files often cut outside the length they state for the media: trust the cut.
			first, last := c.SourceSpan()
			if first >= 0 && last >= c.SourceDur {
				c.SourceDur = 0
				d.Warnf("%s: clip %q uses source frames up to %d, past the media's stated length: length taken as unknown", dc.Where, c.Name, last)
			}
		}
		if first, _ := c.SourceSpan(); first < 0 {
			if err := d.repair(dc.Where, "clip %q starts %d frames before its source does: moved to the source's first frame", c.Name, -first); err != nil {
				return err
			}
			c.In -= first
			if f, _ := c.SourceSpan(); f < 0 {
				c.In, c.Phase = 0, 0
				c.Speed = timeline.Normal
			}
		}
		if err := tl.InsertClip(tid, c); err != nil {
			if err := d.repair(dc.Where, "clip %q dropped: %v", c.Name, err); err != nil {
				return err
			}
			continue
		}
		dc.built = c.ID
		end = c.End()
		for k, v := range dc.Extra {
			doc.Extra.Set(c.ID, k, v)
		}
	}
	for _, dt := range t.Transitions {
		tr := dt.Transition
		tr.ID = x.get(dt.ID)
		if dt.A == nil || dt.B == nil || dt.A.built == 0 || dt.B.built == 0 {
			if err := d.repair(dt.Where, "transition %q does not join two clips: dropped", kindName(tr.Kind)); err != nil {
				return err
			}
			continue
		}
		tr.A, tr.B = dt.A.built, dt.B.built
		if tr.Align == "" {
			tr.Align = timeline.AlignCenter
		}
		if err := tl.InsertTransition(&tr); err != nil {
			if err := d.repair(dt.Where, "transition dropped: %v", err); err != nil {
				return err
			}
			continue
		}
		for k, v := range dt.Extra {
			doc.Extra.Set(tr.ID, k, v)
		}
	}
	return nil
}

func kindName(k timeline.TransitionKind) string {
	if k == "" {
		return "dissolve"
	}
	return string(k)
}

// AlignFor picks the model alignment for a transition that starts in frames before its cut
// and lasts dur frames: start (0 before), end (all before), center (dur/2 before, rounded
// down). Anything else gets the nearest of the three; exact reports whether it matched.
func AlignFor(in, dur rt.Time) (a timeline.Align, exact bool) {
	switch in {
	case dur / 2:
		return timeline.AlignCenter, true
	case 0:
		return timeline.AlignStart, true
	case dur:
		return timeline.AlignEnd, true
	}
	best, bd := timeline.AlignCenter, absT(in-dur/2)
	if v := absT(in); v < bd {
		best, bd = timeline.AlignStart, v
	}
	if v := absT(in - dur); v < bd {
		best = timeline.AlignEnd
	}
	return best, false
}

// InOffset is how many frames of a transition lie before its cut.
func InOffset(tr *timeline.Transition) rt.Time {
	r := tr.Range(0)
	return -r.Start
}

func absT(t rt.Time) rt.Time {
	if t < 0 {
		return -t
	}
	return t
}

// MediaSet collects a reader's media, one per distinct key.
type MediaSet struct {
	List  []Media
	byKey map[string]timeline.ID
}

// Add returns the ID of the media with key, adding m (with the next ID) the first time.
func (ms *MediaSet) Add(key string, m Media) timeline.ID {
	if ms.byKey == nil {
		ms.byKey = map[string]timeline.ID{}
	}
	if id, ok := ms.byKey[key]; ok {
		return id
	}
	m.ID = timeline.ID(len(ms.List) + 1)
	ms.List = append(ms.List, m)
	ms.byKey[key] = m.ID
	return m.ID
}

// Get returns the media with an ID from Add.
func (ms *MediaSet) Get(id timeline.ID) *Media {
	if id <= 0 || int(id) > len(ms.List) {
		return nil
	}
	return &ms.List[id-1]
}

// RawJSON marshals v for Extra, or nil when v is empty.
func RawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" || string(b) == "{}" || string(b) == "[]" {
		return nil
	}
	return b
}
