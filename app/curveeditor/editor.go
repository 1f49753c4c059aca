package curveeditor

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	slatetheme "github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// Layout metrics, in Fyne units.
const (
	NameWidth   float32 = 150 // property names and values on the left
	RulerHeight float32 = 24
	LaneHeight  float32 = 64
	BarHeight   float32 = 44 // the exact-entry bar at the bottom
	lanePad     float32 = 9  // space above the highest and below the lowest value in a lane
	keyRadius   float32 = 5
	hitRadius   float32 = 7
)

// KeyRef names one keyframe: its parameter and its time (frames from the clip's start).
type KeyRef struct {
	Param string
	T     rt.Time
}

// lane is one animatable parameter on screen.
type lane struct {
	d          keyframe.Descriptor
	top        float32 // relative to the first lane, before scrolling
	vmin, vmax float64 // value range the lane shows
}

// Editor is the keyframe curve editor for one clip: a lane per animatable parameter, built
// from the keyframe descriptors, with the curve, its keys and bezier handles. It never
// changes the timeline: gestures call OnEdit. Use it on the Fyne goroutine only.
type Editor struct {
	widget.BaseWidget

	// OnEdit receives the commands of one gesture (one undo step): apply them as
	// edit.NewBatch(name, cmds...) and call SetClip again with the result.
	OnEdit func(name string, cmds []edit.Command)
	// OnSeek is called with a timeline frame when the user clicks the ruler.
	OnSeek func(rt.Time)
	// OnError reports input the editor refuses (a value typed that is not a number).
	OnError func(error)
	// Filter picks the parameters shown for a clip on a track of the given kind; nil shows
	// the Audio group for audio tracks and everything else for video tracks.
	Filter func(d keyframe.Descriptor, kind timeline.TrackKind) bool

	pal      slatetheme.Palette
	tl       *timeline.Timeline
	clip     *timeline.Clip
	kind     timeline.TrackKind
	lanes    []lane
	ppf      float64 // pixels per frame
	t0       float64 // clip frame at the left edge of the lanes
	y0       float32 // vertical scroll
	playhead rt.Time // timeline frame
	sel      map[KeyRef]bool
	drag     *kdrag
	keyMods  fyne.KeyModifier
	press    kpress

	timeEntry  *widget.Entry
	valueEntry *widget.Entry
	interp     *widget.Select
	quiet      bool // setting the bar's widgets from code, not the user
	fitPending bool // fit the clip at the first layout
}

type kpress struct {
	valid   bool
	pos     fyne.Position
	mods    fyne.KeyModifier
	key     KeyRef // the key pressed on, if any
	onKey   bool
	toggled bool // Shift already toggled it
	wasSel  bool // it was selected before the press
}

// New makes an empty curve editor.
func New() *Editor {
	e := &Editor{pal: slatetheme.Default, ppf: 4, sel: map[KeyRef]bool{}}
	e.timeEntry = widget.NewEntry()
	e.timeEntry.SetPlaceHolder("frame")
	e.timeEntry.OnSubmitted = func(s string) { e.submitTime(s) }
	e.valueEntry = widget.NewEntry()
	e.valueEntry.SetPlaceHolder("value")
	e.valueEntry.OnSubmitted = func(s string) { e.submitValue(s) }
	labels := make([]string, 0, len(keyframe.AllInterps()))
	for _, i := range keyframe.AllInterps() {
		labels = append(labels, InterpLabel(i))
	}
	e.interp = widget.NewSelect(labels, func(s string) {
		if !e.quiet {
			e.submitInterp(s)
		}
	})
	e.interp.PlaceHolder = "interpolation"
	e.ExtendBaseWidget(e)
	e.syncBar()
	return e
}

// CreateRenderer implements fyne.Widget.
func (e *Editor) CreateRenderer() fyne.WidgetRenderer { return newRenderer(e) }

// SetClip shows clip id of tl (0 or a missing clip shows nothing). Call it again after each
// edit; the view (zoom, scroll) is kept while the clip stays the same, and selected keys
// that no longer exist are dropped.
func (e *Editor) SetClip(tl *timeline.Timeline, id timeline.ID) {
	old := e.clip
	e.tl, e.clip = tl, nil
	if tl != nil && id != 0 {
		if t, c, err := tl.Clip(id); err == nil {
			e.clip, e.kind = c, t.Kind
		}
	}
	if e.clip == nil || old == nil || old.ID != e.clip.ID {
		clear(e.sel)
		e.drag = nil
		e.y0 = 0
	}
	e.buildLanes()
	if e.clip != nil && (old == nil || old.ID != e.clip.ID) {
		e.fit()
	}
	for k := range e.sel {
		if e.keyIndex(k) < 0 {
			delete(e.sel, k)
		}
	}
	e.syncBar()
	e.Refresh()
}

