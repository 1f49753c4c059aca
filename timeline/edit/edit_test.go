package edit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// fixture builds, with commands, a small edit at 24 fps:
//
//	V2 (track 3):  D[24,72)
//	V1 (track 2):  A[0,48) B[48,96) gap C[120,168)
//	A1 (track 4):  E[0,96)
//
// A shows media 10 from frame 0, B media 11 from 100, C media 12 from 0, D media 13 from 50,
// E media 14 from 0; every source is 1000 frames long. IDs: sequence 1, tracks 2-4, clips
// A=5 B=6 C=7 D=8 E=9.
func fixture(t testing.TB) *timeline.Timeline {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	script := `
{"op":"add-track","kind":"video"}
{"op":"add-track","kind":"video"}
{"op":"add-track","kind":"audio"}
{"op":"overwrite","track":2,"at":0,"clip":{"name":"A","media":10,"dur":48,"source_dur":1000}}
{"op":"overwrite","track":2,"at":48,"clip":{"name":"B","media":11,"in":100,"dur":48,"source_dur":1000}}
{"op":"overwrite","track":2,"at":120,"clip":{"name":"C","media":12,"dur":48,"source_dur":1000}}
{"op":"overwrite","track":3,"at":24,"clip":{"name":"D","media":13,"in":50,"dur":48,"source_dur":1000}}
{"op":"overwrite","track":4,"at":0,"clip":{"name":"E","media":14,"dur":96,"source_dur":1000}}`
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		mustApply(t, tl, line)
	}
	return tl
}

func mustApply(t testing.TB, tl *timeline.Timeline, line string) edit.Command {
	t.Helper()
	c, err := edit.Unmarshal([]byte(line))
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	inv, err := c.Apply(tl)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return inv
}

// layout writes a timeline as one line per track, as an editor shows it (video tracks top
// layer first, then audio tracks in order):
// "V1: A 0+48@0 B 48+48@100 | C 120+48@0" where "|" marks a gap, @ the source in point, and
// transitions show as ~kind:dur/align~ between their clips.
func layout(tl *timeline.Timeline) string {
	var video, audio []string
	for _, t := range tl.Tracks {
		var b strings.Builder
		b.WriteString(t.Name + ":")
		for _, f := range []string{"mute", "solo", "lock", "hide"} {
			if v, _ := t.Flag(f); v {
				b.WriteString(" [" + f + "]")
			}
		}
		var end rt.Time
		for _, c := range t.Clips {
			if c.Start > end {
				b.WriteString(" |")
			}
			for _, tr := range t.Transitions {
				if tr.B == c.ID {
					fmt.Fprintf(&b, " ~%s:%d/%s~", tr.Kind, tr.Dur, tr.Align)
				}
			}
			fmt.Fprintf(&b, " %s %d+%d@%d", c.Name, c.Start, c.Dur, c.In)
			if c.Phase != 0 {
				fmt.Fprintf(&b, ".%d", c.Phase)
			}
			if c.Speed != timeline.Normal {
				fmt.Fprintf(&b, "x%d/%d", c.Speed.Num, c.Speed.Den)
			}
			if !c.Enabled {
				b.WriteString("(off)")
			}
			end = c.End()
		}
		if t.Kind == timeline.Video {
			video = append([]string{b.String()}, video...)
		} else {
			audio = append(audio, b.String())
		}
	}
	return strings.Join(append(video, audio...), "\n")
}

const start = `V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`

func TestTheFixtureIsWhatItSays(t *testing.T) {
	if got := layout(fixture(t)); got != start {
		t.Fatalf("fixture layout:\n%s\nwant:\n%s", got, start)
	}
}

