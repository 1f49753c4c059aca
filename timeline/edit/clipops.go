package edit

import (
	"fmt"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	register(func() Command { return &Insert{} })
	register(func() Command { return &Overwrite{} })
	register(func() Command { return &Append{} })
	register(func() Command { return &Lift{} })
	register(func() Command { return &RippleDelete{} })
	register(func() Command { return &LiftRange{} })
	register(func() Command { return &Extract{} })
	register(func() Command { return &Split{} })
	register(func() Command { return &TrimHead{} })
	register(func() Command { return &TrimTail{} })
	register(func() Command { return &Roll{} })
	register(func() Command { return &Slip{} })
	register(func() Command { return &Slide{} })
	register(func() Command { return &Move{} })
	register(func() Command { return &SetClip{} })
}

// ClipSpec describes a new clip for insert, overwrite and append. Dur is required; the rest
// defaults (speed 1, enabled, a new ID).
type ClipSpec struct {
	ID        timeline.ID                `json:"id,omitempty"`
	Name      string                     `json:"name,omitempty"`
	Color     string                     `json:"color,omitempty"`
	Media     timeline.ID                `json:"media,omitempty"`
	Sequence  timeline.ID                `json:"sequence,omitempty"`
	In        rt.Time                    `json:"in,omitempty"`
	Dur       rt.Time                    `json:"dur"`
	Speed     *timeline.Speed            `json:"speed,omitempty"`
	Enabled   *bool                      `json:"enabled,omitempty"`
	SourceDur rt.Time                    `json:"source_dur,omitempty"`
	Blend     string                     `json:"blend,omitempty"`
	Params    map[string]*keyframe.Curve `json:"params,omitempty"`
}

// build makes the clip, taking a new ID when the spec has none.
func (s *ClipSpec) build(x *tx, at rt.Time) (*timeline.Clip, error) {
	c := &timeline.Clip{
		ID: s.ID, Name: s.Name, Color: s.Color,
		Source: timeline.Source{Media: s.Media, Sequence: s.Sequence},
		Start:  at, Dur: s.Dur, In: s.In, Speed: timeline.Normal, Enabled: true,
		SourceDur: s.SourceDur, Blend: s.Blend, Params: s.Params,
	}
	if s.Speed != nil {
		c.Speed = *s.Speed
	}
	if s.Enabled != nil {
		c.Enabled = *s.Enabled
	}
	if c.ID == 0 {
		c.ID, _ = x.newID()
	}
	if c.Dur <= 0 {
		return nil, fmt.Errorf("clip duration %d must be positive", c.Dur)
	}
	return c, x.tl.ValidateClip(c)
}

// Insert puts a clip at a frame and pushes everything from there on later (ripple). With Sync
// (the default) every unlocked track of the sequence opens up too, so sound stays in sync.
type Insert struct {
	Track timeline.ID `json:"track"`
	At    rt.Time     `json:"at"`
	Clip  ClipSpec    `json:"clip"`
	Sync  *bool       `json:"sync,omitempty"`
}

func (*Insert) Op() string { return "insert" }

func (c *Insert) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		s, t, err := x.track(c.Track)
		if err != nil {
			return err
		}
		if c.At < 0 {
			return fmt.Errorf("insert at frame %d: must not be negative", c.At)
		}
		clip, err := c.Clip.build(x, c.At)
		if err != nil {
			return err
		}
		for _, o := range syncTracks(s, t, c.Sync == nil || *c.Sync) {
			if err := x.openAt(o, c.At, clip.Dur); err != nil {
				return err
			}
		}
		return x.do(&PutClip{Track: t.ID, Clip: clip})
	})
}

// Overwrite puts a clip at a frame over whatever is there, trimming or removing it.
type Overwrite struct {
	Track timeline.ID `json:"track"`
	At    rt.Time     `json:"at"`
	Clip  ClipSpec    `json:"clip"`
}

func (*Overwrite) Op() string { return "overwrite" }

func (c *Overwrite) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, t, err := x.track(c.Track)
		if err != nil {
			return err
		}
		if c.At < 0 {
			return fmt.Errorf("overwrite at frame %d: must not be negative", c.At)
		}
		clip, err := c.Clip.build(x, c.At)
		if err != nil {
			return err
		}
		if err := x.clear(t, clip.Range()); err != nil {
			return err
		}
		return x.do(&PutClip{Track: t.ID, Clip: clip})
	})
}

// Append puts a clip after the last clip of a track.
type Append struct {
	Track timeline.ID `json:"track"`
	Clip  ClipSpec    `json:"clip"`
}

