package gen

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// MoveKind is one camera move of the shared vocabulary.
type MoveKind string

// The camera vocabulary. Pan, tilt and roll rotate the camera in place; zoom changes the
// focal length; dolly, truck and pedestal move the camera along its three axes; crane is a
// vertical arm move that also pushes in a little; orbit circles the subject; handheld adds
// deterministic shake.
const (
	Static   MoveKind = "static"
	Pan      MoveKind = "pan"
	Tilt     MoveKind = "tilt"
	Roll     MoveKind = "roll"
	Zoom     MoveKind = "zoom"
	Dolly    MoveKind = "dolly"
	Truck    MoveKind = "truck"
	Pedestal MoveKind = "pedestal"
	Crane    MoveKind = "crane"
	Orbit    MoveKind = "orbit"
	Handheld MoveKind = "handheld"
)

// Direction says which way a move goes.
type Direction string

// Directions. Roll uses left (counter-clockwise) and right (clockwise).
const (
	Left  Direction = "left"
	Right Direction = "right"
	Up    Direction = "up"
	Down  Direction = "down"
	In    Direction = "in"
	Out   Direction = "out"
)

// moveDirs lists each move's directions, the first being its default.
var moveDirs = map[MoveKind][]Direction{
	Static:   nil,
	Pan:      {Right, Left},
	Tilt:     {Up, Down},
	Roll:     {Right, Left},
	Zoom:     {In, Out},
	Dolly:    {In, Out},
	Truck:    {Right, Left},
	Pedestal: {Up, Down},
	Crane:    {Up, Down},
	Orbit:    {Right, Left},
	Handheld: nil,
}

// Moves lists the vocabulary in a stable order.
func Moves() []MoveKind {
	return []MoveKind{Static, Pan, Tilt, Roll, Zoom, Dolly, Truck, Pedestal, Crane, Orbit, Handheld}
}

// Easing shapes a move over time.
type Easing string

// Easings.
const (
	Linear    Easing = "linear"
	EaseIn    Easing = "ease-in"
	EaseOut   Easing = "ease-out"
	EaseInOut Easing = "ease-in-out"
)

// Apply maps linear progress u in [0,1] to eased progress (cubic curves).
func (e Easing) Apply(u float64) float64 {
	u = math.Max(0, math.Min(1, u))
	switch e {
	case Linear:
		return u
	case EaseIn:
		return u * u * u
	case EaseOut:
		v := 1 - u
		return 1 - v*v*v
	default: // ease-in-out, also the zero value
		if u < 0.5 {
			return 4 * u * u * u
		}
		v := -2*u + 2
		return 1 - v*v*v/2
	}
}

// Move is one component of a camera move.
type Move struct {
	Kind      MoveKind  `json:"kind"`
	Direction Direction `json:"direction,omitempty"`
	// Intensity is 0 (barely) to 1 (as far as the move sensibly goes in one shot).
	Intensity float64 `json:"intensity"`
}

// Camera is a typed camera move: one or more components sharing one easing. The zero value
// is a static camera.
type Camera struct {
	Moves  []Move `json:"moves,omitempty"`
	Easing Easing `json:"easing,omitempty"`
}

// Intensity words and their values.
var intensityWords = map[string]float64{
	"subtle": 0.2, "gentle": 0.3, "slow": 0.3, "slowly": 0.3, "medium": 0.5, "moderate": 0.5,
	"steady": 0.5, "fast": 0.8, "quick": 0.8, "quickly": 0.8, "rapid": 0.9, "whip": 1,
}

// Synonyms of moves, some with an implied direction.
var moveWords = map[string]Move{
	"static": {Kind: Static}, "locked": {Kind: Static}, "still": {Kind: Static},
	"pan": {Kind: Pan}, "tilt": {Kind: Tilt}, "roll": {Kind: Roll}, "dutch": {Kind: Roll},
	"zoom": {Kind: Zoom}, "dolly": {Kind: Dolly}, "push": {Kind: Dolly, Direction: In},
	"pull": {Kind: Dolly, Direction: Out}, "truck": {Kind: Truck}, "crab": {Kind: Truck},
	"track": {Kind: Truck}, "tracking": {Kind: Truck}, "pedestal": {Kind: Pedestal},
	"crane": {Kind: Crane}, "jib": {Kind: Crane}, "boom": {Kind: Crane}, "orbit": {Kind: Orbit},
	"arc": {Kind: Orbit}, "handheld": {Kind: Handheld}, "shaky": {Kind: Handheld},
}

