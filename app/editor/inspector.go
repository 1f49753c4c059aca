package editor

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
)

// inspector shows the selected clip's properties and edits them with commands: the name,
// speed and enabled flag, and one row per parameter descriptor (generated from
// keyframe.Clip(), not written per property). A parameter with keyframes gets a keyframe at
// the playhead when its value is typed; one without gets its static value set.
type inspector struct {
	e       *Editor
	title   *widget.Label
	name    *widget.Entry
	speed   *widget.Entry
	enabled *widget.Check
	rows    map[string]*widget.Entry
	form    *fyne.Container
	quiet   bool
}

func newInspector(e *Editor) *inspector {
	in := &inspector{e: e, title: widget.NewLabelWithStyle("No clip selected", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		rows: map[string]*widget.Entry{}}
	in.name = widget.NewEntry()
	in.name.OnSubmitted = func(s string) { in.set(&edit.SetClip{Name: &s}) }
	in.speed = widget.NewEntry()
	in.speed.OnSubmitted = in.setSpeed
	in.enabled = widget.NewCheck("Enabled", func(b bool) {
		if !in.quiet {
			in.set(&edit.SetClip{Enabled: &b})
		}
	})
	items := []fyne.CanvasObject{
		widget.NewLabel("Name"), in.name,
		widget.NewLabel("Speed %"), in.speed,
		widget.NewLabel(""), in.enabled,
	}
	for _, d := range keyframe.Clip() {
		d := d
		en := widget.NewEntry()
		en.OnSubmitted = func(s string) { in.setParam(d, s) }
		in.rows[d.Name] = en
		label := d.Label
		if d.Unit != "" {
			label += " (" + d.Unit + ")"
		}
		items = append(items, widget.NewLabel(label), en)
	}
	in.form = container.New(&formLayout{}, items...)
	return in
}

func (in *inspector) object() fyne.CanvasObject {
	return container.NewBorder(in.title, nil, nil, nil, container.NewVScroll(in.form))
}

// show fills the fields from clip id (0: nothing selected) at the playhead.
func (in *inspector) show(tl *timeline.Timeline, id timeline.ID) {
	in.quiet = true
	defer func() { in.quiet = false }()
	_, c, err := tl.Clip(id)
	if id == 0 || err != nil {
		in.title.SetText("No clip selected")
		in.form.Hide()
		return
	}
	in.form.Show()
	in.title.SetText(fmt.Sprintf("Clip %d: %s", c.ID, c.Name))
	in.name.SetText(c.Name)
	in.speed.SetText(strconv.FormatFloat(100*float64(c.Speed.Num)/float64(c.Speed.Den), 'f', -1, 64))
	in.enabled.SetChecked(c.Enabled)
	local := float64(in.e.timeline.Playhead() - c.Start)
	for name, en := range in.rows {
		v := c.ParamAt(name, local)
		d, _ := keyframe.Lookup(name)
		if d.Type == keyframe.TypePercent {
			v *= 100
		}
		s := strconv.FormatFloat(v, 'f', 3, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		if cv := c.Params[name]; cv != nil && len(cv.Keys) > 0 {
			s += " ◆"
		}
		en.SetText(s)
	}
}

func (in *inspector) set(c *edit.SetClip) {
	if in.quiet || in.e.selected == 0 {
		return
	}
	c.Clip = in.e.selected
	in.e.apply(c)
}

func (in *inspector) setSpeed(s string) {
	pct, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil {
		in.e.showError(fmt.Errorf("speed %q is not a number", s))
		return
	}
	// Speeds are kept as a fraction over 100 (a percent), exactly what was typed.
	sp := timeline.Speed{Num: int64(pct * 10), Den: 1000}
	if g := gcd(sp.Num, sp.Den); g > 1 {
		sp.Num, sp.Den = sp.Num/g, sp.Den/g
	}
	in.set(&edit.SetClip{Speed: &sp})
}

func (in *inspector) setParam(d keyframe.Descriptor, s string) {
	if in.e.selected == 0 {
		return
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "◆")), 64)
	if err != nil {
		in.e.showError(fmt.Errorf("%s: %q is not a number", d.Label, s))
		return
	}
	if d.Type == keyframe.TypePercent {
		v /= 100
	}
	_, c, err := in.e.proj.Timeline().Clip(in.e.selected)
	if err != nil {
		return
	}
	if cv := c.Params[d.Name]; cv != nil && len(cv.Keys) > 0 {
		t := in.e.timeline.Playhead() - c.Start
		in.e.apply(&edit.SetKeyframe{Clip: c.ID, Param: d.Name, KeySpec: edit.KeySpec{T: t, V: v}})
		return
	}
	in.e.apply(&edit.SetParam{Clip: c.ID, Param: d.Name, Value: v})
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// formLayout is a two-column grid: labels sized to fit, fields taking the rest.
type formLayout struct{}

func (formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var lw, fw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		l, f := objs[i].MinSize(), objs[i+1].MinSize()
		lw, fw = max(lw, l.Width), max(fw, f.Width)
		h += max(l.Height, f.Height) + 2
	}
	return fyne.NewSize(lw+fw+8, h)
}

func (formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var lw float32
	for i := 0; i+1 < len(objs); i += 2 {
		lw = max(lw, objs[i].MinSize().Width)
	}
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(lw, h))
		objs[i+1].Move(fyne.NewPos(lw+8, y))
		objs[i+1].Resize(fyne.NewSize(size.Width-lw-8, h))
		y += h + 2
	}
}
