package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/cli"
	"github.com/slate-nle/slate/mediaset"
	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

// renderProject makes a 320×180, 25 fps project: a red clip (2 s) dissolving into a blue one
// (2 s) on V1 with their sound on A1; it returns the project path and the red file.
func renderProject(t *testing.T) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (Debian package ffmpeg)")
	}
	dir := t.TempDir()
	var files []string
	for _, c := range []struct{ name, colour, freq string }{{"red.mp4", "red", "440"}, {"blue.mp4", "blue", "660"}} {
		path := filepath.Join(dir, c.name)
		out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "color=c="+c.colour+":s=320x180:r=25:d=3",
			"-f", "lavfi", "-i", "sine=frequency="+c.freq+":sample_rate=48000:duration=3",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path).CombinedOutput()
		if err != nil {
			t.Fatalf("making %s: %v\n%s", c.name, err, out)
		}
		files = append(files, path)
	}
	path := filepath.Join(dir, "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate{Num: 25, Den: 1}, Width: 320, Height: 180, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var ids []timeline.ID
	for _, f := range files {
		m, err := mediaset.Describe(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		id, err := p.AddMedia(m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	apply := func(cmds ...edit.Command) {
		t.Helper()
		for _, c := range cmds {
			if err := p.Apply(c); err != nil {
				t.Fatalf("%s: %v", c.Op(), err)
			}
		}
	}
	apply(&edit.AddTrack{Kind: timeline.Video, Name: "V1"}, &edit.AddTrack{Kind: timeline.Audio, Name: "A1"})
	tl := p.Timeline()
	for _, tr := range []timeline.ID{tl.Tracks[0].ID, tl.Tracks[1].ID} {
		apply(&edit.Append{Track: tr, Clip: edit.ClipSpec{Media: ids[0], Dur: 50, SourceDur: 75}},
			&edit.Append{Track: tr, Clip: edit.ClipSpec{Media: ids[1], In: 10, Dur: 50, SourceDur: 75}})
	}
	tl = p.Timeline()
	for _, tr := range tl.Tracks {
		apply(&edit.AddTransition{A: tr.Clips[0].ID, Kind: timeline.Dissolve, Dur: 10})
	}
	return path, files[0]
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// probeVideo returns the first video stream's codec, size and counted frames.
func probeVideo(t *testing.T, path string) (string, int, int, string) {
	t.Helper()
	b, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_streams", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct {
		Streams []struct {
			Codec  string `json:"codec_name"`
			W      int    `json:"width"`
			H      int    `json:"height"`
			Frames string `json:"nb_read_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(b, &p); err != nil || len(p.Streams) == 0 {
		t.Fatalf("ffprobe %s: %v %s", path, err, b)
	}
	s := p.Streams[0]
	return s.Codec, s.W, s.H, s.Frames
}

func TestSlateRender(t *testing.T) {
	proj, red := renderProject(t)
	t.Run("renders the project with progress on stderr", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "film.mp4")
		code, stdout, stderr := runCLI("render", proj, "-o", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if c, w, h, n := probeVideo(t, out); c != "h264" || w != 320 || h != 180 || n != "100" {
			t.Errorf("file is %s %dx%d with %s frames, want h264 320x180 with 100", c, w, h, n)
		}
		if !strings.Contains(stderr, "100/100 frames (100%)") || !strings.Contains(stderr, "frames/s") {
			t.Errorf("stderr %q, want progress lines ending at 100/100 with frames/s", stderr)
		}
		if !strings.Contains(stdout, "100 frames") {
			t.Errorf("stdout %q, want a summary", stdout)
		}
	})
	cases := []struct {
		name   string
		args   []string
		file   string
		codec  string
		w, h   int
		frames string
	}{
		{"a frame range renders only those frames", []string{"--range", "40-60"}, "r.mp4", "h264", 320, 180, "20"},
		{"a timecode range works too", []string{"--range", "00:00:01:00-00:00:02:00"}, "tc.mp4", "h264", 320, 180, "25"},
		{"an open range runs to the end", []string{"--range", "90-"}, "open.mp4", "h264", 320, 180, "10"},
		{"--scale shrinks the picture", []string{"--scale", "0.5", "--range", "0-5"}, "half.mp4", "h264", 160, 90, "5"},
		{"--size sets the picture size", []string{"--size", "640x360", "--range", "0-5"}, "big.mp4", "h264", 640, 360, "5"},
		{"--preset picks the codec", []string{"--preset", "prores-422hq", "--range", "0-5"}, "p.mov", "prores", 320, 180, "5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.file)
			code, _, stderr := runCLI(append([]string{"render", proj, "-o", out}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if c, w, h, n := probeVideo(t, out); c != tc.codec || w != tc.w || h != tc.h || n != tc.frames {
				t.Errorf("file is %s %dx%d with %s frames, want %s %dx%d with %s", c, w, h, n, tc.codec, tc.w, tc.h, tc.frames)
			}
		})
	}
	usage := []struct {
		name string
		args []string
		msg  string
	}{
		{"no output is a usage error", []string{"render", proj}, "-o OUT is required"},
		{"an unknown preset is a usage error", []string{"render", proj, "-o", "x.mp4", "--preset", "divx"}, `unknown preset "divx"`},
		{"a backwards range is a usage error", []string{"render", proj, "-o", "x.mp4", "--range", "50-10"}, "must be after IN"},
		{"a bad size is a usage error", []string{"render", proj, "-o", "x.mp4", "--size", "big"}, "is not WIDTHxHEIGHT"},
		{"size and scale together are a usage error", []string{"render", proj, "-o", "x.mp4", "--size", "64x36", "--scale", "0.5"}, "not both"},
	}
	for _, tc := range usage {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.msg)
			}
		})
	}
	t.Run("--list-presets names every preset", func(t *testing.T) {
		code, stdout, _ := runCLI("render", "--list-presets")
		for _, name := range []string{"h264", "h265", "prores-422hq", "prores-4444", "dnxhr-hq", "ffv1", "png", "tiff"} {
			if code != 0 || !strings.Contains(stdout, name) {
				t.Errorf("exit %d, list %q lacks %s", code, stdout, name)
			}
		}
	})
	t.Run("missing media fails naming the file and leaves no output", func(t *testing.T) {
		if err := os.Rename(red, red+".moved"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(red+".moved", red)
		dir := t.TempDir()
		code, _, stderr := runCLI("render", proj, "-o", filepath.Join(dir, "film.mp4"))
		if code != 1 || !strings.Contains(stderr, red) {
			t.Errorf("exit %d, stderr %q; want 1 naming %s", code, stderr, red)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("left %d files in the output folder", len(ents))
		}
		code, _, stderr = runCLI("render", proj, "-o", filepath.Join(dir, "film.mp4"), "--allow-offline", "--range", "0-3")
		if code != 0 {
			t.Errorf("with --allow-offline: exit %d: %s", code, stderr)
		}
	})
}