var directionWords = map[string]Direction{
	"left": Left, "right": Right, "up": Up, "down": Down, "in": In, "out": Out,
	"back": Out, "forward": In, "cw": Right, "clockwise": Right, "ccw": Left,
	"counterclockwise": Left, "anticlockwise": Left, "upward": Up, "downward": Down,
}

// Filler words that may appear in a camera phrase.
var fillerWords = map[string]bool{
	"and": true, "with": true, "a": true, "the": true, "camera": true, "move": true,
	"shot": true, "off": true, "very": true, "+": true, "then": true, "to": true, "of": true,
	"ease": true, "easing": true, "eased": true,
}

// ParseCamera reads a phrase such as "dolly in slow", "slow pan left", "fast orbit right with
// handheld, ease out" or "static". Words may come in any order within a component; "and",
// "with", "+" and commas join components. An empty phrase is a static camera.
func ParseCamera(s string) (Camera, error) {
	orig := s
	s = strings.ToLower(s)
	for _, p := range []string{",", ";", "+", "&"} {
		s = strings.ReplaceAll(s, p, " and ")
	}
	s = strings.NewReplacer("ease-in-out", "easeinout", "ease in out", "easeinout", "ease in-out", "easeinout",
		"ease-in", "easein", "ease in", "easein", "ease-out", "easeout", "ease out", "easeout",
		"locked off", "static", "push in", "push", "pull out", "pull", "pull back", "pull",
		"very slow", "veryslow", "very fast", "veryfast").Replace(s)
	var cam Camera
	cur := Move{Intensity: -1}
	var pendingIntensity float64 = -1
	var pendingDir Direction
	flush := func() error {
		if cur.Kind == "" {
			if pendingDir != "" {
				return fmt.Errorf("camera %q: direction %q without a move (moves: %s)", orig, pendingDir, moveList())
			}
			return nil
		}
		if pendingDir != "" && cur.Direction == "" {
			cur.Direction = pendingDir
		}
		if cur.Intensity < 0 {
			cur.Intensity = pendingIntensity
		}
		cam.Moves = append(cam.Moves, cur)
		cur, pendingIntensity, pendingDir = Move{Intensity: -1}, -1, ""
		return nil
	}
	for _, w := range strings.Fields(s) {
		switch {
		case w == "and" || w == "then":
			if err := flush(); err != nil {
				return Camera{}, err
			}
		case w == "linear" || w == "constant":
			cam.Easing = Linear
		case w == "easein":
			cam.Easing = EaseIn
		case w == "easeout":
			cam.Easing = EaseOut
		case w == "easeinout" || w == "smooth" || w == "eased":
			cam.Easing = EaseInOut
		case w == "veryslow":
			setIntensity(&cur, &pendingIntensity, 0.15)
		case w == "veryfast":
			setIntensity(&cur, &pendingIntensity, 1)
		case intensityWords[w] > 0:
			setIntensity(&cur, &pendingIntensity, intensityWords[w])
		case directionWords[w] != "":
			d := directionWords[w]
			if cur.Kind == "" {
				pendingDir = d
			} else if cur.Direction == "" {
				cur.Direction = d
			} else {
				return Camera{}, fmt.Errorf("camera %q: %s has two directions (%s and %s)", orig, cur.Kind, cur.Direction, d)
			}
		case moveWords[w].Kind != "":
			if cur.Kind != "" {
				if err := flush(); err != nil {
					return Camera{}, err
				}
			}
			m := moveWords[w]
			cur.Kind = m.Kind
			if m.Direction != "" {
				cur.Direction = m.Direction
			}
			if pendingIntensity >= 0 {
				cur.Intensity, pendingIntensity = pendingIntensity, -1
			}
			if pendingDir != "" && cur.Direction == "" {
				cur.Direction, pendingDir = pendingDir, ""
			}
		case fillerWords[w]:
		default:
			if v, ok := parsePercent(w); ok {
				setIntensity(&cur, &pendingIntensity, v)
				continue
			}
			return Camera{}, fmt.Errorf("camera %q: unknown word %q (moves: %s; directions: left, right, up, down, in, out; speeds: slow, medium, fast or a percentage; easing: linear, ease in, ease out, ease in out)", orig, w, moveList())
		}
	}
	if err := flush(); err != nil {
		return Camera{}, err
	}
	if pendingIntensity >= 0 && len(cam.Moves) > 0 {
		cam.Moves[len(cam.Moves)-1].Intensity = pendingIntensity
	}
	return cam.Normalized()
}

