package curveeditor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/slate-nle/slate/timeline/keyframe"
)

// Display converts a stored value to what the user reads and types: percent parameters are
// fractions shown ×100 (1 is 100 %), everything else as stored.
func Display(d keyframe.Descriptor, v float64) float64 {
	if d.Type == keyframe.TypePercent {
		return v * 100
	}
	return v
}

// Stored converts a typed value back (the inverse of Display).
func Stored(d keyframe.Descriptor, v float64) float64 {
	if d.Type == keyframe.TypePercent {
		return v / 100
	}
	return v
}

// FormatValue is a value as shown, with its unit: "80 %", "-12.5 px", "90°".
func FormatValue(d keyframe.Descriptor, v float64) string {
	s := number(Display(d, v))
	switch d.Unit {
	case keyframe.UnitDegrees:
		return s + "°"
	case keyframe.UnitNone:
		return s
	case keyframe.UnitPercent:
		return s + " %"
	}
	return s + " " + d.Unit
}

// number prints up to three decimals, without trailing zeros.
func number(v float64) string {
	if math.Abs(v) < 5e-4 {
		v = 0
	}
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// ParseValue reads a typed value in display units ("80", "80 %", "-12.5px", "90°") and
// returns the stored value clamped to the descriptor's range.
func ParseValue(d keyframe.Descriptor, s string) (float64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimRightFunc(t, func(r rune) bool { return unicode.IsLetter(r) || r == '%' || r == '°' || unicode.IsSpace(r) })
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %q is not a number", d.Label, s)
	}
	return d.Clamp(Stored(d, v)), nil
}

// InterpLabel is the menu name of an interpolation: "Linear", "Ease In-Out Cubic".
func InterpLabel(i keyframe.Interp) string {
	if i == "" {
		i = keyframe.Linear
	}
	group, rest := interpGroup(i)
	if group == "" {
		return title(rest)
	}
	return group + " " + title(rest)
}

// interpGroup splits an easing into its family menu ("Ease In-Out") and curve ("cubic").
func interpGroup(i keyframe.Interp) (group, rest string) {
	s := string(i)
	for _, g := range []struct{ prefix, name string }{
		{"ease-in-out-", "Ease In-Out"}, {"ease-in-", "Ease In"}, {"ease-out-", "Ease Out"},
	} {
		if r, ok := strings.CutPrefix(s, g.prefix); ok {
			return g.name, r
		}
	}
	return "", s
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// interpByLabel maps every InterpLabel back to its interpolation.
var interpByLabel = func() map[string]keyframe.Interp {
	m := map[string]keyframe.Interp{}
	for _, i := range keyframe.AllInterps() {
		m[InterpLabel(i)] = i
	}
	return m
}()
