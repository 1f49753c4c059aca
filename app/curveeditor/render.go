package curveeditor

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	slatetheme "github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/app/timelineview"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// pool is a list of reusable canvas objects handed out in order; what is left over is
// hidden.
type pool[T fyne.CanvasObject] struct {
	items []T
	n     int
	mk    func() T
	grew  *bool
}

func (p *pool[T]) next() T {
	if p.n == len(p.items) {
		p.items = append(p.items, p.mk())
		*p.grew = true
	}
	o := p.items[p.n]
	p.n++
	if !o.Visible() {
		o.Show()
	}
	return o
}

func (p *pool[T]) finish() {
	for _, o := range p.items[p.n:] {
		if o.Visible() {
			o.Hide()
		}
	}
	p.n = 0
}

func (p *pool[T]) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	for _, o := range p.items {
		objs = append(objs, o)
	}
	return objs
}

type renderer struct {
	e       *Editor
	objects []fyne.CanvasObject
	grew    bool

	bg        *canvas.Rectangle
	lanes     *pool[*canvas.Rectangle]
	grid      *pool[*canvas.Rectangle]
	segs      *pool[*canvas.Line]
	handleLns *pool[*canvas.Line]
	handles   *pool[*canvas.Circle]
	keys      *pool[*canvas.Circle]
	holdKeys  *pool[*canvas.Rectangle]
	names     *pool[*canvas.Text]
	values    *pool[*canvas.Text]
	rangeTxt  *pool[*canvas.Text]
	rulerBG   *canvas.Rectangle
	ticks     *pool[*canvas.Rectangle]
	tickTxt   *pool[*canvas.Text]
	nameBG    *canvas.Rectangle
	corner    *canvas.Rectangle
	cornerTxt *canvas.Text
	clipEnd   *pool[*canvas.Rectangle]
	playLine  *canvas.Rectangle
	marquee   *canvas.Rectangle
	infoBG    *canvas.Rectangle
	infoText  *canvas.Text
	barBG     *canvas.Rectangle
	barLabel  *canvas.Text
	barTime   *canvas.Text
	barValue  *canvas.Text
	empty     *canvas.Text
}

func newRect() *canvas.Rectangle { return &canvas.Rectangle{} }

func newText(size float32) func() *canvas.Text {
	return func() *canvas.Text {
		t := canvas.NewText("", color.White)
		t.TextSize = size
		return t
	}
}

func newRenderer(e *Editor) *renderer {
	r := &renderer{e: e}
	g := &r.grew
	r.bg = newRect()
	r.lanes = &pool[*canvas.Rectangle]{mk: newRect, grew: g}
	r.grid = &pool[*canvas.Rectangle]{mk: newRect, grew: g}
	r.segs = &pool[*canvas.Line]{mk: func() *canvas.Line { return &canvas.Line{StrokeWidth: 2} }, grew: g}
	r.handleLns = &pool[*canvas.Line]{mk: func() *canvas.Line { return &canvas.Line{StrokeWidth: 1} }, grew: g}
	r.handles = &pool[*canvas.Circle]{mk: func() *canvas.Circle { return &canvas.Circle{} }, grew: g}
	r.keys = &pool[*canvas.Circle]{mk: func() *canvas.Circle { return &canvas.Circle{} }, grew: g}
	r.holdKeys = &pool[*canvas.Rectangle]{mk: newRect, grew: g}
	r.names = &pool[*canvas.Text]{mk: func() *canvas.Text {
		t := newText(slatetheme.TextSize)()
		t.TextStyle.Bold = true
		return t
	}, grew: g}
	r.values = &pool[*canvas.Text]{mk: newText(slatetheme.TextSize), grew: g}
	r.rangeTxt = &pool[*canvas.Text]{mk: func() *canvas.Text {
		t := newText(slatetheme.SmallTextSize - 1)()
		t.Alignment = fyne.TextAlignTrailing
		return t
	}, grew: g}
	r.rulerBG = newRect()
	r.ticks = &pool[*canvas.Rectangle]{mk: newRect, grew: g}
	r.tickTxt = &pool[*canvas.Text]{mk: newText(slatetheme.SmallTextSize), grew: g}
	r.nameBG = newRect()
	r.corner = newRect()
	r.cornerTxt = newText(slatetheme.SmallTextSize)()
	r.cornerTxt.TextStyle.Bold = true
	r.clipEnd = &pool[*canvas.Rectangle]{mk: newRect, grew: g}
	r.playLine = newRect()
	r.marquee = newRect()
	r.infoBG = &canvas.Rectangle{CornerRadius: 4}
	r.infoText = newText(slatetheme.TextSize)()
	r.infoText.TextStyle.Monospace = true
	r.barBG = newRect()
	r.barLabel = newText(slatetheme.TextSize)()
	r.barLabel.TextStyle.Bold = true
	r.barTime = newText(slatetheme.TextSize)()
	r.barValue = newText(slatetheme.TextSize)()
	r.empty = newText(slatetheme.TextSize)()
	r.update()
	return r
}

