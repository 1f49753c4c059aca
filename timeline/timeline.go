package timeline

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// ID names a track, clip, transition, marker or sequence; unique within a Timeline. 0 is "none".
type ID int64

// Timeline is a whole edit: project settings, the main sequence and any nested sequences.
type Timeline struct {
	Settings
	Sequence             // the main sequence, the one that is played and exported
	Nested   []*Sequence `json:"nested,omitempty"` // sequences used as clip sources
	NextID   ID          `json:"next_id"`          // the next ID NewID hands out

	index *index // derived lookup tables, rebuilt lazily; never serialized
}

// Settings are the project's format.
type Settings struct {
	Rate       rt.Rate `json:"rate"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	SampleRate int     `json:"sample_rate"`
	ColorSpace string  `json:"color_space,omitempty"` // e.g. "bt709"
}

// Validate checks the settings are usable.
func (s Settings) Validate() error {
	if err := s.Rate.Validate(); err != nil {
		return err
	}
	if s.Width <= 0 || s.Height <= 0 || s.Width > 16384 || s.Height > 16384 {
		return fmt.Errorf("invalid frame size %dx%d: want 1..16384 on each side", s.Width, s.Height)
	}
	if s.SampleRate < 8000 || s.SampleRate > 384000 {
		return fmt.Errorf("invalid sample rate %d: want 8000..384000", s.SampleRate)
	}
	return nil
}

// Sequence is an ordered stack of tracks with markers.
type Sequence struct {
	ID      ID        `json:"id"`
	Name    string    `json:"name,omitempty"`
	Tracks  []*Track  `json:"tracks"`
	Markers []*Marker `json:"markers,omitempty"` // sorted by At, then ID
}

// TrackKind says whether a track holds pictures or sound.
type TrackKind string

// Track kinds.
const (
	Video TrackKind = "video"
	Audio TrackKind = "audio"
)

// Track is one lane of clips.
type Track struct {
	ID          ID            `json:"id"`
	Kind        TrackKind     `json:"kind"`
	Name        string        `json:"name,omitempty"`
	Mute        bool          `json:"mute,omitempty"`
	Solo        bool          `json:"solo,omitempty"`
	Lock        bool          `json:"lock,omitempty"`
	Hide        bool          `json:"hide,omitempty"`
	Clips       []*Clip       `json:"clips"`                 // sorted by Start, never overlapping
	Transitions []*Transition `json:"transitions,omitempty"` // sorted by the cut they sit on

	ids map[ID]*Clip // derived: clip by ID, see clipByID
}

// FlagNames are the track flags in the order the UI shows them.
var FlagNames = []string{"mute", "solo", "lock", "hide"}

// Flag reads a track flag by name.
func (t *Track) Flag(name string) (bool, error) {
	switch name {
	case "mute":
		return t.Mute, nil
	case "solo":
		return t.Solo, nil
	case "lock":
		return t.Lock, nil
	case "hide":
		return t.Hide, nil
	}
	return false, fmt.Errorf("unknown track flag %q: want mute, solo, lock or hide", name)
}

// SetFlag sets a track flag by name.
func (t *Track) SetFlag(name string, v bool) error {
	switch name {
	case "mute":
		t.Mute = v
	case "solo":
		t.Solo = v
	case "lock":
		t.Lock = v
	case "hide":
		t.Hide = v
	default:
		return fmt.Errorf("unknown track flag %q: want mute, solo, lock or hide", name)
	}
	return nil
}

// Source is what a clip shows: a media item of the project, or a nested sequence.
type Source struct {
	Media    ID `json:"media,omitempty"`
	Sequence ID `json:"sequence,omitempty"`
}

// Speed is a rational playback speed: 1/1 normal, 1/2 slow motion, -1/1 reverse, 0/1 freeze.
type Speed struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// Normal is 100 % speed.
var Normal = Speed{1, 1}

// Validate checks the denominator is positive.
func (s Speed) Validate() error {
	if s.Den <= 0 || s.Den > 1000 {
		return fmt.Errorf("invalid speed %d/%d: denominator must be 1..1000", s.Num, s.Den)
	}
	if s.Num > 100*s.Den || s.Num < -100*s.Den {
		return fmt.Errorf("invalid speed %d/%d: must be within -100x..100x", s.Num, s.Den)
	}
	return nil
}

// Freeze reports whether the speed holds one frame.
func (s Speed) Freeze() bool { return s.Num == 0 }

// Clip is one piece of a source placed on a track.
type Clip struct {
	ID     ID      `json:"id"`
	Name   string  `json:"name,omitempty"`
	Color  string  `json:"color,omitempty"`
	Source Source  `json:"source"`
	Start  rt.Time `json:"start"` // position on the track
	Dur    rt.Time `json:"dur"`   // length on the track, > 0
	In     rt.Time `json:"in"`    // source frame (timeline rate) shown at Start
	Speed  Speed   `json:"speed"`
	// Phase is the sub-frame source position at Start in 1/Speed.Den frames (0 <= Phase <
	// Speed.Den), so splitting or trimming a clip at a fractional speed stays frame-exact.
	Phase   int64 `json:"phase,omitempty"`
	Enabled bool  `json:"enabled"`
	// SourceDur is how many frames (timeline rate, speed 1) the source has; 0 means unlimited
	// (stills, generators). Trims and slips may not reach outside it.
	SourceDur rt.Time `json:"source_dur,omitempty"`
	Blend     string  `json:"blend,omitempty"` // normal (""), add, multiply, screen, overlay
	// Params are the clip's parameters by descriptor name ("opacity", "position.x", ...);
	// a missing parameter has its descriptor's default.
	Params map[string]*keyframe.Curve `json:"params,omitempty"`
}

// BlendModes are the blend modes a clip may use ("" is normal).
var BlendModes = []string{"normal", "add", "multiply", "screen", "overlay"}

// End is the first frame after the clip.
func (c *Clip) End() rt.Time { return c.Start + c.Dur }

// Range is the frames the clip covers on its track.
func (c *Clip) Range() rt.Range { return rt.Range{Start: c.Start, Dur: c.Dur} }

// SourceFrame is the source frame (timeline rate) shown at timeline frame f:
// In + floor(((f-Start)·Speed.Num + Phase) / Speed.Den). Outside the clip it extrapolates
// (transitions use that for handles).
func (c *Clip) SourceFrame(f rt.Time) rt.Time {
	q, _ := c.advance(f - c.Start)
	return q
}

// advance gives the source position o timeline frames after Start, as a whole source frame
// and the remaining phase.
func (c *Clip) advance(o rt.Time) (rt.Time, int64) {
	n := int64(o)*c.Speed.Num + c.Phase
	q, r := n/c.Speed.Den, n%c.Speed.Den
	if r < 0 {
		q, r = q-1, r+c.Speed.Den
	}
	return c.In + rt.Time(q), r
}

// Advanced returns a copy of c whose content starts o frames later (o may be negative): the
// In and Phase of what c showed at Start+o. Start, Dur and keyframes are left to the caller.
func (c *Clip) Advanced(o rt.Time) *Clip {
	n := c.Clone()
	n.In, n.Phase = c.advance(o)
	return n
}

// SourceSpan is the source frames the clip uses, [first, last] inclusive, whatever the
// direction of play.
func (c *Clip) SourceSpan() (first, last rt.Time) {
	a := c.SourceFrame(c.Start)
	b := c.SourceFrame(c.End() - 1)
	if b < a {
		a, b = b, a
	}
	return a, b
}

// Param returns the curve for a parameter, or nil when it is at its default.
func (c *Clip) Param(name string) *keyframe.Curve { return c.Params[name] }

// ParamAt evaluates a parameter at clip-local frame t (its descriptor's default when unset).
func (c *Clip) ParamAt(name string, t float64) float64 {
	if cv := c.Params[name]; cv != nil {
		return cv.ValueAt(t)
	}
	if d, ok := keyframe.Lookup(name); ok {
		return d.Default
	}
	return 0
}

// Clone returns a deep copy of the clip.
func (c *Clip) Clone() *Clip {
	n := *c
	if c.Params != nil {
		n.Params = make(map[string]*keyframe.Curve, len(c.Params))
		for k, v := range c.Params {
			cv := v.Clone()
			n.Params[k] = &cv
		}
	}
	return &n
}

// TransitionKind is the look of a transition.
type TransitionKind string

// Transition kinds.
const (
	Dissolve TransitionKind = "dissolve"
	Dip      TransitionKind = "dip"  // dip to a colour
	Wipe     TransitionKind = "wipe" // directional wipe
)

// Align says where a transition sits relative to its cut.
type Align string

// Alignments.
const (
	AlignCenter Align = "center" // half before the cut, half after
	AlignStart  Align = "start"  // starts at the cut (uses the outgoing clip's tail handle)
	AlignEnd    Align = "end"    // ends at the cut (uses the incoming clip's head handle)
)

// Transition blends the clip that ends at a cut (A) into the clip that starts there (B).
type Transition struct {
	ID        ID             `json:"id"`
	Kind      TransitionKind `json:"kind"`
	A         ID             `json:"a"` // outgoing clip
	B         ID             `json:"b"` // incoming clip
	Dur       rt.Time        `json:"dur"`
	Align     Align          `json:"align"`
	Color     string         `json:"color,omitempty"`     // dip colour, "#000000" by default
	Direction string         `json:"direction,omitempty"` // wipe: left, right, up, down
	Softness  float64        `json:"softness,omitempty"`  // wipe edge, 0..1
}

// Range is the frames the transition covers, given the cut frame.
func (t *Transition) Range(cut rt.Time) rt.Range {
	switch t.Align {
	case AlignStart:
		return rt.Range{Start: cut, Dur: t.Dur}
	case AlignEnd:
		return rt.Range{Start: cut - t.Dur, Dur: t.Dur}
	default:
		return rt.Range{Start: cut - t.Dur/2, Dur: t.Dur}
	}
}

// Marker is a named point (or span) on a sequence.
type Marker struct {
	ID    ID      `json:"id"`
	At    rt.Time `json:"at"`
	Dur   rt.Time `json:"dur,omitempty"`
	Name  string  `json:"name,omitempty"`
	Color string  `json:"color,omitempty"`
	Note  string  `json:"note,omitempty"`
}

// New makes an empty timeline with the given settings and a main sequence.
func New(s Settings) (*Timeline, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	tl := &Timeline{Settings: s, NextID: 1}
	tl.Sequence.ID = tl.NewID()
	tl.Sequence.Name = "Main"
	tl.Tracks = []*Track{}
	return tl, nil
}

// NewID hands out the next unused ID.
func (tl *Timeline) NewID() ID {
	id := tl.NextID
	tl.NextID++
	return id
}

// Sequences lists the main sequence then the nested ones.
func (tl *Timeline) Sequences() []*Sequence {
	out := make([]*Sequence, 0, 1+len(tl.Nested))
	out = append(out, &tl.Sequence)
	return append(out, tl.Nested...)
}

// Duration is the end of the last clip on any track of the main sequence.
func (tl *Timeline) Duration() rt.Time { return tl.Sequence.Duration() }

// Duration is the end of the last clip on any track.
func (s *Sequence) Duration() rt.Time {
	var end rt.Time
	for _, t := range s.Tracks {
		if n := len(t.Clips); n > 0 {
			end = max(end, t.Clips[n-1].End())
		}
	}
	return end
}

// ClipCount is the number of clips in all sequences.
func (tl *Timeline) ClipCount() int {
	n := 0
	for _, s := range tl.Sequences() {
		for _, t := range s.Tracks {
			n += len(t.Clips)
		}
	}
	return n
}

// JSON is the canonical encoding (the project store and tests compare it).
func (tl *Timeline) JSON() []byte {
	b, err := json.Marshal(tl)
	if err != nil {
		// Only NaN/Inf floats can fail, and the model refuses them on the way in.
		panic(fmt.Sprintf("timeline: encoding failed: %v", err))
	}
	return b
}

// Equal reports whether two timelines hold exactly the same edit.
func (tl *Timeline) Equal(o *Timeline) bool { return string(tl.JSON()) == string(o.JSON()) }

// Clone is a deep copy.
func (tl *Timeline) Clone() *Timeline {
	var n Timeline
	if err := json.Unmarshal(tl.JSON(), &n); err != nil {
		panic(fmt.Sprintf("timeline: clone failed: %v", err))
	}
	return &n
}

// Decode reads a timeline from its JSON encoding and checks every invariant.
func Decode(b []byte) (*Timeline, error) {
	var tl Timeline
	if err := json.Unmarshal(b, &tl); err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	if err := tl.Check(); err != nil {
		return nil, err
	}
	return &tl, nil
}

// sortMarkers keeps markers ordered by time then ID.
func sortMarkers(ms []*Marker) {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].At != ms[j].At {
			return ms[i].At < ms[j].At
		}
		return ms[i].ID < ms[j].ID
	})
}
