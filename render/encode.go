package render

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/slate-nle/slate/timeline/rt"
)

// EncodeOptions describe an export file.
type EncodeOptions struct {
	// Path is the final file. For image-sequence presets it is a folder to create, holding
	// NAME.000000.EXT, NAME.000001.EXT, … where NAME is the folder's name without extension.
	Path          string
	Preset        Preset
	Width, Height int
	Rate          rt.Rate
	SampleRate    int // with Channels 0 (or a preset without sound): no sound
	Channels      int
	Timecode      string            // start timecode written into the file, e.g. "01:00:00:00"
	Metadata      map[string]string // container metadata (title, provenance, ...)
}

// MaxExportWidth and MaxExportHeight bound an export frame: 8K UHD.
const MaxExportWidth, MaxExportHeight = 7680, 4320

// Encoder feeds raw RGBA frames (on ffmpeg's stdin) and interleaved float32 sound (on a second
// pipe, file descriptor 3) to one ffmpeg process. The output is written under a temporary
// name beside the final one (.NAME.partial.EXT) and renamed into place by Close, so a failed
// or cancelled export never leaves a file under the final name. Write each frame's sound
// before the frame: WriteAudio only queues, so video and sound interleave without deadlock.
// The Encoder owns its ffmpeg: Close waits for it, Abort kills and reaps it. Use it from one
// goroutine.
type Encoder struct {
	ctx     context.Context
	opt     EncodeOptions
	tmp     string
	cmd     *exec.Cmd
	video   *os.File // write end of ffmpeg's stdin
	stderr  *stderrTail
	frame   []byte // packed or unpremultiplied copy of a frame, when one is needed
	frames  int
	samples int64

	audio     *os.File // write end of the sound pipe (nil without sound)
	audioMu   sync.Mutex
	audioCond *sync.Cond
	audioQ    [][]byte
	audioDone bool
	audioErr  error
	audioEnd  chan struct{}

	done bool
	err  error // the result of Close, or why the encoder stopped
}

