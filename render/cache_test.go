package render_test

import (
	"image"
	"sync"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// tenByTen is a 400-byte frame.
func tenByTen() *image.RGBA { return image.NewRGBA(image.Rect(0, 0, 10, 10)) }

func frameKey(src string, n rt.Time) render.FrameKey {
	return render.FrameKey{Path: src, Frame: n, Width: 10, Height: 10}
}

func TestTheCacheEvictsInOrder(t *testing.T) {
	t.Run("without a playhead the least recently used frame goes first", func(t *testing.T) {
		c := render.NewCache(3 * 400)
		c.Put(frameKey("a", 0), tenByTen())
		c.Put(frameKey("a", 1), tenByTen())
		c.Put(frameKey("a", 2), tenByTen())
		c.Get(frameKey("a", 0)) // now 1 is the least recently used
		c.Put(frameKey("a", 3), tenByTen())
		for n, want := range []bool{true, false, true, true} {
			if _, ok := c.Get(frameKey("a", rt.Time(n))); ok != want {
				t.Errorf("frame %d cached = %v, want %v", n, ok, want)
			}
		}
	})
	t.Run("frames near the playhead outlive newer ones far from it", func(t *testing.T) {
		c := render.NewCache(4000) // ten frames
		c.Neighborhood = 2
		c.SetPlayhead("a", 0)
		for n := range 30 {
			c.Put(frameKey("a", rt.Time(n)), tenByTen())
			if s := c.Stats(); s.Bytes > 4000 {
				t.Fatalf("cache holds %d bytes, budget 4000", s.Bytes)
			}
		}
		for _, n := range []rt.Time{0, 1, 2, 29, 28, 23} {
			if _, ok := c.Get(frameKey("a", n)); !ok {
				t.Errorf("frame %d was evicted (playhead neighbours and the newest stay)", n)
			}
		}
		for _, n := range []rt.Time{3, 10, 22} {
			if _, ok := c.Get(frameKey("a", n)); ok {
				t.Errorf("old frame %d away from the playhead should have been evicted", n)
			}
		}
		if s := c.Stats(); s.Frames != 10 || s.Bytes != 4000 || s.Max != 4000 || s.Hits != 6 || s.Misses != 3 {
			t.Errorf("stats %+v, want 10 frames, 4000 bytes, 6 hits, 3 misses", s)
		}
	})
	t.Run("a playhead protects only its own source", func(t *testing.T) {
		c := render.NewCache(4 * 400)
		c.Neighborhood = 1
		c.SetPlayhead("a", 5)
		c.Put(frameKey("a", 5), tenByTen())
		c.Put(frameKey("b", 5), tenByTen())
		for n := range 3 {
			c.Put(frameKey("c", rt.Time(n)), tenByTen())
		}
		if _, ok := c.Get(frameKey("a", 5)); !ok {
			t.Error("the frame at a's playhead was evicted")
		}
		if _, ok := c.Get(frameKey("b", 5)); ok {
			t.Error("b's frame 5 is not at any playhead of b and was the oldest")
		}
	})
	t.Run("a moved playhead releases the old neighbourhood", func(t *testing.T) {
		c := render.NewCache(3 * 400)
		c.Neighborhood = 1
		c.SetPlayhead("a", 0)
		c.Put(frameKey("a", 0), tenByTen())
		c.Put(frameKey("a", 1), tenByTen())
		c.SetPlayhead("a", 50)
		c.Put(frameKey("a", 50), tenByTen())
		c.Put(frameKey("a", 51), tenByTen())
		if _, ok := c.Get(frameKey("a", 0)); ok {
			t.Error("frame 0 stayed after the playhead left it")
		}
		if _, ok := c.Get(frameKey("a", 50)); !ok {
			t.Error("frame 50 at the playhead was evicted")
		}
	})
	t.Run("the same frame at another size is another entry", func(t *testing.T) {
		c := render.NewCache(0)
		c.Put(frameKey("a", 1), tenByTen())
		if _, ok := c.Get(render.FrameKey{Path: "a", Frame: 1, Width: 5, Height: 5}); ok {
			t.Error("a 5x5 request was answered with a 10x10 frame")
		}
		if s := c.Stats(); s.Max != render.DefaultCacheBytes {
			t.Errorf("default budget %d, want %d", s.Max, render.DefaultCacheBytes)
		}
	})
	t.Run("a frame larger than the budget is not kept and evicts nothing", func(t *testing.T) {
		c := render.NewCache(1000)
		c.Put(frameKey("a", 0), tenByTen())
		c.Put(render.FrameKey{Path: "a", Frame: 1, Width: 20, Height: 20}, image.NewRGBA(image.Rect(0, 0, 20, 20)))
		if s := c.Stats(); s.Frames != 1 || s.Bytes != 400 {
			t.Errorf("stats %+v, want only the small frame", s)
		}
	})
	t.Run("putting a key again replaces the frame and keeps the byte count right", func(t *testing.T) {
		c := render.NewCache(0)
		first, second := tenByTen(), tenByTen()
		c.Put(frameKey("a", 0), first)
		c.Put(frameKey("a", 0), second)
		got, _ := c.Get(frameKey("a", 0))
		if got != second {
			t.Error("Get returned the replaced frame")
		}
		if s := c.Stats(); s.Frames != 1 || s.Bytes != 400 {
			t.Errorf("stats %+v, want 1 frame of 400 bytes", s)
		}
	})
}

func TestTheCacheIsSafeFromManyGoroutines(t *testing.T) {
	c := render.NewCache(20 * 400)
	c.Neighborhood = 3
	var wg sync.WaitGroup
	const workers, ops = 8, 2000
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := string(rune('a' + g%3))
			for i := range ops {
				n := rt.Time((i * (g + 3)) % 50)
				k := frameKey(src, n)
				if img, ok := c.Get(k); ok {
					if img.Bounds().Dx() != 10 {
						t.Errorf("got a frame of the wrong size")
						return
					}
				} else {
					c.Put(k, tenByTen())
				}
				if i%100 == 0 {
					c.SetPlayhead(src, n)
				}
			}
		}()
	}
	wg.Wait()
	s := c.Stats()
	if s.Bytes > 20*400 || s.Bytes != int64(s.Frames)*400 {
		t.Errorf("stats %+v: over budget or bytes not matching frames", s)
	}
	if s.Hits+s.Misses != workers*ops {
		t.Errorf("%d hits + %d misses, want %d lookups", s.Hits, s.Misses, workers*ops)
	}
}
