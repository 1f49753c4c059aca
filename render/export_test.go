package render_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// lavfi makes a test file with ffmpeg's generators: a 320×180, 25 fps picture (a colour
// name or "testsrc2") and a sine of freq Hz, both secs long.
func lavfi(t testing.TB, dir, name, picture string, freq int, secs float64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	src := "color=c=" + picture + ":s=320x180:r=25"
	if picture == "testsrc2" {
		src = "testsrc2=s=320x180:r=25"
	}
	d := strconv.FormatFloat(secs, 'f', -1, 64)
	cmd := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", src+":d="+d,
		"-f", "lavfi", "-i", "sine=frequency="+strconv.Itoa(freq)+":sample_rate=48000:duration="+d,
		"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p", "-g", "25",
		"-c:a", "pcm_s16le", "-shortest", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making %s: %v\n%s", name, err, out)
	}
	return path
}

func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian package ffmpeg)", tool)
		}
	}
}

// fileMedia registers a lavfi file as 320×180 video with sound.
func (b *builder) fileMedia(path string) timeline.ID {
	return b.addMedia(render.Media{Name: filepath.Base(path), Path: path, Kind: "video", Rate: rt.Rate{Num: 25, Den: 1},
		Width: 320, Height: 180, HasAudio: true})
}

