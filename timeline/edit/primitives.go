package edit

import (
	"fmt"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// The primitives: the smallest changes, each with an exact inverse. Every other command is
// made of them, and every inverse is a Batch of them. They are part of the JSON vocabulary
// (undo history is stored with them) but scripts rarely need them.

func init() {
	register(func() Command { return &Batch{} })
	register(func() Command { return &PutClip{} })
	register(func() Command { return &DropClip{} })
	register(func() Command { return &ReplaceClip{} })
	register(func() Command { return &Shift{} })
	register(func() Command { return &PutTransition{} })
	register(func() Command { return &DropTransition{} })
	register(func() Command { return &ReplaceTransition{} })
	register(func() Command { return &PutMarker{} })
	register(func() Command { return &DropMarker{} })
	register(func() Command { return &ReplaceMarker{} })
	register(func() Command { return &PutTrack{} })
	register(func() Command { return &DropTrack{} })
	register(func() Command { return &PlaceTrack{} })
	register(func() Command { return &TrackHeader{} })
	register(func() Command { return &PutSequence{} })
	register(func() Command { return &DropSequence{} })
	register(func() Command { return &NameSequence{} })
	register(func() Command { return &NextID{} })
}

// Batch applies commands in order as one change; its inverse undoes them in reverse order.
// A Batch is also how a named group of user commands is stored.
type Batch struct {
	Name string `json:"name,omitempty"`
	Cmds []JSON `json:"cmds"`
}

func (*Batch) Op() string { return "batch" }

func (b *Batch) Apply(tl *timeline.Timeline) (Command, error) {
	x := &tx{tl: tl}
	for i, c := range b.Cmds {
		if c.Command == nil {
			x.rollback()
			return nil, fmt.Errorf("batch step %d is empty", i+1)
		}
		if err := x.do(c.Command); err != nil {
			x.rollback()
			if len(b.Cmds) == 1 {
				return nil, err
			}
			return nil, fmt.Errorf("step %d (%s): %w", i+1, c.Op(), err)
		}
	}
	inv := x.inverse()
	inv.Name = b.Name
	return inv, nil
}

// Cmds returns the commands of a batch, unwrapped.
func (b *Batch) Commands() []Command {
	out := make([]Command, len(b.Cmds))
	for i, c := range b.Cmds {
		out[i] = c.Command
	}
	return out
}

// NewBatch groups commands under a name.
func NewBatch(name string, cmds ...Command) *Batch {
	b := &Batch{Name: name, Cmds: make([]JSON, len(cmds))}
	for i, c := range cmds {
		b.Cmds[i] = JSON{c}
	}
	return b
}

// tx records the inverses of the steps a command takes so it can roll back on error and
// return its inverse on success.
type tx struct {
	tl   *timeline.Timeline
	undo []Command
}

func (x *tx) do(c Command) error {
	inv, err := c.Apply(x.tl)
	if err != nil {
		return err
	}
	if b, ok := inv.(*Batch); ok && b.Name == "" {
		// Flatten nested anonymous batches so stored inverses stay flat lists of primitives.
		for i := len(b.Cmds) - 1; i >= 0; i-- {
			x.undo = append(x.undo, b.Cmds[i].Command)
		}
		return nil
	}
	x.undo = append(x.undo, inv)
	return nil
}

func (x *tx) rollback() {
	for i := len(x.undo) - 1; i >= 0; i-- {
		if _, err := x.undo[i].Apply(x.tl); err != nil {
			// An inverse of a step just taken cannot fail unless the model is broken.
			panic(fmt.Sprintf("edit: rollback of %s failed: %v", x.undo[i].Op(), err))
		}
	}
	x.undo = nil
}

func (x *tx) inverse() *Batch {
	b := &Batch{Cmds: make([]JSON, len(x.undo))}
	for i := range x.undo {
		b.Cmds[i] = JSON{x.undo[len(x.undo)-1-i]}
	}
	return b
}

// run executes a command body in a transaction: on error everything it did is rolled back.
func run(tl *timeline.Timeline, body func(x *tx) error) (Command, error) {
	x := &tx{tl: tl}
	if err := body(x); err != nil {
		x.rollback()
		return nil, err
	}
	return x.inverse(), nil
}

// newID takes the next free ID, recording the counter so undo gives it back.
func (x *tx) newID() (timeline.ID, error) {
	old := x.tl.NextID
	x.undo = append(x.undo, &NextID{Next: old})
	return x.tl.NewID(), nil
}

// PutClip inserts a clip (with its own unused ID) on a track.
type PutClip struct {
	Track timeline.ID    `json:"track"`
	Clip  *timeline.Clip `json:"clip"`
}

func (*PutClip) Op() string { return "put-clip" }

func (c *PutClip) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Clip == nil {
		return nil, fmt.Errorf("put-clip: no clip")
	}
	next := tl.NextID
	if err := tl.InsertClip(c.Track, c.Clip); err != nil {
		return nil, err
	}
	return withNextID(tl, next, &DropClip{Clip: c.Clip.ID}), nil
}

