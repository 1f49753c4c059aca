package core

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Files state times as decimals or fractions of seconds, and rates as decimals (23.976...).
// The readers keep them as exact rationals (math/big) and round only once, to a frame of the
// timeline rate, so mixed rates and long timelines do not drift.

// MaxFrame bounds the frame numbers readers accept (the model's own limit, about 1,400 years
// at 24 fps).
const MaxFrame = rt.Time(1) << 40

// ParseRat reads a decimal ("86501.0", "-1.5e3") or a fraction ("1001/30000"). It refuses
// Inf, NaN and anything else.
func ParseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty number")
	}
	if len(s) > 400 { // big.Rat would happily parse 1e100000000 slowly; no real file needs it
		return nil, fmt.Errorf("number %.20q... is too long", s)
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		var e int
		if _, err := fmt.Sscanf(s[i+1:], "%d", &e); err != nil || e > 40 || e < -40 {
			return nil, fmt.Errorf("number %q is out of range", s)
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return r, nil
}

// RatOf is the exact rational value of a finite float.
func RatOf(f float64) (*big.Rat, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a finite number", f)
	}
	return new(big.Rat).SetFloat64(f), nil
}

// SnapRate turns a rate as files write it into an exact rt.Rate: whole numbers stay, values
// within 0.005 of N·1000/1001 become that NTSC fraction (23.976 → 24000/1001), and anything
// else becomes the nearest fraction with a denominator up to 1001.
func SnapRate(r *big.Rat) (rt.Rate, error) {
	if r.Sign() <= 0 {
		return rt.Rate{}, fmt.Errorf("frame rate %s is not positive", r.FloatString(3))
	}
	if r.Cmp(big.NewRat(1_000_000, 1)) > 0 {
		return rt.Rate{}, fmt.Errorf("frame rate %s is too high", r.FloatString(3))
	}
	if r.IsInt() {
		return rt.Rate{Num: r.Num().Int64(), Den: 1}, nil
	}
	f, _ := r.Float64()
	if n := math.Round(f * 1001 / 1000); n >= 1 && math.Abs(f*1001/1000-n) < 0.005 {
		return rt.Rate{Num: int64(n) * 1000, Den: 1001}, nil
	}
	if r.Denom().IsInt64() && r.Denom().Int64() <= 1001 {
		return rt.Rate{Num: r.Num().Int64(), Den: r.Denom().Int64()}, nil
	}
	n, d := Approx(r, 1001)
	if n <= 0 {
		return rt.Rate{}, fmt.Errorf("frame rate %s is too low", r.FloatString(6))
	}
	return rt.Rate{Num: n, Den: d}.Reduced(), nil
}

// RateRat is r as a rational.
func RateRat(r rt.Rate) *big.Rat { return big.NewRat(r.Num, r.Den) }

// Seconds is t frames at r, in seconds.
func Seconds(t rt.Time, r rt.Rate) *big.Rat {
	return new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(t)), big.NewInt(r.Den)), big.NewInt(r.Num))
}

// Frames rounds sec seconds to the nearest frame at r (halves away from zero).
func Frames(sec *big.Rat, r rt.Rate) (rt.Time, error) {
	x := new(big.Rat).Mul(sec, big.NewRat(r.Num, r.Den))
	return Round(x)
}

// Round rounds x to the nearest integer (halves away from zero) within ±MaxFrame.
func Round(x *big.Rat) (rt.Time, error) {
	n := new(big.Int).Set(x.Num())
	d := x.Denom()
	neg := n.Sign() < 0
	if neg {
		n.Neg(n)
	}
	// floor((2n + d) / 2d)
	n.Mul(n, big.NewInt(2)).Add(n, d)
	q := n.Quo(n, new(big.Int).Mul(d, big.NewInt(2)))
	if !q.IsInt64() || q.Int64() > int64(MaxFrame) {
		return 0, fmt.Errorf("time %s is out of range", x.FloatString(2))
	}
	v := rt.Time(q.Int64())
	if neg {
		v = -v
	}
	return v, nil
}

// Floor is the largest integer not above x, with the remainder x - floor(x) in [0, 1).
func Floor(x *big.Rat) (rt.Time, *big.Rat, error) {
	q, m := new(big.Int).DivMod(x.Num(), x.Denom(), new(big.Int))
	if !q.IsInt64() || q.Int64() > int64(MaxFrame) || q.Int64() < -int64(MaxFrame) {
		return 0, nil, fmt.Errorf("time %s is out of range", x.FloatString(2))
	}
	return rt.Time(q.Int64()), new(big.Rat).SetFrac(m, x.Denom()), nil
}

