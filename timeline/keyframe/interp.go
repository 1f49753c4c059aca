package keyframe

import (
	"fmt"
	"math"
)

// The interpolations. A key's Interp says how the segment from it to the next key moves.
const (
	Hold   Interp = "hold"   // keep the start key's value until the next key
	Linear Interp = "linear" // straight line; "" means the same
	// Bezier is a cubic Bezier in (time, value) from this key's out handle to the next key's
	// in handle. A handle with both dt and dv zero means a third of the way along the
	// segment (a straight line when both are zero); handle dt is clamped into the segment.
	Bezier Interp = "bezier"
	Smooth Interp = "smooth" // Catmull-Rom through the neighbouring keys

	EaseInSine       Interp = "ease-in-sine"
	EaseOutSine      Interp = "ease-out-sine"
	EaseInOutSine    Interp = "ease-in-out-sine"
	EaseInQuad       Interp = "ease-in-quad"
	EaseOutQuad      Interp = "ease-out-quad"
	EaseInOutQuad    Interp = "ease-in-out-quad"
	EaseInCubic      Interp = "ease-in-cubic"
	EaseOutCubic     Interp = "ease-out-cubic"
	EaseInOutCubic   Interp = "ease-in-out-cubic"
	EaseInQuart      Interp = "ease-in-quart"
	EaseOutQuart     Interp = "ease-out-quart"
	EaseInOutQuart   Interp = "ease-in-out-quart"
	EaseInQuint      Interp = "ease-in-quint"
	EaseOutQuint     Interp = "ease-out-quint"
	EaseInOutQuint   Interp = "ease-in-out-quint"
	EaseInExpo       Interp = "ease-in-expo"
	EaseOutExpo      Interp = "ease-out-expo"
	EaseInOutExpo    Interp = "ease-in-out-expo"
	EaseInCirc       Interp = "ease-in-circ"
	EaseOutCirc      Interp = "ease-out-circ"
	EaseInOutCirc    Interp = "ease-in-out-circ"
	EaseInBack       Interp = "ease-in-back"
	EaseOutBack      Interp = "ease-out-back"
	EaseInOutBack    Interp = "ease-in-out-back"
	EaseInElastic    Interp = "ease-in-elastic"
	EaseOutElastic   Interp = "ease-out-elastic"
	EaseInOutElastic Interp = "ease-in-out-elastic"
	EaseInBounce     Interp = "ease-in-bounce"
	EaseOutBounce    Interp = "ease-out-bounce"
	EaseInOutBounce  Interp = "ease-in-out-bounce"
)

var allInterps = []Interp{
	Hold, Linear, Bezier, Smooth,
	EaseInSine, EaseOutSine, EaseInOutSine,
	EaseInQuad, EaseOutQuad, EaseInOutQuad,
	EaseInCubic, EaseOutCubic, EaseInOutCubic,
	EaseInQuart, EaseOutQuart, EaseInOutQuart,
	EaseInQuint, EaseOutQuint, EaseInOutQuint,
	EaseInExpo, EaseOutExpo, EaseInOutExpo,
	EaseInCirc, EaseOutCirc, EaseInOutCirc,
	EaseInBack, EaseOutBack, EaseInOutBack,
	EaseInElastic, EaseOutElastic, EaseInOutElastic,
	EaseInBounce, EaseOutBounce, EaseInOutBounce,
}

var knownInterps = func() map[Interp]bool {
	m := make(map[Interp]bool, len(allInterps)+1)
	m[""] = true
	for _, i := range allInterps {
		m[i] = true
	}
	return m
}()

// AllInterps lists every named interpolation in menu order (hold, linear, bezier, smooth,
// then the easings family by family). The caller may modify the returned slice.
func AllInterps() []Interp {
	return append([]Interp(nil), allInterps...)
}

// Valid reports whether i is a known interpolation ("" counts: it means linear).
func (i Interp) Valid() bool { return knownInterps[i] }

// ParseInterp reads an interpolation name exactly as stored ("ease-in-out-bounce"); ""
// reads as Linear. Names are case-sensitive so that what is parsed is what gets stored.
func ParseInterp(s string) (Interp, error) {
	if s == "" {
		return Linear, nil
	}
	i := Interp(s)
	if !knownInterps[i] {
		return "", fmt.Errorf("unknown interpolation %q: want hold, linear, bezier, smooth or an easing such as ease-in-out-sine", s)
	}
	return i, nil
}

// Penner's constants.
const (
	backC1    = 1.70158
	backC2    = backC1 * 1.525
	backC3    = backC1 + 1
	elasticC4 = 2 * math.Pi / 3
	elasticC5 = 2 * math.Pi / 4.5
	bounceN1  = 7.5625
	bounceD1  = 2.75
)