func (*Append) Op() string { return "append" }

func (c *Append) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, t, err := x.track(c.Track)
		if err != nil {
			return err
		}
		clip, err := c.Clip.build(x, t.End())
		if err != nil {
			return err
		}
		return x.do(&PutClip{Track: t.ID, Clip: clip})
	})
}

// Lift removes a clip and leaves a gap.
type Lift struct {
	Clip timeline.ID `json:"clip"`
}

func (*Lift) Op() string { return "lift" }

func (c *Lift) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		return x.lift(t, clip)
	})
}

// RippleDelete removes a clip and closes the gap by pulling the rest of its track earlier.
// With Sync, the other unlocked tracks close up too (refused where they have something in
// that span).
type RippleDelete struct {
	Clip timeline.ID `json:"clip"`
	Sync bool        `json:"sync,omitempty"`
}

func (*RippleDelete) Op() string { return "ripple-delete" }

func (c *RippleDelete) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		s, _, _, _ := x.tl.Track(t.ID)
		r := clip.Range()
		if err := x.lift(t, clip); err != nil {
			return err
		}
		for _, o := range syncTracks(s, t, c.Sync) {
			if o != t && len(o.ClipsIn(r)) > 0 {
				return fmt.Errorf("ripple delete of clip %d: track %d has clips in frames %d..%d", c.Clip, o.ID, r.Start, r.End()-1)
			}
			if err := x.do(&Shift{Track: o.ID, From: r.End(), By: -r.Dur}); err != nil {
				return err
			}
		}
		return nil
	})
}