// Approx is the fraction n/d nearest x with 0 < d <= maxDen (best rational approximation by
// continued fractions).
func Approx(x *big.Rat, maxDen int64) (int64, int64) {
	neg := x.Sign() < 0
	a := new(big.Rat).Abs(x)
	// Convergents h/k.
	h0, h1 := big.NewInt(0), big.NewInt(1)
	k0, k1 := big.NewInt(1), big.NewInt(0)
	num, den := new(big.Int).Set(a.Num()), new(big.Int).Set(a.Denom())
	limit := big.NewInt(maxDen)
	for den.Sign() != 0 {
		q, r := new(big.Int).QuoRem(num, den, new(big.Int))
		k2 := new(big.Int).Add(new(big.Int).Mul(q, k1), k0)
		if k2.Cmp(limit) > 0 {
			// The best semiconvergent with k <= limit, if it beats the last convergent.
			t := new(big.Int).Quo(new(big.Int).Sub(limit, k0), k1)
			hs := new(big.Int).Add(new(big.Int).Mul(t, h1), h0)
			ks := new(big.Int).Add(new(big.Int).Mul(t, k1), k0)
			cand := new(big.Rat).SetFrac(hs, ks)
			last := new(big.Rat).SetFrac(h1, k1)
			if new(big.Rat).Abs(new(big.Rat).Sub(cand, a)).Cmp(new(big.Rat).Abs(new(big.Rat).Sub(last, a))) < 0 {
				h1, k1 = hs, ks
			}
			break
		}
		h2 := new(big.Int).Add(new(big.Int).Mul(q, h1), h0)
		h0, h1, k0, k1 = h1, h2, k1, k2
		num, den = den, r
	}
	if !h1.IsInt64() || !k1.IsInt64() || k1.Sign() == 0 {
		return 0, 1
	}
	n := h1.Int64()
	if neg {
		n = -n
	}
	return n, k1.Int64()
}

// SpeedOf turns a time scale (OTIO time_scalar, an EDL speed over the rate) into a model
// Speed: exact when its denominator fits in 1..1000, else the nearest such fraction; exact
// reports which. Scales beyond ±100x are an error.
func SpeedOf(x *big.Rat) (sp timeline.Speed, exact bool, err error) {
	if new(big.Rat).Abs(x).Cmp(big.NewRat(100, 1)) > 0 {
		return timeline.Speed{}, false, fmt.Errorf("speed %s is beyond 100x", x.FloatString(3))
	}
	if x.Denom().IsInt64() && x.Denom().Int64() <= 1000 {
		return timeline.Speed{Num: x.Num().Int64(), Den: x.Denom().Int64()}, true, nil
	}
	n, d := Approx(x, 1000)
	return timeline.Speed{Num: n, Den: d}, false, nil
}

// SpeedRat is a speed as a rational.
func SpeedRat(s timeline.Speed) *big.Rat { return big.NewRat(s.Num, s.Den) }

// FloatString formats x as a short decimal: whole numbers without a point, others with up to
// 12 significant decimals (enough for any frame position a float can hold).
func FloatString(x *big.Rat) string {
	if x.IsInt() {
		return x.Num().String()
	}
	f, _ := x.Float64()
	return fmt.Sprint(f)
}

// ClipSource is the source position, at the timeline rate, a clip shows at its Start:
// In + Phase/Speed.Den.
func ClipSource(c *timeline.Clip) *big.Rat {
	r := big.NewRat(c.Phase, c.Speed.Den)
	return r.Add(r, new(big.Rat).SetInt64(int64(c.In)))
}

// SetClipSource sets a clip's In and Phase from a source position at the timeline rate: Phase
// keeps the fraction when the speed has room for it (Speed.Den > 1), otherwise the position is
// rounded to a whole frame.
func SetClipSource(c *timeline.Clip, pos *big.Rat) error {
	if c.Speed.Den > 1 {
		in, frac, err := Floor(pos)
		if err != nil {
			return err
		}
		ph, err := Round(new(big.Rat).Mul(frac, big.NewRat(c.Speed.Den, 1)))
		if err != nil {
			return err
		}
		if int64(ph) >= c.Speed.Den {
			in, ph = in+1, 0
		}
		c.In, c.Phase = in, int64(ph)
		return nil
	}
	in, err := Round(pos)
	if err != nil {
		return err
	}
	c.In, c.Phase = in, 0
	return nil
}
