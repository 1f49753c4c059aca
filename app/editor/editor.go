package editor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/app/curveeditor"
	slatetheme "github.com/slate-nle/slate/app/theme"
	"github.com/slate-nle/slate/app/timelineview"
	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/packaging"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// Options tune how the window starts.
type Options struct {
	// Size of the window; zero means 1280x800.
	Width, Height float32
}

// Editor is one open project in one window.
type Editor struct {
	app  fyne.App
	win  fyne.Window
	proj *project.Project
	opt  Options

	timeline  *timelineview.Timeline
	curves    *curveeditor.Editor
	viewer    *viewer
	bin       *mediaBin
	inspector *inspector
	status    *widget.Label

	player    playerLink
	following bool // the playhead is moving because the player said so

	mu       sync.Mutex // guards media (read by the render goroutine)
	media    *mediaset.Set
	selected timeline.ID
}

// Run opens the project at path in a new window and blocks until the window closes.
func Run(path string, opt Options) error {
	p, err := project.Open(path)
	if err != nil {
		return err
	}
	a := app.NewWithID("org.slate-nle.slate")
	a.SetIcon(fyne.NewStaticResource("slate.png", packaging.Icon))
	a.Settings().SetTheme(slatetheme.Dark())
	e, err := New(a, p, opt)
	if err != nil {
		p.Close()
		return err
	}
	go func() {
		// The timeline has no width until the window is laid out: fit the edit once it is.
		time.Sleep(300 * time.Millisecond)
		fyne.Do(e.timeline.ZoomToFit)
	}()
	e.win.ShowAndRun()
	return e.close()
}

// New builds the window for an open project (it takes ownership of p). Tests use it with
// fyne's test app.
func New(a fyne.App, p *project.Project, opt Options) (*Editor, error) {
	if opt.Width == 0 {
		opt.Width, opt.Height = 1280, 800
	}
	e := &Editor{app: a, proj: p, opt: opt, status: widget.NewLabel("")}
	e.player.e = e
	e.media = mediaset.New(p)
	e.win = a.NewWindow(e.title())
	e.timeline = timelineview.New()
	e.curves = curveeditor.New()
	e.viewer = newViewer(e)
	e.bin = newMediaBin(e)
	e.inspector = newInspector(e)

	e.timeline.OnEdit = e.applyGesture
	e.curves.OnEdit = e.applyGesture
	e.curves.OnError = e.showError
	e.timeline.OnSeek = e.seek
	e.curves.OnSeek = e.seek
	e.timeline.OnSelect = e.selectClips
	e.timeline.OnRune = e.typedRune
	e.timeline.OnKey = e.typedKey
	e.timeline.Thumbs = e.bin.thumbFor
	e.timeline.Peaks = e.bin.peaksFor

	top := container.NewHSplit(e.bin.object(), container.NewHSplit(e.viewer.object(), e.inspector.object()))
	top.Offset = 0.22
	top.Trailing.(*container.Split).Offset = 0.62
	lower := container.NewHSplit(e.timeline, e.curves)
	lower.Offset = 0.72
	body := container.NewVSplit(top, lower)
	body.Offset = 0.5
	e.win.SetContent(container.NewBorder(nil, e.status, nil, nil, body))
	e.win.Resize(fyne.NewSize(opt.Width, opt.Height))
	e.win.SetMainMenu(e.menu())
	e.shortcuts()
	e.win.Canvas().SetOnTypedRune(e.typedRune)
	e.win.Canvas().SetOnTypedKey(e.typedKey)
	e.refresh()
	e.bin.reload()
	e.setStatus(fmt.Sprintf("%s opened: %d clips, %s at %s fps", filepath.Base(p.Path()), p.Timeline().ClipCount(),
		timecode(p.Timeline().Duration(), p.Timeline().Rate), p.Timeline().Rate))
	return e, nil
}

// Window is the editor's window.
func (e *Editor) Window() fyne.Window { return e.win }

// Project is the open project.
func (e *Editor) Project() *project.Project { return e.proj }

func (e *Editor) title() string {
	return strings.TrimSuffix(filepath.Base(e.proj.Path()), ".slate") + " — Slate"
}

