package render

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/slate-nle/slate/assets"
)

// AudioDecoder reads one file's sound as interleaved float32 samples, resampled by ffmpeg to
// a chosen sample rate and channel count, through one long-lived ffmpeg process writing f32le
// on a pipe. A mono file becomes dual mono: the same signal at full level on every channel
// (ffmpeg's own upmix would lower it by 3 dB); other layouts are mixed by ffmpeg.
// Sequential reads stream; a small jump ahead (under two seconds) reads and discards; any
// other position restarts ffmpeg at the whole second before it and skips to the exact sample
// (whole seconds are exact sample positions at every rate). Past the end it reads nothing. It implements AudioSource, owns its ffmpeg (Close kills and reaps it) and
// is safe for concurrent use; reads are serialized.
type AudioDecoder struct {
	path     string
	rate     int
	channels int
	srcMono  bool // decode one channel and copy it to all
	life     context.Context

	mu     sync.Mutex
	cancel context.CancelFunc
	closed bool
	p      *proc
	next   int64 // the sample frame the pipe delivers next
	from   int64 // where the running ffmpeg started
	end    int64 // sample frames at or past end do not exist; -1 while unknown
	raw    []byte
}

// OpenAudio prepares a decoder; ffmpeg starts at the first Read. The context bounds the
// decoder's whole life.
func OpenAudio(ctx context.Context, path string, sampleRate, channels int) (*AudioDecoder, error) {
	if sampleRate < 1000 || sampleRate > 384000 {
		return nil, fmt.Errorf("%s: sample rate %d Hz is outside 1000..384000", path, sampleRate)
	}
	if channels < 1 || channels > 8 {
		return nil, fmt.Errorf("%s: %d channels is outside 1..8", path, channels)
	}
	if _, err := FFmpeg(); err != nil {
		return nil, err
	}
	info, err := assets.Probe(ctx, path)
	if err != nil {
		return nil, err // it names the file; a missing one is also fs.ErrNotExist
	}
	if !info.HasAudio {
		return nil, fmt.Errorf("%s: no audio stream: %w", path, assets.ErrNoAudio)
	}
	a := &AudioDecoder{path: path, rate: sampleRate, channels: channels, srcMono: info.Channels == 1 && channels > 1, end: -1}
	a.life, a.cancel = context.WithCancel(ctx)
	return a, nil
}

// Read fills buf (interleaved, len(buf)/channels sample frames) from sample frame start on
// and returns how many sample frames it read: fewer only at the end of the file, where the
// rest of buf is left as it was.
func (a *AudioDecoder) Read(ctx context.Context, start int64, buf []float32) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return 0, fmt.Errorf("%s: %w", a.path, ErrSourceClosed)
	}
	if start < 0 {
		return 0, fmt.Errorf("%s: negative sample position %d", a.path, start)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	want := len(buf) / a.channels
	if want == 0 || (a.end >= 0 && start >= a.end) {
		return 0, nil
	}
	frame := 4 * a.decodedChannels()
	if a.p == nil || start < a.next || start-a.next > 2*int64(a.rate) {
		if err := a.start(start); err != nil {
			return 0, err
		}
	}
	for a.next < start { // skip to the exact sample
		err := a.fill(ctx, int(min(start-a.next, 4096))*frame)
		a.next += int64(len(a.raw) / frame)
		if err != nil {
			return 0, a.readErr(ctx, err)
		}
	}
	got := 0
	for got < want {
		n := min(want-got, 4096)
		err := a.fill(ctx, n*frame)
		k := len(a.raw) / frame
		out := buf[got*a.channels : (got+k)*a.channels]
		if a.srcMono {
			for i := range k {
				v := math.Float32frombits(binary.LittleEndian.Uint32(a.raw[4*i:]))
				for c := range a.channels {
					out[i*a.channels+c] = v
				}
			}
		} else {
			for i := range out {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.raw[4*i:]))
			}
		}
		got += k
		a.next += int64(k)
		if err != nil {
			return got, a.readErr(ctx, err)
		}
	}
	return got, nil
}

// fill reads up to n bytes into a.raw, leaving a.raw holding only whole sample frames.
func (a *AudioDecoder) fill(ctx context.Context, n int) error {
	if cap(a.raw) < n {
		a.raw = make([]byte, n)
	}
	k, err := a.p.readFull(ctx, a.raw[:n])
	a.raw = a.raw[:k-k%(4*a.decodedChannels())]
	return err
}

// decodedChannels is how many channels ffmpeg delivers.
func (a *AudioDecoder) decodedChannels() int {
	if a.srcMono {
		return 1
	}
	return a.channels
}

// readErr turns a failed read into the reason: the end of the file (nil), the caller's
// cancellation, the decoder being closed, or ffmpeg's failure.
func (a *AudioDecoder) readErr(ctx context.Context, err error) error {
	p := a.p
	a.p = nil
	if ctx.Err() != nil || a.life.Err() != nil || !isEOF(err) {
		p.stop()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case a.life.Err() != nil:
			return fmt.Errorf("%s: %w", a.path, ErrSourceClosed)
		}
		return fmt.Errorf("%s: reading sound: %w", a.path, err)
	}
	if werr := p.wait(); werr != nil {
		if p.stderr.Contains("matches no streams") {
			return fmt.Errorf("%s: no audio stream", a.path)
		}
		return fmt.Errorf("%s: %w", a.path, werr)
	}
	if msg := p.stderr.Last(); msg != "" && a.next == a.from {
		return fmt.Errorf("%s: %s", a.path, msg)
	}
	a.end = a.next
	return nil
}

// start (re)starts ffmpeg at the whole second at or before sample frame at.
func (a *AudioDecoder) start(at int64) error {
	a.stop()
	sec := at / int64(a.rate)
	args := baseArgs()
	if sec > 0 {
		args = append(args, "-ss", strconv.FormatInt(sec, 10))
	}
	args = append(args, "-i", a.path, "-map", "0:a:0", "-vn", "-sn", "-dn",
		"-ac", strconv.Itoa(a.decodedChannels()), "-ar", strconv.Itoa(a.rate), "-f", "f32le", "pipe:1")
	p, err := startProc(a.life, args, 1<<16)
	if err != nil {
		if a.life.Err() != nil {
			return fmt.Errorf("%s: %w", a.path, ErrSourceClosed)
		}
		return fmt.Errorf("%s: %w", a.path, err)
	}
	a.p, a.next, a.from = p, sec*int64(a.rate), sec*int64(a.rate)
	return nil
}

func (a *AudioDecoder) stop() {
	if a.p != nil {
		a.p.stop()
		a.p = nil
	}
}

// Close stops ffmpeg and waits for it. Later reads return ErrSourceClosed.
func (a *AudioDecoder) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stop()
	a.cancel()
	a.closed = true
	return nil
}

// DecodeAudio reads count sample frames from startSample on in one go, interleaved, resampled
// to sampleRate with channels channels. Near the end of the file it returns fewer.
func DecodeAudio(ctx context.Context, path string, sampleRate, channels int, startSample, count int64) ([]float32, error) {
	if count < 0 || count*int64(max(channels, 1)) > 1<<28 { // 1 GiB of samples
		return nil, fmt.Errorf("%s: cannot decode %d sample frames at once", path, count)
	}
	a, err := OpenAudio(ctx, path, sampleRate, channels)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	buf := make([]float32, count*int64(channels))
	n, err := a.Read(ctx, startSample, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n*channels], nil
}

var _ AudioSource = (*AudioDecoder)(nil)