// NewEncoder checks the options and starts ffmpeg. Cancelling ctx kills ffmpeg; the export
// then fails and leaves no file.
func NewEncoder(ctx context.Context, o EncodeOptions) (*Encoder, error) {
	p := o.Preset
	switch {
	case o.Path == "":
		return nil, errors.New("export: no output path")
	case p.Name == "":
		return nil, errors.New("export: no preset")
	case o.Width <= 0 || o.Height <= 0 || o.Width > MaxExportWidth || o.Height > MaxExportHeight:
		return nil, fmt.Errorf("export: size %dx%d is outside 1x1..%dx%d", o.Width, o.Height, MaxExportWidth, MaxExportHeight)
	case p.EvenSize && (o.Width%2 != 0 || o.Height%2 != 0):
		return nil, fmt.Errorf("export: %s needs an even width and height, not %dx%d", p.Name, o.Width, o.Height)
	case o.Width < p.MinWidth || o.Height < p.MinHeight:
		return nil, fmt.Errorf("export: %s needs at least %dx%d, not %dx%d", p.Name, p.MinWidth, p.MinHeight, o.Width, o.Height)
	case o.Channels < 0 || o.Channels > 8:
		return nil, fmt.Errorf("export: %d sound channels is outside 0..8", o.Channels)
	case o.Channels > 0 && (o.SampleRate < 1000 || o.SampleRate > 384000):
		return nil, fmt.Errorf("export: sample rate %d Hz is outside 1000..384000", o.SampleRate)
	}
	if err := o.Rate.Validate(); err != nil {
		return nil, fmt.Errorf("export: frame rate: %w", err)
	}
	if o.Timecode != "" {
		if _, err := rt.ParseTimecode(o.Timecode, o.Rate); err != nil {
			return nil, fmt.Errorf("export: start timecode: %w", err)
		}
	}
	dir := filepath.Dir(o.Path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("export: folder %s does not exist", dir)
	}
	if st, err := os.Stat(o.Path); err == nil && st.IsDir() {
		if !p.ImageSequence {
			return nil, fmt.Errorf("export: %s is a folder", o.Path)
		}
		if ents, _ := os.ReadDir(o.Path); len(ents) > 0 {
			return nil, fmt.Errorf("export: folder %s exists and is not empty", o.Path)
		}
	} else if err == nil && p.ImageSequence {
		return nil, fmt.Errorf("export: %s is a file, want a folder for the %s sequence", o.Path, p.Name)
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	sound := o.SampleRate > 0 && o.Channels > 0 && p.AudioArgs != nil
	e := &Encoder{ctx: ctx, opt: o, stderr: &stderrTail{}}
	base := filepath.Base(o.Path)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	var out string
	if p.ImageSequence {
		e.tmp = filepath.Join(dir, "."+base+".partial")
		_ = os.RemoveAll(e.tmp)
		if err := os.Mkdir(e.tmp, 0o755); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		out = filepath.Join(e.tmp, stem+".%06d."+p.Ext)
	} else {
		ext := filepath.Ext(base)
		if ext == "" {
			ext = "." + p.Ext
		}
		e.tmp = filepath.Join(dir, "."+stem+".partial"+ext)
		out = e.tmp
	}

	// Raw inputs need no probing; without these flags ffmpeg reads megabytes of one pipe
	// before it opens the other. With two inputs ffmpeg reads each on its own thread; the
	// picture queue stays short (a frame is 8 MB at 1080p, 132 MB at 8K), the sound queue
	// holds many small packets. An explicit queue size on a lone input costs a thread and
	// copies, so the picture gets one only next to sound.
	noProbe := []string{"-probesize", "32", "-analyzeduration", "0"}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	args = append(args, noProbe...)
	if sound {
		args = append(args, "-thread_queue_size", "4")
	}
	args = append(args, "-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", o.Width, o.Height),
		"-framerate", o.Rate.String(), "-i", "pipe:0")
	if sound {
		args = append(args, noProbe...)
		args = append(args, "-thread_queue_size", "64", "-f", "f32le", "-ar", strconv.Itoa(o.SampleRate), "-ac", strconv.Itoa(o.Channels), "-i", "pipe:3")
	}
	args = append(args, "-map", "0:v")
	if sound {
		args = append(args, "-map", "1:a")
	}
	args = append(args, p.VideoArgs...)
	if sound {
		args = append(args, p.AudioArgs...)
	}
	if p.ImageSequence {
		args = append(args, "-start_number", "0") // file n holds frame n
	}
	if o.Timecode != "" && !p.ImageSequence {
		args = append(args, "-timecode", o.Timecode)
	}
	keys := make([]string, 0, len(o.Metadata))
	for k := range o.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a stable command line
	for _, k := range keys {
		args = append(args, "-metadata", k+"="+o.Metadata[k])
	}
	args = append(args, out)

	e.cmd = exec.CommandContext(ctx, ffmpeg, args...)
	e.cmd.Stderr = e.stderr
	vr, vw, err := os.Pipe()
	if err != nil {
		e.cleanup()
		return nil, fmt.Errorf("export: %w", err)
	}
	e.cmd.Stdin, e.video = vr, vw
	var ar *os.File
	if sound {
		if ar, e.audio, err = os.Pipe(); err != nil {
			vr.Close()
			vw.Close()
			e.cleanup()
			return nil, fmt.Errorf("export: %w", err)
		}
		e.cmd.ExtraFiles = []*os.File{ar}
	}
	err = e.cmd.Start()
	vr.Close() // the child has its own copies now
	if ar != nil {
		ar.Close()
	}
	if err != nil {
		vw.Close()
		if e.audio != nil {
			e.audio.Close()
		}
		e.cleanup()
		return nil, fmt.Errorf("export: starting ffmpeg: %w", err)
	}
	if sound {
		e.audioCond = sync.NewCond(&e.audioMu)
		e.audioEnd = make(chan struct{})
		go e.pumpAudio()
	}
	return e, nil
}

