package timelineview

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

var (
	_ fyne.Tappable      = (*Timeline)(nil)
	_ fyne.Draggable     = (*Timeline)(nil)
	_ fyne.Scrollable    = (*Timeline)(nil)
	_ fyne.Focusable     = (*Timeline)(nil)
	_ fyne.Shortcutable  = (*Timeline)(nil)
	_ desktop.Mouseable  = (*Timeline)(nil)
	_ desktop.Hoverable  = (*Timeline)(nil)
	_ desktop.Keyable    = (*Timeline)(nil)
	_ desktop.Cursorable = (*Timeline)(nil)
)

// modifiers are the keyboard modifiers held now: the desktop driver knows them; elsewhere
// (the test driver) the ones seen through KeyDown/KeyUp.
func (w *Timeline) modifiers() fyne.KeyModifier {
	if a := fyne.CurrentApp(); a != nil {
		if d, ok := a.Driver().(desktop.Driver); ok {
			return d.CurrentKeyModifiers() | w.keyMods
		}
	}
	return w.keyMods
}

// MouseDown implements desktop.Mouseable: it takes the focus, remembers the press for a
// click or drag, and selects the clip pressed on.
func (w *Timeline) MouseDown(ev *desktop.MouseEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(w); c != nil && c.Focused() != w {
		c.Focus(w)
	}
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	w.press = press{valid: true, pos: ev.Position, mods: ev.Modifier | w.keyMods, hit: w.HitTest(ev.Position)}
	w.pressSelect()
}

// MouseUp implements desktop.Mouseable.
func (w *Timeline) MouseUp(*desktop.MouseEvent) {}

// pressSelect applies what pressing on a clip does to the selection: Shift toggles it,
// a press on an unselected clip selects only it, a press on a selected clip keeps the
// selection so it can be dragged as a group.
func (w *Timeline) pressSelect() {
	p := &w.press
	h := p.hit
	if w.tool != ToolSelect || h.Clip == nil {
		return
	}
	p.wasSel = w.sel[h.Clip.ID]
	n := w.copySel()
	switch {
	case p.mods&fyne.KeyModifierShift != 0 && h.Kind == HitClip:
		if n[h.Clip.ID] {
			delete(n, h.Clip.ID)
		} else {
			n[h.Clip.ID] = true
		}
		p.toggled = true
	case !p.wasSel:
		n = map[timeline.ID]bool{h.Clip.ID: true}
	}
	w.replaceSelection(n)
}

func (w *Timeline) copySel() map[timeline.ID]bool {
	n := make(map[timeline.ID]bool, len(w.sel))
	for id := range w.sel {
		n[id] = true
	}
	return n
}

// Tapped implements fyne.Tappable: a click. On a clip it selects it (Shift toggles), on an
// empty lane it clears the selection, on the ruler it seeks, on a header toggle it flips
// the flag; with the razor it splits.
func (w *Timeline) Tapped(ev *fyne.PointEvent) {
	p := w.press
	w.press = press{}
	if !p.valid || dist(p.pos, ev.Position) > 3 {
		// A tap without a matching press (the test driver, touch): act as if pressed here.
		w.press = press{valid: true, pos: ev.Position, mods: w.modifiers(), hit: w.HitTest(ev.Position)}
		w.pressSelect()
		p = w.press
		w.press = press{}
	}
	h := p.hit
	shift := p.mods&fyne.KeyModifierShift != 0
	switch h.Kind {
	case HitRuler:
		w.seek(h.Frame)
	case HitToggle:
		v, _ := h.Track.Flag(h.Flag)
		w.emit(toggleName(h.Flag, !v), []edit.Command{setFlag(h.Track.ID, h.Flag, !v)})
	case HitCorner:
		w.SetSnapping(!w.snap)
	case HitLane, HitHeader:
		if w.tool == ToolSelect && !shift {
			w.replaceSelection(map[timeline.ID]bool{})
		}
	case HitClip, HitClipHead, HitClipTail:
		if w.tool == ToolRazor {
			w.razorClick(h, ev.Position, shift)
			return
		}
		// A plain click on a clip of a group selects just that clip.
		if !shift && p.wasSel && len(w.sel) > 1 {
			w.replaceSelection(map[timeline.ID]bool{h.Clip.ID: true})
		}
	}
}

