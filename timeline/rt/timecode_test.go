package rt_test

import (
	"testing"

	"github.com/slate-nle/slate/timeline/rt"
)

func TestTimecodeFormatsTheKnownLabels(t *testing.T) {
	tests := []struct {
		name  string
		rate  rt.Rate
		drop  bool
		frame rt.Time
		want  string
	}{
		{"frame zero is midnight", rt.Rate24, false, 0, "00:00:00:00"},
		{"one second at 24 fps", rt.Rate24, false, 24, "00:00:01:00"},
		{"23.976 counts at 24", rt.Rate23976, false, 24*3600 + 1, "01:00:00:01"},
		{"25 fps frames run to 24", rt.Rate25, false, 24, "00:00:00:24"},
		{"drop frame before the first minute", rt.Rate2997, true, 1799, "00:00:59;29"},
		{"drop frame skips labels 00 and 01 at minute one", rt.Rate2997, true, 1800, "00:01:00;02"},
		{"drop frame keeps every label at the tenth minute", rt.Rate2997, true, 17982, "00:10:00;00"},
		{"drop frame just before the tenth minute", rt.Rate2997, true, 17981, "00:09:59;29"},
		{"drop frame one hour is 107892 frames", rt.Rate2997, true, 107892, "01:00:00;00"},
		{"non-drop 29.97 drifts from the clock", rt.Rate2997, false, 107892, "00:59:56:12"},
		{"59.94 drops four labels", rt.Rate5994, true, 3600, "00:01:00;04"},
		{"59.94 before the first minute", rt.Rate5994, true, 3599, "00:00:59;59"},
		{"59.94 one hour", rt.Rate5994, true, 215784, "01:00:00;00"},
		{"the last frame of the day", rt.Rate24, false, 24*86400 - 1, "23:59:59:23"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rt.FormatTimecode(tc.frame, tc.rate, tc.drop)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("FormatTimecode(%d) = %s, want %s", tc.frame, got, tc.want)
			}
			back, err := rt.ParseTimecode(got, tc.rate)
			if err != nil || back != tc.frame {
				t.Errorf("ParseTimecode(%s) = %d, %v; want %d", got, back, err, tc.frame)
			}
		})
	}
}

func TestTimecodeRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rate rt.Rate
	}{
		{"empty", "", rt.Rate24},
		{"too few fields", "00:01:02", rt.Rate24},
		{"letters", "00:0a:00:00", rt.Rate24},
		{"a frame beyond the rate", "00:00:00:24", rt.Rate24},
		{"sixty seconds", "00:00:60:00", rt.Rate24},
		{"sixty minutes", "00:60:00:00", rt.Rate24},
		{"24 hours", "24:00:00:00", rt.Rate24},
		{"a dropped label", "00:01:00;00", rt.Rate2997},
		{"another dropped label", "00:01:00;01", rt.Rate2997},
		{"a dropped label at 59.94", "00:02:00;03", rt.Rate5994},
		{"drop frame at 25 fps", "00:00:01;00", rt.Rate25},
		{"a zero rate", "00:00:01:00", rt.Rate{}},
		{"a negative number", "00:-1:00:00", rt.Rate24},
		{"too many digits", "0000:00:00:00", rt.Rate24},
		{"extra separators", "00::00:00:00", rt.Rate24},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f, err := rt.ParseTimecode(tc.in, tc.rate); err == nil {
				t.Fatalf("ParseTimecode(%q) = %d, want an error", tc.in, f)
			}
		})
	}
	for _, bad := range []struct {
		name  string
		frame rt.Time
		rate  rt.Rate
		drop  bool
	}{
		{"a negative frame", -1, rt.Rate24, false},
		{"a full day", 24 * 86400, rt.Rate24, false},
		{"drop frame at 24", 0, rt.Rate24, true},
		{"a zero rate", 0, rt.Rate{}, false},
	} {
		t.Run("formatting "+bad.name, func(t *testing.T) {
			if s, err := rt.FormatTimecode(bad.frame, bad.rate, bad.drop); err == nil {
				t.Fatalf("got %q, want an error", s)
			}
		})
	}
}

// Every frame of a whole day survives format then parse, at every common rate.
func TestEveryFrameOfADayRoundTrips(t *testing.T) {
	cases := []struct {
		rate rt.Rate
		drop bool
	}{
		{rt.Rate24, false}, {rt.Rate25, false}, {rt.Rate30, false}, {rt.Rate50, false}, {rt.Rate60, false},
		{rt.Rate23976, false}, {rt.Rate2997, false}, {rt.Rate2997, true}, {rt.Rate5994, false}, {rt.Rate5994, true},
	}
	for _, c := range cases {
		name := c.rate.String()
		if c.drop {
			name += " drop-frame"
		}
		t.Run(name, func(t *testing.T) {
			day := c.rate.FramesPerDay(c.drop)
			step := int64(1)
			if testing.Short() {
				step = 997
			}
			prev := ""
			for f := int64(0); f < day; f += step {
				s, err := rt.FormatTimecode(rt.Time(f), c.rate, c.drop)
				if err != nil {
					t.Fatalf("frame %d: %v", f, err)
				}
				back, err := rt.ParseTimecode(s, c.rate)
				if err != nil || int64(back) != f {
					t.Fatalf("frame %d → %s → %d (%v)", f, s, back, err)
				}
				if step == 1 && s <= prev {
					t.Fatalf("labels out of order: %s after %s", s, prev)
				}
				prev = s
			}
		})
	}
}

func FuzzParseTimecode(f *testing.F) {
	for _, s := range []string{"00:00:00:00", "01:02:03;04", "23:59:59;29", "00:01:00;02", "1:2:3:4", "99:99:99:99", ";;;"} {
		f.Add(s, uint8(0))
	}
	rates := []rt.Rate{rt.Rate24, rt.Rate25, rt.Rate2997, rt.Rate5994, rt.Rate23976, rt.Rate60}
	f.Fuzz(func(t *testing.T, s string, ri uint8) {
		r := rates[int(ri)%len(rates)]
		fr, err := rt.ParseTimecode(s, r)
		if err != nil {
			return
		}
		drop := r.DropFrameAllowed() && len(s) > 0 && (contains(s, ';') || contains(s, '.'))
		out, err := rt.FormatTimecode(fr, r, drop)
		if err != nil {
			t.Fatalf("%q parsed to %d which does not format: %v", s, fr, err)
		}
		back, err := rt.ParseTimecode(out, r)
		if err != nil || back != fr {
			t.Fatalf("%q → %d → %q → %d (%v)", s, fr, out, back, err)
		}
	})
}

func contains(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func BenchmarkFormatTimecode(b *testing.B) {
	var n rt.Time
	for b.Loop() {
		_, _ = rt.FormatTimecode(n%100000, rt.Rate2997, true)
		n++
	}
}

func BenchmarkParseTimecode(b *testing.B) {
	for b.Loop() {
		_, _ = rt.ParseTimecode("01:23:45;12", rt.Rate2997)
	}
}