func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *renderer) Destroy()                     {}
func (r *renderer) Refresh()                     { r.update() }

func (r *renderer) Layout(fyne.Size) {
	if r.e.fitPending {
		r.e.fitPending = false
		r.e.fit()
	}
	r.update()
}

func (r *renderer) MinSize() fyne.Size {
	return fyne.NewSize(NameWidth+240, RulerHeight+LaneHeight*2+BarHeight)
}

func (r *renderer) rebuild() {
	o := r.objects[:0]
	o = append(o, r.bg)
	o = r.lanes.appendTo(o)
	o = r.grid.appendTo(o)
	o = r.clipEnd.appendTo(o)
	o = r.segs.appendTo(o)
	o = r.handleLns.appendTo(o)
	o = r.handles.appendTo(o)
	o = r.keys.appendTo(o)
	o = r.holdKeys.appendTo(o)
	o = append(o, r.marquee, r.nameBG)
	o = r.names.appendTo(o)
	o = r.values.appendTo(o)
	o = r.rangeTxt.appendTo(o)
	o = append(o, r.rulerBG)
	o = r.ticks.appendTo(o)
	o = r.tickTxt.appendTo(o)
	e := r.e
	o = append(o, r.corner, r.cornerTxt, r.playLine, r.infoBG, r.infoText, r.barBG, r.barLabel, r.barTime, r.barValue,
		e.timeEntry, e.valueEntry, e.interp, r.empty)
	r.objects = o
}

func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
}

func fillRect(rc *canvas.Rectangle, fill color.NRGBA, x, y, w, h float32) {
	place(rc, x, y, w, h)
	if rc.FillColor != color.Color(fill) || rc.StrokeWidth != 0 {
		rc.FillColor, rc.StrokeWidth = fill, 0
		rc.Refresh()
	}
	if !rc.Visible() {
		rc.Show()
	}
}

func setText(t *canvas.Text, s string, col color.NRGBA, x, y float32) {
	if t.Text != s || t.Color != color.Color(col) {
		t.Text, t.Color = s, col
		t.Refresh()
	}
	t.Move(fyne.NewPos(x, y))
	if !t.Visible() {
		t.Show()
	}
}

func hide(objs ...fyne.CanvasObject) {
	for _, o := range objs {
		if o.Visible() {
			o.Hide()
		}
	}
}

// line places a line, refreshing it only when it changed.
func line(l *canvas.Line, x0, y0, x1, y1 float32, col color.NRGBA) {
	p1, p2 := fyne.NewPos(x0, y0), fyne.NewPos(x1, y1)
	if l.Position1 == p1 && l.Position2 == p2 && l.StrokeColor == color.Color(col) {
		return
	}
	l.Position1, l.Position2, l.StrokeColor = p1, p2, col
	l.Refresh()
}

func circle(c *canvas.Circle, x, y, rad float32, fill, stroke color.NRGBA, sw float32) {
	place(c, x-rad, y-rad, 2*rad, 2*rad)
	if c.FillColor != color.Color(fill) || c.StrokeColor != color.Color(stroke) || c.StrokeWidth != sw {
		c.FillColor, c.StrokeColor, c.StrokeWidth = fill, stroke, sw
		c.Refresh()
	}
}

