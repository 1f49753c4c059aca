package timelineview_test

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/timelineview"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestHitTesting(t *testing.T) {
	for _, zoom := range []float64{0.7, 2, 4, 9} {
		r := newRig(t, fixture(t))
		r.w.SetZoom(zoom, timelineview.HeaderWidth)
		px := func(n float64) float64 { return n / zoom } // n pixels in frames
		v2y, v2h, _ := r.w.TrackY(trV2)
		a1y, a1h, _ := r.w.TrackY(trA1)
		cases := []struct {
			name  string
			at    fyne.Position
			kind  timelineview.HitKind
			clip  timeline.ID
			other timeline.ID
			flag  string
		}{
			{"the middle of a clip is its body", r.at(trV1, 72), timelineview.HitClip, hero, 0, ""},
			{"just inside a clip's left edge is its head, with the clip before the cut", r.at(trV1, 48+px(2)), timelineview.HitClipHead, hero, opening, ""},
			{"just inside a clip's right edge is its tail, with the clip after the cut", r.at(trV1, 48-px(2)), timelineview.HitClipTail, opening, hero, ""},
			{"a gap just before a clip is that clip's head, with nothing to roll", r.at(trV1, 120-px(3)), timelineview.HitClipHead, wide, 0, ""},
			{"the middle of a gap is the lane", r.at(trV1, 108), timelineview.HitLane, 0, 0, ""},
			{"a point on another track finds that track's clip", r.at(trV2, 40), timelineview.HitClip, title, 0, ""},
			{"the audio track's clip is found too", r.at(trA1, 50), timelineview.HitClip, musicID, 0, ""},
			{"the ruler is the ruler", fyne.NewPos(r.w.XAt(10), 10), timelineview.HitRuler, 0, 0, ""},
			{"the header of a track is the header", fyne.NewPos(20, v2y+v2h/2), timelineview.HitHeader, 0, 0, ""},
			{"the solo toggle of an audio track is that toggle", toggleAt(r, trA1, 1), timelineview.HitToggle, 0, 0, "solo"},
			{"the hide toggle of a video track is that toggle", toggleAt(r, trV2, 1), timelineview.HitToggle, 0, 0, "hide"},
			{"below the last track is nothing", fyne.NewPos(r.w.XAt(10), a1y+a1h+10), timelineview.HitNone, 0, 0, ""},
		}
		for _, c := range cases {
			t.Run(c.name+" at "+ftoa(zoom)+" px per frame", func(t *testing.T) {
				h := r.w.HitTest(c.at)
				if h.Kind != c.kind {
					t.Fatalf("hit %v, want %v", h.Kind, c.kind)
				}
				if id(h.Clip) != c.clip || id(h.Other) != c.other || h.Flag != c.flag {
					t.Errorf("hit clip %d other %d flag %q, want %d %d %q", id(h.Clip), id(h.Other), h.Flag, c.clip, c.other, c.flag)
				}
			})
		}
		t.Run("the ruler reports the frame under the point at "+ftoa(zoom)+" px per frame", func(t *testing.T) {
			if h := r.w.HitTest(fyne.NewPos(r.w.XAt(37), 10)); h.Frame != 37 {
				t.Errorf("frame %d, want 37", h.Frame)
			}
		})
	}
}

func ftoa(f float64) string { return rtoa(f) }

func rtoa(f float64) string {
	b := []byte{}
	b = append(b, []byte(fmtFloat(f))...)
	return string(b)
}

