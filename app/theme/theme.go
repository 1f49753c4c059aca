package theme

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// Palette is every colour the custom widgets draw with.
type Palette struct {
	Background  color.NRGBA // behind everything
	Lane        color.NRGBA // track lane
	LaneAlt     color.NRGBA // every other lane, so rows read apart
	LaneLocked  color.NRGBA // lane of a locked track
	Header      color.NRGBA // track header column
	HeaderLine  color.NRGBA // separators
	Ruler       color.NRGBA // ruler background
	Tick        color.NRGBA // ruler ticks
	Text        color.NRGBA // primary text
	TextDim     color.NRGBA // secondary text
	ClipText    color.NRGBA // text on clips
	Video       color.NRGBA // default video clip colour
	Audio       color.NRGBA // default audio clip colour
	Disabled    color.NRGBA // disabled clip
	Selection   color.NRGBA // selection outline and selected keys
	Playhead    color.NRGBA // playhead line and head
	InOut       color.NRGBA // in/out range shading in the ruler
	Marker      color.NRGBA // default marker colour
	Ghost       color.NRGBA // fill of a drag preview
	GhostLine   color.NRGBA // outline of a drag preview
	Snap        color.NRGBA // snap guide line
	Marquee     color.NRGBA // marquee fill
	Transition  color.NRGBA // transition overlay
	Waveform    color.NRGBA // audio peaks
	ToggleOn    color.NRGBA // a lit track toggle (mute, solo, lock, hide)
	ToggleOff   color.NRGBA // an unlit one
	Curve       color.NRGBA // keyframe curve
	Key         color.NRGBA // keyframe handle
	Handle      color.NRGBA // bezier handle
	Accent      color.NRGBA // focus, primary buttons
	Warning     color.NRGBA // razor tool indicator
	ButtonFace  color.NRGBA // standard widget buttons in Dark()
	InputFace   color.NRGBA // standard entries in Dark()
	ShadowColor color.NRGBA // shadows in Dark()
}

func rgb(r, g, b uint8) color.NRGBA                { return color.NRGBA{R: r, G: g, B: b, A: 255} }
func rgba(r, g, b, a uint8) color.NRGBA            { return color.NRGBA{R: r, G: g, B: b, A: a} }
func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// Default is Slate's palette: a neutral dark grey UI (close to Resolve and Premiere) so the
// picture and clip colours stand out.
var Default = Palette{
	Background:  rgb(0x1c, 0x1d, 0x20),
	Lane:        rgb(0x26, 0x27, 0x2b),
	LaneAlt:     rgb(0x22, 0x23, 0x27),
	LaneLocked:  rgb(0x2c, 0x24, 0x24),
	Header:      rgb(0x2e, 0x30, 0x35),
	HeaderLine:  rgb(0x14, 0x15, 0x17),
	Ruler:       rgb(0x31, 0x33, 0x38),
	Tick:        rgb(0x8a, 0x8d, 0x94),
	Text:        rgb(0xe6, 0xe7, 0xea),
	TextDim:     rgb(0x9a, 0x9d, 0xa5),
	ClipText:    rgb(0xf5, 0xf6, 0xf8),
	Video:       rgb(0x3d, 0x6f, 0xb0),
	Audio:       rgb(0x3b, 0x8c, 0x5c),
	Disabled:    rgb(0x55, 0x57, 0x5c),
	Selection:   rgb(0xff, 0xc8, 0x3d),
	Playhead:    rgb(0xff, 0x4d, 0x4d),
	InOut:       rgba(0x5a, 0x9c, 0xff, 0x50),
	Marker:      rgb(0x4c, 0xd0, 0x7a),
	Ghost:       rgba(0xff, 0xff, 0xff, 0x30),
	GhostLine:   rgb(0xff, 0xff, 0xff),
	Snap:        rgb(0x6c, 0xe0, 0xff),
	Marquee:     rgba(0x5a, 0x9c, 0xff, 0x38),
	Transition:  rgba(0xf0, 0xf0, 0xf0, 0xb0),
	Waveform:    rgba(0xc8, 0xf0, 0xd4, 0xd0),
	ToggleOn:    rgb(0xe0, 0xa4, 0x2e),
	ToggleOff:   rgb(0x45, 0x48, 0x4f),
	Curve:       rgb(0x6c, 0xb8, 0xff),
	Key:         rgb(0xf2, 0xf2, 0xf2),
	Handle:      rgb(0xb0, 0x8c, 0xff),
	Accent:      rgb(0x4a, 0x90, 0xe2),
	Warning:     rgb(0xff, 0x8a, 0x3d),
	ButtonFace:  rgb(0x3a, 0x3c, 0x42),
	InputFace:   rgb(0x18, 0x19, 0x1b),
	ShadowColor: rgba(0, 0, 0, 0x66),
}

