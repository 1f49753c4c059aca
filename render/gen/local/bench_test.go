package local_test

import (
	"testing"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/timeline/rt"
)

// BenchmarkImageToVideo1080p renders 5 s at 1080p24 from a 4K still with a dolly and a pan
// (goal: under 10 s a run on 2 cores).
func BenchmarkImageToVideo1080p(b *testing.B) {
	be := newBackend(b)
	img := still(b, "uhd.png", "testsrc2=s=3840x2160")
	c := cam(b, "dolly in slow and pan right")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mustRun(b, be, gen.Request{Op: gen.ImageToVideo, FPS: rt.Rate24, Frames: 120, Width: 1920, Height: 1080, Seed: 1,
			Camera: c, Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
	}
}
