package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/assets"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// importMedia makes small real media in dir with ffmpeg.
func importMedia(t *testing.T, dir string) {
	t.Helper()
	bin, err := assets.FFmpeg()
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		out, err := exec.Command(bin, append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg %v: %v %s", args, err, out)
		}
	}
	run("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-f", "lavfi", "-i", "sine=d=1", "-c:v", "libx264", "-preset", "ultrafast",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", filepath.Join(dir, "av.mp4"))
	run("-f", "lavfi", "-i", "sine=f=440:d=1:sample_rate=48000", filepath.Join(dir, "tone.wav"))
	run("-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", filepath.Join(dir, "still.png"))
	os.Mkdir(filepath.Join(dir, "seq"), 0o755)
	run("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25", "-frames:v", "5", "-start_number", "3", filepath.Join(dir, "seq", "shot.%04d.png"))
	os.WriteFile(filepath.Join(dir, "empty.mp4"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a film\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
}

func openRO(t *testing.T, path string) (*timeline.Timeline, []project.Media, edit.History) {
	t.Helper()
	p, err := project.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ms, err := p.Media()
	if err != nil {
		t.Fatal(err)
	}
	return p.Snapshot(), ms, p.History()
}

func TestImport(t *testing.T) {
	dir := t.TempDir()
	importMedia(t, dir)
	in := func(n string) string { return filepath.Join(dir, n) }
	proj := in("film.slate")
	must(t, "", "new", proj, "--rate", "24")

	t.Run("good files are added in order and appended as one undo step; each bad file is one error line", func(t *testing.T) {
		code, out, errs := slate(t, "", "import", proj, in("av.mp4"), in("empty.mp4"), in("tone.wav"), in("notes.txt"),
			in("still.png"), in("folder"), in("missing.mp4"), in("seq/shot.%04d.png"), "--to-timeline")
		if code != 1 {
			t.Errorf("exit %d, want 1 (some files failed)", code)
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		wantErr := []string{"empty.mp4: is empty", "notes.txt: not a media file", "folder: is a directory", "missing.mp4: no such file", "4 of 8 files could not be imported"}
		if len(lines) != len(wantErr) {
			t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(wantErr), errs)
		}
		for i, w := range wantErr {
			if !strings.HasPrefix(lines[i], "slate import: ") || !strings.Contains(lines[i], w) {
				t.Errorf("stderr line %d: %q, want it to say %q", i, lines[i], w)
			}
		}
		if !strings.Contains(out, "4 added") || !strings.Contains(out, "in the background") {
			t.Errorf("stdout:\n%s", out)
		}

		tl, media, hist := openRO(t, proj)
		kinds := []string{assets.Video, assets.Audio, assets.Image, assets.Sequence}
		names := []string{"av.mp4", "tone.wav", "still.png", "shot.%04d.png"}
		if len(media) != len(kinds) {
			t.Fatalf("%d media, want %d: %+v", len(media), len(kinds), media)
		}
		for i, m := range media {
			var info assets.Info
			if err := json.Unmarshal(m.Probe, &info); err != nil {
				t.Fatal(err)
			}
			if m.Kind != kinds[i] || m.Name != names[i] || !strings.HasPrefix(m.Hash, "sha256:") || !m.Online ||
				!filepath.IsAbs(m.Path) || info.Kind != kinds[i] || info.Path != m.Path {
				t.Errorf("media %d: %+v (probe kind %s, path %s)", i, m, info.Kind, info.Path)
			}
		}
		// V1: av (1 s at 25 fps → 24 frames at 24), the still (5 s), the sequence (5 frames at
		// the project rate); A1: the tone (1 s).
		type clip struct {
			media     timeline.ID
			start     rt.Time
			dur, sdur rt.Time
		}
		want := map[timeline.TrackKind][]clip{
			timeline.Video: {{media[0].ID, 0, 24, 24}, {media[2].ID, 24, 120, 0}, {media[3].ID, 144, 5, 5}},
			timeline.Audio: {{media[1].ID, 0, 24, 24}},
		}
		for _, tr := range tl.Tracks {
			var got []clip
			for _, c := range tr.Clips {
				got = append(got, clip{c.Source.Media, c.Start, c.Dur, c.SourceDur})
			}
			w := want[tr.Kind]
			if len(got) != len(w) {
				t.Errorf("track %s: %+v, want %+v", tr.Name, got, w)
				continue
			}
			for i := range w {
				if got[i] != w[i] {
					t.Errorf("track %s clip %d: %+v, want %+v", tr.Name, i, got[i], w[i])
				}
			}
		}
		if len(hist.Done) != 1 || hist.Done[0].Name != "Import 4 clips" {
			t.Errorf("history %+v, want one step", hist.Done)
		}
	})

	t.Run("one undo takes all the imported clips off the timeline", func(t *testing.T) {
		must(t, "", "undo", proj)
		tl, media, _ := openRO(t, proj)
		for _, tr := range tl.Tracks {
			if len(tr.Clips) != 0 {
				t.Errorf("track %s still has %d clips", tr.Name, len(tr.Clips))
			}
		}
		if len(media) != 4 {
			t.Errorf("%d media: the library is not part of the undo history", len(media))
		}
	})

	t.Run("a file already in the project is skipped, saying so", func(t *testing.T) {
		copyPath := in("copy-of-av.mp4")
		b, _ := os.ReadFile(in("av.mp4"))
		os.WriteFile(copyPath, b, 0o644)
		code, out, errs := slate(t, "", "import", proj, copyPath)
		if code != 0 || !strings.Contains(out, "already in the project as media 1 (av.mp4), skipped") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errs)
		}
		if _, media, _ := openRO(t, proj); len(media) != 4 {
			t.Errorf("%d media, want 4", len(media))
		}
	})

	t.Run("only bad files change nothing and exit 1", func(t *testing.T) {
		before := hashOf(t, proj)
		code, _, errs := slate(t, "", "import", proj, in("notes.txt"), "--to-timeline")
		if code != 1 || !strings.Contains(errs, "notes.txt: not a media file") {
			t.Errorf("exit %d, stderr %s", code, errs)
		}
		if hashOf(t, proj) != before {
			t.Error("the project file changed")
		}
	})

	t.Run("a numbered still becomes a sequence with --sequence", func(t *testing.T) {
		code, out, errs := slate(t, "", "import", proj, in("seq/shot.0005.png"), "--sequence", "--sequence-rate", "25")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		// The same frames as the sequence already imported: same content hash.
		if !strings.Contains(out, "already in the project as media 4") {
			t.Errorf("stdout %s", out)
		}
	})

	t.Run("a file that cannot go on the timeline is not added", func(t *testing.T) {
		tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 320, Height: 240, SampleRate: 48000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&edit.AddTrack{Kind: timeline.Video}).Apply(tl); err != nil {
			t.Fatal(err)
		}
		videoOnly := in("video-only.slate")
		p, err := project.CreateWith(videoOnly, tl)
		if err != nil {
			t.Fatal(err)
		}
		p.Close()
		code, _, errs := slate(t, "", "import", videoOnly, in("tone.wav"), in("still.png"), "--to-timeline")
		if code != 1 || !strings.Contains(errs, "tone.wav: cannot go on the timeline: the project has no audio track") {
			t.Errorf("exit %d, stderr %s", code, errs)
		}
		_, media, _ := openRO(t, videoOnly)
		if len(media) != 1 || media[0].Name != "still.png" {
			t.Errorf("media %+v, want only the still", media)
		}
	})

	t.Run("no media files is a usage error", func(t *testing.T) {
		if code, _, _ := slate(t, "", "import", proj); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}
