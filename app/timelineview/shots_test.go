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
	r.w.SetZoom(0.5, 400)
	r.capture(dir, "timeline-zoomed-out")
	_ = fyne.NewPos
	t.Logf("screenshots in %s", dir)
}
