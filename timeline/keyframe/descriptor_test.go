package keyframe_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slate-nle/slate/timeline/keyframe"
)

func TestTheClipParametersAreDescribed(t *testing.T) {
	cases := []struct {
		name          string
		min, max, def float64
		unit          string
		typ           keyframe.Type
	}{
		{"opacity", 0, 1, 1, "%", keyframe.TypePercent},
		{"position.x", math.Inf(-1), math.Inf(1), 0, "px", keyframe.TypeFloat},
		{"position.y", math.Inf(-1), math.Inf(1), 0, "px", keyframe.TypeFloat},
		{"scale", 0, 100, 1, "%", keyframe.TypePercent},
		{"scale.x", 0, 100, 1, "%", keyframe.TypePercent},
		{"scale.y", 0, 100, 1, "%", keyframe.TypePercent},
		{"rotation", math.Inf(-1), math.Inf(1), 0, "deg", keyframe.TypeAngle},
		{"anchor.x", 0, 1, 0.5, "%", keyframe.TypePercent},
		{"anchor.y", 0, 1, 0.5, "%", keyframe.TypePercent},
		{"crop.left", 0, 1, 0, "%", keyframe.TypePercent},
		{"crop.right", 0, 1, 0, "%", keyframe.TypePercent},
		{"crop.top", 0, 1, 0, "%", keyframe.TypePercent},
		{"crop.bottom", 0, 1, 0, "%", keyframe.TypePercent},
		{"volume", -96, 12, 0, "dB", keyframe.TypeFloat},
		{"pan", -1, 1, 0, "", keyframe.TypeFloat},
	}
	clip := keyframe.Clip()
	for _, c := range cases {
		t.Run(c.name+" is looked up with its range, default and unit", func(t *testing.T) {
			d, ok := keyframe.Lookup(c.name)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", c.name)
			}
			if d.Name != c.name || d.Default != c.def || d.Unit != c.unit || d.Type != c.typ || !d.Animatable || d.Label == "" || d.Group == "" {
				t.Fatalf("descriptor %+v", d)
			}
			// Unbounded parameters (infinite in the table) only need generous finite limits.
			if !math.IsInf(c.min, 0) && d.Min != c.min || !math.IsInf(c.max, 0) && d.Max != c.max {
				t.Fatalf("range %v..%v, want %v..%v", d.Min, d.Max, c.min, c.max)
			}
			if math.IsInf(c.min, 0) && (d.Min > -10000 || d.Max < 10000) {
				t.Fatalf("range %v..%v is too narrow for %s", d.Min, d.Max, c.name)
			}
			if !slices.Contains(clip, d) {
				t.Fatalf("Clip() does not list %s", c.name)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("the inspector order starts with opacity and ends with the audio parameters", func(t *testing.T) {
		if clip[0].Name != "opacity" || clip[len(clip)-1].Name != "pan" || clip[len(clip)-2].Name != "volume" {
			t.Fatalf("order %v", clip)
		}
	})
	t.Run("changing the slice Clip returns does not change the registry", func(t *testing.T) {
		c := keyframe.Clip()
		c[0].Default = 0.25
		if d, _ := keyframe.Lookup("opacity"); d.Default != 1 {
			t.Fatalf("opacity default became %v", d.Default)
		}
	})
	t.Run("an unknown name is not found", func(t *testing.T) {
		if _, ok := keyframe.Lookup("wobble"); ok {
			t.Fatal("Lookup found wobble")
		}
	})
}

var fxSeq atomic.Int64

// fxName makes a name no other test run in this process has registered.
func fxName(p string) string {
	return fmt.Sprintf("fx%d-%d.%s", time.Now().UnixNano()%1e6, fxSeq.Add(1), p)
}

func TestRegister(t *testing.T) {
	t.Run("a registered effect parameter can be looked up and is listed after the clip ones", func(t *testing.T) {
		d := keyframe.Descriptor{Name: fxName("radius"), Label: "Radius", Type: keyframe.TypeFloat, Max: 200, Default: 4, Unit: "px", Animatable: true, Group: "Blur"}
		if err := keyframe.Register(d); err != nil {
			t.Fatal(err)
		}
		if got, ok := keyframe.Lookup(d.Name); !ok || got != d {
			t.Fatalf("Lookup = %+v, %v", got, ok)
		}
		all := keyframe.All()
		i := slices.Index(all, d)
		if i < len(keyframe.Clip()) || !slices.Equal(all[:len(keyframe.Clip())], keyframe.Clip()) {
			t.Fatalf("All() lists it at %d after %d clip parameters", i, len(keyframe.Clip()))
		}
		if slices.Contains(keyframe.Clip(), d) {
			t.Fatal("an effect parameter appears among the clip parameters")
		}
	})
	good := func(name string) keyframe.Descriptor {
		return keyframe.Descriptor{Name: name, Label: "L", Type: keyframe.TypeFloat, Min: 0, Max: 1, Default: 0}
	}
	bad := []struct {
		name string
		d    keyframe.Descriptor
		want string
	}{
		{"a name already taken by a clip parameter", good("opacity"), `"opacity" is already registered`},
		{"an empty name", good(""), "no name"},
		{"a name with a space", good("my blur"), "name may hold only"},
		{"no label", keyframe.Descriptor{Name: fxName("a"), Type: keyframe.TypeFloat, Max: 1}, "no label"},
		{"an unknown type", keyframe.Descriptor{Name: fxName("b"), Label: "B", Type: "colour", Max: 1}, `unknown type "colour"`},
		{"an unknown unit", keyframe.Descriptor{Name: fxName("c"), Label: "C", Type: keyframe.TypeFloat, Max: 1, Unit: "furlongs"}, `unknown unit "furlongs"`},
		{"min above max", keyframe.Descriptor{Name: fxName("d"), Label: "D", Type: keyframe.TypeFloat, Min: 2, Max: 1, Default: 1}, "min 2 is above max 1"},
		{"a default outside the range", keyframe.Descriptor{Name: fxName("e"), Label: "E", Type: keyframe.TypeFloat, Max: 1, Default: 3}, "default value 3 is above the maximum 1"},
		{"a NaN limit", keyframe.Descriptor{Name: fxName("f"), Label: "F", Type: keyframe.TypeFloat, Max: math.NaN()}, "must be finite"},
		{"a bool that is not 0..1", keyframe.Descriptor{Name: fxName("g"), Label: "G", Type: keyframe.TypeBool, Max: 5}, "ranges 0..1"},
		{"an int with a fractional default", keyframe.Descriptor{Name: fxName("h"), Label: "H", Type: keyframe.TypeInt, Max: 5, Default: 1.5}, "not a whole number"},
	}
	for _, b := range bad {
		t.Run(b.name+" is refused", func(t *testing.T) {
			err := keyframe.Register(b.d)
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Fatalf("Register error = %v, want it to say %q", err, b.want)
			}
			if b.d.Name != "opacity" {
				if _, ok := keyframe.Lookup(b.d.Name); ok {
					t.Fatal("the refused descriptor was registered anyway")
				}
			}
		})
	}
	t.Run("registering the same effect parameter twice is refused", func(t *testing.T) {
		d := good(fxName("twice"))
		if err := keyframe.Register(d); err != nil {
			t.Fatal(err)
		}
		if err := keyframe.Register(d); err == nil || !strings.Contains(err.Error(), "already registered") {
			t.Fatalf("second Register error = %v", err)
		}
	})
}

func TestClamp(t *testing.T) {
	vol, _ := keyframe.Lookup("volume")
	count := keyframe.Descriptor{Type: keyframe.TypeInt, Min: 0, Max: 8, Default: 3}
	toggle := keyframe.Descriptor{Type: keyframe.TypeBool, Min: 0, Max: 1, Default: 1}
	cases := []struct {
		name string
		d    keyframe.Descriptor
		in   float64
		want float64
	}{
		{"a value inside the range is kept", vol, -6.5, -6.5},
		{"a value above the maximum becomes the maximum", vol, 40, 12},
		{"a value below the minimum becomes the minimum", vol, -200, -96},
		{"minus infinity becomes the minimum", vol, math.Inf(-1), -96},
		{"NaN becomes the default", vol, math.NaN(), 0},
		{"an int parameter rounds to the nearest whole number", count, 2.6, 3},
		{"an int parameter rounds then clamps", count, 8.7, 8},
		{"a bool parameter rounds to 0 or 1", toggle, 0.3, 0},
		{"NaN on a bool parameter is its default", toggle, math.NaN(), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.d.Clamp(c.in); got != c.want {
				t.Fatalf("Clamp(%v) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}
