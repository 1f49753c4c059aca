package keyframe

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// Type is the kind of value a parameter holds, which decides its editor widget.
type Type string

// The parameter types. All values are float64 on a curve; Int and Bool hold whole numbers
// (Bool is 0 or 1), Angle is in degrees, Percent is a fraction shown ×100 (1 is 100%).
const (
	TypeFloat   Type = "float"
	TypeInt     Type = "int"
	TypeBool    Type = "bool"
	TypeAngle   Type = "angle"
	TypePercent Type = "percent"
)

// The units a descriptor may display next to its value ("" for none).
const (
	UnitNone    = ""
	UnitPixels  = "px"
	UnitPercent = "%"
	UnitDegrees = "deg"
	UnitDecibel = "dB"
	UnitFrames  = "frames"
)

// Descriptor describes one parameter so that editors, validation and defaults come from
// data: the inspector builds its widgets from Clip(), edit commands look parameters up by
// Name.
type Descriptor struct {
	Name       string  `json:"name"`  // key in Clip.Params: "opacity", "position.x", "blur.radius"
	Label      string  `json:"label"` // what the inspector shows
	Type       Type    `json:"type"`
	Min        float64 `json:"min"`
	Max        float64 `json:"max"`
	Default    float64 `json:"default"`
	Unit       string  `json:"unit,omitempty"`
	Animatable bool    `json:"animatable"`
	Group      string  `json:"group,omitempty"` // inspector section: "Transform", "Crop", ...
}

// Clamp brings v into [Min, Max], rounding to a whole number for int and bool parameters. NaN
// becomes Default.
func (d Descriptor) Clamp(v float64) float64 {
	if math.IsNaN(v) {
		return d.Default
	}
	if d.Type == TypeInt || d.Type == TypeBool {
		v = math.Round(v)
	}
	return math.Min(math.Max(v, d.Min), d.Max)
}

// check reports why v is not a valid value of d, or nil.
func (d Descriptor) check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("value %v is not a finite number", v)
	}
	if v < d.Min {
		return fmt.Errorf("value %g is below the minimum %g", v, d.Min)
	}
	if v > d.Max {
		return fmt.Errorf("value %g is above the maximum %g", v, d.Max)
	}
	if (d.Type == TypeInt || d.Type == TypeBool) && v != math.Trunc(v) {
		return fmt.Errorf("value %g is not a whole number (%s parameter)", v, d.Type)
	}
	return nil
}

// Validate reports what is wrong with a descriptor: the name (lower-case letters, digits and
// . _ -), a label, a known type and unit, finite Min <= Max, a Default inside them (whole for
// int and bool), and 0..1 for bool.
func (d Descriptor) Validate() error {
	if d.Name == "" {
		return fmt.Errorf("parameter descriptor has no name")
	}
	for _, r := range d.Name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("parameter %q: name may hold only a-z, 0-9, '.', '_' and '-'", d.Name)
		}
	}
	if d.Label == "" {
		return fmt.Errorf("parameter %q: no label", d.Name)
	}
	switch d.Type {
	case TypeFloat, TypeInt, TypeBool, TypeAngle, TypePercent:
	default:
		return fmt.Errorf("parameter %q: unknown type %q (want float, int, bool, angle or percent)", d.Name, d.Type)
	}
	switch d.Unit {
	case UnitNone, UnitPixels, UnitPercent, UnitDegrees, UnitDecibel, UnitFrames:
	default:
		return fmt.Errorf("parameter %q: unknown unit %q (want px, %%, deg, dB, frames or none)", d.Name, d.Unit)
	}
	for _, v := range []float64{d.Min, d.Max, d.Default} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("parameter %q: min, max and default must be finite numbers", d.Name)
		}
	}
	if d.Min > d.Max {
		return fmt.Errorf("parameter %q: min %g is above max %g", d.Name, d.Min, d.Max)
	}
	if d.Type == TypeBool && (d.Min != 0 || d.Max != 1) {
		return fmt.Errorf("parameter %q: a bool parameter ranges 0..1, not %g..%g", d.Name, d.Min, d.Max)
	}
	if err := d.check(d.Default); err != nil {
		return fmt.Errorf("parameter %q: default %w", d.Name, err)
	}
	return nil
}

// Generous hard limits for parameters that are unbounded in principle; the UI offers
// narrower slider ranges of its own.
const (
	maxOffsetPx  = 100000
	maxDegrees   = 36000 // a hundred turns each way
	maxScale     = 100   // 10000%
	groupXform   = "Transform"
	groupCompose = "Compositing"
	groupCrop    = "Crop"
	groupAudio   = "Audio"
)

