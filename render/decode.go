package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"math/big"
	"os/exec"
	"strconv"
	"sync"

	"github.com/slate-nle/slate/assets"
	"github.com/slate-nle/slate/timeline/rt"
)

// SourceOptions say how a VideoSource decodes.
type SourceOptions struct {
	// Width and Height are the output size. Both 0: the file's displayed size (rotation
	// applied). One 0: derived from the other, keeping the displayed aspect.
	Width, Height int
	Rate          rt.Rate // conform rate: frame n is what shows at n/Rate seconds into the file
	Still         bool    // one picture: decoded once, returned for every frame
	// InputRate is the frame rate of an image sequence, whose path is then a printf pattern
	// such as "shot.%04d.png" numbered from SequenceStart. Zero for ordinary files.
	InputRate     rt.Rate
	SequenceStart int
}

// ErrSourceClosed is returned by a VideoSource or AudioDecoder used after Close.
var ErrSourceClosed = errors.New("source is closed")

// VideoSource decodes one video file (or still, or image sequence) with one long-lived ffmpeg
// process writing raw RGBA frames on a pipe. Reading forward is sequential: asking for n,
// n+1, n+2 … reads on, and a small jump ahead reads and discards. A jump backward or more
// than two seconds ahead restarts ffmpeg with an input seek a few frames before the target
// (ffmpeg lands on the keyframe before and decodes forward accurately), so the frame after a
// seek is the same, pixel for pixel, as the one a sequential read gives. Frames are conformed
// to the requested rate by ffmpeg's fps filter, which also conforms variable-frame-rate
// files, and rotation metadata is applied (ffmpeg autorotates; Size accounts for it).
//
// A VideoSource owns its ffmpeg: Close kills and reaps it, as does the end of the context
// given to OpenVideo. Safe for concurrent use; reads are serialized by one mutex.
type VideoSource struct {
	recent recentRing // the last frames decoded, for slightly out-of-order requests
	path   string
	opt    SourceOptions
	w, h   int
	alpha  bool
	life   context.Context

	mu      sync.Mutex
	cancel  context.CancelFunc
	closed  bool
	p       *proc   // the running ffmpeg, nil when none
	next    rt.Time // the frame the pipe delivers next
	from    rt.Time // where the running ffmpeg started
	end     rt.Time // frames at or past end do not exist; -1 while unknown
	scratch []byte  // frames read and discarded on the way to a target
	still   *image.RGBA
}

// seekMargin is how many frames before the target a restart begins, so the fps filter sees
// the same source frames around the target as a sequential read does (an input seek drops
// the source frame just before the seek point, which is the one on screen at that time).
const seekMargin = 4

// MaxSourceSize bounds a decoded frame's width and height.
const MaxSourceSize = 16384

// OpenVideo probes the file and prepares a decoder; ffmpeg starts at the first Frame call.
// The context bounds the source's whole life, not only the open.
func OpenVideo(ctx context.Context, path string, opt SourceOptions) (*VideoSource, error) {
	if !opt.Still {
		if err := opt.Rate.Validate(); err != nil {
			return nil, fmt.Errorf("%s: conform rate: %w", path, err)
		}
	}
	if opt.InputRate != (rt.Rate{}) {
		if err := opt.InputRate.Validate(); err != nil {
			return nil, fmt.Errorf("%s: image sequence rate: %w", path, err)
		}
	}
	if opt.Width < 0 || opt.Height < 0 || opt.Width > MaxSourceSize || opt.Height > MaxSourceSize {
		return nil, fmt.Errorf("%s: output size %dx%d is outside 0..%d", path, opt.Width, opt.Height, MaxSourceSize)
	}
	var p *assets.Info
	var err error
	if opt.InputRate.Num != 0 {
		p, err = assets.ProbeSequence(ctx, path, opt.SequenceStart, opt.InputRate)
	} else {
		p, err = assets.Probe(ctx, path)
	}
	if err != nil {
		return nil, err // it names the file; a missing one is also fs.ErrNotExist
	}
	if !p.HasVideo || p.Width <= 0 || p.Height <= 0 {
		return nil, fmt.Errorf("%s: no picture to decode (%s only): %w", path, p.Kind, assets.ErrNoVideo)
	}
	v := &VideoSource{path: path, opt: opt, w: opt.Width, h: opt.Height, alpha: p.HasAlpha, end: -1}
	switch {
	case v.w == 0 && v.h == 0:
		v.w, v.h = p.Width, p.Height
	case v.w == 0:
		v.w = max(1, int(math.Round(float64(v.h)*float64(p.Width)/float64(p.Height))))
	case v.h == 0:
		v.h = max(1, int(math.Round(float64(v.w)*float64(p.Height)/float64(p.Width))))
	}
	if v.w > MaxSourceSize || v.h > MaxSourceSize {
		return nil, fmt.Errorf("%s: frames of %dx%d are larger than %d", path, v.w, v.h, MaxSourceSize)
	}
	v.life, v.cancel = context.WithCancel(ctx)
	return v, nil
}

