package rt_test

import (
	"fmt"
	"math"
	"strings"
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

func TestDropFrameSkipsLabelsAtMinutesButNotTenths(t *testing.T) {
	tests := []struct {
		name       string
		rate       rt.Rate
		from, next string
	}{
		{"at 29.97 the frame after 00:00:59;29 is 00:01:00;02", rt.Rate2997, "00:00:59;29", "00:01:00;02"},
		{"at 29.97 the tenth minute keeps label 00", rt.Rate2997, "00:09:59;29", "00:10:00;00"},
		{"at 29.97 the eleventh minute drops again", rt.Rate2997, "00:10:59;29", "00:11:00;02"},
		{"at 29.97 the hour keeps label 00", rt.Rate2997, "00:59:59;29", "01:00:00;00"},
		{"at 29.97 labels inside a second run on", rt.Rate2997, "00:01:00;02", "00:01:00;03"},
		{"at 59.94 the frame after 00:00:59;59 is 00:01:00;04", rt.Rate5994, "00:00:59;59", "00:01:00;04"},
		{"at 59.94 the tenth minute keeps label 00", rt.Rate5994, "00:09:59;59", "00:10:00;00"},
		{"at 59.94 the last minute of the day drops", rt.Rate5994, "23:58:59;59", "23:59:00;04"},
		{"non-drop 29.97 keeps every label", rt.Rate2997, "00:00:59:29", "00:01:00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rt.ParseTimecode(tc.from, tc.rate)
			if err != nil {
				t.Fatal(err)
			}
			drop := strings.Contains(tc.next, ";")
			got, err := rt.FormatTimecode(f+1, tc.rate, drop)
			if err != nil || got != tc.next {
				t.Fatalf("frame after %s (%d) = %s, %v; want %s", tc.from, f, got, err, tc.next)
			}
		})
	}
}

func TestTimecodeRatesAndDayLengths(t *testing.T) {
	tests := []struct {
		rate    rt.Rate
		nominal int64
		drop    bool
		day     int64 // frames in 24 h of non-drop timecode
		dropDay int64 // frames in 24 h of drop-frame timecode, where it exists
	}{
		{rt.Rate23976, 24, false, 24 * 86400, 24 * 86400},
		{rt.Rate24, 24, false, 24 * 86400, 24 * 86400},
		{rt.Rate25, 25, false, 25 * 86400, 25 * 86400},
		// 60 minutes of 1800 labels, less 2 labels in 54 of them: 107892 frames an hour.
		{rt.Rate2997, 30, true, 30 * 86400, 24 * 107892},
		{rt.Rate{Num: 60000, Den: 2002}, 30, true, 30 * 86400, 24 * 107892},
		{rt.Rate30, 30, false, 30 * 86400, 30 * 86400},
		{rt.Rate5994, 60, true, 60 * 86400, 24 * 215784},
		{rt.Rate{Num: 120000, Den: 1001}, 120, false, 120 * 86400, 120 * 86400},
		{rt.Rate{Num: 1, Den: 2}, 1, false, 86400, 86400},
		{rt.Rate{Num: 1, Den: 3}, 0, false, 0, 0},
		{rt.Rate{Num: 1000, Den: 1}, 1000, false, 0, 0},
		{rt.Rate{}, 0, false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v counts at %d", tc.rate, tc.nominal), func(t *testing.T) {
			if got := tc.rate.Nominal(); got != tc.nominal {
				t.Errorf("Nominal = %d, want %d", got, tc.nominal)
			}
			if got := tc.rate.DropFrameAllowed(); got != tc.drop {
				t.Errorf("DropFrameAllowed = %v, want %v", got, tc.drop)
			}
			if got := tc.rate.FramesPerDay(false); got != tc.day {
				t.Errorf("FramesPerDay(non-drop) = %d, want %d", got, tc.day)
			}
			if got := tc.rate.FramesPerDay(true); got != tc.dropDay {
				t.Errorf("FramesPerDay(drop) = %d, want %d", got, tc.dropDay)
			}
			if tc.day > 0 {
				last, err := rt.FormatTimecode(rt.Time(tc.day-1), tc.rate, false)
				if err != nil || !strings.HasPrefix(last, "23:59:59:") {
					t.Errorf("the last frame of the day is %q, %v", last, err)
				}
				if s, err := rt.FormatTimecode(rt.Time(tc.day), tc.rate, false); err == nil {
					t.Errorf("a full day formats as %q; want an error", s)
				}
			}
		})
	}
}

