package curveeditor

import (
	"fmt"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

var (
	_ fyne.Tappable          = (*Editor)(nil)
	_ fyne.DoubleTappable    = (*Editor)(nil)
	_ fyne.SecondaryTappable = (*Editor)(nil)
	_ fyne.Draggable         = (*Editor)(nil)
	_ fyne.Scrollable        = (*Editor)(nil)
	_ fyne.Focusable         = (*Editor)(nil)
	_ desktop.Mouseable      = (*Editor)(nil)
	_ desktop.Keyable        = (*Editor)(nil)
)

// Part is what a point in the editor is over.
type Part int

// The parts of the editor.
const (
	PartNone      Part = iota
	PartRuler          // the time ruler
	PartName           // a parameter's name and value, left of its lane
	PartLane           // an empty place in a lane
	PartKey            // a keyframe
	PartHandleOut      // the out handle of a bezier segment's first key
	PartHandleIn       // the in handle of a bezier segment's second key
	PartBar            // the exact-entry bar
)

// Target is what lies under a point.
type Target struct {
	Part  Part
	Param string
	Key   KeyRef  // the key for PartKey and the handles' owner key
	Frame float64 // clip frame under the point (lanes and ruler)
	Value float64 // the lane's value under the point
}

// HitTest says what is under widget position p. Handles win over keys, keys over the lane.
func (e *Editor) HitTest(p fyne.Position) Target {
	sz := e.Size()
	if p.Y >= sz.Height-BarHeight {
		return Target{Part: PartBar}
	}
	if p.Y < RulerHeight {
		if p.X >= NameWidth {
			return Target{Part: PartRuler, Frame: e.FrameAt(p.X)}
		}
		return Target{}
	}
	li := -1
	for i, l := range e.lanes {
		top := RulerHeight + l.top - e.y0
		if p.Y >= top && p.Y < top+LaneHeight {
			li = i
			break
		}
	}
	if li < 0 {
		return Target{}
	}
	d := e.lanes[li].d
	if p.X < NameWidth {
		return Target{Part: PartName, Param: d.Name}
	}
	t := Target{Part: PartLane, Param: d.Name, Frame: e.FrameAt(p.X), Value: e.valueAtY(li, p.Y)}
	cv := e.curve(d.Name)
	if cv == nil {
		return t
	}
	best := hitRadius + 1
	near := func(x, y float32) float32 {
		return float32(math.Hypot(float64(p.X-x), float64(p.Y-y)))
	}
	for i, k := range cv.Keys {
		if i+1 < len(cv.Keys) && k.Interp == keyframe.Bezier {
			out, in := e.handles(cv, i)
			b := cv.Keys[i+1]
			if dd := near(e.XAt(float64(k.T)+out.dt), e.yAt(li, k.V+out.dv)); dd <= hitRadius && dd < best {
				best, t.Part, t.Key = dd, PartHandleOut, KeyRef{d.Name, k.T}
			}
			if dd := near(e.XAt(float64(b.T)+in.dt), e.yAt(li, b.V+in.dv)); dd <= hitRadius && dd < best {
				best, t.Part, t.Key = dd, PartHandleIn, KeyRef{d.Name, b.T}
			}
		}
	}
	if t.Part == PartLane {
		for _, k := range cv.Keys {
			if dd := near(e.XAt(float64(k.T)), e.yAt(li, k.V)); dd <= hitRadius && dd < best {
				best, t.Part, t.Key = dd, PartKey, KeyRef{d.Name, k.T}
			}
		}
	}
	return t
}

func (e *Editor) modifiers() fyne.KeyModifier {
	if a := fyne.CurrentApp(); a != nil {
		if d, ok := a.Driver().(desktop.Driver); ok {
			return d.CurrentKeyModifiers() | e.keyMods
		}
	}
	return e.keyMods
}

// MouseDown implements desktop.Mouseable: it takes the focus, remembers the modifiers and
// selects the key pressed on.
func (e *Editor) MouseDown(ev *desktop.MouseEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.Focused() != e {
		c.Focus(e)
	}
	if ev.Button == desktop.MouseButtonPrimary {
		e.press = kpress{valid: true, pos: ev.Position, mods: ev.Modifier | e.keyMods}
		e.pressSelect()
	}
}

// pressSelect selects the key pressed on at once (the desktop driver delays Tapped on a
// double-tappable widget): Shift toggles it, a press on an unselected key selects only it,
// a press on a selected key keeps the selection so the group can be dragged.
func (e *Editor) pressSelect() {
	p := &e.press
	h := e.HitTest(p.pos)
	if h.Part != PartKey && h.Part != PartHandleIn && h.Part != PartHandleOut {
		return
	}
	p.key, p.onKey, p.wasSel = h.Key, true, e.sel[h.Key]
	switch {
	case p.mods&fyne.KeyModifierShift != 0:
		if p.wasSel {
			delete(e.sel, h.Key)
		} else {
			e.sel[h.Key] = true
		}
		p.toggled = true
	case !p.wasSel:
		clear(e.sel)
		e.sel[h.Key] = true
	}
	e.syncBar()
	e.Refresh()
}

// MouseUp implements desktop.Mouseable.
func (e *Editor) MouseUp(*desktop.MouseEvent) {}

func (e *Editor) pressMods(p fyne.Position) fyne.KeyModifier {
	if e.press.valid && dist(e.press.pos, p) < 12 {
		return e.press.mods
	}
	return e.modifiers()
}

func dist(a, b fyne.Position) float32 {
	return float32(math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y)))
}