func setIntensity(cur *Move, pending *float64, v float64) {
	if cur.Kind != "" && cur.Intensity < 0 {
		cur.Intensity = v
		return
	}
	*pending = v
}

func parsePercent(w string) (float64, bool) {
	if !strings.HasSuffix(w, "%") {
		return 0, false
	}
	var v float64
	if _, err := fmt.Sscanf(strings.TrimSuffix(w, "%"), "%g", &v); err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return v / 100, true
}

func moveList() string {
	var s []string
	for _, m := range Moves() {
		s = append(s, string(m))
	}
	return strings.Join(s, ", ")
}

// Normalized fills defaults (direction, intensity 0.5, ease-in-out), drops static components
// when others exist, and checks every field; the result is the canonical form.
func (c Camera) Normalized() (Camera, error) {
	out := Camera{Easing: c.Easing}
	if out.Easing == "" {
		out.Easing = EaseInOut
	}
	switch out.Easing {
	case Linear, EaseIn, EaseOut, EaseInOut:
	default:
		return Camera{}, fmt.Errorf("camera: unknown easing %q (linear, ease-in, ease-out, ease-in-out)", c.Easing)
	}
	seen := map[MoveKind]bool{}
	for _, m := range c.Moves {
		dirs, ok := moveDirs[m.Kind]
		if !ok {
			return Camera{}, fmt.Errorf("camera: unknown move %q (moves: %s)", m.Kind, moveList())
		}
		if m.Kind == Static {
			continue
		}
		if seen[m.Kind] {
			return Camera{}, fmt.Errorf("camera: %s appears twice", m.Kind)
		}
		seen[m.Kind] = true
		if m.Intensity < 0 {
			m.Intensity = 0.5
		}
		if m.Intensity > 1 || math.IsNaN(m.Intensity) {
			return Camera{}, fmt.Errorf("camera: %s intensity %g is outside 0..1", m.Kind, m.Intensity)
		}
		if len(dirs) == 0 {
			if m.Direction != "" {
				return Camera{}, fmt.Errorf("camera: %s takes no direction, got %q", m.Kind, m.Direction)
			}
		} else if m.Direction == "" {
			m.Direction = dirs[0]
		} else if !hasDir(dirs, m.Direction) {
			return Camera{}, fmt.Errorf("camera: %s cannot go %q (it goes %s)", m.Kind, m.Direction, joinDirs(dirs))
		}
		out.Moves = append(out.Moves, m)
	}
	// A canonical order, so equal moves hash equally.
	order := map[MoveKind]int{}
	for i, k := range Moves() {
		order[k] = i
	}
	sort.SliceStable(out.Moves, func(i, j int) bool { return order[out.Moves[i].Kind] < order[out.Moves[j].Kind] })
	return out, nil
}

func hasDir(ds []Direction, d Direction) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func joinDirs(ds []Direction) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d)
	}
	return strings.Join(s, " or ")
}

// IsStatic reports whether the camera does not move.
func (c Camera) IsStatic() bool { return len(c.Moves) == 0 }