func TestTimecodeSpellings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		rate rt.Rate
		same string // the canonical spelling of the same frame
	}{
		{"HH;MM;SS;FF is drop-frame", "00;01;00;02", rt.Rate2997, "00:01:00;02"},
		{"HH:MM:SS.FF is drop-frame", "00:01:00.02", rt.Rate2997, "00:01:00;02"},
		{"single-digit fields are read", "1:2:3:4", rt.Rate25, "01:02:03:04"},
		{"surrounding spaces are ignored", " 01:00:00:00\n", rt.Rate24, "01:00:00:00"},
		{"three-digit frames at 120 fps", "00:00:01:119", rt.Rate{Num: 120, Den: 1}, "00:00:01:119"},
		{"short frames at 120 fps", "00:00:01:7", rt.Rate{Num: 120, Den: 1}, "00:00:01:007"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rt.ParseTimecode(tc.in, tc.rate)
			if err != nil {
				t.Fatal(err)
			}
			want, err := rt.ParseTimecode(tc.same, tc.rate)
			if err != nil || f != want {
				t.Fatalf("%q = frame %d, %q = frame %d (%v)", tc.in, f, tc.same, want, err)
			}
			got, err := rt.FormatTimecode(f, tc.rate, strings.Contains(tc.same, ";"))
			if err != nil || got != tc.same {
				t.Errorf("frame %d formats as %q, %v; want %q", f, got, err, tc.same)
			}
		})
	}
	t.Run("AppendTimecode appends what FormatTimecode returns", func(t *testing.T) {
		b, err := rt.AppendTimecode([]byte("TC "), 1800, rt.Rate2997, true)
		if err != nil || string(b) != "TC 00:01:00;02" {
			t.Fatalf("AppendTimecode = %q, %v", b, err)
		}
		b, err = rt.AppendTimecode([]byte("TC "), -1, rt.Rate2997, true)
		if err == nil || string(b) != "TC " {
			t.Fatalf("AppendTimecode of a bad frame = %q, %v; want the input back and an error", b, err)
		}
	})
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
		{"five fields", "00:00:00:00:00", rt.Rate24},
		{"a trailing separator", "00:00:00:00:", rt.Rate24},
		{"an empty frames field", "00:00:00:", rt.Rate24},
		{"a space inside", "00:00: 00:00", rt.Rate24},
		{"a frame beyond 29.97 drop-frame", "00:00:00;30", rt.Rate2997},
		{"a frame beyond 59.94", "00:00:00:60", rt.Rate5994},
		{"a frame beyond 23.976", "00:00:00:24", rt.Rate23976},
		{"mixed separators", "00;00:00;00", rt.Rate2997},
		{"a drop separator before the seconds only", "00:00;00:00", rt.Rate2997},
		{"dots throughout", "00.00.00.00", rt.Rate2997},
		{"a comma", "00:00:00,00", rt.Rate24},
		{"a plus sign", "+0:00:00:00", rt.Rate24},
		{"a non-ASCII digit", "00:00:00:٣", rt.Rate24},
		{"a dot at 23.976", "00:00:01.00", rt.Rate23976},
		{"drop frame at 30 fps", "00:00:01;00", rt.Rate30},
		{"a rate too fast for timecode", "00:00:01:00", rt.Rate{Num: 1000, Den: 1}},
		{"a rate below one frame a second", "00:00:01:00", rt.Rate{Num: 1, Den: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rt.ParseTimecode(tc.in, tc.rate)
			if err == nil {
				t.Fatalf("ParseTimecode(%q) = %d, want an error", tc.in, f)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.in)) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line naming the input %q", err, tc.in)
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
		{"a full drop-frame day", 24 * 107892, rt.Rate2997, true},
		{"drop frame at 30", 0, rt.Rate30, true},
		{"drop frame at 23.976", 0, rt.Rate23976, true},
		{"the smallest int64", math.MinInt64, rt.Rate5994, true},
		{"the largest int64", math.MaxInt64, rt.Rate5994, true},
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
		drop := strings.ContainsAny(s, ";.")
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