// Tapped implements fyne.Tappable: a click on one key of a selected group selects just it,
// a click on an empty lane clears the selection, a click on the ruler seeks. (Keys are
// selected when pressed, see MouseDown.)
func (e *Editor) Tapped(ev *fyne.PointEvent) {
	p := e.press
	e.press = kpress{}
	if !p.valid || dist(p.pos, ev.Position) > 3 {
		// A tap with no press before it (touch, the test driver): press here first.
		e.press = kpress{valid: true, pos: ev.Position, mods: e.modifiers()}
		e.pressSelect()
		p = e.press
		e.press = kpress{}
	}
	h := e.HitTest(ev.Position)
	shift := p.mods&fyne.KeyModifierShift != 0
	switch h.Part {
	case PartRuler:
		if e.OnSeek != nil && e.clip != nil {
			e.OnSeek(max(e.clip.Start+rt.Time(math.Round(h.Frame)), 0))
		}
	case PartKey, PartHandleIn, PartHandleOut:
		// A plain click on one key of a group selects just that key.
		if !shift && p.onKey && p.wasSel && len(e.sel) > 1 {
			clear(e.sel)
			e.sel[h.Key] = true
		}
	case PartLane, PartName:
		if !shift {
			clear(e.sel)
		}
	}
	e.syncBar()
	e.Refresh()
}

// DoubleTapped implements fyne.DoubleTappable: on an empty place in a lane it adds a
// keyframe at the frame and value under the pointer.
func (e *Editor) DoubleTapped(ev *fyne.PointEvent) {
	h := e.HitTest(ev.Position)
	if h.Part != PartLane || e.clip == nil {
		return
	}
	t := clampT(rt.Time(math.Round(h.Frame)), 0, max(e.clip.Dur-1, 0))
	if e.keyIndex(KeyRef{h.Param, t}) >= 0 {
		return
	}
	li := e.laneIndex(h.Param)
	l := e.lanes[li]
	e.AddKey(h.Param, t, roundTo(h.Value, quantum((l.vmax-l.vmin)/float64(LaneHeight-2*lanePad))))
	e.syncBar()
}

