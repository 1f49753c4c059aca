package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/slate-nle/slate/assets"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// `slate import`: probe and hash media files and add them to a project's media library,
// optionally appending them to the timeline. Thumbnails, filmstrips and waveforms are not
// made here: the editor computes them in the background when it shows the media.

func init() {
	Register(&Command{Name: "import", Usage: "FILE.slate MEDIA... [--to-timeline] [--sequence] [--sequence-rate R]",
		Summary: "add media files (video, audio, stills, image sequences) to a project's media library", Run: importCmd})
}

// importWorkers probe and hash at the same time: ffprobe waits on process start and the disk
// as much as on the CPU, and two keep a 2-core machine responsive.
const importWorkers = 2

// importStill is how long a still lasts when appended to the timeline.
const importStill = 5.0 // seconds

type importItem struct {
	arg  string
	info *assets.Info
	hash string
	err  error
}

func importCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(commands["import"], env.Stderr)
	toTimeline := fs.Bool("to-timeline", false, "append each file to the first video track (video, stills, sequences) or the first audio track (audio-only), as one undo step")
	asSequence := fs.Bool("sequence", false, "import a numbered still with numbered neighbours (shot.0001.png ...) as an image sequence")
	seqRate := fs.String("sequence-rate", "", "frame rate of image sequences (default: the project's rate)")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return Usagef("want FILE.slate and at least one media file, got %d arguments", len(pos))
	}
	path, files := pos[0], pos[1:]
	p, err := project.Open(path)
	if err != nil {
		return err
	}
	defer p.Close()
	tl := p.Snapshot()
	rate := tl.Rate
	if *seqRate != "" {
		if rate, err = rt.ParseRate(*seqRate); err != nil {
			return Usagef("--sequence-rate: %v", err)
		}
	}
	known, err := p.Media()
	if err != nil {
		return err
	}
	byHash := map[string]project.Media{}
	for _, m := range known {
		if m.Hash != "" {
			byHash[m.Hash] = m
		}
	}

	items := importProbe(ctx, files, rate, *asSequence)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	var appends []*edit.Append
	added, skipped, failed := 0, 0, 0
	for _, it := range items {
		if it.err != nil {
			fmt.Fprintf(env.Stderr, "slate import: %v\n", it.err)
			failed++
			continue
		}
		in := it.info
		if m, ok := byHash[it.hash]; ok {
			fmt.Fprintf(env.Stdout, "%s: already in the project as media %d (%s), skipped\n", it.arg, m.ID, m.Name)
			skipped++
			continue
		}
		var app *edit.Append
		if *toTimeline {
			// Tried on a scratch copy first, so a file that cannot go on the timeline is
			// refused before anything of it is stored.
			app, err = importAppend(tl, in)
			if err == nil {
				app.Clip.Media = 1 // a stand-in: the timeline does not know the media table
				_, err = app.Apply(tl)
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "slate import: %s: cannot go on the timeline: %v\n", it.arg, err)
				failed++
				continue
			}
		}
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		name := filepath.Base(in.Path)
		id, err := p.AddMedia(project.Media{Name: name, Path: in.Path, Hash: it.hash, Kind: in.Kind, Probe: raw, Online: true})
		if err != nil {
			fmt.Fprintf(env.Stderr, "slate import: %s: %v\n", it.arg, err)
			failed++
			continue
		}
		byHash[it.hash] = project.Media{ID: id, Name: name}
		added++
		fmt.Fprintf(env.Stdout, "added %s as media %d: %s\n", it.arg, id, describe(in))
		if app != nil {
			app.Clip.Media = id
			appends = append(appends, app)
		}
	}

	if len(appends) > 0 {
		if err := importToTimeline(p, appends); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "appended %d clips to the timeline (one undo step)\n", len(appends))
	}
	fmt.Fprintf(env.Stdout, "%d added, %d already there, %d failed; thumbnails and waveforms are made by the editor in the background\n",
		added, skipped, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be imported", failed, len(files))
	}
	return nil
}

// importProbe probes and hashes every argument, importWorkers at a time, keeping the order.
func importProbe(ctx context.Context, files []string, seqRate rt.Rate, asSequence bool) []importItem {
	items := make([]importItem, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(importWorkers, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				items[i] = importOne(ctx, files[i], seqRate, asSequence)
			}
		}()
	}
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	return items
}

