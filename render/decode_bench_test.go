package render_test

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

var bench1080 struct {
	once sync.Once
	path string
	err  error
}

// clip1080 is a 10 s 1080p25 H.264 file with a 250-frame GOP, made once per run.
func clip1080(b *testing.B) string {
	bench1080.once.Do(func() {
		dir, err := os.MkdirTemp("", "slate-bench")
		if err != nil {
			bench1080.err = err
			return
		}
		bench1080.path = filepath.Join(dir, "gop250.mp4")
		bench1080.err = ff("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=10", "-c:v", "libx264", "-preset", "veryfast",
			"-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-pix_fmt", "yuv420p", bench1080.path)
	})
	if bench1080.err != nil {
		b.Fatal(bench1080.err)
	}
	return bench1080.path
}

// Random seek to an uncached frame: every request lands more than 2 s from the last, so the
// decoder restarts, seeks to the keyframe before and decodes forward.
func BenchmarkSeekUncached1080pGOP250(b *testing.B) {
	path := clip1080(b)
	ctx := context.Background()
	v, err := render.OpenVideo(ctx, path, render.SourceOptions{Rate: rt.Rate25})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	r := rand.New(rand.NewPCG(1, 1))
	last := rt.Time(0)
	var times []time.Duration
	for b.Loop() {
		n := rt.Time(r.IntN(250))
		for n > last-60 && n < last+60 {
			n = rt.Time(r.IntN(250))
		}
		last = n
		t0 := time.Now()
		if _, err := v.Frame(ctx, n); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	b.ReportMetric(float64(median(times).Microseconds())/1000, "ms/seek-median")
}

func BenchmarkCachedFrame1080p(b *testing.B) {
	c := render.NewCache(0)
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	k := render.FrameKey{Path: "x", Width: 1920, Height: 1080, Frame: 7}
	c.Put(k, img)
	for b.Loop() {
		if _, ok := c.Get(k); !ok {
			b.Fatal("miss")
		}
	}
}

// Encoding 1080p through the Encoder against ffmpeg alone reading the same raw frames from a
// pipe with the same x264 settings: the ratio is our overhead.
func BenchmarkEncodeH264_1080pAgainstFFmpegAlone(b *testing.B) {
	const frames = 100
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 / 3)
	}
	h264, _ := render.LookupPreset("h264")
	dir := b.TempDir()
	var ours, alone []time.Duration
	for b.Loop() {
		t0 := time.Now()
		e, err := render.NewEncoder(context.Background(), render.EncodeOptions{Path: filepath.Join(dir, "o.mp4"), Preset: h264, Width: 1920, Height: 1080, Rate: rt.Rate25})
		if err != nil {
			b.Fatal(err)
		}
		for range frames {
			if err := e.WriteFrame(img); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
		ours = append(ours, time.Since(t0))

		t0 = time.Now()
		cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", "1920x1080", "-framerate", "25", "-i", "pipe:0"},
			append(h264.VideoArgs, filepath.Join(dir, "f.mp4"))...)...)
		in, _ := cmd.StdinPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for range frames {
			in.Write(img.Pix)
		}
		in.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		alone = append(alone, time.Since(t0))
	}
	mo, ma := median(ours), median(alone)
	b.ReportMetric(frames/mo.Seconds(), "fps-slate")
	b.ReportMetric(frames/ma.Seconds(), "fps-ffmpeg")
	b.ReportMetric(ma.Seconds()/mo.Seconds(), "ratio-of-bound")
	fmt.Fprintf(os.Stderr, "encode 1080p h264: slate %.1f fps, ffmpeg alone %.1f fps, ratio %.2f\n", frames/mo.Seconds(), frames/ma.Seconds(), ma.Seconds()/mo.Seconds())
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
