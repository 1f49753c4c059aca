package rt

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Rate is a frame rate of Num/Den frames per second (24000/1001 is 23.976).
type Rate struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// The rates editors meet every day.
var (
	Rate23976 = Rate{24000, 1001}
	Rate24    = Rate{24, 1}
	Rate25    = Rate{25, 1}
	Rate2997  = Rate{30000, 1001}
	Rate30    = Rate{30, 1}
	Rate50    = Rate{50, 1}
	Rate5994  = Rate{60000, 1001}
	Rate60    = Rate{60, 1}
)

// ErrOverflow is returned when a result does not fit in an int64 frame count.
var ErrOverflow = errors.New("time value overflows int64")

// Validate reports whether r is a usable rate: both parts positive.
func (r Rate) Validate() error {
	if r.Num <= 0 || r.Den <= 0 {
		return fmt.Errorf("invalid frame rate %d/%d: numerator and denominator must be positive", r.Num, r.Den)
	}
	return nil
}

// String gives "24" for whole rates and "24000/1001" otherwise.
func (r Rate) String() string {
	if r.Den == 1 {
		return strconv.FormatInt(r.Num, 10)
	}
	return fmt.Sprintf("%d/%d", r.Num, r.Den)
}

// Float is the rate in frames per second, for display only.
func (r Rate) Float() float64 { return float64(r.Num) / float64(r.Den) }

// ParseRate reads "24", "25", "24000/1001", and the common decimal spellings
// "23.976", "23.98", "29.97", "59.94" (mapped to their exact NTSC fractions).
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "23.976", "23.98":
		return Rate23976, nil
	case "29.97":
		return Rate2997, nil
	case "59.94":
		return Rate5994, nil
	case "47.952":
		return Rate{48000, 1001}, nil
	case "119.88":
		return Rate{120000, 1001}, nil
	}
	var r Rate
	if num, den, ok := strings.Cut(s, "/"); ok {
		n, err1 := strconv.ParseInt(num, 10, 64)
		d, err2 := strconv.ParseInt(den, 10, 64)
		if err1 != nil || err2 != nil {
			return Rate{}, fmt.Errorf("invalid frame rate %q: want N or N/D", s)
		}
		r = Rate{n, d}
	} else {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Rate{}, fmt.Errorf("invalid frame rate %q: want N or N/D", s)
		}
		r = Rate{n, 1}
	}
	if err := r.Validate(); err != nil {
		return Rate{}, err
	}
	return r.Reduced(), nil
}

// Reduced returns r with numerator and denominator divided by their gcd.
func (r Rate) Reduced() Rate {
	g := gcd(r.Num, r.Den)
	if g <= 1 {
		return r
	}
	return Rate{r.Num / g, r.Den / g}
}

// Equal reports whether two rates are the same number (30/1 equals 60/2).
func (r Rate) Equal(o Rate) bool {
	a, ok1 := mul64(r.Num, o.Den)
	b, ok2 := mul64(o.Num, r.Den)
	if ok1 && ok2 {
		return a == b
	}
	return big.NewInt(0).Mul(big.NewInt(r.Num), big.NewInt(o.Den)).Cmp(
		big.NewInt(0).Mul(big.NewInt(o.Num), big.NewInt(r.Den))) == 0
}

// mul64 is a*b and whether it fits in an int64.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

// Seconds converts a frame count at r to seconds (edge use only: display, files).
func (r Rate) Seconds(t Time) float64 {
	return float64(t) * float64(r.Den) / float64(r.Num)
}

// FromSeconds converts seconds to the nearest frame at r (edge use only).
func (r Rate) FromSeconds(s float64) (Time, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	f := math.Round(s * float64(r.Num) / float64(r.Den))
	if math.IsNaN(f) || f > math.MaxInt64/2 || f < math.MinInt64/2 {
		return 0, fmt.Errorf("%g seconds: %w", s, ErrOverflow)
	}
	return Time(f), nil
}

// Time is a count of frames at some rate (the rate is known from context: a clip's position
// is at the timeline rate, a media file's at its own). Audio positions are samples, kept as
// plain int64 by the audio code.
type Time int64

// RescaledTo converts t frames at rate from to frames at rate to, exactly.
//
// Rounding rule: the result is the frame at rate to whose start is the latest one at or
// before the instant t starts (floor), so a frame maps to the frame on screen at that instant.
// It errors on an invalid rate or when the result overflows int64.
func (t Time) RescaledTo(from, to Rate) (Time, error) {
	return Rescale(t, from, to)
}