// TappedSecondary implements fyne.SecondaryTappable: on a key or a segment it opens the
// interpolation menu of the segment that starts there.
func (e *Editor) TappedSecondary(ev *fyne.PointEvent) {
	h := e.HitTest(ev.Position)
	k, ok := e.segmentKey(h)
	if !ok {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(e).Add(ev.Position)
	widget.ShowPopUpMenuAtPosition(e.InterpMenu(k), c, abs)
}

// segmentKey is the key whose segment a point is on: the key itself, or on a lane the last
// key before the point when there is one after it.
func (e *Editor) segmentKey(h Target) (KeyRef, bool) {
	switch h.Part {
	case PartKey:
		return h.Key, true
	case PartLane:
		cv := e.curve(h.Param)
		if cv == nil {
			return KeyRef{}, false
		}
		for i := len(cv.Keys) - 2; i >= 0; i-- {
			if float64(cv.Keys[i].T) <= h.Frame && h.Frame < float64(cv.Keys[i+1].T) {
				return KeyRef{h.Param, cv.Keys[i].T}, true
			}
		}
	}
	return KeyRef{}, false
}

// InterpMenu is the interpolation menu for the segment starting at key k: hold, linear,
// bezier, smooth, then the easings in In, Out and In-Out submenus; the current one is
// checked. Choosing an item emits set-keyframe.
func (e *Editor) InterpMenu(k KeyRef) *fyne.Menu {
	cur := keyframe.Interp("")
	if ki := e.keyIndex(k); ki >= 0 {
		cur = e.curve(k.Param).Keys[ki].Interp
	}
	if cur == "" {
		cur = keyframe.Linear
	}
	item := func(label string, i keyframe.Interp) *fyne.MenuItem {
		m := fyne.NewMenuItem(label, func() { e.SetInterp(k, i) })
		m.Checked = i == cur
		return m
	}
	var top []*fyne.MenuItem
	groups := map[string]*fyne.MenuItem{}
	for _, i := range keyframe.AllInterps() {
		g, rest := interpGroup(i)
		if g == "" {
			top = append(top, item(InterpLabel(i), i))
			continue
		}
		gi := groups[g]
		if gi == nil {
			gi = fyne.NewMenuItem(g, nil)
			gi.ChildMenu = fyne.NewMenu(g)
			groups[g] = gi
			if len(groups) == 1 {
				top = append(top, fyne.NewMenuItemSeparator())
			}
			top = append(top, gi)
		}
		it := item(title(rest), i)
		gi.ChildMenu.Items = append(gi.ChildMenu.Items, it)
		if it.Checked {
			gi.Checked = true
		}
	}
	return fyne.NewMenu("Interpolation", top...)
}

// kdrag is a drag in progress; nothing is emitted until it ends.
type kdrag struct {
	kind   Part // PartKey, PartHandleIn, PartHandleOut, PartLane (marquee)
	start  fyne.Position
	cur    fyne.Position
	mods   fyne.KeyModifier
	grab   KeyRef
	lane   int
	keys   []KeyRef // keys moved (PartKey)
	dt     rt.Time  // time offset, frames
	dv     float64  // value offset in the grabbed lane
	h      handle   // new handle offset (handle drags)
	step   float64  // value resolution of the grabbed lane: about one pixel, rounded to 1, 0.1, ...
	base   map[KeyRef]bool
	frozen []lane // lane ranges at the start: the value scale stays put during a drag
}

// Dragged implements fyne.Draggable: drag a key (and the other selected keys) in time
// (whole frames) and value (clamped; Shift locks to the main direction), drag a bezier
// handle, or draw a marquee on an empty place.
func (e *Editor) Dragged(ev *fyne.DragEvent) {
	if e.drag == nil {
		start := ev.Position.Subtract(ev.Dragged)
		mods := e.pressMods(start)
		if e.press.valid && dist(e.press.pos, start) < 12 {
			start = e.press.pos
		}
		e.press = kpress{}
		e.drag = e.beginDrag(start, mods)
		if e.drag == nil {
			return
		}
	}
	e.drag.cur = ev.Position
	e.updateDrag()
	e.Refresh()
}

func (e *Editor) beginDrag(p fyne.Position, mods fyne.KeyModifier) *kdrag {
	h := e.HitTest(p)
	d := &kdrag{kind: h.Part, start: p, cur: p, mods: mods, grab: h.Key, lane: e.laneIndex(h.Param)}
	d.frozen = slices.Clone(e.lanes)
	switch h.Part {
	case PartKey:
		if !e.sel[h.Key] {
			// No press selected it (a drag without MouseDown, or Shift toggled it off):
			// the drag takes it along.
			if mods&fyne.KeyModifierShift == 0 {
				clear(e.sel)
			}
			e.sel[h.Key] = true
		}
		d.keys = e.Selected()
	case PartHandleIn, PartHandleOut:
		cv := e.curve(h.Param)
		ki := e.keyIndex(h.Key)
		if h.Part == PartHandleOut {
			d.h, _ = e.handles(cv, ki)
		} else {
			_, d.h = e.handles(cv, ki-1)
		}
	case PartLane:
		d.base = map[KeyRef]bool{}
		if mods&fyne.KeyModifierShift != 0 {
			for k := range e.sel {
				d.base[k] = true
			}
		}
	default:
		return nil
	}
	return d
}

func (e *Editor) updateDrag() {
	d := e.drag
	dx, dy := d.cur.X-d.start.X, d.cur.Y-d.start.Y
	if d.kind == PartKey && d.mods&fyne.KeyModifierShift != 0 {
		if math.Abs(float64(dx)) >= math.Abs(float64(dy)) {
			dy = 0
		} else {
			dx = 0
		}
	}
	l := d.frozen[max(d.lane, 0)]
	perPx := (l.vmax - l.vmin) / float64(LaneHeight-2*lanePad)
	switch d.kind {
	case PartLane:
		e.sel = e.marquee(d)
		e.syncBar()
	case PartKey:
		dt := rt.Time(math.Round(float64(dx) / e.ppf))
		if e.validShift(d.keys, dt) {
			d.dt = dt
		}
		d.dv = -float64(dy) * perPx
		d.step = quantum(perPx)
	case PartHandleOut, PartHandleIn:
		cv := e.curve(d.grab.Param)
		ki := e.keyIndex(d.grab)
		var a, b keyframe.Key
		var orig handle
		if d.kind == PartHandleOut {
			a, b = cv.Keys[ki], cv.Keys[ki+1]
			orig, _ = e.handles(cv, ki)
		} else {
			a, b = cv.Keys[ki-1], cv.Keys[ki]
			_, orig = e.handles(cv, ki-1)
		}
		span := float64(b.T - a.T)
		ht := roundTo(orig.dt+float64(dx)/e.ppf, quantum(1/e.ppf))
		if d.kind == PartHandleOut {
			ht = math.Min(math.Max(ht, 0), span)
		} else {
			ht = math.Min(math.Max(ht, -span), 0)
		}
		d.h = handle{ht, roundTo(orig.dv-float64(dy)*perPx, quantum(perPx))}
	}
}

// validShift reports whether moving keys by dt keeps every key on its own frame.
func (e *Editor) validShift(keys []KeyRef, dt rt.Time) bool {
	moving := map[KeyRef]bool{}
	for _, k := range keys {
		moving[k] = true
	}
	for _, k := range keys {
		to := KeyRef{k.Param, k.T + dt}
		if !moving[to] && e.keyIndex(to) >= 0 {
			return false
		}
	}
	return true
}

// marquee is the keys inside the drag rectangle, plus the base selection.
func (e *Editor) marquee(d *kdrag) map[KeyRef]bool {
	n := map[KeyRef]bool{}
	for k := range d.base {
		n[k] = true
	}
	x0, x1 := min(d.start.X, d.cur.X), max(d.start.X, d.cur.X)
	y0, y1 := min(d.start.Y, d.cur.Y), max(d.start.Y, d.cur.Y)
	for i, l := range e.lanes {
		cv := e.curve(l.d.Name)
		if cv == nil {
			continue
		}
		for _, k := range cv.Keys {
			x, y := e.XAt(float64(k.T)), e.yAt(i, k.V)
			if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
				n[KeyRef{l.d.Name, k.T}] = true
			}
		}
	}
	return n
}

