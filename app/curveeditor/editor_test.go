package curveeditor_test

import (
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/app/curveeditor"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	// An effect parameter, to show that lanes come from descriptors, not from a list here.
	_ = keyframe.Register(keyframe.Descriptor{Name: "glow.amount", Label: "Glow Amount", Type: keyframe.TypeFloat, Min: 0, Max: 10, Default: 0, Animatable: true, Group: "Glow"})
}

func TestLanesComeFromTheDescriptors(t *testing.T) {
	want := func(audio bool) []string {
		var out []string
		for _, d := range keyframe.Clip() {
			if d.Animatable && (d.Group == "Audio") == audio {
				out = append(out, d.Name)
			}
		}
		return out
	}
	t.Run("a video clip gets a lane per animatable picture parameter", func(t *testing.T) {
		r := newRig(t, hero)
		got := r.e.Params()
		if !slices.Equal(got, want(false)) || !slices.Contains(got, "opacity") || slices.Contains(got, "volume") {
			t.Errorf("lanes %v, want %v", got, want(false))
		}
	})
	t.Run("an audio clip gets the audio parameters", func(t *testing.T) {
		r := newRig(t, music)
		got := r.e.Params()
		if !slices.Equal(got, want(true)) || !slices.Contains(got, "volume") {
			t.Errorf("lanes %v, want %v", got, want(true))
		}
	})
	t.Run("an animated effect parameter on the clip gets a lane too", func(t *testing.T) {
		r := newRig(t, hero)
		if _, err := (&edit.SetKeyframe{Clip: hero, Param: "glow.amount", KeySpec: edit.KeySpec{T: 5, V: 3}}).Apply(r.tl); err != nil {
			t.Fatal(err)
		}
		r.e.SetClip(r.tl, hero)
		if got := r.e.Params(); got[len(got)-1] != "glow.amount" {
			t.Errorf("lanes %v, want glow.amount last", got)
		}
	})
	t.Run("no clip shows no lanes", func(t *testing.T) {
		r := newRig(t, hero)
		r.e.SetClip(r.tl, 0)
		if got := r.e.Params(); len(got) != 0 {
			t.Errorf("lanes %v", got)
		}
	})
}

func TestKeyframeDrag(t *testing.T) {
	cases := []struct {
		name   string
		param  string
		key    rt.Time
		dt     float64 // frames dragged
		toV    float64 // value under the pointer at the end (NaN: keep the key's height)
		dy     float32 // extra pixels down (used when toV is NaN)
		mods   fyne.KeyModifier
		wantT  rt.Time
		wantV  float64
		wantOp string
	}{
		{name: "dragging a key moves it in time and value", param: "opacity", key: 24, dt: 6, toV: 0.75, wantT: 30, wantV: 0.75},
		{name: "time snaps to whole frames", param: "opacity", key: 24, dt: 6.4, toV: 1, wantT: 30, wantV: 1},
		{name: "the value is clamped to the parameter's range", param: "opacity", key: 24, dt: 0, toV: math.NaN(), dy: -200, wantT: 24, wantV: 1},
		{name: "the value is clamped at the bottom too", param: "opacity", key: 0, dt: 2, toV: math.NaN(), dy: 300, wantT: 2, wantV: 0},
		{name: "a key dragged onto another key stops short of it", param: "opacity", key: 24, dt: 16, toV: 1, wantT: 36, wantV: 1},
		{name: "Shift keeps a mostly sideways drag on its value", param: "opacity", key: 24, dt: 8, toV: math.NaN(), dy: 6, mods: fyne.KeyModifierShift, wantT: 32, wantV: 1},
		{name: "a big-range parameter moves by its own scale", param: "position.x", key: 30, dt: -4, toV: 0, wantT: 26, wantV: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, hero)
			from := r.key(c.param, c.key)
			to := fyne.NewPos(from.X+float32(c.dt*r.e.Zoom()), from.Y+c.dy)
			if !math.IsNaN(c.toV) {
				to.Y = r.e.YAt(c.param, c.toV)
			}
			r.drag(from, to, c.mods)
			if len(r.cmds) != 1 || len(r.cmds[0]) != 1 {
				t.Fatalf("edits %v, want one command", r.names)
			}
			m, ok := r.cmds[0][0].(*edit.MoveKeyframe)
			if !ok {
				t.Fatalf("command %s, want move-keyframe", r.cmds[0][0].Op())
			}
			if m.From != c.key || m.To != c.wantT {
				t.Errorf("move from %d to %d, want %d to %d", m.From, m.To, c.key, c.wantT)
			}
			cv := r.curve(hero, c.param)
			i := cv.Index(c.wantT)
			if i < 0 {
				t.Fatalf("no key at %d after the drag: %+v", c.wantT, cv.Keys)
			}
			if got := cv.Keys[i].V; math.Abs(got-c.wantV) > 1e-9 {
				t.Errorf("key value %g, want %g", got, c.wantV)
			}
			if sel := r.e.Selected(); len(sel) != 1 || sel[0].T != c.wantT {
				t.Errorf("selection %v, want the moved key", sel)
			}
		})
	}
	t.Run("two selected keys move together in one step", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 0), 0)
		r.click(r.key("opacity", 24), fyne.KeyModifierShift)
		from := r.key("opacity", 24)
		r.drag(from, from.AddXY(float32(5*r.e.Zoom()), 0), 0)
		if len(r.cmds) != 1 || len(r.cmds[0]) != 2 {
			t.Fatalf("edits %v, want one with two commands", r.cmds)
		}
		var ts []rt.Time
		for _, k := range r.curve(hero, "opacity").Keys {
			ts = append(ts, k.T)
		}
		if !slices.Equal(ts, []rt.Time{5, 29, 40}) {
			t.Errorf("keys at %v, want [5 29 40]", ts)
		}
	})
	t.Run("nothing is emitted until the drag ends", func(t *testing.T) {
		r := newRig(t, hero)
		from := r.key("opacity", 24)
		r.dragStart(from, from.AddXY(30, 10), 0)
		if len(r.cmds) != 0 {
			t.Errorf("edits during the drag: %v", r.names)
		}
		r.e.DragEnd()
		if len(r.cmds) != 1 {
			t.Errorf("%d edits after the drag, want 1", len(r.cmds))
		}
	})
}