// String is the phrase ParseCamera reads back to the same camera, e.g. "dolly in slow, ease-in-out".
func (c Camera) String() string {
	if len(c.Moves) == 0 {
		return "static"
	}
	var parts []string
	for _, m := range c.Moves {
		p := string(m.Kind)
		if m.Direction != "" {
			p += " " + string(m.Direction)
		}
		p += " " + intensityWord(m.Intensity)
		parts = append(parts, p)
	}
	e := c.Easing
	if e == "" {
		e = EaseInOut
	}
	return strings.Join(parts, " and ") + ", " + strings.ReplaceAll(string(e), "-", " ")
}

func intensityWord(v float64) string {
	for w, x := range map[string]float64{"slow": 0.3, "medium": 0.5, "fast": 0.8} {
		if math.Abs(v-x) < 1e-9 {
			return w
		}
	}
	return fmt.Sprintf("%g%%", math.Round(v*1000)/10)
}

// Phrase is plain film language for backends that take the camera only as prompt text.
func (c Camera) Phrase() string {
	if len(c.Moves) == 0 {
		return "static camera, locked off"
	}
	var parts []string
	for _, m := range c.Moves {
		speed := "slow"
		switch {
		case m.Intensity >= 0.7:
			speed = "fast"
		case m.Intensity >= 0.4:
			speed = "steady"
		}
		switch m.Kind {
		case Handheld:
			parts = append(parts, "handheld camera")
		case Zoom:
			parts = append(parts, fmt.Sprintf("%s zoom %s", speed, m.Direction))
		default:
			parts = append(parts, fmt.Sprintf("%s %s %s", speed, m.Kind, m.Direction))
		}
	}
	return strings.Join(parts, ", ")
}

// Axes is the camera as six signed axes in -10..10, the form of Kling's camera control and
// Runway's Gen-3 camera control (horizontal, vertical, pan, tilt, roll, zoom). Moves with no
// axis of their own are approximated: dolly and crane add zoom, orbit is horizontal plus pan;
// handheld has no axis. Approximate is true when anything was approximated or dropped.
type Axes struct {
	Horizontal  float64 `json:"horizontal"`
	Vertical    float64 `json:"vertical"`
	Pan         float64 `json:"pan"`
	Tilt        float64 `json:"tilt"`
	Roll        float64 `json:"roll"`
	Zoom        float64 `json:"zoom"`
	Approximate bool    `json:"approximate,omitempty"`
}

// Axes compiles the camera into six axes.
func (c Camera) Axes() Axes {
	var a Axes
	sign := func(d Direction) float64 {
		if d == Left || d == Down || d == Out {
			return -1
		}
		return 1
	}
	for _, m := range c.Moves {
		v := sign(m.Direction) * m.Intensity * 10
		switch m.Kind {
		case Pan:
			a.Pan += v
		case Tilt:
			a.Tilt += v
		case Roll:
			a.Roll += v
		case Zoom:
			a.Zoom += v
		case Truck:
			a.Horizontal += v
		case Pedestal:
			a.Vertical += v
		case Dolly:
			a.Zoom += v
			a.Approximate = true
		case Crane:
			a.Vertical += v
			a.Zoom += math.Abs(v) / 3
			a.Approximate = true
		case Orbit:
			a.Horizontal += v
			a.Pan -= v / 2
			a.Approximate = true
		case Handheld:
			a.Approximate = true
		}
	}
	clamp := func(x float64) float64 { return math.Round(math.Max(-10, math.Min(10, x))*100) / 100 }
	a.Horizontal, a.Vertical, a.Pan = clamp(a.Horizontal), clamp(a.Vertical), clamp(a.Pan)
	a.Tilt, a.Roll, a.Zoom = clamp(a.Tilt), clamp(a.Roll), clamp(a.Zoom)
	return a
}

// UnmarshalJSON accepts either the structured form or a phrase string ("dolly in slow").
func (c *Camera) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		cam, err := ParseCamera(s)
		if err != nil {
			return err
		}
		*c = cam
		return nil
	}
	type plain Camera
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("camera: %v", err)
	}
	*c = Camera(p)
	return nil
}
