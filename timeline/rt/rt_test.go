package rt_test

import (
	"math"
	"testing"

	"github.com/slate-nle/slate/timeline/rt"
)

func TestRatesParseAndCompare(t *testing.T) {
	tests := []struct {
		in   string
		want rt.Rate
	}{
		{"24", rt.Rate24}, {"25", rt.Rate25}, {"24000/1001", rt.Rate23976}, {"23.976", rt.Rate23976},
		{"29.97", rt.Rate2997}, {"59.94", rt.Rate5994}, {"60/2", rt.Rate30}, {" 50 ", rt.Rate50},
	}
	for _, tc := range tests {
		t.Run("reads "+tc.in, func(t *testing.T) {
			got, err := rt.ParseRate(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("ParseRate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "0", "-24", "24/0", "x", "1/2/3", "30000/-1001"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			if r, err := rt.ParseRate(bad); err == nil {
				t.Fatalf("ParseRate(%q) = %v, want an error", bad, r)
			}
		})
	}
	if !(rt.Rate{60, 2}).Equal(rt.Rate30) || rt.Rate2997.Equal(rt.Rate30) {
		t.Error("Equal compares values, not spellings")
	}
	if rt.Rate23976.String() != "24000/1001" || rt.Rate25.String() != "25" {
		t.Error("String spells rates as N or N/D")
	}
}

func TestRescalingIsExactAndFloors(t *testing.T) {
	tests := []struct {
		name     string
		t        rt.Time
		from, to rt.Rate
		want     rt.Time
	}{
		{"the same rate is the identity", 12345, rt.Rate24, rt.Rate24, 12345},
		{"one second at 24 is one second at 25", 24, rt.Rate24, rt.Rate25, 25},
		{"a frame at 24 starts inside a frame at 25", 1, rt.Rate24, rt.Rate25, 1},
		{"23.976 to 24 keeps the frame count", 1000, rt.Rate23976, rt.Rate24, 1000 * 24 * 1001 / 24000},
		{"one frame at 24 is 2000 samples at 48 kHz", 1, rt.Rate24, rt.Rate{48000, 1}, 2000},
		{"one frame at 29.97 is 1601.6 samples, floored", 1, rt.Rate2997, rt.Rate{48000, 1}, 1601},
		{"negative times floor toward minus infinity", -1, rt.Rate25, rt.Rate24, -1},
		{"an hour at 30 is an hour at 60", 108000, rt.Rate30, rt.Rate60, 216000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.t.RescaledTo(tc.from, tc.to)
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
	if _, err := rt.Rescale(1, rt.Rate{}, rt.Rate24); err == nil {
		t.Error("a zero rate must be refused")
	}
	if _, err := rt.Rescale(math.MaxInt64/2, rt.Rate{1, 1000}, rt.Rate{1000, 1}); err == nil {
		t.Error("an overflowing result must be refused")
	}
	if s, _ := rt.SamplesAt(24, rt.Rate24, 48000); s != 48000 {
		t.Errorf("SamplesAt(24 frames at 24) = %d, want 48000", s)
	}
}

func TestRanges(t *testing.T) {
	a := rt.Range{Start: 10, Dur: 10} // [10,20)
	b := rt.Range{Start: 15, Dur: 10} // [15,25)
	c := rt.Range{Start: 20, Dur: 5}  // [20,25)
	tests := []struct {
		name string
		ok   bool
	}{
		{"a range holds its start", a.Contains(10)},
		{"a range does not hold its end", !a.Contains(20)},
		{"overlapping ranges overlap", a.Overlaps(b)},
		{"touching ranges do not overlap", !a.Overlaps(c)},
		{"an empty range overlaps nothing", !(rt.Range{Start: 12}).Overlaps(a)},
		{"intersection is the shared frames", func() bool { r, ok := a.Intersect(b); return ok && r == rt.Range{Start: 15, Dur: 5} }()},
		{"disjoint ranges have no intersection", func() bool { _, ok := a.Intersect(c); return !ok }()},
		{"union covers both and the space between", a.Union(rt.Range{Start: 30, Dur: 5}) == rt.Range{Start: 10, Dur: 25}},
		{"union with an empty range is the other", a.Union(rt.Range{Start: 100}) == a},
		{"end is start plus duration", b.End() == 25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Fail()
			}
		})
	}
	if _, err := rt.NewRange(0, -1); err == nil {
		t.Error("a negative duration must be refused")
	}
	if _, err := rt.NewRange(math.MaxInt64-5, 10); err == nil {
		t.Error("an overflowing end must be refused")
	}
	if _, err := rt.RangeFromTo(10, 5); err == nil {
		t.Error("an end before the start must be refused")
	}
}

func TestSecondsAppearOnlyAtTheEdges(t *testing.T) {
	if s := rt.Rate24.Seconds(48); s != 2 {
		t.Errorf("48 frames at 24 fps = %v s, want 2", s)
	}
	if f, err := rt.Rate2997.FromSeconds(1); err != nil || f != 30 {
		t.Errorf("1 s at 29.97 = %d frames (%v), want 30", f, err)
	}
	if _, err := rt.Rate24.FromSeconds(math.NaN()); err == nil {
		t.Error("NaN seconds must be refused")
	}
}

func FuzzRescale(f *testing.F) {
	f.Add(int64(100), int64(24), int64(1), int64(2))
	f.Fuzz(func(t *testing.T, v, num, den, k int64) {
		from := rt.Rate{Num: num, Den: den}
		if k < 1 || k > 1000 {
			k = 2
		}
		to := rt.Rate{Num: num * k, Den: den}
		up, err := rt.Rescale(rt.Time(v), from, to)
		if err != nil || from.Validate() != nil || to.Num/k != num {
			return
		}
		down, err := rt.Rescale(up, to, from)
		if err != nil {
			t.Fatalf("%d at %v → %d at %v does not come back: %v", v, from, up, to, err)
		}
		if down != rt.Time(v) {
			t.Fatalf("%d at %v → %d at %v → %d", v, from, up, to, down)
		}
	})
}
