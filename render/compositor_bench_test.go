package render_test

import (
	"context"
	"image"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// stillSource returns one pre-drawn picture for every frame, so a benchmark measures the
// compositor and not the test pattern.
type stillSource struct{ img *image.RGBA }

func (s stillSource) Frame(context.Context, rt.Time) (*image.RGBA, error) { return s.img, nil }
func (s stillSource) Close() error                                        { return nil }

func openStill(_ context.Context, m render.Media, req render.SourceRequest) (render.FrameSource, error) {
	return stillSource{synthFrame(m.Path[len("synth:"):], req.Width, req.Height, 3)}, nil
}

// BenchmarkCompositor1080p is the compositor alone (sources in memory) on the case:
// 1920×1080, three video layers with keyframed transforms, the bottom one mid-dissolve.
//   - V1: bars dissolving into a checkerboard, both with a keyframed push-in (scale 1 → 1.1)
//   - V2: a picture-in-picture at half size moving across the frame
//   - V3: a third-size layer rotating, in screen blend mode
func BenchmarkCompositor1080p(b *testing.B) {
	for _, bc := range []struct {
		name   string
		pushIn bool
	}{{"three_keyframed_layers", true}, {"static_bottom_layers", false}} {
		b.Run(bc.name, func(b *testing.B) {
			bl := newBuilder(b, 1920, 1080)
			v1, v2, v3 := bl.track(0, timeline.Video), bl.track(0, timeline.Video), bl.track(0, timeline.Video)
			var push []func(*timeline.Clip)
			if bc.pushIn {
				push = append(push, param("scale", 0, 1, 250, 1.1))
			}
			a := bl.clip(v1, media(bl.synth("bars", 1920, 1080)), 0, 125, 0, push...)
			c := bl.clip(v1, media(bl.synth("checker", 1920, 1080)), 125, 125, 30, push...)
			transition(bl, timeline.Dissolve, a, c, 50)
			bl.clip(v2, media(bl.synth("checker", 1920, 1080)), 0, 250, 0, param("scale", 0.5), param("position.x", 0, -500, 249, 500), param("position.y", 0, -100, 249, 150))
			bl.clip(v3, media(bl.synth("disc", 1920, 1080)), 0, 250, 0, param("scale", 0.33), param("rotation", 0, 0, 249, 360), blend("screen"))
			r := bl.renderer(render.RendererOptions{OpenVideo: openStill})
			ctx := context.Background()
			dst := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
			frames := []rt.Time{110, 115, 120, 125, 130, 135, 140} // inside the dissolve
			if err := r.FrameInto(ctx, frames[0], dst); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime()
			for i := 0; i < b.N; i++ {
				if err := r.FrameInto(ctx, frames[i%len(frames)], dst); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, b.N, time.Since(start), cpuTime()-cpu0)
		})
	}
}

// cpuTime is the CPU time this process has used (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports frames per second of wall time, and CPU milliseconds per frame: on a
// machine shared with other work the second says what the code costs, whatever the load.
func reportRate(b *testing.B, frames int, wall, cpu time.Duration) {
	b.ReportMetric(float64(frames)/wall.Seconds(), "frames/s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(frames), "cpu-ms/frame")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
