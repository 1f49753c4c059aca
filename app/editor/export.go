package editor

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// exportDialog asks for a preset, range, size and output path, then exports in the
// background with a progress bar, an ETA and Cancel; a finished export offers to show the
// file in its folder.
func (e *Editor) exportDialog() {
	tl := e.proj.Snapshot()
	if tl.Duration() == 0 {
		e.showError(fmt.Errorf("the timeline is empty: nothing to export"))
		return
	}
	var names []string
	for _, p := range render.Presets() {
		names = append(names, p.Name)
	}
	preset := widget.NewSelect(names, nil)
	preset.SetSelected("h264")
	base := strings.TrimSuffix(e.proj.Path(), ".slate")
	path := widget.NewEntry()
	path.SetText(base + ".mp4")
	preset.OnChanged = func(s string) {
		if p, err := render.LookupPreset(s); err == nil {
			ext := "." + p.Ext
			if p.ImageSequence {
				ext = "-frames"
			}
			path.SetText(strings.TrimSuffix(path.Text, filepath.Ext(path.Text)) + ext)
		}
	}
	whole := "Whole timeline"
	marks := "Between in and out marks"
	rng := widget.NewRadioGroup([]string{whole, marks}, nil)
	rng.SetSelected(whole)
	size := widget.NewSelect([]string{"Project size", "1/2", "1/4"}, nil)
	size.SetSelected("Project size")
	form := []*widget.FormItem{
		widget.NewFormItem("Preset", preset),
		widget.NewFormItem("Range", rng),
		widget.NewFormItem("Size", size),
		widget.NewFormItem("File", path),
	}
	d := dialog.NewForm("Export", "Export", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		opt := render.ExportOptions{Path: path.Text, Preset: preset.Selected}
		if rng.Selected == marks && e.viewer.in >= 0 && e.viewer.out > e.viewer.in {
			opt.Range = rt.Range{Start: e.viewer.in, Dur: e.viewer.out - e.viewer.in}
		}
		switch size.Selected {
		case "1/2":
			opt.Scale = 0.5
		case "1/4":
			opt.Scale = 0.25
		}
		e.runExport(opt)
	}, e.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

func (e *Editor) runExport(opt render.ExportOptions) { e.runExportThen(opt, nil) }

func (e *Editor) runExportThen(opt render.ExportOptions, done func(error)) {
	tl := e.proj.Snapshot()
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	eta := widget.NewLabel("Starting…")
	d := dialog.NewCustomWithoutButtons("Exporting "+filepath.Base(opt.Path), container.NewVBox(bar, eta,
		widget.NewButton("Cancel", cancel)), e.win)
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	start := time.Now()
	opt.Progress = func(done, total int, fps float64) {
		left := ""
		if fps > 0 {
			left = fmt.Sprintf(", %s left", (time.Duration(float64(total-done)/fps) * time.Second).Round(time.Second))
		}
		fyne.Do(func() {
			bar.SetValue(float64(done) / float64(max(total, 1)))
			eta.SetText(fmt.Sprintf("%d of %d frames, %.1f fps%s", done, total, fps, left))
		})
	}
	go func() {
		err := render.Export(ctx, tl, e.mediaSet(), opt)
		cancel()
		fyne.Do(func() {
			d.Hide()
			if done != nil {
				defer done(err)
			}
			if err != nil {
				e.showError(err)
				return
			}
			e.setStatus(fmt.Sprintf("Exported %s in %s", opt.Path, time.Since(start).Round(time.Second)))
			dialog.ShowConfirm("Export finished", opt.Path+"\n\nShow it in its folder?", func(yes bool) {
				if yes {
					_ = exec.Command("xdg-open", filepath.Dir(opt.Path)).Start()
				}
			}, e.win)
		})
	}()
}
