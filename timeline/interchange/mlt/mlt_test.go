package mlt_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/interchange/mlt"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

func run(ctx context.Context, t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(stderr.String()))
	}
	return out
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run make deps (Debian packages melt and ffmpeg)", tool)
		}
	}
}

// media makes the four sources of ixtest.Rich as small files with ffmpeg.
func media(ctx context.Context, t *testing.T, dir string, doc *core.Doc) {
	t.Helper()
	specs := map[timeline.ID][]string{
		ixtest.MediaA: {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=10", "-f", "lavfi", "-i", "sine=f=440:d=10", "-shortest"},
		ixtest.MediaB: {"-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=10"},
		ixtest.MediaC: {"-f", "lavfi", "-i", "smptebars=s=320x240:r=24:d=20"},
		ixtest.MediaD: {"-f", "lavfi", "-i", "sine=f=220:d=20"},
		105:           {"-f", "lavfi", "-i", "color=red:s=320x240:r=24:d=10"},
	}
	for i := range doc.Media {
		m := &doc.Media[i]
		ext := ".mp4"
		if m.Kind == core.KindAudio {
			ext = ".wav"
		}
		m.Path = filepath.Join(dir, m.Name+ext)
		args := append([]string{"-v", "error", "-y"}, specs[m.ID]...)
		if ext == ".mp4" {
			args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
		}
		run(ctx, t, "ffmpeg", append(args, m.Path)...)
	}
}

// frames decodes a video into 80x60 RGB frames (a quarter of 320x240 each way).
func frames(ctx context.Context, t *testing.T, file string) []byte {
	t.Helper()
	return run(ctx, t, "ffmpeg", "-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "80x60", "-")
}

// pixel is the RGB at (x, y) of the 320x240 picture of frame n, from frames' output.
func pixel(t *testing.T, video []byte, n, x, y int) [3]int {
	t.Helper()
	i := (n*80*60 + (y/4)*80 + x/4) * 3
	if i+3 > len(video) {
		t.Fatalf("no frame %d in %d bytes", n, len(video))
	}
	return [3]int{int(video[i]), int(video[i+1]), int(video[i+2])}
}

func TestMeltRendersTheExportedTimeline(t *testing.T) {
	need(t, "melt", "ffmpeg", "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	doc := ixtest.Rich(t)
	doc.Timeline.Width, doc.Timeline.Height = 320, 240
	// V2's first clip (scaled to half, moving right, opacity keyframed) shows a red card,
	// so where it lands can be told from the bars under it.
	const red = 105
	doc.Media = append(doc.Media, core.Media{ID: red, Name: "red", Kind: core.KindVideo, Rate: doc.Timeline.Rate, Available: rt.Range{Dur: 240}})
	_, c, err := doc.Timeline.Clip(doc.Timeline.Tracks[1].Clips[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	n := c.Clone()
	n.Source.Media, n.SourceDur = red, 240
	if _, err := doc.Timeline.ReplaceClip(n); err != nil {
		t.Fatal(err)
	}
	media(ctx, t, dir, doc)
	var buf bytes.Buffer
	if err := mlt.Write(&buf, doc, core.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "edit.mlt")
	if err := os.WriteFile(project, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.mp4")
	// No display: Qt services would pass frames through; affine, luma and mix do not need one.
	run(ctx, t, "melt", project, "-consumer", "avformat:"+out, "vcodec=libx264", "preset=ultrafast", "acodec=aac", "real_time=0")

	t.Run("the render has one frame per timeline frame", func(t *testing.T) {
		got := strings.TrimSpace(string(run(ctx, t, "ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", out)))
		n, err := strconv.Atoi(got)
		if err != nil || n != int(doc.Timeline.Duration()) {
			t.Errorf("%q frames, want %d", got, doc.Timeline.Duration())
		}
	})
	t.Run("the render has sound", func(t *testing.T) {
		got := strings.TrimSpace(string(run(ctx, t, "ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", out)))
		if got != "aac" {
			t.Errorf("audio stream %q", got)
		}
	})
	video := frames(ctx, t, out)
	bright := func(p [3]int) bool { return p[0]+p[1]+p[2] > 90 }
	for _, tt := range []struct {
		name  string
		frame int
		x, y  int
		lit   bool
	}{
		// V1 has a gap at [120,144) and V2 ends at 130: black.
		{"the gap shows the black background", 135, 160, 120, false},
		// V2's clip a covers [100,130) full frame over the gap.
		{"the upper track shows over the lower track's gap", 125, 160, 120, true},
		// The freeze of a at [200,240).
		{"the freeze frame shows", 220, 160, 120, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if p := pixel(t, video, tt.frame, tt.x, tt.y); bright(p) != tt.lit {
				t.Errorf("frame %d at (%d,%d) is %v", tt.frame, tt.x, tt.y, p)
			}
		})
	}
	isRed := func(p [3]int) bool { return p[0] > 150 && p[1] < 80 && p[2] < 80 }
	for _, tt := range []struct {
		name  string
		frame int
		x, y  int
		red   bool
	}{
		// V2's red clip starts at 60 with opacity 0, half size, x -200 px: its rect is
		// x -120..40, y 60..180, invisible.
		{"a clip at opacity 0 does not show", 60, 20, 120, false},
		// At frame 70 (clip frame 10) opacity is 1 and x has moved 400*10/39 px right:
		// the rect is x -17.4..142.6, y 60..180.
		{"the keyframed clip shows inside its rect", 70, 60, 120, true},
		{"the keyframed clip does not show outside its rect", 70, 220, 120, false},
		{"the keyframed clip does not show above its rect", 70, 60, 30, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if p := pixel(t, video, tt.frame, tt.x, tt.y); isRed(p) != tt.red {
				t.Errorf("frame %d at (%d,%d) is %v", tt.frame, tt.x, tt.y, p)
			}
		})
	}
	t.Run("the freeze holds one picture", func(t *testing.T) {
		a, b := pixel(t, video, 205, 50, 50), pixel(t, video, 235, 50, 50)
		for i := range a {
			if d := a[i] - b[i]; d > 12 || d < -12 {
				t.Errorf("frames 205 and 235 differ: %v %v", a, b)
			}
		}
	})
}

func TestMLTDocument(t *testing.T) {
	doc := ixtest.Rich(t)
	var buf bytes.Buffer
	if err := mlt.Write(&buf, doc, core.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, tt := range []struct{ name, want string }{
		{"the profile carries the timeline format", `frame_rate_num="24" frame_rate_den="1"`},
		{"the gap on V1 is a blank", `<blank length="24"/>`},
		{"the slow clip is a timewarp producer", `<property name="resource">0.5:/media/b.mp4</property>`},
		{"the double-speed sound is a timewarp producer", `<property name="mlt_service">timewarp</property>`},
		{"the freeze is a hold producer on source frame 100", `<property name="frame">100</property>`},
		{"the dissolve is a luma transition", `<property name="mlt_service">luma</property>`},
		{"sound tracks are mixed", `<property name="mlt_service">mix</property>`},
		{"the keyframed clip gets an affine filter", `<property name="transition.rect">`},
		{"video tracks do not play their sound", `hide="audio"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(s, tt.want) {
				t.Errorf("no %s in\n%s", tt.want, s)
			}
		})
	}
	t.Run("an eased opacity is written a key per frame and a linear move one key per segment", func(t *testing.T) {
		i := strings.Index(s, `<property name="transition.rect">`)
		rect := s[i : i+strings.Index(s[i:], "</property>")]
		// Keys: 0 (linear to 10), then ease-in-out-sine from 10 to 30: one key a frame (20),
		// then 30 (linear to 39), 39 (constant on), and the end: with the wipe's 10-frame
		// tail handle the filter runs to frame 49.
		n := strings.Count(rect, ";") + 1
		if n != 1+20+1+1+1 {
			t.Errorf("%d keys in %s", n, rect)
		}
		if !strings.HasPrefix(rect, `<property name="transition.rect">0=`) {
			t.Errorf("rect %s", rect)
		}
	})
	t.Run("a hold keyframe is written as a discrete key", func(t *testing.T) {
		d := ixtest.Rich(t)
		_, c, _ := d.Timeline.Clip(d.Timeline.Tracks[0].Clips[0].ID)
		n := c.Clone()
		n.Params = map[string]*keyframe.Curve{"opacity": {Static: 1, Keys: []keyframe.Key{{T: 5, V: 0.2, Interp: keyframe.Hold}, {T: 20, V: 1}}}}
		if _, err := d.Timeline.ReplaceClip(n); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := mlt.Write(&b, d, core.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "5|=") {
			t.Errorf("no discrete key:\n%s", b.String())
		}
	})
}