// checkUndoRedo applies cmd, checks the layout, undoes (the timeline must equal the start
// bit for bit), redoes (it must equal the edited one), and checks the command and its inverse
// survive a JSON round trip.
func checkUndoRedo(t *testing.T, tl *timeline.Timeline, cmd edit.Command, want string) {
	t.Helper()
	before := tl.Clone()
	inv, err := cmd.Apply(tl)
	if err != nil {
		t.Fatalf("apply %s: %v", cmd.Op(), err)
	}
	if err := tl.Check(); err != nil {
		t.Fatalf("after %s the model is broken: %v", cmd.Op(), err)
	}
	if got := layout(tl); got != want {
		t.Fatalf("after %s:\n%s\nwant:\n%s", cmd.Op(), got, want)
	}
	after := tl.Clone()
	inv = roundTrip(t, inv)
	redo, err := inv.Apply(tl)
	if err != nil {
		t.Fatalf("undo %s: %v", cmd.Op(), err)
	}
	if !tl.Equal(before) {
		t.Fatalf("undo %s did not restore the start:\n%s", cmd.Op(), layout(tl))
	}
	if _, err := roundTrip(t, redo).Apply(tl); err != nil {
		t.Fatalf("redo %s: %v", cmd.Op(), err)
	}
	if !tl.Equal(after) {
		t.Fatalf("redo %s did not give back the edit:\n%s", cmd.Op(), layout(tl))
	}
}

func roundTrip(t *testing.T, c edit.Command) edit.Command {
	t.Helper()
	b, err := edit.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := edit.Unmarshal(b)
	if err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	b2, _ := edit.Marshal(back)
	if string(b) != string(b2) {
		t.Fatalf("JSON round trip changed the command:\n%s\n%s", b, b2)
	}
	return back
}