// Clip is the clip shown, or nil.
func (e *Editor) Clip() *timeline.Clip { return e.clip }

// SetPlayhead shows the playhead (a timeline frame).
func (e *Editor) SetPlayhead(t rt.Time) {
	if t != e.playhead {
		e.playhead = t
		e.Refresh()
	}
}

// SetPalette changes the colours.
func (e *Editor) SetPalette(p slatetheme.Palette) { e.pal = p; e.Refresh() }

// Params lists the parameters shown, top to bottom.
func (e *Editor) Params() []string {
	out := make([]string, len(e.lanes))
	for i, l := range e.lanes {
		out[i] = l.d.Name
	}
	return out
}

// Selected lists the selected keyframes, by parameter order then time.
func (e *Editor) Selected() []KeyRef {
	out := make([]KeyRef, 0, len(e.sel))
	for k := range e.sel {
		out = append(out, k)
	}
	order := map[string]int{}
	for i, l := range e.lanes {
		order[l.d.Name] = i
	}
	slices.SortFunc(out, func(a, b KeyRef) int {
		if a.Param != b.Param {
			return order[a.Param] - order[b.Param]
		}
		return int(a.T - b.T)
	})
	return out
}

// Select selects exactly these keyframes.
func (e *Editor) Select(keys ...KeyRef) {
	clear(e.sel)
	for _, k := range keys {
		if e.keyIndex(k) >= 0 {
			e.sel[k] = true
		}
	}
	e.syncBar()
	e.Refresh()
}

// Fit scales time so the whole clip fits the lanes.
func (e *Editor) Fit() {
	e.fit()
	e.Refresh()
}

// fit fits the clip now, or at the first layout when the editor has no size yet.
func (e *Editor) fit() {
	w := float64(e.Size().Width - NameWidth)
	if e.clip == nil {
		return
	}
	if w <= 0 {
		e.fitPending = true
		return
	}
	e.fitPending = false
	dur := math.Max(float64(e.clip.Dur), 1)
	e.ppf = w / (dur * 1.04)
	e.t0 = -dur * 0.02
}

// Zoom is the time scale in pixels per frame.
func (e *Editor) Zoom() float64 { return e.ppf }

// SetZoom sets the time scale keeping the frame at widget x where it is.
func (e *Editor) SetZoom(ppf float64, x float32) {
	ppf = math.Min(math.Max(ppf, 0.01), 80)
	lx := float64(x - NameWidth)
	f := e.t0 + lx/e.ppf
	e.ppf = ppf
	e.t0 = f - lx/ppf
	e.Refresh()
}

// XAt is the widget x of clip-local frame t.
func (e *Editor) XAt(t float64) float32 { return NameWidth + float32((t-e.t0)*e.ppf) }

// FrameAt is the clip-local frame at widget x, unrounded.
func (e *Editor) FrameAt(x float32) float64 { return e.t0 + float64(x-NameWidth)/e.ppf }

// LaneY is the widget y and height of a parameter's lane.
func (e *Editor) LaneY(param string) (y, h float32, ok bool) {
	if i := e.laneIndex(param); i >= 0 {
		return RulerHeight + e.lanes[i].top - e.y0, LaneHeight, true
	}
	return 0, 0, false
}

// YAt is the widget y of value v in a parameter's lane.
func (e *Editor) YAt(param string, v float64) float32 {
	i := e.laneIndex(param)
	if i < 0 {
		return 0
	}
	return e.yAt(i, v)
}

// ValueAt is the value at widget y in a parameter's lane, unclamped.
func (e *Editor) ValueAt(param string, y float32) float64 {
	i := e.laneIndex(param)
	if i < 0 {
		return 0
	}
	return e.valueAtY(i, y)
}

