package keyframe_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline/keyframe"
)

var families = []string{"sine", "quad", "cubic", "quart", "quint", "expo", "circ", "back", "elastic", "bounce"}

func TestEveryEasingNameExistsAndParsesToItself(t *testing.T) {
	all := keyframe.AllInterps()
	want := []string{"hold", "linear", "bezier", "smooth"}
	for _, f := range families {
		for _, form := range []string{"in", "out", "in-out"} {
			want = append(want, "ease-"+form+"-"+f)
		}
	}
	if len(all) != len(want) {
		t.Fatalf("AllInterps has %d names, want %d", len(all), len(want))
	}
	for _, name := range want {
		t.Run(name+" is listed and parses to itself", func(t *testing.T) {
			if !slices.Contains(all, keyframe.Interp(name)) {
				t.Fatalf("AllInterps does not list %q", name)
			}
			got, err := keyframe.ParseInterp(name)
			if err != nil || string(got) != name {
				t.Fatalf("ParseInterp(%q) = %q, %v", name, got, err)
			}
			if !got.Valid() {
				t.Fatalf("%q is not Valid", name)
			}
		})
	}
}

func TestParseInterp(t *testing.T) {
	t.Run("the empty name reads as linear", func(t *testing.T) {
		got, err := keyframe.ParseInterp("")
		if err != nil || got != keyframe.Linear {
			t.Fatalf("ParseInterp(\"\") = %q, %v", got, err)
		}
	})
	for _, bad := range []string{"zigzag", "Linear", " hold", "ease-in", "ease-sideways-quad"} {
		t.Run("the unknown name "+bad+" is an error naming it", func(t *testing.T) {
			_, err := keyframe.ParseInterp(bad)
			if err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
				t.Fatalf("ParseInterp(%q) error = %v", bad, err)
			}
			if keyframe.Interp(bad).Valid() {
				t.Fatalf("%q reported Valid", bad)
			}
		})
	}
	t.Run("changing the list AllInterps returns does not change the next one", func(t *testing.T) {
		a := keyframe.AllInterps()
		a[0] = "zigzag"
		if keyframe.AllInterps()[0] == "zigzag" {
			t.Fatal("AllInterps shares its backing array")
		}
	})
}

func TestEveryEasingHasExactEndpoints(t *testing.T) {
	for _, i := range append(keyframe.AllInterps(), "") {
		t.Run(string(i)+" starts at exactly 0 and ends at exactly 1", func(t *testing.T) {
			if got := keyframe.Ease(i, 0); got != 0 {
				t.Errorf("Ease(%q, 0) = %v", i, got)
			}
			if got := keyframe.Ease(i, 1); got != 1 {
				t.Errorf("Ease(%q, 1) = %v", i, got)
			}
			if got := keyframe.Ease(i, -0.5); got != 0 {
				t.Errorf("Ease(%q, -0.5) = %v, want clamped to 0", i, got)
			}
			if got := keyframe.Ease(i, 7); got != 1 {
				t.Errorf("Ease(%q, 7) = %v, want clamped to 1", i, got)
			}
			if got := keyframe.Ease(i, math.NaN()); got != 0 {
				t.Errorf("Ease(%q, NaN) = %v, want 0", i, got)
			}
		})
	}
}

func TestEasingMidpointsMatchPenner(t *testing.T) {
	r2 := math.Sqrt2 / 2
	r34 := math.Sqrt(0.75)
	backC2 := 1.70158 * 1.525
	cases := []struct {
		i    keyframe.Interp
		u    float64
		want float64
	}{
		{keyframe.Hold, 0.5, 0},
		{keyframe.Linear, 0.3, 0.3},
		{keyframe.EaseInSine, 0.5, 1 - r2},
		{keyframe.EaseOutSine, 0.5, r2},
		{keyframe.EaseInOutSine, 0.25, (1 - r2) / 2},
		{keyframe.EaseInQuad, 0.5, 0.25},
		{keyframe.EaseOutQuad, 0.5, 0.75},
		{keyframe.EaseInOutQuad, 0.25, 0.125},
		{keyframe.EaseInOutQuad, 0.75, 0.875},
		{keyframe.EaseInCubic, 0.5, 0.125},
		{keyframe.EaseOutCubic, 0.5, 0.875},
		{keyframe.EaseInOutCubic, 0.25, 0.0625},
		{keyframe.EaseInQuart, 0.5, 0.0625},
		{keyframe.EaseOutQuart, 0.5, 0.9375},
		{keyframe.EaseInOutQuart, 0.25, 0.03125},
		{keyframe.EaseInQuint, 0.5, 1.0 / 32},
		{keyframe.EaseOutQuint, 0.5, 31.0 / 32},
		{keyframe.EaseInOutQuint, 0.25, 1.0 / 64},
		{keyframe.EaseInExpo, 0.5, 1.0 / 32},
		{keyframe.EaseOutExpo, 0.5, 1 - 1.0/32},
		{keyframe.EaseInOutExpo, 0.25, 1.0 / 64},
		{keyframe.EaseInOutExpo, 0.75, 1 - 1.0/64},
		{keyframe.EaseInCirc, 0.5, 1 - r34},
		{keyframe.EaseOutCirc, 0.5, r34},
		{keyframe.EaseInOutCirc, 0.25, (1 - r34) / 2},
		{keyframe.EaseInBack, 0.5, 2.70158*0.125 - 1.70158*0.25},
		{keyframe.EaseOutBack, 0.5, 1 - 2.70158*0.125 + 1.70158*0.25},
		{keyframe.EaseInOutBack, 0.25, 0.25 * ((backC2+1)*0.5 - backC2) / 2},
		// sin(-5.75·2π/3) = sin(π/6) = 1/2, so -2^-5/2.
		{keyframe.EaseInElastic, 0.5, -1.0 / 64},
		// sin(4.25·2π/3) = sin(5π/6) = 1/2.
		{keyframe.EaseOutElastic, 0.5, 1 + 1.0/64},
		// sin(-6.125·2π/4.5) = sin(230°) = -sin(50°).
		{keyframe.EaseInOutElastic, 0.25, math.Sin(50*math.Pi/180) / 64},
		{keyframe.EaseOutBounce, 0.25, 0.47265625},
		{keyframe.EaseOutBounce, 0.5, 0.765625},
		{keyframe.EaseOutBounce, 0.75, 0.97265625},
		{keyframe.EaseInBounce, 0.5, 0.234375},
		{keyframe.EaseInOutBounce, 0.25, 0.1171875},
		{keyframe.EaseInOutBounce, 0.5, 0.5},
	}
	for _, c := range cases {
		t.Run(string(c.i)+" matches the hand-computed value", func(t *testing.T) {
			if got := keyframe.Ease(c.i, c.u); math.Abs(got-c.want) > 1e-12 {
				t.Fatalf("Ease(%q, %v) = %.15g, want %.15g", c.i, c.u, got, c.want)
			}
		})
	}
}