// DragEnd implements fyne.Draggable: the drag's commands go to OnEdit as one step.
func (e *Editor) DragEnd() {
	d := e.drag
	e.drag = nil
	if d == nil || e.clip == nil {
		return
	}
	name, cmds := e.dragCommands(d)
	e.syncBar()
	e.Refresh()
	e.emit(name, cmds)
}

func (e *Editor) dragCommands(d *kdrag) (string, []edit.Command) {
	switch d.kind {
	case PartKey:
		if d.dt == 0 && d.dv == 0 {
			return "", nil
		}
		// Move later keys first when going right (earlier first going left), so no key
		// lands on one of the group that has not moved yet.
		keys := slices.Clone(d.keys)
		slices.SortFunc(keys, func(a, b KeyRef) int {
			if d.dt > 0 {
				return int(b.T - a.T)
			}
			return int(a.T - b.T)
		})
		var cmds []edit.Command
		newSel := map[KeyRef]bool{}
		for _, k := range keys {
			ki := e.keyIndex(k)
			if ki < 0 {
				continue
			}
			cmd := &edit.MoveKeyframe{Clip: e.clip.ID, Param: k.Param, From: k.T, To: k.T + d.dt}
			if d.dv != 0 && k.Param == d.grab.Param {
				desc, _ := keyframe.Lookup(k.Param)
				v := desc.Clamp(roundTo(e.curve(k.Param).Keys[ki].V+d.dv, d.step))
				cmd.V = &v
			}
			cmds = append(cmds, cmd)
			newSel[KeyRef{k.Param, k.T + d.dt}] = true
		}
		e.sel = newSel
		if len(cmds) == 1 {
			return "Move Keyframe", cmds
		}
		return fmt.Sprintf("Move %d Keyframes", len(cmds)), cmds
	case PartHandleOut, PartHandleIn:
		ki := e.keyIndex(d.grab)
		if ki < 0 {
			return "", nil
		}
		key := e.curve(d.grab.Param).Keys[ki]
		if d.kind == PartHandleOut {
			key.OutDT, key.OutDV = d.h.dt, d.h.dv
		} else {
			key.InDT, key.InDV = d.h.dt, d.h.dv
		}
		return "Adjust Bezier Handle", []edit.Command{&edit.SetKeyframe{Clip: e.clip.ID, Param: d.grab.Param, KeySpec: spec(key)}}
	}
	return "", nil
}

