package timelineview

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	slatetheme "github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// The renderer draws only what is on screen. Every kind of drawn thing has a pool of canvas
// objects that is reused from one update to the next: an update walks the visible frame
// range of each visible row (Track.ClipsIn, O(log n + visible)), places pooled objects and
// hides the ones left over. Objects whose look depends on a clip or frame (labels,
// thumbnails, waveforms, ruler labels) are pooled by key so that scrolling moves them
// instead of re-rendering their text or pixels. Clips narrower than two pixels merge into
// their neighbour's rectangle, so the object count is bounded by the screen, not the edit.

// pool is a list of reusable objects handed out in order.
type pool[T fyne.CanvasObject] struct {
	items []T
	n     int
	mk    func() T
	grew  *bool
}

func newPool[T fyne.CanvasObject](grew *bool, mk func() T) *pool[T] {
	return &pool[T]{mk: mk, grew: grew}
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

// keyed is a pool whose objects stay with a key while the key stays on screen.
type keyed[K comparable, T any] struct {
	live map[K]T
	used map[K]bool
	free []T
	all  []T
	mk   func() T
	obj  func(T) fyne.CanvasObject
	grew *bool
}

func newKeyed[K comparable, T any](grew *bool, mk func() T, obj func(T) fyne.CanvasObject) *keyed[K, T] {
	return &keyed[K, T]{live: map[K]T{}, used: map[K]bool{}, mk: mk, obj: obj, grew: grew}
}

// get returns the object for k and whether it was just assigned (its content must be set).
func (p *keyed[K, T]) get(k K) (T, bool) {
	p.used[k] = true
	if o, ok := p.live[k]; ok {
		if co := p.obj(o); !co.Visible() {
			co.Show()
		}
		return o, false
	}
	var o T
	if n := len(p.free); n > 0 {
		o = p.free[n-1]
		p.free = p.free[:n-1]
	} else {
		o = p.mk()
		p.all = append(p.all, o)
		*p.grew = true
	}
	p.live[k] = o
	if co := p.obj(o); !co.Visible() {
		co.Show()
	}
	return o, true
}

func (p *keyed[K, T]) finish() {
	for k, o := range p.live {
		if !p.used[k] {
			delete(p.live, k)
			p.free = append(p.free, o)
			if co := p.obj(o); co.Visible() {
				co.Hide()
			}
		}
	}
	clear(p.used)
}

func (p *keyed[K, T]) appendTo(objs []fyne.CanvasObject) []fyne.CanvasObject {
	for _, o := range p.all {
		objs = append(objs, p.obj(o))
	}
	return objs
}

func textObj(t *canvas.Text) fyne.CanvasObject { return t }

type thumbKey struct {
	clip timeline.ID
	slot int
}

type headerKey struct {
	track timeline.ID
	flag  string
}

// wave is an audio clip's waveform raster and what it currently shows.
type wave struct {
	r      *canvas.Raster
	clip   *timeline.Clip
	peaks  []float32
	f0, f1 float64 // timeline frames at the raster's left and right edges
	col    color.NRGBA
}

// toggle is one header button.
type toggle struct {
	box  *canvas.Rectangle
	text *canvas.Text
	icon *canvas.Image
}

type renderer struct {
	w       *Timeline
	objects []fyne.CanvasObject
	grew    bool

	bg          *canvas.Rectangle
	lanes       *pool[*canvas.Rectangle]
	bodies      *pool[*canvas.Rectangle]
	thumbs      *keyed[thumbKey, *canvas.Image]
	waves       *keyed[timeline.ID, *wave]
	labels      *keyed[timeline.ID, *canvas.Text]
	trans       *pool[*canvas.LinearGradient]
	transLine   *pool[*canvas.Rectangle]
	transText   *keyed[timeline.ID, *canvas.Text]
	markLines   *pool[*canvas.Rectangle]
	inOutLines  *pool[*canvas.Rectangle]
	ghosts      *pool[*canvas.Rectangle]
	marquee     *canvas.Rectangle
	snapLine    *canvas.Rectangle
	razorLine   *canvas.Rectangle
	rulerBG     *canvas.Rectangle
	rulerLine   *canvas.Rectangle
	inOutShade  *canvas.Rectangle
	ticks       *pool[*canvas.Rectangle]
	tickLabels  *keyed[rt.Time, *canvas.Text]
	flags       *pool[*canvas.Rectangle]
	headerBG    *canvas.Rectangle
	headerRows  *pool[*canvas.Rectangle]
	headerNames *keyed[timeline.ID, *canvas.Text]
	toggles     *keyed[headerKey, *toggle]
	cornerBG    *canvas.Rectangle
	cornerTC    *canvas.Text
	cornerSnap  *canvas.Text
	cornerTool  *canvas.Text
	playLine    *canvas.Rectangle
	playHead    *canvas.Rectangle
	infoBG      *canvas.Rectangle
	infoText    *canvas.Text
	emptyText   *canvas.Text

	widths map[string]float32 // measured label widths
}

func newRect() *canvas.Rectangle { return &canvas.Rectangle{} }

func newText(size float32) func() *canvas.Text {
	return func() *canvas.Text {
		t := canvas.NewText("", color.White)
		t.TextSize = size
		return t
	}
}

func newRenderer(w *Timeline) *renderer {
	r := &renderer{w: w, widths: map[string]float32{}}
	g := &r.grew
	r.bg = newRect()
	r.lanes = newPool(g, newRect)
	r.bodies = newPool(g, newRect)
	r.thumbs = newKeyed[thumbKey](g, func() *canvas.Image {
		im := &canvas.Image{FillMode: canvas.ImageFillCover, ScaleMode: canvas.ImageScaleFastest}
		return im
	}, func(i *canvas.Image) fyne.CanvasObject { return i })
	r.waves = newKeyed[timeline.ID](g, func() *wave {
		wv := &wave{}
		wv.r = canvas.NewRaster(wv.draw)
		return wv
	}, func(wv *wave) fyne.CanvasObject { return wv.r })
	r.labels = newKeyed[timeline.ID](g, newText(slatetheme.TextSize), textObj)
	r.trans = newPool(g, func() *canvas.LinearGradient {
		return canvas.NewHorizontalGradient(color.Transparent, color.Transparent)
	})
	r.transLine = newPool(g, newRect)
	r.transText = newKeyed[timeline.ID](g, newText(slatetheme.SmallTextSize), textObj)
	r.markLines = newPool(g, newRect)
	r.inOutLines = newPool(g, newRect)
	r.ghosts = newPool(g, newRect)
	r.marquee = newRect()
	r.snapLine = newRect()
	r.razorLine = newRect()
	r.rulerBG = newRect()
	r.rulerLine = newRect()
	r.inOutShade = newRect()
	r.ticks = newPool(g, newRect)
	r.tickLabels = newKeyed[rt.Time](g, newText(slatetheme.SmallTextSize), textObj)
	r.flags = newPool(g, newRect)
	r.headerBG = newRect()
	r.headerRows = newPool(g, newRect)
	r.headerNames = newKeyed[timeline.ID](g, func() *canvas.Text {
		t := newText(slatetheme.TextSize)()
		t.TextStyle.Bold = true
		return t
	}, textObj)
	r.toggles = newKeyed[headerKey](g, func() *toggle {
		t := &toggle{box: &canvas.Rectangle{CornerRadius: 3}, text: newText(slatetheme.SmallTextSize)(), icon: &canvas.Image{FillMode: canvas.ImageFillContain}}
		t.text.TextStyle.Bold = true
		t.text.Alignment = fyne.TextAlignCenter
		return t
	}, func(t *toggle) fyne.CanvasObject { return t.box })
	r.cornerBG = newRect()
	r.cornerTC = newText(14)()
	r.cornerTC.TextStyle.Monospace = true
	r.cornerSnap = newText(slatetheme.SmallTextSize)()
	r.cornerSnap.TextStyle.Bold = true
	r.cornerTool = newText(slatetheme.SmallTextSize)()
	r.cornerTool.TextStyle.Bold = true
	r.playLine = newRect()
	r.playHead = &canvas.Rectangle{BottomLeftCornerRadius: 5, BottomRightCornerRadius: 5}
	r.infoBG = &canvas.Rectangle{CornerRadius: 4}
	r.infoText = newText(slatetheme.TextSize)()
	r.infoText.TextStyle.Monospace = true
	r.emptyText = newText(slatetheme.TextSize)()
	r.update()
	return r
}

// Objects implements fyne.WidgetRenderer; the list changes only when a pool grows.
func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }

