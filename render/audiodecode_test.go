package render_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/render"
)

// channelRMS is the RMS of one channel of interleaved samples.
func channelRMS(s []float32, channels, ch int) float64 {
	var sum float64
	n := 0
	for i := ch; i < len(s); i += channels {
		sum += float64(s[i]) * float64(s[i])
		n++
	}
	return math.Sqrt(sum / float64(n))
}

// pitch estimates the frequency of one channel from its zero crossings.
func pitch(s []float32, channels, ch, rate int) float64 {
	cross := 0
	for i := ch + channels; i < len(s); i += channels {
		if (s[i-channels] < 0) != (s[i] < 0) {
			cross++
		}
	}
	return float64(cross) / 2 / (float64(len(s)/channels) / float64(rate))
}

func TestAudioDecodesASineAtTheProjectRate(t *testing.T) {
	clip := filepath.Join(testMedia(t), "clip.mp4")
	ctx := context.Background()
	// lavfi's sine has amplitude 1/8: RMS 0.0884. A mono file plays as dual mono, at full
	// level on each channel.
	for _, c := range []struct {
		name     string
		rate, ch int
		rms      float64
	}{
		{"a 48 kHz mono sine read at 44.1 kHz stereo has 3 s of samples at full level on both sides", 44100, 2, 0.0884},
		{"a 48 kHz mono sine read at 48 kHz mono keeps its level", 48000, 1, 0.0884},
		{"a 48 kHz mono sine read at 96 kHz in 5 channels is the same on each", 96000, 5, 0.0884},
	} {
		t.Run(c.name, func(t *testing.T) {
			all, err := render.DecodeAudio(ctx, clip, c.rate, c.ch, 0, int64(c.rate)*5)
			if err != nil {
				t.Fatal(err)
			}
			frames := len(all) / c.ch
			// AAC pads to whole 1024-sample packets; allow 50 ms either side of 3 s.
			if d := math.Abs(float64(frames) - 3*float64(c.rate)); d > 0.05*float64(c.rate) {
				t.Errorf("%d sample frames, want about %d", frames, 3*c.rate)
			}
			body := all[c.ch*c.rate/10 : c.ch*c.rate*2] // away from the encoder's fade-in
			for ch := range c.ch {
				if rms := channelRMS(body, c.ch, ch); math.Abs(rms-c.rms) > 0.004 {
					t.Errorf("channel %d RMS %.4f, want %.4f", ch, rms, c.rms)
				}
			}
			for i := 0; i < len(body); i += c.ch {
				if body[i+c.ch-1] != body[i] {
					t.Fatalf("sample frame %d differs between the first and last channel", i/c.ch)
				}
			}
			if hz := pitch(body, c.ch, 0, c.rate); math.Abs(hz-440) > 5 {
				t.Errorf("pitch %.1f Hz, want 440", hz)
			}
		})
	}
	t.Run("a stereo file keeps its two sides apart", func(t *testing.T) {
		s, err := render.DecodeAudio(ctx, filepath.Join(testMedia(t), "stereo.wav"), 44100, 2, 0, 44100)
		if err != nil {
			t.Fatal(err)
		}
		if l, r := pitch(s, 2, 0, 44100), pitch(s, 2, 1, 44100); math.Abs(l-440) > 5 || math.Abs(r-660) > 5 {
			t.Errorf("left %.1f Hz, right %.1f Hz, want 440 and 660", l, r)
		}
		if rms := channelRMS(s, 2, 1); math.Abs(rms-0.0884) > 0.004 {
			t.Errorf("right RMS %.4f, want 0.0884", rms)
		}
	})
	t.Run("a window in the middle starts where the whole decode has it", func(t *testing.T) {
		all, err := render.DecodeAudio(ctx, clip, 44100, 2, 0, 44100*3)
		if err != nil {
			t.Fatal(err)
		}
		part, err := render.DecodeAudio(ctx, clip, 44100, 2, 70000, 500)
		if err != nil || len(part) != 1000 {
			t.Fatalf("%d samples, %v", len(part), err)
		}
		for i := range part {
			if d := math.Abs(float64(part[i] - all[2*70000+i])); d > 1e-3 {
				t.Fatalf("sample %d differs by %g", i/2, d)
			}
		}
	})
}

