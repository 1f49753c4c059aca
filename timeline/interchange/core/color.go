package core

import (
	"fmt"
	"strconv"
	"strings"
)

// Marker colours. Files name them (OTIO MarkerColor, Avid locator colours); the model keeps
// a free string, which Slate writes as "#rrggbb" or a lower-case name.

// NamedColors are the OTIO / Avid marker colour names and their RGB values.
var NamedColors = []struct {
	Name    string
	R, G, B uint8
}{
	{"PINK", 255, 112, 184}, {"RED", 255, 0, 0}, {"ORANGE", 255, 160, 0}, {"YELLOW", 255, 255, 0},
	{"GREEN", 0, 255, 0}, {"CYAN", 0, 255, 255}, {"BLUE", 0, 0, 255}, {"PURPLE", 160, 0, 255},
	{"MAGENTA", 255, 0, 255}, {"BLACK", 0, 0, 0}, {"WHITE", 255, 255, 255},
}

// ParseColor reads "#rrggbb", "#rgb" or a colour name (any case) into RGB.
func ParseColor(s string) (r, g, b uint8, ok bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "#") {
		h := s[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) != 6 {
			return 0, 0, 0, false
		}
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return 0, 0, 0, false
		}
		return uint8(v >> 16), uint8(v >> 8), uint8(v), true
	}
	for _, c := range NamedColors {
		if strings.EqualFold(c.Name, s) {
			return c.R, c.G, c.B, true
		}
	}
	return 0, 0, 0, false
}

// ColorName is the named colour nearest s ("RED" for "#f01010"), default RED.
func ColorName(s string) string {
	r, g, b, ok := ParseColor(s)
	if !ok {
		return "RED"
	}
	best, bd := "RED", 1<<30
	for _, c := range NamedColors {
		dr, dg, db := int(r)-int(c.R), int(g)-int(c.G), int(b)-int(c.B)
		if d := dr*dr + dg*dg + db*db; d < bd {
			best, bd = c.Name, d
		}
	}
	return best
}

// HexColor formats RGB as "#rrggbb".
func HexColor(r, g, b uint8) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }

// ModelColor is how Slate keeps a colour a file names: a known name in lower case, anything
// else as given.
func ModelColor(s string) string {
	s = strings.TrimSpace(s)
	for _, c := range NamedColors {
		if strings.EqualFold(c.Name, s) {
			return strings.ToLower(c.Name)
		}
	}
	return s
}
