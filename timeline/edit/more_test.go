package edit_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
)

func TestInvalidCommandsAreRefusedAndChangeNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		cmd   string
		err   string
	}{
		{"a clip that does not exist", nil, `{"op":"lift","clip":99}`, "no clip 99"},
		{"a split outside the clip", nil, `{"op":"split","clip":5,"at":60}`, "not inside clip 5"},
		{"a split where no clip is", nil, `{"op":"razor","at":100000}`, "no clip to split"},
		{"an edit on a locked track", []string{`{"op":"set-track","track":2,"lock":true}`}, `{"op":"slip","clip":5,"by":1}`, "locked"},
		{"a trim that overlaps the next clip", nil, `{"op":"trim-tail","clip":5,"by":1}`, "overlaps"},
		{"a trim that leaves nothing", nil, `{"op":"trim-head","clip":5,"by":48}`, "leaves nothing"},
		{"a slip past the start of the source", nil, `{"op":"slip","clip":5,"by":-1}`, "outside the source"},
		{"a slip past the end of the source", nil, `{"op":"slip","clip":6,"by":900}`, "outside the source"},
		{"a ripple delete with sync over a busy track", nil, `{"op":"ripple-delete","clip":5,"sync":true}`, "has clips"},
		{"a roll with no clip after", nil, `{"op":"roll","clip":7,"by":1}`, "no clip right after"},
		{"a transition with no clip after", nil, `{"op":"add-transition","a":7,"kind":"dissolve","dur":10}`, "no clip starts"},
		{"a transition longer than its clips", nil, `{"op":"add-transition","a":5,"kind":"dissolve","dur":200}`, "do not fit"},
		{"a transition with no handle", []string{`{"op":"slip","clip":6,"by":-100}`}, `{"op":"add-transition","a":5,"kind":"wipe","dur":10,"align":"end"}`, "no media before its in point"},
		{"a transition of an unknown kind", nil, `{"op":"add-transition","a":5,"kind":"spin","dur":10}`, "unknown kind"},
		{"a move of video onto an audio track", nil, `{"op":"move","clip":5,"to":200,"track":4}`, "audio track"},
		{"a negative position", nil, `{"op":"overwrite","track":2,"at":-5,"clip":{"media":1,"dur":5}}`, "negative"},
		{"a clip without a source", nil, `{"op":"append","track":2,"clip":{"dur":5}}`, "source"},
		{"a keyframe on an unknown parameter", nil, `{"op":"set-keyframe","clip":5,"param":"wobble","t":0,"v":1}`, "unknown parameter"},
		{"a keyframe with an unknown interpolation", nil, `{"op":"set-keyframe","clip":5,"param":"opacity","t":0,"v":1,"interp":"zigzag"}`, "zigzag"},
		{"removing a keyframe that is not there", nil, `{"op":"remove-keyframe","clip":5,"param":"opacity","t":3}`, "no keyframe"},
		{"a marker before frame 0", nil, `{"op":"add-marker","at":-1}`, "out of range"},
		{"a sequence that contains itself", []string{`{"op":"add-sequence","name":"N"}`, `{"op":"add-track","kind":"video","seq":10}`},
			`{"op":"append","track":11,"clip":{"sequence":10,"dur":5}}`, "cannot contain itself"},
		{"removing the main sequence", nil, `{"op":"remove-sequence","seq":1}`, "main sequence"},
		{"a bad speed", nil, `{"op":"set-clip","clip":5,"speed":{"num":1,"den":0}}`, "speed"},
		{"a speed that runs past the source", nil, `{"op":"set-clip","clip":6,"speed":{"num":100,"den":1}}`, "outside the source"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := fixture(t)
			for _, s := range tc.setup {
				mustApply(t, tl, s)
			}
			before := tl.Clone()
			c, err := edit.Unmarshal([]byte(tc.cmd))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Apply(tl)
			if err == nil {
				t.Fatalf("%s was accepted:\n%s", tc.cmd, layout(tl))
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q does not mention %q", err, tc.err)
			}
			if !tl.Equal(before) {
				t.Errorf("a refused command changed the timeline:\n%s", layout(tl))
			}
			if err := tl.Check(); err != nil {
				t.Errorf("model broken after a refused command: %v", err)
			}
		})
	}
}

func TestBadJSONIsRefusedWithAClearMessage(t *testing.T) {
	tests := []struct{ name, in, err string }{
		{"not JSON", `split at 5`, "not a command"},
		{"no op", `{"clip":5}`, `no "op"`},
		{"an unknown op", `{"op":"explode"}`, `unknown op "explode"`},
		{"an unknown field", `{"op":"split","clip":5,"at":3,"when":"now"}`, `unknown field "when"`},
		{"a wrong type", `{"op":"split","clip":"five"}`, "split"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := edit.Unmarshal([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.err)
			}
		})
	}
}