func TestAddingAndDeletingKeys(t *testing.T) {
	t.Run("a double-click on a lane adds a key at that frame and value", func(t *testing.T) {
		r := newRig(t, hero)
		p := fyne.NewPos(r.e.XAt(10), r.e.YAt("opacity", 0.25))
		r.e.DoubleTapped(&fyne.PointEvent{Position: p})
		cv := r.curve(hero, "opacity")
		i := cv.Index(10)
		if i < 0 || math.Abs(cv.Keys[i].V-0.25) > 1e-9 {
			t.Fatalf("keys %+v, want one at 10 with 0.25", cv.Keys)
		}
		if cv.Keys[i].Interp != keyframe.EaseInOutCubic {
			t.Errorf("new key interpolation %q, want the segment's ease-in-out-cubic", cv.Keys[i].Interp)
		}
		if r.cmds[0][0].Op() != "set-keyframe" {
			t.Errorf("op %s, want set-keyframe", r.cmds[0][0].Op())
		}
	})
	t.Run("a double-click on a parameter with no animation starts its curve", func(t *testing.T) {
		r := newRig(t, hero)
		p := fyne.NewPos(r.e.XAt(12.4), r.e.YAt("scale.x", 1.1))
		r.e.DoubleTapped(&fyne.PointEvent{Position: p})
		cv := r.curve(hero, "scale.x")
		if cv == nil || len(cv.Keys) != 1 || cv.Keys[0].T != 12 || math.Abs(cv.Keys[0].V-1.1) > 1e-9 {
			t.Fatalf("scale.x curve %+v, want one key at 12 with 1.1", cv)
		}
	})
	t.Run("a double-click far above a lane's range adds the parameter's maximum", func(t *testing.T) {
		r := newRig(t, hero)
		y, _, _ := r.e.LaneY("anchor.x")
		r.e.DoubleTapped(&fyne.PointEvent{Position: fyne.NewPos(r.e.XAt(3), y+1)})
		cv := r.curve(hero, "anchor.x")
		if cv == nil || len(cv.Keys) != 1 || cv.Keys[0].V != 1 {
			t.Fatalf("anchor.x curve %+v, want one key at the maximum 1", cv)
		}
	})
	t.Run("Delete removes the selected key", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		r.e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
		if cv := r.curve(hero, "opacity"); cv.Index(24) >= 0 || len(cv.Keys) != 2 {
			t.Errorf("keys %+v, want 24 gone", cv.Keys)
		}
		if r.cmds[0][0].Op() != "remove-keyframe" {
			t.Errorf("op %s", r.cmds[0][0].Op())
		}
	})
	t.Run("Shift+click selects keys in two lanes and Backspace removes both at once", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 40), 0)
		r.click(r.key("rotation", 47), fyne.KeyModifierShift)
		r.e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		if len(r.cmds) != 1 || len(r.cmds[0]) != 2 {
			t.Fatalf("edits %v, want one with two removals", r.cmds)
		}
		if r.curve(hero, "opacity").Index(40) >= 0 || r.curve(hero, "rotation").Index(47) >= 0 {
			t.Error("the keys are still there")
		}
	})
	t.Run("a marquee selects the keys inside it", func(t *testing.T) {
		r := newRig(t, hero)
		y, h, _ := r.e.LaneY("opacity")
		r.drag(fyne.NewPos(r.e.XAt(12), y+2), fyne.NewPos(r.e.XAt(45), y+h-2), 0)
		got := r.e.Selected()
		want := []curveeditor.KeyRef{{Param: "opacity", T: 24}, {Param: "opacity", T: 40}}
		if !slices.Equal(got, want) {
			t.Errorf("selected %v, want %v", got, want)
		}
		if len(r.cmds) != 0 {
			t.Errorf("a marquee emitted %v", r.names)
		}
	})
	t.Run("a click on an empty place clears the selection", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		y, _, _ := r.e.LaneY("scale")
		r.click(fyne.NewPos(r.e.XAt(20), y+5), 0)
		if got := r.e.Selected(); len(got) != 0 {
			t.Errorf("selected %v", got)
		}
	})
}

