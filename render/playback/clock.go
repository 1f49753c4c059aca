package playback

import (
	"sync"
	"time"
)

// Clock is playback's master clock, counted in timeline audio samples.
type Clock interface {
	// Start runs the clock from timeline sample at, at speed (1 is real time, negative
	// plays backward).
	Start(at int64, speed float64)
	// Stop freezes the clock where it is.
	Stop()
	// Now is the current timeline sample.
	Now() int64
}

// WallClock is a Clock driven by elapsed time: the system clock, or a manual one in tests.
type WallClock struct {
	mu      sync.Mutex
	rate    int64 // samples per second
	now     func() time.Duration
	at      int64
	speed   float64
	started time.Duration
	running bool
}

// NewWallClock makes a clock at sampleRate samples a second reading now (nil means the
// system's monotonic clock).
func NewWallClock(sampleRate int64, now func() time.Duration) *WallClock {
	if now == nil {
		t0 := time.Now()
		now = func() time.Duration { return time.Since(t0) }
	}
	return &WallClock{rate: sampleRate, now: now}
}

func (c *WallClock) Start(at int64, speed float64) {
	c.mu.Lock()
	c.at, c.speed, c.started, c.running = at, speed, c.now(), true
	c.mu.Unlock()
}

func (c *WallClock) Stop() {
	c.mu.Lock()
	c.at = c.nowLocked()
	c.running = false
	c.mu.Unlock()
}

func (c *WallClock) Now() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *WallClock) nowLocked() int64 {
	if !c.running {
		return c.at
	}
	return c.at + Advance(c.now()-c.started, c.rate, c.speed)
}

// Advance is the number of samples d covers at sampleRate and speed, computed from the
// start of the run so rounding never accumulates.
func Advance(d time.Duration, sampleRate int64, speed float64) int64 {
	s := d.Nanoseconds() / 1000 * sampleRate / 1_000_000 // µs keeps 10 h at 192 kHz in int64
	if speed == 1 {
		return s
	}
	return int64(float64(s) * speed)
}

// ManualClock is a time source for tests and benchmarks: it moves only when told.
type ManualClock struct {
	mu sync.Mutex
	t  time.Duration
}

// Now reads the manual time.
func (m *ManualClock) Now() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Add moves the manual time on by d.
func (m *ManualClock) Add(d time.Duration) {
	m.mu.Lock()
	m.t += d
	m.mu.Unlock()
}