func TestTransitionsFollowTheirCut(t *testing.T) {
	tests := []struct {
		name, cmd, want string
	}{
		{"a split of the outgoing clip hands the transition to the right part",
			`{"op":"split","clip":5,"at":10}`,
			"V1: A 0+10@0 A 10+38@10 ~dissolve:12/center~ B 48+48@100 | C 120+48@0"},
		{"a roll keeps the transition on the moved cut",
			`{"op":"roll","clip":5,"by":4}`,
			"V1: A 0+52@0 ~dissolve:12/center~ B 52+44@104 | C 120+48@0"},
		{"a non-ripple trim that opens a gap removes the transition",
			`{"op":"trim-tail","clip":5,"by":-4}`,
			"V1: A 0+44@0 | B 48+48@100 | C 120+48@0"},
		{"a ripple trim keeps the clips together and the transition with them",
			`{"op":"trim-tail","clip":5,"by":-4,"ripple":true}`,
			"V1: A 0+44@0 ~dissolve:12/center~ B 44+48@100 | C 116+48@0"},
		{"lifting a clip removes its transition",
			`{"op":"lift","clip":6}`,
			"V1: A 0+48@0 | C 120+48@0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := fixture(t)
			mustApply(t, tl, `{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`)
			c, _ := edit.Unmarshal([]byte(tc.cmd))
			want := strings.Replace(start, "V1: A 0+48@0 B 48+48@100 | C 120+48@0", tc.want, 1)
			checkUndoRedo(t, tl, c, want)
		})
	}
}

func TestATransitionShowsBothClipsOverItsSpan(t *testing.T) {
	tl := fixture(t)
	mustApply(t, tl, `{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`)
	_, v1, _, _ := tl.Track(2)
	for f := int64(0); f < 120; f++ {
		l, ok := v1.LayerAt(timelineTime(f))
		inside := f >= 42 && f < 54
		if gap := f >= 96; !ok || gap {
			if ok == gap {
				t.Fatalf("frame %d: shows something = %v", f, ok)
			}
			continue
		}
		if (l.Transition != nil) != inside {
			t.Fatalf("frame %d: in transition = %v, want %v", f, l.Transition != nil, inside)
		}
		if inside && (l.Clip.Name != "A" || l.Next.Name != "B" || l.Pos != timelineTime(f-42)) {
			t.Fatalf("frame %d: layer %s→%s at %d", f, l.Clip.Name, l.Next.Name, l.Pos)
		}
		if inside && l.Next.SourceFrame(timelineTime(f)) != timelineTime(100+f-48) {
			t.Fatalf("frame %d: B shows source frame %d (its head handle)", f, l.Next.SourceFrame(timelineTime(f)))
		}
	}
}

func TestSplitsAtFractionalSpeedsStayFrameExact(t *testing.T) {
	for _, sp := range []timeline.Speed{{Num: 1, Den: 3}, {Num: 2, Den: 3}, {Num: 5, Den: 2}, {Num: -1, Den: 2}, {Num: 0, Den: 1}} {
		t.Run("speed "+jsonOf(sp), func(t *testing.T) {
			tl := fixture(t)
			mustApply(t, tl, `{"op":"slip","clip":9,"by":400}`)
			mustApply(t, tl, `{"op":"set-clip","clip":9,"speed":`+jsonOf(sp)+`}`)
			_, e, _ := tl.Clip(9)
			want := map[int64]timelineTime{}
			for f := int64(0); f < 96; f++ {
				want[f] = e.SourceFrame(timelineTime(f))
			}
			for _, at := range []string{"7", "31", "50", "77"} {
				mustApply(t, tl, `{"op":"split","track":4,"at":`+at+`}`)
			}
			_, a1, _, _ := tl.Track(4)
			for f := int64(0); f < 96; f++ {
				if got := a1.ClipAt(timelineTime(f)).SourceFrame(timelineTime(f)); got != want[f] {
					t.Fatalf("frame %d shows source %d after splitting, %d before", f, got, want[f])
				}
			}
		})
	}
}

func TestKeyframesFollowTheirClip(t *testing.T) {
	tl := fixture(t)
	mustApply(t, tl, `{"op":"set-keyframe","clip":7,"param":"opacity","t":0,"v":0}`)
	mustApply(t, tl, `{"op":"set-keyframe","clip":7,"param":"opacity","t":24,"v":1,"interp":"ease-in-out-sine"}`)
	_, c, _ := tl.Clip(7)
	at := func(c *timeline.Clip, f int64) float64 { return c.ParamAt("opacity", float64(f-int64(c.Start))) }
	before := at(c, 132)
	mustApply(t, tl, `{"op":"move","clip":7,"to":200}`)
	_, c, _ = tl.Clip(7)
	if got := at(c, 212); got != before {
		t.Errorf("after a move the value 12 frames in is %v, was %v", got, before)
	}
	mustApply(t, tl, `{"op":"trim-head","clip":7,"by":6}`)
	_, c, _ = tl.Clip(7)
	if got := at(c, 212); got != before {
		t.Errorf("after a head trim the value at the same content is %v, was %v", got, before)
	}
	if c.Params["opacity"].Keys[0].T != -6 {
		t.Errorf("first key at %d, want -6 (it stays on its content)", c.Params["opacity"].Keys[0].T)
	}
}

