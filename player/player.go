package player

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/audio"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/render/playback"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Options configure Run.
type Options struct {
	Project    string
	Scale      float64 // preview scale: 0.25, 0.5 (the default for 0) or 1
	NoAudio    bool
	Fullscreen bool
	// ProbeAudio checks the sound device (in a child process); nil means no device.
	ProbeAudio func(sampleRate int) error
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	PollEvery  time.Duration // project change poll; 0 means 50 ms
}

// ProbeInChild returns a ProbeAudio that runs exe with args plus the sample rate, and
// treats a zero exit as a working device.
func ProbeInChild(exe string, args ...string) func(int) error {
	return func(sr int) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, exe, append(args, fmt.Sprint(sr))...)
		out, err := cmd.Output() // ALSA's stderr noise is dropped
		if err != nil {
			if len(out) > 0 {
				return fmt.Errorf("%s", out)
			}
			return fmt.Errorf("no sound device (%v)", err)
		}
		return nil
	}
}

type game struct {
	eng     *playback.Engine
	lines   chan []byte
	reload  chan struct{}
	tex     *ebiten.Image
	shown   *image.RGBA
	ready   func()
	emitted bool
	scale   *float64
	rate    rt.Rate
}

// Run plays the project until quit.
func Run(ctx context.Context, opt Options) error {
	if opt.Scale == 0 {
		opt.Scale = 0.5
	}
	if opt.Scale != 0.25 && opt.Scale != 0.5 && opt.Scale != 1 {
		return fmt.Errorf("scale %g: want 0.25, 0.5 or 1", opt.Scale)
	}
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	if opt.Stdout == nil {
		opt.Stdout = os.Stdout
	}
	if opt.Stderr == nil {
		opt.Stderr = os.Stderr
	}
	if opt.PollEvery == 0 {
		opt.PollEvery = 50 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := playback.NewEventWriter(opt.Stdout)

	p, err := project.OpenReadOnly(opt.Project)
	if err != nil {
		return err
	}
	defer p.Close()
	set := mediaset.New(p)
	tl := p.Snapshot()
	cache := render.NewCache(0)
	newRenderer := func(tl *timeline.Timeline, scale float64) (*render.Renderer, error) {
		return render.NewRenderer(tl, set, render.RendererOptions{Scale: scale, Cache: cache})
	}
	r, err := newRenderer(tl, opt.Scale)
	if err != nil {
		return err
	}
	q := playback.NewQueue(r, 2, 8, tl.Duration())
	q.SetFramePeriod(time.Duration(float64(time.Second) * float64(tl.Rate.Den) / float64(tl.Rate.Num)))
	defer func() {
		q.Close()
		r.Close()
	}()
	sr := int64(tl.SampleRate)
	if sr <= 0 {
		sr = 48000
	}
	endSample := func() int64 {
		s, _ := rt.SamplesAt(tl.Duration(), tl.Rate, sr)
		return s
	}

	var clock playback.Clock
	useAudio := false
	if !opt.NoAudio {
		probe := opt.ProbeAudio
		if probe == nil {
			probe = func(int) error { return errors.New("no audio probe") }
		}
		if err := probe(int(sr)); err != nil {
			fmt.Fprintf(opt.Stderr, "slate-player: warning: no sound device, playing without sound on the wall clock: %v\n", err)
		} else {
			clock = newAudioClock(ctx, audio.NewContext(int(sr)), q, sr, endSample)
			useAudio = true
		}
	}

	scale := opt.Scale
	g := &game{lines: make(chan []byte, 64), reload: make(chan struct{}, 1), scale: &scale, rate: tl.Rate}
	g.eng = playback.NewEngine(playback.Options{
		Rate: tl.Rate, SampleRate: sr, Duration: tl.Duration(), Frames: q, Clock: clock, Emit: events.Emit,
		Reload: func() (rt.Time, error) {
			if err := p.Reload(); err != nil {
				return 0, err
			}
			set.Reload()
			next := p.Snapshot()
			err := q.Replace(next.Duration(), func(s playback.Source) (playback.Source, error) {
				return s, r.SetTimeline(next)
			})
			if err != nil {
				return 0, err
			}
			tl = next
			return tl.Duration(), nil
		},
		Scale: func(s float64) error {
			if s == scale {
				return nil
			}
			return q.Replace(tl.Duration(), func(playback.Source) (playback.Source, error) {
				nr, err := newRenderer(tl, s)
				if err != nil {
					return nil, err
				}
				r.Close()
				r, scale = nr, s
				return nr, nil
			})
		},
	})
	g.ready = func() {
		w, h := r.Size()
		events.Emit(playback.Event{Event: "ready", Width: w, Height: h, FPS: fmt.Sprintf("%d/%d", tl.Rate.Num, tl.Rate.Den),
			Frames: ptr(int64(tl.Duration())), Audio: ptr(useAudio)})
	}
	go playback.ReadCommands(ctx, opt.Stdin, g.lines)
	go playback.Watch(ctx, opt.PollEvery, p.Changed, func() {
		select {
		case g.reload <- struct{}{}:
		default:
		}
	}, func(err error) { events.Emit(playback.Event{Event: "error", Message: err.Error()}) })

	ww, wh := r.Size()
	for ww > 1280 || wh > 720 {
		ww, wh = ww/2, wh/2
	}
	ebiten.SetWindowSize(max(ww, 320), max(wh, 180))
	ebiten.SetWindowTitle("Slate player: " + opt.Project)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetFullscreen(opt.Fullscreen)
	go func() {
		<-ctx.Done()
		g.lines <- []byte(`{"cmd":"quit"}`)
	}()
	err = ebiten.RunGame(g)
	if errors.Is(err, ebiten.Termination) {
		err = nil
	}
	return err
}

func ptr[T any](v T) *T { return &v }

func (g *game) Update() error {
	if !g.emitted {
		g.emitted = true
		g.ready()
	}
	for {
		select {
		case line := <-g.lines:
			g.eng.HandleLine(line)
			continue
		case <-g.reload:
			g.eng.Handle(playback.Command{Cmd: "reload"})
			continue
		default:
		}
		break
	}
	g.keys()
	if g.eng.Quit() {
		return ebiten.Termination
	}
	if img := g.eng.Tick(); img != nil && img != g.shown {
		b := img.Bounds()
		if g.tex == nil || g.tex.Bounds().Size() != b.Size() {
			if g.tex != nil {
				g.tex.Deallocate()
			}
			g.tex = ebiten.NewImage(b.Dx(), b.Dy())
		}
		g.tex.WritePixels(img.Pix)
		g.shown = img
	}
	return nil
}

func (g *game) keys() {
	e := g.eng
	just := inpututil.IsKeyJustPressed
	switch {
	case just(ebiten.KeySpace):
		if e.Playing() {
			e.Pause()
		} else {
			e.Play()
		}
	case just(ebiten.KeyJ):
		e.Shuttle(-1)
	case just(ebiten.KeyK):
		e.Pause()
	case just(ebiten.KeyL):
		e.Shuttle(1)
	case just(ebiten.KeyArrowLeft):
		e.Step(-1)
	case just(ebiten.KeyArrowRight):
		e.Step(1)
	case just(ebiten.KeyHome):
		e.Handle(playback.Command{Cmd: "start"})
	case just(ebiten.KeyEnd):
		e.Handle(playback.Command{Cmd: "end"})
	case just(ebiten.KeyI):
		st := e.Status()
		out := st.Out
		if !st.Loop || out <= e.Position() {
			out = st.Duration
		}
		e.SetLoop(e.Position(), out)
	case just(ebiten.KeyO):
		st := e.Status()
		in := st.In
		if !st.Loop {
			in = 0
		}
		e.SetLoop(in, e.Position()+1)
	case just(ebiten.KeyBackslash):
		e.SetLoop(0, 0)
	case just(ebiten.KeyF):
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	case just(ebiten.KeyEscape):
		ebiten.SetFullscreen(false)
	case just(ebiten.KeyTab):
		e.ToggleOverlay()
	case just(ebiten.Key1):
		e.Handle(playback.Command{Cmd: "scale", Scale: ptr(0.25)})
	case just(ebiten.Key2):
		e.Handle(playback.Command{Cmd: "scale", Scale: ptr(0.5)})
	case just(ebiten.Key3):
		e.Handle(playback.Command{Cmd: "scale", Scale: ptr(1.0)})
	case just(ebiten.KeyQ):
		e.Handle(playback.Command{Cmd: "quit"})
	}
}

func (g *game) Draw(screen *ebiten.Image) {
	if g.tex != nil {
		sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
		tw, th := g.tex.Bounds().Dx(), g.tex.Bounds().Dy()
		k := min(float64(sw)/float64(tw), float64(sh)/float64(th))
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		op.GeoM.Scale(k, k)
		op.GeoM.Translate((float64(sw)-k*float64(tw))/2, (float64(sh)-k*float64(th))/2)
		screen.DrawImage(g.tex, op)
	}
	st := g.eng.Status()
	if st.Overlay {
		drop := g.rate.DropFrameAllowed()
		tc, _ := rt.FormatTimecode(st.Frame, g.rate, drop)
		loop := ""
		if st.Loop {
			loop = fmt.Sprintf("  loop %d-%d", st.In, st.Out)
		}
		ebitenutil.DebugPrintAt(screen, fmt.Sprintf("%s  frame %d  %gx  %.1f fps  dropped %d  scale %g%s",
			tc, st.Frame, st.Speed, st.FPS, st.Dropped, *g.scale, loop), 8, 8)
	}
}

func (g *game) Layout(w, h int) (int, int) { return w, h }
