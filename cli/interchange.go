package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	Register(&Command{Name: "export", Usage: "FILE.slate -o OUT.otio|.otioz|.edl|.fcpxml|.mlt [--video-track N]",
		Summary: "write the edit as OpenTimelineIO, CMX 3600 EDL, FCPXML or MLT for Resolve, Premiere, Shotcut", Run: exportCmd})
	Register(&Command{Name: "import-timeline", Usage: "IN.otio|.otioz|.edl|.fcpxml -o NEW.slate [--rate R] [--media-dir D]",
		Summary: "make a project from an edit list (media found by path, beside the file or in --media-dir; otherwise offline)", Run: importTimelineCmd})
}

func exportCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(commands["export"], env.Stderr)
	out := fs.String("o", "", "output file; its extension picks the format")
	track := fs.Int("video-track", 1, "EDL only: which video track (an EDL holds one)")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return Usagef("want FILE.slate and -o OUT")
	}
	if _, err := interchange.FormatOf(*out); err != nil {
		return Usagef("-o %s: %v", *out, err)
	}
	p, err := project.OpenReadOnly(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	doc, err := docOf(ctx, p)
	if err != nil {
		return err
	}
	if err := interchange.WriteFile(*out, doc, interchange.WriteOptions{VideoTrack: *track}); err != nil {
		return err
	}
	for _, w := range doc.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	fmt.Fprintf(env.Stdout, "%s: %d clips on %d tracks\n", *out, doc.Timeline.ClipCount(), len(doc.Timeline.Tracks))
	return nil
}

// docOf is a project's edit and media as an interchange document.
func docOf(ctx context.Context, p *project.Project) (*interchange.Doc, error) {
	tl := p.Snapshot()
	media, err := p.Media()
	if err != nil {
		return nil, err
	}
	doc := &interchange.Doc{Timeline: tl}
	for _, m := range media {
		r := mediaset.Resolve(ctx, m)
		kind := interchange.KindVideo
		switch {
		case r.Kind == "image":
			kind = interchange.KindImage
		case !r.HasVideo && r.HasAudio:
			kind = interchange.KindAudio
		}
		im := interchange.Media{ID: m.ID, Name: m.Name, Path: m.Path, Kind: kind, Rate: r.Rate, Audio: r.HasAudio,
			Width: r.Width, Height: r.Height, Missing: r.Offline}
		if it := (mediaset.Item{Media: m, Render: r}); r.Rate.Num > 0 {
			it.Seconds = secondsOf(m)
			im.Available = rt.Range{Dur: it.Frames(r.Rate)}
		}
		doc.Media = append(doc.Media, im)
	}
	return doc, nil
}

func secondsOf(m project.Media) float64 {
	items, err := mediaset.New(staticMedia{m}).Items(context.Background())
	if err != nil || len(items) == 0 {
		return 0
	}
	return items[0].Seconds
}

type staticMedia []project.Media

func (s staticMedia) Media() ([]project.Media, error) { return s, nil }

func importTimelineCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(commands["import-timeline"], env.Stderr)
	out := fs.String("o", "", "the new project")
	rate := fs.String("rate", "", "timeline rate (EDL: the rate its timecode counts at; default 24)")
	var dirs multiFlag
	fs.Var(&dirs, "media-dir", "a folder to look for media in by file name (repeatable)")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return Usagef("want IN and -o NEW.slate")
	}
	opts := interchange.ReadOptions{MediaDirs: dirs}
	if *rate != "" {
		if opts.Rate, err = rt.ParseRate(*rate); err != nil {
			return Usagef("--rate: %v", err)
		}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists", *out)
	}
	if f, _ := interchange.FormatOf(pos[0]); f == interchange.OTIOZ {
		opts.UnpackDir = filepath.Join(project.GeneratedMediaDir(*out), "otioz")
	}
	doc, err := interchange.ReadFile(pos[0], opts)
	if err != nil {
		return err
	}
	// A new project numbers its media 1, 2, 3... in the order they are added: give the
	// document those IDs first, so the clips point at the right rows.
	remap := map[timeline.ID]timeline.ID{}
	for i, m := range doc.Media {
		remap[m.ID] = timeline.ID(i + 1)
	}
	doc.RemapMedia(remap)
	p, err := project.CreateWith(*out, doc.Timeline)
	if err != nil {
		return err
	}
	offline := 0
	for i, m := range doc.Media {
		rec := project.Media{Name: m.Name, Path: m.Path, Kind: string(m.Kind), Online: !m.Missing}
		if !m.Missing {
			if d, err := mediaset.Describe(ctx, m.Path); err == nil {
				rec.Probe, rec.Kind = d.Probe, d.Kind
			} else {
				rec.Online = false
			}
		}
		if !rec.Online {
			offline++
		}
		if rec.Path != "" && !filepath.IsAbs(rec.Path) {
			rec.Path = filepath.Join(filepath.Dir(pos[0]), rec.Path)
		}
		id, err := p.AddMedia(rec)
		if err == nil && id != timeline.ID(i+1) {
			err = fmt.Errorf("media %s got id %d, want %d", m.Name, id, i+1)
		}
		if err != nil {
			p.Close()
			os.Remove(*out)
			return err
		}
	}
	if err := p.Close(); err != nil {
		return err
	}
	for _, w := range doc.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	fmt.Fprintf(env.Stdout, "%s: %d clips on %d tracks, %d media (%d offline)\n", *out, doc.Timeline.ClipCount(), len(doc.Timeline.Tracks), len(doc.Media), offline)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
