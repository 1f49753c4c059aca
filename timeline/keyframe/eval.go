package keyframe

import "math"

// ValueAt evaluates the curve at t, in frames relative to the clip's start (fractional for
// sub-frame audio and motion blur). With no keys it is Static; before the first key it is the
// first key's value, after the last key the last key's value, and at a key exactly that key's
// value. Between keys the segment's start key's Interp decides (see Interp). A NaN t reads as
// before the first key.
//
// For finite keys the result is always finite: a segment whose arithmetic would overflow
// float64 (values near ±MaxFloat64) is recomputed at a smaller scale and clamped to
// ±MaxFloat64. Lookup is a binary search, O(log keys). A nil curve is 0.
func (c *Curve) ValueAt(t float64) float64 {
	if c == nil {
		return 0
	}
	ks := c.Keys
	n := len(ks)
	if n == 0 {
		return c.Static
	}
	if !(t > float64(ks[0].T)) { // also NaN
		return ks[0].V
	}
	if t >= float64(ks[n-1].T) {
		return ks[n-1].V
	}
	// Invariant: float64(ks[lo].T) <= t < float64(ks[hi].T).
	lo, hi := 0, n-1
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if float64(ks[m].T) <= t {
			lo = m
		} else {
			hi = m
		}
	}
	v := segment(ks, lo, t, 1)
	if v-v == 0 { // finite
		return v
	}
	// Values near the float64 limits overflow in intermediate steps. Every interpolation is
	// linear in the values, so evaluate at 2^-64 scale (exact) and scale back.
	v = segment(ks, lo, t, 0x1p-64) * 0x1p64
	switch {
	case v > math.MaxFloat64:
		return math.MaxFloat64
	case v < -math.MaxFloat64:
		return -math.MaxFloat64
	}
	return v
}

// segment evaluates the segment from ks[i] to ks[i+1] at t, every value and value handle
// multiplied by sc.
func segment(ks []Key, i int, t float64, sc float64) float64 {
	a, b := &ks[i], &ks[i+1]
	t0 := float64(a.T)
	span := float64(b.T) - t0
	x := t - t0
	av, bv := a.V*sc, b.V*sc
	if !(x > 0) || !(span > 0) {
		return av
	}
	u := x / span // < 1 here: the caller picked the segment with t before b.T
	switch a.Interp {
	case Hold:
		return av
	case Bezier:
		return bezier(a, b, span, u, sc)
	case Smooth:
		return smooth(ks, i, span, u, sc)
	}
	return av + (bv-av)*Ease(a.Interp, u)
}

// smooth is Catmull-Rom through the neighbouring keys: a cubic Hermite segment whose tangent
// at each key is the slope between that key's neighbours by time (one-sided at the curve's
// ends). With evenly spaced keys this is the uniform Catmull-Rom spline. Nothing is clamped,
// so it may overshoot.
func smooth(ks []Key, i int, span, u, sc float64) float64 {
	p1, p2 := ks[i].V*sc, ks[i+1].V*sc
	// Tangents times the segment length, in value units: (slope) * span.
	m1 := tangentSpan(ks, i, span, sc)
	m2 := tangentSpan(ks, i+1, span, sc)
	u2 := u * u
	u3 := u2 * u
	h00 := 2*u3 - 3*u2 + 1
	h10 := u3 - 2*u2 + u
	h01 := -2*u3 + 3*u2
	h11 := u3 - u2
	return h00*p1 + h10*m1 + h01*p2 + h11*m2
}

// tangentSpan is the Catmull-Rom slope at key j multiplied by span.
func tangentSpan(ks []Key, j int, span, sc float64) float64 {
	lo, hi := j-1, j+1
	if lo < 0 {
		lo = j
	}
	if hi >= len(ks) {
		hi = j
	}
	dt := float64(ks[hi].T) - float64(ks[lo].T)
	if !(dt > 0) {
		return 0
	}
	// span/dt <= 1 here, so divide the times first to keep the product in range.
	return (ks[hi].V*sc - ks[lo].V*sc) * (span / dt)
}

// bezier evaluates the cubic Bezier from (0, a.V) to (span, b.V) with control points at a's
// out handle and b's in handle, at time fraction u of the segment.
func bezier(a, b *Key, span, u, sc float64) float64 {
	y0, y3 := a.V*sc, b.V*sc
	// Handle times are clamped into the segment: with both inner control points inside
	// [0, span] the time polynomial is monotonic, so time never runs backwards.
	x1, y1 := clampTo(a.OutDT, 0, span), y0+a.OutDV*sc
	if a.OutDT == 0 && a.OutDV == 0 {
		x1, y1 = span/3, y0+(y3-y0)/3
	}
	x2, y2 := span+clampTo(b.InDT, -span, 0), y3+b.InDV*sc
	if b.InDT == 0 && b.InDV == 0 {
		x2, y2 = span*2/3, y3-(y3-y0)/3
	}
	s := solveBezierTime(x1/span, x2/span, u)
	r := 1 - s
	return r*r*r*y0 + 3*r*r*s*y1 + 3*r*s*s*y2 + s*s*s*y3
}

func clampTo(v, lo, hi float64) float64 {
	if !(v > lo) { // also NaN
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// solveBezierTime finds s in [0,1] with X(s) = u, where X is the Bezier with control times
// 0, p1, p2, 1 (p1, p2 in [0,1], so X is non-decreasing): Newton from s=u, then bisection
// when Newton stalls or leaves [0,1]. Both loops are bounded.
func solveBezierTime(p1, p2, u float64) float64 {
	cx := 3 * p1
	bx := 3*(p2-p1) - cx
	ax := 1 - cx - bx
	x := func(s float64) float64 { return ((ax*s+bx)*s + cx) * s }
	const eps = 1e-14
	s := u
	for range 8 {
		e := x(s) - u
		if math.Abs(e) < eps {
			return s
		}
		d := (3*ax*s+2*bx)*s + cx
		if math.Abs(d) < 1e-9 {
			break
		}
		s -= e / d
		if !(s >= 0 && s <= 1) {
			break
		}
	}
	lo, hi := 0.0, 1.0
	s = u
	for range 64 {
		xs := x(s)
		if math.Abs(xs-u) < eps {
			return s
		}
		if xs < u {
			lo = s
		} else {
			hi = s
		}
		s = (lo + hi) / 2
	}
	return s
}
