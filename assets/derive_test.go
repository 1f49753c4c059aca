package assets_test

import (
	"context"
	"errors"
	"image"
	_ "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/slate-nle/slate/assets"
	"github.com/slate-nle/slate/timeline/rt"
)

func probe(t *testing.T, name string) *assets.Info {
	t.Helper()
	in, err := assets.Probe(context.Background(), media(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil || format != "png" {
		t.Fatalf("%s: %v (format %q)", path, err, format)
	}
	return img
}

// noLeftovers fails when a temporary file is left in the cache.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".part") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

// mean is the average brightness (0-255) of a rectangle.
func mean(img image.Image, r image.Rectangle) float64 {
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum += float64(cr+cg+cb) / 3 / 257
			n++
		}
	}
	return sum / n
}

func TestThumbnail(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name          string
		info          func(t *testing.T) *assets.Info
		height, width int
	}{
		{"a video's poster frame is a PNG of the asked height", func(t *testing.T) *assets.Info { return probe(t, "av.mp4") }, 90, 120},
		{"a rotated video's thumbnail is upright (taller than wide)", func(t *testing.T) *assets.Info { return probe(t, "rotated.mp4") }, 120, 90},
		{"a still's thumbnail is the picture", func(t *testing.T) *assets.Info { return probe(t, "still.jpg") }, 60, 80},
		{"an image sequence's thumbnail is one of its frames", func(t *testing.T) *assets.Info {
			in, err := assets.ProbeSequence(ctx, media(t, "seq"), 7, rt.Rate24)
			if err != nil {
				t.Fatal(err)
			}
			return in
		}, 120, 160},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			p, err := assets.Thumbnail(ctx, tc.info(t), cache, tc.height)
			if err != nil {
				t.Fatal(err)
			}
			b := decodePNG(t, p).Bounds()
			if b.Dx() != tc.width || b.Dy() != tc.height {
				t.Errorf("thumbnail is %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.width, tc.height)
			}
			if filepath.Dir(p) != cache {
				t.Errorf("thumbnail %s is not in the cache folder %s", p, cache)
			}
			noLeftovers(t, cache)
		})
	}
	t.Run("a second call reuses the cached file and a changed file gets a new one", func(t *testing.T) {
		cache, dir := t.TempDir(), t.TempDir()
		src := copyTo(t, media(t, "still.png"), dir, "pic.png")
		in, err := assets.Probe(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		p1, err := assets.Thumbnail(ctx, in, cache, 40)
		if err != nil {
			t.Fatal(err)
		}
		st1, _ := os.Stat(p1)
		p2, err := assets.Thumbnail(ctx, in, cache, 40)
		st2, _ := os.Stat(p2)
		if err != nil || p1 != p2 || !st1.ModTime().Equal(st2.ModTime()) {
			t.Errorf("second call: %s %v (first %s); rewritten: %v", p2, err, p1, !st1.ModTime().Equal(st2.ModTime()))
		}
		copyTo(t, media(t, "still.jpg"), dir, "pic.png") // new content, new size
		p3, err := assets.Thumbnail(ctx, in, cache, 40)
		if err != nil || p3 == p1 {
			t.Errorf("after a change: %s %v, want a new name", p3, err)
		}
	})
	t.Run("audio has no picture", func(t *testing.T) {
		_, err := assets.Thumbnail(ctx, probe(t, "tone.wav"), t.TempDir(), 40)
		if !errors.Is(err, assets.ErrNoVideo) {
			t.Errorf("got %v", err)
		}
	})
}

func TestFilmstrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, file string
		frames     int
	}{
		{"a video's strip has every cell filled with a different moment", "av.mp4", 8},
		{"a variable-frame-rate video's strip is filled to the end", "vfr.mp4", 10},
		{"a still's strip repeats the picture", "still.png", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			p, err := assets.Filmstrip(ctx, probe(t, tc.file), cache, tc.frames, 60)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, p)
			b := img.Bounds()
			if b.Dx() != tc.frames*80 || b.Dy() != 60 {
				t.Fatalf("strip is %dx%d, want %dx60", b.Dx(), b.Dy(), tc.frames*80)
			}
			var cells []float64
			for i := 0; i < tc.frames; i++ {
				m := mean(img, image.Rect(i*80, 0, i*80+80, 60))
				if m < 20 {
					t.Errorf("cell %d is black (mean %.1f): the strip ran out of frames", i, m)
				}
				cells = append(cells, m)
			}
			if tc.file == "av.mp4" {
				// testsrc2 moves: two cells the same would mean the same frame twice.
				for i := 1; i < len(cells); i++ {
					if cells[i] == cells[i-1] {
						t.Errorf("cells %d and %d look the same", i-1, i)
					}
				}
			}
			noLeftovers(t, cache)
		})
	}
}