// Size is the size of the frames the source returns.
func (v *VideoSource) Size() (w, h int) { return v.w, v.h }

// HasAlpha says whether the file carries an alpha channel; frames of a source without one
// are opaque.
func (v *VideoSource) HasAlpha() bool { return v.alpha }

func sequenceArgs(opt SourceOptions) []string {
	if opt.InputRate.Num == 0 {
		return nil
	}
	return []string{"-f", "image2", "-framerate", opt.InputRate.String(), "-start_number", strconv.Itoa(opt.SequenceStart)}
}

// Frame returns frame n at the conform rate; past the end (or before the start) it returns
// an error wrapping ErrSourceEnd. The image is shared and read-only: callers must not change
// it. Its sole owner (a caller that neither cached it nor passed it on) may give it back with
// PutFrame.
func (v *VideoSource) Frame(ctx context.Context, n rt.Time) (*image.RGBA, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil, fmt.Errorf("%s: %w", v.path, ErrSourceClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if v.opt.Still {
		return v.decodeStill(ctx)
	}
	if n < 0 || (v.end >= 0 && n >= v.end) {
		return nil, v.endErr(n)
	}
	if img := v.recent.get(n); img != nil {
		return img, nil
	}
	far := rt.Time(2*v.opt.Rate.Nominal() + seekMargin)
	if v.p == nil || n < v.next || n-v.next > far {
		if err := v.start(max(0, n-seekMargin)); err != nil {
			return nil, err
		}
	}
	size := 4 * v.w * v.h
	for v.next < n {
		if n-v.next <= recentFrames {
			// Keep the few frames just before the target: parallel callers often ask for
			// f+1 before f, and serving f from here saves an ffmpeg restart.
			at := v.next
			img := GetFrame(v.w, v.h)
			if err := v.read(ctx, img.Pix); err != nil {
				PutFrame(img)
				return nil, v.readErr(ctx, n, err)
			}
			if v.alpha {
				premultiply(img.Pix)
			}
			v.recent.put(at, img)
			continue
		}
		if cap(v.scratch) < size {
			v.scratch = make([]byte, size)
		}
		if err := v.read(ctx, v.scratch[:size]); err != nil {
			return nil, v.readErr(ctx, n, err)
		}
	}
	img := GetFrame(v.w, v.h)
	if err := v.read(ctx, img.Pix); err != nil {
		PutFrame(img)
		return nil, v.readErr(ctx, n, err)
	}
	if v.alpha {
		premultiply(img.Pix)
	}
	v.recent.put(n, img)
	return img, nil
}

// recentFrames is how many of the last decoded frames a source keeps.
const recentFrames = 4

// recentRing holds the last decoded frames by number. They are shared read-only like every
// frame a source returns.
type recentRing struct {
	n    [recentFrames]rt.Time
	img  [recentFrames]*image.RGBA
	next int
}

func (r *recentRing) get(n rt.Time) *image.RGBA {
	for i, img := range r.img {
		if img != nil && r.n[i] == n {
			return img
		}
	}
	return nil
}

func (r *recentRing) put(n rt.Time, img *image.RGBA) {
	r.n[r.next], r.img[r.next] = n, img
	r.next = (r.next + 1) % recentFrames
}

func (v *VideoSource) endErr(n rt.Time) error {
	if n < 0 {
		return fmt.Errorf("%s: frame %d is before the start: %w", v.path, n, ErrSourceEnd)
	}
	return fmt.Errorf("%s: frame %d is past the last (%d): %w", v.path, n, v.end-1, ErrSourceEnd)
}

// read takes the next frame off the pipe into pix.
func (v *VideoSource) read(ctx context.Context, pix []byte) error {
	if _, err := v.p.readFull(ctx, pix); err != nil {
		return err
	}
	v.next++
	return nil
}

// readErr turns a failed read while looking for frame n into the reason: the caller's
// cancellation, the source being closed, ffmpeg's failure, or the end of the source.
func (v *VideoSource) readErr(ctx context.Context, n rt.Time, err error) error {
	p := v.p
	v.p = nil
	if ctx.Err() != nil || v.life.Err() != nil || !isEOF(err) {
		p.stop()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case v.life.Err() != nil:
			return fmt.Errorf("%s: %w", v.path, ErrSourceClosed)
		}
		return fmt.Errorf("%s: reading frames: %w", v.path, err)
	}
	if werr := p.wait(); werr != nil {
		return fmt.Errorf("%s: %w", v.path, werr)
	}
	// A clean exit: ffmpeg ran out of frames. Nothing at all from a fresh start with a
	// message on stderr is a failure, not the end.
	if msg := p.stderr.Last(); msg != "" && v.next == v.from {
		return fmt.Errorf("%s: %s", v.path, msg)
	}
	v.end = v.next
	return v.endErr(n)
}

