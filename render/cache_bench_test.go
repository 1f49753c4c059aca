package render_test

import (
	"image"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// BenchmarkCachedFrame is a cache hit for a 1080p frame in a full cache.
func BenchmarkCachedFrame(b *testing.B) {
	c := render.NewCache(0)
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for n := range 60 {
		c.Put(render.FrameKey{Path: "x", Width: 1920, Height: 1080, Frame: rt.Time(n)}, img)
	}
	c.SetPlayhead("x", 30)
	k := render.FrameKey{Path: "x", Width: 1920, Height: 1080, Frame: 7}
	for b.Loop() {
		if _, ok := c.Get(k); !ok {
			b.Fatal("miss")
		}
	}
}

// BenchmarkCachePutEvict is a Put into a full cache that must evict.
func BenchmarkCachePutEvict(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 480, 270)) // a quarter-scale preview frame
	c := render.NewCache(int64(len(img.Pix)) * 1000)
	c.SetPlayhead("x", 0)
	n := rt.Time(0)
	for b.Loop() {
		c.Put(render.FrameKey{Path: "x", Width: 480, Height: 270, Frame: n}, img)
		n++
	}
}
