package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

func init() {
	Register(&Command{Name: "render",
		Usage:   "FILE.slate -o OUT [--preset NAME] [--range IN-OUT] [--size WxH] [--scale 0.5] [--allow-offline] [--list-presets]",
		Summary: "render the main sequence to a video file or image sequence (h264, h265, prores, dnxhr, ffv1, png, tiff)",
		Run:     renderCmd})
}

func renderCmd(ctx context.Context, env Env, args []string) error {
	c := commands["render"]
	fs := FlagSet(c, env.Stderr)
	out := fs.String("o", "", "output file (for png and tiff: a folder to create)")
	preset := fs.String("preset", "h264", "export preset (see --list-presets)")
	rng := fs.String("range", "", "frames IN-OUT to render, OUT exclusive, as frame numbers or timecode (HH:MM:SS:FF); IN- or -OUT leave one end open")
	size := fs.String("size", "", "output size WxH (default: the project's; another aspect is letterboxed)")
	scale := fs.Float64("scale", 0, "output size as a fraction of the project's, e.g. 0.5")
	allowOffline := fs.Bool("allow-offline", false, "render missing media as a \"media offline\" slate instead of refusing")
	list := fs.Bool("list-presets", false, "list the export presets and exit")
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if *list {
		for _, p := range render.Presets() {
			fmt.Fprintf(env.Stdout, "%-14s %s\n", p.Name, p.Description)
		}
		return nil
	}
	if len(pos) != 1 {
		return Usagef("want one FILE.slate")
	}
	if *out == "" {
		return Usagef("-o OUT is required")
	}
	if _, err := render.LookupPreset(*preset); err != nil {
		return Usagef("--preset: %v", err)
	}
	opt := render.ExportOptions{Path: *out, Preset: *preset, Scale: *scale, AllowOffline: *allowOffline}
	if *size != "" {
		if *scale != 0 {
			return Usagef("give --size or --scale, not both")
		}
		if opt.Width, opt.Height, err = parseSize(*size); err != nil {
			return Usagef("--size: %v", err)
		}
	}

	p, err := project.OpenReadOnly(pos[0])
	if err != nil {
		return err
	}
	defer p.Close()
	tl := p.Timeline()
	if *rng != "" {
		if opt.Range, err = parseRange(*rng, tl.Rate, tl.Duration()); err != nil {
			return Usagef("--range: %v", err)
		}
	}
	total := tl.Duration()
	if !opt.Range.Empty() {
		total = opt.Range.Dur
	}
	if total <= 0 {
		return fmt.Errorf("%s: the timeline is empty: nothing to render", pos[0])
	}
	bar := newProgress(env.Stderr, filepath.Base(*out), int(total))
	opt.Progress = bar.update
	start := time.Now()
	err = render.Export(ctx, tl, mediaset.New(p), opt)
	bar.finish(err == nil)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(env.Stdout, "%s: %d frames (%s preset) in %.1fs, %.1f frames/s\n",
		*out, total, *preset, el.Seconds(), float64(total)/el.Seconds())
	return nil
}

// parseSize reads "1920x1080".
func parseSize(s string) (int, int, error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("%q is not WIDTHxHEIGHT (e.g. 1920x1080)", s)
	}
	return w, h, nil
}

// parseRange reads IN-OUT (OUT exclusive) with frame numbers or timecodes; an open end is
// the start or end of the timeline.
func parseRange(s string, rate rt.Rate, dur rt.Time) (rt.Range, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return rt.Range{}, fmt.Errorf("%q is not IN-OUT (e.g. 0-250 or 00:00:10:00-00:00:20:00)", s)
	}
	in, out := rt.Time(0), dur
	var err error
	if a = strings.TrimSpace(a); a != "" {
		if in, err = parsePoint(a, rate); err != nil {
			return rt.Range{}, err
		}
	}
	if b = strings.TrimSpace(b); b != "" {
		if out, err = parsePoint(b, rate); err != nil {
			return rt.Range{}, err
		}
	}
	if out <= in {
		return rt.Range{}, fmt.Errorf("%q: OUT (%d) must be after IN (%d)", s, out, in)
	}
	return rt.RangeFromTo(in, out)
}

// parsePoint reads a frame number or a timecode.
func parsePoint(s string, rate rt.Rate) (rt.Time, error) {
	if strings.ContainsAny(s, ":;.") {
		return rt.ParseTimecode(s, rate)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is neither a frame number nor a timecode", s)
	}
	return rt.Time(n), nil
}

// progress shows an export's progress on stderr: a bar with frames/s and the time left on
// a terminal, plain lines (about one a second) otherwise.
type progress struct {
	w     io.Writer
	name  string
	bar   *progressbar.ProgressBar
	total int
	last  time.Time
	start time.Time
}

func newProgress(w io.Writer, name string, total int) *progress {
	p := &progress{w: w, name: name, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("rendering "+name),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progress) update(done, total int, fps float64) {
	if p.bar != nil {
		// The average speed so far: steadier than the bar's own per-update rate.
		p.bar.Describe(fmt.Sprintf("rendering %s at %.1f frames/s", p.name, fps))
		_ = p.bar.Set(done)
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < time.Second {
		return
	}
	p.last = now
	eta := "?"
	if fps > 0 {
		eta = (time.Duration(float64(total-done) / fps * float64(time.Second))).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "render: %d/%d frames (%d%%), %.1f frames/s, %s left\n", done, total, 100*done/max(total, 1), fps, eta)
}

func (p *progress) finish(ok bool) {
	if p.bar != nil {
		if ok {
			_ = p.bar.Finish()
		} else {
			_ = p.bar.Exit()
			fmt.Fprintln(p.w)
		}
	}
}
