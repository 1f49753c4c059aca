package keyframe_test

import (
	"math"
	"testing"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

type probe struct {
	name string
	t    float64
	want float64
}

func checkProbes(t *testing.T, c *keyframe.Curve, probes []probe, tol float64) {
	t.Helper()
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			if got := c.ValueAt(p.t); math.Abs(got-p.want) > tol || math.IsNaN(got) {
				t.Fatalf("ValueAt(%v) = %.15g, want %.15g", p.t, got, p.want)
			}
		})
	}
}

func key(t rt.Time, v float64, i keyframe.Interp) keyframe.Key {
	return keyframe.Key{T: t, V: v, Interp: i}
}

func TestACurveWithoutKeysIsItsStaticValue(t *testing.T) {
	c := &keyframe.Curve{Static: 0.4}
	for _, at := range []float64{-100, 0, 3.5, 1e9} {
		if got := c.ValueAt(at); got != 0.4 {
			t.Fatalf("ValueAt(%v) = %v, want the static 0.4", at, got)
		}
	}
	var nilCurve *keyframe.Curve
	if got := nilCurve.ValueAt(3); got != 0 {
		t.Fatalf("a nil curve is %v, want 0", got)
	}
}

func TestLinearEvaluationBeforeAtBetweenAndAfterKeys(t *testing.T) {
	c := &keyframe.Curve{Static: 99, Keys: []keyframe.Key{
		key(0, 10, keyframe.Linear), key(10, 20, ""), key(20, 0, keyframe.Linear),
	}}
	checkProbes(t, c, []probe{
		{"long before the first key it holds the first value", -500, 10},
		{"just before the first key it holds the first value", -0.001, 10},
		{"at the first key it is that key's value", 0, 10},
		{"a quarter into a segment it is a quarter of the way", 2.5, 12.5},
		{"at a middle key it is that key's value", 10, 20},
		{"the empty interpolation is linear", 15, 10},
		{"at sub-frame times it interpolates", 19.5, 1},
		{"at the last key it is that key's value", 20, 0},
		{"after the last key it holds the last value", 1e12, 0},
		{"at minus infinity it is the first value", math.Inf(-1), 10},
		{"at plus infinity it is the last value", math.Inf(1), 0},
		{"at NaN it is the first value", math.NaN(), 10},
	}, 1e-12)
}

func TestKeysAtNegativeTimesEvaluate(t *testing.T) {
	// A head trim shifts keys before the clip start; they still shape the curve.
	c := &keyframe.Curve{Keys: []keyframe.Key{key(-6, 0, ""), key(18, 1, "")}}
	checkProbes(t, c, []probe{
		{"at the clip start it is a quarter of the way", 0, 0.25},
		{"before the first key it holds", -10, 0},
	}, 1e-12)
}

func TestHoldKeepsTheSegmentStartValueUntilTheNextKey(t *testing.T) {
	c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 1, keyframe.Hold), key(10, 5, keyframe.Linear), key(20, 7, "")}}
	checkProbes(t, c, []probe{
		{"right after the hold key", 0.5, 1},
		{"a hair before the next key", 9.9999, 1},
		{"at the next key it jumps", 10, 5},
		{"the following linear segment is unaffected", 15, 6},
	}, 0)
}

func TestEasedSegmentsScaleTheEasingToTheKeys(t *testing.T) {
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, keyframe.EaseInQuad), key(10, 100, "")}}, []probe{
		{"ease-in-quad halfway is a quarter of the change", 5, 25},
	}, 1e-12)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 10, keyframe.EaseOutBounce), key(4, 20, "")}}, []probe{
		{"ease-out-bounce halfway is 0.765625 of the change", 2, 10 + 10*0.765625},
	}, 1e-12)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 100, keyframe.EaseInOutCubic), key(8, 0, "")}}, []probe{
		{"a falling ease-in-out-cubic a quarter in has fallen 1/16", 2, 100 - 100.0/16},
	}, 1e-12)
}