func (r *renderer) update() {
	e := r.e
	pal := e.pal
	r.grew = false
	sz := e.Size()
	fillRect(r.bg, pal.Background, 0, 0, sz.Width, sz.Height)
	laneB := sz.Height - BarHeight
	if e.clip == nil {
		setText(r.empty, "Select a clip to animate it", pal.TextDim, NameWidth+16, RulerHeight+16)
		hide(r.rulerBG, r.nameBG, r.corner, r.cornerTxt, r.playLine, r.marquee, r.infoBG, r.infoText)
	} else {
		hide(r.empty)
		fillRect(r.nameBG, pal.Header, 0, RulerHeight, NameWidth, max(laneB-RulerHeight, 0))
		for i := range e.lanes {
			r.drawLane(i, sz, laneB)
		}
		r.drawRuler(sz)
		r.drawOverlays(sz, laneB)
	}
	r.drawBar(sz)
	for _, p := range []interface{ finish() }{r.lanes, r.grid, r.segs, r.handleLns, r.handles, r.keys, r.holdKeys,
		r.names, r.values, r.rangeTxt, r.ticks, r.tickTxt, r.clipEnd} {
		p.finish()
	}
	if r.grew || r.objects == nil {
		r.rebuild()
		canvas.Refresh(r.bg)
	}
}

func (r *renderer) drawLane(i int, sz fyne.Size, laneB float32) {
	e := r.e
	pal := e.pal
	l := e.lanes[i]
	top := RulerHeight + l.top - e.y0
	bot := top + LaneHeight
	if bot <= RulerHeight || top >= laneB {
		return
	}
	ct, cb := max(top, RulerHeight), min(bot, laneB)
	lc := pal.Lane
	if i%2 == 1 {
		lc = pal.LaneAlt
	}
	fillRect(r.lanes.next(), lc, NameWidth, ct, sz.Width-NameWidth, cb-ct-1)
	fillRect(r.lanes.next(), pal.Header, 0, ct, NameWidth-1, cb-ct-1)
	// The clip's extent: dim what lies outside it.
	for _, span := range [][2]float64{{math.Inf(-1), 0}, {float64(e.clip.Dur), math.Inf(1)}} {
		x0, x1 := max(e.XAt(span[0]), NameWidth), min(e.XAt(span[1]), sz.Width)
		if x1 > x0 {
			fillRect(r.clipEnd.next(), slatetheme.Alpha(pal.Background, 0x90), x0, ct, x1-x0, cb-ct-1)
		}
	}
	full := top >= RulerHeight && bot <= laneB
	if full {
		// Range marks: the top and bottom values the lane shows.
		// in the name column, right-aligned, so they never cover a key.
		for _, rv := range []struct {
			v float64
			y float32
		}{{l.vmax, top + 2}, {l.vmin, bot - 14}} {
			rt := r.rangeTxt.next()
			setText(rt, number(Display(l.d, rv.v)), pal.TextDim, NameWidth-66, rv.y)
			rt.Resize(fyne.NewSize(60, 12))
		}
		now := float64(e.playhead - e.clip.Start)
		setText(r.names.next(), l.d.Label, pal.Text, 10, top+8)
		setText(r.values.next(), FormatValue(l.d, e.valueOf(l.d, now)), pal.TextDim, 10, top+28)
	}
	// Zero line when zero is in view (a reference for signed parameters).
	if l.vmin < 0 && l.vmax > 0 {
		if y := e.yAt(i, 0); y > ct && y < cb {
			fillRect(r.grid.next(), slatetheme.Alpha(pal.Tick, 0x40), NameWidth, y, sz.Width-NameWidth, 1)
		}
	}
	r.drawCurve(i, sz, ct, cb)
}