func TestInterpolation(t *testing.T) {
	find := func(items []*fyne.MenuItem, label string) *fyne.MenuItem {
		for _, it := range items {
			if it.Label == label {
				return it
			}
		}
		return nil
	}
	t.Run("the menu lists every interpolation and checks the current one", func(t *testing.T) {
		r := newRig(t, hero)
		m := r.e.InterpMenu(curveeditor.KeyRef{Param: "opacity", T: 0})
		n := 0
		for _, it := range m.Items {
			if it.ChildMenu != nil {
				n += len(it.ChildMenu.Items)
			} else if !it.IsSeparator {
				n++
			}
		}
		if n != len(keyframe.AllInterps()) {
			t.Errorf("%d interpolations in the menu, want %d", n, len(keyframe.AllInterps()))
		}
		io := find(m.Items, "Ease In-Out")
		if io == nil || !io.Checked || !find(io.ChildMenu.Items, "Cubic").Checked {
			t.Error("Ease In-Out ▸ Cubic is not checked for an ease-in-out-cubic key")
		}
	})
	t.Run("choosing from the menu sets the segment's interpolation", func(t *testing.T) {
		r := newRig(t, hero)
		m := r.e.InterpMenu(curveeditor.KeyRef{Param: "opacity", T: 24})
		find(find(m.Items, "Ease Out").ChildMenu.Items, "Bounce").Action()
		k := r.curve(hero, "opacity").Keys[1]
		if k.T != 24 || k.Interp != keyframe.EaseOutBounce || k.V != 1 {
			t.Errorf("key %+v, want 24 with ease-out-bounce and its value kept", k)
		}
		if r.cmds[0][0].Op() != "set-keyframe" {
			t.Errorf("op %s", r.cmds[0][0].Op())
		}
	})
	t.Run("a right-click on a segment opens the menu for the key it starts at", func(t *testing.T) {
		r := newRig(t, hero)
		y := r.e.YAt("opacity", r.curve(hero, "opacity").ValueAt(30))
		r.e.TappedSecondary(&fyne.PointEvent{Position: fyne.NewPos(r.e.XAt(30), y)})
		top := r.win.Canvas().Overlays().Top()
		var pm *widget.PopUpMenu
		for _, o := range test.LaidOutObjects(top) {
			if m, ok := o.(*widget.PopUpMenu); ok {
				pm = m
			}
		}
		if pm == nil {
			t.Fatalf("overlay %T holds no pop-up menu", top)
		}
		want := r.e.InterpMenu(curveeditor.KeyRef{Param: "opacity", T: 24}).Items
		if len(pm.Items) != len(want) {
			t.Errorf("the pop-up shows %d items, want %d", len(pm.Items), len(want))
		}
	})
	t.Run("the interpolation picker in the bar sets it too", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("rotation", 0), 0)
		r.e.InterpSelect().SetSelected(curveeditor.InterpLabel(keyframe.Hold))
		if k := r.curve(hero, "rotation").Keys[0]; k.Interp != keyframe.Hold {
			t.Errorf("interp %q, want hold", k.Interp)
		}
	})
}