// rangeTracks resolves the tracks a range command works on: the listed ones, or every
// unlocked track of the main sequence.
func rangeTracks(x *tx, ids []timeline.ID) ([]*timeline.Track, error) {
	if len(ids) == 0 {
		var out []*timeline.Track
		for _, t := range x.tl.Tracks {
			if !t.Lock {
				out = append(out, t)
			}
		}
		return out, nil
	}
	var out []*timeline.Track
	for _, id := range ids {
		_, t, err := x.track(id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// LiftRange clears a span of frames (marked in to out) on some tracks, leaving a gap.
type LiftRange struct {
	Start  rt.Time       `json:"start"`
	Dur    rt.Time       `json:"dur"`
	Tracks []timeline.ID `json:"tracks,omitempty"` // empty: every unlocked track
}

func (*LiftRange) Op() string { return "lift-range" }

func (c *LiftRange) Apply(tl *timeline.Timeline) (Command, error) {
	return clearSpan(tl, c.Op(), c.Start, c.Dur, c.Tracks, false)
}

// clearSpan empties frames start..start+dur on the tracks (every unlocked one when none are
// listed) and, with ripple, closes the gap.
func clearSpan(tl *timeline.Timeline, op string, start, dur rt.Time, tracks []timeline.ID, ripple bool) (Command, error) {
	return run(tl, func(x *tx) error {
		r, err := rt.NewRange(start, dur)
		if err != nil || start < 0 {
			return fmt.Errorf("%s: invalid span %d+%d", op, start, dur)
		}
		ts, err := rangeTracks(x, tracks)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if err := x.clear(t, r); err != nil {
				return err
			}
			if ripple {
				if err := x.do(&Shift{Track: t.ID, From: r.End(), By: -r.Dur}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Extract removes a span of frames on some tracks and closes the gap (ripple).
type Extract struct {
	Start  rt.Time       `json:"start"`
	Dur    rt.Time       `json:"dur"`
	Tracks []timeline.ID `json:"tracks,omitempty"` // empty: every unlocked track
}

func (*Extract) Op() string { return "extract" }

func (c *Extract) Apply(tl *timeline.Timeline) (Command, error) {
	return clearSpan(tl, c.Op(), c.Start, c.Dur, c.Tracks, true)
}

// Split (the razor) cuts at a frame: one clip, the clip under it on one track, or, with
// neither, every unlocked track of the main sequence that has a clip there.
type Split struct {
	At    rt.Time     `json:"at"`
	Clip  timeline.ID `json:"clip,omitempty"`
	Track timeline.ID `json:"track,omitempty"`
}

func (*Split) Op() string { return "split" }

func (c *Split) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		switch {
		case c.Clip != 0:
			t, clip, err := x.clip(c.Clip)
			if err != nil {
				return err
			}
			_, err = x.split(t, clip, c.At)
			return err
		case c.Track != 0:
			_, t, err := x.track(c.Track)
			if err != nil {
				return err
			}
			clip := t.ClipAt(c.At)
			if clip == nil || clip.Start == c.At {
				return fmt.Errorf("no clip to split at frame %d on track %d", c.At, c.Track)
			}
			_, err = x.split(t, clip, c.At)
			return err
		}
		n := 0
		for _, t := range x.tl.Tracks {
			if clip := t.ClipAt(c.At); clip != nil && clip.Start != c.At && !t.Lock {
				if _, err := x.split(t, clip, c.At); err != nil {
					return err
				}
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("no clip to split at frame %d", c.At)
		}
		return nil
	})
}

// TrimHead moves a clip's in point by By frames (positive: later, shorter clip). Without
// Ripple the clip's start moves and a gap opens or closes before it; with Ripple the clip
// stays where it starts and everything after it on the track moves.
type TrimHead struct {
	Clip   timeline.ID `json:"clip"`
	By     rt.Time     `json:"by"`
	Ripple bool        `json:"ripple,omitempty"`
}

func (*TrimHead) Op() string { return "trim-head" }

func (c *TrimHead) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		if c.By >= clip.Dur {
			return fmt.Errorf("trim-head of clip %d by %d frames leaves nothing (it is %d long)", c.Clip, c.By, clip.Dur)
		}
		trs, err := x.detach(t, clip, true, c.Ripple)
		if err != nil {
			return err
		}
		n := trimmedHead(clip, c.By)
		if !c.Ripple {
			if err := x.replace(n); err != nil {
				return err
			}
			return x.reattach(trs)
		}
		n.Start = clip.Start
		end := clip.End()
		if c.By > 0 {
			err = x.replace(n)
			if err == nil {
				err = x.do(&Shift{Track: t.ID, From: end, By: -c.By})
			}
		} else {
			err = x.do(&Shift{Track: t.ID, From: end, By: -c.By})
			if err == nil {
				err = x.replace(n)
			}
		}
		if err != nil {
			return err
		}
		return x.reattach(trs)
	})
}

// TrimTail moves a clip's out point by By frames (positive: later, longer clip). With Ripple
// everything after it on the track moves by the same amount.
type TrimTail struct {
	Clip   timeline.ID `json:"clip"`
	By     rt.Time     `json:"by"`
	Ripple bool        `json:"ripple,omitempty"`
}

func (*TrimTail) Op() string { return "trim-tail" }

func (c *TrimTail) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		if -c.By >= clip.Dur {
			return fmt.Errorf("trim-tail of clip %d by %d frames leaves nothing (it is %d long)", c.Clip, c.By, clip.Dur)
		}
		trs, err := x.detach(t, clip, false, true)
		if err != nil {
			return err
		}
		n := clip.Clone()
		n.Dur += c.By
		end := clip.End()
		switch {
		case !c.Ripple:
			err = x.replace(n)
		case c.By > 0:
			err = x.do(&Shift{Track: t.ID, From: end, By: c.By})
			if err == nil {
				err = x.replace(n)
			}
		default:
			err = x.replace(n)
			if err == nil {
				err = x.do(&Shift{Track: t.ID, From: end, By: c.By})
			}
		}
		if err != nil {
			return err
		}
		return x.reattach(trs)
	})
}

// Roll moves the cut between a clip and the clip right after it by By frames: one gets
// longer, the other shorter, nothing else moves.
type Roll struct {
	Clip timeline.ID `json:"clip"` // the outgoing clip (left of the cut)
	By   rt.Time     `json:"by"`
}

func (*Roll) Op() string { return "roll" }

func (c *Roll) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, a, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		_, b := t.Neighbors(a)
		if b == nil || b.Start != a.End() {
			return fmt.Errorf("roll: clip %d has no clip right after it", c.Clip)
		}
		if c.By >= b.Dur || -c.By >= a.Dur {
			return fmt.Errorf("roll of clip %d by %d frames leaves a clip with nothing", c.Clip, c.By)
		}
		trs, err := x.detach(t, a, false, true)
		if err != nil {
			return err
		}
		na := a.Clone()
		na.Dur += c.By
		nb := trimmedHead(b, c.By)
		first, second := na, nb
		if c.By > 0 {
			first, second = nb, na
		}
		if err := x.replace(first); err != nil {
			return err
		}
		if err := x.replace(second); err != nil {
			return err
		}
		return x.reattach(trs)
	})
}

// Slip shows a different part of the source in the same place: the in and out points move by
// By source frames together.
type Slip struct {
	Clip timeline.ID `json:"clip"`
	By   rt.Time     `json:"by"`
}

