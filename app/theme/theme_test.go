package theme_test

import (
	"image/color"
	"testing"

	fynetheme "fyne.io/fyne/v2/theme"

	"github.com/slate-nle/slate/app/theme"
)

func TestColours(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		audio bool
		want  color.NRGBA
	}{
		{"six hex digits are read as they are", "#1a2b3c", false, color.NRGBA{0x1a, 0x2b, 0x3c, 255}},
		{"three hex digits are doubled", "#f80", false, color.NRGBA{0xff, 0x88, 0x00, 255}},
		{"a known name is found in any case", "Purple", false, mustParse(t, "purple")},
		{"an unknown name falls back to the video default", "chartreuse-ish", false, theme.Default.Video},
		{"an empty colour on an audio clip is the audio default", "", true, theme.Default.Audio},
		{"bad hex falls back too", "#12345", true, theme.Default.Audio},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := theme.Default.ClipColor(c.in, c.audio); got != c.want {
				t.Errorf("ClipColor(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func mustParse(t *testing.T, s string) color.NRGBA {
	c, ok := theme.ParseColor(s)
	if !ok {
		t.Fatalf("%q does not parse", s)
	}
	return c
}

func TestDarkThemeUsesThePalette(t *testing.T) {
	th := theme.Dark()
	if got := th.Color(fynetheme.ColorNameBackground, fynetheme.VariantLight); got != color.Color(theme.Default.Background) {
		t.Errorf("background %v, want the palette's %v whatever the variant", got, theme.Default.Background)
	}
	if got := th.Color(fynetheme.ColorNamePrimary, fynetheme.VariantDark); got != color.Color(theme.Default.Accent) {
		t.Errorf("primary %v, want the accent", got)
	}
}
