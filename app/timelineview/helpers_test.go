package timelineview_test

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/app/timelineview"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// fixture builds, with commands, a small edit at 24 fps:
//
//	V2 (track 3):  Title[24,72)
//	V1 (track 2):  Opening[0,48) Hero[48,96) gap Wide[120,168)
//	A1 (track 4):  Music[0,96)
//
// Every source is 1000 frames long and Hero starts at source frame 100. IDs: tracks 2-4,
// clips Opening=5 Hero=6 Wide=7 Title=8 Music=9; a marker "Beat" at 108 and a 12-frame
// dissolve on the Opening|Hero cut.
func fixture(t testing.TB) *timeline.Timeline {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate{Num: 24, Den: 1}, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	script := `
{"op":"add-track","kind":"video"}
{"op":"add-track","kind":"video"}
{"op":"add-track","kind":"audio"}
{"op":"overwrite","track":2,"at":0,"clip":{"name":"Opening","media":10,"dur":48,"source_dur":1000,"in":50}}
{"op":"overwrite","track":2,"at":48,"clip":{"name":"Hero","media":11,"in":100,"dur":48,"source_dur":1000,"color":"orange"}}
{"op":"overwrite","track":2,"at":120,"clip":{"name":"Wide","media":12,"dur":48,"source_dur":1000,"in":200}}
{"op":"overwrite","track":3,"at":24,"clip":{"name":"Title","media":13,"in":50,"dur":48,"source_dur":1000,"color":"purple"}}
{"op":"overwrite","track":4,"at":0,"clip":{"name":"Music","media":14,"dur":96,"source_dur":1000}}
{"op":"add-marker","at":108,"name":"Beat"}
{"op":"add-transition","a":5,"kind":"dissolve","dur":12}`
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

// Clip and track IDs of the fixture.
const (
	trV1, trV2, trA1                    timeline.ID = 2, 3, 4
	opening, hero, wide, title, musicID timeline.ID = 5, 6, 7, 8, 9
)

// rig is a timeline widget in a test window whose edits are applied to a real timeline.
type rig struct {
	t     *testing.T
	w     *timelineview.Timeline
	win   fyne.Window
	tl    *timeline.Timeline
	names []string
	cmds  [][]edit.Command
	seeks []rt.Time
}

func newRig(t *testing.T, tl *timeline.Timeline) *rig {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.Dark())
	r := &rig{t: t, tl: tl}
	r.w = timelineview.New()
	r.w.OnEdit = func(name string, cmds []edit.Command) {
		r.names = append(r.names, name)
		r.cmds = append(r.cmds, cmds)
		if _, err := edit.NewBatch(name, cmds...).Apply(r.tl); err != nil {
			t.Errorf("%s: the emitted commands do not apply: %v", name, err)
		}
		r.w.SetTimeline(r.tl)
	}
	r.w.OnSeek = func(f rt.Time) { r.seeks = append(r.seeks, f); r.w.SetPlayhead(f) }
	r.win = test.NewTempWindow(t, r.w)
	r.win.SetPadded(false)
	r.win.Resize(fyne.NewSize(900, 260))
	r.w.SetTimeline(tl)
	r.w.SetScroll(0, 0)
	r.w.SetZoom(4, timelineview.HeaderWidth)
	return r
}

// at is the widget position over frame f (a little right of its left edge) in the middle of
// track id's lane.
func (r *rig) at(track timeline.ID, f float64) fyne.Position {
	r.t.Helper()
	y, h, ok := r.w.TrackY(track)
	if !ok {
		r.t.Fatalf("track %d is not shown", track)
	}
	x := r.w.XAt(0) + float32(f*r.w.Zoom())
	return fyne.NewPos(x, y+h/2)
}

func mouse(p fyne.Position, mods fyne.KeyModifier) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary, Modifier: mods}
}

// click does what the desktop driver does for a click: press, release, tap.
func (r *rig) click(p fyne.Position, mods fyne.KeyModifier) {
	r.w.MouseDown(mouse(p, mods))
	r.w.MouseUp(mouse(p, mods))
	r.w.Tapped(&fyne.PointEvent{Position: p})
}

// drag does what the desktop driver does for a drag: press, several moves, end, release.
func (r *rig) drag(from, to fyne.Position, mods fyne.KeyModifier) {
	r.dragStart(from, to, mods)
	r.w.DragEnd()
	r.w.MouseUp(mouse(to, mods))
}

// dragStart presses and moves but does not let go.
func (r *rig) dragStart(from, to fyne.Position, mods fyne.KeyModifier) {
	r.w.MouseDown(mouse(from, mods))
	prev := from
	for i := 1; i <= 4; i++ {
		p := fyne.NewPos(from.X+(to.X-from.X)*float32(i)/4, from.Y+(to.Y-from.Y)*float32(i)/4)
		r.w.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(p.X-prev.X, p.Y-prev.Y)})
		prev = p
	}
}

// clip finds a clip in the rig's timeline.
func (r *rig) clip(id timeline.ID) (*timeline.Track, *timeline.Clip) {
	r.t.Helper()
	t, c, err := r.tl.Clip(id)
	if err != nil {
		r.t.Fatalf("clip %d: %v", id, err)
	}
	return t, c
}

// layout writes a track as "Opening[0,48) Hero[48,96)".
func layout(tl *timeline.Timeline, track timeline.ID) string {
	_, t, _, err := tl.Track(track)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for i, c := range t.Clips {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s[%d,%d)", c.Name, c.Start, c.End())
	}
	return b.String()
}

// capture renders the window to dir/name.png and returns the image.
func (r *rig) capture(dir, name string) image.Image {
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
	return img
}

// shotDir is where screenshots go: $SLATE_SHOTS when set (to look at them), else a temp dir.
func shotDir(t *testing.T) string {
	if d := os.Getenv("SLATE_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// pixel reads a colour at widget position p (the test canvas renders at scale 1).
func pixel(img image.Image, p fyne.Position) color.NRGBA {
	return color.NRGBAModel.Convert(img.At(int(p.X), int(p.Y))).(color.NRGBA)
}