func fmtFloat(f float64) string {
	if f == math.Trunc(f) {
		return itoa(int(f))
	}
	return itoa(int(f)) + "." + itoa(int(math.Round((f-math.Trunc(f))*10)))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func id(c *timeline.Clip) timeline.ID {
	if c == nil {
		return 0
	}
	return c.ID
}

// toggleAt is the centre of toggle i of a track's header.
func toggleAt(r *rig, track timeline.ID, i int) fyne.Position {
	y, h, _ := r.w.TrackY(track)
	_, tr, _, _ := r.tl.Track(track)
	n := len(timelineview.Flags(tr.Kind))
	// Toggles are right-aligned in the header, 20 wide with 4 between, 6 from the bottom.
	x := timelineview.HeaderWidth - 8 - float32(n-i)*24 + 4 + 10
	return fyne.NewPos(x, y+h-6-9)
}

func TestDragMove(t *testing.T) {
	cases := []struct {
		name       string
		snap       bool
		selectAlso timeline.ID
		grab       timeline.ID
		track      timeline.ID
		from, to   float64 // frames under the pointer
		toTrack    timeline.ID
		want       map[timeline.ID]string // track layouts after the drag
		wantCmds   int
	}{
		{name: "dragging a clip right moves it by the frames dragged", grab: wide, track: trV1, from: 140, to: 152,
			want: map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[132,180)"}, wantCmds: 1},
		{name: "without snapping a clip stops two frames short of the marker", grab: wide, track: trV1, from: 140, to: 130,
			want: map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[110,158)"}, wantCmds: 1},
		{name: "with snapping its start lands on the marker", snap: true, grab: wide, track: trV1, from: 140, to: 130,
			want: map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[108,156)"}, wantCmds: 1},
		{name: "with snapping its start lands on the end of the clip before", snap: true, grab: wide, track: trV1, from: 140, to: 117.5,
			want: map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[96,144)"}, wantCmds: 1},
		{name: "dragging down onto another video track moves it there, overwriting", grab: title, track: trV2, from: 40, to: 40, toTrack: trV1,
			want: map[timeline.ID]string{trV2: "", trV1: "Opening[0,24) Title[24,72) Hero[72,96) Wide[120,168)"}, wantCmds: 1},
		{name: "dragging an audio clip onto a video track keeps it on its audio track", grab: musicID, track: trA1, from: 40, to: 50, toTrack: trV1,
			want: map[timeline.ID]string{trA1: "Music[10,106)", trV1: "Opening[0,48) Hero[48,96) Wide[120,168)"}, wantCmds: 1},
		{name: "two touching selected clips move together intact", grab: hero, selectAlso: opening, track: trV1, from: 60, to: 70,
			want: map[timeline.ID]string{trV1: "Opening[10,58) Hero[58,106) Wide[120,168)"}, wantCmds: 2},
		{name: "two touching selected clips move left together intact", grab: opening, selectAlso: hero, track: trV1, from: 30, to: 30, toTrack: trV2,
			want: map[timeline.ID]string{trV2: "Opening[0,48) Hero[48,96)", trV1: "Wide[120,168)"}, wantCmds: 2},
		{name: "a clip cannot be dragged before frame zero", grab: hero, track: trV1, from: 60, to: 0,
			want: map[timeline.ID]string{trV1: "Hero[0,48) Wide[120,168)"}, wantCmds: 1},
		{name: "a drag back to where it started emits nothing", grab: hero, track: trV1, from: 60, to: 60,
			want: map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[120,168)"}, wantCmds: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, fixture(t))
			r.w.SetSnapping(c.snap)
			if c.selectAlso != 0 {
				r.w.SetSelection(c.grab, c.selectAlso)
			}
			to := c.toTrack
			if to == 0 {
				to = c.track
			}
			r.drag(r.at(c.track, c.from), r.at(to, c.to), 0)
			if got := len(r.cmds); (got > 0) != (c.wantCmds > 0) {
				t.Fatalf("%d edits, want %d commands", got, c.wantCmds)
			}
			if c.wantCmds > 0 && len(r.cmds[0]) != c.wantCmds {
				t.Errorf("%d commands, want %d", len(r.cmds[0]), c.wantCmds)
			}
			for _, cmd := range flat(r) {
				if cmd.Op() != "move" {
					t.Errorf("op %q, want move", cmd.Op())
				}
			}
			for tr, want := range c.want {
				if got := layout(r.tl, tr); got != want {
					t.Errorf("track %d: %s, want %s", tr, got, want)
				}
			}
		})
	}
}

func flat(r *rig) (out []interface{ Op() string }) {
	for _, cs := range r.cmds {
		for _, c := range cs {
			out = append(out, c)
		}
	}
	return out
}

func TestDragMoveIsOneUndoStepWithALiveGhost(t *testing.T) {
	r := newRig(t, fixture(t))
	r.w.SetSnapping(false)
	from, to := r.at(trV1, 140), r.at(trV1, 160)
	before := r.capture(t.TempDir(), "before")
	r.dragStart(from, to, 0)
	if len(r.cmds) != 0 {
		t.Fatalf("a drag in progress emitted %d edits; it must wait for the end", len(r.cmds))
	}
	during := r.capture(t.TempDir(), "during")
	// The ghost is drawn where the clip would land: 20 frames right of the clip, over the
	// empty lane past its old end.
	ghost := r.at(trV1, 176)
	if pixel(before, ghost) == pixel(during, ghost) {
		t.Errorf("nothing is drawn at the ghost's place during the drag (%v)", pixel(during, ghost))
	}
	r.w.DragEnd()
	if len(r.cmds) != 1 || len(r.names) != 1 || r.names[0] != "Move Clip" {
		t.Fatalf("edits %v %v, want one Move Clip", r.names, r.cmds)
	}
	if got := layout(r.tl, trV1); got != "Opening[0,48) Hero[48,96) Wide[140,188)" {
		t.Errorf("V1: %s", got)
	}
}

func TestTrimRollAndSlip(t *testing.T) {
	cases := []struct {
		name   string
		snap   bool
		mods   fyne.KeyModifier
		track  timeline.ID
		from   float64 // frame under the press (an edge ± a pixel)
		by     float64 // frames dragged
		op     string
		layout string
		in     map[timeline.ID]rt.Time // source in points after
	}{
		{name: "dragging a head right trims the in point and leaves a gap", track: trV1, from: 120.25, by: 8, op: "trim-head",
			layout: "Opening[0,48) Hero[48,96) Wide[128,168)", in: map[timeline.ID]rt.Time{wide: 208}},
		{name: "dragging a head left into the gap shows earlier source", track: trV1, from: 120.25, by: -8, op: "trim-head",
			layout: "Opening[0,48) Hero[48,96) Wide[112,168)", in: map[timeline.ID]rt.Time{wide: 192}},
		{name: "extending a head stops at the clip before", track: trV1, from: 120.25, by: -40, op: "trim-head",
			layout: "Opening[0,48) Hero[48,96) Wide[96,168)", in: map[timeline.ID]rt.Time{wide: 176}},
		{name: "dragging a tail left shortens the clip and leaves the rest", track: trV1, from: 95.75, by: -12, op: "trim-tail",
			layout: "Opening[0,48) Hero[48,84) Wide[120,168)", in: map[timeline.ID]rt.Time{hero: 100}},
		{name: "Shift-dragging a tail ripples the rest of the track", mods: fyne.KeyModifierShift, track: trV1, from: 95.75, by: -12, op: "trim-tail",
			layout: "Opening[0,48) Hero[48,84) Wide[108,156)"},
		{name: "Shift-dragging a head ripple-trims: the clip keeps its start", mods: fyne.KeyModifierShift, track: trV1, from: 120.25, by: 8, op: "trim-head",
			layout: "Opening[0,48) Hero[48,96) Wide[120,160)", in: map[timeline.ID]rt.Time{wide: 208}},
		{name: "without snapping a tail stops a frame short of the marker", track: trV1, from: 95.75, by: 11, op: "trim-tail",
			layout: "Opening[0,48) Hero[48,107) Wide[120,168)"},
		{name: "with snapping a tail lands on the marker", snap: true, track: trV1, from: 95.75, by: 11, op: "trim-tail",
			layout: "Opening[0,48) Hero[48,108) Wide[120,168)"},
		{name: "extending a tail without ripple stops at the next clip", track: trV1, from: 95.75, by: 50, op: "trim-tail",
			layout: "Opening[0,48) Hero[48,120) Wide[120,168)"},
		{name: "Alt-dragging a cut rolls it: one clip longer, the other shorter", mods: fyne.KeyModifierAlt, track: trV1, from: 47.75, by: 8, op: "roll",
			layout: "Opening[0,56) Hero[56,96) Wide[120,168)", in: map[timeline.ID]rt.Time{opening: 50, hero: 108}},
		{name: "a roll from the incoming clip's side moves the same cut", mods: fyne.KeyModifierAlt, track: trV1, from: 48.25, by: -6, op: "roll",
			layout: "Opening[0,42) Hero[42,96) Wide[120,168)", in: map[timeline.ID]rt.Time{hero: 94}},
		{name: "Alt-dragging inside a clip slips it: same place, earlier source", mods: fyne.KeyModifierAlt, track: trV1, from: 70, by: 10, op: "slip",
			layout: "Opening[0,48) Hero[48,96) Wide[120,168)", in: map[timeline.ID]rt.Time{hero: 90}},
		{name: "a slip stops at the first source frame", mods: fyne.KeyModifierAlt, track: trV1, from: 140, by: 400, op: "slip",
			layout: "Opening[0,48) Hero[48,96) Wide[120,168)", in: map[timeline.ID]rt.Time{wide: 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, fixture(t))
			r.w.SetSnapping(c.snap)
			from := r.at(c.track, c.from)
			to := fyne.NewPos(from.X+float32(c.by*r.w.Zoom()), from.Y)
			r.drag(from, to, c.mods)
			if len(r.cmds) != 1 || len(r.cmds[0]) != 1 {
				t.Fatalf("edits %v, want one command", r.cmds)
			}
			if op := r.cmds[0][0].Op(); op != c.op {
				t.Errorf("op %q, want %q", op, c.op)
			}
			if got := layout(r.tl, c.track); got != c.layout {
				t.Errorf("%s, want %s", got, c.layout)
			}
			for clip, in := range c.in {
				if _, cl := r.clip(clip); cl.In != in {
					t.Errorf("clip %d in point %d, want %d", clip, cl.In, in)
				}
			}
		})
	}
}

func TestRazorAndSplitAtPlayhead(t *testing.T) {
	cases := []struct {
		name   string
		act    func(r *rig)
		layout map[timeline.ID]string
	}{
		{"B then a click splits the clip under the pointer there", func(r *rig) {
			r.w.TypedRune('b')
			r.click(r.at(trV1, 60), 0)
		}, map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,60) Hero[60,96) Wide[120,168)", trV2: "Title[24,72)"}},
		{"a Shift+click with the razor splits every track there", func(r *rig) {
			r.w.TypedRune('b')
			r.click(r.at(trV1, 60), fyne.KeyModifierShift)
		}, map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,60) Hero[60,96) Wide[120,168)", trV2: "Title[24,60) Title[60,72)", trA1: "Music[0,60) Music[60,96)"}},
		{"the razor snaps to the playhead", func(r *rig) {
			r.w.SetPlayhead(64)
			r.w.TypedRune('b')
			r.click(r.at(trV1, 63), 0)
		}, map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,64) Hero[64,96) Wide[120,168)"}},
		{"Ctrl+K with nothing selected splits every track at the playhead", func(r *rig) {
			r.w.SetPlayhead(30)
			r.w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierControl})
		}, map[timeline.ID]string{trV1: "Opening[0,30) Opening[30,48) Hero[48,96) Wide[120,168)", trV2: "Title[24,30) Title[30,72)", trA1: "Music[0,30) Music[30,96)"}},
		{"Ctrl+K splits only the selected clip under the playhead", func(r *rig) {
			r.w.SetPlayhead(30)
			r.w.SetSelection(title)
			r.w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierControl})
		}, map[timeline.ID]string{trV1: "Opening[0,48) Hero[48,96) Wide[120,168)", trV2: "Title[24,30) Title[30,72)", trA1: "Music[0,96)"}},
		{"Ctrl+K where there is nothing to cut emits nothing", func(r *rig) {
			r.w.SetPlayhead(500)
			r.w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierControl})
		}, nil},
		{"Delete lifts the selected clip and leaves a gap", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
		}, map[timeline.ID]string{trV1: "Opening[0,48) Wide[120,168)"}},
		{"Shift+Delete ripple-deletes the selected clip", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.w.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
			r.w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
			r.w.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		}, map[timeline.ID]string{trV1: "Opening[0,48) Wide[72,120)", trA1: "Music[0,96)"}},
		{"Shift+Delete delivered as the Cut shortcut ripple-deletes too", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.w.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftRight})
			r.w.TypedShortcut(&fyne.ShortcutCut{})
		}, map[timeline.ID]string{trV1: "Opening[0,48) Wide[72,120)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, fixture(t))
			c.act(r)
			if want := min(len(c.layout), 1); len(r.cmds) != want {
				t.Fatalf("%d edits, want %d", len(r.cmds), want)
			}
			for tr, want := range c.layout {
				if got := layout(r.tl, tr); got != want {
					t.Errorf("track %d: %s, want %s", tr, got, want)
				}
			}
		})
	}
}

