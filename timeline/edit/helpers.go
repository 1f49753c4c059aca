package edit

import (
	"fmt"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// clip finds a clip on a track the user may edit.
func (x *tx) clip(id timeline.ID) (*timeline.Track, *timeline.Clip, error) {
	t, c, err := x.tl.Clip(id)
	if err != nil {
		return nil, nil, err
	}
	if t.Lock {
		return nil, nil, fmt.Errorf("clip %d is on locked track %d %s", id, t.ID, quoted(t.Name))
	}
	return t, c, nil
}

// track finds a track the user may edit.
func (x *tx) track(id timeline.ID) (*timeline.Sequence, *timeline.Track, error) {
	s, t, _, err := x.tl.Track(id)
	if err != nil {
		return nil, nil, err
	}
	if t.Lock {
		return nil, nil, fmt.Errorf("track %d %s is locked", t.ID, quoted(t.Name))
	}
	return s, t, nil
}

func quoted(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("(%q)", name)
}

func (x *tx) replace(c *timeline.Clip) error { return x.do(&ReplaceClip{Clip: c}) }

// detach removes the transitions on one or both edges of a clip (tail: where it is A; head:
// where it is B) and returns copies to reattach after the edges move.
func (x *tx) detach(t *timeline.Track, c *timeline.Clip, head, tail bool) ([]*timeline.Transition, error) {
	var out []*timeline.Transition
	for _, tr := range t.TransitionsOf(c) {
		if (head && tr.B == c.ID) || (tail && tr.A == c.ID) {
			n := *tr
			out = append(out, &n)
		}
	}
	for _, tr := range out {
		if err := x.do(&DropTransition{Transition: tr.ID}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reattach puts detached transitions back where their clips still touch; where they no
// longer touch the transition is gone, as in every editor. Where they touch but the
// transition no longer fits (no handle), the edit is refused.
func (x *tx) reattach(trs []*timeline.Transition) error {
	for _, tr := range trs {
		ta, a, errA := x.tl.Clip(tr.A)
		tb, b, errB := x.tl.Clip(tr.B)
		if errA != nil || errB != nil || ta != tb || a.End() != b.Start {
			continue
		}
		if err := x.do(&PutTransition{Transition: tr}); err != nil {
			return err
		}
	}
	return nil
}

// shiftKeys moves every keyframe of a clip by d frames (keys are relative to the clip start,
// so when content moves under the start they move the other way).
func shiftKeys(c *timeline.Clip, d rt.Time) {
	if d == 0 {
		return
	}
	for _, cv := range c.Params {
		cv.Shift(d)
	}
}

// trimmedHead is c with its head moved by d frames (d > 0 shortens), content staying put.
func trimmedHead(c *timeline.Clip, d rt.Time) *timeline.Clip {
	n := c.Advanced(d)
	n.Start += d
	n.Dur -= d
	shiftKeys(n, -d)
	return n
}

// split cuts clip c at frame at (strictly inside it): the left part keeps c's ID, the right
// part gets a new one and takes over the transition on c's tail. Returns the right part.
func (x *tx) split(t *timeline.Track, c *timeline.Clip, at rt.Time) (*timeline.Clip, error) {
	if at <= c.Start || at >= c.End() {
		return nil, fmt.Errorf("frame %d is not inside clip %d (%d..%d)", at, c.ID, c.Start, c.End()-1)
	}
	for _, tr := range t.TransitionsOf(c) {
		_, _, cut, _ := t.Cut(tr)
		if r := tr.Range(cut); r.Contains(at) {
			return nil, fmt.Errorf("frame %d is inside transition %d (%d..%d)", at, tr.ID, r.Start, r.End()-1)
		}
	}
	tail, err := x.detach(t, c, false, true)
	if err != nil {
		return nil, err
	}
	id, _ := x.newID()
	right := trimmedHead(c, at-c.Start)
	right.ID = id
	left := c.Clone()
	left.Dur = at - c.Start
	if err := x.replace(left); err != nil {
		return nil, err
	}
	if err := x.do(&PutClip{Track: t.ID, Clip: right}); err != nil {
		return nil, err
	}
	for _, tr := range tail {
		tr.A = right.ID
	}
	if err := x.reattach(tail); err != nil {
		return nil, err
	}
	_, right, err = x.tl.Clip(id)
	return right, err
}

// lift removes a clip and its transitions, leaving a gap.
func (x *tx) lift(t *timeline.Track, c *timeline.Clip) error {
	if _, err := x.detach(t, c, true, true); err != nil {
		return err
	}
	return x.do(&DropClip{Clip: c.ID})
}

// clear empties range r on track t: clips inside go, clips across its edges are trimmed,
// a clip spanning it is split.
func (x *tx) clear(t *timeline.Track, r rt.Range) error {
	if r.Empty() {
		return nil
	}
	for _, c := range append([]*timeline.Clip(nil), t.ClipsIn(r)...) {
		if c.Start < r.Start && c.End() > r.End() {
			if _, err := x.split(t, c, r.End()); err != nil {
				return err
			}
			_, c, _ = x.tl.Clip(c.ID)
		}
		switch {
		case c.Start >= r.Start && c.End() <= r.End():
			if err := x.lift(t, c); err != nil {
				return err
			}
		case c.Start < r.Start: // keep the head, cut the tail
			if _, err := x.detach(t, c, false, true); err != nil {
				return err
			}
			n := c.Clone()
			n.Dur = r.Start - c.Start
			if err := x.replace(n); err != nil {
				return err
			}
		default: // keep the tail, cut the head
			if _, err := x.detach(t, c, true, false); err != nil {
				return err
			}
			if err := x.replace(trimmedHead(c, r.End()-c.Start)); err != nil {
				return err
			}
		}
	}
	return nil
}

// openAt makes room for d frames at frame at on track t: a clip across at is split, a
// transition sitting on a cut at at is removed, and everything from at on moves d later.
func (x *tx) openAt(t *timeline.Track, at, d rt.Time) error {
	if c := t.ClipAt(at); c != nil && c.Start < at {
		if _, err := x.split(t, c, at); err != nil {
			return err
		}
	}
	if c := t.ClipAt(at); c != nil && c.Start == at {
		if _, err := x.detach(t, c, true, false); err != nil {
			return err
		}
	}
	return x.do(&Shift{Track: t.ID, From: at, By: d})
}

// syncTracks lists the unlocked tracks of a sequence that ripple together with track t.
func syncTracks(s *timeline.Sequence, t *timeline.Track, sync bool) []*timeline.Track {
	if !sync {
		return []*timeline.Track{t}
	}
	var out []*timeline.Track
	for _, o := range s.Tracks {
		if !o.Lock || o == t {
			out = append(out, o)
		}
	}
	return out
}