func (e *Editor) close() error {
	e.player.close()
	e.viewer.stop()
	e.bin.stop()
	return e.proj.Close()
}

// applyGesture commits one gesture's commands as one undo step.
func (e *Editor) applyGesture(name string, cmds []edit.Command) {
	if len(cmds) == 0 {
		return
	}
	var err error
	if len(cmds) == 1 {
		err = e.proj.Apply(cmds[0])
	} else {
		err = e.proj.Apply(edit.NewBatch(name, cmds...))
	}
	if err != nil {
		e.showError(fmt.Errorf("%s: %w", name, err))
	} else {
		e.setStatus(name)
	}
	e.refresh()
}

// apply commits one command.
func (e *Editor) apply(c edit.Command) bool {
	if err := e.proj.Apply(c); err != nil {
		e.showError(fmt.Errorf("%s: %w", edit.Name(c), err))
		e.refresh()
		return false
	}
	e.setStatus(edit.Name(c))
	e.refresh()
	return true
}

func (e *Editor) undo() {
	ent, err := e.proj.Undo()
	if err != nil {
		e.showError(err)
		return
	}
	e.setStatus("Undo " + ent.Name)
	e.refresh()
}

func (e *Editor) redo() {
	ent, err := e.proj.Redo()
	if err != nil {
		e.showError(err)
		return
	}
	e.setStatus("Redo " + ent.Name)
	e.refresh()
}

// refresh shows the project's current timeline everywhere.
func (e *Editor) refresh() {
	tl := e.proj.Timeline()
	e.timeline.SetTimeline(tl)
	if e.selected != 0 {
		if _, _, err := tl.Clip(e.selected); err != nil {
			e.selected = 0
		}
	}
	e.curves.SetClip(tl, e.selected)
	e.inspector.show(tl, e.selected)
	e.viewer.timelineChanged(e.proj.Snapshot())
}

func (e *Editor) seek(f rt.Time) {
	if f < 0 {
		f = 0
	}
	e.timeline.SetPlayhead(f)
	e.curves.SetPlayhead(f)
	e.viewer.show(f)
	e.inspector.show(e.proj.Timeline(), e.selected)
	if !e.following {
		e.player.seek(f)
	}
}

// followPlayer moves the playhead to where the player is, without seeking it back.
func (e *Editor) followPlayer(f rt.Time) {
	e.following = true
	e.seek(f)
	e.following = false
}

// openPlayer starts the preview player on this project (real-time playback with sound).
func (e *Editor) openPlayer() {
	if err := e.player.open(); err != nil {
		e.showError(err)
		return
	}
	e.setStatus("Preview player opened: it follows your edits and the playhead")
}

func (e *Editor) selectClips(ids []timeline.ID) {
	e.selected = 0
	if len(ids) > 0 {
		e.selected = ids[len(ids)-1]
	}
	e.curves.SetClip(e.proj.Timeline(), e.selected)
	e.inspector.show(e.proj.Timeline(), e.selected)
}

func (e *Editor) setStatus(s string) { e.status.SetText(s) }

// showError puts a refusal in the status line in plain words; it never stops the editor.
func (e *Editor) showError(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	e.status.SetText("⚠ " + err.Error())
}

func (e *Editor) menu() *fyne.MainMenu {
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("New Project…", e.newProject),
		fyne.NewMenuItem("Open Project…", e.openProject),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Import Media…", e.bin.importDialog),
		fyne.NewMenuItem("Export…", e.exportDialog),
	)
	ed := fyne.NewMenu("Edit",
		fyne.NewMenuItem("Undo", e.undo),
		fyne.NewMenuItem("Redo", e.redo),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Split at Playhead", func() { e.splitAtPlayhead() }),
		fyne.NewMenuItem("Add Marker", e.addMarker),
	)
	view := fyne.NewMenu("View",
		fyne.NewMenuItem("Open in Player", e.openPlayer),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Preview: Full", func() { e.viewer.setScale(1) }),
		fyne.NewMenuItem("Preview: 1/2", func() { e.viewer.setScale(0.5) }),
		fyne.NewMenuItem("Preview: 1/4", func() { e.viewer.setScale(0.25) }),
	)
	return fyne.NewMainMenu(file, ed, view)
}