// Layout implements fyne.WidgetRenderer.
func (r *renderer) Layout(fyne.Size) { r.update() }

// MinSize implements fyne.WidgetRenderer.
func (r *renderer) MinSize() fyne.Size {
	return fyne.NewSize(HeaderWidth+160, RulerHeight+AudioTrackHeight)
}

// Refresh implements fyne.WidgetRenderer.
func (r *renderer) Refresh() { r.update() }

// Destroy implements fyne.WidgetRenderer.
func (r *renderer) Destroy() {}

// rebuild lists every pooled object in drawing order.
func (r *renderer) rebuild() {
	o := r.objects[:0]
	o = append(o, r.bg)
	o = r.lanes.appendTo(o)
	o = r.bodies.appendTo(o)
	o = r.thumbs.appendTo(o)
	o = r.waves.appendTo(o)
	o = r.labels.appendTo(o)
	o = r.trans.appendTo(o)
	o = r.transLine.appendTo(o)
	o = r.transText.appendTo(o)
	o = r.markLines.appendTo(o)
	o = r.inOutLines.appendTo(o)
	o = r.ghosts.appendTo(o)
	o = append(o, r.marquee, r.snapLine, r.razorLine, r.rulerBG, r.inOutShade)
	o = r.ticks.appendTo(o)
	o = r.tickLabels.appendTo(o)
	o = r.flags.appendTo(o)
	o = append(o, r.rulerLine, r.headerBG)
	o = r.headerRows.appendTo(o)
	o = r.headerNames.appendTo(o)
	for _, t := range r.toggles.all {
		o = append(o, t.box, t.text, t.icon)
	}
	o = append(o, r.cornerBG, r.cornerTC, r.cornerSnap, r.cornerTool, r.playLine, r.playHead, r.infoBG, r.infoText, r.emptyText)
	r.objects = o
}