// Ease maps progress u in [0,1] through interpolation i with Robert Penner's easing
// formulas. u is clamped to [0,1] (NaN counts as 0) and the endpoints are exact:
// Ease(i,0)=0, Ease(i,1)=1. Back overshoots below 0 or above 1 and elastic oscillates in
// between. Hold gives 0 until u reaches 1. Linear, "", Bezier, Smooth and unknown names give
// u: Bezier and Smooth depend on the keys, not only on u, and are evaluated by Curve.ValueAt.
func Ease(i Interp, u float64) float64 {
	if !(u > 0) { // also NaN
		return 0
	}
	if u >= 1 {
		return 1
	}
	switch i {
	case Hold:
		return 0
	case EaseInSine:
		return 1 - math.Cos(u*math.Pi/2)
	case EaseOutSine:
		return math.Sin(u * math.Pi / 2)
	case EaseInOutSine:
		return -(math.Cos(math.Pi*u) - 1) / 2
	case EaseInQuad:
		return u * u
	case EaseOutQuad:
		return 1 - (1-u)*(1-u)
	case EaseInOutQuad:
		return inOutPow(u, 2)
	case EaseInCubic:
		return u * u * u
	case EaseOutCubic:
		return 1 - pow(1-u, 3)
	case EaseInOutCubic:
		return inOutPow(u, 3)
	case EaseInQuart:
		return pow(u, 4)
	case EaseOutQuart:
		return 1 - pow(1-u, 4)
	case EaseInOutQuart:
		return inOutPow(u, 4)
	case EaseInQuint:
		return pow(u, 5)
	case EaseOutQuint:
		return 1 - pow(1-u, 5)
	case EaseInOutQuint:
		return inOutPow(u, 5)
	case EaseInExpo:
		return math.Pow(2, 10*u-10)
	case EaseOutExpo:
		return 1 - math.Pow(2, -10*u)
	case EaseInOutExpo:
		if u < 0.5 {
			return math.Pow(2, 20*u-10) / 2
		}
		return (2 - math.Pow(2, -20*u+10)) / 2
	case EaseInCirc:
		return 1 - math.Sqrt(1-u*u)
	case EaseOutCirc:
		return math.Sqrt(1 - (u-1)*(u-1))
	case EaseInOutCirc:
		if u < 0.5 {
			return (1 - math.Sqrt(1-(2*u)*(2*u))) / 2
		}
		return (math.Sqrt(1-(-2*u+2)*(-2*u+2)) + 1) / 2
	case EaseInBack:
		return backC3*u*u*u - backC1*u*u
	case EaseOutBack:
		return 1 + backC3*pow(u-1, 3) + backC1*(u-1)*(u-1)
	case EaseInOutBack:
		if u < 0.5 {
			return (2 * u) * (2 * u) * ((backC2+1)*2*u - backC2) / 2
		}
		return ((2*u-2)*(2*u-2)*((backC2+1)*(u*2-2)+backC2) + 2) / 2
	case EaseInElastic:
		return -math.Pow(2, 10*u-10) * math.Sin((u*10-10.75)*elasticC4)
	case EaseOutElastic:
		return math.Pow(2, -10*u)*math.Sin((u*10-0.75)*elasticC4) + 1
	case EaseInOutElastic:
		if u < 0.5 {
			return -(math.Pow(2, 20*u-10) * math.Sin((20*u-11.125)*elasticC5)) / 2
		}
		return math.Pow(2, -20*u+10)*math.Sin((20*u-11.125)*elasticC5)/2 + 1
	case EaseInBounce:
		return 1 - outBounce(1-u)
	case EaseOutBounce:
		return outBounce(u)
	case EaseInOutBounce:
		if u < 0.5 {
			return (1 - outBounce(1-2*u)) / 2
		}
		return (1 + outBounce(2*u-1)) / 2
	}
	return u
}

func pow(x float64, n int) float64 {
	r := x
	for ; n > 1; n-- {
		r *= x
	}
	return r
}

// inOutPow is Penner's in-out polynomial easing of degree n.
func inOutPow(u float64, n int) float64 {
	if u < 0.5 {
		return float64(int(1)<<(n-1)) * pow(u, n)
	}
	return 1 - pow(-2*u+2, n)/2
}

func outBounce(u float64) float64 {
	switch {
	case u < 1/bounceD1:
		return bounceN1 * u * u
	case u < 2/bounceD1:
		u -= 1.5 / bounceD1
		return bounceN1*u*u + 0.75
	case u < 2.5/bounceD1:
		u -= 2.25 / bounceD1
		return bounceN1*u*u + 0.9375
	default:
		u -= 2.625 / bounceD1
		return bounceN1*u*u + 0.984375
	}
}