func TestZoomKeepsTheFrameUnderThePointer(t *testing.T) {
	frameAt := func(w *timelineview.Timeline, x float32) float64 {
		f, _ := w.Scroll()
		return f + float64(x-timelineview.HeaderWidth)/w.Zoom()
	}
	cases := []struct {
		name string
		x    float32
		act  func(r *rig, p fyne.Position)
		in   bool // zooms in
	}{
		{"Ctrl+wheel up zooms in around the pointer", 600, func(r *rig, p fyne.Position) {
			r.w.KeyDown(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
			r.w.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: p}, Scrolled: fyne.NewDelta(0, 25)})
			r.w.KeyUp(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
		}, true},
		{"Ctrl+wheel down zooms out around the pointer", 700, func(r *rig, p fyne.Position) {
			r.w.KeyDown(&fyne.KeyEvent{Name: desktop.KeyControlRight})
			r.w.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: p}, Scrolled: fyne.NewDelta(0, -25)})
			r.w.KeyUp(&fyne.KeyEvent{Name: desktop.KeyControlRight})
		}, false},
		{"+ zooms in around the hovering pointer", 420, func(r *rig, p fyne.Position) {
			r.w.MouseMoved(mouse(p, 0))
			r.w.TypedRune('+')
		}, true},
		{"- zooms out around the hovering pointer", 820, func(r *rig, p fyne.Position) {
			r.w.MouseMoved(mouse(p, 0))
			r.w.TypedRune('-')
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl := fixture(t)
			// A long edit, so the scroll limits at both ends stay out of the way.
			if _, err := (&edit.Overwrite{Track: trA1, At: 2000, Clip: edit.ClipSpec{Media: 1, Dur: 100}}).Apply(tl); err != nil {
				t.Fatal(err)
			}
			r := newRig(t, tl)
			r.w.SetScroll(300, 0)
			p := fyne.NewPos(c.x, 100)
			f0, z0 := frameAt(r.w, c.x), r.w.Zoom()
			c.act(r, p)
			f1, z1 := frameAt(r.w, c.x), r.w.Zoom()
			if (z1 > z0) != c.in || z1 == z0 {
				t.Fatalf("zoom went from %g to %g", z0, z1)
			}
			if math.Abs(f1-f0) > 1e-6 {
				t.Errorf("frame under the pointer moved from %g to %g", f0, f1)
			}
		})
	}
	t.Run("the ruler's labelled ticks stay readable at every zoom", func(t *testing.T) {
		for _, z := range []float64{0.003, 0.05, 0.4, 1, 3, 12, 50} {
			major, minor := timelineview.TickSteps(rt.Rate{Num: 24, Den: 1}, z)
			if float64(major)*z < 96 && major < 36000*24 {
				t.Errorf("at %g px/frame labels are %g px apart", z, float64(major)*z)
			}
			if minor <= 0 || major%minor != 0 {
				t.Errorf("at %g px/frame minor step %d does not divide major %d", z, minor, major)
			}
			if z >= 0.5 && float64(major)*z > 96*6 {
				t.Errorf("at %g px/frame labels are %g px apart: too sparse", z, float64(major)*z)
			}
		}
	})
}