func (*Slip) Op() string { return "slip" }

func (c *Slip) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		n := clip.Clone()
		n.In += c.By
		return x.replace(n)
	})
}

// Slide moves a clip along its track by By frames, keeping its content: the clip before it
// gets longer or shorter at its tail and the clip after it at its head (a gap next to it
// shrinks or grows instead).
type Slide struct {
	Clip timeline.ID `json:"clip"`
	By   rt.Time     `json:"by"`
}

func (*Slide) Op() string { return "slide" }

func (c *Slide) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		if c.By == 0 {
			return nil
		}
		prev, next := t.Neighbors(clip)
		var trs []*timeline.Transition
		steps := []*timeline.Clip{}
		touch := func(o *timeline.Clip, head bool) error {
			got, err := x.detach(t, o, head, !head)
			trs = append(trs, got...)
			return err
		}
		if err := touch(clip, true); err != nil {
			return err
		}
		if err := touch(clip, false); err != nil {
			return err
		}
		moved := clip.Clone()
		moved.Start += c.By
		var np, nn *timeline.Clip
		if prev != nil && prev.End() == clip.Start {
			np = prev.Clone()
			np.Dur += c.By
		}
		if next != nil && next.Start == clip.End() {
			nn = trimmedHead(next, c.By)
		}
		// Order the replacements so no step overlaps: shrink before grow.
		if c.By > 0 {
			if nn != nil {
				steps = append(steps, nn)
			}
			steps = append(steps, moved)
			if np != nil {
				steps = append(steps, np)
			}
		} else {
			if np != nil {
				steps = append(steps, np)
			}
			steps = append(steps, moved)
			if nn != nil {
				steps = append(steps, nn)
			}
		}
		for _, s := range steps {
			if err := x.replace(s); err != nil {
				return fmt.Errorf("slide of clip %d by %d: %w", c.Clip, c.By, err)
			}
		}
		return x.reattach(trs)
	})
}

// Move puts a clip at a new start, on its own track or another of the same kind, over
// whatever is there (overwrite). Its transitions are removed.
type Move struct {
	Clip  timeline.ID `json:"clip"`
	To    rt.Time     `json:"to"`
	Track timeline.ID `json:"track,omitempty"` // default: the clip's own track
}

func (*Move) Op() string { return "move" }

func (c *Move) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		from, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		to := from
		if c.Track != 0 && c.Track != from.ID {
			if _, to, err = x.track(c.Track); err != nil {
				return err
			}
			if to.Kind != from.Kind {
				return fmt.Errorf("move: clip %d is on a %s track and cannot go to %s track %d", c.Clip, from.Kind, to.Kind, to.ID)
			}
		}
		if c.To < 0 {
			return fmt.Errorf("move: frame %d must not be negative", c.To)
		}
		n := clip.Clone()
		n.Start = c.To
		if err := x.lift(from, clip); err != nil {
			return err
		}
		if err := x.clear(to, n.Range()); err != nil {
			return err
		}
		return x.do(&PutClip{Track: to.ID, Clip: n})
	})
}

// SetClip changes a clip's properties; only the fields given change.
type SetClip struct {
	Clip      timeline.ID     `json:"clip"`
	Name      *string         `json:"name,omitempty"`
	Color     *string         `json:"color,omitempty"`
	Enabled   *bool           `json:"enabled,omitempty"`
	Speed     *timeline.Speed `json:"speed,omitempty"`
	Blend     *string         `json:"blend,omitempty"`
	SourceDur *rt.Time        `json:"source_dur,omitempty"`
	Media     *timeline.ID    `json:"media,omitempty"` // relink to another media item
}

func (*SetClip) Op() string { return "set-clip" }

func (c *SetClip) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, clip, err := x.clip(c.Clip)
		if err != nil {
			return err
		}
		n := clip.Clone()
		if c.Name != nil {
			n.Name = *c.Name
		}
		if c.Color != nil {
			n.Color = *c.Color
		}
		if c.Enabled != nil {
			n.Enabled = *c.Enabled
		}
		if c.Speed != nil {
			if err := c.Speed.Validate(); err != nil {
				return err
			}
			n.Speed, n.Phase = *c.Speed, 0
		}
		if c.Blend != nil {
			n.Blend = *c.Blend
			if n.Blend == "normal" {
				n.Blend = ""
			}
		}
		if c.SourceDur != nil {
			n.SourceDur = *c.SourceDur
		}
		if c.Media != nil {
			n.Source = timeline.Source{Media: *c.Media}
		}
		return x.replace(n)
	})
}
