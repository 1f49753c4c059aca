package render_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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

// clip1080 is a 10 s 1080p25 H.264 file with a 250-frame GOP (one keyframe), made once per
// run and removed by TestMain.
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

// BenchmarkSeekUncached is a random seek to an uncached frame: every request lands more than
// 2 s from the last, so the decoder restarts ffmpeg, which seeks to the keyframe before
// (here always frame 0) and decodes forward. The worst case for a 250-frame GOP.
func BenchmarkSeekUncached(b *testing.B) {
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

// BenchmarkSequentialFrame1080p is playback's steady state: the next frame off the pipe.
func BenchmarkSequentialFrame1080p(b *testing.B) {
	path := clip1080(b)
	ctx := context.Background()
	v, err := render.OpenVideo(ctx, path, render.SourceOptions{Rate: rt.Rate25})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	n := rt.Time(0)
	t0 := time.Now()
	for b.Loop() {
		img, err := v.Frame(ctx, n%250)
		if err != nil {
			b.Fatal(err)
		}
		render.PutFrame(img) // nobody else holds it
		n++
	}
	b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "fps")
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