func TestSelection(t *testing.T) {
	cases := []struct {
		name string
		act  func(r *rig)
		want []timeline.ID
	}{
		{"a click selects a clip", func(r *rig) { r.click(r.at(trV1, 60), 0) }, []timeline.ID{hero}},
		{"a click on another clip selects only that one", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.click(r.at(trV2, 60), 0)
		}, []timeline.ID{title}},
		{"Shift+click adds a clip", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.click(r.at(trA1, 60), fyne.KeyModifierShift)
		}, []timeline.ID{hero, musicID}},
		{"Shift+click on a selected clip removes it", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.click(r.at(trA1, 60), fyne.KeyModifierShift)
			r.click(r.at(trV1, 60), fyne.KeyModifierShift)
		}, []timeline.ID{musicID}},
		{"a plain click on one clip of a group selects just it", func(r *rig) {
			r.w.SetSelection(hero, wide, title)
			r.click(r.at(trV1, 140), 0)
		}, []timeline.ID{wide}},
		{"a click on an empty lane clears the selection", func(r *rig) {
			r.click(r.at(trV1, 60), 0)
			r.click(r.at(trV1, 108), 0)
		}, nil},
		{"a marquee selects the clips it touches", func(r *rig) {
			r.drag(r.at(trV2, 4), r.at(trV1, 30), 0)
		}, []timeline.ID{opening, title}},
		{"a Shift+marquee adds to the selection", func(r *rig) {
			r.click(r.at(trA1, 60), 0)
			r.drag(r.at(trV2, 4), r.at(trV1, 30), fyne.KeyModifierShift)
		}, []timeline.ID{opening, title, musicID}},
		{"a marquee over the gap alone selects nothing", func(r *rig) {
			r.click(r.at(trA1, 60), 0)
			r.drag(r.at(trV1, 100), r.at(trV1, 116), 0)
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, fixture(t))
			var notified []timeline.ID
			r.w.OnSelect = func(ids []timeline.ID) { notified = ids }
			c.act(r)
			got := r.w.Selection()
			if !sameIDs(got, c.want) {
				t.Errorf("selection %v, want %v", got, c.want)
			}
			if !sameIDs(notified, c.want) {
				t.Errorf("OnSelect last said %v, want %v", notified, c.want)
			}
			if len(r.cmds) != 0 {
				t.Errorf("selecting emitted edits %v", r.names)
			}
		})
	}
}

