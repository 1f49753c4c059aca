package timelineview

import (
	"fmt"
	"math"
	"slices"

	"fyne.io/fyne/v2"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

type dragKind int

const (
	dragMove dragKind = iota + 1
	dragTrimHead
	dragTrimTail
	dragRoll
	dragSlip
	dragMarquee
	dragScrub
)

// dragState is a gesture in progress. Nothing is emitted until it ends: the renderer draws
// ghosts from it, and DragEnd turns it into commands, so one drag is one undo step.
type dragState struct {
	kind   dragKind
	start  fyne.Position
	cur    fyne.Position
	mods   fyne.KeyModifier
	clip   *timeline.Clip // the clip grabbed (move, trims, roll's outgoing clip, slip)
	other  *timeline.Clip // roll: the incoming clip
	track  *timeline.Track
	ripple bool

	moving  []*timeline.Clip // move: the clips dragged
	rowOf   map[timeline.ID]int
	targets []rt.Time // snap targets, sorted
	lo, hi  rt.Time   // clamp for delta

	delta   rt.Time // frames, after clamping and snapping
	drow    int     // move: rows down (+) or up (-)
	snapped bool
	snapAt  rt.Time

	base map[timeline.ID]bool // marquee: selection before it (Shift adds)
}

// Dragged implements fyne.Draggable.
func (w *Timeline) Dragged(ev *fyne.DragEvent) {
	if w.drag == nil {
		start := ev.Position.Subtract(ev.Dragged)
		if w.press.valid && dist(w.press.pos, start) < 12 {
			start = w.press.pos
		} else {
			w.press = press{valid: true, pos: start, mods: w.modifiers(), hit: w.HitTest(start)}
			w.pressSelect()
		}
		w.drag = w.beginDrag(w.press)
		w.press = press{}
		if w.drag == nil {
			return
		}
	}
	w.drag.cur = ev.Position
	w.updateDrag()
	w.Refresh()
}

// DragEnd implements fyne.Draggable: the gesture's commands go to OnEdit.
func (w *Timeline) DragEnd() {
	d := w.drag
	w.drag = nil
	if d == nil {
		return
	}
	name, cmds := w.dragCommands(d)
	w.Refresh()
	w.emit(name, cmds)
}

// beginDrag decides what a drag from the press does. Conventions (see doc.go): on a clip
// edge, trim (Shift: ripple; Alt on a cut: roll); inside a clip, move (Alt: slip); on an
// empty lane, marquee select (Shift adds); on the ruler, scrub.
func (w *Timeline) beginDrag(p press) *dragState {
	h := p.hit
	d := &dragState{start: p.pos, cur: p.pos, mods: p.mods, track: h.Track, clip: h.Clip}
	alt := p.mods&fyne.KeyModifierAlt != 0
	shift := p.mods&fyne.KeyModifierShift != 0
	switch h.Kind {
	case HitRuler:
		d.kind = dragScrub
		return d
	case HitLane:
		if w.tool != ToolSelect {
			return nil
		}
		d.kind = dragMarquee
		d.base = map[timeline.ID]bool{}
		if shift {
			d.base = w.copySel()
		}
		return d
	case HitClip, HitClipHead, HitClipTail:
	default:
		return nil
	}
	if w.tool != ToolSelect || h.Track.Lock {
		return nil
	}
	c := h.Clip
	switch {
	case h.Kind == HitClip && alt:
		d.kind = dragSlip
		// Slip.By moves the source in and out together; dragging right shows earlier
		// source, like pulling the film under a fixed window (By = -delta). Limits: the
		// first frame shown stays >= 0 and the last inside the source.
		first, last := c.SourceSpan()
		d.lo, d.hi = -first, rt.Time(math.MaxInt32)
		if c.SourceDur > 0 {
			d.hi = c.SourceDur - 1 - last
		}
	case h.Kind == HitClip:
		d.kind = dragMove
		d.rowOf = map[timeline.ID]int{}
		d.lo = -rt.Time(math.MaxInt64 / 4)
		for _, id := range w.Selection() {
			t, sc, err := w.tl.Clip(id)
			if err != nil || t.Lock {
				continue
			}
			ri := w.rowOf(t.ID)
			if ri < 0 {
				continue
			}
			d.moving = append(d.moving, sc)
			d.rowOf[id] = ri
			d.lo = max(d.lo, -sc.Start)
		}
		if len(d.moving) == 0 {
			return nil
		}
		d.hi = rt.Time(math.MaxInt64 / 4)
		ex := map[timeline.ID]bool{}
		for _, m := range d.moving {
			ex[m.ID] = true
		}
		d.targets = w.snapTargets(ex)
	case h.Other != nil && alt:
		d.kind = dragRoll
		a, b := c, h.Other
		if h.Kind == HitClipHead {
			a, b = h.Other, c
		}
		d.clip, d.other = a, b
		d.lo = max(-(a.Dur - 1), headLimit(b, b.Start-rt.Time(1<<40))-b.Start)
		d.hi = min(b.Dur-1, tailLimit(a)-a.End())
		d.targets = w.snapTargets(map[timeline.ID]bool{a.ID: true, b.ID: true})
	case h.Kind == HitClipHead:
		d.kind, d.ripple = dragTrimHead, shift
		d.hi = c.Dur - 1
		floor := rt.Time(0)
		if prev, _ := h.Track.Neighbors(c); prev != nil && !shift {
			floor = prev.End()
		}
		if shift {
			floor = -rt.Time(math.MaxInt64 / 4) // ripple keeps the start; only the source limits
		}
		d.lo = max(floor, headLimit(c, c.Start-rt.Time(1<<40))) - c.Start
		if !shift {
			d.lo = max(d.lo, -c.Start)
		}
		d.targets = w.snapTargets(map[timeline.ID]bool{c.ID: true})
	case h.Kind == HitClipTail:
		d.kind, d.ripple = dragTrimTail, shift
		d.lo = -(c.Dur - 1)
		ceil := tailLimit(c)
		if _, next := h.Track.Neighbors(c); next != nil && !shift {
			ceil = min(ceil, next.Start)
		}
		d.hi = ceil - c.End()
		d.targets = w.snapTargets(map[timeline.ID]bool{c.ID: true})
	default:
		return nil
	}
	if d.lo > d.hi {
		d.lo, d.hi = 0, 0
	}
	return d
}

// headLimit is the earliest frame (>= from) the clip's head can be extended to without
// running out of source.
func headLimit(c *timeline.Clip, from rt.Time) rt.Time {
	ok := func(f rt.Time) bool {
		s := c.SourceFrame(f)
		return s >= 0 && (c.SourceDur == 0 || s < c.SourceDur)
	}
	lo, hi := from, c.Start // ok(hi) is true for a valid clip
	if ok(lo) {
		return lo
	}
	for hi-lo > 1 {
		m := lo + (hi-lo)/2
		if ok(m) {
			hi = m
		} else {
			lo = m
		}
	}
	return hi
}

// tailLimit is the latest end frame the clip's tail can be extended to.
func tailLimit(c *timeline.Clip) rt.Time {
	ok := func(f rt.Time) bool { // f is the last frame shown
		s := c.SourceFrame(f)
		return s >= 0 && (c.SourceDur == 0 || s < c.SourceDur)
	}
	lo, hi := c.End()-1, c.End()+rt.Time(1<<40)
	if ok(hi) {
		return hi + 1
	}
	for hi-lo > 1 {
		m := lo + (hi-lo)/2
		if ok(m) {
			lo = m
		} else {
			hi = m
		}
	}
	return lo + 1
}

// updateDrag recomputes the gesture's result from the pointer.
func (w *Timeline) updateDrag() {
	d := w.drag
	dx := d.cur.X - d.start.X
	raw := rt.Time(math.Round(float64(dx) / w.ppf))
	d.snapped = false
	switch d.kind {
	case dragScrub:
		w.seek(max(w.FrameAt(d.cur.X), 0))
		return
	case dragMarquee:
		w.replaceSelection(w.marqueeSelection(d))
		return
	case dragSlip:
		d.delta = clampT(-raw, d.lo, d.hi)
		return
	case dragMove:
		var edges []rt.Time
		for _, c := range d.moving {
			edges = append(edges, c.Start, c.End())
		}
		d.delta = w.snapDelta(d, clampT(raw, d.lo, d.hi), edges)
		d.drow = w.moveRows(d)
		return
	case dragTrimHead:
		edge := d.clip.Start
		if d.ripple {
			// Ripple keeps the start; the end (where the rest follows) is what moves on screen.
			d.delta = clampT(raw, d.lo, d.hi)
			return
		}
		d.delta = w.snapDelta(d, clampT(raw, d.lo, d.hi), []rt.Time{edge})
	case dragTrimTail:
		d.delta = w.snapDelta(d, clampT(raw, d.lo, d.hi), []rt.Time{d.clip.End()})
	case dragRoll:
		d.delta = w.snapDelta(d, clampT(raw, d.lo, d.hi), []rt.Time{d.clip.End()})
	}
}

func clampT(v, lo, hi rt.Time) rt.Time { return min(max(v, lo), hi) }

// snapDelta moves delta so that one of edges+delta lands on a snap target within
// SnapDistance pixels, staying inside the drag's limits.
func (w *Timeline) snapDelta(d *dragState, delta rt.Time, edges []rt.Time) rt.Time {
	if !w.snap || len(d.targets) == 0 {
		return delta
	}
	best, bestD := delta, math.Inf(1)
	limit := float64(SnapDistance) / w.ppf
	if len(edges) > 64 {
		edges = edges[:64] // a big group snaps by its first clips; enough to align it
	}
	for _, e := range edges {
		p := e + delta
		i, _ := slices.BinarySearch(d.targets, p)
		for _, j := range []int{i - 1, i} {
			if j < 0 || j >= len(d.targets) {
				continue
			}
			t := d.targets[j]
			dd := math.Abs(float64(t - p))
			nd := delta + (t - p)
			if dd <= limit && dd < bestD && nd >= d.lo && nd <= d.hi {
				best, bestD = nd, dd
				d.snapped, d.snapAt = true, t
			}
		}
	}
	return best
}

// snapOne snaps a single frame to the nearest target within SnapDistance pixels.
func (w *Timeline) snapOne(f rt.Time, targets []rt.Time) (rt.Time, bool) {
	d := &dragState{targets: targets, lo: -rt.Time(math.MaxInt64 / 4), hi: rt.Time(math.MaxInt64 / 4)}
	n := w.snapDelta(d, 0, []rt.Time{f})
	return f + n, d.snapped
}

// snapTargets lists what edges snap to: the playhead, the marks, markers, and clip starts
// and ends near the screen (clips in exclude left out).
func (w *Timeline) snapTargets(exclude map[timeline.ID]bool) []rt.Time {
	out := []rt.Time{w.playhead}
	if w.markIn >= 0 {
		out = append(out, w.markIn)
	}
	if w.markOut >= 0 {
		out = append(out, w.markOut)
	}
	if w.tl == nil {
		return out
	}
	for _, m := range w.tl.Markers {
		out = append(out, m.At)
		if m.Dur > 0 {
			out = append(out, m.At+m.Dur)
		}
	}
	v := w.visibleFrames()
	r := rt.Range{Start: v.Start - v.Dur, Dur: 3 * v.Dur}
	for _, t := range w.tl.Tracks {
		for _, c := range t.ClipsIn(r) {
			if !exclude[c.ID] {
				out = append(out, c.Start, c.End())
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// moveRows is how many rows the dragged group moves: the pointer's row change, as long as
// every clip lands on an unlocked track of its own kind (else the last valid one, 0 at
// first).
func (w *Timeline) moveRows(d *dragState) int {
	from, to := w.rowIndexAt(d.start.Y), w.rowIndexAt(d.cur.Y)
	if to < 0 {
		if d.cur.Y < RulerHeight {
			to = 0
		} else {
			to = len(w.rows) - 1
		}
	}
	if from < 0 {
		return 0
	}
	dr := to - from
	for _, c := range d.moving {
		ri := d.rowOf[c.ID] + dr
		if ri < 0 || ri >= len(w.rows) {
			return d.drow
		}
		dst := w.rows[ri].t
		if dst.Kind != w.rows[d.rowOf[c.ID]].t.Kind || dst.Lock {
			return d.drow
		}
	}
	return dr
}

// marqueeSelection is the clips the marquee rectangle touches, plus the base selection.
func (w *Timeline) marqueeSelection(d *dragState) map[timeline.ID]bool {
	n := make(map[timeline.ID]bool, len(d.base))
	for id := range d.base {
		n[id] = true
	}
	x0, x1 := min(d.start.X, d.cur.X), max(d.start.X, d.cur.X)
	y0, y1 := min(d.start.Y, d.cur.Y), max(d.start.Y, d.cur.Y)
	f0 := w.frameUnder(max(x0, HeaderWidth))
	f1 := w.frameUnder(x1) + 1
	for _, r := range w.rows {
		top := RulerHeight + r.top - w.y0
		if top+r.h <= y0 || top >= y1 {
			continue
		}
		for _, c := range r.t.ClipsIn(rt.Range{Start: f0, Dur: max(f1-f0, 1)}) {
			if w.XAt(c.End()) > x0 && w.XAt(c.Start) < x1 {
				n[c.ID] = true
			}
		}
	}
	return n
}

// dragCommands turns a finished gesture into commands (none when it changed nothing).
func (w *Timeline) dragCommands(d *dragState) (string, []edit.Command) {
	switch d.kind {
	case dragMove:
		if d.delta == 0 && d.drow == 0 {
			return "", nil
		}
		// Move the clips in the order that never drops one onto a clip of the group that
		// has not moved yet: the ones furthest in the direction of travel first.
		order := slices.Clone(d.moving)
		slices.SortFunc(order, func(a, b *timeline.Clip) int {
			if ra, rb := d.rowOf[a.ID], d.rowOf[b.ID]; ra != rb && d.drow != 0 {
				return sign(d.drow) * (rb - ra)
			}
			return sign(int(d.delta)) * cmpT(b.Start, a.Start)
		})
		cmds := make([]edit.Command, 0, len(order))
		for _, c := range order {
			m := &edit.Move{Clip: c.ID, To: c.Start + d.delta}
			if d.drow != 0 {
				m.Track = w.rows[d.rowOf[c.ID]+d.drow].t.ID
			}
			cmds = append(cmds, m)
		}
		if len(cmds) == 1 {
			return "Move Clip", cmds
		}
		return fmt.Sprintf("Move %d Clips", len(cmds)), cmds
	case dragTrimHead:
		if d.delta == 0 {
			return "", nil
		}
		return trimName("Trim In", d.ripple), []edit.Command{&edit.TrimHead{Clip: d.clip.ID, By: d.delta, Ripple: d.ripple}}
	case dragTrimTail:
		if d.delta == 0 {
			return "", nil
		}
		return trimName("Trim Out", d.ripple), []edit.Command{&edit.TrimTail{Clip: d.clip.ID, By: d.delta, Ripple: d.ripple}}
	case dragRoll:
		if d.delta == 0 {
			return "", nil
		}
		return "Roll Edit", []edit.Command{&edit.Roll{Clip: d.clip.ID, By: d.delta}}
	case dragSlip:
		if d.delta == 0 {
			return "", nil
		}
		return "Slip Clip", []edit.Command{&edit.Slip{Clip: d.clip.ID, By: d.delta}}
	}
	return "", nil
}

func trimName(s string, ripple bool) string {
	if ripple {
		return "Ripple " + s
	}
	return s
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

func cmpT(a, b rt.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ghost is one rectangle of a drag preview, in frames and rows.
type ghost struct {
	row        int
	start, end rt.Time
}

// ghosts is what the drag in progress would produce, for drawing.
func (w *Timeline) ghosts() []ghost {
	d := w.drag
	if d == nil {
		return nil
	}
	switch d.kind {
	case dragMove:
		out := make([]ghost, 0, len(d.moving))
		for _, c := range d.moving {
			out = append(out, ghost{row: d.rowOf[c.ID] + d.drow, start: c.Start + d.delta, end: c.End() + d.delta})
		}
		return out
	case dragTrimHead:
		r := w.rowOf(d.track.ID)
		if d.ripple {
			return w.followers(d, []ghost{{r, d.clip.Start, d.clip.End() - d.delta}}, -d.delta)
		}
		return []ghost{{r, d.clip.Start + d.delta, d.clip.End()}}
	case dragTrimTail:
		g := []ghost{{w.rowOf(d.track.ID), d.clip.Start, d.clip.End() + d.delta}}
		if d.ripple {
			return w.followers(d, g, d.delta)
		}
		return g
	case dragRoll:
		r := w.rowOf(d.track.ID)
		return []ghost{{r, d.clip.Start, d.clip.End() + d.delta}, {r, d.other.Start + d.delta, d.other.End()}}
	case dragSlip:
		return []ghost{{w.rowOf(d.track.ID), d.clip.Start, d.clip.End()}}
	}
	return nil
}

// followers adds ghosts for the clips a ripple trim moves: those after the trimmed clip on
// its track, shifted by shift (only the ones near the screen).
func (w *Timeline) followers(d *dragState, g []ghost, shift rt.Time) []ghost {
	if shift == 0 {
		return g
	}
	r := w.rowOf(d.track.ID)
	v := w.visibleFrames()
	from := d.clip.End()
	for _, c := range d.track.ClipsIn(rt.Range{Start: from, Dur: max(v.End()-from, 0) + abs(shift) + 1}) {
		if c.Start >= from && c != d.clip {
			g = append(g, ghost{r, c.Start + shift, c.End() + shift})
		}
	}
	return g
}

func abs(t rt.Time) rt.Time {
	if t < 0 {
		return -t
	}
	return t
}

// dragLabel is the text shown by the pointer during a drag.
func (w *Timeline) dragLabel() string {
	d := w.drag
	if d == nil {
		return ""
	}
	rate := w.rate()
	switch d.kind {
	case dragMove:
		s := "Move " + signedTC(d.delta, rate)
		if d.drow != 0 {
			s += fmt.Sprintf("  → %s", w.rows[d.rowOf[d.moving[0].ID]+d.drow].t.Name)
		}
		return s
	case dragTrimHead, dragTrimTail:
		s := "Trim "
		if d.ripple {
			s = "Ripple "
		}
		return s + signedTC(d.delta, rate)
	case dragRoll:
		return "Roll " + signedTC(d.delta, rate)
	case dragSlip:
		return "Slip " + signedTC(d.delta, rate)
	}
	return ""
}

func (w *Timeline) rate() rt.Rate {
	if w.tl != nil && w.tl.Rate.Num > 0 {
		return w.tl.Rate
	}
	return rt.Rate{Num: 24, Den: 1}
}
