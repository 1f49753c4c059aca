package rt

import (
	"fmt"
	"strings"
)

// Timecodes count frames at the nominal (whole) rate: 24 for 23.976, 30 for 29.97, 60 for
// 59.94. Drop-frame timecode (29.97 and 59.94 only) skips frame labels 0 and 1 (0..3 at
// 59.94) at the start of every minute except each tenth minute, so the label tracks wall
// clock time; it is written with ';' before the frames. Timecodes cover one day: frame counts
// of 24 hours and more are refused rather than wrapped, so no two frames share a label.

// maxNominal keeps the frames field to three digits and every day count far from overflow.
const maxNominal = 999

// Nominal is the timecode base of a rate: the rate rounded to the nearest whole number of
// frames per second (halves round up). It is 0 for an invalid rate.
func (r Rate) Nominal() int64 {
	if r.Validate() != nil {
		return 0
	}
	q, rem := r.Num/r.Den, r.Num%r.Den
	if rem >= r.Den-rem { // rem/Den >= 1/2, written so it cannot overflow
		q++
	}
	return q
}

// DropFrameAllowed reports whether drop-frame timecode exists at this rate (30000/1001 and
// 60000/1001, however spelled).
func (r Rate) DropFrameAllowed() bool {
	return r.Validate() == nil && (r.Equal(Rate2997) || r.Equal(Rate5994))
}

// dropPerMinute is how many labels drop-frame skips each minute: 2 at 29.97, 4 at 59.94.
func (r Rate) dropPerMinute() int64 { return r.Nominal() / 15 }

// FramesPerDay is how many frames 24 hours of timecode label at r: the first frame that
// FormatTimecode refuses. drop counts only where DropFrameAllowed. It is 0 for a rate that has
// no timecode (invalid, below 1 fps once rounded, or above 999 fps).
func (r Rate) FramesPerDay(drop bool) int64 {
	n := r.Nominal()
	if n < 1 || n > maxNominal {
		return 0
	}
	if !drop || !r.DropFrameAllowed() {
		return 24 * 3600 * n
	}
	return 24 * 6 * (600*n - 9*r.dropPerMinute())
}

func checkTimecodeRate(r Rate, drop bool) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if n := r.Nominal(); n < 1 || n > maxNominal {
		return fmt.Errorf("frame rate %s has no timecode: it must round to 1..%d fps", r, maxNominal)
	}
	if drop && !r.DropFrameAllowed() {
		return fmt.Errorf("drop-frame timecode exists only at 29.97 and 59.94 fps, not %s", r)
	}
	return nil
}

// FormatTimecode writes frame t at rate r as HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame.
// Rates above 100 fps get a three-digit frames field. Drop-frame at a rate other than 29.97
// or 59.94, a negative time and a time of 24 hours or more (FramesPerDay) are errors: labels
// do not wrap.
func FormatTimecode(t Time, r Rate, drop bool) (string, error) {
	var buf [16]byte
	b, err := AppendTimecode(buf[:0], t, r, drop)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// AppendTimecode is FormatTimecode appending to dst, for callers that label every frame
// without allocating. On error dst is returned unchanged.
func AppendTimecode(dst []byte, t Time, r Rate, drop bool) ([]byte, error) {
	if err := checkTimecodeRate(r, drop); err != nil {
		return dst, err
	}
	f := int64(t)
	if f < 0 || f >= r.FramesPerDay(drop) {
		return dst, fmt.Errorf("frame %d at %s fps is outside the 24 hours timecode can label", f, r)
	}
	n := r.Nominal()
	sep := byte(':')
	if drop {
		// Turn the frame count into the label count by adding back the skipped labels:
		// 9 skips per full ten minutes, plus one per minute begun after the first of the ten.
		d := r.dropPerMinute()
		per10 := 600*n - 9*d
		perMin := 60*n - d
		tens, rem := f/per10, f%per10
		f += 9 * d * tens
		if rem > d {
			f += d * ((rem - d) / perMin)
		}
		sep = ';'
	}
	ff := f % n
	s := f / n
	dst = appendTwo(dst, s/3600)
	dst = append(dst, ':')
	dst = appendTwo(dst, s/60%60)
	dst = append(dst, ':')
	dst = appendTwo(dst, s%60)
	dst = append(dst, sep)
	if n > 100 {
		dst = append(dst, byte('0'+ff/100))
		ff %= 100
	}
	return appendTwo(dst, ff), nil
}

func appendTwo(b []byte, v int64) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

var fieldNames = [4]string{"hours", "minutes", "seconds", "frames"}

// ParseTimecode reads a timecode at rate r and returns the frame it labels. It accepts
// HH:MM:SS:FF (non-drop) and, as drop-frame, HH:MM:SS;FF, HH;MM;SS;FF and HH:MM:SS.FF; each
// field has 1 to 3 digits and surrounding spaces are ignored. It refuses other shapes, hours
// of 24 or more, minutes or seconds of 60 or more, frames at or above the nominal rate,
// drop-frame at a rate without it, and the labels drop-frame skips (00:01:00;00 at 29.97).
func ParseTimecode(s string, r Rate) (Time, error) {
	in := s
	s = strings.TrimSpace(s)
	var v [4]int64
	var seps [3]byte
	i := 0
	for field := range 4 {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 3 {
			v[field] = v[field]*10 + int64(s[i]-'0')
			i++
		}
		if i == start || (i < len(s) && s[i] >= '0' && s[i] <= '9') {
			return 0, fmt.Errorf("timecode %q: %s must be 1 to 3 digits (want HH:MM:SS:FF or HH:MM:SS;FF)", in, fieldNames[field])
		}
		if field == 3 {
			break
		}
		if i == len(s) || (s[i] != ':' && s[i] != ';' && s[i] != '.') {
			return 0, fmt.Errorf("timecode %q: want HH:MM:SS:FF or HH:MM:SS;FF", in)
		}
		seps[field] = s[i]
		i++
	}
	if i != len(s) {
		return 0, fmt.Errorf("timecode %q: unexpected %q after the frames", in, s[i:])
	}
	var drop bool
	switch string(seps[:]) {
	case ":::":
	case "::;", "::.", ";;;":
		drop = true
	default:
		return 0, fmt.Errorf("timecode %q: separators must be HH:MM:SS:FF, HH:MM:SS;FF, HH;MM;SS;FF or HH:MM:SS.FF", in)
	}
	if err := checkTimecodeRate(r, drop); err != nil {
		return 0, fmt.Errorf("timecode %q: %w", in, err)
	}
	hh, mm, ss, ff := v[0], v[1], v[2], v[3]
	n := r.Nominal()
	switch {
	case hh >= 24:
		return 0, fmt.Errorf("timecode %q: hours must be below 24", in)
	case mm >= 60:
		return 0, fmt.Errorf("timecode %q: minutes must be below 60", in)
	case ss >= 60:
		return 0, fmt.Errorf("timecode %q: seconds must be below 60", in)
	case ff >= n:
		return 0, fmt.Errorf("timecode %q: frame %d does not exist at %s fps (0..%d)", in, ff, r, n-1)
	}
	f := (hh*3600+mm*60+ss)*n + ff
	if drop {
		d := r.dropPerMinute()
		if ss == 0 && ff < d && mm%10 != 0 {
			return 0, fmt.Errorf("timecode %q: drop-frame skips frames 00..%02d at the start of this minute", in, d-1)
		}
		minutes := hh*60 + mm
		f -= d * (minutes - minutes/10)
	}
	return Time(f), nil
}
