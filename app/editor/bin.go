package editor

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// mediaBin lists the project's media with a poster frame, length, rate and an offline
// badge; a search box filters by name; "Add" (or a double tap) appends the selected item to
// the timeline. Poster frames are decoded in the background.
type mediaBin struct {
	e      *Editor
	list   *widget.List
	search *widget.Entry
	items  []mediaset.Item // all
	shown  []mediaset.Item // filtered
	sel    int

	mu     sync.Mutex
	thumbs map[timeline.ID]image.Image
	ctx    context.Context
	cancel context.CancelFunc
}

func newMediaBin(e *Editor) *mediaBin {
	b := &mediaBin{e: e, sel: -1, thumbs: map[timeline.ID]image.Image{}}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.search = widget.NewEntry()
	b.search.SetPlaceHolder("Search media")
	b.search.OnChanged = func(string) { b.filter() }
	b.list = widget.NewList(func() int { return len(b.shown) }, b.newRow, b.updateRow)
	b.list.OnSelected = func(i widget.ListItemID) { b.sel = i }
	return b
}

func (b *mediaBin) object() fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add to timeline", theme.ContentAddIcon(), b.addSelected)
	imp := widget.NewButtonWithIcon("Import", theme.FolderOpenIcon(), b.importDialog)
	return container.NewBorder(container.NewVBox(widget.NewLabelWithStyle("Media", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), b.search),
		container.NewGridWithColumns(2, imp, add), nil, nil, b.list)
}

func (b *mediaBin) newRow() fyne.CanvasObject {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(64, 36))
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	info := widget.NewLabel("")
	info.TextStyle = fyne.TextStyle{Monospace: true}
	return container.NewBorder(nil, nil, img, nil, container.NewVBox(name, info))
}

func (b *mediaBin) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(b.shown) {
		return
	}
	it := b.shown[i]
	row := o.(*fyne.Container)
	var img *canvas.Image
	var texts *fyne.Container
	for _, c := range row.Objects {
		switch c := c.(type) {
		case *canvas.Image:
			img = c
		case *fyne.Container:
			texts = c
		}
	}
	b.mu.Lock()
	img.Image = b.thumbs[it.ID]
	b.mu.Unlock()
	img.Refresh()
	texts.Objects[0].(*widget.Label).SetText(it.Name)
	rate := b.e.proj.Timeline().Rate
	desc := it.Render.Kind
	if it.Seconds > 0 {
		desc = timecode(it.Frames(rate), rate)
	}
	if it.Render.Rate.Num > 0 {
		desc += fmt.Sprintf("  %.3g fps", it.Render.Rate.Float())
	}
	if it.Render.Width > 0 {
		desc += fmt.Sprintf("  %dx%d", it.Render.Width, it.Render.Height)
	}
	if it.Render.Offline {
		desc = "OFFLINE  " + desc
	}
	texts.Objects[1].(*widget.Label).SetText(desc)
}

// reload re-reads the media list and starts poster frames for new items.
func (b *mediaBin) reload() {
	set := b.e.mediaSet()
	set.Reload()
	items, err := set.Items(b.ctx)
	if err != nil {
		b.e.showError(err)
		return
	}
	b.items = items
	b.filter()
	for _, it := range items {
		b.mu.Lock()
		_, have := b.thumbs[it.ID]
		b.mu.Unlock()
		if !have && it.Render.HasVideo && !it.Render.Offline {
			go b.poster(it)
		}
	}
}

func (b *mediaBin) filter() {
	q := strings.ToLower(strings.TrimSpace(b.search.Text))
	b.shown = b.shown[:0]
	for _, it := range b.items {
		if q == "" || strings.Contains(strings.ToLower(it.Name), q) {
			b.shown = append(b.shown, it)
		}
	}
	b.sel = -1
	b.list.UnselectAll()
	b.list.Refresh()
}

// poster decodes a small frame a tenth of the way in.
func (b *mediaBin) poster(it mediaset.Item) {
	opt := render.SourceOptions{Width: 160, Height: 90, Rate: it.Render.Rate, Still: it.Render.Kind == "image"}
	if it.Render.Width > 0 && it.Render.Height > 0 {
		opt.Height = max(2, 160*it.Render.Height/it.Render.Width)
	}
	if opt.Rate.Num == 0 {
		opt.Rate = rt.Rate24
	}
	v, err := render.OpenVideo(b.ctx, it.Path, opt)
	if err != nil {
		return
	}
	defer v.Close()
	n := rt.Time(0)
	if f := it.Frames(opt.Rate); f > 10 {
		n = f / 10
	}
	img, err := v.Frame(b.ctx, n)
	if err != nil {
		return
	}
	b.mu.Lock()
	b.thumbs[it.ID] = img
	b.mu.Unlock()
	fyne.Do(func() {
		b.list.Refresh()
		b.e.timeline.Refresh()
	})
}

// thumbFor gives the timeline the poster of a clip's media (nil while it loads).
func (b *mediaBin) thumbFor(c *timeline.Clip, _ rt.Time) image.Image {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.thumbs[c.Source.Media]
}

// peaksFor gives the timeline audio peaks; none are computed in this version.
func (b *mediaBin) peaksFor(*timeline.Clip) []float32 { return nil }

// addSelected appends the selected item to the first track of its kind.
func (b *mediaBin) addSelected() {
	if b.sel < 0 || b.sel >= len(b.shown) {
		b.e.showError(fmt.Errorf("select a media item to add"))
		return
	}
	b.e.appendMedia(b.shown[b.sel])
}

func (b *mediaBin) importDialog() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		b.importFiles([]string{path})
	}, b.e.win)
}

// importFiles probes and adds files in the background; each bad file is reported alone.
func (b *mediaBin) importFiles(paths []string) {
	b.e.setStatus(fmt.Sprintf("Importing %d file(s)…", len(paths)))
	go func() {
		var errs []string
		var added []string
		for _, path := range paths {
			m, err := mediaset.Describe(b.ctx, path)
			if err == nil {
				_, err = b.e.proj.AddMedia(m)
			}
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			added = append(added, m.Name)
		}
		fyne.Do(func() {
			b.reload()
			if len(errs) > 0 {
				b.e.showError(fmt.Errorf("%s", strings.Join(errs, "; ")))
			} else {
				b.e.setStatus("Imported " + strings.Join(added, ", "))
			}
		})
	}()
}

func (b *mediaBin) stop() { b.cancel() }

// appendMedia puts a media item at the end of the first track of its kind.
func (e *Editor) appendMedia(it mediaset.Item) {
	tl := e.proj.Timeline()
	kind := timeline.Video
	if !it.Render.HasVideo {
		kind = timeline.Audio
	}
	var track *timeline.Track
	for _, t := range tl.Tracks {
		if t.Kind == kind && !t.Lock {
			track = t
			break
		}
	}
	if track == nil {
		e.showError(fmt.Errorf("no unlocked %s track to add %s to", kind, it.Name))
		return
	}
	spec := edit.ClipSpec{Media: it.ID, Name: strings.TrimSuffix(it.Name, fileExt(it.Name))}
	if frames := it.Frames(tl.Rate); frames > 0 {
		spec.Dur, spec.SourceDur = frames, frames
	} else {
		spec.Dur, _ = tl.Rate.FromSeconds(5) // stills: five seconds
	}
	e.apply(&edit.Append{Track: track.ID, Clip: spec})
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}
