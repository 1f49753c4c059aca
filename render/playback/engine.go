package playback

import (
	"fmt"
	"image"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// MaxShuttle is the fastest shuttle speed, forward or back.
const MaxShuttle = 4.0

const (
	posEvery  = time.Second / 30
	dropEvery = time.Second / 4
	fpsWindow = 32
)

// Options set up an Engine.
type Options struct {
	Rate       rt.Rate // timeline frame rate
	SampleRate int64   // timeline sample rate
	Duration   rt.Time // timeline length in frames
	Frames     Frames
	Clock      Clock                // the master clock; nil means a WallClock
	Now        func() time.Duration // time for event limits and fps; nil means the system's
	Emit       func(Event)          // nil drops events
	// Reload rereads the project and swaps the timeline in; it returns the new length.
	Reload func() (rt.Time, error)
	// Scale rebuilds the renderer at a preview scale (0.25, 0.5, 1).
	Scale func(float64) error
}

// Status is what the overlay shows.
type Status struct {
	Frame     rt.Time // the playhead
	Shown     rt.Time // the frame on screen, -1 before the first
	Speed     float64 // 0 when paused
	Dropped   int64
	Displayed int64   // frames put on screen while playing
	FPS       float64 // frames put on screen per second, recently
	Loop      bool
	In, Out   rt.Time
	Overlay   bool
	Duration  rt.Time
}

// Engine is the transport and the A/V sync rule. See the package doc for its contract.
type Engine struct {
	opt      Options
	pos      rt.Time
	speed    float64
	loop     bool
	in, out  rt.Time
	overlay  bool
	quit     bool
	shown    rt.Time
	img      *image.RGBA
	prev     rt.Time // last frame shown in this run (or the one before its start), for counting drops
	dropped  int64
	disp     int64
	times    []time.Duration
	sentPos  rt.Time
	posAt    time.Duration // when the next pos event may go
	sentDrop int64
	dropAt   time.Duration // when the next dropped event may go
	lastErr  string
}

// NewEngine makes a paused Engine at frame 0.
func NewEngine(opt Options) *Engine {
	if opt.Clock == nil {
		opt.Clock = NewWallClock(opt.SampleRate, nil)
	}
	if opt.Now == nil {
		t0 := time.Now()
		opt.Now = func() time.Duration { return time.Since(t0) }
	}
	if opt.Emit == nil {
		opt.Emit = func(Event) {}
	}
	return &Engine{opt: opt, shown: -1, prev: -1, sentPos: -1}
}

func (e *Engine) sample(f rt.Time) int64 {
	s, err := rt.SamplesAt(f, e.opt.Rate, e.opt.SampleRate)
	if err != nil {
		return 0
	}
	return s
}

// Position is the playhead: the frame sounding now while playing.
func (e *Engine) Position() rt.Time { return e.pos }

// Playing reports whether the transport runs.
func (e *Engine) Playing() bool { return e.speed != 0 }

// Quit reports whether a quit command arrived.
func (e *Engine) Quit() bool { return e.quit }

// Image is the frame on screen (nil before the first).
func (e *Engine) Image() *image.RGBA { return e.img }

// Status reports the transport for the overlay.
func (e *Engine) Status() Status {
	st := Status{Frame: e.pos, Shown: e.shown, Speed: e.speed, Dropped: e.dropped, Displayed: e.disp,
		Loop: e.loop, In: e.in, Out: e.out, Overlay: e.overlay, Duration: e.opt.Duration}
	if n := len(e.times); n > 1 && e.speed != 0 {
		if d := e.times[n-1] - e.times[0]; d > 0 {
			st.FPS = float64(n-1) / d.Seconds()
		}
	}
	return st
}

// bounds is the range playback runs in: the loop, or the whole timeline.
func (e *Engine) bounds() (rt.Time, rt.Time) {
	if e.loop {
		return e.in, min(e.out, max(e.opt.Duration, e.in+1))
	}
	return 0, max(e.opt.Duration, 1)
}

func (e *Engine) clamp(f rt.Time) rt.Time {
	return max(0, min(f, max(e.opt.Duration-1, 0)))
}

// Seek moves the playhead to frame f (clamped to the timeline), playing on if playing.
func (e *Engine) Seek(f rt.Time) {
	e.pos = e.clamp(f)
	e.prev = e.pos - rt.Time(sign(e.speed)) // a run starts just before its first frame
	if e.speed != 0 {
		e.opt.Clock.Start(e.sample(e.pos), e.speed)
	}
}

// Play plays forward at 1×, from the start of the range when at its end.
func (e *Engine) Play() {
	if lo, hi := e.bounds(); e.pos >= hi-1 || e.pos < lo {
		e.pos = lo
	}
	e.SetSpeed(1)
}

// Pause stops on the frame sounding now.
func (e *Engine) Pause() { e.SetSpeed(0) }

// SetSpeed shuttles at speed (-4…4, 0 pauses).
func (e *Engine) SetSpeed(speed float64) {
	speed = max(-MaxShuttle, min(MaxShuttle, speed))
	if speed == e.speed {
		return
	}
	e.prev = e.pos - rt.Time(sign(speed))
	if speed == 0 {
		e.opt.Clock.Stop()
		e.speed = 0
		return
	}
	e.speed = speed
	e.opt.Clock.Start(e.sample(e.pos), speed)
}

// Shuttle is J (dir -1) and L (dir +1): start at 1× that way, or double up to 4×; against
// the current direction it first slows down.
func (e *Engine) Shuttle(dir int) {
	s := e.speed
	switch {
	case s == 0 || (s > 0) != (dir > 0):
		if s != 0 && abs(s) > 1 {
			e.SetSpeed(s / 2)
			return
		}
		if s != 0 {
			e.SetSpeed(0)
			return
		}
		e.SetSpeed(float64(dir))
	default:
		e.SetSpeed(s * 2)
	}
}

// Step pauses and moves n frames.
func (e *Engine) Step(n rt.Time) {
	e.Pause()
	e.Seek(e.pos + n)
}

// SetLoop plays [in, out) over and over; out <= in turns looping off.
func (e *Engine) SetLoop(in, out rt.Time) {
	if out <= in || in < 0 {
		e.loop = false
		return
	}
	e.loop, e.in, e.out = true, in, out
}

// ToggleOverlay shows or hides the timecode, fps and dropped-frame overlay.
func (e *Engine) ToggleOverlay() { e.overlay = !e.overlay }

// Handle runs one protocol command.
func (e *Engine) Handle(c Command) {
	switch c.Cmd {
	case "seek":
		e.Seek(rt.Time(*c.Frame))
	case "play":
		e.Play()
	case "pause":
		e.Pause()
	case "rate":
		e.SetSpeed(*c.Rate)
	case "loop":
		if c.Off {
			e.SetLoop(0, 0)
		} else {
			e.SetLoop(rt.Time(*c.In), rt.Time(*c.Out))
		}
	case "step":
		e.Step(rt.Time(*c.Step))
	case "start":
		lo, _ := e.bounds()
		e.Seek(lo)
	case "end":
		_, hi := e.bounds()
		e.Seek(hi - 1)
	case "overlay":
		e.ToggleOverlay()
	case "scale":
		if e.opt.Scale == nil {
			e.fail(fmt.Errorf("scale: this player cannot rescale"))
			return
		}
		if err := e.opt.Scale(*c.Scale); err != nil {
			e.fail(err)
			return
		}
		e.shown = -1
	case "reload":
		e.reload()
	case "quit":
		e.quit = true
		e.opt.Clock.Stop()
		e.opt.Emit(Event{Event: "quit", Frame: i64(int64(e.pos)), Dropped: i64(e.dropped), Shown: i64(e.disp)})
	}
}

// HandleLine parses and runs one protocol line; a bad line becomes an error event.
func (e *Engine) HandleLine(line []byte) {
	c, err := ParseCommand(line)
	if err != nil {
		e.fail(err)
		return
	}
	e.Handle(c)
}

func (e *Engine) reload() {
	if e.opt.Reload == nil {
		return
	}
	d, err := e.opt.Reload()
	if err != nil {
		e.fail(fmt.Errorf("reload: %v", err))
		return
	}
	e.opt.Duration = d
	if e.pos != e.clamp(e.pos) {
		e.Seek(e.pos)
	}
	e.shown = -1 // the frame on screen may have changed; show the new one when it is ready
	e.opt.Emit(Event{Event: "reloaded", Frame: i64(int64(e.pos)), Frames: i64(int64(d))})
}

func (e *Engine) fail(err error) {
	e.opt.Emit(Event{Event: "error", Message: err.Error()})
}

// Tick advances the transport to the master clock, picks the frame to show, and emits
// events. The UI calls it once per display refresh; it returns the frame to draw.
func (e *Engine) Tick() *image.RGBA {
	now := e.opt.Now()
	dir := 1
	if e.speed < 0 {
		dir = -1
	}
	if e.speed != 0 {
		f := render.FrameOfSample(e.opt.Clock.Now(), e.opt.Rate, e.opt.SampleRate)
		lo, hi := e.bounds()
		switch {
		case dir > 0 && f >= hi, dir < 0 && f < lo:
			if e.loop {
				f = lo
				if dir < 0 {
					f = hi - 1
				}
				e.pos = f
				e.Seek(f)
			} else {
				f = max(lo, min(f, hi-1))
				e.pos = f
				e.Pause()
				e.opt.Emit(Event{Event: "ended", Frame: i64(int64(f))})
			}
		default:
			e.pos = f
		}
	}
	e.opt.Frames.Want(e.pos, dir)
	if img, err, ok := e.opt.Frames.Get(e.pos); ok && e.pos != e.shown {
		if err != nil {
			if msg := err.Error(); msg != e.lastErr {
				e.lastErr = msg
				e.fail(fmt.Errorf("frame %d: %v", e.pos, err))
			}
		} else if img != nil {
			e.img = img
		}
		if e.speed != 0 {
			if abs(e.speed) <= 1 {
				if gap := (e.pos - e.prev) * rt.Time(dir); gap > 1 {
					e.dropped += int64(gap - 1)
				}
			}
			e.prev = e.pos
			e.disp++
			e.times = append(e.times, now)
			if len(e.times) > fpsWindow {
				e.times = e.times[1:]
			}
		}
		e.shown = e.pos
		if e.speed == 0 {
			// paused (a seek, a step, a reload): tell when the picture is up
			e.opt.Emit(Event{Event: "shown", Frame: i64(int64(e.pos))})
		}
	}
	// The next send is due a period after the last one was due, so ticks that do not divide
	// the period still give the full rate, never more.
	if e.pos != e.sentPos && now >= e.posAt {
		e.sentPos, e.posAt = e.pos, max(e.posAt+posEvery, now)
		e.opt.Emit(Event{Event: "pos", Frame: i64(int64(e.pos)), Playing: boolp(e.speed != 0), Rate: f64(e.speed)})
	}
	if e.dropped != e.sentDrop && now >= e.dropAt {
		e.sentDrop, e.dropAt = e.dropped, max(e.dropAt+dropEvery, now)
		e.opt.Emit(Event{Event: "dropped", Dropped: i64(e.dropped), Shown: i64(e.disp), Frame: i64(int64(e.pos))})
	}
	return e.img
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func abs[T float64 | rt.Time](v T) T {
	if v < 0 {
		return -v
	}
	return v
}