// place moves and sizes an object (both are no-ops when unchanged).
func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
}

// paint sets a rectangle's look and refreshes it only when that changed.
func paint(rc *canvas.Rectangle, fill, stroke color.NRGBA, strokeW float32) {
	if rc.FillColor != color.Color(fill) || rc.StrokeColor != color.Color(stroke) || rc.StrokeWidth != strokeW {
		rc.FillColor, rc.StrokeColor, rc.StrokeWidth = fill, stroke, strokeW
		rc.Refresh()
	}
}

func fillRect(rc *canvas.Rectangle, fill color.NRGBA, x, y, w, h float32) {
	place(rc, x, y, w, h)
	paint(rc, fill, color.NRGBA{}, 0)
	if !rc.Visible() {
		rc.Show()
	}
}

// setText sets a text's content, colour and position, refreshing only on change.
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

// fit is s cut to fit width px at the label size, with an ellipsis; "" when not even a few
// letters fit.
func (r *renderer) fit(s string, width float32) string {
	if r.measure(s) <= width {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi {
		m := (lo + hi + 1) / 2
		if r.measure(string(rs[:m])+"…") <= width {
			lo = m
		} else {
			hi = m - 1
		}
	}
	if lo < 2 {
		return ""
	}
	return string(rs[:lo]) + "…"
}

func (r *renderer) measure(s string) float32 {
	if v, ok := r.widths[s]; ok {
		return v
	}
	if len(r.widths) > 8192 {
		clear(r.widths)
	}
	v := fyne.MeasureText(s, slatetheme.TextSize, fyne.TextStyle{}).Width
	r.widths[s] = v
	return v
}

// update places everything for the widget's current state.
func (r *renderer) update() {
	w := r.w
	r.grew = false
	sz := w.Size()
	pal := w.pal
	fillRect(r.bg, pal.Background, 0, 0, sz.Width, sz.Height)

	if w.tl != nil {
		r.drawRows(sz)
		r.drawRuler(sz)
		hide(r.emptyText)
	} else {
		setText(r.emptyText, "No timeline", pal.TextDim, HeaderWidth+16, RulerHeight+16)
	}
	r.drawOverlays(sz)
	r.drawCorner()

	r.lanes.finish()
	r.bodies.finish()
	r.thumbs.finish()
	r.waves.finish()
	r.labels.finish()
	r.trans.finish()
	r.transLine.finish()
	r.transText.finish()
	r.markLines.finish()
	r.inOutLines.finish()
	r.ghosts.finish()
	r.ticks.finish()
	r.tickLabels.finish()
	r.flags.finish()
	r.headerRows.finish()
	r.headerNames.finish()
	r.toggles.finish()
	r.hideToggles()
	if r.grew || r.objects == nil {
		r.rebuild()
		// New objects are not known to the canvas yet; refreshing a long-lived one marks the
		// canvas dirty so they get painted.
		canvas.Refresh(r.bg)
	}
}

func (r *renderer) drawRows(sz fyne.Size) {
	w := r.w
	pal := w.pal
	laneT, laneB, laneR := RulerHeight, sz.Height, sz.Width
	fillRect(r.headerBG, pal.Header, 0, laneT, HeaderWidth, max(laneB-laneT, 0))
	vis := w.visibleFrames()
	for i, rw := range w.rows {
		top := laneT + rw.top - w.y0
		bot := top + rw.h
		if bot <= laneT || top >= laneB {
			continue
		}
		ct, cb := max(top, laneT), min(bot, laneB)
		lc := pal.Lane
		if i%2 == 1 {
			lc = pal.LaneAlt
		}
		if rw.t.Lock {
			lc = pal.LaneLocked
		}
		fillRect(r.lanes.next(), lc, HeaderWidth, ct, laneR-HeaderWidth, cb-ct-1)
		r.drawClips(rw, top, bot, vis, sz)
		r.drawHeader(rw, top, ct, cb)
	}
}

func (r *renderer) drawClips(rw row, top, bot float32, vis rt.Range, sz fyne.Size) {
	w := r.w
	pal := w.pal
	laneT, laneB, laneR := RulerHeight, sz.Height, sz.Width
	by0, by1 := max(top+3, laneT), min(bot-4, laneB)
	if by1-by0 < 1 {
		return
	}
	audio := rw.t.Kind == timeline.Audio
	labelOK := top+3 >= laneT && top+3+labelBand <= laneB
	var last *canvas.Rectangle
	var lastX1 float32
	thumbBudget := 600
	for _, c := range rw.t.ClipsIn(vis) {
		x0, x1 := w.XAt(c.Start), w.XAt(c.End())
		vx0, vx1 := max(x0, HeaderWidth), min(x1, laneR)
		sel := w.sel[c.ID]
		// Sub-pixel clips merge into the previous rectangle: a zoomed-out edit of thousands
		// of clips costs one object per couple of pixels, not one per clip.
		if vx1-vx0 < 2 && last != nil && vx0-lastX1 < 2 && !sel {
			last.Resize(fyne.NewSize(vx1-last.Position().X, last.Size().Height))
			lastX1 = vx1
			continue
		}
		fill := pal.ClipColor(c.Color, audio)
		if !c.Enabled {
			fill = pal.Disabled
		}
		if rw.t.Lock {
			fill = slatetheme.Darker(fill, 0.6)
		}
		stroke, sw := slatetheme.Darker(fill, 0.55), float32(1)
		if sel {
			stroke, sw = pal.Selection, 2
		}
		body := r.bodies.next()
		rad := float32(0)
		if x1-x0 > 12 {
			rad = 4
		}
		// Square the corners where the clip runs off screen.
		lr, rr := rad, rad
		if x0 < HeaderWidth {
			lr = 0
		}
		if x1 > laneR {
			rr = 0
		}
		if body.TopLeftCornerRadius != lr || body.TopRightCornerRadius != rr {
			body.TopLeftCornerRadius, body.BottomLeftCornerRadius = lr, lr
			body.TopRightCornerRadius, body.BottomRightCornerRadius = rr, rr
			body.Refresh()
		}
		bw := max(vx1-vx0-1, 1)
		place(body, vx0, by0, bw, by1-by0)
		paint(body, fill, stroke, sw)
		last, lastX1 = body, vx0+bw

		if labelOK && vx1-vx0 >= 30 {
			name := c.Name
			if name == "" {
				name = fmt.Sprintf("Clip %d", c.ID)
			}
			if !c.Enabled {
				name += " (off)"
			}
			if s := r.fit(name, vx1-vx0-12); s != "" {
				lab, _ := r.labels.get(c.ID)
				setText(lab, s, pal.ClipText, vx0+6, top+4)
			}
		}
		ty0, ty1 := top+3+labelBand+2, bot-6
		if !audio && w.Thumbs != nil && ty0 >= laneT && ty1 <= laneB && ty1-ty0 >= 12 && vx1-vx0 >= 16 {
			thumbBudget = r.drawThumbs(c, x0, x1, vx0, vx1, ty0, ty1, thumbBudget)
		}
		if audio && w.Peaks != nil && vx1-vx0 >= 3 && ty1-ty0 >= 6 && ty0 >= laneT && ty1 <= laneB {
			r.drawWave(c, vx0, vx1, ty0, ty1)
		}
	}
	r.drawTransitions(rw, by0, by1, vis, laneR)
}

// drawThumbs lays a strip of thumbnails along the visible part of a video clip, each
// showing the source frame at its left edge.
func (r *renderer) drawThumbs(c *timeline.Clip, x0, x1, vx0, vx1, ty0, ty1 float32, budget int) int {
	w := r.w
	th := ty1 - ty0
	tw := th * 16 / 9
	i0 := int(math.Floor(float64((vx0 - x0) / tw)))
	i1 := int(math.Ceil(float64((vx1 - x0) / tw)))
	for i := i0; i < i1 && budget > 0; i++ {
		sx0 := x0 + float32(i)*tw
		sx1 := min(sx0+tw, x1)
		f := c.Start + rt.Time(float64(sx0-x0)/w.ppf)
		img := w.Thumbs(c, c.SourceFrame(f))
		if img == nil {
			continue
		}
		budget--
		im, _ := r.thumbs.get(thumbKey{c.ID, i})
		if im.Image != img {
			im.Image = img
			im.Refresh()
		}
		cx0, cx1 := max(sx0, vx0+2), min(sx1-1, vx1-3)
		place(im, cx0, ty0, cx1-cx0, th)
	}
	return budget
}

// drawWave shows an audio clip's peaks over the visible part of the clip.
func (r *renderer) drawWave(c *timeline.Clip, vx0, vx1, ty0, ty1 float32) {
	w := r.w
	peaks := w.Peaks(c)
	if len(peaks) == 0 {
		return
	}
	wv, _ := r.waves.get(c.ID)
	f0, f1 := w.frameF(vx0+2), w.frameF(vx1-3)
	if wv.clip != c || len(wv.peaks) != len(peaks) || (len(peaks) > 0 && &wv.peaks[0] != &peaks[0]) || wv.f0 != f0 || wv.f1 != f1 || wv.col != w.pal.Waveform {
		wv.clip, wv.peaks, wv.f0, wv.f1, wv.col = c, peaks, f0, f1, w.pal.Waveform
		wv.r.Refresh()
	}
	place(wv.r, vx0+2, ty0, vx1-vx0-5, ty1-ty0)
}

// draw renders the peaks mirrored around the middle, one column per pixel.
func (wv *wave) draw(pw, ph int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, pw, ph))
	if pw <= 0 || ph <= 0 || wv.clip == nil {
		return img
	}
	mid := float64(ph) / 2
	span := (wv.f1 - wv.f0) / float64(pw)
	for x := 0; x < pw; x++ {
		a := wv.f0 + float64(x)*span
		b := a + span
		peak := float32(0)
		step := max((b-a)/8, 1) // sample at most ~8 frames per column
		for f := a; f < b || f == a; f += step {
			s := wv.clip.SourceFrame(rt.Time(f))
			if s >= 0 && int(s) < len(wv.peaks) && wv.peaks[s] > peak {
				peak = wv.peaks[s]
			}
		}
		h := int(math.Round(float64(min(peak, 1)) * mid))
		for y := int(mid) - h; y <= int(mid)+h && y < ph; y++ {
			if y >= 0 {
				img.SetNRGBA(x, y, wv.col)
			}
		}
	}
	return img
}

