package player

import (
	"context"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
	"github.com/hajimehoshi/ebiten/v2/audio"

	"github.com/slate-nle/slate/render/playback"
)

// ProbeAudio opens the default sound device and reports whether it works. Ebiten's audio
// context reports a missing device only from inside the game loop, where the error ends
// it, so slate-player asks a child process to run this first.
func ProbeAudio(sampleRate int) error {
	c, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: sampleRate, ChannelCount: 2, Format: oto.FormatFloat32LE})
	if err != nil {
		return err
	}
	select {
	case <-ready:
	case <-time.After(3 * time.Second):
	}
	return c.Err()
}

// audioClock is the master clock while a sound device plays at 1×: the device's position
// in the stream it reads. At other speeds there is no sound and the wall clock runs.
type audioClock struct {
	ctx  context.Context
	ac   *audio.Context
	mix  playback.Mixer
	end  func() int64
	rate int64
	wall *playback.WallClock

	mu     sync.Mutex
	player *audio.Player
	at     int64
	onWall bool
}

func newAudioClock(ctx context.Context, ac *audio.Context, mix playback.Mixer, sampleRate int64, end func() int64) *audioClock {
	return &audioClock{ctx: ctx, ac: ac, mix: mix, end: end, rate: sampleRate, wall: playback.NewWallClock(sampleRate, nil), onWall: true}
}

func (c *audioClock) Start(at int64, speed float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closePlayer()
	c.at = at
	if speed != 1 {
		c.onWall = true
		c.wall.Start(at, speed)
		return
	}
	p, err := c.ac.NewPlayerF32(playback.NewAudioStream(c.ctx, c.mix, at, c.end()))
	if err != nil {
		c.onWall = true
		c.wall.Start(at, speed)
		return
	}
	p.SetBufferSize(60 * time.Millisecond)
	p.Play()
	c.player, c.onWall = p, false
}

func (c *audioClock) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.nowLocked()
	c.closePlayer()
	c.wall.Start(c.at, 0)
	c.wall.Stop()
	c.onWall = true
}

func (c *audioClock) Now() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *audioClock) nowLocked() int64 {
	if c.onWall || c.player == nil {
		return c.wall.Now()
	}
	return c.at + playback.Advance(c.player.Position(), c.rate, 1)
}

func (c *audioClock) closePlayer() {
	if c.player != nil {
		c.player.Pause()
		c.player.Close()
		c.player = nil
	}
}
