package playback

import (
	"context"
	"encoding/binary"
	"io"
	"math"
	"sync"

	"github.com/slate-nle/slate/render"
)

// Mixer renders sound; *render.Renderer and *Queue satisfy it.
type Mixer interface {
	Audio(ctx context.Context, startSample int64, out []float32) error
}

// AudioStream is an io.Reader of 32-bit float little-endian stereo, mixed from a timeline
// sample on: what an audio device player reads. Past end it reads silence, so the device
// clock keeps running until the Engine stops it.
type AudioStream struct {
	ctx  context.Context
	mix  Mixer
	mu   sync.Mutex
	pos  int64
	end  int64
	buf  []float32
	err  error
	errs int
}

// NewAudioStream reads from sample start; end is the timeline's last sample (exclusive).
func NewAudioStream(ctx context.Context, mix Mixer, start, end int64) *AudioStream {
	return &AudioStream{ctx: ctx, mix: mix, pos: start, end: end}
}

// Pos is the next sample Read will produce.
func (a *AudioStream) Pos() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pos
}

// Err is the last mixing error (the stream reads silence in its place).
func (a *AudioStream) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

const streamChunk = 2048 // sample frames per mix call

// Read fills p with whole stereo float32 sample frames.
func (a *AudioStream) Read(p []byte) (int, error) {
	if err := a.ctx.Err(); err != nil {
		return 0, io.EOF
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	const frameBytes = 4 * render.MixChannels
	n := min(len(p)/frameBytes, streamChunk)
	if n == 0 {
		return 0, nil
	}
	if cap(a.buf) < n*render.MixChannels {
		a.buf = make([]float32, streamChunk*render.MixChannels)
	}
	buf := a.buf[:n*render.MixChannels]
	live := max(0, min(int64(n), a.end-a.pos))
	clear(buf)
	if live > 0 {
		if err := a.mix.Audio(a.ctx, a.pos, buf[:live*render.MixChannels]); err != nil {
			a.err = err
			clear(buf)
		}
	}
	for i, v := range buf {
		binary.LittleEndian.PutUint32(p[i*4:], math.Float32bits(v))
	}
	a.pos += int64(n)
	return n * frameBytes, nil
}