func sameIDs(a, b []timeline.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHeadersRulerAndScrolling(t *testing.T) {
	t.Run("clicking a track's lock locks it and its clips no longer move", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.click(toggleAt(r, trV1, 0), 0)
		if _, tr, _, _ := r.tl.Track(trV1); !tr.Lock {
			t.Fatalf("V1 is not locked after clicking its lock (edits %v)", r.names)
		}
		r.drag(r.at(trV1, 60), r.at(trV1, 80), 0)
		if len(r.cmds) != 1 {
			t.Errorf("dragging a clip on a locked track emitted %v", r.names[1:])
		}
	})
	t.Run("clicking mute twice mutes and unmutes the audio track", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.click(toggleAt(r, trA1, 0), 0)
		_, tr, _, _ := r.tl.Track(trA1)
		if !tr.Mute {
			t.Fatal("A1 is not muted")
		}
		r.click(toggleAt(r, trA1, 0), 0)
		if _, tr, _, _ = r.tl.Track(trA1); tr.Mute {
			t.Error("A1 is still muted")
		}
		if r.names[0] != "Mute Track" || r.names[1] != "Unmute Track" {
			t.Errorf("edit names %v", r.names)
		}
	})
	t.Run("clicking the ruler seeks there", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.click(fyne.NewPos(r.w.XAt(75), 12), 0)
		if len(r.seeks) != 1 || r.seeks[0] != 75 || r.w.Playhead() != 75 {
			t.Errorf("seeks %v, playhead %d; want 75", r.seeks, r.w.Playhead())
		}
	})
	t.Run("dragging along the ruler scrubs and ends where it stops", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.drag(fyne.NewPos(r.w.XAt(10), 12), fyne.NewPos(r.w.XAt(90), 12), 0)
		if len(r.seeks) < 2 || r.seeks[len(r.seeks)-1] != 90 {
			t.Errorf("seeks %v, want several ending at 90", r.seeks)
		}
		if len(r.cmds) != 0 {
			t.Errorf("scrubbing emitted edits %v", r.names)
		}
	})
	t.Run("arrow keys step the playhead and Up/Down jump between edits", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.w.SetPlayhead(50)
		for _, k := range []fyne.KeyName{fyne.KeyRight, fyne.KeyDown, fyne.KeyDown, fyne.KeyUp, fyne.KeyLeft} {
			r.w.TypedKey(&fyne.KeyEvent{Name: k})
		}
		want := []rt.Time{51, 72, 96, 72, 71}
		if !sameTimes(r.seeks, want) {
			t.Errorf("seeks %v, want %v", r.seeks, want)
		}
	})
	t.Run("the wheel scrolls in time when every track fits", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.w.SetScroll(100, 0)
		r.w.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: r.at(trV1, 10)}, Scrolled: fyne.NewDelta(0, -40)})
		if f, _ := r.w.Scroll(); f != 110 {
			t.Errorf("left edge at frame %g, want 110", f)
		}
	})
	t.Run("the wheel scrolls the tracks when they do not fit", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.win.Resize(fyne.NewSize(900, 120))
		r.w.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(400, 80)}, Scrolled: fyne.NewDelta(0, -30)})
		if _, y := r.w.Scroll(); y != 30 {
			t.Errorf("vertical scroll %g, want 30", y)
		}
		y, _, _ := r.w.TrackY(trV2)
		if y != timelineview.RulerHeight-30 {
			t.Errorf("V2 at y %g, want %g", y, timelineview.RulerHeight-30)
		}
	})
	t.Run("S toggles snapping", func(t *testing.T) {
		r := newRig(t, fixture(t))
		on := r.w.Snapping()
		r.w.TypedRune('s')
		if r.w.Snapping() == on {
			t.Error("S did not toggle snapping")
		}
	})
	t.Run("keys the timeline does not use go to OnKey and OnRune", func(t *testing.T) {
		r := newRig(t, fixture(t))
		var keys []fyne.KeyName
		var runes []rune
		r.w.OnKey = func(e *fyne.KeyEvent) { keys = append(keys, e.Name) }
		r.w.OnRune = func(c rune) { runes = append(runes, c) }
		r.w.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		r.w.TypedRune('j')
		r.w.TypedRune('b')
		if len(keys) != 1 || keys[0] != fyne.KeySpace || len(runes) != 1 || runes[0] != 'j' {
			t.Errorf("passed on keys %v runes %q", keys, runes)
		}
	})
	t.Run("shortcuts the timeline does not use go to OnShortcut", func(t *testing.T) {
		r := newRig(t, fixture(t))
		var got []string
		r.w.OnShortcut = func(s fyne.Shortcut) { got = append(got, s.ShortcutName()) }
		r.w.SetPlayhead(30)
		r.w.TypedShortcut(&fyne.ShortcutUndo{})
		r.w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift})
		r.w.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierControl})
		if len(got) != 2 || got[0] != "Undo" || len(r.cmds) != 1 {
			t.Errorf("passed on %v and emitted %v; want Undo and Ctrl+Shift+Z passed on, Ctrl+K used", got, r.names)
		}
	})
	t.Run("Shift+Z zooms to fit the whole edit", func(t *testing.T) {
		r := newRig(t, fixture(t))
		r.w.SetZoom(20, 400)
		r.w.TypedRune('Z')
		if end := r.w.XAt(r.tl.Duration()); end > 900 || end < 700 {
			t.Errorf("the end of the edit is at x %g, want inside the 900 px window", end)
		}
	})
}

