package timelineview_test

import (
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/timelineview"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// BenchmarkScrollStep measures one horizontal scroll step (SetScroll → Refresh → the
// renderer places every visible object; Objects is read as a painter would) on a
// 1920×1080 timeline of 12 tracks (8 video with thumbnails, 4 audio with waveforms).
// "fit" shows the whole edit, so every clip is on screen; "zoomed" shows about 1,000 frames.
// Goal: under 8 ms per step with 1,000 clips on screen.
func BenchmarkScrollStep(b *testing.B) {
	for _, c := range []struct {
		name  string
		clips int
		fit   bool
	}{
		{"1000clips/fit", 1000, true},
		{"10000clips/fit", 10000, true},
		{"10000clips/zoomed", 10000, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			test.NewTempApp(b)
			w := timelineview.New()
			thumb := image.NewNRGBA(image.Rect(0, 0, 64, 36))
			for i := range thumb.Pix {
				thumb.Pix[i] = uint8(i)
			}
			peaks := make([]float32, 1000)
			for i := range peaks {
				peaks[i] = float32(i%10) / 10
			}
			w.Thumbs = func(*timeline.Clip, rt.Time) image.Image { return thumb }
			w.Peaks = func(*timeline.Clip) []float32 { return peaks }
			win := test.NewTempWindow(b, w)
			win.SetPadded(false)
			win.Resize(fyne.NewSize(1920, 1080))
			w.SetTimeline(many(b, c.clips, 8, 4))
			if c.fit {
				w.ZoomToFit()
			} else {
				w.SetZoom(float64(1920-timelineview.HeaderWidth)/1000, timelineview.HeaderWidth)
			}
			rd := test.WidgetRenderer(w)
			_ = color.White
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				// Scroll back and forth by a few pixels per step, as a wheel or drag does.
				w.SetScroll(float64(i%16)*6/w.Zoom(), 0)
				_ = rd.Objects()
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/step")
		})
	}
}