func TestBezierHandles(t *testing.T) {
	cases := []struct {
		name   string
		drag   fyne.Position // from the handle
		out    bool
		wantDT float64
		wantDV float64
	}{
		{name: "dragging an out handle sets its time and value offsets", drag: fyne.NewPos(0, 0), out: true},
		{name: "an out handle cannot pass the next key", drag: fyne.NewPos(2000, 0), out: true},
		{name: "dragging the in handle of the next key sets that key's handle", out: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, hero)
			zoom := r.e.Zoom()
			var from fyne.Position
			if c.out {
				// The out handle of position.x@0 is at (8 frames, +0).
				from = fyne.NewPos(r.e.XAt(8), r.e.YAt("position.x", -200))
			} else {
				// position.x@30's in handle was never set: a third of the way back, (-10, -116.67).
				from = fyne.NewPos(r.e.XAt(20), r.e.YAt("position.x", 150-350.0/3))
			}
			if h := r.e.HitTest(from); (c.out && h.Part != curveeditor.PartHandleOut) || (!c.out && h.Part != curveeditor.PartHandleIn) {
				t.Fatalf("hit %v at the handle", h.Part)
			}
			to := fyne.NewPos(from.X+float32(4*zoom), r.e.YAt("position.x", -100))
			if c.drag.X != 0 {
				to.X = from.X + c.drag.X
			}
			r.drag(from, to, 0)
			if len(r.cmds) != 1 || r.cmds[0][0].Op() != "set-keyframe" {
				t.Fatalf("edits %v", r.names)
			}
			cv := r.curve(hero, "position.x")
			switch {
			case c.out && c.drag.X != 0:
				if k := cv.Keys[0]; k.OutDT != 30 {
					t.Errorf("out handle dt %g, want 30 (the segment's length)", k.OutDT)
				}
			case c.out:
				k := cv.Keys[0]
				if math.Abs(k.OutDT-12) > 1e-6 || math.Abs(k.OutDV-100) > 1e-6 {
					t.Errorf("out handle (%g, %g), want (12, 100)", k.OutDT, k.OutDV)
				}
			default:
				k := cv.Keys[1]
				if k.T != 30 || math.Abs(k.InDT-(-6)) > 1e-6 || math.Abs(k.InDV-(-250)) > 1e-6 {
					t.Errorf("in handle of key %d (%g, %g), want (-6, -250)", k.T, k.InDT, k.InDV)
				}
			}
		})
	}
}

