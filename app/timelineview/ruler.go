package timelineview

import (
	"fmt"
	"math"

	"github.com/slate-nle/slate/timeline/rt"
)

// Ruler spacing: labelled ticks at least this far apart, small ticks at least minorGap.
const (
	majorGap = 96
	minorGap = 7
)

// nominalFPS is the whole frames per second timecode counts (30 for 29.97).
func nominalFPS(r rt.Rate) int64 {
	if r.Num <= 0 || r.Den <= 0 {
		return 24
	}
	return max(int64(math.Round(float64(r.Num)/float64(r.Den))), 1)
}

// TickSteps picks the ruler's labelled (major) and small (minor) tick spacing in frames for
// a scale of ppf pixels per frame: frame counts that divide a second, then seconds,
// minutes and hours in 1-2-5-ish steps; the smallest that keeps labels majorGap pixels
// apart.
func TickSteps(r rt.Rate, ppf float64) (major, minor rt.Time) {
	fps := nominalFPS(r)
	// Below a second, steps that divide the second, so labels fall on whole seconds too.
	var cands []int64
	for f := int64(1); f < fps; f++ {
		if fps%f == 0 {
			cands = append(cands, f)
		}
	}
	for _, s := range []int64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000} {
		cands = append(cands, s*fps)
	}
	major = rt.Time(cands[len(cands)-1])
	for _, c := range cands {
		if float64(c)*ppf >= majorGap {
			major = rt.Time(c)
			break
		}
	}
	minor = major
	for _, n := range []int64{10, 6, 5, 4, 3, 2} {
		if int64(major)%n == 0 && float64(int64(major)/n)*ppf >= minorGap {
			minor = major / rt.Time(n)
			break
		}
	}
	return major, minor
}

// Timecode labels frame t as HH:MM:SS:FF (rt.FormatTimecode; drop-frame HH:MM:SS;FF at
// 29.97 and 59.94). Frames timecode cannot label (negative, a day or more) are written
// with the same fields counted at the nominal rate.
func Timecode(t rt.Time, r rt.Rate) string {
	if s, err := rt.FormatTimecode(t, r, r.DropFrameAllowed()); err == nil {
		return s
	}
	fps := nominalFPS(r)
	sign := ""
	v := int64(t)
	if v < 0 {
		sign, v = "-", -v
	}
	ff := v % fps
	s := v / fps
	return fmt.Sprintf("%s%02d:%02d:%02d:%02d", sign, s/3600, s/60%60, s%60, ff)
}

// signedTC is a drag delta: "+00:00:01:05" (frames below one second read "+5f").
func signedTC(d rt.Time, r rt.Rate) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	if int64(d) < nominalFPS(r) {
		return fmt.Sprintf("%s%df", sign, d)
	}
	return sign + Timecode(d, r)
}