func TestWaveform(t *testing.T) {
	ctx := context.Background()
	t.Run("a sine tone has about the same peak in every bucket", func(t *testing.T) {
		cache := t.TempDir()
		p, err := assets.Waveform(ctx, probe(t, "tone.wav"), cache, 50)
		if err != nil {
			t.Fatal(err)
		}
		if p.PerSecond != 50 || len(p.Max) != 50 || len(p.Min) != 50 {
			t.Fatalf("%d per second, %d/%d buckets; want 50 for 1 s", p.PerSecond, len(p.Min), len(p.Max))
		}
		maxes := append([]float32(nil), p.Max...)
		sort.Slice(maxes, func(i, j int) bool { return maxes[i] < maxes[j] })
		med := maxes[len(maxes)/2]
		if med < 0.05 {
			t.Fatalf("median peak %.3f: the tone is missing", med)
		}
		for i := range p.Max {
			if math.Abs(float64(p.Max[i]-med)) > 0.1*float64(med) || math.Abs(float64(-p.Min[i]-med)) > 0.15*float64(med) {
				t.Errorf("bucket %d: %.3f..%.3f, median peak %.3f", i, p.Min[i], p.Max[i], med)
			}
		}
		// The cached copy reads back the same.
		q, err := assets.Waveform(ctx, probe(t, "tone.wav"), cache, 50)
		if err != nil || len(q.Max) != len(p.Max) || math.Abs(float64(q.Max[10]-p.Max[10])) > 1.0/32768 {
			t.Errorf("cached: %v", err)
		}
		noLeftovers(t, cache)
	})
	t.Run("silence has peaks of zero", func(t *testing.T) {
		p, err := assets.Waveform(ctx, probe(t, "silence.wav"), t.TempDir(), 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Max) != 20 {
			t.Errorf("%d buckets, want 20", len(p.Max))
		}
		for i := range p.Max {
			if p.Max[i] > 0.001 || p.Min[i] < -0.001 {
				t.Errorf("bucket %d: %.4f..%.4f", i, p.Min[i], p.Max[i])
			}
		}
	})
	t.Run("a video's sound is used", func(t *testing.T) {
		p, err := assets.Waveform(ctx, probe(t, "av.mp4"), t.TempDir(), 10)
		if err != nil || len(p.Max) < 19 || len(p.Max) > 21 || p.Max[10] < 0.05 {
			t.Errorf("got %v, %v", p, err)
		}
	})
	t.Run("a file without sound is refused", func(t *testing.T) {
		_, err := assets.Waveform(ctx, probe(t, "vfr.mp4"), t.TempDir(), 10)
		if !errors.Is(err, assets.ErrNoAudio) {
			t.Errorf("got %v", err)
		}
	})
}

func ffprobeCount(t *testing.T, path string, keyOnly bool) int {
	t.Helper()
	bin, err := assets.FFprobe()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"}
	if keyOnly {
		args = append([]string{"-skip_frame", "nokey"}, args...)
	}
	out, err := exec.Command(bin, append(args, path)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("frame count %q: %v", out, err)
	}
	return n
}

func TestProxy(t *testing.T) {
	ctx := context.Background()
	t.Run("a 1080p file becomes 960x540, every frame a keyframe, sound kept", func(t *testing.T) {
		cache := t.TempDir()
		src := probe(t, "hd.mp4")
		var last, total float64
		p, err := assets.Proxy(ctx, src, cache, func(d, tot float64) { last, total = d, tot })
		if err != nil {
			t.Fatal(err)
		}
		in, err := assets.Probe(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if in.Width != 960 || in.Height != 540 || !in.HasAudio || in.Duration != src.Duration {
			t.Errorf("proxy %dx%d audio %v, %d frames (source %d)", in.Width, in.Height, in.HasAudio, in.Duration, src.Duration)
		}
		all, keys := ffprobeCount(t, p, false), ffprobeCount(t, p, true)
		if all != keys || all == 0 {
			t.Errorf("%d frames, %d keyframes", all, keys)
		}
		if last != total || total != src.Seconds {
			t.Errorf("last progress %v of %v, want %v", last, total, src.Seconds)
		}
		noLeftovers(t, cache)
	})
	t.Run("an image sequence gets a proxy of its frames at its rate", func(t *testing.T) {
		seq, err := assets.ProbeSequence(ctx, media(t, "seq"), 7, rt.Rate24)
		if err != nil {
			t.Fatal(err)
		}
		p, err := assets.Proxy(ctx, seq, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := assets.Probe(ctx, p)
		if err != nil || in.Duration != 12 || in.Rate != rt.Rate24 || in.HasAudio {
			t.Errorf("got %+v %v", in, err)
		}
	})
	t.Run("a small file keeps its size", func(t *testing.T) {
		p, err := assets.Proxy(ctx, probe(t, "av.mp4"), t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		in, err := assets.Probe(ctx, p)
		if err != nil || in.Width != 320 || in.Height != 240 {
			t.Errorf("got %v %v", in, err)
		}
	})
	t.Run("cancelling stops ffmpeg and leaves nothing in the cache", func(t *testing.T) {
		cache := t.TempDir()
		c, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := assets.Proxy(c, probe(t, "long.mp4"), cache, func(d, tot float64) {
			if d > 0 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if ents, _ := os.ReadDir(cache); len(ents) != 0 {
			t.Errorf("cache holds %d files after cancel", len(ents))
		}
	})
	t.Run("audio and stills are refused", func(t *testing.T) {
		if _, err := assets.Proxy(ctx, probe(t, "tone.wav"), t.TempDir(), nil); !errors.Is(err, assets.ErrNoVideo) {
			t.Errorf("audio: %v", err)
		}
		if _, err := assets.Proxy(ctx, probe(t, "still.png"), t.TempDir(), nil); err == nil {
			t.Error("still: no error")
		}
	})
}
