package curveeditor_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/curveeditor"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// BenchmarkKeyDragStep measures one pointer move of a key drag (the curve through the key
// and the key redrawn) on a 1600×900 editor whose every picture parameter has 24 keys.
func BenchmarkKeyDragStep(b *testing.B) {
	test.NewTempApp(b)
	tl := fixture(b)
	for _, d := range keyframe.Clip() {
		if d.Group == "Audio" {
			continue
		}
		for k := 0; k < 24; k++ {
			v := d.Clamp(d.Default + float64(k%3)*0.1)
			if _, err := (&edit.SetKeyframe{Clip: hero, Param: d.Name, KeySpec: edit.KeySpec{T: rt.Time(2 * k), V: v, Interp: keyframe.EaseInOutSine}}).Apply(tl); err != nil {
				b.Fatal(err)
			}
		}
	}
	e := curveeditor.New()
	w := test.NewTempWindow(b, e)
	w.Resize(fyne.NewSize(1600, 900))
	e.SetClip(tl, hero)
	from, _ := e.KeyPos(curveeditor.KeyRef{Param: "opacity", T: 20})
	e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: from.AddXY(1, 1)}, Dragged: fyne.NewDelta(1, 1)})
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		d := float32(i%10) - 5
		e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: from.AddXY(d, d)}, Dragged: fyne.NewDelta(d, d)})
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/step")
	e.DragEnd()
}