func (r *renderer) drawTransitions(rw row, by0, by1 float32, vis rt.Range, laneR float32) {
	w := r.w
	for _, tr := range rw.t.Transitions {
		_, _, cut, err := rw.t.Cut(tr)
		if err != nil {
			continue
		}
		rng := tr.Range(cut)
		if !rng.Overlaps(vis) {
			continue
		}
		x0, x1 := max(w.XAt(rng.Start), HeaderWidth), min(w.XAt(rng.End()), laneR)
		if x1-x0 < 2 {
			continue
		}
		y0 := by0 + (by1-by0)*0.45
		g := r.trans.next()
		a, b := slatetheme.Alpha(w.pal.Transition, 0x50), slatetheme.Alpha(w.pal.Transition, 0xd0)
		if g.StartColor != color.Color(a) || g.EndColor != color.Color(b) {
			g.StartColor, g.EndColor = a, b
			g.Refresh()
		}
		place(g, x0, y0, x1-x0, by1-y0)
		ln := r.transLine.next()
		place(ln, x0, y0, x1-x0, by1-y0)
		paint(ln, color.NRGBA{}, slatetheme.Alpha(w.pal.HeaderLine, 0xc0), 1)
		if x1-x0 >= 56 && by1-y0 >= 14 {
			lab, _ := r.transText.get(tr.ID)
			setText(lab, kindLabel(tr.Kind), w.pal.Background, x0+4, y0+1)
		}
	}
}

