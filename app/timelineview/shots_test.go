package timelineview_test

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// testThumb is a flat picture whose shade depends on the source frame.
func testThumb(c *timeline.Clip, f rt.Time) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 18))
	v := uint8(60 + (f*7)%160)
	for y := 0; y < 18; y++ {
		for x := 0; x < 32; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: v, G: uint8(80 + x*3), B: uint8(120 + y*4), A: 255})
		}
	}
	return img
}

func testPeaks(c *timeline.Clip) []float32 {
	p := make([]float32, 1000)
	for i := range p {
		p[i] = float32(0.2 + 0.7*float64((i*37)%100)/100)
	}
	return p
}

func TestScreenshotsLookLikeAnEditor(t *testing.T) {
	dir := shotDir(t)
	r := newRig(t, fixture(t))
	r.w.Thumbs = testThumb
	r.w.Peaks = testPeaks
	r.w.SetPlayhead(60)
	r.w.SetInOut(24, 96)
	r.w.SetSelection(hero)
	r.w.Refresh()
	r.capture(dir, "timeline")
	r.dragStart(r.at(trV1, 130), r.at(trV1, 150), 0)
	r.capture(dir, "timeline-drag")
	r.w.DragEnd()

	// A ripple trim in progress, the razor guide, a marquee, a locked track.
	r2 := newRig(t, fixture(t))
	r2.w.Thumbs = testThumb
	r2.w.Peaks = testPeaks
	r2.dragStart(r2.at(trV1, 95.75), r2.at(trV1, 84), fyne.KeyModifierShift)
	r2.capture(dir, "timeline-ripple-trim")
	r2.w.DragEnd()
	r2.click(toggleAt(r2, trV2, 0), 0)
	r2.w.TypedRune('b')
	r2.w.MouseMoved(mouse(r2.at(trA1, 70), 0))
	r2.capture(dir, "timeline-razor-locked")
	r2.w.TypedRune('v')
	r2.dragStart(r2.at(trV1, 100), r2.at(trA1, 130), 0)
	r2.capture(dir, "timeline-marquee")
	r2.w.DragEnd()

	// A thousand clips fitted to the window.
	r3 := newRig(t, many(t, 1000, 3, 1))
	r3.win.Resize(fyne.NewSize(1200, 300))
	r3.w.Thumbs = testThumb
	r3.w.Peaks = testPeaks
	r3.w.ZoomToFit()
	r3.capture(dir, "timeline-1000")
	r3.w.SetZoom(6, 600)
	r3.capture(dir, "timeline-1000-zoomed")
	t.Logf("screenshots in %s", dir)
}