// DropClip removes a clip.
type DropClip struct {
	Clip timeline.ID `json:"clip"`
}

func (*DropClip) Op() string { return "drop-clip" }

func (c *DropClip) Apply(tl *timeline.Timeline) (Command, error) {
	old, track, err := tl.RemoveClip(c.Clip)
	if err != nil {
		return nil, err
	}
	return &PutClip{Track: track, Clip: old}, nil
}

// ReplaceClip sets every field of a clip (found by its ID).
type ReplaceClip struct {
	Clip *timeline.Clip `json:"clip"`
}

func (*ReplaceClip) Op() string { return "replace-clip" }

func (c *ReplaceClip) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Clip == nil {
		return nil, fmt.Errorf("replace-clip: no clip")
	}
	old, err := tl.ReplaceClip(c.Clip)
	if err != nil {
		return nil, err
	}
	return &ReplaceClip{Clip: old}, nil
}

// Shift moves every clip of a track starting at or after From by By frames.
type Shift struct {
	Track timeline.ID `json:"track"`
	From  rt.Time     `json:"from"`
	By    rt.Time     `json:"by"`
}

func (*Shift) Op() string { return "shift" }

func (c *Shift) Apply(tl *timeline.Timeline) (Command, error) {
	n, first, err := tl.ShiftClips(c.Track, c.From, c.By)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return &Batch{Cmds: []JSON{}}, nil
	}
	return &Shift{Track: c.Track, From: first, By: -c.By}, nil
}

// PutTransition adds a transition.
type PutTransition struct {
	Transition *timeline.Transition `json:"transition"`
}

func (*PutTransition) Op() string { return "put-transition" }

func (c *PutTransition) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Transition == nil {
		return nil, fmt.Errorf("put-transition: no transition")
	}
	next := tl.NextID
	if err := tl.InsertTransition(c.Transition); err != nil {
		return nil, err
	}
	return withNextID(tl, next, &DropTransition{Transition: c.Transition.ID}), nil
}

// DropTransition removes a transition.
type DropTransition struct {
	Transition timeline.ID `json:"transition"`
}

func (*DropTransition) Op() string { return "drop-transition" }

func (c *DropTransition) Apply(tl *timeline.Timeline) (Command, error) {
	old, err := tl.RemoveTransition(c.Transition)
	if err != nil {
		return nil, err
	}
	return &PutTransition{Transition: old}, nil
}

// ReplaceTransition sets every field of a transition.
type ReplaceTransition struct {
	Transition *timeline.Transition `json:"transition"`
}

func (*ReplaceTransition) Op() string { return "replace-transition" }

func (c *ReplaceTransition) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Transition == nil {
		return nil, fmt.Errorf("replace-transition: no transition")
	}
	old, err := tl.ReplaceTransition(c.Transition)
	if err != nil {
		return nil, err
	}
	return &ReplaceTransition{Transition: old}, nil
}

// PutMarker adds a marker to a sequence.
type PutMarker struct {
	Seq    timeline.ID      `json:"seq"`
	Marker *timeline.Marker `json:"marker"`
}

func (*PutMarker) Op() string { return "put-marker" }

func (c *PutMarker) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Marker == nil {
		return nil, fmt.Errorf("put-marker: no marker")
	}
	next := tl.NextID
	if err := tl.InsertMarker(c.Seq, c.Marker); err != nil {
		return nil, err
	}
	return withNextID(tl, next, &DropMarker{Marker: c.Marker.ID}), nil
}

// DropMarker removes a marker.
type DropMarker struct {
	Marker timeline.ID `json:"marker"`
}

func (*DropMarker) Op() string { return "drop-marker" }

func (c *DropMarker) Apply(tl *timeline.Timeline) (Command, error) {
	old, seq, err := tl.RemoveMarker(c.Marker)
	if err != nil {
		return nil, err
	}
	return &PutMarker{Seq: seq, Marker: old}, nil
}

// ReplaceMarker sets every field of a marker.
type ReplaceMarker struct {
	Marker *timeline.Marker `json:"marker"`
}

func (*ReplaceMarker) Op() string { return "replace-marker" }

func (c *ReplaceMarker) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Marker == nil {
		return nil, fmt.Errorf("replace-marker: no marker")
	}
	old, err := tl.ReplaceMarker(c.Marker)
	if err != nil {
		return nil, err
	}
	return &ReplaceMarker{Marker: old}, nil
}