func kindLabel(k timeline.TransitionKind) string {
	switch k {
	case timeline.Dip:
		return "Dip"
	case timeline.Wipe:
		return "Wipe"
	}
	return "Dissolve"
}

func (r *renderer) drawHeader(rw row, top, ct, cb float32) {
	w := r.w
	pal := w.pal
	hr := r.headerRows.next()
	c := pal.Header
	if w.drag != nil && w.drag.kind == dragMove && w.drag.drow != 0 {
		for _, m := range w.drag.moving {
			if ri := w.drag.rowOf[m.ID] + w.drag.drow; ri >= 0 && ri < len(w.rows) && w.rows[ri].t == rw.t {
				c = slatetheme.Darker(pal.Accent, 0.5)
				break
			}
		}
	}
	fillRect(hr, c, 0, ct, HeaderWidth-1, cb-ct-1)
	if top < ct || top+rw.h > cb {
		return // partly scrolled out: no text, nothing to click
	}
	name, _ := r.headerNames.get(rw.t.ID)
	label := rw.t.Name
	if label == "" {
		label = fmt.Sprintf("Track %d", rw.t.ID)
	}
	setText(name, label, pal.Text, 10, top+6)
	fl := Flags(rw.t.Kind)
	for i, f := range fl {
		on, _ := rw.t.Flag(f)
		tg, _ := r.toggles.get(headerKey{rw.t.ID, f})
		pos, size := toggleRect(i, len(fl), top, rw.h)
		fill, fg := pal.ToggleOff, pal.TextDim
		if on {
			fill, fg = pal.ToggleOn, pal.Background
		}
		place(tg.box, pos.X, pos.Y, size.Width, size.Height)
		paint(tg.box, fill, color.NRGBA{}, 0)
		if f == "hide" {
			res := theme.VisibilityIcon()
			if on {
				res = theme.VisibilityOffIcon()
			}
			if tg.icon.Resource != res {
				tg.icon.Resource = res
				tg.icon.Refresh()
			}
			place(tg.icon, pos.X+3, pos.Y+2, size.Width-6, size.Height-4)
			hide(tg.text)
			if !tg.icon.Visible() {
				tg.icon.Show()
			}
			continue
		}
		hide(tg.icon)
		letter := map[string]string{"mute": "M", "solo": "S", "lock": "L"}[f]
		setText(tg.text, letter, fg, pos.X, pos.Y+2)
		tg.text.Resize(fyne.NewSize(size.Width, size.Height-4))
	}
}

