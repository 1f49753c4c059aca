package playback_test

import (
	"encoding/json"
	"image"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/render/playback"
	"github.com/slate-nle/slate/timeline/rt"
)

// readyFrames has every frame decoded at once, except those in late, which never are.
type readyFrames struct {
	late  map[rt.Time]bool
	wants int
}

func (r *readyFrames) Want(rt.Time, int) { r.wants++ }
func (r *readyFrames) Get(f rt.Time) (*image.RGBA, error, bool) {
	if r.late[f] {
		return nil, nil, false
	}
	return image.NewRGBA(image.Rect(0, 0, 1, 1)), nil, true
}

type recorder struct{ events []playback.Event }

func (r *recorder) emit(e playback.Event) { r.events = append(r.events, e) }

func (r *recorder) named(name string) []playback.Event {
	var out []playback.Event
	for _, e := range r.events {
		if e.Event == name {
			out = append(out, e)
		}
	}
	return out
}

func (r *recorder) lastPos(t *testing.T) int64 {
	t.Helper()
	p := r.named("pos")
	if len(p) == 0 {
		t.Fatal("no pos event")
	}
	return *p[len(p)-1].Frame
}

// session is an Engine on a manual clock at 24 fps, 48 kHz, ticking at 60 Hz.
type session struct {
	t   *testing.T
	e   *playback.Engine
	mc  *playback.ManualClock
	rec *recorder
}

func newSession(t *testing.T, dur rt.Time, opt playback.Options) *session {
	s := &session{t: t, mc: &playback.ManualClock{}, rec: &recorder{}}
	opt.Rate, opt.SampleRate, opt.Duration = rt.Rate24, 48000, dur
	if opt.Frames == nil {
		opt.Frames = &readyFrames{}
	}
	opt.Clock = playback.NewWallClock(48000, s.mc.Now)
	opt.Now, opt.Emit = s.mc.Now, s.rec.emit
	s.e = playback.NewEngine(opt)
	return s
}

func (s *session) send(line string) { s.e.HandleLine([]byte(line)) }

func (s *session) run(d time.Duration) {
	for end := s.mc.Now() + d; s.mc.Now() < end; {
		s.mc.Add(time.Second / 60)
		s.e.Tick()
	}
}

func TestAScriptedSessionGivesTheExpectedEvents(t *testing.T) {
	reloads := 0
	s := newSession(t, 240, playback.Options{Reload: func() (rt.Time, error) { reloads++; return 100, nil }})

	s.send(`{"cmd":"seek","frame":120}`)
	s.run(time.Second / 10)
	if got := s.rec.lastPos(t); got != 120 {
		t.Fatalf("after seek 120 the last pos is %d", got)
	}

	before := len(s.rec.named("pos"))
	s.send(`{"cmd":"play"}`)
	s.run(time.Second)
	pos := s.rec.named("pos")[before:]
	if n := len(pos); n < 20 || n > 31 {
		t.Errorf("one second of playback at 24 fps gave %d pos events, want every frame up to 30/s", n)
	}
	if got := s.rec.lastPos(t); got < 142 || got > 144 {
		t.Errorf("after 1 s of play from 120 pos is %d, want about 144", got)
	}

	s.send(`{"cmd":"pause"}`)
	s.run(time.Second / 2)
	paused := s.e.Position()
	s.run(time.Second)
	if s.e.Position() != paused {
		t.Errorf("paused playhead moved from %d to %d", paused, s.e.Position())
	}

	s.send(`{"cmd":"rate","rate":-2}`)
	s.run(time.Second)
	if got := s.e.Position(); got < paused-49 || got > paused-46 {
		t.Errorf("one second at -2x from %d reached %d, want about %d", paused, got, paused-48)
	}

	s.send(`{"cmd":"loop","in":10,"out":34}`)
	s.send(`{"cmd":"seek","frame":30}`)
	s.send(`{"cmd":"rate","rate":1}`)
	s.run(3 * time.Second)
	if p := s.e.Position(); p < 10 || p >= 34 {
		t.Errorf("looping 10-34 for 3 s left the playhead at %d", p)
	}
	if n := len(s.rec.named("ended")); n != 0 {
		t.Errorf("a loop sent %d ended events", n)
	}

	s.send(`{"cmd":"loop","off":true}`)
	s.send(`{"cmd":"seek","frame":230}`)
	s.run(time.Second)
	if ended := s.rec.named("ended"); len(ended) != 1 || *ended[0].Frame != 239 {
		t.Errorf("playing past the end gave ended events %v, want one at 239", ended)
	}
	if s.e.Playing() {
		t.Error("still playing after the end")
	}

	s.send(`{"cmd":"reload"}`)
	s.run(time.Second / 10)
	if r := s.rec.named("reloaded"); reloads != 1 || len(r) != 1 || *r[0].Frames != 100 || *r[0].Frame != 99 {
		t.Errorf("reload to a 100-frame timeline: %d reloads, events %v; want the playhead clamped to 99", reloads, r)
	}

	s.send(`{"cmd":"warp","frame":1}`)
	s.send(`not json`)
	s.send(`{"cmd":"seek"}`)
	if errs := s.rec.named("error"); len(errs) != 3 || !strings.Contains(errs[0].Message, "unknown") || !strings.Contains(errs[2].Message, "frame") {
		t.Errorf("three bad lines gave error events %+v", errs)
	}

	s.send(`{"cmd":"quit"}`)
	if !s.e.Quit() {
		t.Error("quit did not ask the player to quit")
	}
}

