package crosscheck_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/interchange"
	"github.com/slate-nle/slate/timeline/rt"
)

// minPSNR is how close the two renders must be, compared at a quarter size. Both go through
// x264 and different scalers, so they are not bit-equal; measured 44.8 dB when they agree,
// while a one-frame slip or the wrong colour matrix falls below 30.
const minPSNR = 35.0

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// The same edit (cuts, a gap, a dissolve, a second layer scaled and moved by keyframes)
// rendered by Slate and, through the MLT export, by melt: the pictures must match.
func TestSlateAndMeltRenderTheSameEdit(t *testing.T) {
	for _, tool := range []string{"melt", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run make deps", tool)
		}
	}
	dir := t.TempDir()
	if keep := os.Getenv("SLATE_CROSSCHECK_DIR"); keep != "" {
		dir = keep // keep the files to look at
	}
	src := func(name, lavfi string) string {
		p := filepath.Join(dir, name+".mp4")
		run(t, "ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", lavfi, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p", p)
		return p
	}
	a := src("a", "testsrc2=size=320x180:rate=24:duration=4")
	b := src("b", "smptehdbars=size=320x180:rate=24:duration=4")
	c := src("c", "color=c=0x2080e0:size=320x180:rate=24:duration=4")

	path := filepath.Join(dir, "x.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 320, Height: 180, SampleRate: 48000, ColorSpace: "bt601"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]timeline.ID{}
	for name, f := range map[string]string{"a": a, "b": b, "c": c} {
		m, err := mediaset.Describe(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if ids[name], err = p.AddMedia(m); err != nil {
			t.Fatal(err)
		}
	}
	script := []edit.Command{
		&edit.AddTrack{Kind: timeline.Video}, &edit.AddTrack{Kind: timeline.Video},
	}
	for _, cmd := range script {
		if err := p.Apply(cmd); err != nil {
			t.Fatal(err)
		}
	}
	v1, v2 := p.Timeline().Tracks[0].ID, p.Timeline().Tracks[1].ID
	spec := func(m string, in, dur rt.Time) edit.ClipSpec {
		return edit.ClipSpec{Media: ids[m], In: in, Dur: dur, SourceDur: 96}
	}
	script = []edit.Command{
		&edit.Append{Track: v1, Clip: spec("a", 12, 36)},
		&edit.Append{Track: v1, Clip: spec("b", 12, 36)},
		&edit.Overwrite{Track: v1, At: 84, Clip: spec("a", 0, 12)},
		&edit.Overwrite{Track: v2, At: 24, Clip: spec("c", 0, 36)},
	}
	for _, cmd := range script {
		if err := p.Apply(cmd); err != nil {
			t.Fatal(err)
		}
	}
	tl := p.Timeline()
	first, pip := tl.Tracks[0].Clips[0], tl.Tracks[1].Clips[0]
	script = []edit.Command{
		&edit.AddTransition{A: first.ID, Kind: timeline.Dissolve, Dur: 12},
		&edit.SetParam{Clip: pip.ID, Param: "scale", Value: 0.4},
		&edit.SetKeyframe{Clip: pip.ID, Param: "position.x", KeySpec: edit.KeySpec{T: 0, V: -80}},
		&edit.SetKeyframe{Clip: pip.ID, Param: "position.x", KeySpec: edit.KeySpec{T: 35, V: 80}},
	}
	for _, cmd := range script {
		if err := p.Apply(cmd); err != nil {
			t.Fatal(err)
		}
	}
	tl = p.Snapshot()
	set := mediaset.New(p)

	ours := filepath.Join(dir, "slate.mp4")
	if err := render.Export(context.Background(), tl, set, render.ExportOptions{Path: ours, Preset: "h264"}); err != nil {
		t.Fatal(err)
	}
	items, err := set.Items(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	doc := &interchange.Doc{Timeline: tl}
	for _, it := range items {
		doc.Media = append(doc.Media, interchange.Media{ID: it.ID, Name: it.Name, Path: it.Path, Kind: interchange.KindVideo,
			Rate: it.Render.Rate, Width: it.Render.Width, Height: it.Render.Height, Available: rt.Range{Dur: it.Frames(it.Render.Rate)}})
	}
	mltFile := filepath.Join(dir, "x.mlt")
	if err := interchange.WriteFile(mltFile, doc, interchange.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dir, "melt.mp4")
	run(t, "melt", "-quiet", mltFile, "-consumer", "avformat:"+theirs, "vcodec=libx264", "crf=12", "preset=ultrafast", "an=1", "real_time=0")
	p.Close()

	// Compared at a quarter size: the two engines scale and subsample chroma differently,
	// which shows as fine-detail noise; timing, layout and colour must still agree (a one-frame
	// slip costs about 5 dB here).
	out := run(t, "ffmpeg", "-nostdin", "-i", ours, "-i", theirs, "-lavfi",
		"[0:v]scale=80:45:flags=area[a];[1:v]scale=80:45:flags=area[b];[a][b]psnr", "-f", "null", "-")
	m := regexp.MustCompile(`average:([0-9.]+|inf)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no PSNR in ffmpeg's output:\n%s", out)
	}
	psnr := 100.0
	if m[1] != "inf" {
		psnr, _ = strconv.ParseFloat(m[1], 64)
	}
	t.Logf("Slate vs melt: PSNR %.1f dB over %d frames", psnr, tl.Duration())
	if psnr < minPSNR {
		t.Errorf("Slate's and melt's renders differ: PSNR %.1f dB, want at least %.0f", psnr, minPSNR)
	}
}