// hideToggles hides the text and icon of toggles that went back to the pool; the keyed pool
// only hides their box.
func (r *renderer) hideToggles() {
	for _, t := range r.toggles.free {
		hide(t.text, t.icon)
	}
}

func (r *renderer) drawRuler(sz fyne.Size) {
	w := r.w
	pal := w.pal
	laneR := sz.Width
	fillRect(r.rulerBG, pal.Ruler, HeaderWidth, 0, laneR-HeaderWidth, RulerHeight)
	lineCol := pal.HeaderLine
	if w.focused {
		lineCol = pal.Accent
	}
	fillRect(r.rulerLine, lineCol, HeaderWidth, RulerHeight-1, laneR-HeaderWidth, 1)
	vis := w.visibleFrames()
	rate := w.rate()
	major, minor := TickSteps(rate, w.ppf)
	f := (vis.Start / minor) * minor
	for ; f < vis.End(); f += minor {
		x := w.XAt(f)
		if x < HeaderWidth || x > laneR {
			continue
		}
		h := float32(5)
		if f%major == 0 {
			h = 11
			if x+4 < laneR-40 {
				lab, _ := r.tickLabels.get(f)
				setText(lab, Timecode(f, rate), pal.TextDim, x+4, 3)
			}
		}
		fillRect(r.ticks.next(), pal.Tick, x, RulerHeight-1-h, 1, h)
	}
	// In/out range.
	if w.markIn >= 0 || w.markOut >= 0 {
		in, out := max(w.markIn, 0), w.markOut
		if out < 0 {
			out = max(w.tl.Duration(), in+1)
		}
		x0, x1 := max(w.XAt(in), HeaderWidth), min(w.XAt(out), laneR)
		if x1 > x0 {
			fillRect(r.inOutShade, pal.InOut, x0, 0, x1-x0, RulerHeight-1)
		} else {
			hide(r.inOutShade)
		}
		for _, m := range []rt.Time{w.markIn, w.markOut} {
			if x := w.XAt(m); m >= 0 && x >= HeaderWidth && x <= laneR {
				fillRect(r.inOutLines.next(), slatetheme.Alpha(pal.InOut, 0xc0), x, 0, 1, sz.Height)
			}
		}
	} else {
		hide(r.inOutShade)
	}
	// Markers: a flag in the ruler (a bar for a span) and a faint line down the lanes.
	for _, m := range w.tl.Markers {
		x := w.XAt(m.At)
		x1 := x + 8
		if m.Dur > 0 {
			x1 = max(w.XAt(m.At+m.Dur), x+8)
		}
		if x1 < HeaderWidth || x > laneR {
			continue
		}
		c := pal.MarkerColor(m.Color)
		fx0, fx1 := max(x, HeaderWidth), min(x1, laneR)
		fillRect(r.flags.next(), c, fx0, RulerHeight-10, fx1-fx0, 9)
		if x >= HeaderWidth {
			fillRect(r.markLines.next(), slatetheme.Alpha(c, 0x90), x, RulerHeight, 1, sz.Height-RulerHeight)
		}
	}
}