// probeInfo is what ffprobe says about an exported file.
type probeInfo struct {
	Streams []struct {
		CodecType string            `json:"codec_type"`
		CodecName string            `json:"codec_name"`
		Width     int               `json:"width"`
		Height    int               `json:"height"`
		Frames    string            `json:"nb_read_frames"`
		Channels  int               `json:"channels"`
		Rate      string            `json:"sample_rate"`
		Tags      map[string]string `json:"tags"`
	} `json:"streams"`
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

func ffprobeJSON(t testing.TB, path string) probeInfo {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probeInfo
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// decodeFrames reads every frame of a file back as 8-bit RGB.
func decodeFrames(t testing.TB, path string, w, h int) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	n := 3 * w * h
	var frames [][]byte
	for len(out) >= n {
		frames = append(frames, out[:n])
		out = out[n:]
	}
	return frames
}

// rgbAt is the pixel (x, y) of an RGB frame w pixels wide.
func rgbAt(f []byte, w, x, y int) [3]int {
	i := 3 * (y*w + x)
	return [3]int{int(f[i]), int(f[i+1]), int(f[i+2])}
}

func nearRGB(a, b [3]int, tol int) bool {
	for i := range a {
		if abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// redToBlue is a red clip (frames 0..29) and a blue one (30..59) on V1 and A1, a 10-frame
// centred dissolve on both, and a keyframed picture-in-picture of testsrc2 on V2 from frame 40.
func redToBlue(t *testing.T, b *builder) {
	dir := t.TempDir()
	red := b.fileMedia(lavfi(t, dir, "red.mkv", "red", 440, 3))
	blue := b.fileMedia(lavfi(t, dir, "blue.mkv", "blue", 660, 3))
	v1, v2, a1 := b.track(0, timeline.Video), b.track(0, timeline.Video), b.track(0, timeline.Audio)
	for _, tr := range []timeline.ID{v1, a1} {
		x := b.clip(tr, media(red), 0, 30, 0)
		y := b.clip(tr, media(blue), 30, 30, 20)
		transition(b, timeline.Dissolve, x, y, 10)
	}
	// Quarter size, moving from x −80 to +80 over frames 40..59 (keys at local 0 and 19).
	b.clip(v2, media(b.fileMedia(lavfi(t, dir, "pip.mkv", "white", 880, 3))), 40, 20, 0,
		param("scale", 0.25), param("position.x", 0, -80, 19, 80))
}

func TestExportWritesTheTimelineAsARealFile(t *testing.T) {
	needFFmpeg(t)
	b := newBuilder(t, 320, 180)
	redToBlue(t, b)
	out := filepath.Join(t.TempDir(), "cut.mp4")
	var calls, last atomic.Int64
	err := render.Export(context.Background(), b.tl, b.media, render.ExportOptions{
		Path: out, Preset: "h264", Metadata: map[string]string{"title": "red to blue"},
		Progress: func(done, total int, fps float64) {
			calls.Add(1)
			last.Store(int64(done))
			if total != 60 {
				t.Errorf("progress total %d, want 60", total)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := ffprobeJSON(t, out)
	t.Run("ffprobe sees the size, codec, frame count, duration and sound", func(t *testing.T) {
		var video, audio int
		for _, s := range p.Streams {
			switch s.CodecType {
			case "video":
				video++
				if s.CodecName != "h264" || s.Width != 320 || s.Height != 180 || s.Frames != "60" {
					t.Errorf("video stream %s %dx%d with %s frames, want h264 320x180 with 60", s.CodecName, s.Width, s.Height, s.Frames)
				}
			case "audio":
				audio++
				if s.CodecName != "aac" || s.Channels != 2 || s.Rate != "48000" {
					t.Errorf("audio stream %s, %d channels at %s Hz, want aac stereo at 48000", s.CodecName, s.Channels, s.Rate)
				}
			}
		}
		if video != 1 || audio != 1 {
			t.Errorf("%d video and %d audio streams, want one of each", video, audio)
		}
		if d, _ := strconv.ParseFloat(p.Format.Duration, 64); math.Abs(d-2.4) > 0.05 {
			t.Errorf("duration %s s, want 2.4 (60 frames at 25 fps)", p.Format.Duration)
		}
		if p.Format.Tags["title"] != "red to blue" {
			t.Errorf("title tag %q, want the metadata given", p.Format.Tags["title"])
		}
	})
	t.Run("progress is reported for every frame", func(t *testing.T) {
		if calls.Load() != 60 || last.Load() != 60 {
			t.Errorf("progress called %d times, last done %d; want 60 and 60", calls.Load(), last.Load())
		}
	})
	frames := decodeFrames(t, out, 320, 180)
	if len(frames) != 60 {
		t.Fatalf("decoded %d frames, want 60", len(frames))
	}
	// H.264 4:2:0 moves flat colours by a few steps; the mixes are far apart.
	cases := []struct {
		name string
		f    int
		x, y int
		want [3]int
	}{
		{"before the dissolve the frame is red", 20, 160, 90, [3]int{255, 0, 0}},
		{"the dissolve's middle frame is half red, half blue", 30, 160, 90, [3]int{128, 0, 128}}, // (5+0.5)/10 = 0.55 → 115,0,140
		{"after the dissolve the frame is blue", 36, 160, 90, [3]int{0, 0, 255}},
		// The PIP at frame 40 (local 0) is centred at x 160−80 = 80, 80 wide: 40..120.
		{"the keyframed picture starts left of centre", 40, 80, 90, [3]int{255, 255, 255}},
		{"and the frame right of it is still blue", 40, 200, 90, [3]int{0, 0, 255}},
		// Local 19 (frame 59): x +80, centred at 240: 200..280.
		{"it ends right of centre", 59, 240, 90, [3]int{255, 255, 255}},
		{"leaving the left blue", 59, 80, 90, [3]int{0, 0, 255}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if tc.f == 30 {
				want = [3]int{115, 0, 140}
			}
			if got := rgbAt(frames[tc.f], 320, tc.x, tc.y); !nearRGB(got, want, 12) {
				t.Errorf("frame %d at (%d,%d) = %v, want about %v", tc.f, tc.x, tc.y, got, want)
			}
		})
	}
	t.Run("the sound crossfades from 440 Hz to 660 Hz at full level", func(t *testing.T) {
		pcm := decodeAudio(t, out)
		sec := func(a, b float64) []float32 { return pcm[int(a*48000)*2 : int(b*48000)*2] }
		// lavfi's sine has amplitude 1/8: RMS 0.088. Equal-power crossfading keeps the level.
		for _, span := range [][2]float64{{0.2, 0.8}, {1.0, 1.4}, {1.6, 2.2}} {
			if r := rms(sec(span[0], span[1])); math.Abs(r-0.088) > 0.015 {
				t.Errorf("RMS over %.1f..%.1f s = %.3f, want about 0.088", span[0], span[1], r)
			}
		}
		if f := zeroCrossHz(sec(0.2, 0.8)); math.Abs(f-440) > 10 {
			t.Errorf("before the crossfade: %.0f Hz, want 440", f)
		}
		if f := zeroCrossHz(sec(1.6, 2.2)); math.Abs(f-660) > 10 {
			t.Errorf("after the crossfade: %.0f Hz, want 660", f)
		}
	})
}

// decodeAudio reads a file's sound as interleaved stereo float32 at 48 kHz.
func decodeAudio(t testing.TB, path string) []float32 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-vn", "-ac", "2", "-ar", "48000", "-f", "f32le", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decoding the sound of %s: %v", path, err)
	}
	s := make([]float32, len(out)/4)
	for i := range s {
		s[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return s
}

func rms(s []float32) float64 {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(max(len(s), 1)))
}

// zeroCrossHz estimates the frequency of the left channel of a stereo 48 kHz signal.
func zeroCrossHz(s []float32) float64 {
	n := 0
	for i := 2; i < len(s); i += 2 {
		if (s[i-2] < 0) != (s[i] < 0) {
			n++
		}
	}
	return float64(n) / 2 / (float64(len(s)/2) / 48000)
}

func TestExportOptionsShapeTheFile(t *testing.T) {
	needFFmpeg(t)
	b := newBuilder(t, 320, 180)
	redToBlue(t, b)
	t.Run("a range exports only its frames and starts the timecode there", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "range.mov")
		if err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: out, Preset: "prores-422hq", Range: rt.Range{Start: 25, Dur: 10}}); err != nil {
			t.Fatal(err)
		}
		p := ffprobeJSON(t, out)
		if p.Streams[0].Frames != "10" || p.Streams[0].CodecName != "prores" {
			t.Errorf("stream %s with %s frames, want prores with 10", p.Streams[0].CodecName, p.Streams[0].Frames)
		}
		if tc := p.Streams[0].Tags["timecode"]; tc != "00:00:01:00" {
			t.Errorf("timecode %q, want 00:00:01:00 (frame 25 at 25 fps)", tc)
		}
	})
	t.Run("a scale shrinks the picture", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "half.mp4")
		if err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: out, Scale: 0.5, Range: rt.Range{Start: 0, Dur: 5}}); err != nil {
			t.Fatal(err)
		}
		if s := ffprobeJSON(t, out).Streams[0]; s.Width != 160 || s.Height != 90 {
			t.Errorf("size %dx%d, want 160x90", s.Width, s.Height)
		}
	})
	t.Run("another aspect is letterboxed", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "square.mp4")
		if err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: out, Width: 320, Height: 320, Range: rt.Range{Start: 0, Dur: 5}}); err != nil {
			t.Fatal(err)
		}
		f := decodeFrames(t, out, 320, 320)[2]
		if got := rgbAt(f, 320, 160, 160); !nearRGB(got, [3]int{255, 0, 0}, 12) {
			t.Errorf("centre %v, want red", got)
		}
		if got := rgbAt(f, 320, 160, 20); !nearRGB(got, [3]int{0, 0, 0}, 12) {
			t.Errorf("top bar %v, want black", got)
		}
	})
	t.Run("an image-sequence preset writes one file per frame", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "frames")
		if err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: out, Preset: "png", Range: rt.Range{Start: 28, Dur: 4}}); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(out)
		if err != nil || len(ents) != 4 {
			t.Errorf("%d files in %s (%v), want 4", len(ents), out, err)
		}
	})
	t.Run("an unknown preset is refused by name", func(t *testing.T) {
		err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: filepath.Join(t.TempDir(), "x.avi"), Preset: "divx"})
		if err == nil || !strings.Contains(err.Error(), `"divx"`) {
			t.Errorf("error = %v, want one naming the preset", err)
		}
	})
}

