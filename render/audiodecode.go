package render

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strconv"
	"sync"
)

// AudioDecoder reads one file's sound as interleaved float32 samples at a chosen sample rate
// and channel count, through one long-lived ffmpeg process. Sequential reads stream; any
// other position restarts ffmpeg at the whole second before it and skips to the exact sample
// (whole seconds are exact sample positions at every rate). Past the end it reads nothing.
// It implements AudioSource.
type AudioDecoder struct {
	path     string
	rate     int
	channels int

	mu     sync.Mutex
	life   context.Context
	cancel context.CancelFunc
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr *stderrTail
	next   int64 // the sample frame the pipe delivers next
	end    int64 // -1 while unknown
	raw    []byte
}

// OpenAudio prepares a decoder; ffmpeg starts at the first Read.
func OpenAudio(ctx context.Context, path string, sampleRate, channels int) (*AudioDecoder, error) {
	if sampleRate < 1000 || sampleRate > 384000 || channels < 1 || channels > 8 {
		return nil, fmt.Errorf("%s: bad audio format %d Hz × %d channels", path, sampleRate, channels)
	}
	if _, err := FFmpeg(); err != nil {
		return nil, err
	}
	a := &AudioDecoder{path: path, rate: sampleRate, channels: channels, end: -1}
	a.life, a.cancel = context.WithCancel(ctx)
	return a, nil
}

// Read fills buf (interleaved) from sample frame start on and returns how many sample
// frames it read: fewer than len(buf)/channels only at the end of the file.
func (a *AudioDecoder) Read(ctx context.Context, start int64, buf []float32) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	want := len(buf) / a.channels
	if start < 0 {
		return 0, fmt.Errorf("%s: negative sample position %d", a.path, start)
	}
	if a.end >= 0 && start >= a.end {
		return 0, nil
	}
	if a.cmd == nil || start != a.next {
		if err := a.start(start); err != nil {
			return 0, err
		}
		if a.cmd == nil { // the file ends before start
			return 0, nil
		}
	}
	frame := 4 * a.channels
	got := 0
	for got < want {
		if err := ctx.Err(); err != nil {
			return got, err
		}
		n := min(want-got, 4096)
		if cap(a.raw) < n*frame {
			a.raw = make([]byte, n*frame)
		}
		raw := a.raw[:n*frame]
		k, err := io.ReadFull(a.out, raw)
		k /= frame
		for i := 0; i < k*a.channels; i++ {
			buf[got*a.channels+i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		got += k
		a.next += int64(k)
		if err != nil {
			a.stop()
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				if msg := a.stderr.Last(); msg != "" && a.next == 0 {
					return got, fmt.Errorf("%s: %s", a.path, msg)
				}
				a.end = a.next
				return got, nil
			}
			return got, fmt.Errorf("%s: reading audio: %w", a.path, err)
		}
	}
	return got, nil
}

func (a *AudioDecoder) start(at int64) error {
	a.stop()
	ffmpeg, err := FFmpeg()
	if err != nil {
		return err
	}
	sec := at / int64(a.rate)
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error"}
	if sec > 0 {
		args = append(args, "-ss", strconv.FormatInt(sec, 10))
	}
	args = append(args, "-i", a.path, "-vn", "-sn", "-dn", "-ac", strconv.Itoa(a.channels), "-ar", strconv.Itoa(a.rate),
		"-f", "f32le", "pipe:1")
	cmd := exec.CommandContext(a.life, ffmpeg, args...)
	a.stderr = &stderrTail{}
	cmd.Stderr = a.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: starting ffmpeg: %w", a.path, err)
	}
	a.cmd, a.out, a.next = cmd, bufio.NewReaderSize(out, 1<<16), sec*int64(a.rate)
	// Skip to the exact sample.
	skip := (at - a.next) * int64(4*a.channels)
	if n, err := io.CopyN(io.Discard, a.out, skip); err != nil {
		a.next += n / int64(4*a.channels)
		a.stop()
		a.end = a.next
		return nil
	}
	a.next = at
	return nil
}

func (a *AudioDecoder) stop() {
	if a.cmd == nil {
		return
	}
	_ = a.cmd.Process.Kill()
	_ = a.cmd.Wait()
	a.cmd, a.out = nil, nil
}

// Close stops ffmpeg and waits for it.
func (a *AudioDecoder) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stop()
	a.cancel()
	return nil
}

// DecodeAudio reads count sample frames from startSample on in one go.
func DecodeAudio(ctx context.Context, path string, sampleRate, channels int, startSample, count int64) ([]float32, error) {
	a, err := OpenAudio(ctx, path, sampleRate, channels)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	buf := make([]float32, count*int64(channels))
	n, err := a.Read(ctx, startSample, buf)
	return buf[:n*channels], err
}