func (r *renderer) drawOverlays(sz fyne.Size) {
	w := r.w
	pal := w.pal
	laneR, laneT := sz.Width, RulerHeight
	// Playhead.
	if x := w.XAt(w.playhead); w.tl != nil && x >= HeaderWidth && x <= laneR {
		fillRect(r.playLine, pal.Playhead, x-1, 4, 2, sz.Height-4)
		fillRect(r.playHead, pal.Playhead, x-6, 2, 12, 14)
	} else {
		hide(r.playLine, r.playHead)
	}
	// Drag preview.
	d := w.drag
	for _, g := range w.ghosts() {
		if g.row < 0 || g.row >= len(w.rows) {
			continue
		}
		rw := w.rows[g.row]
		top := laneT + rw.top - w.y0
		y0, y1 := max(top+3, laneT), min(top+rw.h-4, sz.Height)
		x0, x1 := max(w.XAt(g.start), HeaderWidth), min(w.XAt(g.end), laneR)
		if y1 <= y0 || x1 <= x0 {
			continue
		}
		gr := r.ghosts.next()
		gr.CornerRadius = 4
		place(gr, x0, y0, max(x1-x0-1, 1), y1-y0)
		paint(gr, pal.Ghost, pal.GhostLine, 1.5)
	}
	if d != nil && d.snapped {
		if x := w.XAt(d.snapAt); x >= HeaderWidth && x <= laneR {
			fillRect(r.snapLine, pal.Snap, x, laneT, 1, sz.Height-laneT)
		} else {
			hide(r.snapLine)
		}
	} else {
		hide(r.snapLine)
	}
	if d != nil && d.kind == dragMarquee {
		x0, x1 := max(min(d.start.X, d.cur.X), HeaderWidth), max(d.start.X, d.cur.X)
		y0, y1 := max(min(d.start.Y, d.cur.Y), laneT), max(d.start.Y, d.cur.Y)
		place(r.marquee, x0, y0, x1-x0, y1-y0)
		paint(r.marquee, pal.Marquee, pal.Accent, 1)
		if !r.marquee.Visible() {
			r.marquee.Show()
		}
	} else {
		hide(r.marquee)
	}
	if w.tool == ToolRazor && w.razorAt >= 0 && d == nil {
		if x := w.XAt(w.razorAt); x >= HeaderWidth && x <= laneR {
			fillRect(r.razorLine, pal.Warning, x, laneT, 1, sz.Height-laneT)
		} else {
			hide(r.razorLine)
		}
	} else {
		hide(r.razorLine)
	}
	if s := w.dragLabel(); s != "" {
		tw := fyne.MeasureText(s, slatetheme.TextSize, fyne.TextStyle{Monospace: true}).Width
		x := min(d.cur.X+14, laneR-tw-12)
		y := max(d.cur.Y-26, laneT+2)
		fillRect(r.infoBG, slatetheme.Alpha(pal.Background, 0xe0), x, y, tw+12, 20)
		setText(r.infoText, s, pal.Text, x+6, y+2)
	} else {
		hide(r.infoBG, r.infoText)
	}
}

func (r *renderer) drawCorner() {
	w := r.w
	pal := w.pal
	fillRect(r.cornerBG, pal.Header, 0, 0, HeaderWidth, RulerHeight-1)
	setText(r.cornerTC, Timecode(w.playhead, w.rate()), pal.Text, 8, 1)
	snap, sc := "SNAP", pal.TextDim
	if w.snap {
		sc = pal.Snap
	}
	setText(r.cornerSnap, snap, sc, 8, 20)
	if w.tool == ToolRazor {
		setText(r.cornerTool, "RAZOR", pal.Warning, 48, 20)
	} else {
		hide(r.cornerTool)
	}
}
