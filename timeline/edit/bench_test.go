package edit_test

import (
	"fmt"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// tenThousand builds 10,000 clips on two tracks with edit commands.
func tenThousand(b *testing.B) *timeline.Timeline {
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		b.Fatal(err)
	}
	mustApply(b, tl, `{"op":"add-track","kind":"video"}`)
	mustApply(b, tl, `{"op":"add-track","kind":"audio"}`)
	for i := range 10000 {
		mustApply(b, tl, fmt.Sprintf(`{"op":"append","track":%d,"clip":{"media":1,"in":%d,"dur":%d}}`, 2+i%2, i%100, 24+i%24))
	}
	return tl
}

func benchApplyUndo(b *testing.B, cmd func(tl *timeline.Timeline) edit.Command) {
	tl := tenThousand(b)
	for b.Loop() {
		inv, err := cmd(tl).Apply(tl)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := inv.Apply(tl); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyUndoSplit10000Clips(b *testing.B) {
	benchApplyUndo(b, func(tl *timeline.Timeline) edit.Command {
		c := tl.Tracks[0].Clips[2500]
		return &edit.Split{Clip: c.ID, At: c.Start + 5}
	})
}

func BenchmarkApplyUndoRippleDelete10000Clips(b *testing.B) {
	benchApplyUndo(b, func(tl *timeline.Timeline) edit.Command {
		return &edit.RippleDelete{Clip: tl.Tracks[0].Clips[10].ID}
	})
}

func BenchmarkApplyUndoSetKeyframe10000Clips(b *testing.B) {
	benchApplyUndo(b, func(tl *timeline.Timeline) edit.Command {
		return &edit.SetKeyframe{Clip: tl.Tracks[0].Clips[4000].ID, Param: "opacity", KeySpec: edit.KeySpec{T: 3, V: 0.5}}
	})
}
