package render_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// media makes test files with ffmpeg's lavfi sources once per test binary.
var lowMedia struct {
	once sync.Once
	dir  string
	err  error
}

func ff(args ...string) error {
	out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg %v: %v\n%s", args, err, out)
	}
	return nil
}

// testMedia returns the folder holding clip.mp4 (3 s 320x240 testsrc2 at 25 fps, GOP 25,
// 440 Hz sine), rot.mp4 (the same, rotated 90°), vfr.mkv (variable frame rate), still.png.
func testMedia(t testing.TB) string {
	t.Helper()
	lowMedia.once.Do(func() {
		lowMedia.dir, lowMedia.err = os.MkdirTemp("", "slate-render-media")
		if lowMedia.err != nil {
			return
		}
		d := lowMedia.dir
		for _, args := range [][]string{
			{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
				"-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", filepath.Join(d, "clip.mp4")},
			{"-i", filepath.Join(d, "clip.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", filepath.Join(d, "rot.mp4")},
			// Variable frame rate: 2 s at 10 fps then 2 s at 30 fps.
			{"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=2",
				"-filter_complex", "[0:v]settb=1/1000[a];[1:v]settb=1/1000[b];[a][b]concat=n=2:v=1[v]", "-map", "[v]", "-fps_mode", "vfr",
				"-c:v", "libx264", "-preset", "ultrafast", filepath.Join(d, "vfr.mkv")},
			{"-f", "lavfi", "-i", "color=c=0x336699:size=64x48", "-frames:v", "1", filepath.Join(d, "still.png")},
		} {
			if lowMedia.err = ff(args...); lowMedia.err != nil {
				return
			}
		}
	})
	if lowMedia.err != nil {
		t.Fatal(lowMedia.err)
	}
	return lowMedia.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if lowMedia.dir != "" {
		os.RemoveAll(lowMedia.dir)
	}
	os.Exit(code)
}

// reference decodes frame n of a file with a one-shot ffmpeg, independently of VideoSource.
func reference(t *testing.T, path string, n int, w, h int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-vf", fmt.Sprintf("select=eq(n\\,%d),scale=%d:%d:flags=bicubic", n, w, h),
		"-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1").Output()
	if err != nil || len(out) != 4*w*h {
		t.Fatalf("reference decode of frame %d: %v (%d bytes)", n, err, len(out))
	}
	return out
}

func meanDiff(a, b []byte) float64 {
	var s float64
	for i := range a {
		s += math.Abs(float64(a[i]) - float64(b[i]))
	}
	return s / float64(len(a))
}

func TestDecodingGivesTheSameFrameSequentiallyAndAfterSeeks(t *testing.T) {
	clip := filepath.Join(testMedia(t), "clip.mp4")
	ctx := context.Background()
	v, err := render.OpenVideo(ctx, clip, render.SourceOptions{Rate: rt.Rate25})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if w, h := v.Size(); w != 320 || h != 240 {
		t.Fatalf("size %dx%d, want 320x240", w, h)
	}
	seq := map[int][]byte{}
	for n := 0; n < 75; n++ {
		img, err := v.Frame(ctx, rt.Time(n))
		if err != nil {
			t.Fatalf("frame %d: %v", n, err)
		}
		seq[n] = append([]byte(nil), img.Pix...)
	}
	for _, n := range []int{60, 3, 40, 41, 0, 74, 12, 70} { // backward, forward far, forward near
		img, err := v.Frame(ctx, rt.Time(n))
		if err != nil {
			t.Fatalf("seek to %d: %v", n, err)
		}
		if d := meanDiff(img.Pix, seq[n]); d != 0 {
			t.Errorf("frame %d after a seek differs from the sequential read by %.2f on average", n, d)
		}
		if d := meanDiff(img.Pix, reference(t, clip, n, 320, 240)); d > 0.5 {
			t.Errorf("frame %d differs from an independent decode by %.2f on average", n, d)
		}
	}
	if d := meanDiff(seq[10], seq[11]); d < 1 {
		t.Errorf("consecutive frames should differ (testsrc2 moves): %.2f", d)
	}
	if _, err := v.Frame(ctx, 75); !errors.Is(err, render.ErrSourceEnd) {
		t.Errorf("frame 75 of a 75-frame file: %v, want ErrSourceEnd", err)
	}
}

