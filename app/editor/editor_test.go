package editor_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/slate-nle/slate/app/editor"
	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// newProject makes a project with V1 and A1 and one 2 s generated clip in its media.
func newProject(t *testing.T) (string, timeline.ID) {
	t.Helper()
	dir := t.TempDir()
	clip := filepath.Join(dir, "red.mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:size=320x180:rate=24:duration=2",
		"-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest", clip).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	path := filepath.Join(dir, "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 320, Height: 180, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, k := range []timeline.TrackKind{timeline.Video, timeline.Audio} {
		if err := p.Apply(&edit.AddTrack{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := mediaset.Describe(context.Background(), clip)
	if err != nil {
		t.Fatal(err)
	}
	id, err := p.AddMedia(m)
	if err != nil {
		t.Fatal(err)
	}
	return path, id
}

func TestTheEditorCutsUndoesAndExportsThroughTheProject(t *testing.T) {
	path, _ := newProject(t)
	a := test.NewTempApp(t)
	p, err := project.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := editor.New(a, p, editor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	items, err := mediaset.New(p).Items(context.Background())
	if err != nil || len(items) != 1 {
		t.Fatalf("media: %v %v", items, err)
	}
	e.AppendMedia(items[0])
	tl := p.Timeline()
	if n := len(tl.Tracks[0].Clips); n != 1 || tl.Tracks[0].Clips[0].Dur != 48 {
		t.Fatalf("after adding the clip V1 has %d clips (%v)", n, tl.Tracks[0].Clips)
	}
	e.Seek(20)
	e.SplitAtPlayhead()
	if n := len(p.Timeline().Tracks[0].Clips); n != 2 {
		t.Fatalf("after a split at the playhead V1 has %d clips, want 2", n)
	}
	e.Undo()
	if n := len(p.Timeline().Tracks[0].Clips); n != 1 {
		t.Fatalf("after undo V1 has %d clips, want 1", n)
	}
	// The edit is on disk: a second reader sees it.
	r, err := project.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Timeline().ClipCount(); n != 1 {
		t.Errorf("the file holds %d clips, want 1", n)
	}
	r.Close()

	out := filepath.Join(t.TempDir(), "cut.mp4")
	done := make(chan error, 1)
	e.Export(out, "h264", func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("export did not finish")
	}
	probe, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width", "-of", "csv=p=0", out).Output()
	if err != nil || strings.TrimSpace(string(probe)) != "320,48" {
		t.Fatalf("exported file: %q %v, want 320 wide and 48 frames", probe, err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}