func TestSmoothIsCatmullRomThroughTheNeighbours(t *testing.T) {
	s := keyframe.Smooth
	// With keys evenly spaced, the midpoint of a Catmull-Rom segment is
	// (-p0 + 9·p1 + 9·p2 - p3) / 16.
	mid := func(p0, p1, p2, p3 float64) float64 { return (-p0 + 9*p1 + 9*p2 - p3) / 16 }
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, s), key(10, 10, s), key(20, 0, s), key(30, 0, s)}}, []probe{
		{"the midpoint of an inner segment follows the uniform formula", 15, mid(0, 10, 0, 0)},
		{"the hand-computed Hermite value at the midpoint is 5.625", 15, 5.625},
	}, 1e-12)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 3, s), key(4, 7, s), key(8, -2, s), key(12, 5, s)}}, []probe{
		{"arbitrary evenly spaced values follow the uniform formula", 6, mid(3, 7, -2, 5)},
	}, 1e-12)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, s), key(10, 10, s), key(20, 10, s), key(30, 0, s)}}, []probe{
		{"it overshoots a plateau because nothing is clamped", 15, 11.25},
	}, 1e-12)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, s), key(10, 10, "")}}, []probe{
		{"with only two keys it is a straight line", 3, 3},
	}, 1e-12)
	// Uneven spacing: tangent at key 0 is one-sided (4-0)/4 = 1/frame, at key 1 it is
	// (0-0)/(12-0) = 0; Hermite at u=1/2 over span 4: 0.125·4·1 + 0.5·4 = 2.5.
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, s), key(4, 4, s), key(12, 0, s)}}, []probe{
		{"tangents are slopes by time when keys are unevenly spaced", 2, 2.5},
	}, 1e-12)
}

// bernstein is the cubic Bezier polynomial, the test's own reference.
func bernstein(p0, p1, p2, p3, s float64) float64 {
	r := 1 - s
	return r*r*r*p0 + 3*r*r*s*p1 + 3*r*s*s*p2 + s*s*s*p3
}

func TestBezierEvaluation(t *testing.T) {
	b := keyframe.Bezier
	flat := &keyframe.Curve{Keys: []keyframe.Key{
		{T: 0, V: 0, Interp: b, OutDT: 10, OutDV: 0},
		{T: 30, V: 10, InDT: -10, InDV: 0},
	}}
	// Handles at a third of the segment make time linear in the curve parameter, so the
	// value is the Bernstein polynomial of u.
	checkProbes(t, flat, []probe{
		{"flat handles at thirds reach half the change at the middle", 15, 5},
		{"flat handles at thirds give 70/27 a third of the way", 10, 70.0 / 27},
		{"flat handles ease in: the start is slower than linear", 3, bernstein(0, 0, 10, 10, 0.1)},
	}, 1e-9)
	checkProbes(t, &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, b), key(30, 10, "")}}, []probe{
		{"zero handles default to thirds and look linear", 7.5, 2.5},
		{"zero handles look linear late in the segment", 29, 29.0 / 3},
	}, 1e-9)

	t.Run("uneven handles are solved for time", func(t *testing.T) {
		// Control times 0, 20, 5, 30 and values 0, 8, 13, 10: time is not linear in s.
		c := &keyframe.Curve{Keys: []keyframe.Key{
			{T: 100, V: 0, Interp: b, OutDT: 20, OutDV: 8},
			{T: 130, V: 10, InDT: -25, InDV: 3},
		}}
		for _, s := range []float64{0.05, 0.2, 0.37, 0.5, 0.66, 0.9, 0.99} {
			x := bernstein(0, 20, 5, 30, s)
			want := bernstein(0, 8, 13, 10, s)
			if got := c.ValueAt(100 + x); math.Abs(got-want) > 1e-9 {
				t.Errorf("at s=%v (t=%v): %.12g, want %.12g", s, 100+x, got, want)
			}
		}
	})
	t.Run("the in handle of the next key is ignored unless the segment is bezier", func(t *testing.T) {
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, ""), {T: 10, V: 10, InDT: -9, InDV: 50}}}
		if got := c.ValueAt(5); got != 5 {
			t.Fatalf("ValueAt(5) = %v, want the linear 5", got)
		}
	})
}

