package rt_test

import (
	"errors"
	"math"
	"math/big"
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

func TestRatesValidateAndReduce(t *testing.T) {
	tests := []struct {
		name    string
		r       rt.Rate
		valid   bool
		reduced rt.Rate
	}{
		{"a whole rate is valid and already reduced", rt.Rate25, true, rt.Rate25},
		{"an NTSC rate is already reduced", rt.Rate2997, true, rt.Rate2997},
		{"60/2 reduces to 30", rt.Rate{Num: 60, Den: 2}, true, rt.Rate30},
		{"48000000/2002000 reduces to 24000/1001", rt.Rate{Num: 48000000, Den: 2002000}, true, rt.Rate23976},
		{"a zero rate is invalid", rt.Rate{}, false, rt.Rate{}},
		{"a zero denominator is invalid", rt.Rate{Num: 24}, false, rt.Rate{Num: 1}},
		{"a negative numerator is invalid", rt.Rate{Num: -24, Den: 1}, false, rt.Rate{Num: -24, Den: 1}},
		{"a negative denominator is invalid", rt.Rate{Num: 24, Den: -1}, false, rt.Rate{Num: 24, Den: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.r.Validate(); (err == nil) != tc.valid {
				t.Errorf("Validate(%v) = %v, want valid=%v", tc.r, err, tc.valid)
			}
			if got := tc.r.Reduced(); got != tc.reduced {
				t.Errorf("Reduced(%v) = %v, want %v", tc.r, got, tc.reduced)
			}
		})
	}
}

func TestRatesCompareByValue(t *testing.T) {
	tests := []struct {
		name string
		a, b rt.Rate
		want bool
	}{
		{"30/1 equals 60/2", rt.Rate30, rt.Rate{Num: 60, Den: 2}, true},
		{"29.97 is not 30", rt.Rate2997, rt.Rate30, false},
		{"23.976 equals its doubled spelling", rt.Rate23976, rt.Rate{Num: 48000, Den: 2002}, true},
		{"rates with huge parts compare exactly", rt.Rate{Num: math.MaxInt64, Den: math.MaxInt64 - 1}, rt.Rate{Num: math.MaxInt64 - 1, Den: math.MaxInt64 - 2}, false},
		{"a huge rate equals itself", rt.Rate{Num: math.MaxInt64, Den: 3}, rt.Rate{Num: math.MaxInt64, Den: 3}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Equal(tc.b); got != tc.want {
				t.Errorf("%v.Equal(%v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := tc.b.Equal(tc.a); got != tc.want {
				t.Errorf("%v.Equal(%v) = %v, want %v (Equal must be symmetric)", tc.b, tc.a, got, tc.want)
			}
		})
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
		{"frame 1 at 24 starts inside frame 1 at 25", 1, rt.Rate24, rt.Rate25, 1},
		{"frame 23 at 24 starts inside frame 23 at 25", 23, rt.Rate24, rt.Rate25, 23},
		{"frame 24 at 25 starts inside frame 23 at 24", 24, rt.Rate25, rt.Rate24, 23},
		// 1000 frames at 24000/1001 last 1000*1001/24000 s = 1001 frames at 24 exactly.
		{"1000 frames at 23.976 are 1001 frames at 24", 1000, rt.Rate23976, rt.Rate24, 1001},
		{"1001 frames at 24 are 1000 frames at 23.976", 1001, rt.Rate24, rt.Rate23976, 1000},
		{"999 frames at 23.976 end inside frame 999 at 24", 999, rt.Rate23976, rt.Rate24, 999},
		{"one frame at 24 is 2000 samples at 48 kHz", 1, rt.Rate24, rt.Rate{Num: 48000, Den: 1}, 2000},
		{"one frame at 29.97 is 1601.6 samples, floored", 1, rt.Rate2997, rt.Rate{Num: 48000, Den: 1}, 1601},
		{"five frames at 29.97 are exactly 8008 samples", 5, rt.Rate2997, rt.Rate{Num: 48000, Den: 1}, 8008},
		{"48000 samples are 24 frames at 24", 48000, rt.Rate{Num: 48000, Den: 1}, rt.Rate24, 24},
		{"negative times floor toward minus infinity", -1, rt.Rate25, rt.Rate24, -1},
		{"a negative second is exact", -25, rt.Rate25, rt.Rate24, -24},
		{"just past a negative second floors down", -26, rt.Rate25, rt.Rate24, -25},
		{"an hour at 30 is an hour at 60", 108000, rt.Rate30, rt.Rate60, 216000},
		{"equal rates spelled differently keep the count", 77, rt.Rate30, rt.Rate{Num: 60, Den: 2}, 77},
		{"the most negative time survives halving the rate", math.MinInt64, rt.Rate{Num: 2, Den: 1}, rt.Rate{Num: 1, Den: 1}, math.MinInt64 / 2},
		{"huge rate parts go through exact arithmetic", 3, rt.Rate{Num: math.MaxInt64, Den: 1}, rt.Rate{Num: math.MaxInt64, Den: 2}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.t.RescaledTo(tc.from, tc.to)
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
	bad := []struct {
		name     string
		t        rt.Time
		from, to rt.Rate
	}{
		{"a zero source rate", 1, rt.Rate{}, rt.Rate24},
		{"a zero target rate", 1, rt.Rate24, rt.Rate{}},
		{"a negative rate", 1, rt.Rate24, rt.Rate{Num: -24, Den: 1}},
		{"a result past the largest int64", math.MaxInt64 / 2, rt.Rate{Num: 1, Den: 1000}, rt.Rate{Num: 1000, Den: 1}},
		{"a result past the smallest int64", math.MinInt64 / 2, rt.Rate24, rt.Rate{Num: 48000, Den: 1}},
		{"the largest time doubled", math.MaxInt64, rt.Rate30, rt.Rate60},
	}
	for _, tc := range bad {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			if got, err := rt.Rescale(tc.t, tc.from, tc.to); err == nil {
				t.Fatalf("Rescale = %d, want an error", got)
			}
		})
	}
	if _, err := rt.Rescale(math.MaxInt64/2, rt.Rate{Num: 1, Den: 1000}, rt.Rate{Num: 1000, Den: 1}); !errors.Is(err, rt.ErrOverflow) {
		t.Errorf("overflow error %v does not wrap ErrOverflow", err)
	}
	if s, err := rt.SamplesAt(24, rt.Rate24, 48000); s != 48000 || err != nil {
		t.Errorf("SamplesAt(24 frames at 24) = %d, %v; want 48000", s, err)
	}
	if _, err := rt.SamplesAt(1, rt.Rate24, 0); err == nil {
		t.Error("SamplesAt with a zero sample rate must be refused")
	}
}

func TestRanges(t *testing.T) {
	r := func(start, dur rt.Time) rt.Range { return rt.Range{Start: start, Dur: dur} }
	a := r(10, 10) // [10,20)
	b := r(15, 10) // [15,25)
	c := r(20, 5)  // [20,25)
	empty := r(12, 0)
	t.Run("contains", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			r    rt.Range
			f    rt.Time
			want bool
		}{
			{"a range holds its start", a, 10, true},
			{"a range holds its last frame", a, 19, true},
			{"a range does not hold its end", a, 20, false},
			{"a range does not hold the frame before it", a, 9, false},
			{"an empty range holds nothing, not even its start", empty, 12, false},
			{"a negative range holds frames at negative times", r(-5, 3), -3, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := tc.r.Contains(tc.f); got != tc.want {
					t.Errorf("%v.Contains(%d) = %v, want %v", tc.r, tc.f, got, tc.want)
				}
			})
		}
	})
	t.Run("overlap, intersection and union", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			x, y      rt.Range
			overlaps  bool
			intersect rt.Range
			union     rt.Range
		}{
			{"overlapping ranges share their common frames", a, b, true, r(15, 5), r(10, 15)},
			{"touching ranges share nothing but unite", a, c, false, rt.Range{}, r(10, 15)},
			{"disjoint ranges unite across the gap", a, r(30, 5), false, rt.Range{}, r(10, 25)},
			{"a range inside another intersects as itself", a, r(12, 3), true, r(12, 3), a},
			{"equal ranges are their own intersection and union", a, a, true, a, a},
			{"an empty range inside another overlaps nothing and does not widen it", a, empty, false, rt.Range{}, a},
			{"an empty range far away does not widen the other", a, r(100, 0), false, rt.Range{}, a},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// Each operation is symmetric, so check both orders.
				for _, p := range [][2]rt.Range{{tc.x, tc.y}, {tc.y, tc.x}} {
					if got := p[0].Overlaps(p[1]); got != tc.overlaps {
						t.Errorf("%v.Overlaps(%v) = %v, want %v", p[0], p[1], got, tc.overlaps)
					}
					got, ok := p[0].Intersect(p[1])
					if ok != tc.overlaps || (ok && got != tc.intersect) {
						t.Errorf("%v.Intersect(%v) = %v, %v; want %v, %v", p[0], p[1], got, ok, tc.intersect, tc.overlaps)
					}
					if got := p[0].Union(p[1]); got != tc.union {
						t.Errorf("%v.Union(%v) = %v, want %v", p[0], p[1], got, tc.union)
					}
				}
			})
		}
	})
	t.Run("emptiness, end and shifting", func(t *testing.T) {
		if !empty.Empty() || a.Empty() || !r(5, -1).Empty() {
			t.Error("Empty must be true exactly for ranges without frames")
		}
		if b.End() != 25 {
			t.Errorf("end of %v = %d, want 25", b, b.End())
		}
		if got := a.Shifted(-15); got != r(-5, 10) {
			t.Errorf("%v shifted by -15 = %v, want [-5,5)", a, got)
		}
		if a.String() != "[10,20)" {
			t.Errorf("String = %q, want [10,20)", a.String())
		}
	})
	t.Run("construction", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			start, dur rt.Time
			ok         bool
		}{
			{"a plain range is made", 5, 10, true},
			{"an empty range is made", 5, 0, true},
			{"a range ending exactly at the largest int64 is made", math.MaxInt64 - 10, 10, true},
			{"a negative duration is refused", 0, -1, false},
			{"an end past the largest int64 is refused", math.MaxInt64 - 5, 10, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := rt.NewRange(tc.start, tc.dur)
				if (err == nil) != tc.ok {
					t.Fatalf("NewRange(%d, %d) = %v, %v; want ok=%v", tc.start, tc.dur, got, err, tc.ok)
				}
				if tc.ok && (got.Start != tc.start || got.Dur != tc.dur) {
					t.Errorf("NewRange(%d, %d) = %v", tc.start, tc.dur, got)
				}
			})
		}
		if got, err := rt.RangeFromTo(10, 25); err != nil || got != r(10, 15) {
			t.Errorf("RangeFromTo(10, 25) = %v, %v; want [10,25)", got, err)
		}
		if _, err := rt.RangeFromTo(10, 5); err == nil {
			t.Error("an end before the start must be refused")
		}
		if _, err := rt.RangeFromTo(math.MinInt64, math.MaxInt64); !errors.Is(err, rt.ErrOverflow) {
			t.Errorf("a duration past the largest int64 gave %v, want ErrOverflow", err)
		}
	})
	t.Run("adding refuses overflow both ways", func(t *testing.T) {
		if s, err := rt.Add(40, -50); err != nil || s != -10 {
			t.Errorf("Add(40, -50) = %d, %v", s, err)
		}
		if _, err := rt.Add(math.MaxInt64, 1); !errors.Is(err, rt.ErrOverflow) {
			t.Errorf("Add(max, 1) error = %v, want ErrOverflow", err)
		}
		if _, err := rt.Add(math.MinInt64, -1); !errors.Is(err, rt.ErrOverflow) {
			t.Errorf("Add(min, -1) error = %v, want ErrOverflow", err)
		}
	})
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
	f.Add(int64(100), int64(24), int64(1), int64(2), int64(25), int64(1))
	f.Add(int64(-7), int64(30000), int64(1001), int64(3), int64(48000), int64(1))
	f.Add(int64(math.MinInt64), int64(1), int64(1), int64(1), int64(1), int64(1))
	f.Fuzz(func(t *testing.T, v, num, den, k, num2, den2 int64) {
		from := rt.Rate{Num: num, Den: den}
		other := rt.Rate{Num: num2, Den: den2}
		// Any rates: never a panic; with valid rates, the exact floor or ErrOverflow.
		got, err := rt.Rescale(rt.Time(v), from, other)
		if from.Validate() != nil || other.Validate() != nil {
			if err == nil {
				t.Fatalf("invalid rate %v or %v accepted", from, other)
			}
		} else {
			n := new(big.Int).Mul(big.NewInt(v), big.NewInt(den))
			n.Mul(n, big.NewInt(num2))
			d := new(big.Int).Mul(big.NewInt(num), big.NewInt(den2))
			q, _ := new(big.Int).DivMod(n, d, new(big.Int)) // Euclidean: floor for d > 0
			switch {
			case q.IsInt64() && (err != nil || int64(got) != q.Int64()):
				t.Fatalf("%d at %v → %v = %d, %v; exact floor is %v", v, from, other, got, err, q)
			case !q.IsInt64() && !errors.Is(err, rt.ErrOverflow):
				t.Fatalf("%d at %v → %v = %d, %v; want ErrOverflow for %v", v, from, other, got, err, q)
			}
		}
		// An integer multiple of the rate and back is the identity.
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

func BenchmarkRescale(b *testing.B) {
	var n rt.Time
	for b.Loop() {
		_, _ = rt.Rescale(n, rt.Rate2997, rt.Rate{Num: 48000, Den: 1})
		n++
	}
}
