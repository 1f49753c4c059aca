package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// ExportOptions say what Export writes.
type ExportOptions struct {
	Path   string
	Preset string   // an encoder preset name (see Presets); "" means "h264"
	Range  rt.Range // timeline frames to write; empty means the whole main sequence
	// Width and Height are the output size (0: the timeline's size times Scale). When their
	// aspect differs from the timeline's, the picture is fitted and centred (letterbox).
	Width, Height int
	Scale         float64 // output size as a fraction of the timeline's, when Width/Height are 0
	// Progress, when set, is called after each frame written with the frames done, the
	// total, and the average speed so far in frames per second.
	Progress func(done, total int, fps float64)
	// AllowOffline renders missing media as the offline slate (and silence) instead of
	// refusing to start.
	AllowOffline bool
	Workers      int               // frames composited at once; 0 means GOMAXPROCS
	Metadata     map[string]string // container metadata (title, comment, ...)
	// OpenVideo and OpenAudio replace the ffmpeg decoders (tests).
	OpenVideo SourceOpener
	OpenAudio AudioOpener
}

// OfflineError lists the clips whose media is missing when an export starts.
type OfflineError struct {
	Clips []OfflineClip
}

// OfflineClip is one clip whose media is offline.
type OfflineClip struct {
	Clip  timeline.ID
	Name  string // the clip's name, if it has one
	Media string // the media's name or path
}