func TestAudioReadsSeekLikeTheSequentialDecode(t *testing.T) {
	clip := filepath.Join(testMedia(t), "clip.mp4")
	ctx := context.Background()
	all, err := render.DecodeAudio(ctx, clip, 44100, 2, 0, 44100*5)
	if err != nil {
		t.Fatal(err)
	}
	a, err := render.OpenAudio(ctx, clip, 44100, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	buf := make([]float32, 2*1000)
	for _, s := range []struct {
		name string
		at   int64
	}{
		{"a first read a little way in", 1234},
		{"the next block reads on", 2234},
		{"a jump of more than two seconds restarts ffmpeg", 100000},
		{"a backward seek restarts ffmpeg", 50000},
		{"a small jump ahead reads and discards", 52000},
		{"a read ending just before the end of the file", int64(len(all)/2) - 1000},
	} {
		t.Run(s.name, func(t *testing.T) {
			n, err := a.Read(ctx, s.at, buf)
			if err != nil || n != 1000 {
				t.Fatalf("read at %d: %d, %v", s.at, n, err)
			}
			for i := range buf {
				if d := math.Abs(float64(buf[i] - all[2*s.at+int64(i)])); d > 1e-3 {
					t.Fatalf("sample %d after a seek to %d differs from the sequential decode by %g", i/2, s.at, d)
				}
			}
		})
	}
	t.Run("a read across the end returns the samples that exist", func(t *testing.T) {
		at := int64(len(all)/2) - 300
		n, err := a.Read(ctx, at, buf)
		if err != nil || n != 300 {
			t.Fatalf("read at %d: %d, %v; want 300", at, n, err)
		}
	})
	t.Run("a read past the end returns nothing", func(t *testing.T) {
		if n, err := a.Read(ctx, 44100*10, buf); n != 0 || err != nil {
			t.Errorf("read past the end: %d, %v", n, err)
		}
	})
}

func TestAudioFailuresAreClear(t *testing.T) {
	ctx := context.Background()
	t.Run("a file without sound says so", func(t *testing.T) {
		_, err := render.DecodeAudio(ctx, filepath.Join(testMedia(t), "mute.mp4"), 48000, 2, 0, 100)
		if err == nil || !strings.Contains(err.Error(), "no audio stream") || !strings.Contains(err.Error(), "mute.mp4") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a file without sound says so after a seek too", func(t *testing.T) {
		_, err := render.DecodeAudio(ctx, filepath.Join(testMedia(t), "mute.mp4"), 48000, 2, 30000, 100)
		if err == nil || !strings.Contains(err.Error(), "no audio stream") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a missing file names it", func(t *testing.T) {
		_, err := render.DecodeAudio(ctx, filepath.Join(t.TempDir(), "gone.wav"), 48000, 2, 0, 100)
		if err == nil || !strings.Contains(err.Error(), "gone.wav") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an impossible format is refused", func(t *testing.T) {
		for _, f := range [][2]int{{0, 2}, {48000, 0}, {48000, 9}} {
			if _, err := render.OpenAudio(ctx, "x.wav", f[0], f[1]); err == nil {
				t.Errorf("%d Hz × %d channels was accepted", f[0], f[1])
			}
		}
	})
	t.Run("a negative position is refused", func(t *testing.T) {
		a, err := render.OpenAudio(ctx, filepath.Join(testMedia(t), "clip.mp4"), 48000, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, err := a.Read(ctx, -5, make([]float32, 10)); err == nil {
			t.Error("a read at -5 was accepted")
		}
	})
	t.Run("a read after Close is ErrSourceClosed", func(t *testing.T) {
		a, err := render.OpenAudio(ctx, filepath.Join(testMedia(t), "clip.mp4"), 48000, 2)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		if _, err := a.Read(ctx, 0, make([]float32, 10)); !errors.Is(err, render.ErrSourceClosed) {
			t.Errorf("got %v", err)
		}
	})
}
