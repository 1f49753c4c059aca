package project_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
)

// mirror drives a plain in-memory timeline and history exactly as the project is driven.
type mirror struct {
	tl *timeline.Timeline
	h  edit.History
}

func TestRandomEditsReopenToTheSameTimelineAndHistory(t *testing.T) {
	steps := 600
	if testing.Short() {
		steps = 300
	}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			p, _ := create(t)
			tl, err := timeline.New(hd)
			if err != nil {
				t.Fatal(err)
			}
			m := &mirror{tl: tl}
			both := func(line string) (error, error) {
				return p.Apply(cmd(t, line)), func() error { _, err := m.h.Apply(m.tl, cmd(t, line)); return err }()
			}
			for _, l := range starter {
				if e1, e2 := both(l); e1 != nil || e2 != nil {
					t.Fatalf("%s: %v / %v", l, e1, e2)
				}
			}
			counts := map[string]int{}
			for i := range steps {
				switch k := r.IntN(100); {
				case k < 10:
					_, e1 := p.Undo()
					_, e2 := m.h.Undo(m.tl)
					if (e1 == nil) != (e2 == nil) {
						t.Fatalf("step %d: undo: project %v, memory %v", i, e1, e2)
					}
					counts["undo"]++
				case k < 16:
					_, e1 := p.Redo()
					_, e2 := m.h.Redo(m.tl)
					if (e1 == nil) != (e2 == nil) {
						t.Fatalf("step %d: redo: project %v, memory %v", i, e1, e2)
					}
					counts["redo"]++
				case k < 22:
					name := fmt.Sprintf("group %d", i)
					if err := p.Begin(name); err != nil {
						t.Fatal(err)
					}
					m.h.Begin(name)
					for range 1 + r.IntN(4) {
						line := randomCommand(r, m.tl)
						if e1, e2 := both(line); (e1 == nil) != (e2 == nil) {
							t.Fatalf("step %d: %s: project %v, memory %v", i, line, e1, e2)
						}
					}
					if r.IntN(5) == 0 {
						if err := p.Cancel(); err != nil {
							t.Fatal(err)
						}
						m.h.Cancel(m.tl)
						counts["cancelled group"]++
					} else {
						if err := p.End(); err != nil {
							t.Fatal(err)
						}
						m.h.End()
						counts["group"]++
					}
				default:
					line := randomCommand(r, m.tl)
					e1, e2 := both(line)
					if (e1 == nil) != (e2 == nil) {
						t.Fatalf("step %d: %s: project %v, memory %v", i, line, e1, e2)
					}
					if e1 == nil {
						counts["applied"]++
					} else {
						counts["refused"]++
					}
				}
				if !p.Timeline().Equal(m.tl) {
					t.Fatalf("step %d: the project's timeline differs from the plain one", i)
				}
				if i%100 == 99 || i == steps-1 {
					p = reopen(t, p)
					if !p.Timeline().Equal(m.tl) {
						t.Fatalf("step %d: reopened timeline differs\n got %s\nwant %s", i, p.Timeline().JSON(), m.tl.JSON())
					}
					if got, want := historyJSON(t, p.History()), historyJSON(t, m.h); got != want {
						t.Fatalf("step %d: reopened history differs\n got %.2000s\nwant %.2000s", i, got, want)
					}
				}
			}
			if err := p.Check(t.Context()); err != nil {
				t.Fatal(err)
			}
			if counts["applied"] < steps/4 || counts["refused"] < steps/50 {
				t.Fatalf("generator is off balance: %v", counts)
			}
			t.Logf("%v; %d clips at the end", counts, m.tl.ClipCount())
		})
	}
}

func TestUndoAndRedoSurviveARestart(t *testing.T) {
	p, _ := create(t)
	apply(t, p, starter...)
	after := p.Timeline().Clone()
	for range 3 {
		if _, err := p.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	undone := p.Timeline().Clone()
	p = reopen(t, p)
	if !p.Timeline().Equal(undone) {
		t.Fatal("the reopened project is not the undone one")
	}
	h := p.History()
	if len(h.Done) != len(starter)-3 || len(h.Undone) != 3 {
		t.Fatalf("history has %d done and %d undone steps, want %d and 3", len(h.Done), len(h.Undone), len(starter)-3)
	}
	for range 3 {
		if _, err := p.Redo(); err != nil {
			t.Fatal(err)
		}
	}
	if !p.Timeline().Equal(after) {
		t.Fatal("redo after a restart did not give back the edit")
	}
	for range len(starter) {
		if _, err := p.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	p = reopen(t, p)
	empty, _ := timeline.New(hd)
	if !p.Timeline().Equal(empty) {
		t.Fatal("undoing everything did not give back the empty timeline after a restart")
	}
	if _, err := p.Undo(); err != edit.ErrNothingToUndo {
		t.Fatalf("undo past the start: %v, want %v", err, edit.ErrNothingToUndo)
	}
}

func TestAGroupIsOneUndoStepAndIsSavedAtEnd(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter[:4]...)
	before := p.Timeline().Clone()
	if err := p.Begin("Drag clip"); err != nil {
		t.Fatal(err)
	}
	apply(t, p, `{"op":"move","clip":5,"to":20}`, `{"op":"move","clip":5,"to":30}`)
	// A reader sees nothing of an open group: it is not committed yet.
	r, err := project.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Timeline().Equal(before) {
		t.Fatal("an open group is visible in the file")
	}
	if err := p.End(); err != nil {
		t.Fatal(err)
	}
	moved := p.Timeline().Clone()
	if changed, err := r.Changed(); err != nil || !changed {
		t.Fatalf("reader does not see the group's commit: %v %v", changed, err)
	}
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	if !r.Timeline().Equal(moved) {
		t.Fatal("the reader's reloaded timeline is not the writer's")
	}
	e, err := p.Undo()
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "Drag clip" || !p.Timeline().Equal(before) {
		t.Fatalf("one undo gave %q and did not undo the whole group", e.Name)
	}
}

func TestClosingWithAnOpenGroupSavesNothingOfIt(t *testing.T) {
	p, _ := create(t)
	apply(t, p, starter[:4]...)
	before := p.Timeline().Clone()
	p.Begin("unfinished")
	apply(t, p, `{"op":"lift","clip":5}`)
	p = reopen(t, p)
	if !p.Timeline().Equal(before) {
		t.Fatal("an unfinished group reached the file")
	}
	if n := len(p.History().Done); n != 4 {
		t.Fatalf("history has %d steps, want 4", n)
	}
}

func TestNegativeZeroSurvivesTheFile(t *testing.T) {
	p, _ := create(t)
	apply(t, p, starter[:4]...)
	apply(t, p, `{"op":"set-keyframe","clip":5,"param":"rotation","t":3,"v":-0,"out_dt":-0}`, `{"op":"set-param","clip":5,"param":"scale","value":-0}`)
	want := p.Timeline().Clone()
	p = reopen(t, p)
	if got := p.Timeline(); !got.Equal(want) {
		t.Fatalf("got %s\nwant %s", got.JSON(), want.JSON())
	}
}
