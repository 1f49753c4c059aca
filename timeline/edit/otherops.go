package edit

import (
	"fmt"
	"math"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	register(func() Command { return &AddTrack{} })
	register(func() Command { return &RemoveTrack{} })
	register(func() Command { return &MoveTrack{} })
	register(func() Command { return &SetTrack{} })
	register(func() Command { return &SetParam{} })
	register(func() Command { return &AddKeyframe{} })
	register(func() Command { return &SetKeyframe{} })
	register(func() Command { return &RemoveKeyframe{} })
	register(func() Command { return &MoveKeyframe{} })
	register(func() Command { return &AddTransition{} })
	register(func() Command { return &RemoveTransition{} })
	register(func() Command { return &SetTransition{} })
	register(func() Command { return &AddMarker{} })
	register(func() Command { return &MoveMarker{} })
	register(func() Command { return &RemoveMarker{} })
	register(func() Command { return &SetMarker{} })
	register(func() Command { return &AddSequence{} })
	register(func() Command { return &RemoveSequence{} })
}

// AddTrack adds an empty track. Without Index, a video track goes above the other video
// tracks and an audio track below everything.
type AddTrack struct {
	Kind  timeline.TrackKind `json:"kind"`
	Name  string             `json:"name,omitempty"`
	Index *int               `json:"index,omitempty"`
	Seq   timeline.ID        `json:"seq,omitempty"` // default: the main sequence
}

func (*AddTrack) Op() string { return "add-track" }

func (c *AddTrack) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		seq := c.Seq
		if seq == 0 {
			seq = tl.Sequence.ID
		}
		s, err := tl.SequenceByID(seq)
		if err != nil {
			return err
		}
		if c.Kind != timeline.Video && c.Kind != timeline.Audio {
			return fmt.Errorf("add-track: unknown kind %q (want video or audio)", c.Kind)
		}
		i := len(s.Tracks)
		if c.Index != nil {
			i = *c.Index
			if i < 0 || i > len(s.Tracks) {
				return fmt.Errorf("add-track: position %d out of range 0..%d", i, len(s.Tracks))
			}
		} else if c.Kind == timeline.Video {
			i = 0
			for j, t := range s.Tracks {
				if t.Kind == timeline.Video {
					i = j + 1
				}
			}
		}
		name := c.Name
		if name == "" {
			name = defaultTrackName(s, c.Kind)
		}
		id, _ := x.newID()
		return x.do(&PutTrack{Seq: seq, Index: i, Track: &timeline.Track{ID: id, Kind: c.Kind, Name: name}})
	})
}

// defaultTrackName is V1, V2, ... or A1, A2, ...
func defaultTrackName(s *timeline.Sequence, k timeline.TrackKind) string {
	n := 1
	for _, t := range s.Tracks {
		if t.Kind == k {
			n++
		}
	}
	if k == timeline.Video {
		return fmt.Sprintf("V%d", n)
	}
	return fmt.Sprintf("A%d", n)
}

// RemoveTrack deletes a track and everything on it.
type RemoveTrack struct {
	Track timeline.ID `json:"track"`
}

func (*RemoveTrack) Op() string { return "remove-track" }

func (c *RemoveTrack) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		if _, _, err := x.track(c.Track); err != nil {
			return err
		}
		return x.do(&DropTrack{Track: c.Track})
	})
}

// MoveTrack reorders a track within its sequence (0 is the bottom layer).
type MoveTrack struct {
	Track timeline.ID `json:"track"`
	Index int         `json:"index"`
}

func (*MoveTrack) Op() string { return "move-track" }

func (c *MoveTrack) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error { return x.do(&PlaceTrack{Track: c.Track, Index: c.Index}) })
}

// SetTrack changes a track's name or flags; only the fields given change. It works on a
// locked track (that is how it is unlocked).
type SetTrack struct {
	Track timeline.ID `json:"track"`
	Name  *string     `json:"name,omitempty"`
	Mute  *bool       `json:"mute,omitempty"`
	Solo  *bool       `json:"solo,omitempty"`
	Lock  *bool       `json:"lock,omitempty"`
	Hide  *bool       `json:"hide,omitempty"`
}

func (*SetTrack) Op() string { return "set-track" }