func TestEasingShapes(t *testing.T) {
	grid := func(i keyframe.Interp) []float64 {
		out := make([]float64, 1001)
		for k := range out {
			out[k] = keyframe.Ease(i, float64(k)/1000)
		}
		return out
	}
	for _, f := range []string{"sine", "quad", "cubic", "quart", "quint", "expo", "circ"} {
		for _, form := range []string{"in", "out", "in-out"} {
			i := keyframe.Interp("ease-" + form + "-" + f)
			t.Run(string(i)+" never goes backwards and stays in 0..1", func(t *testing.T) {
				g := grid(i)
				for k := 1; k < len(g); k++ {
					if g[k] < g[k-1] || g[k] < 0 || g[k] > 1 {
						t.Fatalf("at u=%v: %v after %v", float64(k)/1000, g[k], g[k-1])
					}
				}
			})
		}
	}
	t.Run("ease-in-back dips below 0 and ease-out-back rises above 1", func(t *testing.T) {
		if slices.Min(grid(keyframe.EaseInBack)) >= 0 {
			t.Error("ease-in-back never goes below 0")
		}
		if slices.Max(grid(keyframe.EaseOutBack)) <= 1 {
			t.Error("ease-out-back never goes above 1")
		}
		g := grid(keyframe.EaseInOutBack)
		if slices.Min(g) >= 0 || slices.Max(g) <= 1 {
			t.Error("ease-in-out-back does not overshoot at both ends")
		}
	})
	t.Run("the elastic easings oscillate around their end", func(t *testing.T) {
		crossings := func(g []float64, level float64) int {
			// Count sign changes of g-level, skipping samples that land exactly on it.
			n, last := 0, 0.0
			for _, v := range g[1 : len(g)-1] {
				d := v - level
				if d == 0 {
					continue
				}
				if last != 0 && (d > 0) != (last > 0) {
					n++
				}
				last = d
			}
			return n
		}
		if n := crossings(grid(keyframe.EaseOutElastic), 1); n < 3 {
			t.Errorf("ease-out-elastic crosses 1 only %d times", n)
		}
		if n := crossings(grid(keyframe.EaseInElastic), 0); n < 3 {
			t.Errorf("ease-in-elastic crosses 0 only %d times", n)
		}
	})
	t.Run("ease-out-bounce touches 1 between its bounces", func(t *testing.T) {
		for _, u := range []float64{1 / 2.75, 2 / 2.75, 2.5 / 2.75} {
			if got := keyframe.Ease(keyframe.EaseOutBounce, u); math.Abs(got-1) > 1e-12 {
				t.Errorf("ease-out-bounce(%v) = %v, want 1", u, got)
			}
		}
	})
	t.Run("in and out forms mirror each other", func(t *testing.T) {
		for _, f := range families {
			in, out := keyframe.Interp("ease-in-"+f), keyframe.Interp("ease-out-"+f)
			for _, u := range []float64{0.1, 0.37, 0.5, 0.81} {
				if a, b := keyframe.Ease(in, u), 1-keyframe.Ease(out, 1-u); math.Abs(a-b) > 1e-12 {
					t.Errorf("%s(%v) = %v but 1-%s(1-u) = %v", in, u, a, out, b)
				}
			}
		}
	})
}