// PutTrack inserts a track with all its clips and transitions at a position of a sequence.
type PutTrack struct {
	Seq   timeline.ID     `json:"seq"`
	Index int             `json:"index"`
	Track *timeline.Track `json:"track"`
}

func (*PutTrack) Op() string { return "put-track" }

func (c *PutTrack) Apply(tl *timeline.Timeline) (Command, error) {
	if c.Track == nil {
		return nil, fmt.Errorf("put-track: no track")
	}
	next := tl.NextID
	if err := tl.InsertTrack(c.Seq, c.Index, c.Track); err != nil {
		return nil, err
	}
	return withNextID(tl, next, &DropTrack{Track: c.Track.ID}), nil
}

// DropTrack removes a track and everything on it.
type DropTrack struct {
	Track timeline.ID `json:"track"`
}

func (*DropTrack) Op() string { return "drop-track" }

func (c *DropTrack) Apply(tl *timeline.Timeline) (Command, error) {
	old, seq, i, err := tl.RemoveTrack(c.Track)
	if err != nil {
		return nil, err
	}
	return &PutTrack{Seq: seq, Index: i, Track: old}, nil
}

// PlaceTrack moves a track to a position in its sequence.
type PlaceTrack struct {
	Track timeline.ID `json:"track"`
	Index int         `json:"index"`
}

func (*PlaceTrack) Op() string { return "place-track" }

func (c *PlaceTrack) Apply(tl *timeline.Timeline) (Command, error) {
	old, err := tl.MoveTrack(c.Track, c.Index)
	if err != nil {
		return nil, err
	}
	return &PlaceTrack{Track: c.Track, Index: old}, nil
}

// TrackHeader sets a track's name and all its flags.
type TrackHeader struct {
	Track timeline.ID `json:"track"`
	Name  string      `json:"name"`
	Mute  bool        `json:"mute"`
	Solo  bool        `json:"solo"`
	Lock  bool        `json:"lock"`
	Hide  bool        `json:"hide"`
}

func (*TrackHeader) Op() string { return "track-header" }

func (c *TrackHeader) Apply(tl *timeline.Timeline) (Command, error) {
	old, err := tl.SetTrackHeader(timeline.Track{ID: c.Track, Name: c.Name, Mute: c.Mute, Solo: c.Solo, Lock: c.Lock, Hide: c.Hide})
	if err != nil {
		return nil, err
	}
	return &TrackHeader{Track: c.Track, Name: old.Name, Mute: old.Mute, Solo: old.Solo, Lock: old.Lock, Hide: old.Hide}, nil
}

// PutSequence adds an empty nested sequence.
type PutSequence struct {
	Index int         `json:"index"`
	ID    timeline.ID `json:"id"`
	Name  string      `json:"name"`
}

func (*PutSequence) Op() string { return "put-sequence" }

func (c *PutSequence) Apply(tl *timeline.Timeline) (Command, error) {
	next := tl.NextID
	if err := tl.InsertSequence(c.Index, &timeline.Sequence{ID: c.ID, Name: c.Name}); err != nil {
		return nil, err
	}
	return withNextID(tl, next, &DropSequence{Seq: c.ID}), nil
}

// DropSequence removes an empty nested sequence.
type DropSequence struct {
	Seq timeline.ID `json:"seq"`
}

func (*DropSequence) Op() string { return "drop-sequence" }

func (c *DropSequence) Apply(tl *timeline.Timeline) (Command, error) {
	old, i, err := tl.RemoveSequence(c.Seq)
	if err != nil {
		return nil, err
	}
	return &PutSequence{Index: i, ID: old.ID, Name: old.Name}, nil
}

// NameSequence renames a sequence.
type NameSequence struct {
	Seq  timeline.ID `json:"seq"`
	Name string      `json:"name"`
}

func (*NameSequence) Op() string { return "name-sequence" }

func (c *NameSequence) Apply(tl *timeline.Timeline) (Command, error) {
	old, err := tl.RenameSequence(c.Seq, c.Name)
	if err != nil {
		return nil, err
	}
	return &NameSequence{Seq: c.Seq, Name: old}, nil
}

// NextID sets the ID counter; undo uses it to give back IDs a command took.
type NextID struct {
	Next timeline.ID `json:"next"`
}

func (*NextID) Op() string { return "next-id" }

func (c *NextID) Apply(tl *timeline.Timeline) (Command, error) {
	old := tl.NextID
	if err := tl.SetNextID(c.Next); err != nil {
		return nil, err
	}
	return &NextID{Next: old}, nil
}

// withNextID adds the resetting of the ID counter to an inverse when putting an object with
// a high ID raised it, so undo restores the counter too.
func withNextID(tl *timeline.Timeline, before timeline.ID, inv Command) Command {
	if tl.NextID == before {
		return inv
	}
	return NewBatch("", inv, &NextID{Next: before})
}