func TestExactEntry(t *testing.T) {
	submit := func(e *widget.Entry, s string) {
		e.SetText(s)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	t.Run("selecting a key shows its frame and value", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 40), 0)
		if r.e.TimeEntry().Text != "40" || r.e.ValueEntry().Text != "50" || r.e.InterpSelect().Selected != "Hold" {
			t.Errorf("bar shows %q %q %q", r.e.TimeEntry().Text, r.e.ValueEntry().Text, r.e.InterpSelect().Selected)
		}
	})
	t.Run("typing a frame moves the key there", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		submit(r.e.TimeEntry(), "30")
		if cv := r.curve(hero, "opacity"); cv.Index(30) < 0 || cv.Index(24) >= 0 {
			t.Errorf("keys %+v, want 24 moved to 30", cv.Keys)
		}
	})
	t.Run("typing timecode moves the key too", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		submit(r.e.TimeEntry(), "00:00:01:06")
		if cv := r.curve(hero, "opacity"); cv.Index(30) < 0 {
			t.Errorf("keys %+v, want one at 30", cv.Keys)
		}
	})
	t.Run("typing a percent value sets the fraction", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		submit(r.e.ValueEntry(), "40 %")
		if k := r.curve(hero, "opacity").Keys[1]; k.T != 24 || math.Abs(k.V-0.4) > 1e-9 {
			t.Errorf("key %+v, want 0.4 at 24", k)
		}
	})
	t.Run("a typed value outside the range is clamped", func(t *testing.T) {
		r := newRig(t, music)
		r.click(r.key("volume", 0), 0)
		submit(r.e.ValueEntry(), "40")
		if k := r.curve(music, "volume").Keys[0]; k.V != 12 {
			t.Errorf("volume %g, want the 12 dB maximum", k.V)
		}
	})
	t.Run("text that is not a number is refused with a message", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		submit(r.e.ValueEntry(), "loud")
		submit(r.e.TimeEntry(), "soon")
		if len(r.cmds) != 0 || len(r.errs) != 2 {
			t.Fatalf("edits %v, errors %v", r.names, r.errs)
		}
		if msg := r.errs[0].Error(); msg != `Opacity: "loud" is not a number` {
			t.Errorf("message %q", msg)
		}
	})
	t.Run("moving onto another key's frame is refused with a message", func(t *testing.T) {
		r := newRig(t, hero)
		r.click(r.key("opacity", 24), 0)
		submit(r.e.TimeEntry(), "40")
		if len(r.cmds) != 0 || len(r.errs) != 1 {
			t.Errorf("edits %v, errors %v", r.names, r.errs)
		}
	})
	t.Run("with no key selected the entries are disabled", func(t *testing.T) {
		r := newRig(t, hero)
		if !r.e.TimeEntry().Disabled() || !r.e.ValueEntry().Disabled() {
			t.Error("entries enabled with nothing selected")
		}
	})
}

func TestRulerSeeksAndValuesFormat(t *testing.T) {
	r := newRig(t, hero)
	var seeks []rt.Time
	r.e.OnSeek = func(f rt.Time) { seeks = append(seeks, f) }
	r.click(fyne.NewPos(r.e.XAt(12), 8), 0)
	if len(seeks) != 1 || seeks[0] != 112 {
		t.Errorf("seeks %v, want the timeline frame 112 (clip starts at 100)", seeks)
	}
	for _, c := range []struct {
		param string
		v     float64
		want  string
	}{{"opacity", 0.5, "50 %"}, {"rotation", 22.5, "22.5°"}, {"position.x", -12.25, "-12.25 px"}, {"volume", -6, "-6 dB"}, {"pan", 0.25, "0.25"}} {
		d, _ := keyframe.Lookup(c.param)
		if got := curveeditor.FormatValue(d, c.v); got != c.want {
			t.Errorf("%s %g shows %q, want %q", c.param, c.v, got, c.want)
		}
		back, err := curveeditor.ParseValue(d, c.want)
		if err != nil || math.Abs(back-c.v) > 1e-9 {
			t.Errorf("%q reads back as %g (%v), want %g", c.want, back, err, c.v)
		}
	}
}

func TestKeySelection(t *testing.T) {
	op := func(t rt.Time) curveeditor.KeyRef { return curveeditor.KeyRef{Param: "opacity", T: t} }
	cases := []struct {
		name string
		act  func(r *rig)
		want []curveeditor.KeyRef
	}{
		{"pressing a key selects it before the click completes", func(r *rig) {
			r.e.MouseDown(mouse(r.key("opacity", 24), 0))
		}, []curveeditor.KeyRef{op(24)}},
		{"a plain click on one key of a group selects just it", func(r *rig) {
			r.e.Select(op(0), op(24), op(40))
			r.click(r.key("opacity", 24), 0)
		}, []curveeditor.KeyRef{op(24)}},
		{"Shift+click removes a selected key", func(r *rig) {
			r.e.Select(op(0), op(24))
			r.click(r.key("opacity", 0), fyne.KeyModifierShift)
		}, []curveeditor.KeyRef{op(24)}},
		{"a tap with no press before it selects too", func(r *rig) {
			r.e.Tapped(&fyne.PointEvent{Position: r.key("opacity", 40)})
		}, []curveeditor.KeyRef{op(40)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, hero)
			c.act(r)
			if got := r.e.Selected(); !slices.Equal(got, c.want) {
				t.Errorf("selected %v, want %v", got, c.want)
			}
		})
	}
}
