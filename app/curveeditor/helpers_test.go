package curveeditor_test

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/curveeditor"
	"github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// Clip IDs of the fixture: a video clip "Hero" (track 2) and an audio clip "Music" (track 3).
const (
	hero  timeline.ID = 4
	music timeline.ID = 5
)

// fixture is a 24 fps timeline with Hero, 48 frames at 100, animated:
//
//	opacity     0 @0 (ease-in-out-cubic), 1 @24, 0.5 @40 (hold)
//	position.x  -200 @0 (bezier, out handle 8,0), 150 @30, 150 @47
//	rotation    0 @0 (smooth), 90 @47
//
// and Music, 96 frames of audio with volume -6 dB @0, 0 dB @48.
func fixture(t testing.TB) *timeline.Timeline {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate{Num: 24, Den: 1}, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	script := `
{"op":"add-track","kind":"video"}
{"op":"add-track","kind":"audio"}
{"op":"overwrite","track":2,"at":100,"clip":{"name":"Hero","media":10,"dur":48,"source_dur":1000}}
{"op":"overwrite","track":3,"at":100,"clip":{"name":"Music","media":11,"dur":96,"source_dur":1000}}
{"op":"set-keyframe","clip":4,"param":"opacity","t":0,"v":0,"interp":"ease-in-out-cubic"}
{"op":"set-keyframe","clip":4,"param":"opacity","t":24,"v":1}
{"op":"set-keyframe","clip":4,"param":"opacity","t":40,"v":0.5,"interp":"hold"}
{"op":"set-keyframe","clip":4,"param":"position.x","t":0,"v":-200,"interp":"bezier","out_dt":8,"out_dv":0}
{"op":"set-keyframe","clip":4,"param":"position.x","t":30,"v":150}
{"op":"set-keyframe","clip":4,"param":"position.x","t":47,"v":150}
{"op":"set-keyframe","clip":4,"param":"rotation","t":0,"v":0,"interp":"smooth"}
{"op":"set-keyframe","clip":4,"param":"rotation","t":47,"v":90}
{"op":"set-keyframe","clip":5,"param":"volume","t":0,"v":-6}
{"op":"set-keyframe","clip":5,"param":"volume","t":48,"v":0}`
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		c, err := edit.Unmarshal([]byte(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if _, err := c.Apply(tl); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return tl
}

type rig struct {
	t     *testing.T
	e     *curveeditor.Editor
	win   fyne.Window
	tl    *timeline.Timeline
	names []string
	cmds  [][]edit.Command
	errs  []error
}

func newRig(t *testing.T, clip timeline.ID) *rig {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.Dark())
	r := &rig{t: t, tl: fixture(t)}
	r.e = curveeditor.New()
	r.e.OnEdit = func(name string, cmds []edit.Command) {
		r.names = append(r.names, name)
		r.cmds = append(r.cmds, cmds)
		if _, err := edit.NewBatch(name, cmds...).Apply(r.tl); err != nil {
			t.Errorf("%s: the emitted commands do not apply: %v", name, err)
		}
		r.e.SetClip(r.tl, clip)
	}
	r.e.OnError = func(err error) { r.errs = append(r.errs, err) }
	r.win = test.NewTempWindow(t, r.e)
	r.win.SetPadded(false)
	r.win.Resize(fyne.NewSize(900, 700))
	r.e.SetClip(r.tl, clip)
	return r
}

// key is where key (param, t) is drawn.
func (r *rig) key(param string, t rt.Time) fyne.Position {
	r.t.Helper()
	p, ok := r.e.KeyPos(curveeditor.KeyRef{Param: param, T: t})
	if !ok {
		r.t.Fatalf("no key %s@%d on screen", param, t)
	}
	return p
}

// curve is a parameter's curve on a clip of the rig's timeline.
func (r *rig) curve(clip timeline.ID, param string) *keyframe.Curve {
	r.t.Helper()
	_, c, err := r.tl.Clip(clip)
	if err != nil {
		r.t.Fatal(err)
	}
	return c.Params[param]
}

func mouse(p fyne.Position, mods fyne.KeyModifier) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary, Modifier: mods}
}

func (r *rig) click(p fyne.Position, mods fyne.KeyModifier) {
	r.e.MouseDown(mouse(p, mods))
	r.e.MouseUp(mouse(p, mods))
	r.e.Tapped(&fyne.PointEvent{Position: p})
}

func (r *rig) drag(from, to fyne.Position, mods fyne.KeyModifier) {
	r.dragStart(from, to, mods)
	r.e.DragEnd()
	r.e.MouseUp(mouse(to, mods))
}

func (r *rig) dragStart(from, to fyne.Position, mods fyne.KeyModifier) {
	r.e.MouseDown(mouse(from, mods))
	prev := from
	for i := 1; i <= 4; i++ {
		p := fyne.NewPos(from.X+(to.X-from.X)*float32(i)/4, from.Y+(to.Y-from.Y)*float32(i)/4)
		r.e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(p.X-prev.X, p.Y-prev.Y)})
		prev = p
	}
}

func (r *rig) capture(dir, name string) {
	r.t.Helper()
	img := r.win.Canvas().Capture()
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		r.t.Fatal(err)
	}
}

func shotDir(t *testing.T) string {
	if d := os.Getenv("SLATE_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}