func (e *Editor) shortcuts() {
	c := e.win.Canvas()
	add := func(k fyne.KeyName, m fyne.KeyModifier, f func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: m}, func(fyne.Shortcut) { f() })
	}
	// The driver turns Ctrl+Z and Ctrl+Shift+Z / Ctrl+Y into the standard Undo and Redo
	// shortcuts; the custom ones cover drivers that do not.
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { e.undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { e.redo() })
	add(fyne.KeyZ, fyne.KeyModifierControl, e.undo)
	add(fyne.KeyZ, fyne.KeyModifierControl|fyne.KeyModifierShift, e.redo)
	add(fyne.KeyY, fyne.KeyModifierControl, e.redo)
	add(fyne.KeyI, fyne.KeyModifierControl, e.bin.importDialog)
	add(fyne.KeyE, fyne.KeyModifierControl, e.exportDialog)
	add(fyne.KeyO, fyne.KeyModifierControl, e.openProject)
	add(fyne.KeyN, fyne.KeyModifierControl, e.newProject)
	add(fyne.KeyQ, fyne.KeyModifierControl, func() { e.win.Close() })
	add(fyne.KeyK, fyne.KeyModifierControl, e.splitAtPlayhead)
	add(fyne.KeyP, fyne.KeyModifierControl, e.openPlayer)
}

// typedRune handles the transport keys the timeline passes on: Space, J/K/L, I/O, M.
func (e *Editor) typedRune(r rune) {
	switch r {
	case ' ':
		e.viewer.togglePlay()
	case 'j', 'J':
		e.viewer.shuttle(-1)
	case 'k', 'K':
		e.viewer.pause()
	case 'l', 'L':
		e.viewer.shuttle(1)
	case 'i', 'I':
		e.viewer.markIn()
	case 'o', 'O':
		e.viewer.markOut()
	case 'm', 'M':
		e.addMarker()
	}
}

func (e *Editor) typedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyLeft:
		e.seek(e.timeline.Playhead() - 1)
	case fyne.KeyRight:
		e.seek(e.timeline.Playhead() + 1)
	case fyne.KeySpace:
		e.viewer.togglePlay()
	}
}

func (e *Editor) splitAtPlayhead() {
	e.apply(&edit.Split{At: e.timeline.Playhead()})
}

func (e *Editor) addMarker() {
	e.apply(&edit.AddMarker{At: e.timeline.Playhead(), Name: "Marker"})
}

func (e *Editor) newProject() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if !strings.HasSuffix(path, ".slate") {
			path += ".slate"
		}
		if err := newProjectFile(path); err != nil {
			e.showError(err)
			return
		}
		e.switchTo(path)
	}, e.win)
	d.SetFileName("Untitled.slate")
	d.Show()
}

func (e *Editor) openProject() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		e.switchTo(path)
	}, e.win)
}

// switchTo opens another project in this window.
func (e *Editor) switchTo(path string) {
	p, err := project.Open(path)
	if err != nil {
		e.showError(err)
		return
	}
	e.player.close()
	e.viewer.stop()
	e.bin.stop()
	e.proj.Close()
	e.proj = p
	e.mu.Lock()
	e.media = mediaset.New(p)
	e.mu.Unlock()
	e.selected = 0
	e.viewer = newViewer(e)
	e.bin.reload()
	e.win.SetTitle(e.title())
	e.refresh()
	e.seek(0)
	e.setStatus(filepath.Base(path) + " opened")
}

// mediaSet is the resolver for the project's media (shared with render goroutines).
func (e *Editor) mediaSet() *mediaset.Set {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.media
}

// newProjectFile creates an empty project with a video and an audio track.
func newProjectFile(path string) error {
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000, ColorSpace: "bt709"})
	if err != nil {
		return err
	}
	for _, k := range []timeline.TrackKind{timeline.Video, timeline.Audio} {
		if err := p.Apply(&edit.AddTrack{Kind: k}); err != nil {
			p.Close()
			return err
		}
	}
	return p.Close()
}

func timecode(t rt.Time, r rt.Rate) string {
	s, err := rt.FormatTimecode(t, r, r.DropFrameAllowed())
	if err != nil {
		return fmt.Sprintf("%d", t)
	}
	return s
}