var clipParams = []Descriptor{
	{Name: "opacity", Label: "Opacity", Type: TypePercent, Min: 0, Max: 1, Default: 1, Unit: UnitPercent, Animatable: true, Group: groupCompose},
	{Name: "position.x", Label: "Position X", Type: TypeFloat, Min: -maxOffsetPx, Max: maxOffsetPx, Default: 0, Unit: UnitPixels, Animatable: true, Group: groupXform},
	{Name: "position.y", Label: "Position Y", Type: TypeFloat, Min: -maxOffsetPx, Max: maxOffsetPx, Default: 0, Unit: UnitPixels, Animatable: true, Group: groupXform},
	{Name: "scale", Label: "Scale", Type: TypePercent, Min: 0, Max: maxScale, Default: 1, Unit: UnitPercent, Animatable: true, Group: groupXform},
	{Name: "scale.x", Label: "Scale X", Type: TypePercent, Min: 0, Max: maxScale, Default: 1, Unit: UnitPercent, Animatable: true, Group: groupXform},
	{Name: "scale.y", Label: "Scale Y", Type: TypePercent, Min: 0, Max: maxScale, Default: 1, Unit: UnitPercent, Animatable: true, Group: groupXform},
	{Name: "rotation", Label: "Rotation", Type: TypeAngle, Min: -maxDegrees, Max: maxDegrees, Default: 0, Unit: UnitDegrees, Animatable: true, Group: groupXform},
	{Name: "anchor.x", Label: "Anchor X", Type: TypePercent, Min: 0, Max: 1, Default: 0.5, Unit: UnitPercent, Animatable: true, Group: groupXform},
	{Name: "anchor.y", Label: "Anchor Y", Type: TypePercent, Min: 0, Max: 1, Default: 0.5, Unit: UnitPercent, Animatable: true, Group: groupXform},
	{Name: "crop.left", Label: "Crop Left", Type: TypePercent, Min: 0, Max: 1, Default: 0, Unit: UnitPercent, Animatable: true, Group: groupCrop},
	{Name: "crop.right", Label: "Crop Right", Type: TypePercent, Min: 0, Max: 1, Default: 0, Unit: UnitPercent, Animatable: true, Group: groupCrop},
	{Name: "crop.top", Label: "Crop Top", Type: TypePercent, Min: 0, Max: 1, Default: 0, Unit: UnitPercent, Animatable: true, Group: groupCrop},
	{Name: "crop.bottom", Label: "Crop Bottom", Type: TypePercent, Min: 0, Max: 1, Default: 0, Unit: UnitPercent, Animatable: true, Group: groupCrop},
	{Name: "volume", Label: "Volume", Type: TypeFloat, Min: -96, Max: 12, Default: 0, Unit: UnitDecibel, Animatable: true, Group: groupAudio},
	{Name: "pan", Label: "Pan", Type: TypeFloat, Min: -1, Max: 1, Default: 0, Unit: UnitNone, Animatable: true, Group: groupAudio},
}

// The registry: built-in clip parameters, then effect parameters in registration order.
// Lookup is called from render goroutines while a plugin may Register, hence the lock.
var registry = struct {
	sync.RWMutex
	byName map[string]Descriptor
	order  []string
}{byName: map[string]Descriptor{}}

func init() {
	for _, d := range clipParams {
		if err := Register(d); err != nil {
			panic("keyframe: built-in descriptor: " + err.Error()) // a programming error, caught by tests
		}
	}
}

// Clip returns the built-in clip parameters in inspector order. The caller may modify the
// returned slice.
func Clip() []Descriptor { return slices.Clone(clipParams) }

// All returns every registered descriptor: the clip parameters, then effect parameters in
// the order they were registered.
func All() []Descriptor {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Descriptor, len(registry.order))
	for i, n := range registry.order {
		out[i] = registry.byName[n]
	}
	return out
}

// Lookup finds a parameter's descriptor by name.
func Lookup(name string) (Descriptor, bool) {
	registry.RLock()
	d, ok := registry.byName[name]
	registry.RUnlock()
	return d, ok
}

// Register adds an effect parameter (name it "effect.param", e.g. "blur.radius"). It errors
// when the descriptor is invalid or its name is already taken.
func Register(d Descriptor) error {
	if err := d.Validate(); err != nil {
		return err
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byName[d.Name]; dup {
		return fmt.Errorf("parameter %q is already registered", d.Name)
	}
	registry.byName[d.Name] = d
	registry.order = append(registry.order, d.Name)
	return nil
}