func TestEachCommandAppliesUndoesAndRedoesExactly(t *testing.T) {
	tests := []struct {
		name  string
		setup []string // commands applied before the one under test
		cmd   string
		want  string
	}{
		{"insert opens every unlocked track and places the clip", nil,
			`{"op":"insert","track":2,"at":24,"clip":{"name":"N","media":20,"dur":12}}`,
			`V2: | D 36+48@50
V1: A 0+24@0 N 24+12@0 A 36+24@24 B 60+48@100 | C 132+48@0
A1: E 0+24@0 | E 36+72@24`},
		{"insert without sync moves only its own track", nil,
			`{"op":"insert","track":2,"at":48,"sync":false,"clip":{"name":"N","media":20,"dur":12}}`,
			`V2: | D 24+48@50
V1: A 0+48@0 N 48+12@0 B 60+48@100 | C 132+48@0
A1: E 0+96@0`},
		{"insert leaves a locked track where it is", []string{`{"op":"set-track","track":4,"lock":true}`},
			`{"op":"insert","track":2,"at":0,"clip":{"name":"N","media":20,"dur":10}}`,
			`V2: | D 34+48@50
V1: N 0+10@0 A 10+48@0 B 58+48@100 | C 130+48@0
A1: [lock] E 0+96@0`},
		{"overwrite trims the clips it covers and splits the one it lands inside", nil,
			`{"op":"overwrite","track":2,"at":40,"clip":{"name":"N","media":20,"dur":16}}`,
			`V2: | D 24+48@50
V1: A 0+40@0 N 40+16@0 B 56+40@108 | C 120+48@0
A1: E 0+96@0`},
		{"overwrite inside one clip splits it in three", nil,
			`{"op":"overwrite","track":4,"at":10,"clip":{"name":"N","media":20,"dur":6}}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+10@0 N 10+6@0 E 16+80@16`},
		{"append goes after the last clip", nil,
			`{"op":"append","track":3,"clip":{"name":"N","media":20,"in":5,"dur":10}}`,
			`V2: | D 24+48@50 N 72+10@5
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"lift leaves a gap", nil, `{"op":"lift","clip":6}`,
			`V2: | D 24+48@50
V1: A 0+48@0 | C 120+48@0
A1: E 0+96@0`},
		{"ripple delete closes the gap on its track", nil, `{"op":"ripple-delete","clip":5}`,
			`V2: | D 24+48@50
V1: B 0+48@100 | C 72+48@0
A1: E 0+96@0`},
		{"ripple delete with sync closes other tracks where they are empty", nil,
			`{"op":"ripple-delete","clip":7,"sync":true}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100
A1: E 0+96@0`},
		{"extract removes a span on every track and closes it", nil,
			`{"op":"extract","start":40,"dur":16}`,
			`V2: | D 24+16@50 D 40+16@82
V1: A 0+40@0 B 40+40@108 | C 104+48@0
A1: E 0+40@0 E 40+40@56`},
		{"lift-range clears a span on the listed tracks only", nil,
			`{"op":"lift-range","start":40,"dur":16,"tracks":[2]}`,
			`V2: | D 24+48@50
V1: A 0+40@0 | B 56+40@108 | C 120+48@0
A1: E 0+96@0`},
		{"split of one clip keeps its id on the left part", nil, `{"op":"split","clip":9,"at":30}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+30@0 E 30+66@30`},
		{"razor across all tracks cuts every clip under the frame", nil, `{"op":"razor","at":30}`,
			`V2: | D 24+6@50 D 30+42@56
V1: A 0+30@0 A 30+18@30 B 48+48@100 | C 120+48@0
A1: E 0+30@0 E 30+66@30`},
		{"split on one track cuts only there", nil, `{"op":"split","track":3,"at":60}`,
			`V2: | D 24+36@50 D 60+12@86
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"trim head moves the start and the in point together", nil, `{"op":"trim-head","clip":7,"by":10}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 130+38@10
A1: E 0+96@0`},
		{"trim head back into a gap uses the head handle", nil, `{"op":"trim-head","clip":8,"by":-10}`,
			`V2: | D 14+58@40
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"ripple trim head keeps the start and pulls the rest in", nil, `{"op":"trim-head","clip":6,"by":8,"ripple":true}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+40@108 | C 112+48@0
A1: E 0+96@0`},
		{"trim tail into a gap lengthens the clip", nil, `{"op":"trim-tail","clip":6,"by":20}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+68@100 | C 120+48@0
A1: E 0+96@0`},
		{"ripple trim tail pushes the rest later", nil, `{"op":"trim-tail","clip":5,"by":10,"ripple":true}`,
			`V2: | D 24+48@50
V1: A 0+58@0 B 58+48@100 | C 130+48@0
A1: E 0+96@0`},
		{"roll moves the cut between two clips", nil, `{"op":"roll","clip":5,"by":-8}`,
			`V2: | D 24+48@50
V1: A 0+40@0 B 40+56@92 | C 120+48@0
A1: E 0+96@0`},
		{"slip shows other source frames in the same place", nil, `{"op":"slip","clip":6,"by":30}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@130 | C 120+48@0
A1: E 0+96@0`},
		{"slide moves a clip between its neighbours, trimming them", nil, `{"op":"slide","clip":6,"by":10}`,
			`V2: | D 24+48@50
V1: A 0+58@0 B 58+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"move to another track overwrites what is there", nil, `{"op":"move","clip":7,"to":60,"track":3}`,
			`V2: | D 24+36@50 C 60+48@0
V1: A 0+48@0 B 48+48@100
A1: E 0+96@0`},
		{"set-clip changes only the fields given", nil, `{"op":"set-clip","clip":5,"enabled":false,"speed":{"num":1,"den":2}}`,
			`V2: | D 24+48@50
V1: A 0+48@0x1/2(off) B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"add-transition puts a dissolve on a cut", nil, `{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`,
			`V2: | D 24+48@50
V1: A 0+48@0 ~dissolve:12/center~ B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"set-track flags show in the header", nil, `{"op":"set-track","track":4,"mute":true,"name":"Dialogue"}`,
			`V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 120+48@0
Dialogue: [mute] E 0+96@0`},
		{"add-track puts a video track on top of the video tracks", nil, `{"op":"add-track","kind":"video"}`,
			`V3:
V2: | D 24+48@50
V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"remove-track deletes it with its clips", nil, `{"op":"remove-track","track":3}`,
			`V1: A 0+48@0 B 48+48@100 | C 120+48@0
A1: E 0+96@0`},
		{"move-track reorders the layers", nil, `{"op":"move-track","track":3,"index":0}`,
			`V1: A 0+48@0 B 48+48@100 | C 120+48@0
V2: | D 24+48@50
A1: E 0+96@0`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := fixture(t)
			for _, s := range tc.setup {
				mustApply(t, tl, s)
			}
			c, err := edit.Unmarshal([]byte(tc.cmd))
			if err != nil {
				t.Fatal(err)
			}
			checkUndoRedo(t, tl, c, tc.want)
		})
	}
}

type timelineTime = rt.Time