func (e *OfflineError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "export: %d clip(s) use offline media: ", len(e.Clips))
	for i, c := range e.Clips {
		if i == 5 {
			fmt.Fprintf(&b, ", and %d more", len(e.Clips)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if c.Name != "" {
			fmt.Fprintf(&b, "clip %d (%q) uses %s", c.Clip, c.Name, c.Media)
		} else {
			fmt.Fprintf(&b, "clip %d uses %s", c.Clip, c.Media)
		}
	}
	b.WriteString(" (relink the media, or allow offline media to render the slate)")
	return b.String()
}

// encoder is what Export writes to; the ffmpeg Encoder implements it.
type encoder interface {
	WriteFrame(*image.RGBA) error
	WriteAudio([]float32) error
	Close() error // finish and move the file into place
	Abort()       // stop and remove everything written
}

// encoderSpec is what Export asks of an encoder.
type encoderSpec struct {
	Path          string
	Preset        Preset
	Width, Height int
	Rate          rt.Rate
	SampleRate    int
	Timecode      string
	Metadata      map[string]string
}

// Export renders a range of tl's main sequence through the encoder preset into opt.Path.
// Frames are composited ahead in parallel (a bounded number in flight) and written in order,
// each followed by its audio. Nothing appears under opt.Path unless the export completes: a
// failure or a cancelled context stops cleanly and removes the partial output.
func Export(ctx context.Context, tl *timeline.Timeline, res MediaResolver, opt ExportOptions) error {
	if opt.Path == "" {
		return errors.New("export: no output path")
	}
	if opt.Preset == "" {
		opt.Preset = "h264"
	}
	if tl == nil {
		return errors.New("export: no timeline")
	}
	if err := tl.Settings.Validate(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	rng := opt.Range
	if rng.Empty() {
		rng = rt.Range{Start: 0, Dur: tl.Duration()}
	}
	if rng.Empty() || rng.Start < 0 {
		return fmt.Errorf("export: nothing to render in %v (the timeline is %d frames long)", rng, tl.Duration())
	}
	preset, err := LookupPreset(opt.Preset)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	w, h, scale, err := exportSize(tl, opt)
	if err != nil {
		return err
	}
	if !opt.AllowOffline {
		if err := checkOnline(tl, res, rng); err != nil {
			return err
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r, err := NewRenderer(tl, res, RendererOptions{Scale: scale, Workers: workers, OpenVideo: opt.OpenVideo, OpenAudio: opt.OpenAudio})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer r.Close()

	tc, err := rt.FormatTimecode(rng.Start, tl.Rate, false)
	if err != nil {
		tc = "" // a range start beyond a day has no timecode
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	enc, err := newEncoder(ctx, encoderSpec{
		Path: opt.Path, Preset: preset, Width: w, Height: h, Rate: tl.Rate,
		SampleRate: tl.SampleRate, Timecode: tc, Metadata: opt.Metadata,
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := runExport(ctx, r, enc, tl, rng, w, h, workers, preset.AudioArgs != nil, opt.Progress); err != nil {
		enc.Abort()
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return fmt.Errorf("export cancelled: %w", err)
		}
		return fmt.Errorf("export: %w", err)
	}
	if err := enc.Close(); err != nil {
		enc.Abort()
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportSize works out the output size and the render scale.
func exportSize(tl *timeline.Timeline, opt ExportOptions) (w, h int, scale float64, err error) {
	w, h = opt.Width, opt.Height
	if (w == 0) != (h == 0) || w < 0 || h < 0 {
		return 0, 0, 0, fmt.Errorf("export: invalid size %dx%d: give both width and height", w, h)
	}
	if w == 0 {
		s := opt.Scale
		if s == 0 {
			s = 1
		}
		if !(s > 0 && s <= maxScale) {
			return 0, 0, 0, fmt.Errorf("export: invalid scale %g: want 0 < scale <= %d", s, maxScale)
		}
		w, h = outputSize(tl.Width, tl.Height, s)
	}
	if w > maxSide || h > maxSide {
		return 0, 0, 0, fmt.Errorf("export: size %dx%d is larger than %dx%d", w, h, maxSide, maxSide)
	}
	scale = min(float64(w)/float64(tl.Width), float64(h)/float64(tl.Height))
	return w, h, scale, nil
}

const (
	maxScale = 8
	maxSide  = 16384
)

// checkOnline finds the clips in rng (nested sequences included) whose media is offline or
// whose file is gone.
func checkOnline(tl *timeline.Timeline, res MediaResolver, rng rt.Range) error {
	var bad []OfflineClip
	seen := map[timeline.ID]bool{}
	var walk func(seq *timeline.Sequence, rng rt.Range, depth int)
	walk = func(seq *timeline.Sequence, rng rt.Range, depth int) {
		if depth >= maxDepth {
			return
		}
		for _, t := range seq.Tracks {
			// Transitions reach a little past clip edges; a clip just outside rng may show.
			for _, c := range t.ClipsIn(rt.Range{Start: rng.Start - 1, Dur: rng.Dur + 2}) {
				if !c.Enabled || seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				if c.Source.Sequence != 0 {
					if s, err := tl.SequenceByID(c.Source.Sequence); err == nil {
						a, b := c.SourceSpan()
						walk(s, rt.Range{Start: a, Dur: b - a + 1}, depth+1)
					}
					continue
				}
				m, err := res.Media(c.Source.Media)
				switch {
				case err != nil:
					bad = append(bad, OfflineClip{c.ID, c.Name, fmt.Sprintf("media %d (%v)", c.Source.Media, err)})
				case m.Offline:
					bad = append(bad, OfflineClip{c.ID, c.Name, describe(m) + ", which is offline"})
				case m.Kind != "sequence" && m.Path != "" && !strings.HasPrefix(m.Path, "synth:"):
					if _, err := os.Stat(m.Path); err != nil {
						bad = append(bad, OfflineClip{c.ID, c.Name, describe(m) + ", which cannot be read"})
					}
				}
			}
		}
	}
	walk(&tl.Sequence, rng, 0)
	if len(bad) > 0 {
		return &OfflineError{Clips: bad}
	}
	return nil
}

func describe(m Media) string {
	if m.Name != "" && m.Name != m.Path {
		return fmt.Sprintf("%q (%s)", m.Name, m.Path)
	}
	return m.Path
}

// job is one frame on its way through the export pipeline.
type job struct {
	i   int // position in the range
	p   *plan
	img *image.RGBA
	err error
}

// runExport is the pipeline: one goroutine pulls sources in frame order (decoders read
// sequentially) and hands plans to compositing goroutines; this one writes the finished
// frames in order, each with its audio. At most inFlight frames exist at once.
func runExport(ctx context.Context, r *Renderer, enc encoder, tl *timeline.Timeline, rng rt.Range, w, h, workers int, sound bool, progress func(int, int, float64)) error {
	total := int(rng.Dur)
	var wg sync.WaitGroup
	defer wg.Wait() // runs last: after cancel has released every goroutine
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inFlight := workers + 2
	tokens := make(chan struct{}, inFlight)
	plans := make(chan job, inFlight)
	done := make(chan job, inFlight)

	wg.Add(1)
	go func() { // sources, in order
		defer wg.Done()
		defer close(plans)
		for i := 0; i < total; i++ {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			p, err := r.planFrame(ctx, rng.Start+rt.Time(i))
			select {
			case plans <- job{i: i, p: p, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var cw sync.WaitGroup
	for k := 0; k < workers; k++ {
		cw.Add(1)
		wg.Add(1)
		go func() { // compositing; each frame also splits its rows across cores
			defer wg.Done()
			defer cw.Done()
			for j := range plans {
				if j.err == nil {
					j.img = GetFrame(r.w, r.h) // every pixel is overwritten
					j.err = r.draw(j.img, j.p)
					j.p = nil
				}
				select {
				case done <- j:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { cw.Wait(); close(done) }()

	pending := map[int]job{}
	sr := int64(tl.SampleRate)
	var audio []float32
	var padded *image.RGBA
	start := time.Now()
	for next := 0; next < total; {
		j, ok := pending[next]
		if !ok {
			select {
			case j, ok = <-done:
				if !ok {
					if err := ctx.Err(); err != nil {
						return err
					}
					return errors.New("render pipeline stopped early")
				}
			case <-ctx.Done():
				return ctx.Err()
			}
			if j.err != nil {
				return j.err
			}
			if j.i != next {
				pending[j.i] = j
				continue
			}
		} else {
			delete(pending, next)
		}
		f := rng.Start + rt.Time(next)
		if sound { // this frame's sound, written before it: samples [SamplesAt(f), SamplesAt(f+1))
			s0, s1 := samplesAt(f, tl.Rate, sr), samplesAt(f+1, tl.Rate, sr)
			n := int(s1-s0) * MixChannels
			if cap(audio) < n {
				audio = make([]float32, n)
			}
			audio = audio[:n]
			if err := r.Audio(ctx, s0, audio); err != nil {
				return fmt.Errorf("frame %d: %w", f, err)
			}
			if err := enc.WriteAudio(audio); err != nil {
				return fmt.Errorf("frame %d audio: %w", f, err)
			}
		}
		out := j.img
		if r.w != w || r.h != h {
			if padded == nil {
				padded = image.NewRGBA(image.Rect(0, 0, w, h))
			}
			letterbox(padded, j.img)
			out = padded
		}
		if err := enc.WriteFrame(out); err != nil {
			return fmt.Errorf("frame %d: %w", f, err)
		}
		PutFrame(j.img)
		<-tokens
		next++
		if progress != nil {
			el := time.Since(start).Seconds()
			fps := 0.0
			if el > 0 {
				fps = float64(next) / el
			}
			progress(next, total, fps)
		}
	}
	return nil
}

// letterbox draws src centred on dst over transparent black.
func letterbox(dst, src *image.RGBA) {
	clear(dst.Pix)
	ox := (dst.Rect.Dx() - src.Rect.Dx()) / 2
	oy := (dst.Rect.Dy() - src.Rect.Dy()) / 2
	w := min(src.Rect.Dx(), dst.Rect.Dx()-ox)
	for y := 0; y < src.Rect.Dy() && y+oy < dst.Rect.Dy(); y++ {
		if y+oy < 0 {
			continue
		}
		d := dst.Pix[(y+oy)*dst.Stride+4*max(ox, 0):]
		s := src.Pix[y*src.Stride+4*max(-ox, 0):]
		copy(d[:4*(w-max(-ox, 0))], s)
	}
}

// newEncoder opens the ffmpeg encoder for an export.
func newEncoder(ctx context.Context, s encoderSpec) (encoder, error) {
	return NewEncoder(ctx, EncodeOptions{
		Path: s.Path, Preset: s.Preset, Width: s.Width, Height: s.Height, Rate: s.Rate,
		SampleRate: s.SampleRate, Channels: MixChannels, Timecode: s.Timecode, Metadata: s.Metadata,
	})
}