func TestPosEventsNeverExceedThirtyASecond(t *testing.T) {
	s := newSession(t, 100000, playback.Options{})
	s.e.SetSpeed(4) // 96 frames a second change the playhead every tick
	s.run(10 * time.Second)
	pos := s.rec.named("pos")
	if n := len(pos); n > 301 || n < 250 {
		t.Errorf("10 s at 4x gave %d pos events, want at most 30 a second and close to it", n)
	}
}

func TestShuttleDoublesUpToFourAndSlowsAgainst(t *testing.T) {
	s := newSession(t, 100000, playback.Options{})
	s.e.Seek(50000)
	var got []float64
	for _, dir := range []int{1, 1, 1, 1, -1, -1, -1, -1, -1} {
		s.e.Shuttle(dir)
		got = append(got, s.e.Status().Speed)
	}
	want := []float64{1, 2, 4, 4, 2, 1, 0, -1, -2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("shuttle speeds %v, want %v", got, want)
		}
	}
}

func TestEventsAreJSONLines(t *testing.T) {
	var b strings.Builder
	w := playback.NewEventWriter(&b)
	s := newSession(t, 48, playback.Options{})
	s.e = playback.NewEngine(playback.Options{Rate: rt.Rate24, SampleRate: 48000, Duration: 48, Frames: &readyFrames{}, Emit: w.Emit})
	s.e.Seek(7)
	s.e.Tick()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	got := map[string]int64{}
	for _, l := range lines {
		var e struct {
			Event string `json:"event"`
			Frame int64  `json:"frame"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("event line %q: %v", l, err)
		}
		got[e.Event] = e.Frame
	}
	if len(lines) != 2 || got["pos"] != 7 || got["shown"] != 7 {
		t.Errorf("a paused seek to 7 gave %q, want a pos and a shown line for frame 7", lines)
	}
}

// deviceClock is an audio device's clock: it runs skew times as fast as the wall clock and
// reports its position in whole periods of 1024 samples, as sound cards do.
type deviceClock struct {
	mc    *playback.ManualClock
	skew  float64
	at    int64
	t0    time.Duration
	run   bool
	speed float64
}

func (d *deviceClock) Start(at int64, speed float64) {
	d.at, d.t0, d.run, d.speed = at, d.mc.Now(), true, speed
}
func (d *deviceClock) Stop() { d.at, d.run = d.Now(), false }
func (d *deviceClock) Now() int64 {
	if !d.run {
		return d.at
	}
	return d.at + d.played()/1024*1024
}
func (d *deviceClock) played() int64 {
	return int64(float64(playback.Advance(d.mc.Now()-d.t0, 48000, d.speed)) * d.skew)
}

func TestAudioAndVideoStayWithinAFrameOverTenMinutes(t *testing.T) {
	for _, tc := range []struct {
		name string
		skew float64
		late float64 // share of frames never decoded in time
	}{
		{"with a device clock matching the wall clock", 1, 0},
		{"with a device clock 0.1% fast and 3% of frames decoded too late", 1.001, 0.03},
		{"with a device clock 0.2% slow and 10% of frames decoded too late", 0.998, 0.10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const minutes = 10
			rng := rand.New(rand.NewSource(1))
			late := map[rt.Time]bool{}
			for f := rt.Time(0); f < 24*60*minutes+100; f++ {
				if rng.Float64() < tc.late {
					late[f] = true
				}
			}
			mc := &playback.ManualClock{}
			dev := &deviceClock{mc: mc, skew: tc.skew}
			e := playback.NewEngine(playback.Options{Rate: rt.Rate24, SampleRate: 48000, Duration: 1 << 30,
				Frames: &readyFrames{late: late}, Clock: dev, Now: mc.Now})
			e.Play()
			frame := int64(2000)
			worst, lateShown := int64(0), 0
			var lastShown rt.Time = -1
			for mc.Now() < minutes*time.Minute {
				// a 60 Hz display with up to 4 ms of jitter
				mc.Add(time.Second/60 + time.Duration(rng.Intn(8000)-4000)*time.Microsecond)
				e.Tick()
				st := e.Status()
				if st.Shown == lastShown {
					continue
				}
				lastShown = st.Shown
				if late[st.Shown] {
					lateShown++
				}
				// drift: where the sound is against the middle of the picture shown
				heard := dev.at + dev.played()
				drift := heard - (int64(st.Shown)*frame + frame/2)
				if drift < 0 {
					drift = -drift
				}
				worst = max(worst, drift)
			}
			if worst >= frame {
				t.Errorf("worst drift %d samples, want under one frame (%d)", worst, frame)
			}
			if lateShown != 0 {
				t.Errorf("%d frames that were never decoded were shown", lateShown)
			}
			st := e.Status()
			want := int64(0)
			for f := range late {
				if f < st.Frame {
					want++
				}
			}
			if st.Dropped != want {
				t.Errorf("dropped counter %d, want the %d late frames before %d", st.Dropped, want, st.Frame)
			}
			if min := 24*60*minutes*tc.skew - 30; float64(st.Frame) < min {
				t.Errorf("after %d minutes the playhead is at %d, want about %g", minutes, st.Frame, min+30)
			}
		})
	}
}