// drawCurve draws the curve as short segments sampled every few pixels (one line when the
// parameter is not animated), the bezier handles of bezier segments and the keys.
func (r *renderer) drawCurve(i int, sz fyne.Size, ct, cb float32) {
	e := r.e
	pal := e.pal
	l := e.lanes[i]
	cv := e.curve(l.d.Name)
	clampY := func(y float32) float32 { return min(max(y, ct+1), cb-2) }
	x0, x1 := NameWidth, sz.Width
	if cv == nil || len(cv.Keys) == 0 {
		v := l.d.Default
		if cv != nil {
			v = cv.Static
		}
		y := clampY(e.yAt(i, v))
		line(r.segs.next(), x0, y, x1, y, slatetheme.Alpha(pal.Curve, 0xa0))
		return
	}
	// During a key drag the curve follows the ghost keys.
	eval := cv
	if e.drag != nil && e.drag.kind == PartKey {
		eval = r.ghostCurve(l.d.Name, cv)
	}
	const step = 3
	px, py := x0, clampY(e.yAt(i, eval.ValueAt(e.FrameAt(x0))))
	for x := x0 + step; x < x1+step; x += step {
		xx := min(x, x1)
		y := clampY(e.yAt(i, eval.ValueAt(e.FrameAt(xx))))
		line(r.segs.next(), px, py, xx, y, pal.Curve)
		px, py = xx, y
	}
	for ki, k := range eval.Keys {
		if k.Interp != keyframe.Bezier || ki+1 >= len(eval.Keys) {
			continue
		}
		out, in := e.handles(eval, ki)
		b := eval.Keys[ki+1]
		if d := e.drag; d != nil && (d.kind == PartHandleOut || d.kind == PartHandleIn) && d.grab.Param == l.d.Name {
			if d.kind == PartHandleOut && d.grab.T == k.T {
				out = d.h
			}
			if d.kind == PartHandleIn && d.grab.T == b.T {
				in = d.h
			}
		}
		for _, hp := range []struct {
			k keyframe.Key
			h handle
		}{{k, out}, {b, in}} {
			kx, ky := e.XAt(float64(hp.k.T)), e.yAt(i, hp.k.V)
			hx, hy := e.XAt(float64(hp.k.T)+hp.h.dt), e.yAt(i, hp.k.V+hp.h.dv)
			if hy < ct || hy > cb {
				continue
			}
			line(r.handleLns.next(), kx, ky, hx, hy, pal.Handle)
			circle(r.handles.next(), hx, hy, 3.5, pal.Handle, pal.Handle, 0)
		}
	}
	for _, k := range cv.Keys {
		ref := KeyRef{l.d.Name, k.T}
		t, v := float64(k.T), k.V
		if gt, gv, ok := e.ghostKey(ref, k); ok {
			t, v = gt, gv
		}
		x, y := e.XAt(t), e.yAt(i, v)
		if x < NameWidth-keyRadius || x > sz.Width+keyRadius || y < ct || y > cb {
			continue
		}
		fill, stroke := pal.Key, slatetheme.Darker(pal.Key, 0.4)
		if e.sel[ref] {
			fill, stroke = pal.Selection, pal.Background
		}
		if k.Interp == keyframe.Hold {
			// Hold keys are squares, as in most editors.
			hk := r.holdKeys.next()
			place(hk, x-keyRadius, y-keyRadius, 2*keyRadius, 2*keyRadius)
			if hk.FillColor != color.Color(fill) || hk.StrokeColor != color.Color(stroke) {
				hk.FillColor, hk.StrokeColor, hk.StrokeWidth = fill, stroke, 1.5
				hk.Refresh()
			}
			continue
		}
		circle(r.keys.next(), x, y, keyRadius, fill, stroke, 1.5)
	}
}

// ghostCurve is the curve with the dragged keys where the drag would put them.
func (r *renderer) ghostCurve(param string, cv *keyframe.Curve) *keyframe.Curve {
	g := cv.Clone()
	g.Keys = g.Keys[:0]
	for _, k := range cv.Keys {
		if t, v, ok := r.e.ghostKey(KeyRef{param, k.T}, k); ok {
			k.T, k.V = rt.Time(t), v
		}
		g.Set(k)
	}
	return &g
}

func (r *renderer) drawRuler(sz fyne.Size) {
	e := r.e
	pal := e.pal
	fillRect(r.rulerBG, pal.Ruler, NameWidth, 0, sz.Width-NameWidth, RulerHeight)
	fillRect(r.corner, pal.Header, 0, 0, NameWidth, RulerHeight)
	name := e.clip.Name
	if name == "" {
		name = "Clip"
	}
	setText(r.cornerTxt, name, pal.Text, 10, 5)
	rate := e.rate()
	major, minor := timelineview.TickSteps(rate, e.ppf)
	f0 := rt.Time(math.Floor(e.FrameAt(NameWidth)))
	f1 := rt.Time(math.Ceil(e.FrameAt(sz.Width)))
	f := (f0 / minor) * minor
	if f0 < 0 {
		f = ((f0 - minor + 1) / minor) * minor
	}
	for ; f <= f1; f += minor {
		x := e.XAt(float64(f))
		if x < NameWidth || x > sz.Width {
			continue
		}
		h := float32(4)
		if f%major == 0 {
			h = 9
			if x+4 < sz.Width-50 {
				setText(r.tickTxt.next(), timelineview.Timecode(f, rate), pal.TextDim, x+3, 1)
			}
		}
		fillRect(r.ticks.next(), pal.Tick, x, RulerHeight-h, 1, h)
	}
}

