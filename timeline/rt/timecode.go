package rt

import (
	"fmt"
	"strconv"
	"strings"
)

// Timecodes count frames at the nominal (whole) rate: 24 for 23.976, 30 for 29.97, 60 for
// 59.94. Drop-frame timecode (29.97 and 59.94 only) skips frame labels 0 and 1 (0..3 at
// 59.94) at the start of every minute except each tenth minute, so the label tracks wall
// clock time; it is written with ';' before the frames. Timecodes cover one day: frame counts
// of 24 hours and more are refused rather than wrapped, so no two frames share a label.

// Nominal is the timecode base of a rate: the rate rounded to a whole number of frames.
func (r Rate) Nominal() int64 {
	if r.Den <= 0 {
		return 0
	}
	return (r.Num + r.Den/2) / r.Den
}

// DropFrameAllowed reports whether drop-frame timecode exists at this rate (30000/1001 and
// 60000/1001).
func (r Rate) DropFrameAllowed() bool {
	r = r.Reduced()
	return r == Rate2997 || r == Rate5994
}

// dropPerMinute is how many labels drop-frame skips each minute: 2 at 29.97, 4 at 59.94.
func (r Rate) dropPerMinute() int64 { return r.Nominal() / 15 }

// FramesPerDay is how many frames one day of timecode holds at r.
func (r Rate) FramesPerDay(drop bool) int64 {
	n := r.Nominal()
	if !drop {
		return 24 * 3600 * n
	}
	d := r.dropPerMinute()
	return 24 * 6 * (600*n - 9*d)
}

func checkTimecodeRate(r Rate, drop bool) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Nominal() <= 0 {
		return fmt.Errorf("frame rate %s is below 1 fps: no timecode", r)
	}
	if drop && !r.DropFrameAllowed() {
		return fmt.Errorf("drop-frame timecode exists only at 29.97 and 59.94 fps, not %s", r)
	}
	return nil
}

// FormatTimecode writes frame t at rate r as HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame.
// Negative times and times of a day or more are errors.
func FormatTimecode(t Time, r Rate, drop bool) (string, error) {
	if err := checkTimecodeRate(r, drop); err != nil {
		return "", err
	}
	f := int64(t)
	if f < 0 || f >= r.FramesPerDay(drop) {
		return "", fmt.Errorf("frame %d at %s fps is outside one day of timecode", f, r)
	}
	n := r.Nominal()
	sep := byte(':')
	if drop {
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
	var b [16]byte
	out := append(b[:0], two(s/3600)...)
	out = append(out, ':')
	out = append(out, two(s/60%60)...)
	out = append(out, ':')
	out = append(out, two(s%60)...)
	out = append(out, sep)
	if n > 100 {
		out = strconv.AppendInt(out, ff, 10)
	} else {
		out = append(out, two(ff)...)
	}
	return string(out), nil
}

func two(v int64) []byte { return []byte{byte('0' + v/10), byte('0' + v%10)} }

// ParseTimecode reads HH:MM:SS:FF (non-drop) or HH:MM:SS;FF, HH;MM;SS;FF, HH:MM:SS.FF
// (drop-frame) at rate r and returns the frame it labels.
func ParseTimecode(s string, r Rate) (Time, error) {
	drop := strings.ContainsAny(s, ";.")
	if err := checkTimecodeRate(r, drop); err != nil {
		return 0, fmt.Errorf("timecode %q: %w", s, err)
	}
	parts := strings.FieldsFunc(s, func(c rune) bool { return c == ':' || c == ';' || c == '.' })
	if len(parts) != 4 || strings.Count(s, ":")+strings.Count(s, ";")+strings.Count(s, ".") != 3 {
		return 0, fmt.Errorf("timecode %q: want HH:MM:SS:FF", s)
	}
	var v [4]int64
	for i, p := range parts {
		if len(p) < 1 || len(p) > 3 {
			return 0, fmt.Errorf("timecode %q: field %q is not a 1-3 digit number", s, p)
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("timecode %q: field %q is not a number", s, p)
			}
		}
		v[i], _ = strconv.ParseInt(p, 10, 64)
	}
	hh, mm, ss, ff := v[0], v[1], v[2], v[3]
	n := r.Nominal()
	switch {
	case hh >= 24:
		return 0, fmt.Errorf("timecode %q: hours must be below 24", s)
	case mm >= 60 || ss >= 60:
		return 0, fmt.Errorf("timecode %q: minutes and seconds must be below 60", s)
	case ff >= n:
		return 0, fmt.Errorf("timecode %q: frame %d does not exist at %s fps (0..%d)", s, ff, r, n-1)
	}
	f := (hh*3600+mm*60+ss)*n + ff
	if drop {
		d := r.dropPerMinute()
		if ss == 0 && ff < d && mm%10 != 0 {
			return 0, fmt.Errorf("timecode %q: drop-frame skips frames 0..%d at the start of this minute", s, d-1)
		}
		minutes := hh*60 + mm
		f -= d * (minutes - minutes/10)
	}
	return Time(f), nil
}