// KeyPos is where a keyframe is drawn.
func (e *Editor) KeyPos(k KeyRef) (fyne.Position, bool) {
	i := e.laneIndex(k.Param)
	ki := e.keyIndex(k)
	if i < 0 || ki < 0 {
		return fyne.Position{}, false
	}
	key := e.curve(k.Param).Keys[ki]
	return fyne.NewPos(e.XAt(float64(key.T)), e.yAt(i, key.V)), true
}

func (e *Editor) yAt(i int, v float64) float32 {
	l := e.lanes[i]
	top := RulerHeight + l.top - e.y0
	h := LaneHeight - 2*lanePad
	return top + LaneHeight - lanePad - float32((v-l.vmin)/(l.vmax-l.vmin))*h
}

func (e *Editor) valueAtY(i int, y float32) float64 {
	l := e.lanes[i]
	top := RulerHeight + l.top - e.y0
	h := float64(LaneHeight - 2*lanePad)
	return l.vmin + float64(top+LaneHeight-lanePad-y)/h*(l.vmax-l.vmin)
}

func (e *Editor) laneIndex(param string) int {
	for i, l := range e.lanes {
		if l.d.Name == param {
			return i
		}
	}
	return -1
}

// curve is a parameter's curve on the clip (nil when it is at its default).
func (e *Editor) curve(param string) *keyframe.Curve {
	if e.clip == nil {
		return nil
	}
	return e.clip.Params[param]
}

func (e *Editor) keyIndex(k KeyRef) int {
	cv := e.curve(k.Param)
	if cv == nil {
		return -1
	}
	return cv.Index(k.T)
}

// valueOf evaluates a parameter (its default when it has no curve).
func (e *Editor) valueOf(d keyframe.Descriptor, t float64) float64 {
	if cv := e.curve(d.Name); cv != nil {
		return cv.ValueAt(t)
	}
	return d.Default
}

