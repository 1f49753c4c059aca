package editor

import (
	"context"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// viewer shows the frame at the playhead, rendered by the same pull path as export at a
// preview scale, with a transport bar. Frames are rendered on one background goroutine; a
// request that arrives while another renders replaces any waiting one, so scrubbing and
// playback drop frames instead of falling behind.
type viewer struct {
	e      *Editor
	img    *canvas.Image
	tc     *widget.Label
	play   *widget.Button
	scale  *widget.Select
	reqs   chan viewRequest
	ctx    context.Context
	cancel context.CancelFunc

	// UI-goroutine state.
	at      rt.Time
	tl      *timeline.Timeline
	zoom    float64
	speed   int // frames per tick: -4..4, 0 paused
	ticker  *time.Ticker
	stopped chan struct{}
	in, out rt.Time
}

type viewRequest struct {
	f     rt.Time
	tl    *timeline.Timeline
	scale float64
}

func newViewer(e *Editor) *viewer {
	v := &viewer{e: e, zoom: 0.5, reqs: make(chan viewRequest, 1), in: -1, out: -1}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	blank := image.NewRGBA(image.Rect(0, 0, 16, 9))
	v.img = canvas.NewImageFromImage(blank)
	v.img.FillMode = canvas.ImageFillContain
	v.img.ScaleMode = canvas.ImageScaleFastest
	v.tc = widget.NewLabelWithStyle("00:00:00:00", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	v.play = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), v.togglePlay)
	v.scale = widget.NewSelect([]string{"Full", "1/2", "1/4"}, func(s string) {
		switch s {
		case "Full":
			v.setScale(1)
		case "1/4":
			v.setScale(0.25)
		default:
			v.setScale(0.5)
		}
	})
	v.scale.SetSelected("1/2")
	go v.renderLoop()
	return v
}

func (v *viewer) object() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 8, G: 8, B: 10, A: 255})
	transport := container.NewHBox(
		widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { v.e.seek(0) }),
		widget.NewButtonWithIcon("", theme.MediaFastRewindIcon(), func() { v.e.seek(v.at - 1) }),
		v.play,
		widget.NewButtonWithIcon("", theme.MediaFastForwardIcon(), func() { v.e.seek(v.at + 1) }),
		widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { v.e.seek(v.e.proj.Timeline().Duration() - 1) }),
	)
	player := widget.NewButtonWithIcon("Player", theme.MediaVideoIcon(), v.e.openPlayer)
	bar := container.NewBorder(nil, nil, transport, container.NewHBox(v.scale, player), v.tc)
	return container.NewBorder(nil, bar, nil, nil, container.NewStack(bg, v.img))
}

// timelineChanged takes a new snapshot of the edit and re-renders the current frame.
func (v *viewer) timelineChanged(tl *timeline.Timeline) {
	v.tl = tl
	v.show(v.at)
}

// show asks for frame f.
func (v *viewer) show(f rt.Time) {
	v.at = f
	rate := rt.Rate24
	if v.tl != nil {
		rate = v.tl.Rate
	}
	v.tc.SetText(timecode(f, rate))
	if v.tl == nil {
		return
	}
	req := viewRequest{f: f, tl: v.tl, scale: v.zoom}
	for {
		select {
		case v.reqs <- req:
			return
		default:
			select {
			case <-v.reqs:
			default:
			}
		}
	}
}

func (v *viewer) setScale(s float64) {
	if v.zoom == s {
		return
	}
	v.zoom = s
	v.show(v.at)
}

// renderLoop owns the renderer: it is not safe to share, and it keeps decoders warm
// between frames.
func (v *viewer) renderLoop() {
	var r *render.Renderer
	var scale float64
	defer func() {
		if r != nil {
			r.Close()
		}
	}()
	for {
		var req viewRequest
		select {
		case <-v.ctx.Done():
			return
		case req = <-v.reqs:
		}
		if r == nil || scale != req.scale {
			if r != nil {
				r.Close()
			}
			var err error
			r, err = render.NewRenderer(req.tl, v.e.mediaSet(), render.RendererOptions{Scale: req.scale})
			if err != nil {
				fyne.Do(func() { v.e.showError(err) })
				r = nil
				continue
			}
			scale = req.scale
		} else if r.Timeline() != req.tl {
			if err := r.SetTimeline(req.tl); err != nil {
				fyne.Do(func() { v.e.showError(err) })
				continue
			}
		}
		img, err := r.Frame(v.ctx, req.f)
		if err != nil {
			if v.ctx.Err() == nil {
				fyne.Do(func() { v.e.showError(err) })
			}
			continue
		}
		frame := img
		fyne.Do(func() {
			v.img.Image = frame
			v.img.Refresh()
		})
	}
}

func (v *viewer) togglePlay() {
	if v.speed != 0 {
		v.pause()
		return
	}
	v.shuttleTo(1)
}

// shuttle is J/L: each press plays faster in that direction (1x, 2x, 4x).
func (v *viewer) shuttle(dir int) {
	s := v.speed
	switch {
	case s == 0 || (s > 0) != (dir > 0):
		s = dir
	case s*dir < 4:
		s *= 2
	}
	v.shuttleTo(s)
}

func (v *viewer) shuttleTo(speed int) {
	v.pause()
	if v.tl == nil || v.tl.Duration() == 0 {
		return
	}
	v.speed = speed
	v.play.SetIcon(theme.MediaPauseIcon())
	frame := time.Duration(float64(time.Second) * float64(v.tl.Rate.Den) / float64(v.tl.Rate.Num))
	v.ticker = time.NewTicker(frame)
	stopped := make(chan struct{})
	v.stopped = stopped
	ticks := v.ticker.C
	go func() {
		for {
			select {
			case <-stopped:
				return
			case <-ticks:
				fyne.Do(v.step)
			}
		}
	}()
}

// step advances playback by one tick, looping between the in and out marks when both are set.
func (v *viewer) step() {
	if v.speed == 0 {
		return
	}
	end := v.tl.Duration()
	start := rt.Time(0)
	if v.in >= 0 && v.out > v.in {
		start, end = v.in, v.out
	}
	next := v.at + rt.Time(v.speed)
	switch {
	case next >= end && v.in >= 0 && v.out > v.in:
		next = start
	case next >= end:
		next = end - 1
		v.pause()
	case next < start:
		next = start
		v.pause()
	}
	v.e.seek(next)
}

func (v *viewer) pause() {
	if v.ticker != nil {
		v.ticker.Stop()
		close(v.stopped)
		v.ticker = nil
	}
	v.speed = 0
	v.play.SetIcon(theme.MediaPlayIcon())
}

func (v *viewer) markIn() {
	v.in = v.at
	v.e.timeline.SetInOut(v.in, v.out)
}

func (v *viewer) markOut() {
	v.out = v.at + 1
	v.e.timeline.SetInOut(v.in, v.out)
}

func (v *viewer) stop() {
	v.pause()
	v.cancel()
}
