package keyframe_test

import (
	"testing"

	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func benchCurve(interps []keyframe.Interp) *keyframe.Curve {
	c := &keyframe.Curve{}
	for i := range 1000 {
		k := keyframe.Key{T: rt.Time(i * 7), V: float64(i % 13), Interp: interps[i%len(interps)]}
		if k.Interp == keyframe.Bezier {
			k.OutDT, k.OutDV, k.InDT, k.InDV = 5, 2, -3, 1
		}
		c.Keys = append(c.Keys, k)
	}
	return c
}

func benchValueAt(b *testing.B, c *keyframe.Curve) {
	var sink float64
	t := 0.0
	for b.Loop() {
		sink += c.ValueAt(t)
		t += 6.91
		if t > 7000 {
			t -= 7000
		}
	}
	_ = sink
}

// BenchmarkValueAt evaluates 1,000-key curves at times spread over them: the binary search
// plus one segment. Goal: well under 1 µs per call.
func BenchmarkValueAt(b *testing.B) {
	b.Run("linear", func(b *testing.B) { benchValueAt(b, benchCurve([]keyframe.Interp{keyframe.Linear})) })
	b.Run("bezier", func(b *testing.B) { benchValueAt(b, benchCurve([]keyframe.Interp{keyframe.Bezier})) })
	b.Run("smooth", func(b *testing.B) { benchValueAt(b, benchCurve([]keyframe.Interp{keyframe.Smooth})) })
	b.Run("mixed", func(b *testing.B) { benchValueAt(b, benchCurve(keyframe.AllInterps())) })
}
