package edit_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
)

// randomCommand makes a command that is often valid and sometimes not: ids and frames are
// drawn near the ones in use.
func randomCommand(r *rand.Rand, tl *timeline.Timeline) string {
	var clips, tracks, trans, markers []timeline.ID
	for _, s := range tl.Sequences() {
		for _, m := range s.Markers {
			markers = append(markers, m.ID)
		}
		for _, t := range s.Tracks {
			tracks = append(tracks, t.ID)
			for _, c := range t.Clips {
				clips = append(clips, c.ID)
			}
			for _, tr := range t.Transitions {
				trans = append(trans, tr.ID)
			}
		}
	}
	pick := func(ids []timeline.ID) timeline.ID {
		if len(ids) == 0 || r.IntN(20) == 0 {
			return timeline.ID(r.IntN(int(tl.NextID) + 3))
		}
		return ids[r.IntN(len(ids))]
	}
	f := func() int { return r.IntN(400) - 5 }
	d := func() int { return r.IntN(60) - 3 }
	by := func() int { return r.IntN(41) - 20 }
	interps := keyframe.AllInterps()
	switch r.IntN(27) {
	case 0:
		return fmt.Sprintf(`{"op":"add-track","kind":%q}`, []string{"video", "audio"}[r.IntN(2)])
	case 1:
		return fmt.Sprintf(`{"op":"remove-track","track":%d}`, pick(tracks))
	case 2:
		return fmt.Sprintf(`{"op":"move-track","track":%d,"index":%d}`, pick(tracks), r.IntN(5))
	case 3:
		return fmt.Sprintf(`{"op":"set-track","track":%d,"lock":%v,"mute":%v}`, pick(tracks), r.IntN(6) == 0, r.IntN(2) == 0)
	case 4, 5:
		return fmt.Sprintf(`{"op":"insert","track":%d,"at":%d,"sync":%v,"clip":{"media":%d,"in":%d,"dur":%d,"source_dur":%d}}`,
			pick(tracks), f(), r.IntN(2) == 0, 1+r.IntN(5), r.IntN(100), d(), []int{0, 300}[r.IntN(2)])
	case 6, 7:
		return fmt.Sprintf(`{"op":"overwrite","track":%d,"at":%d,"clip":{"media":%d,"in":%d,"dur":%d,"source_dur":300}}`,
			pick(tracks), f(), 1+r.IntN(5), r.IntN(100), d())
	case 8:
		return fmt.Sprintf(`{"op":"append","track":%d,"clip":{"media":2,"dur":%d}}`, pick(tracks), d())
	case 9:
		return fmt.Sprintf(`{"op":"lift","clip":%d}`, pick(clips))
	case 10:
		return fmt.Sprintf(`{"op":"ripple-delete","clip":%d,"sync":%v}`, pick(clips), r.IntN(3) == 0)
	case 11:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"split","at":%d}`, f())
		}
		return fmt.Sprintf(`{"op":"split","clip":%d,"at":%d}`, pick(clips), f())
	case 12:
		return fmt.Sprintf(`{"op":"trim-head","clip":%d,"by":%d,"ripple":%v}`, pick(clips), by(), r.IntN(2) == 0)
	case 13:
		return fmt.Sprintf(`{"op":"trim-tail","clip":%d,"by":%d,"ripple":%v}`, pick(clips), by(), r.IntN(2) == 0)
	case 14:
		return fmt.Sprintf(`{"op":"roll","clip":%d,"by":%d}`, pick(clips), by())
	case 15:
		return fmt.Sprintf(`{"op":"slip","clip":%d,"by":%d}`, pick(clips), by())
	case 16:
		return fmt.Sprintf(`{"op":"slide","clip":%d,"by":%d}`, pick(clips), by())
	case 17:
		return fmt.Sprintf(`{"op":"move","clip":%d,"to":%d,"track":%d}`, pick(clips), f(), pick(tracks))
	case 18:
		return fmt.Sprintf(`{"op":"set-clip","clip":%d,"speed":{"num":%d,"den":%d},"enabled":%v}`, pick(clips), r.IntN(5)-1, 1+r.IntN(3), r.IntN(4) != 0)
	case 19:
		return fmt.Sprintf(`{"op":"set-keyframe","clip":%d,"param":%q,"t":%d,"v":%g,"interp":%q}`,
			pick(clips), []string{"opacity", "scale", "position.x", "volume"}[r.IntN(4)], r.IntN(60), r.Float64(), interps[r.IntN(len(interps))])
	case 20:
		return fmt.Sprintf(`{"op":"remove-keyframe","clip":%d,"param":"opacity","t":%d}`, pick(clips), r.IntN(60))
	case 21:
		return fmt.Sprintf(`{"op":"move-keyframe","clip":%d,"param":"scale","from":%d,"to":%d}`, pick(clips), r.IntN(60), r.IntN(60))
	case 22:
		return fmt.Sprintf(`{"op":"add-transition","a":%d,"kind":%q,"dur":%d,"align":%q}`, pick(clips),
			[]string{"dissolve", "dip", "wipe"}[r.IntN(3)], 1+r.IntN(20), []string{"center", "start", "end"}[r.IntN(3)])
	case 23:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"remove-transition","transition":%d}`, pick(trans))
		}
		return fmt.Sprintf(`{"op":"set-transition","transition":%d,"dur":%d}`, pick(trans), 1+r.IntN(30))
	case 24:
		return fmt.Sprintf(`{"op":"add-marker","at":%d,"name":"m"}`, f())
	case 25:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"move-marker","marker":%d,"at":%d}`, pick(markers), f())
		}
		return fmt.Sprintf(`{"op":"remove-marker","marker":%d}`, pick(markers))
	default:
		if r.IntN(2) == 0 {
			return fmt.Sprintf(`{"op":"extract","start":%d,"dur":%d}`, f(), d())
		}
		return fmt.Sprintf(`{"op":"lift-range","start":%d,"dur":%d}`, f(), d())
	}
}

func TestTenThousandRandomCommandsUndoToTheStartAndRedoToTheEnd(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 42))
			tl := fixture(t)
			start := tl.Clone()
			var h edit.History
			applied, refused := 0, 0
			n := 10000
			if testing.Short() {
				n = 2000
			}
			for i := range n {
				line := randomCommand(r, tl)
				c, err := edit.Unmarshal([]byte(line))
				if err != nil {
					t.Fatalf("step %d: generator made bad JSON %s: %v", i, line, err)
				}
				before := tl.JSON()
				if _, err := h.Apply(tl, c); err != nil {
					refused++
					if string(tl.JSON()) != string(before) {
						t.Fatalf("step %d: refused %s (%v) but the timeline changed", i, line, err)
					}
					continue
				}
				applied++
				if i%50 == 0 {
					if err := tl.Clone().Check(); err != nil {
						t.Fatalf("step %d: after %s the model is broken: %v", i, line, err)
					}
				}
			}
			if applied < n/5 || refused < n/50 {
				t.Fatalf("generator is off balance: %d applied, %d refused", applied, refused)
			}
			end := tl.Clone()
			for range applied {
				if _, err := h.Undo(tl); err != nil {
					t.Fatal(err)
				}
			}
			if !tl.Equal(start) {
				t.Fatal("undo all did not give back the start")
			}
			for range applied {
				if _, err := h.Redo(tl); err != nil {
					t.Fatal(err)
				}
			}
			if !tl.Equal(end) {
				t.Fatal("redo all did not give back the end")
			}
			t.Logf("%d applied, %d refused, %d clips at the end", applied, refused, tl.ClipCount())
		})
	}
}