// entries lists a directory's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestFailedExportsLeaveNothingBehind(t *testing.T) {
	needFFmpeg(t)
	b := newBuilder(t, 320, 180)
	redToBlue(t, b)
	t.Run("a cancelled export stops and removes its partial file", func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		err := render.Export(ctx, b.tl, b.media, render.ExportOptions{
			Path: filepath.Join(dir, "out.mp4"),
			Progress: func(done, _ int, _ float64) {
				if done == 10 {
					cancel()
				}
			},
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		if n := entries(t, dir); len(n) != 0 {
			t.Errorf("left %v in the output folder", n)
		}
	})
	t.Run("offline media stops the export before it starts, naming clip and file", func(t *testing.T) {
		dir := t.TempDir()
		gone := newBuilder(t, 320, 180)
		v1 := gone.track(0, timeline.Video)
		c := gone.clip(v1, media(gone.addMedia(render.Media{Name: "interview.mov", Path: "/no/such/interview.mov"})), 0, 10, 0)
		err := render.Export(t.Context(), gone.tl, gone.media, render.ExportOptions{Path: filepath.Join(dir, "out.mp4")})
		var off *render.OfflineError
		if !errors.As(err, &off) || !strings.Contains(err.Error(), "/no/such/interview.mov") || !strings.Contains(err.Error(), "clip "+strconv.Itoa(int(c.ID))) {
			t.Errorf("error = %v, want an OfflineError naming clip %d and the file", err, c.ID)
		}
		if n := entries(t, dir); len(n) != 0 {
			t.Errorf("left %v in the output folder", n)
		}
		// Allowed, it renders the slate.
		err = render.Export(t.Context(), gone.tl, gone.media, render.ExportOptions{Path: filepath.Join(dir, "out.mp4"), AllowOffline: true})
		if err != nil {
			t.Errorf("with AllowOffline: %v", err)
		}
	})
	t.Run("an encoder that refuses the size fails cleanly", func(t *testing.T) {
		dir := t.TempDir()
		err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: filepath.Join(dir, "odd.mp4"), Width: 321, Height: 181})
		if err == nil {
			t.Error("an odd size for H.264 was accepted")
		}
		if n := entries(t, dir); len(n) != 0 {
			t.Errorf("left %v in the output folder", n)
		}
	})
	t.Run("an existing file is kept when the export fails", func(t *testing.T) {
		dir := t.TempDir()
		old := filepath.Join(dir, "out.mp4")
		os.WriteFile(old, []byte("previous export"), 0o644)
		ctx, cancel := context.WithCancel(context.Background())
		render.Export(ctx, b.tl, b.media, render.ExportOptions{Path: old, Progress: func(done, _ int, _ float64) {
			if done == 5 {
				cancel()
			}
		}})
		if got, _ := os.ReadFile(old); !bytes.Equal(got, []byte("previous export")) {
			t.Errorf("the file under the final name changed to %d bytes", len(got))
		}
		if n := entries(t, dir); len(n) != 1 {
			t.Errorf("folder holds %v, want only the old file", n)
		}
	})
}