func sameTimes(a, b []rt.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// many makes a timeline with n clips of 10 frames (named "c<i>") spread evenly over video
// video tracks and audio audio tracks.
func many(t testing.TB, n, video, audio int) *timeline.Timeline {
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate{Num: 24, Den: 1}, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	tracks := video + audio
	for i := 0; i < tracks; i++ {
		kind, name := timeline.Video, "V"+itoa(i+1)
		if i >= video {
			kind, name = timeline.Audio, "A"+itoa(i-video+1)
		}
		tr := &timeline.Track{ID: tl.NewID(), Kind: kind, Name: name}
		for j := 0; j < n/tracks; j++ {
			tr.Clips = append(tr.Clips, &timeline.Clip{ID: tl.NewID(), Name: "c" + itoa(j), Source: timeline.Source{Media: 1},
				Start: rt.Time(j * 10), Dur: 10, Speed: timeline.Normal, Enabled: true, SourceDur: 1000})
		}
		tl.Tracks = append(tl.Tracks, tr)
	}
	tl.Invalidate()
	if err := tl.Check(); err != nil {
		t.Fatal(err)
	}
	return tl
}

func TestTheRendererDrawsOnlyWhatIsOnScreen(t *testing.T) {
	test.NewTempApp(t)
	cases := []struct {
		name  string
		clips int
		zoom  float64
	}{
		{"zoomed in on 10,000 clips", 10000, 4},
		{"zoomed out over 10,000 clips", 10000, 0.01},
		{"zoomed in on 1,000 clips", 1000, 4},
	}
	for _, c := range cases {
		t.Run(c.name+" creates objects for the screen, not the edit", func(t *testing.T) {
			w := timelineview.New()
			win := test.NewTempWindow(t, w)
			win.Resize(fyne.NewSize(1200, 500))
			w.SetTimeline(many(t, c.clips, 8, 0))
			w.SetZoom(c.zoom, timelineview.HeaderWidth)
			objs := test.WidgetRenderer(w).Objects()
			visible := 0
			for _, o := range objs {
				if o.Visible() {
					visible++
				}
			}
			// 1050 px of lanes: at most about one clip rectangle per two pixels per track,
			// plus labels, ruler and headers.
			if len(objs) > 8*600+400 || visible > 8*600+200 {
				t.Errorf("%d objects (%d visible) for %d clips", len(objs), visible, c.clips)
			}
			if visible < 20 {
				t.Errorf("only %d visible objects: nothing drawn?", visible)
			}
		})
	}
}

func TestTimecodeLabels(t *testing.T) {
	cases := []struct {
		name string
		f    rt.Time
		r    rt.Rate
		want string
	}{
		{"whole seconds at 24 fps", 48, rt.Rate{Num: 24, Den: 1}, "00:00:02:00"},
		{"frames past a minute at 25 fps", 60*25 + 3, rt.Rate{Num: 25, Den: 1}, "00:01:00:03"},
		{"29.97 is labelled drop-frame", 1800, rt.Rate{Num: 30000, Den: 1001}, "00:01:00;02"},
		{"a negative frame still gets a label", -30, rt.Rate{Num: 24, Den: 1}, "-00:00:01:06"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := timelineview.Timecode(c.f, c.r); got != c.want {
				t.Errorf("Timecode(%d) = %q, want %q", c.f, got, c.want)
			}
		})
	}
}
