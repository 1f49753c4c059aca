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
	"strconv"
	"strings"
	"sync"

	"github.com/slate-nle/slate/timeline/rt"
)

// EncodeOptions describe an export file.
type EncodeOptions struct {
	Path          string // the final file; for image-sequence presets, a directory to create
	Preset        Preset
	Width, Height int
	Rate          rt.Rate
	SampleRate    int // 0 or Channels 0: no sound
	Channels      int
	Timecode      string            // start timecode written into the file, e.g. "01:00:00:00"
	Metadata      map[string]string // container metadata (title, provenance, ...)
}

// MaxExportWidth and MaxExportHeight bound an export frame: 8K UHD.
const MaxExportWidth, MaxExportHeight = 7680, 4320

// Encoder feeds raw RGBA frames (stdin) and float32 sound (a second pipe) to one ffmpeg
// process. The output is written under a temporary name beside the final one and renamed
// into place by Close, so a failed or cancelled export never leaves a file under the final
// name. Write each frame's sound before the frame.
type Encoder struct {
	opt     EncodeOptions
	tmp     string
	cmd     *exec.Cmd
	video   *os.File // the write end of ffmpeg's stdin
	stderr  *stderrTail
	frame   []byte
	frames  int
	samples int64

	audio     *os.File // write end of the sound pipe (nil without sound)
	audioMu   sync.Mutex
	audioCond *sync.Cond
	audioQ    [][]byte
	audioDone bool
	audioErr  error
	audioEnd  chan struct{}

	closed bool
}

// NewEncoder checks the options and starts ffmpeg.
func NewEncoder(ctx context.Context, o EncodeOptions) (*Encoder, error) {
	p := o.Preset
	switch {
	case o.Path == "":
		return nil, errors.New("export: no output path")
	case o.Width <= 0 || o.Height <= 0 || o.Width > MaxExportWidth || o.Height > MaxExportHeight:
		return nil, fmt.Errorf("export: size %dx%d is outside 1x1..%dx%d", o.Width, o.Height, MaxExportWidth, MaxExportHeight)
	case p.EvenSize && (o.Width%2 != 0 || o.Height%2 != 0):
		return nil, fmt.Errorf("export: %s needs an even width and height, not %dx%d", p.Name, o.Width, o.Height)
	case p.Name == "":
		return nil, errors.New("export: no preset")
	case o.Width < p.MinWidth || o.Height < p.MinHeight:
		return nil, fmt.Errorf("export: %s needs at least %dx%d, not %dx%d", p.Name, p.MinWidth, p.MinHeight, o.Width, o.Height)
	}
	if err := o.Rate.Validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	sound := o.SampleRate > 0 && o.Channels > 0 && p.AudioArgs != nil
	dir := filepath.Dir(o.Path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("export: folder %s does not exist", dir)
	}
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	e := &Encoder{opt: o, frame: make([]byte, 4*o.Width*o.Height), stderr: &stderrTail{}}
	base := filepath.Base(o.Path)
	var out string
	if p.ImageSequence {
		if st, err := os.Stat(o.Path); err == nil && st.IsDir() {
			if ents, _ := os.ReadDir(o.Path); len(ents) > 0 {
				return nil, fmt.Errorf("export: folder %s exists and is not empty", o.Path)
			}
		}
		e.tmp = filepath.Join(dir, "."+base+".partial")
		_ = os.RemoveAll(e.tmp)
		if err := os.Mkdir(e.tmp, 0o755); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		out = filepath.Join(e.tmp, strings.TrimSuffix(base, filepath.Ext(base))+".%06d."+p.Ext)
	} else {
		ext := filepath.Ext(base)
		if ext == "" {
			ext = "." + p.Ext
		}
		e.tmp = filepath.Join(dir, "."+strings.TrimSuffix(base, filepath.Ext(base))+".partial"+ext)
		out = e.tmp
	}
	// Raw inputs need no probing; without these flags ffmpeg reads megabytes of one pipe
	// before opening the other, and a writer feeding both in turn would deadlock.
	noProbe := []string{"-probesize", "32", "-analyzeduration", "0", "-thread_queue_size", "64"}
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	args = append(args, noProbe...)
	args = append(args, "-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", o.Width, o.Height), "-framerate", o.Rate.String(), "-i", "pipe:0")
	var audioR *os.File
	if sound {
		r, w, err := os.Pipe()
		if err != nil {
			e.cleanup()
			return nil, err
		}
		audioR, e.audio = r, w
		args = append(args, noProbe...)
		args = append(args, "-f", "f32le", "-ar", strconv.Itoa(o.SampleRate), "-ac", strconv.Itoa(o.Channels), "-i", "pipe:3")
	}
	args = append(args, "-map", "0:v")
	if sound {
		args = append(args, "-map", "1:a")
	}
	args = append(args, p.VideoArgs...)
	if sound {
		args = append(args, p.AudioArgs...)
	}
	if o.Timecode != "" && !p.ImageSequence {
		if _, err := rt.ParseTimecode(o.Timecode, o.Rate); err != nil {
			e.cleanup()
			return nil, fmt.Errorf("export: %w", err)
		}
		args = append(args, "-timecode", o.Timecode)
	}
	for k, v := range o.Metadata {
		args = append(args, "-metadata", k+"="+v)
	}
	args = append(args, out)
	e.cmd = exec.CommandContext(ctx, ffmpeg, args...)
	e.cmd.Stderr = e.stderr
	stdin, err := e.cmd.StdinPipe()
	if err != nil {
		e.cleanup()
		return nil, err
	}
	e.video = stdin.(*os.File)
	if audioR != nil {
		e.cmd.ExtraFiles = []*os.File{audioR}
	}
	if err := e.cmd.Start(); err != nil {
		e.cleanup()
		return nil, fmt.Errorf("export: starting ffmpeg: %w", err)
	}
	if audioR != nil {
		audioR.Close()
		e.audioCond = sync.NewCond(&e.audioMu)
		e.audioEnd = make(chan struct{})
		go e.pumpAudio()
	}
	return e, nil
}