func (c *SetTrack) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, t, _, err := tl.Track(c.Track)
		if err != nil {
			return err
		}
		h := &TrackHeader{Track: t.ID, Name: t.Name, Mute: t.Mute, Solo: t.Solo, Lock: t.Lock, Hide: t.Hide}
		set := func(dst *bool, v *bool) {
			if v != nil {
				*dst = *v
			}
		}
		if c.Name != nil {
			h.Name = *c.Name
		}
		set(&h.Mute, c.Mute)
		set(&h.Solo, c.Solo)
		set(&h.Lock, c.Lock)
		set(&h.Hide, c.Hide)
		return x.do(h)
	})
}

// withCurve edits one parameter curve of a clip through a copy of the clip.
func withCurve(tl *timeline.Timeline, clipID timeline.ID, param string, edit func(cv *keyframe.Curve) error) (Command, error) {
	return run(tl, func(x *tx) error {
		_, clip, err := x.clip(clipID)
		if err != nil {
			return err
		}
		d, ok := keyframe.Lookup(param)
		if !ok {
			return fmt.Errorf("clip %d: unknown parameter %q", clipID, param)
		}
		if !d.Animatable {
			return fmt.Errorf("clip %d: parameter %q cannot be animated", clipID, param)
		}
		n := clip.Clone()
		if n.Params == nil {
			n.Params = map[string]*keyframe.Curve{}
		}
		cv := n.Params[param]
		if cv == nil {
			cv = &keyframe.Curve{Static: d.Default}
			n.Params[param] = cv
		}
		if err := edit(cv); err != nil {
			return fmt.Errorf("clip %d %s: %w", clipID, param, err)
		}
		return x.replace(n)
	})
}

func finite(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("value %v is not a finite number", v)
	}
	return nil
}

// SetParam sets a parameter's value when it has no keyframes (and, with ClearKeys, removes
// its keyframes so the value holds for the whole clip).
type SetParam struct {
	Clip      timeline.ID `json:"clip"`
	Param     string      `json:"param"`
	Value     float64     `json:"value"`
	ClearKeys bool        `json:"clear_keys,omitempty"`
}

func (*SetParam) Op() string { return "set-param" }

func (c *SetParam) Apply(tl *timeline.Timeline) (Command, error) {
	return withCurve(tl, c.Clip, c.Param, func(cv *keyframe.Curve) error {
		if err := finite(c.Value); err != nil {
			return err
		}
		cv.Static = c.Value
		if c.ClearKeys {
			cv.Keys = nil
		}
		return nil
	})
}

// KeySpec is a keyframe in a command: time relative to the clip start, value, the
// interpolation of the segment that starts here, and bezier handles.
type KeySpec struct {
	T      rt.Time         `json:"t"`
	V      float64         `json:"v"`
	Interp keyframe.Interp `json:"interp,omitempty"`
	OutDT  float64         `json:"out_dt,omitempty"`
	OutDV  float64         `json:"out_dv,omitempty"`
	InDT   float64         `json:"in_dt,omitempty"`
	InDV   float64         `json:"in_dv,omitempty"`
}

func (k KeySpec) key() (keyframe.Key, error) {
	for _, v := range []float64{k.V, k.OutDT, k.OutDV, k.InDT, k.InDV} {
		if err := finite(v); err != nil {
			return keyframe.Key{}, err
		}
	}
	if k.Interp != "" {
		if _, err := keyframe.ParseInterp(string(k.Interp)); err != nil {
			return keyframe.Key{}, err
		}
	}
	return keyframe.Key{T: k.T, V: k.V, Interp: k.Interp, OutDT: k.OutDT, OutDV: k.OutDV, InDT: k.InDT, InDV: k.InDV}, nil
}

// AddKeyframe adds a keyframe where there is none yet.
type AddKeyframe struct {
	Clip  timeline.ID `json:"clip"`
	Param string      `json:"param"`
	KeySpec
}

func (*AddKeyframe) Op() string { return "add-keyframe" }

func (c *AddKeyframe) Apply(tl *timeline.Timeline) (Command, error) {
	return withCurve(tl, c.Clip, c.Param, func(cv *keyframe.Curve) error {
		k, err := c.key()
		if err != nil {
			return err
		}
		if cv.Index(k.T) >= 0 {
			return fmt.Errorf("a keyframe already exists at %d", k.T)
		}
		cv.Set(k)
		return nil
	})
}

// SetKeyframe adds a keyframe or replaces the one at the same time.
type SetKeyframe struct {
	Clip  timeline.ID `json:"clip"`
	Param string      `json:"param"`
	KeySpec
}

func (*SetKeyframe) Op() string { return "set-keyframe" }