// start (re)starts ffmpeg so that the pipe delivers frame from first.
func (v *VideoSource) start(from rt.Time) error {
	v.stop()
	args := baseArgs()
	if from > 0 {
		args = append(args, "-ss", seconds(from, v.opt.Rate))
	}
	args = append(args, sequenceArgs(v.opt)...)
	args = append(args, "-i", v.path, "-an", "-sn", "-dn",
		"-vf", fmt.Sprintf("fps=fps=%s:start_time=0:round=near,scale=%d:%d:flags=bicubic", v.opt.Rate, v.w, v.h),
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	p, err := startProc(v.life, args, 1<<20)
	if err != nil {
		if v.life.Err() != nil {
			return fmt.Errorf("%s: %w", v.path, ErrSourceClosed)
		}
		return fmt.Errorf("%s: %w", v.path, err)
	}
	v.p, v.next, v.from = p, from, from
	return nil
}

// stop ends the running ffmpeg, if any, and reaps it.
func (v *VideoSource) stop() {
	if v.p != nil {
		v.p.stop()
		v.p = nil
	}
}

func (v *VideoSource) decodeStill(ctx context.Context) (*image.RGBA, error) {
	if v.still != nil {
		return v.still, nil
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	args := baseArgs()
	args = append(args, sequenceArgs(v.opt)...)
	args = append(args, "-i", v.path, "-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d:flags=bicubic", v.w, v.h),
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	tail := &stderrTail{}
	cmd.Stderr = tail
	out, err := cmd.Output()
	if err != nil || len(out) != 4*v.w*v.h {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := tail.Last()
		if msg == "" {
			msg = fmt.Sprintf("decoded %d bytes of picture, want %d", len(out), 4*v.w*v.h)
		}
		return nil, fmt.Errorf("%s: %s", v.path, msg)
	}
	img := &image.RGBA{Pix: out, Stride: 4 * v.w, Rect: image.Rect(0, 0, v.w, v.h)}
	if v.alpha {
		premultiply(img.Pix)
	}
	v.still = img
	return img, nil
}

// Close stops ffmpeg and waits for it. Later calls to Frame return ErrSourceClosed.
func (v *VideoSource) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.stop()
	v.cancel()
	v.closed = true
	return nil
}

// seconds writes frame n at rate r as a decimal number of seconds, rounded down to the
// microsecond (ffmpeg's time unit), so an input seek never lands after the frame.
func seconds(n rt.Time, r rt.Rate) string {
	q := new(big.Int).Mul(big.NewInt(int64(n)), big.NewInt(r.Den*1_000_000))
	q.Quo(q, big.NewInt(r.Num))
	us := q.Int64()
	return fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
}
