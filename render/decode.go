package render

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math/big"
	"os/exec"
	"strconv"
	"sync"

	"github.com/slate-nle/slate/timeline/rt"
)

// SourceOptions say how a VideoSource decodes.
type SourceOptions struct {
	Width, Height int     // output size; 0 means the file's displayed size
	Rate          rt.Rate // conform rate: frame n is what shows at n/Rate seconds into the file
	Still         bool    // one picture: decoded once, returned for every frame
	// InputRate is the rate of an image sequence (Path is then a pattern like "f.%04d.png",
	// starting at SequenceStart). Zero for ordinary files.
	InputRate     rt.Rate
	SequenceStart int
}

// VideoSource decodes one video file (or still, or image sequence) with one long-lived ffmpeg
// process writing raw RGBA frames on a pipe. Reading forward is sequential; a jump backward or
// more than two seconds ahead restarts ffmpeg with an input seek (ffmpeg lands on the keyframe
// before and decodes forward to the exact frame). Frames are conformed to the requested rate by
// ffmpeg's fps filter, which also conforms variable-frame-rate files. Rotation metadata is
// applied (ffmpeg autorotates). Safe for concurrent use; reads are serialized.
type VideoSource struct {
	path  string
	opt   SourceOptions
	w, h  int
	alpha bool

	mu     sync.Mutex
	life   context.Context
	cancel context.CancelFunc
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr *stderrTail
	next   rt.Time // the frame the pipe delivers next
	from   rt.Time // where the running ffmpeg started
	end    rt.Time // frames at or past end do not exist; -1 while unknown
	still  *image.RGBA
}

// seekMargin is how many frames before the target a restart begins, so the fps filter sees the
// same neighbourhood of source frames as a sequential read would.
const seekMargin = 4

// OpenVideo probes the file and prepares a decoder; ffmpeg starts at the first Frame call.
// The context bounds the source's whole life.
func OpenVideo(ctx context.Context, path string, opt SourceOptions) (*VideoSource, error) {
	if !opt.Still {
		if err := opt.Rate.Validate(); err != nil {
			return nil, fmt.Errorf("%s: conform rate: %w", path, err)
		}
	}
	if opt.Width < 0 || opt.Height < 0 || opt.Width > 16384 || opt.Height > 16384 {
		return nil, fmt.Errorf("%s: bad output size %dx%d", path, opt.Width, opt.Height)
	}
	p, err := probeVideo(ctx, path, sequenceArgs(opt))
	if err != nil {
		return nil, err
	}
	v := &VideoSource{path: path, opt: opt, w: opt.Width, h: opt.Height, alpha: p.Alpha, end: -1}
	if v.w == 0 || v.h == 0 {
		v.w, v.h = p.Width, p.Height
	}
	v.life, v.cancel = context.WithCancel(ctx)
	return v, nil
}

// Size is the size of the frames the source returns.
func (v *VideoSource) Size() (w, h int) { return v.w, v.h }

func sequenceArgs(opt SourceOptions) []string {
	if opt.InputRate.Num == 0 {
		return nil
	}
	return []string{"-framerate", opt.InputRate.String(), "-start_number", strconv.Itoa(opt.SequenceStart)}
}

// Frame returns frame n at the conform rate. The image is shared: callers must not change it.
// Past the end it returns ErrSourceEnd.
func (v *VideoSource) Frame(ctx context.Context, n rt.Time) (*image.RGBA, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.opt.Still {
		return v.decodeStill(ctx)
	}
	if n < 0 || (v.end >= 0 && n >= v.end) {
		return nil, ErrSourceEnd
	}
	far := rt.Time(2*v.opt.Rate.Nominal() + seekMargin)
	if v.cmd == nil || n < v.next || n-v.next > far {
		if err := v.start(max(0, n-seekMargin)); err != nil {
			return nil, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := v.read()
		if err != nil {
			return nil, err
		}
		if v.next-1 == n {
			return img, nil
		}
	}
}

// read takes the next frame off the pipe.
func (v *VideoSource) read() (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, v.w, v.h))
	if _, err := io.ReadFull(v.out, img.Pix); err != nil {
		v.stop()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// Nothing at all from a fresh start with a message is a failure, not the end.
			if msg := v.stderr.Last(); msg != "" && v.next == v.from {
				return nil, fmt.Errorf("%s: %s", v.path, msg)
			}
			v.end = v.next
			return nil, ErrSourceEnd
		}
		return nil, fmt.Errorf("%s: reading frames: %w", v.path, err)
	}
	if v.alpha {
		premultiply(img.Pix)
	}
	v.next++
	return img, nil
}

// start (re)starts ffmpeg so that the pipe delivers frame from first.
func (v *VideoSource) start(from rt.Time) error {
	v.stop()
	ffmpeg, err := FFmpeg()
	if err != nil {
		return err
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error"}
	if from > 0 {
		args = append(args, "-ss", seconds(from, v.opt.Rate))
	}
	args = append(args, sequenceArgs(v.opt)...)
	args = append(args, "-i", v.path, "-an", "-sn", "-dn",
		"-vf", fmt.Sprintf("fps=fps=%s:start_time=0:round=near,scale=%d:%d:flags=bicubic", v.opt.Rate, v.w, v.h),
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	cmd := exec.CommandContext(v.life, ffmpeg, args...)
	v.stderr = &stderrTail{}
	cmd.Stderr = v.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: starting ffmpeg: %w", v.path, err)
	}
	v.cmd, v.out, v.next, v.from = cmd, bufio.NewReaderSize(out, 1<<20), from, from
	return nil
}

// stop ends the running ffmpeg, if any, and reaps it.
func (v *VideoSource) stop() {
	if v.cmd == nil {
		return
	}
	_ = v.cmd.Process.Kill()
	_ = v.cmd.Wait()
	v.cmd, v.out = nil, nil
}

func (v *VideoSource) decodeStill(ctx context.Context) (*image.RGBA, error) {
	if v.still != nil {
		return v.still, nil
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error"}
	args = append(args, sequenceArgs(v.opt)...)
	args = append(args, "-i", v.path, "-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d:flags=bicubic", v.w, v.h),
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	tail := &stderrTail{}
	cmd.Stderr = tail
	out, err := cmd.Output()
	if err != nil || len(out) != 4*v.w*v.h {
		msg := tail.Last()
		if msg == "" {
			msg = fmt.Sprintf("decoded %d bytes, want %d", len(out), 4*v.w*v.h)
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

// Close stops ffmpeg and waits for it. The source cannot be used afterwards.
func (v *VideoSource) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.stop()
	v.cancel()
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

// premultiply converts straight-alpha RGBA bytes to premultiplied in place.
func premultiply(p []byte) {
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		if a == 255 {
			continue
		}
		p[i] = byte((uint32(p[i])*a + 127) / 255)
		p[i+1] = byte((uint32(p[i+1])*a + 127) / 255)
		p[i+2] = byte((uint32(p[i+2])*a + 127) / 255)
	}
}