func (c *SetKeyframe) Apply(tl *timeline.Timeline) (Command, error) {
	return withCurve(tl, c.Clip, c.Param, func(cv *keyframe.Curve) error {
		k, err := c.key()
		if err != nil {
			return err
		}
		cv.Set(k)
		return nil
	})
}

// RemoveKeyframe deletes the keyframe at a time.
type RemoveKeyframe struct {
	Clip  timeline.ID `json:"clip"`
	Param string      `json:"param"`
	T     rt.Time     `json:"t"`
}

func (*RemoveKeyframe) Op() string { return "remove-keyframe" }

func (c *RemoveKeyframe) Apply(tl *timeline.Timeline) (Command, error) {
	return withCurve(tl, c.Clip, c.Param, func(cv *keyframe.Curve) error {
		if _, ok := cv.Remove(c.T); !ok {
			return fmt.Errorf("no keyframe at %d", c.T)
		}
		return nil
	})
}

// MoveKeyframe moves the keyframe at From to To (and optionally gives it a new value).
type MoveKeyframe struct {
	Clip  timeline.ID `json:"clip"`
	Param string      `json:"param"`
	From  rt.Time     `json:"from"`
	To    rt.Time     `json:"to"`
	V     *float64    `json:"v,omitempty"`
}

func (*MoveKeyframe) Op() string { return "move-keyframe" }

func (c *MoveKeyframe) Apply(tl *timeline.Timeline) (Command, error) {
	return withCurve(tl, c.Clip, c.Param, func(cv *keyframe.Curve) error {
		if err := cv.Move(c.From, c.To); err != nil {
			return err
		}
		if c.V != nil {
			if err := finite(*c.V); err != nil {
				return err
			}
			cv.Keys[cv.Index(c.To)].V = *c.V
		}
		return nil
	})
}

// AddTransition puts a transition on the cut after clip A (B defaults to the clip that starts
// where A ends).
type AddTransition struct {
	A         timeline.ID             `json:"a"`
	B         timeline.ID             `json:"b,omitempty"`
	Kind      timeline.TransitionKind `json:"kind"`
	Dur       rt.Time                 `json:"dur"`
	Align     timeline.Align          `json:"align,omitempty"` // default center
	Color     string                  `json:"color,omitempty"`
	Direction string                  `json:"direction,omitempty"`
	Softness  float64                 `json:"softness,omitempty"`
}

func (*AddTransition) Op() string { return "add-transition" }

func (c *AddTransition) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, a, err := x.clip(c.A)
		if err != nil {
			return err
		}
		b := c.B
		if b == 0 {
			_, next := t.Neighbors(a)
			if next == nil || next.Start != a.End() {
				return fmt.Errorf("add-transition: no clip starts where clip %d ends", c.A)
			}
			b = next.ID
		}
		tr := &timeline.Transition{Kind: c.Kind, A: c.A, B: b, Dur: c.Dur, Align: c.Align,
			Color: c.Color, Direction: c.Direction, Softness: c.Softness}
		if tr.Align == "" {
			tr.Align = timeline.AlignCenter
		}
		tr.ID, _ = x.newID()
		return x.do(&PutTransition{Transition: tr})
	})
}

// RemoveTransition deletes a transition (the cut stays).
type RemoveTransition struct {
	Transition timeline.ID `json:"transition"`
}

func (*RemoveTransition) Op() string { return "remove-transition" }

func (c *RemoveTransition) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, _, err := tl.Transition(c.Transition)
		if err != nil {
			return err
		}
		if t.Lock {
			return fmt.Errorf("transition %d is on locked track %d", c.Transition, t.ID)
		}
		return x.do(&DropTransition{Transition: c.Transition})
	})
}

// SetTransition changes a transition; only the fields given change.
type SetTransition struct {
	Transition timeline.ID              `json:"transition"`
	Kind       *timeline.TransitionKind `json:"kind,omitempty"`
	Dur        *rt.Time                 `json:"dur,omitempty"`
	Align      *timeline.Align          `json:"align,omitempty"`
	Color      *string                  `json:"color,omitempty"`
	Direction  *string                  `json:"direction,omitempty"`
	Softness   *float64                 `json:"softness,omitempty"`
}

func (*SetTransition) Op() string { return "set-transition" }