func TestBezierTimeNeverRunsBackwards(t *testing.T) {
	// Values rise along the curve parameter (0, 0+OutDV, 10+InDV, 10 increasing), so if time
	// is monotonic in the parameter the evaluated curve can only rise. Unclamped, these
	// handles would loop back in time and the value would fall somewhere.
	cases := []struct {
		name              string
		outDT, inDT       float64
		clampOut, clampIn float64
		outDV, inDV       float64
	}{
		{"an out handle far past the next key", 500, -10, 30, -10, 4, -4},
		{"an in handle pointing forwards", 10, 300, 10, 0, 4, -4},
		{"both handles crossing the whole segment", 90, -90, 30, -30, 2, -2},
		{"an out handle pointing backwards", -50, -10, 0, -10, 3, -1},
		{"handles crossed inside the segment", 28, -29, 28, -29, 1, -1},
	}
	for _, c := range cases {
		t.Run(c.name+" still rises and equals the clamped handles", func(t *testing.T) {
			wild := &keyframe.Curve{Keys: []keyframe.Key{
				{T: 0, V: 0, Interp: keyframe.Bezier, OutDT: c.outDT, OutDV: c.outDV},
				{T: 30, V: 10, InDT: c.inDT, InDV: c.inDV},
			}}
			tame := wild.Clone()
			tame.Keys[0].OutDT, tame.Keys[1].InDT = c.clampOut, c.clampIn
			prev := wild.ValueAt(0)
			for k := 1; k <= 3000; k++ {
				at := float64(k) / 100
				v := wild.ValueAt(at)
				if v < prev-1e-9 {
					t.Fatalf("value fell from %v to %v at t=%v", prev, v, at)
				}
				if v < 0 || v > 10 {
					t.Fatalf("value %v at t=%v leaves the control points' range", v, at)
				}
				if w := tame.ValueAt(at); math.Abs(v-w) > 1e-9 {
					t.Fatalf("at t=%v wild handles give %v, clamped ones %v", at, v, w)
				}
				prev = v
			}
			if wild.ValueAt(30) != 10 {
				t.Fatalf("the curve does not end on the last key")
			}
		})
	}
}

func TestEvaluationStaysFiniteAtTheLimitsOfFloat64(t *testing.T) {
	max := math.MaxFloat64
	for _, i := range keyframe.AllInterps() {
		t.Run(string(i)+" between ±MaxFloat64 gives a finite value", func(t *testing.T) {
			c := &keyframe.Curve{Keys: []keyframe.Key{
				{T: -3, V: -max, Interp: i, OutDT: 1, OutDV: -max},
				{T: 0, V: max, Interp: i},
				{T: 10, V: -max, Interp: i, OutDV: max, InDV: -max},
				{T: 11, V: max},
			}}
			for k := -40; k <= 120; k++ {
				at := float64(k) / 10
				if v := c.ValueAt(at); math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("ValueAt(%v) = %v", at, v)
				}
			}
			if got := c.ValueAt(0); got != max {
				t.Fatalf("at a key: %v, want the key's value", got)
			}
		})
	}
	t.Run("a halfway linear value between -Max and Max is 0", func(t *testing.T) {
		c := &keyframe.Curve{Keys: []keyframe.Key{key(0, -max, ""), key(10, max, "")}}
		if got := c.ValueAt(5); got != 0 {
			t.Fatalf("ValueAt(5) = %v, want 0", got)
		}
	})
}

func TestAnUnknownInterpolationEvaluatesAsLinear(t *testing.T) {
	c := &keyframe.Curve{Keys: []keyframe.Key{key(0, 0, "zigzag"), key(10, 10, "")}}
	if got := c.ValueAt(4); got != 4 {
		t.Fatalf("ValueAt(4) = %v, want 4", got)
	}
}