// ghostKey is where a dragged key is drawn: its time and value during the drag.
func (e *Editor) ghostKey(k KeyRef, key keyframe.Key) (float64, float64, bool) {
	d := e.drag
	if d == nil || d.kind != PartKey {
		return 0, 0, false
	}
	for _, m := range d.keys {
		if m == k {
			v := key.V
			if k.Param == d.grab.Param && d.dv != 0 {
				desc, _ := keyframe.Lookup(k.Param)
				v = desc.Clamp(roundTo(v+d.dv, d.step))
			}
			return float64(k.T + d.dt), v, true
		}
	}
	return 0, 0, false
}

func clampT(v, lo, hi rt.Time) rt.Time { return min(max(v, lo), hi) }

// quantum is the power of ten at or below what one pixel is worth: values set with the
// mouse are rounded to it, so a drag gives 0.75 rather than 0.7499813.
func quantum(perPx float64) float64 {
	if !(perPx > 0) || math.IsInf(perPx, 0) {
		return 0
	}
	return math.Pow(10, math.Floor(math.Log10(perPx)))
}

// roundTo rounds v to a multiple of q (q a power of ten; 0 leaves v alone), exactly for
// decimal steps.
func roundTo(v, q float64) float64 {
	switch {
	case q <= 0:
		return v
	case q < 1:
		inv := math.Round(1 / q)
		return math.Round(v*inv) / inv
	}
	return math.Round(v/q) * q
}

// Scrolled implements fyne.Scrollable: the wheel scrolls the lanes, Shift+wheel scrolls
// time, Ctrl+wheel zooms time around the pointer.
func (e *Editor) Scrolled(ev *fyne.ScrollEvent) {
	mods := e.modifiers()
	dx, dy := ev.Scrolled.DX, ev.Scrolled.DY
	switch {
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		e.SetZoom(e.ppf*math.Pow(1.25, float64(dy)/25), max(ev.Position.X, NameWidth))
		return
	case mods&fyne.KeyModifierShift != 0:
		dx, dy = dx+dy, 0
	}
	e.t0 -= float64(dx) / e.ppf
	e.y0 -= dy
	e.clampScroll()
	e.Refresh()
}

func (e *Editor) clampScroll() {
	maxY := float32(len(e.lanes))*LaneHeight - (e.Size().Height - RulerHeight - BarHeight)
	e.y0 = min(e.y0, max(maxY, 0))
	e.y0 = max(e.y0, 0)
}

// FocusGained implements fyne.Focusable.
func (e *Editor) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (e *Editor) FocusLost() { e.keyMods = 0 }

// TypedRune implements fyne.Focusable.
func (e *Editor) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: Delete or Backspace removes the selected keys, Escape
// cancels a drag.
func (e *Editor) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		e.DeleteSelected()
	case fyne.KeyEscape:
		e.drag = nil
		e.Refresh()
	}
}

// KeyDown implements desktop.Keyable (modifier tracking).
func (e *Editor) KeyDown(ev *fyne.KeyEvent) { e.keyMods |= modOf(ev.Name) }

// KeyUp implements desktop.Keyable.
func (e *Editor) KeyUp(ev *fyne.KeyEvent) { e.keyMods &^= modOf(ev.Name) }

func modOf(k fyne.KeyName) fyne.KeyModifier {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		return fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		return fyne.KeyModifierControl
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		return fyne.KeyModifierAlt
	case desktop.KeySuperLeft, desktop.KeySuperRight:
		return fyne.KeyModifierSuper
	}
	return 0
}