func (r *renderer) drawOverlays(sz fyne.Size, laneB float32) {
	e := r.e
	pal := e.pal
	if x := e.XAt(float64(e.playhead - e.clip.Start)); x >= NameWidth && x <= sz.Width {
		fillRect(r.playLine, pal.Playhead, x-0.5, 0, 1.5, laneB)
	} else {
		hide(r.playLine)
	}
	d := e.drag
	if d != nil && d.kind == PartLane {
		x0, x1 := max(min(d.start.X, d.cur.X), NameWidth), max(d.start.X, d.cur.X)
		y0, y1 := max(min(d.start.Y, d.cur.Y), RulerHeight), min(max(d.start.Y, d.cur.Y), laneB)
		place(r.marquee, x0, y0, x1-x0, y1-y0)
		if r.marquee.FillColor != color.Color(pal.Marquee) {
			r.marquee.FillColor, r.marquee.StrokeColor, r.marquee.StrokeWidth = pal.Marquee, pal.Accent, 1
			r.marquee.Refresh()
		}
		if !r.marquee.Visible() {
			r.marquee.Show()
		}
	} else {
		hide(r.marquee)
	}
	if s := r.dragInfo(); s != "" {
		tw := fyne.MeasureText(s, slatetheme.TextSize, fyne.TextStyle{Monospace: true}).Width
		x := min(d.cur.X+14, sz.Width-tw-12)
		y := max(d.cur.Y-26, RulerHeight+2)
		fillRect(r.infoBG, slatetheme.Alpha(pal.Background, 0xe0), x, y, tw+12, 20)
		setText(r.infoText, s, pal.Text, x+6, y+2)
	} else {
		hide(r.infoBG, r.infoText)
	}
}

// dragInfo is the text by the pointer during a key drag: the key's frame and value.
func (r *renderer) dragInfo() string {
	e := r.e
	d := e.drag
	if d == nil || d.kind != PartKey {
		return ""
	}
	ki := e.keyIndex(d.grab)
	desc, ok := keyframe.Lookup(d.grab.Param)
	if ki < 0 || !ok {
		return ""
	}
	t, v, _ := e.ghostKey(d.grab, e.curve(d.grab.Param).Keys[ki])
	return "f " + number(t) + "  " + FormatValue(desc, v)
}

func (r *renderer) drawBar(sz fyne.Size) {
	e := r.e
	pal := e.pal
	y := sz.Height - BarHeight
	fillRect(r.barBG, pal.Header, 0, y, sz.Width, BarHeight)
	label := "Keyframe"
	if k, _, ok := e.single(); ok {
		if d, found := keyframe.Lookup(k.Param); found {
			label = d.Label
		}
	} else if n := len(e.sel); n > 1 {
		label = number(float64(n)) + " keys"
	}
	setText(r.barLabel, label, pal.Text, 10, y+13)
	ex := NameWidth
	eh := e.timeEntry.MinSize().Height
	ey := y + (BarHeight-eh)/2
	setText(r.barTime, "Frame", pal.TextDim, ex, y+13)
	ex += 44
	place(e.timeEntry, ex, ey, 90, eh)
	ex += 90 + 14
	unit := "Value"
	if k, _, ok := e.single(); ok {
		if d, found := keyframe.Lookup(k.Param); found && d.Unit != "" {
			unit = "Value (" + d.Unit + ")"
		}
	}
	setText(r.barValue, unit, pal.TextDim, ex, y+13)
	ex += fyne.MeasureText(unit, slatetheme.TextSize, fyne.TextStyle{}).Width + 8
	place(e.valueEntry, ex, ey, 110, eh)
	ex += 110 + 14
	place(e.interp, ex, ey, min(220, max(sz.Width-ex-10, 120)), eh)
}