// WriteFrame sends one frame; it must be Width×Height.
func (e *Encoder) WriteFrame(img *image.RGBA) error {
	b := img.Bounds()
	if b.Dx() != e.opt.Width || b.Dy() != e.opt.Height {
		return fmt.Errorf("export: frame is %dx%d, the file is %dx%d", b.Dx(), b.Dy(), e.opt.Width, e.opt.Height)
	}
	pix := img.Pix
	if img.Stride != 4*e.opt.Width || len(pix) != len(e.frame) {
		for y := 0; y < e.opt.Height; y++ {
			copy(e.frame[y*4*e.opt.Width:], img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*e.opt.Width])
		}
		pix = e.frame
	}
	if e.opt.Preset.Alpha {
		// Files store straight alpha; frames are premultiplied.
		if &pix[0] != &e.frame[0] {
			copy(e.frame, pix)
			pix = e.frame
		}
		unpremultiply(pix)
	}
	if _, err := e.video.Write(pix); err != nil {
		return e.fail(err)
	}
	e.frames++
	return nil
}

// WriteAudio queues interleaved samples; it never blocks on ffmpeg.
func (e *Encoder) WriteAudio(samples []float32) error {
	if e.audio == nil {
		return nil
	}
	b := make([]byte, 4*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(s))
	}
	e.audioMu.Lock()
	defer e.audioMu.Unlock()
	if e.audioErr != nil {
		return e.fail(e.audioErr)
	}
	e.audioQ = append(e.audioQ, b)
	e.samples += int64(len(samples) / e.opt.Channels)
	e.audioCond.Signal()
	return nil
}

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

// fail turns a pipe error into ffmpeg's own reason and gives up the export.
func (e *Encoder) fail(err error) error {
	e.Abort()
	if msg := e.stderr.Last(); msg != "" {
		return fmt.Errorf("export %s: ffmpeg: %s", e.opt.Path, msg)
	}
	return fmt.Errorf("export %s: %w", e.opt.Path, err)
}

// Frames is how many frames were written.
func (e *Encoder) Frames() int { return e.frames }

// Close finishes the file and renames it into place.
func (e *Encoder) Close() error {
	if e.closed {
		return nil
	}
	e.video.Close()
	if e.audio != nil {
		e.audioMu.Lock()
		e.audioDone = true
		e.audioCond.Signal()
		e.audioMu.Unlock()
		<-e.audioEnd
	}
	err := e.cmd.Wait()
	e.closed = true
	if err != nil {
		msg := e.stderr.Last()
		e.cleanup()
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("export %s: ffmpeg: %s", e.opt.Path, msg)
	}
	if e.frames == 0 {
		e.cleanup()
		return fmt.Errorf("export %s: no frames were written", e.opt.Path)
	}
	if e.opt.Preset.ImageSequence {
		_ = os.Remove(e.opt.Path) // an empty folder may stand there
	}
	if err := os.Rename(e.tmp, e.opt.Path); err != nil {
		e.cleanup()
		return fmt.Errorf("export %s: %w", e.opt.Path, err)
	}
	return nil
}

// Abort stops ffmpeg and removes the partial output.
func (e *Encoder) Abort() {
	if e.closed {
		return
	}
	e.closed = true
	if e.cmd != nil && e.cmd.Process != nil {
		_ = e.cmd.Process.Kill()
	}
	e.video.Close()
	if e.audio != nil {
		e.audioMu.Lock()
		e.audioDone = true
		e.audioQ = nil
		e.audioCond.Signal()
		e.audioMu.Unlock()
		<-e.audioEnd
	}
	if e.cmd != nil {
		_ = e.cmd.Wait()
	}
	e.cleanup()
}

func (e *Encoder) cleanup() {
	if e.tmp != "" {
		_ = os.RemoveAll(e.tmp)
	}
}

// unpremultiply converts premultiplied RGBA bytes to straight alpha in place.
func unpremultiply(p []byte) {
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		switch a {
		case 255:
		case 0:
			p[i], p[i+1], p[i+2] = 0, 0, 0
		default:
			p[i] = byte(min(255, (uint32(p[i])*255+a/2)/a))
			p[i+1] = byte(min(255, (uint32(p[i+1])*255+a/2)/a))
			p[i+2] = byte(min(255, (uint32(p[i+2])*255+a/2)/a))
		}
	}
}