func (c *SetTransition) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		t, tr, err := tl.Transition(c.Transition)
		if err != nil {
			return err
		}
		if t.Lock {
			return fmt.Errorf("transition %d is on locked track %d", c.Transition, t.ID)
		}
		n := *tr
		if c.Kind != nil {
			n.Kind = *c.Kind
		}
		if c.Dur != nil {
			n.Dur = *c.Dur
		}
		if c.Align != nil {
			n.Align = *c.Align
		}
		if c.Color != nil {
			n.Color = *c.Color
		}
		if c.Direction != nil {
			n.Direction = *c.Direction
		}
		if c.Softness != nil {
			n.Softness = *c.Softness
		}
		return x.do(&ReplaceTransition{Transition: &n})
	})
}

// AddMarker puts a marker on a sequence.
type AddMarker struct {
	At    rt.Time     `json:"at"`
	Dur   rt.Time     `json:"dur,omitempty"`
	Name  string      `json:"name,omitempty"`
	Color string      `json:"color,omitempty"`
	Note  string      `json:"note,omitempty"`
	Seq   timeline.ID `json:"seq,omitempty"` // default: the main sequence
}

func (*AddMarker) Op() string { return "add-marker" }

func (c *AddMarker) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		seq := c.Seq
		if seq == 0 {
			seq = tl.Sequence.ID
		}
		id, _ := x.newID()
		return x.do(&PutMarker{Seq: seq, Marker: &timeline.Marker{ID: id, At: c.At, Dur: c.Dur, Name: c.Name, Color: c.Color, Note: c.Note}})
	})
}

// MoveMarker moves a marker to another frame.
type MoveMarker struct {
	Marker timeline.ID `json:"marker"`
	At     rt.Time     `json:"at"`
}

func (*MoveMarker) Op() string { return "move-marker" }

func (c *MoveMarker) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, m, err := tl.Marker(c.Marker)
		if err != nil {
			return err
		}
		n := *m
		n.At = c.At
		return x.do(&ReplaceMarker{Marker: &n})
	})
}

// RemoveMarker deletes a marker.
type RemoveMarker struct {
	Marker timeline.ID `json:"marker"`
}

func (*RemoveMarker) Op() string { return "remove-marker" }

func (c *RemoveMarker) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error { return x.do(&DropMarker{Marker: c.Marker}) })
}

// SetMarker changes a marker's name, colour, note or length; only the fields given change.
type SetMarker struct {
	Marker timeline.ID `json:"marker"`
	Name   *string     `json:"name,omitempty"`
	Color  *string     `json:"color,omitempty"`
	Note   *string     `json:"note,omitempty"`
	Dur    *rt.Time    `json:"dur,omitempty"`
}

func (*SetMarker) Op() string { return "set-marker" }

func (c *SetMarker) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		_, m, err := tl.Marker(c.Marker)
		if err != nil {
			return err
		}
		n := *m
		if c.Name != nil {
			n.Name = *c.Name
		}
		if c.Color != nil {
			n.Color = *c.Color
		}
		if c.Note != nil {
			n.Note = *c.Note
		}
		if c.Dur != nil {
			n.Dur = *c.Dur
		}
		return x.do(&ReplaceMarker{Marker: &n})
	})
}

// AddSequence creates an empty nested sequence (fill it with add-track and clips, then use it
// as a clip source with "sequence": ID).
type AddSequence struct {
	Name string `json:"name"`
}

func (*AddSequence) Op() string { return "add-sequence" }

func (c *AddSequence) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		id, _ := x.newID()
		return x.do(&PutSequence{Index: len(tl.Nested), ID: id, Name: c.Name})
	})
}

// RemoveSequence deletes a nested sequence with its tracks; no clip may use it.
type RemoveSequence struct {
	Seq timeline.ID `json:"seq"`
}

func (*RemoveSequence) Op() string { return "remove-sequence" }

func (c *RemoveSequence) Apply(tl *timeline.Timeline) (Command, error) {
	return run(tl, func(x *tx) error {
		s, err := tl.SequenceByID(c.Seq)
		if err != nil {
			return err
		}
		if s == &tl.Sequence {
			return fmt.Errorf("the main sequence cannot be removed")
		}
		for _, m := range append([]*timeline.Marker(nil), s.Markers...) {
			if err := x.do(&DropMarker{Marker: m.ID}); err != nil {
				return err
			}
		}
		for len(s.Tracks) > 0 {
			if err := x.do(&DropTrack{Track: s.Tracks[len(s.Tracks)-1].ID}); err != nil {
				return err
			}
		}
		return x.do(&DropSequence{Seq: c.Seq})
	})
}
