package assets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline/rt"
)

// numbered splits "shot.0012.png" into "shot.", "0012", ".png": the last run of digits
// before the extension.
var numbered = regexp.MustCompile(`^(.*?)(\d+)(\.[A-Za-z][A-Za-z0-9]*)?$`)

// DetectSequence recognises path as one frame of an image sequence: numbered siblings with the
// same name around the number. It returns the printf pattern ("dir/shot.%04d.png" when the
// numbers are zero-padded, "dir/shot.%d.png" when not), the first number and the length of the
// unbroken run of frames that contains path. ok is false when path has no number or no
// neighbour (one numbered file is a still).
func DetectSequence(path string) (pattern string, start, count int, ok bool) {
	dir, base := filepath.Split(path)
	m := numbered.FindStringSubmatch(base)
	if m == nil {
		return "", 0, 0, false
	}
	prefix, digits, ext := m[1], m[2], m[3]
	n, err := strconv.Atoi(digits)
	if err != nil {
		return "", 0, 0, false
	}
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return "", 0, 0, false
	}
	padded := len(digits) > 1 && digits[0] == '0'
	var sibs []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ext) || len(name) <= len(prefix)+len(ext) {
			continue
		}
		d := name[len(prefix) : len(name)-len(ext)]
		if !allDigits(d) {
			continue
		}
		sibs = append(sibs, d)
		if len(d) == len(digits) && len(d) > 1 && d[0] == '0' {
			padded = true // one zero-padded sibling of the same width means all are
		}
	}
	have := map[int]bool{}
	for _, d := range sibs {
		if padded && len(d) != len(digits) {
			continue
		}
		if !padded && len(d) > 1 && d[0] == '0' {
			continue
		}
		if v, err := strconv.Atoi(d); err == nil {
			have[v] = true
		}
	}
	lo, hi := n, n
	for have[lo-1] {
		lo--
	}
	for have[hi+1] {
		hi++
	}
	if hi == lo || !have[n] {
		return "", 0, 0, false
	}
	verb := "%d"
	if padded {
		verb = fmt.Sprintf("%%0%dd", len(digits))
	}
	esc := func(s string) string { return strings.ReplaceAll(s, "%", "%%") }
	return dir + esc(prefix) + verb + esc(ext), lo, hi - lo + 1, true
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// oneVerb matches a pattern with exactly one %d or %0Nd (and %% escapes).
var oneVerb = regexp.MustCompile(`^(?:[^%]|%%)*%(?:0\d+)?d(?:[^%]|%%)*$`)

// verbAt finds the frame-number verb of a pattern that oneVerb accepts, passing over %%.
func verbAt(s string) (int, int) {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return i, j + 1
	}
	return 0, 0
}

// SequenceFrame is the file name of frame n of a pattern.
func SequenceFrame(pattern string, n int) string { return fmt.Sprintf(pattern, n) }

// countFrames counts the frames from start until the first missing number, and their bytes.
func countFrames(pattern string, start int) (count int, size int64) {
	for {
		st, err := os.Stat(SequenceFrame(pattern, start+count))
		if err != nil || !st.Mode().IsRegular() {
			return count, size
		}
		size += st.Size()
		count++
	}
}

// ProbeSequence reads an image sequence: the frames of pattern from start on, until the first
// missing number, played at rate. Its Info has Kind Sequence, Path the pattern, Duration the
// frame count at rate.
func ProbeSequence(ctx context.Context, pattern string, start int, rate rt.Rate) (*Info, error) {
	if !oneVerb.MatchString(pattern) {
		return nil, fileErr(pattern, []error{ErrBadMedia}, "not an image-sequence pattern: want one %%d or %%0Nd, e.g. shot.%%04d.png")
	}
	if err := rate.Validate(); err != nil {
		return nil, fileErr(pattern, []error{ErrBadMedia}, "%v", err)
	}
	first := SequenceFrame(pattern, start)
	if _, err := checkFile(first); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fileErr(pattern, []error{ErrOffline, fs.ErrNotExist}, "no frame %d (%s) (media offline)", start, filepath.Base(first))
		}
		return nil, err
	}
	count, size := countFrames(pattern, start)
	raw, err := runProbe(ctx, pattern, "-f", "image2", "-start_number", strconv.Itoa(start), "-framerate", rate.String())
	if err != nil {
		return nil, err
	}
	in, err := fromProbe(pattern, raw)
	if err != nil {
		return nil, err
	}
	if !in.HasVideo {
		return nil, fileErr(pattern, []error{ErrBadMedia}, "frame %d has no picture", start)
	}
	in.Kind = Sequence
	in.Size = size
	in.Rate, in.AvgRate, in.VFR = rate.Reduced(), rt.Rate{}, false
	in.Duration, in.DurationRate = rt.Time(count), in.Rate
	in.Seconds = in.Rate.Seconds(in.Duration)
	in.SequenceStart, in.SequenceCount = start, count
	return in, nil
}

// FindSequenceStart finds where the frames of a pattern begin: the lowest number with a
// file, and the length of the unbroken run from it. No frame at all is ErrOffline.
func FindSequenceStart(pattern string) (start, count int, err error) {
	if !oneVerb.MatchString(filepath.Base(pattern)) {
		return 0, 0, fileErr(pattern, []error{ErrBadMedia}, "not an image-sequence pattern: want one %%d or %%0Nd, e.g. shot.%%04d.png")
	}
	dir := filepath.Dir(pattern)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, fileErr(pattern, []error{ErrOffline, fs.ErrNotExist}, "no such folder (media offline)")
		}
		return 0, 0, fileErr(pattern, []error{ErrBadMedia, err}, "%v", unwrapPath(err))
	}
	base := filepath.Base(pattern)
	vs, ve := verbAt(base)
	prefix := strings.ReplaceAll(base[:vs], "%%", "%")
	suffix := strings.ReplaceAll(base[ve:], "%%", "%")
	best := -1
	for _, e := range entries {
		name := e.Name()
		if len(name) <= len(prefix)+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		d := name[len(prefix) : len(name)-len(suffix)]
		n, err := strconv.Atoi(d)
		if !allDigits(d) || err != nil || filepath.Base(SequenceFrame(pattern, n)) != name {
			continue
		}
		if best < 0 || n < best {
			best = n
		}
	}
	if best < 0 {
		return 0, 0, fileErr(pattern, []error{ErrOffline, fs.ErrNotExist}, "no frames match (media offline)")
	}
	count, _ = countFrames(pattern, best)
	return best, count, nil
}