func TestDecodingConformsRatesAndHonoursRotation(t *testing.T) {
	dir := testMedia(t)
	ctx := context.Background()
	count := func(path string, opt render.SourceOptions) int {
		v, err := render.OpenVideo(ctx, path, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		n := 0
		for ; ; n++ {
			if _, err := v.Frame(ctx, rt.Time(n)); err != nil {
				if !errors.Is(err, render.ErrSourceEnd) {
					t.Fatal(err)
				}
				return n
			}
		}
	}
	t.Run("a 25 fps file conformed to 50 fps has twice the frames", func(t *testing.T) {
		if n := count(filepath.Join(dir, "clip.mp4"), render.SourceOptions{Rate: rt.Rate50}); n < 149 || n > 151 {
			t.Errorf("%d frames, want 150", n)
		}
	})
	t.Run("a variable-rate file conformed to 25 fps has 25 frames a second", func(t *testing.T) {
		if n := count(filepath.Join(dir, "vfr.mkv"), render.SourceOptions{Rate: rt.Rate25}); n < 99 || n > 101 {
			t.Errorf("%d frames over 4 s, want 100", n)
		}
	})
	t.Run("a rotated file decodes upright with its sides swapped", func(t *testing.T) {
		v, err := render.OpenVideo(ctx, filepath.Join(dir, "rot.mp4"), render.SourceOptions{Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		img, err := v.Frame(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 320 {
			t.Errorf("rotated frame is %v, want 240x320", b)
		}
	})
	t.Run("a still decodes once at the asked size", func(t *testing.T) {
		v, err := render.OpenVideo(ctx, filepath.Join(dir, "still.png"), render.SourceOptions{Still: true, Width: 32, Height: 24})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		a, _ := v.Frame(ctx, 0)
		b, err := v.Frame(ctx, 500)
		if err != nil || a != b || a.Bounds().Dx() != 32 {
			t.Fatalf("still frames: %v %v", b.Bounds(), err)
		}
		// lavfi's colour source goes through YUV, so allow a few levels.
		if c := a.RGBAAt(10, 10); absDiff(c.R, 0x33) > 3 || absDiff(c.G, 0x66) > 3 || absDiff(c.B, 0x99) > 3 {
			t.Errorf("still colour %v, want #336699", c)
		}
	})
	t.Run("a file that is not media gives a clear error", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "notes.mp4")
		os.WriteFile(bad, []byte("not a video"), 0o644)
		_, err := render.OpenVideo(ctx, bad, render.SourceOptions{Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "notes.mp4") {
			t.Fatalf("got %v, want an error naming the file", err)
		}
	})
}

func TestClosingLeavesNoFFmpegBehind(t *testing.T) {
	ctx := context.Background()
	v, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{Rate: rt.Rate25})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Frame(ctx, 3); err != nil {
		t.Fatal(err)
	}
	before := children(t)
	if before == 0 {
		t.Fatal("no ffmpeg child while decoding")
	}
	v.Close()
	if after := children(t); after != 0 {
		t.Fatalf("%d ffmpeg children left after Close", after)
	}
}

// children counts this process's ffmpeg children, zombies included.
func children(t *testing.T) int {
	ents, _ := filepath.Glob("/proc/[0-9]*/stat")
	n := 0
	me := strconv.Itoa(os.Getpid())
	for _, e := range ents {
		b, err := os.ReadFile(e)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 1 && f[1] == me && strings.Contains(string(b), "(ffmpeg)") {
			n++
		}
	}
	return n
}

func TestTheCacheStaysWithinItsBudgetAndKeepsThePlayhead(t *testing.T) {
	img := func() *image.RGBA { return image.NewRGBA(image.Rect(0, 0, 10, 10)) } // 400 bytes
	c := render.NewCache(4000)                                                   // ten frames
	c.Neighborhood = 2
	c.SetPlayhead("a", 0)
	for n := range 30 {
		c.Put(render.FrameKey{Path: "a", Frame: rt.Time(n), Width: 10, Height: 10}, img())
		if s := c.Stats(); s.Bytes > 4000 {
			t.Fatalf("cache holds %d bytes, budget 4000", s.Bytes)
		}
	}
	for _, n := range []rt.Time{0, 1, 2, 29, 28} {
		if _, ok := c.Get(render.FrameKey{Path: "a", Frame: n, Width: 10, Height: 10}); !ok {
			t.Errorf("frame %d was evicted (playhead neighbours and the newest stay)", n)
		}
	}
	if _, ok := c.Get(render.FrameKey{Path: "a", Frame: 10, Width: 10, Height: 10}); ok {
		t.Error("an old frame away from the playhead should have been evicted")
	}
	if s := c.Stats(); s.Frames != 10 || s.Hits != 5 || s.Misses != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestAudioDecodesASineAtTheProjectRate(t *testing.T) {
	clip := filepath.Join(testMedia(t), "clip.mp4")
	ctx := context.Background()
	all, err := render.DecodeAudio(ctx, clip, 44100, 2, 0, 44100*5)
	if err != nil {
		t.Fatal(err)
	}
	frames := len(all) / 2
	if frames < 44100*29/10 || frames > 44100*31/10 {
		t.Errorf("%d sample frames, want about 3 s at 44.1 kHz", frames)
	}
	var sum float64
	for _, s := range all[4410*2 : 44100*2] {
		sum += float64(s) * float64(s)
	}
	// lavfi's sine has amplitude 1/8 (RMS 0.088); ffmpeg spreads mono over two channels at
	// -3 dB, so each channel has RMS 0.0625.
	if rms := math.Sqrt(sum / float64(2*(44100-4410))); math.Abs(rms-0.0625) > 0.004 {
		t.Errorf("RMS %.4f, want 0.0625", rms)
	}
	a, err := render.OpenAudio(ctx, clip, 44100, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	buf := make([]float32, 2*1000)
	for _, at := range []int64{50000, 1234, 90000} {
		n, err := a.Read(ctx, at, buf)
		if err != nil || n != 1000 {
			t.Fatalf("read at %d: %d, %v", at, n, err)
		}
		for i := range buf {
			if d := math.Abs(float64(buf[i] - all[2*at+int64(i)])); d > 1e-3 {
				t.Fatalf("sample %d after a seek to %d differs from the sequential decode by %g", i/2, at, d)
			}
		}
	}
	if n, _ := a.Read(ctx, 44100*10, buf); n != 0 {
		t.Errorf("read past the end gave %d samples", n)
	}
}

// probe returns ffprobe's JSON for a file.
func probe(t *testing.T, path string, extra ...string) map[string]any {
	t.Helper()
	args := append([]string{"-v", "error", "-of", "json", "-show_streams", "-show_format"}, extra...)
	out, err := exec.Command("ffprobe", append(args, path)...).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var m map[string]any
	json.Unmarshal(out, &m)
	return m
}

func TestEveryPresetWritesARealFile(t *testing.T) {
	ctx := context.Background()
	want := map[string]struct {
		codec, pixfmt string
		audio         bool
	}{
		"h264": {"h264", "yuv420p", true}, "h265": {"hevc", "yuv420p", true},
		"prores-422hq": {"prores", "yuv422p10le", true}, "prores-4444": {"prores", "yuva444p12le", true},
		"dnxhr-hq": {"dnxhd", "yuv422p", true}, "ffv1": {"ffv1", "bgra", true},
		"png": {"png", "rgba", false}, "tiff": {"tiff", "rgb24", false},
	}
	for _, p := range render.Presets() {
		t.Run(p.Name, func(t *testing.T) {
			w, ok := want[p.Name]
			if !ok {
				t.Fatalf("no expectation for preset %s", p.Name)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "out."+p.Ext)
			if p.ImageSequence {
				path = filepath.Join(dir, "frames")
			}
			e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: p, Width: 256, Height: 144, Rate: rt.Rate25,
				SampleRate: 48000, Channels: 2, Timecode: "01:00:00:00", Metadata: map[string]string{"comment": "slate test"}})
			if err != nil {
				t.Fatal(err)
			}
			img := image.NewRGBA(image.Rect(0, 0, 256, 144))
			tone := make([]float32, 2*1920)
			for n := range 10 {
				for i := range img.Pix {
					img.Pix[i] = byte(n * 20)
				}
				for i := range tone {
					tone[i] = float32(0.25 * math.Sin(float64(n*1920+i/2)*2*math.Pi*440/48000))
				}
				if err := e.WriteAudio(tone); err != nil {
					t.Fatal(err)
				}
				if err := e.WriteFrame(img); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if p.ImageSequence {
				files, _ := filepath.Glob(filepath.Join(path, "*."+p.Ext))
				if len(files) != 10 {
					t.Fatalf("%d files in the sequence, want 10", len(files))
				}
				path = files[0]
			}
			m := probe(t, path, "-count_frames")
			var video, audio map[string]any
			for _, s := range m["streams"].([]any) {
				s := s.(map[string]any)
				if s["codec_type"] == "video" {
					video = s
				} else if s["codec_type"] == "audio" {
					audio = s
				}
			}
			if video == nil || video["codec_name"] != w.codec || video["width"].(float64) != 256 {
				t.Fatalf("video stream %v, want %s 256x144", video, w.codec)
			}
			if video["pix_fmt"] != w.pixfmt {
				t.Errorf("pixel format %v, want %s", video["pix_fmt"], w.pixfmt)
			}
			if !p.ImageSequence && video["nb_read_frames"] != "10" {
				t.Errorf("%v frames, want 10", video["nb_read_frames"])
			}
			if (audio != nil) != w.audio {
				t.Errorf("audio present = %v, want %v", audio != nil, w.audio)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*partial*")); len(leftovers) > 0 {
				t.Errorf("temporary output left behind: %v", leftovers)
			}
		})
	}
}

func TestFailedExportsLeaveNoFile(t *testing.T) {
	ctx := context.Background()
	h264, _ := render.LookupPreset("h264")
	dir := t.TempDir()
	t.Run("an odd size for 4:2:0 is refused up front", func(t *testing.T) {
		_, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 63, Height: 48, Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "even") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a folder that does not exist is refused", func(t *testing.T) {
		_, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "nope", "a.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("beyond 8K is refused", func(t *testing.T) {
		_, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 8192, Height: 4320, Rate: rt.Rate25})
		if err == nil {
			t.Fatal("an over-8K export was accepted")
		}
	})
	t.Run("abort removes the partial file", func(t *testing.T) {
		path := filepath.Join(dir, "b.mp4")
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25, SampleRate: 48000, Channels: 2})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			e.WriteAudio(make([]float32, 2*1920))
			if err := e.WriteFrame(image.NewRGBA(image.Rect(0, 0, 64, 48))); err != nil {
				t.Fatal(err)
			}
		}
		e.Abort()
		ents, _ := os.ReadDir(dir)
		if len(ents) != 0 {
			t.Fatalf("files left after abort: %v", ents)
		}
	})
	t.Run("an unknown preset is named", func(t *testing.T) {
		if _, err := render.LookupPreset("mpeg1"); err == nil || !strings.Contains(err.Error(), "h264") {
			t.Fatalf("got %v, want the list of presets", err)
		}
	})
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