// buildLanes makes one lane per animatable parameter the filter keeps, plus any other
// animated parameter the clip has (effects), and fits each lane's value range.
func (e *Editor) buildLanes() {
	e.lanes = e.lanes[:0]
	if e.clip == nil {
		return
	}
	filter := e.Filter
	if filter == nil {
		filter = defaultFilter
	}
	seen := map[string]bool{}
	var ds []keyframe.Descriptor
	for _, d := range keyframe.Clip() {
		if d.Animatable && filter(d, e.kind) {
			ds = append(ds, d)
			seen[d.Name] = true
		}
	}
	var extra []string
	for name := range e.clip.Params {
		if !seen[name] {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		if d, ok := keyframe.Lookup(name); ok && d.Animatable {
			ds = append(ds, d)
		}
	}
	for i, d := range ds {
		l := lane{d: d, top: float32(i) * LaneHeight}
		l.vmin, l.vmax = e.fitRange(d)
		e.lanes = append(e.lanes, l)
	}
}

func defaultFilter(d keyframe.Descriptor, kind timeline.TrackKind) bool {
	return (d.Group == "Audio") == (kind == timeline.Audio)
}

// fitRange is the value range a lane shows: the whole range for parameters with a small
// one (opacity, crop, pan), else the curve's values and handles with some room around them.
func (e *Editor) fitRange(d keyframe.Descriptor) (float64, float64) {
	if d.Max-d.Min <= 2 {
		return d.Min, d.Max
	}
	lo, hi := d.Default, d.Default
	add := func(v float64) { lo, hi = math.Min(lo, v), math.Max(hi, v) }
	if cv := e.curve(d.Name); cv != nil {
		add(cv.Static)
		for i, k := range cv.Keys {
			add(k.V)
			if k.Interp == keyframe.Bezier && i+1 < len(cv.Keys) {
				a, b := e.handles(cv, i)
				add(a.dv + k.V)
				add(b.dv + cv.Keys[i+1].V)
			}
		}
		if len(cv.Keys) > 1 {
			// Overshooting easings (back, elastic) and smooth curves go past their keys.
			t0, t1 := float64(cv.Keys[0].T), float64(cv.Keys[len(cv.Keys)-1].T)
			for s := 0; s <= 64; s++ {
				add(cv.ValueAt(t0 + (t1-t0)*float64(s)/64))
			}
		}
	}
	minSpan := map[string]float64{keyframe.UnitPixels: 100, keyframe.UnitDegrees: 90, keyframe.UnitDecibel: 12, keyframe.UnitPercent: 0.5}[d.Unit]
	if minSpan == 0 {
		minSpan = 1
	}
	if span := hi - lo; span < minSpan {
		lo -= (minSpan - span) / 2
		hi += (minSpan - span) / 2
	}
	pad := (hi - lo) * 0.1
	lo, hi = math.Max(lo-pad, d.Min), math.Min(hi+pad, d.Max)
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// handle is a bezier handle offset (dt frames, dv value) from its key.
type handle struct{ dt, dv float64 }

// handles are the effective out handle of key i and in handle of key i+1 for the bezier
// segment between them: a handle left at (0, 0) is a third of the way along the segment,
// as keyframe evaluates it.
func (e *Editor) handles(cv *keyframe.Curve, i int) (out, in handle) {
	a, b := cv.Keys[i], cv.Keys[i+1]
	span := float64(b.T - a.T)
	out = handle{a.OutDT, a.OutDV}
	if a.OutDT == 0 && a.OutDV == 0 {
		out = handle{span / 3, (b.V - a.V) / 3}
	}
	in = handle{b.InDT, b.InDV}
	if b.InDT == 0 && b.InDV == 0 {
		in = handle{-span / 3, -(b.V - a.V) / 3}
	}
	return out, in
}

func (e *Editor) emit(name string, cmds []edit.Command) {
	if len(cmds) > 0 && e.OnEdit != nil {
		e.OnEdit(name, cmds)
	}
}

func (e *Editor) fail(err error) {
	if e.OnError != nil {
		e.OnError(err)
	}
}

// spec is a key as a command's KeySpec.
func spec(k keyframe.Key) edit.KeySpec {
	return edit.KeySpec{T: k.T, V: k.V, Interp: k.Interp, OutDT: k.OutDT, OutDV: k.OutDV, InDT: k.InDT, InDV: k.InDV}
}

// SetInterp sets the interpolation of the segment that starts at a keyframe.
func (e *Editor) SetInterp(k KeyRef, i keyframe.Interp) {
	ki := e.keyIndex(k)
	if ki < 0 || e.clip == nil {
		return
	}
	key := e.curve(k.Param).Keys[ki]
	if key.Interp == i || (key.Interp == "" && i == keyframe.Linear) {
		return
	}
	key.Interp = i
	e.emit("Set Interpolation", []edit.Command{&edit.SetKeyframe{Clip: e.clip.ID, Param: k.Param, KeySpec: spec(key)}})
}

// SetKeyValue sets a keyframe's value (clamped to the parameter's range).
func (e *Editor) SetKeyValue(k KeyRef, v float64) {
	ki := e.keyIndex(k)
	d, ok := keyframe.Lookup(k.Param)
	if ki < 0 || !ok {
		return
	}
	key := e.curve(k.Param).Keys[ki]
	key.V = d.Clamp(v)
	e.emit("Set Keyframe Value", []edit.Command{&edit.SetKeyframe{Clip: e.clip.ID, Param: k.Param, KeySpec: spec(key)}})
}

// SetKeyTime moves a keyframe to clip frame t (refused with OnError when another key is
// there).
func (e *Editor) SetKeyTime(k KeyRef, t rt.Time) {
	if e.keyIndex(k) < 0 || t == k.T {
		return
	}
	if e.keyIndex(KeyRef{k.Param, t}) >= 0 {
		e.fail(fmt.Errorf("%s already has a keyframe at frame %d", k.Param, t))
		return
	}
	e.moveSelection(k, t)
	e.emit("Move Keyframe", []edit.Command{&edit.MoveKeyframe{Clip: e.clip.ID, Param: k.Param, From: k.T, To: t}})
}

// moveSelection keeps a moved key selected under its new time.
func (e *Editor) moveSelection(k KeyRef, t rt.Time) {
	if e.sel[k] {
		delete(e.sel, k)
		e.sel[KeyRef{k.Param, t}] = true
	}
}

// DeleteSelected removes the selected keyframes.
func (e *Editor) DeleteSelected() {
	var cmds []edit.Command
	for _, k := range e.Selected() {
		cmds = append(cmds, &edit.RemoveKeyframe{Clip: e.clip.ID, Param: k.Param, T: k.T})
	}
	clear(e.sel)
	e.syncBar()
	e.emit("Delete Keyframes", cmds)
}

// AddKey adds (or replaces) a keyframe at clip frame t with value v (clamped); the new key
// takes the interpolation of the segment it lands in.
func (e *Editor) AddKey(param string, t rt.Time, v float64) {
	d, ok := keyframe.Lookup(param)
	if !ok || e.clip == nil {
		return
	}
	key := keyframe.Key{T: t, V: d.Clamp(v)}
	if cv := e.curve(param); cv != nil {
		for _, k := range cv.Keys {
			if k.T < t {
				key.Interp = k.Interp
			}
		}
	}
	clear(e.sel)
	e.sel[KeyRef{param, t}] = true
	e.emit("Add Keyframe", []edit.Command{&edit.SetKeyframe{Clip: e.clip.ID, Param: param, KeySpec: spec(key)}})
}

// the exact-entry bar

// single is the one selected key, if exactly one is selected.
func (e *Editor) single() (KeyRef, keyframe.Key, bool) {
	if len(e.sel) != 1 {
		return KeyRef{}, keyframe.Key{}, false
	}
	for k := range e.sel {
		if ki := e.keyIndex(k); ki >= 0 {
			return k, e.curve(k.Param).Keys[ki], true
		}
	}
	return KeyRef{}, keyframe.Key{}, false
}

// syncBar shows the selected key in the entries (disabled when not exactly one).
func (e *Editor) syncBar() {
	e.quiet = true
	defer func() { e.quiet = false }()
	k, key, ok := e.single()
	if !ok {
		e.timeEntry.SetText("")
		e.valueEntry.SetText("")
		e.interp.ClearSelected()
		e.timeEntry.Disable()
		e.valueEntry.Disable()
		e.interp.Disable()
		return
	}
	d, _ := keyframe.Lookup(k.Param)
	e.timeEntry.Enable()
	e.valueEntry.Enable()
	e.interp.Enable()
	e.timeEntry.SetText(strconv.FormatInt(int64(key.T), 10))
	e.valueEntry.SetText(number(Display(d, key.V)))
	e.interp.SetSelected(InterpLabel(key.Interp))
}

func (e *Editor) submitTime(s string) {
	k, _, ok := e.single()
	if !ok {
		return
	}
	t, err := parseFrames(s, e.rate())
	if err != nil {
		e.fail(err)
		return
	}
	e.SetKeyTime(k, t)
}

func (e *Editor) submitValue(s string) {
	k, _, ok := e.single()
	if !ok {
		return
	}
	d, _ := keyframe.Lookup(k.Param)
	v, err := ParseValue(d, s)
	if err != nil {
		e.fail(err)
		return
	}
	e.SetKeyValue(k, v)
}

func (e *Editor) submitInterp(label string) {
	k, _, ok := e.single()
	if i, known := interpByLabel[label]; ok && known {
		e.SetInterp(k, i)
	}
}

// TimeEntry, ValueEntry and InterpSelect are the exact-entry widgets for the selected key
// (exported so tests and scripted UIs can type into them).
func (e *Editor) TimeEntry() *widget.Entry     { return e.timeEntry }
func (e *Editor) ValueEntry() *widget.Entry    { return e.valueEntry }
func (e *Editor) InterpSelect() *widget.Select { return e.interp }

func (e *Editor) rate() rt.Rate {
	if e.tl != nil && e.tl.Rate.Num > 0 {
		return e.tl.Rate
	}
	return rt.Rate{Num: 24, Den: 1}
}

// parseFrames reads a keyframe time typed as whole frames ("48") or as timecode from the
// clip's start ("00:00:02:00", drop-frame "00:00:02;00", or short "2:00" = seconds:frames).
func parseFrames(s string, r rt.Rate) (rt.Time, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return rt.Time(n), nil
	}
	if t, err := rt.ParseTimecode(s, r); err == nil {
		return t, nil
	}
	parts := strings.Split(strings.ReplaceAll(s, ";", ":"), ":")
	if len(parts) >= 2 && len(parts) <= 4 {
		fps := int64(math.Round(float64(r.Num) / float64(r.Den)))
		mul := []int64{3600 * fps, 60 * fps, fps, 1}[4-len(parts):]
		var t int64
		for i, p := range parts {
			n, err := strconv.ParseInt(p, 10, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("keyframe time %q: want whole frames or HH:MM:SS:FF", s)
			}
			t += n * mul[i]
		}
		return rt.Time(t), nil
	}
	return 0, fmt.Errorf("keyframe time %q: want whole frames or HH:MM:SS:FF", s)
}