// WriteFrame sends one premultiplied frame; it must be Width×Height. The image is not kept.
func (e *Encoder) WriteFrame(img *image.RGBA) error {
	if e.done {
		return e.stopped()
	}
	b := img.Bounds()
	w, h := e.opt.Width, e.opt.Height
	if b.Dx() != w || b.Dy() != h {
		return fmt.Errorf("export: frame is %dx%d, the file is %dx%d", b.Dx(), b.Dy(), w, h)
	}
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	packed := img.Stride == 4*w && len(pix) >= 4*w*h
	if !packed || e.opt.Preset.Alpha {
		if e.frame == nil {
			e.frame = make([]byte, 4*w*h)
		}
		for y := range h {
			copy(e.frame[y*4*w:(y+1)*4*w], img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		if e.opt.Preset.Alpha {
			// Files keep straight alpha; frames are premultiplied. Opaque codecs take the
			// premultiplied colour as is: the picture over black.
			unpremultiply(e.frame)
		}
		pix = e.frame
	}
	if _, err := e.video.Write(pix[:4*w*h]); err != nil {
		return e.fail(err)
	}
	e.frames++
	return nil
}

// WriteAudio queues interleaved samples (Channels per sample frame); it never blocks on
// ffmpeg. Without sound it does nothing.
func (e *Encoder) WriteAudio(samples []float32) error {
	if e.done {
		return e.stopped()
	}
	if e.audio == nil {
		return nil
	}
	if len(samples)%e.opt.Channels != 0 {
		return fmt.Errorf("export: %d samples is not a whole number of %d-channel frames", len(samples), e.opt.Channels)
	}
	b := make([]byte, 4*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(s))
	}
	e.audioMu.Lock()
	err := e.audioErr
	if err == nil {
		e.audioQ = append(e.audioQ, b)
		e.samples += int64(len(samples) / e.opt.Channels)
		e.audioCond.Signal()
	}
	e.audioMu.Unlock()
	if err != nil {
		return e.fail(err)
	}
	return nil
}

// pumpAudio writes queued sound to ffmpeg on its own goroutine, so a full sound pipe never
// stops the frames (ffmpeg reads the two inputs in turn).
func (e *Encoder) pumpAudio() {
	defer close(e.audioEnd)
	defer e.audio.Close()
	for {
		e.audioMu.Lock()
		for len(e.audioQ) == 0 && !e.audioDone {
			e.audioCond.Wait()
		}
		if len(e.audioQ) == 0 {
			e.audioMu.Unlock()
			return
		}
		b := e.audioQ[0]
		e.audioQ[0] = nil
		e.audioQ = e.audioQ[1:]
		e.audioMu.Unlock()
		if _, err := e.audio.Write(b); err != nil {
			e.audioMu.Lock()
			e.audioErr = err
			e.audioQ = nil
			e.audioMu.Unlock()
			return
		}
	}
}

// fail gives up the export after a pipe error and explains it with ffmpeg's own reason.
func (e *Encoder) fail(err error) error {
	e.Abort()
	switch msg := e.stderr.Last(); {
	case e.ctx.Err() != nil:
		e.err = fmt.Errorf("export %s: %w", e.opt.Path, e.ctx.Err())
	case msg != "":
		e.err = fmt.Errorf("export %s: ffmpeg: %s", e.opt.Path, msg)
	default:
		e.err = fmt.Errorf("export %s: %w", e.opt.Path, err)
	}
	return e.err
}

func (e *Encoder) stopped() error {
	if e.err != nil {
		return e.err
	}
	return fmt.Errorf("export %s: the encoder is closed", e.opt.Path)
}

// Frames is how many frames were written.
func (e *Encoder) Frames() int { return e.frames }

// Samples is how many sample frames of sound were written.
func (e *Encoder) Samples() int64 { return e.samples }

// Close finishes the file, waits for ffmpeg and renames the output into place. On failure
// nothing is left under the final name (nor the temporary one), and the error carries
// ffmpeg's last message. Calling it again returns the same result.
func (e *Encoder) Close() error {
	if e.done {
		return e.err
	}
	e.done = true
	e.video.Close()
	e.finishAudio(false)
	err := e.cmd.Wait()
	switch {
	case err != nil:
		e.cleanup()
		msg := e.stderr.Last()
		switch {
		case e.ctx.Err() != nil:
			e.err = fmt.Errorf("export %s: %w", e.opt.Path, e.ctx.Err())
		case msg != "":
			e.err = fmt.Errorf("export %s: ffmpeg: %s", e.opt.Path, msg)
		default:
			e.err = fmt.Errorf("export %s: ffmpeg: %w", e.opt.Path, err)
		}
	case e.frames == 0:
		e.cleanup()
		e.err = fmt.Errorf("export %s: no frames were written", e.opt.Path)
	default:
		if e.opt.Preset.ImageSequence {
			_ = os.Remove(e.opt.Path) // an empty folder may stand there
		}
		if err := os.Rename(e.tmp, e.opt.Path); err != nil {
			e.cleanup()
			e.err = fmt.Errorf("export %s: %w", e.opt.Path, err)
		}
	}
	return e.err
}

// finishAudio ends the sound pump: after the queue drains, or at once when discard is set.
func (e *Encoder) finishAudio(discard bool) {
	if e.audio == nil {
		return
	}
	e.audioMu.Lock()
	e.audioDone = true
	if discard {
		e.audioQ = nil
	}
	e.audioCond.Signal()
	e.audioMu.Unlock()
	<-e.audioEnd
}

// Abort kills ffmpeg, reaps it and removes the partial output. It does nothing after Close.
func (e *Encoder) Abort() {
	if e.done {
		return
	}
	e.done = true
	e.err = fmt.Errorf("export %s: aborted", e.opt.Path)
	_ = e.cmd.Process.Kill()
	e.video.Close()
	e.finishAudio(true) // the killed ffmpeg's pipe now fails any write still in progress
	_ = e.cmd.Wait()
	e.cleanup()
}

func (e *Encoder) cleanup() {
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}