func dist(a, b fyne.Position) float32 {
	dx, dy := a.X-b.X, a.Y-b.Y
	return float32(math.Sqrt(float64(dx*dx + dy*dy)))
}

func toggleName(flag string, on bool) string {
	names := map[string][2]string{
		"mute": {"Unmute Track", "Mute Track"},
		"solo": {"Unsolo Track", "Solo Track"},
		"lock": {"Unlock Track", "Lock Track"},
		"hide": {"Show Track", "Hide Track"},
	}
	if on {
		return names[flag][1]
	}
	return names[flag][0]
}

func setFlag(track timeline.ID, flag string, v bool) *edit.SetTrack {
	c := &edit.SetTrack{Track: track}
	switch flag {
	case "mute":
		c.Mute = &v
	case "solo":
		c.Solo = &v
	case "lock":
		c.Lock = &v
	case "hide":
		c.Hide = &v
	}
	return c
}

func (w *Timeline) seek(f rt.Time) {
	if f < 0 {
		f = 0
	}
	if w.OnSeek != nil {
		w.OnSeek(f)
	}
}

// razorClick splits the clip under the pointer at the frame boundary nearest it (snapped
// when snapping is on); with Shift every unlocked track is cut there.
func (w *Timeline) razorClick(h Hit, p fyne.Position, all bool) {
	at := w.razorFrame(p)
	if all {
		w.emit("Razor All Tracks", []edit.Command{&edit.Split{At: at}})
		return
	}
	c := h.Track.ClipAt(at)
	if h.Track.Lock || c == nil || c.Start == at {
		return
	}
	w.emit("Razor", []edit.Command{&edit.Split{Clip: c.ID, At: at}})
}

// razorFrame is where a razor click at p cuts.
func (w *Timeline) razorFrame(p fyne.Position) rt.Time {
	at := w.FrameAt(p.X)
	if w.snap {
		if t, ok := w.snapOne(at, w.snapTargets(nil)); ok {
			at = t
		}
	}
	return at
}

// MouseIn implements desktop.Hoverable.
func (w *Timeline) MouseIn(ev *desktop.MouseEvent) { w.MouseMoved(ev) }

// MouseMoved implements desktop.Hoverable: it tracks the pointer for +/- zoom and the razor
// guide.
func (w *Timeline) MouseMoved(ev *desktop.MouseEvent) {
	w.hover, w.hovering = ev.Position, true
	if w.tool == ToolRazor {
		at := NoMark
		if h := w.HitTest(ev.Position); h.Clip != nil {
			at = w.razorFrame(ev.Position)
		}
		if at != w.razorAt {
			w.razorAt = at
			w.Refresh()
		}
	}
}

// MouseOut implements desktop.Hoverable.
func (w *Timeline) MouseOut() {
	w.hovering = false
	if w.razorAt >= 0 {
		w.razorAt = -1
		w.Refresh()
	}
}

// Cursor implements desktop.Cursorable.
func (w *Timeline) Cursor() desktop.Cursor {
	if w.tool == ToolRazor {
		return desktop.CrosshairCursor
	}
	if w.hovering {
		switch w.HitTest(w.hover).Kind {
		case HitClipHead, HitClipTail:
			return desktop.HResizeCursor
		case HitToggle:
			return desktop.PointerCursor
		}
	}
	return desktop.DefaultCursor
}

// Scrolled implements fyne.Scrollable: the wheel scrolls the tracks vertically (or the
// time when every track fits), Shift+wheel and horizontal wheels scroll the time, and
// Ctrl+wheel zooms around the pointer.
func (w *Timeline) Scrolled(ev *fyne.ScrollEvent) {
	mods := w.modifiers()
	dx, dy := ev.Scrolled.DX, ev.Scrolled.DY
	switch {
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		x := ev.Position.X
		if x < HeaderWidth {
			x = HeaderWidth
		}
		w.ZoomBy(math.Pow(1.25, float64(dy)/25), x)
		return
	case mods&fyne.KeyModifierShift != 0:
		dx, dy = dx+dy, 0
	case w.contentH <= w.laneHeight():
		dx, dy = dx+dy, 0
	}
	w.x0 -= float64(dx) / w.ppf
	w.y0 -= dy
	w.clampScroll()
	w.Refresh()
}

