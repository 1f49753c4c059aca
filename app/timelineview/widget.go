package timelineview

import (
	"image"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	slatetheme "github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// Layout metrics, in Fyne units. Tests and the window wiring use them to aim at things.
const (
	HeaderWidth      float32 = 150 // track header column on the left
	RulerHeight      float32 = 34  // timecode ruler on top
	VideoTrackHeight float32 = 58
	AudioTrackHeight float32 = 48
	EdgeZone         float32 = 7 // how near a clip edge (px) a press grabs the edge
	SnapDistance     float32 = 8 // how near (px) an edge must come to snap
	labelBand        float32 = 16
)

// Zoom limits in pixels per frame.
const (
	MinZoom = 0.002
	MaxZoom = 60.0
)

// NoMark is an unset in or out mark.
const NoMark rt.Time = -1

// Tool is what a primary-button press on a clip does.
type Tool int

const (
	// ToolSelect selects, moves and trims (the arrow; A or V).
	ToolSelect Tool = iota
	// ToolRazor splits the clip under the pointer where it is clicked (B).
	ToolRazor
)

// Timeline is the timeline widget. It draws one timeline.Timeline and turns gestures into
// edit commands; it never changes the timeline itself. Use it from the UI goroutine only
// (background work calls fyne.Do).
type Timeline struct {
	widget.BaseWidget

	// OnEdit receives the commands of one gesture or shortcut: one call is one undo step, so
	// apply them together (edit.NewBatch(name, cmds...) through the History) and then call
	// SetTimeline or Refresh. name is a menu label such as "Move Clip".
	OnEdit func(name string, cmds []edit.Command)
	// OnSeek is called when the user moves the playhead (ruler click or scrub, arrows, Up
	// and Down). The owner moves its playhead and calls SetPlayhead.
	OnSeek func(rt.Time)
	// OnSelect is called with the selected clip IDs (sorted) when the selection changes.
	OnSelect func(ids []timeline.ID)
	// Thumbs gives the picture of source frame f of a video clip, or nil when it has none
	// (yet). Optional. It is called while drawing, so it must return quickly: a cache that
	// loads in the background and calls fyne.Do(tl.Refresh) when images arrive.
	Thumbs func(c *timeline.Clip, f rt.Time) image.Image
	// Peaks gives an audio clip's peak levels, one per source frame at the timeline rate,
	// 0..1; nil when it has none (yet). Optional; same rules as Thumbs.
	Peaks func(c *timeline.Clip) []float32
	// OnKey receives the keys the timeline does not use (Space, J, K, L, I, O, ...), so
	// transport shortcuts work while it has the focus. Optional.
	OnKey func(*fyne.KeyEvent)
	// OnRune receives typed characters the timeline does not use. Optional.
	OnRune func(rune)
	// OnShortcut receives the shortcuts the timeline does not use (Undo, Redo, ...). When
	// nil they go to the window canvas's own shortcut handlers (Canvas.AddShortcut), which a
	// focused widget would otherwise hide.
	OnShortcut func(fyne.Shortcut)

	pal      slatetheme.Palette
	tl       *timeline.Timeline
	rows     []row
	contentH float32 // height of all rows
	playhead rt.Time
	markIn   rt.Time
	markOut  rt.Time
	sel      map[timeline.ID]bool
	ppf      float64 // pixels per frame
	x0       float64 // frame at the left edge of the lanes
	y0       float32 // vertical scroll of the rows, px
	snap     bool
	tool     Tool

	hover    fyne.Position
	hovering bool
	keyMods  fyne.KeyModifier // modifiers seen through KeyDown/KeyUp
	press    press
	drag     *dragState
	razorAt  rt.Time // razor guide position while hovering with the razor, -1 when none
	focused  bool
}

// row is one track lane on screen, top relative to the first row (before scrolling).
type row struct {
	t   *timeline.Track
	top float32
	h   float32
}

// press remembers the last primary press so a click or drag knows its modifiers.
type press struct {
	valid   bool
	pos     fyne.Position
	mods    fyne.KeyModifier
	hit     Hit
	toggled bool // a shift-press already toggled the clip's selection
	wasSel  bool // the clip was selected before the press
}

// New makes an empty timeline widget (snapping on, select tool, about 8 px per frame).
func New() *Timeline {
	w := &Timeline{pal: slatetheme.Default, ppf: 8, snap: true, markIn: NoMark, markOut: NoMark,
		sel: map[timeline.ID]bool{}, razorAt: -1}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer implements fyne.Widget.
func (w *Timeline) CreateRenderer() fyne.WidgetRenderer { return newRenderer(w) }

// SetTimeline shows tl (after an edit was applied, or another project was opened). Selected
// clips that no longer exist are dropped from the selection.
func (w *Timeline) SetTimeline(tl *timeline.Timeline) {
	w.tl = tl
	w.buildRows()
	changed := false
	for id := range w.sel {
		if tl == nil {
			delete(w.sel, id)
			changed = true
			continue
		}
		if _, _, err := tl.Clip(id); err != nil {
			delete(w.sel, id)
			changed = true
		}
	}
	w.clampScroll()
	if changed {
		w.selectionChanged()
	}
	w.Refresh()
}

// Model returns the timeline shown.
func (w *Timeline) Model() *timeline.Timeline { return w.tl }

// Refresh redraws; the owner calls it after changing the timeline in place.
func (w *Timeline) Refresh() {
	w.buildRows()
	w.BaseWidget.Refresh()
}

// SetPalette changes the colours.
func (w *Timeline) SetPalette(p slatetheme.Palette) { w.pal = p; w.Refresh() }

// SetPlayhead moves the playhead (it does not call OnSeek).
func (w *Timeline) SetPlayhead(t rt.Time) {
	if t == w.playhead {
		return
	}
	w.playhead = t
	w.Refresh()
}

// Playhead is the playhead frame.
func (w *Timeline) Playhead() rt.Time { return w.playhead }

// SetInOut shows the in and out marks (NoMark for none; out is exclusive).
func (w *Timeline) SetInOut(in, out rt.Time) { w.markIn, w.markOut = in, out; w.Refresh() }

// Selection is the selected clip IDs, sorted.
func (w *Timeline) Selection() []timeline.ID {
	out := make([]timeline.ID, 0, len(w.sel))
	for id := range w.sel {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// SetSelection selects exactly these clips (it calls OnSelect when that changes anything).
func (w *Timeline) SetSelection(ids ...timeline.ID) {
	n := map[timeline.ID]bool{}
	for _, id := range ids {
		n[id] = true
	}
	w.replaceSelection(n)
}

// Tool is the current tool.
func (w *Timeline) Tool() Tool { return w.tool }

// SetTool picks the select or razor tool.
func (w *Timeline) SetTool(t Tool) { w.tool = t; w.razorAt = -1; w.Refresh() }

// Snapping reports whether drags snap to the playhead, marks, clip edges and markers.
func (w *Timeline) Snapping() bool { return w.snap }

// SetSnapping turns snapping on or off.
func (w *Timeline) SetSnapping(on bool) { w.snap = on; w.Refresh() }

// Zoom is the scale in pixels per frame.
func (w *Timeline) Zoom() float64 { return w.ppf }

// SetZoom sets the scale (clamped to MinZoom..MaxZoom) keeping the frame at lane x
// position x (widget coordinates) where it is.
func (w *Timeline) SetZoom(ppf float64, x float32) {
	ppf = math.Min(math.Max(ppf, MinZoom), MaxZoom)
	lx := float64(x - HeaderWidth)
	f := w.x0 + lx/w.ppf
	w.ppf = ppf
	w.x0 = f - lx/ppf
	w.clampScroll()
	w.Refresh()
}

// ZoomBy multiplies the scale by factor around widget x position x.
func (w *Timeline) ZoomBy(factor float64, x float32) { w.SetZoom(w.ppf*factor, x) }

// ZoomToFit scales so the whole sequence fits the lanes.
func (w *Timeline) ZoomToFit() {
	d := float64(1)
	if w.tl != nil {
		d = math.Max(float64(w.tl.Duration()), 1)
	}
	lw := float64(w.laneWidth())
	if lw <= 0 {
		return
	}
	w.x0 = 0
	w.SetZoom(lw*0.95/d, HeaderWidth)
}

// Scroll is the frame at the left edge of the lanes and the vertical scroll in px.
func (w *Timeline) Scroll() (frame float64, y float32) { return w.x0, w.y0 }

// SetScroll scrolls to show frame at the left edge and rows from y px (both clamped).
func (w *Timeline) SetScroll(frame float64, y float32) {
	w.x0, w.y0 = frame, y
	w.clampScroll()
	w.Refresh()
}

// XAt is the widget x position of the left edge of frame f.
func (w *Timeline) XAt(f rt.Time) float32 { return w.xAtF(float64(f)) }

func (w *Timeline) xAtF(f float64) float32 { return HeaderWidth + float32((f-w.x0)*w.ppf) }

// FrameAt is the frame boundary nearest widget x position x (where a cut or the playhead
// would go).
func (w *Timeline) FrameAt(x float32) rt.Time { return rt.Time(math.Round(w.frameF(x))) }

// frameUnder is the frame whose cell contains x (what a click on a clip means).
func (w *Timeline) frameUnder(x float32) rt.Time { return rt.Time(math.Floor(w.frameF(x))) }

func (w *Timeline) frameF(x float32) float64 { return w.x0 + float64(x-HeaderWidth)/w.ppf }

// TrackY is the widget y position and height of a track's lane, with ok false when the
// track is not in the timeline.
func (w *Timeline) TrackY(id timeline.ID) (y, h float32, ok bool) {
	for _, r := range w.rows {
		if r.t.ID == id {
			return RulerHeight + r.top - w.y0, r.h, true
		}
	}
	return 0, 0, false
}

// buildRows lays the tracks out in the order editors show them: video tracks top-down from
// the highest layer, then audio tracks from A1 down.
func (w *Timeline) buildRows() {
	w.rows = w.rows[:0]
	if w.tl == nil {
		w.contentH = 0
		return
	}
	var y float32
	ts := w.tl.Tracks
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].Kind == timeline.Video {
			w.rows = append(w.rows, row{t: ts[i], top: y, h: VideoTrackHeight})
			y += VideoTrackHeight
		}
	}
	for _, t := range ts {
		if t.Kind != timeline.Video {
			w.rows = append(w.rows, row{t: t, top: y, h: AudioTrackHeight})
			y += AudioTrackHeight
		}
	}
	w.contentH = y
}

func (w *Timeline) laneWidth() float32  { return w.Size().Width - HeaderWidth }
func (w *Timeline) laneHeight() float32 { return w.Size().Height - RulerHeight }

// visibleFrames is the frame range the lanes show.
func (w *Timeline) visibleFrames() rt.Range {
	f0 := rt.Time(math.Floor(w.x0))
	f1 := rt.Time(math.Ceil(w.x0+float64(w.laneWidth())/w.ppf)) + 1
	return rt.Range{Start: f0, Dur: max(f1-f0, 1)}
}

func (w *Timeline) clampScroll() {
	if w.x0 < 0 || math.IsNaN(w.x0) {
		w.x0 = 0
	}
	if w.tl != nil {
		// Allow scrolling a screen past the end so the last clip can be dragged later.
		maxX := float64(w.tl.Duration()) + float64(w.laneWidth())/w.ppf
		if w.x0 > maxX {
			w.x0 = maxX
		}
	}
	maxY := w.contentH - w.laneHeight()
	if w.y0 > maxY {
		w.y0 = maxY
	}
	if w.y0 < 0 {
		w.y0 = 0
	}
}

// rowIndexAt is the row under widget y, or -1.
func (w *Timeline) rowIndexAt(y float32) int {
	cy := y - RulerHeight + w.y0
	for i, r := range w.rows {
		if cy >= r.top && cy < r.top+r.h {
			return i
		}
	}
	return -1
}

func (w *Timeline) rowOf(id timeline.ID) int {
	for i, r := range w.rows {
		if r.t.ID == id {
			return i
		}
	}
	return -1
}

func (w *Timeline) replaceSelection(n map[timeline.ID]bool) {
	same := len(n) == len(w.sel)
	if same {
		for id := range n {
			if !w.sel[id] {
				same = false
				break
			}
		}
	}
	if same {
		return
	}
	w.sel = n
	w.selectionChanged()
	w.Refresh()
}

func (w *Timeline) selectionChanged() {
	if w.OnSelect != nil {
		w.OnSelect(w.Selection())
	}
}

func (w *Timeline) emit(name string, cmds []edit.Command) {
	if len(cmds) == 0 || w.OnEdit == nil {
		return
	}
	w.OnEdit(name, cmds)
}