// importOne probes and hashes one argument: a file, an image-sequence pattern (with a %d or
// %0Nd), or with asSequence a numbered still that has numbered neighbours. Errors name the
// argument as typed; the stored path is absolute.
func importOne(ctx context.Context, arg string, seqRate rt.Rate, asSequence bool) importItem {
	it := importItem{arg: arg}
	pattern, start, count, isSeq := "", 0, 0, false
	if strings.Contains(filepath.Base(arg), "%") {
		pattern, isSeq = arg, true
		if start, count, it.err = assets.FindSequenceStart(arg); it.err != nil {
			return it
		}
	} else if asSequence {
		pattern, start, count, isSeq = assets.DetectSequence(arg)
	}
	if isSeq {
		if it.info, it.err = assets.ProbeSequence(ctx, pattern, start, seqRate); it.err == nil {
			it.hash, it.err = assets.HashSequence(ctx, pattern, start, count)
		}
	} else if it.info, it.err = assets.Probe(ctx, arg); it.err == nil {
		it.hash, it.err = assets.Hash(ctx, arg)
	}
	if it.err == nil {
		abs, err := filepath.Abs(it.info.Path)
		if err != nil {
			it.err = fmt.Errorf("%s: %v", arg, err)
		}
		it.info.Path = abs
	}
	return it
}

// importAppend is the append that puts in at the end of the first track of its kind. Video
// and sequences last their whole length at the timeline rate (source_dur set, so trims stop
// at the end of the media), stills 5 s, audio its whole length.
func importAppend(tl *timeline.Timeline, in *assets.Info) (*edit.Append, error) {
	kind := timeline.Video
	if in.Kind == assets.Audio {
		kind = timeline.Audio
	}
	var track *timeline.Track
	for _, t := range tl.Tracks {
		if t.Kind == kind {
			track = t
			break
		}
	}
	if track == nil {
		return nil, fmt.Errorf("the project has no %s track", kind)
	}
	spec := edit.ClipSpec{Name: filepath.Base(in.Path)}
	switch in.Kind {
	case assets.Image:
		d, err := tl.Rate.FromSeconds(importStill)
		if err != nil {
			return nil, err
		}
		spec.Dur = d
	default:
		d, err := rt.Rescale(in.Duration, in.DurationRate, tl.Rate)
		if err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, fmt.Errorf("shorter than one frame at %s fps", tl.Rate)
		}
		spec.Dur, spec.SourceDur = d, d
	}
	return &edit.Append{Track: track.ID, Clip: spec}, nil
}

// importToTimeline applies the appends as one undo group.
func importToTimeline(p *project.Project, appends []*edit.Append) error {
	name := "Import 1 clip"
	if len(appends) > 1 {
		name = fmt.Sprintf("Import %d clips", len(appends))
	}
	if err := p.Begin(name); err != nil {
		return err
	}
	for _, a := range appends {
		if err := p.Apply(a); err != nil {
			p.Cancel()
			return fmt.Errorf("appending media %d to the timeline: %v (the media stays in the library; the timeline is unchanged)", a.Clip.Media, err)
		}
	}
	return p.End()
}

// describe is one line about a media file.
func describe(in *assets.Info) string {
	var parts []string
	switch in.Kind {
	case assets.Video, assets.Sequence:
		s := fmt.Sprintf("%s %dx%d, %s fps, %.2f s", in.Kind, in.Width, in.Height, in.Rate, in.Seconds)
		if in.Kind == assets.Sequence {
			s += fmt.Sprintf(" (%d frames from %d)", in.SequenceCount, in.SequenceStart)
		}
		if in.VFR {
			s += " (variable frame rate)"
		}
		if in.Rotation != 0 {
			s += fmt.Sprintf(", rotated %d°", in.Rotation)
		}
		parts = append(parts, s)
	case assets.Image:
		parts = append(parts, fmt.Sprintf("image %dx%d", in.Width, in.Height))
	case assets.Audio:
		parts = append(parts, fmt.Sprintf("audio %.2f s", in.Seconds))
	}
	if in.HasAudio {
		layout := in.ChannelLayout
		switch {
		case layout != "":
		case in.Channels == 1:
			layout = "mono"
		case in.Channels == 2:
			layout = "stereo"
		default:
			layout = fmt.Sprintf("%d channels", in.Channels)
		}
		parts = append(parts, fmt.Sprintf("%s %d Hz %s", in.AudioCodec, in.SampleRate, layout))
	}
	return strings.Join(parts, ", ")
}