// FocusGained implements fyne.Focusable.
func (w *Timeline) FocusGained() { w.focused = true; w.Refresh() }

// FocusLost implements fyne.Focusable.
func (w *Timeline) FocusLost() { w.focused = false; w.keyMods = 0; w.Refresh() }

// KeyDown implements desktop.Keyable (modifier tracking).
func (w *Timeline) KeyDown(ev *fyne.KeyEvent) { w.keyMods |= modOf(ev.Name) }

// KeyUp implements desktop.Keyable.
func (w *Timeline) KeyUp(ev *fyne.KeyEvent) { w.keyMods &^= modOf(ev.Name) }

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

// TypedRune implements fyne.Focusable: B razor, A or V select, S snapping, + and - zoom.
func (w *Timeline) TypedRune(r rune) {
	switch r {
	case 'b', 'B':
		w.SetTool(ToolRazor)
	case 'a', 'A', 'v', 'V':
		w.SetTool(ToolSelect)
	case 's', 'S':
		w.SetSnapping(!w.snap)
	case 'Z':
		w.ZoomToFit()
	case '+', '=':
		w.ZoomBy(1.5, w.zoomAnchor())
	case '-', '_':
		w.ZoomBy(1/1.5, w.zoomAnchor())
	default:
		if w.OnRune != nil {
			w.OnRune(r)
		}
	}
}

// zoomAnchor is the x that keyboard zoom keeps still: the pointer over the lanes, else the
// playhead when it is on screen, else the left edge.
func (w *Timeline) zoomAnchor() float32 {
	if w.hovering && w.hover.X >= HeaderWidth {
		return w.hover.X
	}
	if x := w.XAt(w.playhead); x >= HeaderWidth && x <= w.Size().Width {
		return x
	}
	return HeaderWidth
}

// TypedKey implements fyne.Focusable: Delete/Backspace lift (Shift: ripple delete), Escape
// cancels a drag or returns to the select tool, Left/Right step the playhead (Shift: 10
// frames), Up/Down jump to the previous/next edit, Home/End to the start/end.
func (w *Timeline) TypedKey(ev *fyne.KeyEvent) {
	shift := w.modifiers()&fyne.KeyModifierShift != 0
	switch ev.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		if shift {
			w.RippleDeleteSelection()
		} else {
			w.LiftSelection()
		}
	case fyne.KeyEscape:
		if w.drag != nil {
			w.drag = nil
			w.Refresh()
		} else if w.tool != ToolSelect {
			w.SetTool(ToolSelect)
		}
	case fyne.KeyLeft, fyne.KeyRight:
		step := rt.Time(1)
		if shift {
			step = 10
		}
		if ev.Name == fyne.KeyLeft {
			step = -step
		}
		w.seek(w.playhead + step)
	case fyne.KeyUp:
		if f, ok := w.EditPoint(w.playhead, -1); ok {
			w.seek(f)
		}
	case fyne.KeyDown:
		if f, ok := w.EditPoint(w.playhead, 1); ok {
			w.seek(f)
		}
	case fyne.KeyHome:
		w.seek(0)
	case fyne.KeyEnd:
		if w.tl != nil {
			w.seek(w.tl.Duration())
		}
	default:
		if w.OnKey != nil {
			w.OnKey(ev)
		}
	}
}

// TypedShortcut implements fyne.Shortcutable: Ctrl+K splits at the playhead, Shift+Delete
// (which desktop drivers deliver as the Cut shortcut) ripple-deletes, Ctrl+= and Ctrl+-
// zoom. Every other shortcut is passed on (see OnShortcut).
func (w *Timeline) TypedShortcut(s fyne.Shortcut) {
	switch sc := s.(type) {
	case *fyne.ShortcutCut:
		if w.modifiers()&fyne.KeyModifierShift != 0 {
			w.RippleDeleteSelection()
			return
		}
	case *desktop.CustomShortcut:
		switch {
		case sc.KeyName == fyne.KeyK && sc.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 && sc.Modifier&fyne.KeyModifierShift == 0:
			w.SplitAtPlayhead()
			return
		case (sc.KeyName == fyne.KeyDelete || sc.KeyName == fyne.KeyBackspace) && sc.Modifier == fyne.KeyModifierShift:
			w.RippleDeleteSelection()
			return
		case (sc.KeyName == fyne.KeyEqual || sc.KeyName == fyne.KeyPlus) && sc.Modifier&fyne.KeyModifierControl != 0:
			w.ZoomBy(1.5, w.zoomAnchor())
			return
		case sc.KeyName == fyne.KeyMinus && sc.Modifier&fyne.KeyModifierControl != 0:
			w.ZoomBy(1/1.5, w.zoomAnchor())
			return
		}
	}
	w.passShortcut(s)
}