// named are the colour names clips and markers may use (OTIO/Avid marker names included).
var named = map[string]color.NRGBA{
	"red":     rgb(0xc8, 0x44, 0x44),
	"orange":  rgb(0xd4, 0x7a, 0x2c),
	"yellow":  rgb(0xc9, 0xb0, 0x30),
	"green":   rgb(0x3b, 0x8c, 0x5c),
	"cyan":    rgb(0x2f, 0x9c, 0xa8),
	"blue":    rgb(0x3d, 0x6f, 0xb0),
	"purple":  rgb(0x7e, 0x52, 0xb8),
	"magenta": rgb(0xb0, 0x45, 0x9e),
	"pink":    rgb(0xd8, 0x6f, 0xa0),
	"brown":   rgb(0x8a, 0x62, 0x3e),
	"gray":    rgb(0x70, 0x73, 0x7a),
	"grey":    rgb(0x70, 0x73, 0x7a),
	"white":   rgb(0xe8, 0xe8, 0xe8),
	"black":   rgb(0x20, 0x20, 0x20),
}

// ParseColor reads "#rrggbb", "#rgb" or a colour name (any case).
func ParseColor(s string) (color.NRGBA, bool) {
	s = strings.TrimSpace(s)
	if h, ok := strings.CutPrefix(s, "#"); ok {
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		if len(h) != 6 {
			return color.NRGBA{}, false
		}
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return color.NRGBA{}, false
		}
		return rgb(uint8(v>>16), uint8(v>>8), uint8(v)), true
	}
	c, ok := named[strings.ToLower(s)]
	return c, ok
}

// ClipColor is the body colour of a clip: its own colour when it parses, else the default
// for its kind (audio when audio is true).
func (p Palette) ClipColor(s string, audio bool) color.NRGBA {
	if c, ok := ParseColor(s); ok {
		return c
	}
	if audio {
		return p.Audio
	}
	return p.Video
}

// MarkerColor is a marker's colour, or the palette's marker colour.
func (p Palette) MarkerColor(s string) color.NRGBA {
	if c, ok := ParseColor(s); ok {
		return c
	}
	return p.Marker
}

// Darker scales a colour's RGB by f (0..1), keeping alpha.
func Darker(c color.NRGBA, f float64) color.NRGBA {
	return color.NRGBA{R: uint8(float64(c.R) * f), G: uint8(float64(c.G) * f), B: uint8(float64(c.B) * f), A: c.A}
}

// Alpha returns c with alpha a.
func Alpha(c color.NRGBA, a uint8) color.NRGBA { return withAlpha(c, a) }

// Sizes shared by the custom widgets, in Fyne units.
const (
	TextSize      = 12 // clip names, track names
	SmallTextSize = 10 // ruler labels, toggles
)

// editorTheme is Fyne's dark variant recoloured with the palette.
type editorTheme struct {
	fyne.Theme
	p Palette
}

// Dark is the editor's fyne.Theme.
func Dark() fyne.Theme { return &editorTheme{Theme: fynetheme.DefaultTheme(), p: Default} }

func (t *editorTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case fynetheme.ColorNameBackground:
		return t.p.Background
	case fynetheme.ColorNameButton:
		return t.p.ButtonFace
	case fynetheme.ColorNameInputBackground, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground:
		return t.p.InputFace
	case fynetheme.ColorNamePrimary, fynetheme.ColorNameFocus:
		return t.p.Accent
	case fynetheme.ColorNameSelection:
		return withAlpha(t.p.Accent, 0x60)
	case fynetheme.ColorNameForeground:
		return t.p.Text
	case fynetheme.ColorNamePlaceHolder, fynetheme.ColorNameDisabled:
		return t.p.TextDim
	case fynetheme.ColorNameSeparator:
		return t.p.HeaderLine
	case fynetheme.ColorNameShadow:
		return t.p.ShadowColor
	case fynetheme.ColorNameHeaderBackground:
		return t.p.Header
	}
	return t.Theme.Color(n, fynetheme.VariantDark)
}
