package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// The project subcommands: new, info, apply, undo, redo, history, backups.

func init() {
	Register(&Command{Name: "new", Usage: "FILE.slate [--rate 24] [--size 1920x1080] [--sample-rate 48000] [--color-space bt709]",
		Summary: "create a project with tracks V1 and A1", Run: projNewCmd})
	Register(&Command{Name: "info", Usage: "FILE.slate [--json]",
		Summary: "show a project's format, tracks, clips, duration, media and history", Run: projInfoCmd})
	Register(&Command{Name: "apply", Usage: "FILE.slate SCRIPT.jsonl|-",
		Summary: "apply edit commands (one JSON object a line, see docs/commands.md), each saved", Run: projApplyCmd})
	Register(&Command{Name: "undo", Usage: "FILE.slate [N]", Summary: "undo the last N steps (default 1)", Run: projUndoRedoCmd(true)})
	Register(&Command{Name: "redo", Usage: "FILE.slate [N]", Summary: "redo the last N undone steps (default 1)", Run: projUndoRedoCmd(false)})
	Register(&Command{Name: "history", Usage: "FILE.slate [--json]", Summary: "list the undo history", Run: projHistoryCmd})
	Register(&Command{Name: "backups", Usage: "FILE.slate [--restore N]", Summary: "list a project's backups, or restore one", Run: projBackupsCmd})
}

func projCommand(name string) *Command { return commands[name] }

// oneFile parses flags and wants exactly one positional argument, the project.
func projOneFile(pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", Usagef("want one %s, got %d arguments", what, len(pos))
	}
	return pos[0], nil
}

func projNewCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(projCommand("new"), env.Stderr)
	rate := fs.String("rate", "24", "frame rate: 24, 25, 30, 24000/1001, 29.97, ...")
	size := fs.String("size", "1920x1080", "frame size WIDTHxHEIGHT")
	sampleRate := fs.Int("sample-rate", 48000, "audio sample rate in Hz")
	colorSpace := fs.String("color-space", "bt709", "color space")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	path, err := projOneFile(pos, "FILE.slate")
	if err != nil {
		return err
	}
	r, err := rt.ParseRate(*rate)
	if err != nil {
		return Usagef("--rate: %v", err)
	}
	var w, h int
	if ws, hs, ok := strings.Cut(strings.ToLower(*size), "x"); ok {
		w, _ = strconv.Atoi(ws)
		h, _ = strconv.Atoi(hs)
	}
	if w <= 0 || h <= 0 {
		return Usagef("--size %q: want WIDTHxHEIGHT, e.g. 1920x1080", *size)
	}
	s := timeline.Settings{Rate: r, Width: w, Height: h, SampleRate: *sampleRate, ColorSpace: *colorSpace}
	if err := s.Validate(); err != nil {
		return Usagef("%v", err)
	}
	tl, err := timeline.New(s)
	if err != nil {
		return err
	}
	// The usual starting point: one video and one audio track, not part of the history.
	for _, k := range []timeline.TrackKind{timeline.Video, timeline.Audio} {
		if _, err := (&edit.AddTrack{Kind: k}).Apply(tl); err != nil {
			return err
		}
	}
	p, err := project.CreateWith(path, tl)
	if err != nil {
		return err
	}
	if err := p.Close(); err != nil {
		return err
	}
	v, a := tl.Tracks[0], tl.Tracks[1]
	fmt.Fprintf(env.Stdout, "created %s: %dx%d, %s fps, %d Hz; tracks %s (id %d) and %s (id %d)\n",
		path, w, h, r, *sampleRate, v.Name, v.ID, a.Name, a.ID)
	return nil
}

// projInfo is what `slate info --json` prints.
type projInfo struct {
	File       string       `json:"file"`
	Format     int          `json:"format"`
	Rate       rt.Rate      `json:"rate"`
	FPS        float64      `json:"fps"`
	Width      int          `json:"width"`
	Height     int          `json:"height"`
	SampleRate int          `json:"sample_rate"`
	ColorSpace string       `json:"color_space"`
	Duration   projDuration `json:"duration"`
	Tracks     []projTrack  `json:"tracks"`
	Clips      int          `json:"clips"` // on the main sequence
	Nested     []projSeq    `json:"nested_sequences"`
	Markers    int          `json:"markers"`
	Media      int          `json:"media"`
	Offline    int          `json:"media_offline"`
	Undo       int          `json:"undo_steps"`
	Redo       int          `json:"redo_steps"`
}

type projDuration struct {
	Frames   rt.Time `json:"frames"`
	Seconds  float64 `json:"seconds"`
	Timecode string  `json:"timecode"`
}

type projTrack struct {
	ID    timeline.ID        `json:"id"`
	Name  string             `json:"name"`
	Kind  timeline.TrackKind `json:"kind"`
	Clips int                `json:"clips"`
	Flags []string           `json:"flags,omitempty"`
}

type projSeq struct {
	ID     timeline.ID `json:"id"`
	Name   string      `json:"name"`
	Tracks int         `json:"tracks"`
	Clips  int         `json:"clips"`
}

func projInfoCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(projCommand("info"), env.Stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	path, err := projOneFile(pos, "FILE.slate")
	if err != nil {
		return err
	}
	p, err := project.OpenReadOnly(path)
	if err != nil {
		return err
	}
	defer p.Close()
	tl := p.Timeline()
	media, err := p.Media()
	if err != nil {
		return err
	}
	h := p.History()
	in := projInfo{File: path, Format: p.Format(), Rate: tl.Rate, FPS: tl.Rate.Float(), Width: tl.Width, Height: tl.Height,
		SampleRate: tl.SampleRate, ColorSpace: tl.ColorSpace, Markers: len(tl.Markers), Media: len(media),
		Undo: len(h.Done), Redo: len(h.Undone), Tracks: []projTrack{}, Nested: []projSeq{}}
	d := tl.Duration()
	in.Duration = projDuration{Frames: d, Seconds: tl.Rate.Seconds(d)}
	if tc, err := rt.FormatTimecode(d, tl.Rate, tl.Rate.DropFrameAllowed()); err == nil {
		in.Duration.Timecode = tc
	}
	for _, m := range media {
		if !m.Online {
			in.Offline++
		}
	}
	for _, t := range tl.Tracks {
		tj := projTrack{ID: t.ID, Name: t.Name, Kind: t.Kind, Clips: len(t.Clips)}
		for _, f := range timeline.FlagNames {
			if on, _ := t.Flag(f); on {
				tj.Flags = append(tj.Flags, f)
			}
		}
		in.Tracks = append(in.Tracks, tj)
		in.Clips += len(t.Clips)
	}
	for _, s := range tl.Nested {
		sj := projSeq{ID: s.ID, Name: s.Name, Tracks: len(s.Tracks)}
		for _, t := range s.Tracks {
			sj.Clips += len(t.Clips)
		}
		in.Nested = append(in.Nested, sj)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	w := env.Stdout
	fmt.Fprintf(w, "%s (project format %d)\n", path, in.Format)
	fmt.Fprintf(w, "  rate         %s fps (%.3f)\n", tl.Rate, in.FPS)
	fmt.Fprintf(w, "  size         %dx%d\n", in.Width, in.Height)
	fmt.Fprintf(w, "  sample rate  %d Hz\n", in.SampleRate)
	if in.ColorSpace != "" {
		fmt.Fprintf(w, "  color space  %s\n", in.ColorSpace)
	}
	tc := in.Duration.Timecode
	if tc == "" {
		tc = "no timecode"
	}
	fmt.Fprintf(w, "  duration     %d frames, %.3f s, %s\n", d, in.Duration.Seconds, tc)
	fmt.Fprintf(w, "  clips        %d on %d tracks\n", in.Clips, len(in.Tracks))
	for i, t := range in.Tracks {
		label := "  tracks       "
		if i > 0 {
			label = "               "
		}
		flags := ""
		if len(t.Flags) > 0 {
			flags = " [" + strings.Join(t.Flags, ", ") + "]"
		}
		fmt.Fprintf(w, "%s%-6s %s, id %d: %d clips%s\n", label, t.Name, t.Kind, t.ID, t.Clips, flags)
	}
	for _, s := range in.Nested {
		fmt.Fprintf(w, "  nested       %q, id %d: %d tracks, %d clips\n", s.Name, s.ID, s.Tracks, s.Clips)
	}
	fmt.Fprintf(w, "  markers      %d\n", in.Markers)
	fmt.Fprintf(w, "  media        %d (%d offline)\n", in.Media, in.Offline)
	fmt.Fprintf(w, "  history      %d steps to undo, %d to redo\n", in.Undo, in.Redo)
	return nil
}

func projApplyCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(projCommand("apply"), env.Stderr)
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return Usagef("want FILE.slate and SCRIPT.jsonl (or - for standard input), got %d arguments", len(pos))
	}
	path, script := pos[0], pos[1]
	var in io.Reader = env.Stdin
	name := "standard input"
	if script != "-" {
		f, err := os.Open(script)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%s: no such file", script)
			}
			return err
		}
		defer f.Close()
		in, name = f, script
	}
	p, err := project.Open(path)
	if err != nil {
		return err
	}
	applied := 0
	err = projApplyLines(ctx, p, in, name, &applied)
	if cerr := p.Close(); cerr != nil {
		fmt.Fprintf(env.Stderr, "slate apply: warning: %v\n", cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: applied %d %s\n", path, applied, projPlural(applied, "command", "commands"))
	return nil
}

// applyLines applies one command per line; blank lines and lines starting with # are
// skipped. It stops at the first line that fails, saying where and why.
func projApplyLines(ctx context.Context, p *project.Project, in io.Reader, name string, applied *int) error {
	kept := func() string {
		switch *applied {
		case 0:
			return "nothing was applied"
		case 1:
			return "the 1 command before it was applied and saved"
		}
		return fmt.Sprintf("the %d commands before it were applied and saved", *applied)
	}
	br := bufio.NewReader(in)
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: interrupted before line %d; %s", name, n, kept())
		}
		line, rerr := br.ReadBytes('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return fmt.Errorf("%s line %d: %v; %s", name, n, rerr, kept())
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			c, err := edit.Unmarshal(line)
			if err == nil {
				err = p.Apply(c)
			}
			if err != nil {
				return fmt.Errorf("%s line %d: %v; %s", name, n, err, kept())
			}
			*applied++
		}
		if rerr != nil {
			return nil
		}
	}
}

func projPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func projUndoRedoCmd(undo bool) func(context.Context, Env, []string) error {
	name, verb := "redo", "redid"
	if undo {
		name, verb = "undo", "undid"
	}
	return func(ctx context.Context, env Env, args []string) error {
		fs := FlagSet(projCommand(name), env.Stderr)
		pos, err := Parse(fs, args)
		if err != nil {
			return err
		}
		if len(pos) < 1 || len(pos) > 2 {
			return Usagef("want FILE.slate and an optional count, got %d arguments", len(pos))
		}
		n := 1
		if len(pos) == 2 {
			if n, err = strconv.Atoi(pos[1]); err != nil || n < 1 {
				return Usagef("count %q: want a whole number of steps, 1 or more", pos[1])
			}
		}
		p, err := project.Open(pos[0])
		if err != nil {
			return err
		}
		h := p.History()
		have := len(h.Undone)
		if undo {
			have = len(h.Done)
		}
		if n > have {
			p.Close()
			if have == 0 {
				return fmt.Errorf("%s: nothing to %s", pos[0], name)
			}
			return fmt.Errorf("%s: only %d %s to %s, asked for %d; nothing changed", pos[0], have, projPlural(have, "step", "steps"), name, n)
		}
		var ferr error
		for range n {
			if ctx.Err() != nil {
				ferr = fmt.Errorf("%s: interrupted", pos[0])
				break
			}
			var e *edit.Entry
			if undo {
				e, err = p.Undo()
			} else {
				e, err = p.Redo()
			}
			if err != nil {
				ferr = err
				break
			}
			fmt.Fprintf(env.Stdout, "%s %s\n", verb, e.Name)
		}
		if cerr := p.Close(); cerr != nil {
			fmt.Fprintf(env.Stderr, "slate %s: warning: %v\n", name, cerr)
		}
		return ferr
	}
}

// projStep is one line of `slate history --json`.
type projStep struct {
	N      int             `json:"n"`
	Name   string          `json:"name"`
	Undone bool            `json:"undone,omitempty"`
	At     time.Time       `json:"at"`
	Do     json.RawMessage `json:"do"`
}

func projHistoryCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(projCommand("history"), env.Stderr)
	asJSON := fs.Bool("json", false, "print JSON, with each step's command")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	path, err := projOneFile(pos, "FILE.slate")
	if err != nil {
		return err
	}
	p, err := project.OpenReadOnly(path)
	if err != nil {
		return err
	}
	defer p.Close()
	steps := p.Steps()
	if *asJSON {
		out := []projStep{}
		for i, s := range steps {
			do, err := s.Do.MarshalJSON()
			if err != nil {
				return fmt.Errorf("%s: history step %d: %v", path, i+1, err)
			}
			out = append(out, projStep{N: i + 1, Name: s.Name, Undone: s.Undone, At: s.At, Do: do})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(steps) == 0 {
		fmt.Fprintf(env.Stdout, "%s has no history\n", path)
		return nil
	}
	for i, s := range steps {
		mark := ""
		switch {
		case s.Undone:
			mark = "  (undone)"
		case i == len(steps)-1 || steps[i+1].Undone:
			mark = "  <- current"
		}
		fmt.Fprintf(env.Stdout, "%4d  %s  %s%s\n", i+1, s.At.Local().Format("2006-01-02 15:04:05"), s.Name, mark)
	}
	return nil
}

func projBackupsCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(projCommand("backups"), env.Stderr)
	restore := fs.Int("restore", 0, "restore backup number `N` (from the list) in place of the project")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	path, err := projOneFile(pos, "FILE.slate")
	if err != nil {
		return err
	}
	if *restore != 0 {
		saved, err := project.Restore(ctx, path, *restore)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "restored %s from backup %d", path, *restore)
		if saved != "" {
			fmt.Fprintf(env.Stdout, "; the project as it was is saved as %s", saved)
		}
		fmt.Fprintln(env.Stdout)
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("%s: no such file", path)
	}
	bs, err := project.Backups(path)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		fmt.Fprintf(env.Stdout, "%s has no backups yet (they are made every 10 minutes of editing and on close)\n", path)
		return nil
	}
	for _, b := range bs {
		note := ""
		if b.BeforeRestore {
			note = "  (saved before a restore)"
		}
		fmt.Fprintf(env.Stdout, "%4d  %s  %8s  %s%s\n", b.N, b.Time.Local().Format("2006-01-02 15:04:05"), projSize(b.Size), b.Path, note)
	}
	return nil
}

func projSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