// passShortcut hands a shortcut the timeline does not use (Undo, Redo, Save, ...) to
// OnShortcut, or else to the window's canvas, whose shortcut handlers a focused Shortcutable
// widget would otherwise hide.
func (w *Timeline) passShortcut(s fyne.Shortcut) {
	if w.OnShortcut != nil {
		w.OnShortcut(s)
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(w); c != nil {
		if sc, ok := c.(fyne.Shortcutable); ok {
			sc.TypedShortcut(s)
		}
	}
}

// EditPoint is the nearest clip start or end strictly before (dir < 0) or after (dir > 0)
// frame f on any track, for Up/Down.
func (w *Timeline) EditPoint(f rt.Time, dir int) (rt.Time, bool) {
	if w.tl == nil {
		return 0, false
	}
	best, found := rt.Time(0), false
	better := func(e rt.Time) {
		if (dir < 0 && e < f && (!found || e > best)) || (dir > 0 && e > f && (!found || e < best)) {
			best, found = e, true
		}
	}
	for _, t := range w.tl.Tracks {
		if c := t.ClipAt(f); c != nil {
			better(c.Start)
			better(c.End())
		}
		// The clips just before and after f.
		if dir < 0 {
			if cs := t.ClipsIn(rt.Range{Start: 0, Dur: f}); len(cs) > 0 {
				better(cs[len(cs)-1].Start)
				better(cs[len(cs)-1].End())
			}
		} else if c := nextClip(t, f); c != nil {
			better(c.Start)
			better(c.End())
		}
	}
	return best, found
}

func nextClip(t *timeline.Track, f rt.Time) *timeline.Clip {
	cs := t.ClipsIn(rt.Range{Start: f + 1, Dur: 1 << 40})
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

// SplitAtPlayhead cuts at the playhead (Ctrl+K): the selected clips under it, or when none
// of them is, every unlocked track; nothing when there is nothing to cut.
func (w *Timeline) SplitAtPlayhead() {
	if w.tl == nil {
		return
	}
	at := w.playhead
	var cmds []edit.Command
	for _, id := range w.Selection() {
		t, c, err := w.tl.Clip(id)
		if err == nil && !t.Lock && c.Start < at && at < c.End() {
			cmds = append(cmds, &edit.Split{Clip: id, At: at})
		}
	}
	if len(cmds) == 0 {
		for _, t := range w.tl.Tracks {
			if c := t.ClipAt(at); c != nil && c.Start != at && !t.Lock {
				cmds = []edit.Command{&edit.Split{At: at}}
				break
			}
		}
	}
	w.emit("Split at Playhead", cmds)
}

// LiftSelection removes the selected clips leaving gaps (Delete).
func (w *Timeline) LiftSelection() {
	var cmds []edit.Command
	for _, id := range w.Selection() {
		if t, _, err := w.tl.Clip(id); err == nil && !t.Lock {
			cmds = append(cmds, &edit.Lift{Clip: id})
		}
	}
	w.emit("Lift", cmds)
}

// RippleDeleteSelection removes the selected clips and closes the gaps on their tracks
// (Shift+Delete); clips on other tracks stay where they are.
func (w *Timeline) RippleDeleteSelection() {
	var cmds []edit.Command
	for _, id := range w.Selection() {
		if t, _, err := w.tl.Clip(id); err == nil && !t.Lock {
			cmds = append(cmds, &edit.RippleDelete{Clip: id})
		}
	}
	w.emit("Ripple Delete", cmds)
}