// Rescale is t.RescaledTo(from, to).
func Rescale(t Time, from, to Rate) (Time, error) {
	if err := from.Validate(); err != nil {
		return 0, err
	}
	if err := to.Validate(); err != nil {
		return 0, err
	}
	if from == to {
		return t, nil
	}
	// frames_to = t * from.Den * to.Num / (from.Num * to.Den), floored.
	if q, ok := rescale128(t, from, to); ok {
		return q, nil
	}
	n := new(big.Int).Mul(big.NewInt(int64(t)), big.NewInt(from.Den))
	n.Mul(n, big.NewInt(to.Num))
	d := new(big.Int).Mul(big.NewInt(from.Num), big.NewInt(to.Den))
	q := new(big.Int)
	m := new(big.Int)
	q.DivMod(n, d, m) // Euclidean: m >= 0, so q is the floor for d > 0.
	if !q.IsInt64() {
		return 0, fmt.Errorf("rescaling %d frames from %s to %s: %w", t, from, to, ErrOverflow)
	}
	return Time(q.Int64()), nil
}

// rescale128 is Rescale in 128-bit integer arithmetic for the usual case where both
// products of rate parts fit in 64 bits; ok is false when it cannot decide (the caller then
// uses math/big, which also reports overflow). Rates must be valid.
func rescale128(t Time, from, to Rate) (Time, bool) {
	ah, a := bits.Mul64(uint64(from.Den), uint64(to.Num))
	bh, b := bits.Mul64(uint64(from.Num), uint64(to.Den))
	if ah != 0 || bh != 0 {
		return 0, false
	}
	u := uint64(t)
	if t < 0 {
		u = -u // |t|, also right for math.MinInt64
	}
	hi, lo := bits.Mul64(u, a)
	if hi >= b { // quotient needs more than 64 bits
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, b)
	if t >= 0 {
		if q > math.MaxInt64 {
			return 0, false
		}
		return Time(q), true
	}
	if rem != 0 { // floor of a negative quotient is one further from zero
		q++
	}
	if q > 1<<63 {
		return 0, false
	}
	return Time(-q), true // -(1<<63) wraps to math.MinInt64, as wanted
}

// SamplesAt converts the start of frame t at rate r to an audio sample index at sampleRate,
// floored like Rescale. Video frame boundaries and audio samples line up through this one
// function.
func SamplesAt(t Time, r Rate, sampleRate int64) (int64, error) {
	s, err := Rescale(t, r, Rate{sampleRate, 1})
	return int64(s), err
}

// Add returns a+b or ErrOverflow.
func Add(a, b Time) (Time, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Range is a half-open span of frames: it holds Start, Start+1, ..., End()-1.
type Range struct {
	Start Time `json:"start"`
	Dur   Time `json:"dur"`
}

// NewRange checks that dur is not negative and that the end fits in an int64.
func NewRange(start, dur Time) (Range, error) {
	if dur < 0 {
		return Range{}, fmt.Errorf("invalid range: negative duration %d", dur)
	}
	if _, err := Add(start, dur); err != nil {
		return Range{}, fmt.Errorf("invalid range %d+%d: %w", start, dur, err)
	}
	return Range{start, dur}, nil
}

// RangeFromTo is the range [start, end).
func RangeFromTo(start, end Time) (Range, error) {
	if end < start {
		return Range{}, fmt.Errorf("invalid range: end %d before start %d", end, start)
	}
	if end-start < 0 { // the difference wrapped
		return Range{}, fmt.Errorf("invalid range [%d,%d): duration %w", start, end, ErrOverflow)
	}
	return NewRange(start, end-start)
}

// End is the first frame after the range.
func (r Range) End() Time { return r.Start + r.Dur }

// Empty reports whether the range holds no frame.
func (r Range) Empty() bool { return r.Dur <= 0 }

// Contains reports whether frame t is inside the range.
func (r Range) Contains(t Time) bool { return t >= r.Start && t < r.End() }

// Overlaps reports whether the two ranges share at least one frame.
func (r Range) Overlaps(o Range) bool {
	return !r.Empty() && !o.Empty() && r.Start < o.End() && o.Start < r.End()
}

// Intersect is the frames in both ranges; ok is false when they share none.
func (r Range) Intersect(o Range) (Range, bool) {
	if !r.Overlaps(o) {
		return Range{}, false
	}
	s, e := max(r.Start, o.Start), min(r.End(), o.End())
	return Range{s, e - s}, true
}

// Union is the smallest range covering both (the frames between them included).
// An empty range does not widen the other.
func (r Range) Union(o Range) Range {
	if r.Empty() {
		return o
	}
	if o.Empty() {
		return r
	}
	s, e := min(r.Start, o.Start), max(r.End(), o.End())
	return Range{s, e - s}
}

// Shifted is the range moved by d frames.
func (r Range) Shifted(d Time) Range { return Range{r.Start + d, r.Dur} }

func (r Range) String() string { return fmt.Sprintf("[%d,%d)", r.Start, r.End()) }

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