func TestKeyframeCommandsUndoExactly(t *testing.T) {
	tests := []struct{ name, setup, cmd string }{
		{"add a keyframe", "", `{"op":"add-keyframe","clip":5,"param":"scale","t":10,"v":2}`},
		{"replace a keyframe", `{"op":"set-keyframe","clip":5,"param":"scale","t":10,"v":2}`, `{"op":"set-keyframe","clip":5,"param":"scale","t":10,"v":3,"interp":"bezier","out_dt":4,"out_dv":1}`},
		{"move a keyframe", `{"op":"set-keyframe","clip":5,"param":"rotation","t":10,"v":90}`, `{"op":"move-keyframe","clip":5,"param":"rotation","from":10,"to":20,"v":45}`},
		{"remove a keyframe", `{"op":"set-keyframe","clip":5,"param":"volume","t":10,"v":-6}`, `{"op":"remove-keyframe","clip":5,"param":"volume","t":10}`},
		{"set a static value", "", `{"op":"set-param","clip":5,"param":"opacity","value":0.5}`},
		{"add a marker", "", `{"op":"add-marker","at":30,"name":"beat","color":"red","note":"music hit"}`},
		{"move a marker", `{"op":"add-marker","at":30}`, `{"op":"move-marker","marker":10,"at":90}`},
		{"change a marker", `{"op":"add-marker","at":30}`, `{"op":"set-marker","marker":10,"name":"x","dur":12}`},
		{"remove a marker", `{"op":"add-marker","at":30}`, `{"op":"remove-marker","marker":10}`},
		{"change a transition", `{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`, `{"op":"set-transition","transition":10,"kind":"wipe","direction":"left","dur":8}`},
		{"remove a transition", `{"op":"add-transition","a":5,"kind":"dip","dur":12,"color":"#ffffff"}`, `{"op":"remove-transition","transition":10}`},
		{"add a nested sequence", "", `{"op":"add-sequence","name":"Flashback"}`},
		{"remove a nested sequence with its tracks", `{"op":"add-sequence","name":"N"}
{"op":"add-track","kind":"video","seq":10}
{"op":"append","track":11,"clip":{"media":3,"dur":12}}`, `{"op":"remove-sequence","seq":10}`},
		{"use a nested sequence as a clip", `{"op":"add-sequence","name":"N"}`, `{"op":"append","track":3,"clip":{"sequence":10,"dur":24}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := fixture(t)
			for _, l := range strings.Split(tc.setup, "\n") {
				if l != "" {
					mustApply(t, tl, l)
				}
			}
			before := tl.Clone()
			c, err := edit.Unmarshal([]byte(tc.cmd))
			if err != nil {
				t.Fatal(err)
			}
			inv, err := c.Apply(tl)
			if err != nil {
				t.Fatal(err)
			}
			if tl.Equal(before) {
				t.Fatal("the command changed nothing")
			}
			after := tl.Clone()
			redo, err := roundTrip(t, inv).Apply(tl)
			if err != nil || !tl.Equal(before) {
				t.Fatalf("undo did not restore the start (%v)", err)
			}
			if _, err := roundTrip(t, redo).Apply(tl); err != nil || !tl.Equal(after) {
				t.Fatalf("redo did not restore the edit (%v)", err)
			}
		})
	}
}

func TestHistoryGroupsUndoAsOneStepAndSurviveJSON(t *testing.T) {
	tl := fixture(t)
	start := tl.Clone()
	var h edit.History
	apply := func(s string) {
		c, err := edit.Unmarshal([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Apply(tl, c); err != nil {
			t.Fatal(err)
		}
	}
	apply(`{"op":"split","clip":5,"at":20}`)
	if err := h.Begin("Drag clip"); err != nil {
		t.Fatal(err)
	}
	apply(`{"op":"move","clip":7,"to":130}`)
	apply(`{"op":"move","clip":7,"to":140}`)
	if _, err := h.End(); err != nil {
		t.Fatal(err)
	}
	end := tl.Clone()
	if len(h.Done) != 2 || h.Done[1].Name != "Drag clip" {
		t.Fatalf("history has %d steps, last %q", len(h.Done), h.Done[len(h.Done)-1].Name)
	}
	b, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	var back edit.History
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	e, err := back.Undo(tl)
	if err != nil || e.Name != "Drag clip" {
		t.Fatalf("undo: %v %v", e, err)
	}
	if _, err := back.Undo(tl); err != nil {
		t.Fatal(err)
	}
	if !tl.Equal(start) {
		t.Fatal("undoing the decoded history did not restore the start")
	}
	if _, err := back.Undo(tl); err != edit.ErrNothingToUndo {
		t.Fatalf("undo past the start: %v", err)
	}
	for range 2 {
		if _, err := back.Redo(tl); err != nil {
			t.Fatal(err)
		}
	}
	if !tl.Equal(end) {
		t.Fatal("redo did not restore the end")
	}
	if _, err := back.Redo(tl); err != edit.ErrNothingToRedo {
		t.Fatalf("redo past the end: %v", err)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
