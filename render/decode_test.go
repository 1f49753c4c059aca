package render_test

import (
	"context"
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

// lowMedia holds the decoder test files, made with ffmpeg's lavfi sources once per test binary.
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
// 440 Hz sine), rot.mp4 (the same, rotated 90°), vfr.mkv (variable frame rate: 2 s at
// 10 fps then 2 s at 30 fps), mute.mp4 (no sound), still.png, stereo.wav (1 s, 440 Hz left,
// 660 Hz right) and half.000..002.png (an image sequence of red at half opacity).
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
			{"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=2",
				"-filter_complex", "[0:v]settb=1/1000[a];[1:v]settb=1/1000[b];[a][b]concat=n=2:v=1[v]", "-map", "[v]", "-fps_mode", "vfr",
				"-c:v", "libx264", "-preset", "ultrafast", filepath.Join(d, "vfr.mkv")},
			{"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-c:v", "libx264", "-preset", "ultrafast", filepath.Join(d, "mute.mp4")},
			{"-f", "lavfi", "-i", "color=c=0x336699:size=64x48", "-frames:v", "1", filepath.Join(d, "still.png")},
			{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1", "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=1",
				"-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo", filepath.Join(d, "stereo.wav")},
			{"-f", "lavfi", "-i", "color=c=red@0.5:size=32x24,format=rgba", "-frames:v", "3", "-start_number", "0", filepath.Join(d, "half.%03d.png")},
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
	if bench1080.path != "" {
		os.RemoveAll(filepath.Dir(bench1080.path))
	}
	os.Exit(code)
}

// reference decodes frame n of a file with a one-shot ffmpeg select, independently of
// VideoSource.
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

func openClip(t *testing.T, name string, opt render.SourceOptions) *render.VideoSource {
	t.Helper()
	v, err := render.OpenVideo(context.Background(), filepath.Join(testMedia(t), name), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func TestDecodingGivesTheSameFrameSequentiallyAndAfterSeeks(t *testing.T) {
	clip := filepath.Join(testMedia(t), "clip.mp4")
	ctx := context.Background()
	v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate25})
	if w, h := v.Size(); w != 320 || h != 240 {
		t.Fatalf("size %dx%d, want 320x240", w, h)
	}
	seq := map[int][]byte{}
	for n := range 75 {
		img, err := v.Frame(ctx, rt.Time(n))
		if err != nil {
			t.Fatalf("frame %d: %v", n, err)
		}
		seq[n] = append([]byte(nil), img.Pix...)
	}
	if d := meanDiff(seq[10], seq[11]); d < 1 {
		t.Fatalf("consecutive frames should differ (testsrc2 moves): %.2f", d)
	}
	// Each step starts from where the previous one left the decoder.
	for _, s := range []struct {
		name string
		n    int
	}{
		{"a backward seek from the end lands on frame 60", 60},
		{"a backward seek lands on frame 3, inside the first GOP", 3},
		{"a jump of more than two seconds ahead lands on frame 70", 70},
		{"a backward seek to the very first frame gives frame 0", 0},
		{"a small jump ahead reads on to frame 12", 12},
		{"the next frame reads on to frame 13", 13},
		{"a seek onto a keyframe gives frame 50", 50},
		{"a seek just before a keyframe gives frame 24", 24},
		{"a seek to the last frame gives frame 74", 74},
	} {
		t.Run(s.name, func(t *testing.T) {
			img, err := v.Frame(ctx, rt.Time(s.n))
			if err != nil {
				t.Fatal(err)
			}
			if d := meanDiff(img.Pix, seq[s.n]); d != 0 {
				t.Errorf("differs from the sequential read by %.3f on average", d)
			}
			// testsrc2 draws a frame counter: an independent decode of the same frame matches.
			if d := meanDiff(img.Pix, reference(t, clip, s.n, 320, 240)); d > 0.5 {
				t.Errorf("differs from an independent decode of frame %d by %.2f on average", s.n, d)
			}
			if s.n > 0 {
				if d := meanDiff(img.Pix, reference(t, clip, s.n-1, 320, 240)); d < 1 {
					t.Errorf("looks like frame %d (%.2f apart)", s.n-1, d)
				}
			}
		})
	}
	t.Run("a frame past the end is ErrSourceEnd", func(t *testing.T) {
		for _, n := range []rt.Time{75, 76, 500, -1} {
			if _, err := v.Frame(ctx, n); !errors.Is(err, render.ErrSourceEnd) {
				t.Errorf("frame %d of a 75-frame file: %v, want ErrSourceEnd", n, err)
			}
		}
		if img, err := v.Frame(ctx, 74); err != nil || meanDiff(img.Pix, seq[74]) != 0 {
			t.Errorf("the last frame after asking past the end: %v", err)
		}
	})
}

// countFrames reads a source from frame 0 until ErrSourceEnd.
func countFrames(t *testing.T, v *render.VideoSource) int {
	t.Helper()
	for n := 0; ; n++ {
		if _, err := v.Frame(context.Background(), rt.Time(n)); err != nil {
			if !errors.Is(err, render.ErrSourceEnd) {
				t.Fatalf("frame %d: %v", n, err)
			}
			return n
		}
	}
}

func TestDecodingConformsRatesAndHonoursRotation(t *testing.T) {
	ctx := context.Background()
	t.Run("a 25 fps file conformed to 50 fps has twice the frames, each shown twice", func(t *testing.T) {
		v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate50})
		if n := countFrames(t, v); n != 150 {
			t.Errorf("%d frames, want 150", n)
		}
		a, _ := v.Frame(ctx, 20)
		a2 := append([]byte(nil), a.Pix...)
		b, _ := v.Frame(ctx, 21)
		c, _ := v.Frame(ctx, 22)
		if meanDiff(a2, b.Pix) != 0 || meanDiff(b.Pix, c.Pix) == 0 {
			t.Error("frames 20 and 21 at 50 fps should be source frame 10, frame 22 source frame 11")
		}
		if d := meanDiff(c.Pix, reference(t, filepath.Join(testMedia(t), "clip.mp4"), 11, 320, 240)); d > 0.5 {
			t.Errorf("frame 22 at 50 fps differs from source frame 11 by %.2f", d)
		}
	})
	t.Run("a variable-rate file conformed to 25 fps has 25 frames a second of its duration", func(t *testing.T) {
		path := filepath.Join(testMedia(t), "vfr.mkv")
		out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		secs, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			t.Fatal(err)
		}
		v := openClip(t, "vfr.mkv", render.SourceOptions{Rate: rt.Rate25})
		if n, want := countFrames(t, v), int(math.Round(secs*25)); n != want || want < 98 {
			t.Errorf("%d frames over %.3f s, want %d", n, secs, want)
		}
	})
	t.Run("a variable-rate file conformed to 25 fps shows the source frame of each moment", func(t *testing.T) {
		path := filepath.Join(testMedia(t), "vfr.mkv")
		v := openClip(t, "vfr.mkv", render.SourceOptions{Rate: rt.Rate25})
		// Source frames 0-19 are at 10 fps (0.1 s apart), 20-79 at 30 fps from 2 s on.
		for _, c := range []struct{ n, src int }{{30, 12}, {31, 12}, {32, 12}, {60, 32}, {61, 33}} {
			img, err := v.Frame(ctx, rt.Time(c.n))
			if err != nil {
				t.Fatal(err)
			}
			if d := meanDiff(img.Pix, reference(t, path, c.src, 160, 120)); d > 0.5 {
				t.Errorf("frame %d (%.2f s) differs from source frame %d by %.2f", c.n, float64(c.n)/25, c.src, d)
			}
		}
	})
	t.Run("a variable-rate file gives the same frame after a seek", func(t *testing.T) {
		v := openClip(t, "vfr.mkv", render.SourceOptions{Rate: rt.Rate25})
		var seq [][]byte
		for n := range 90 {
			img, err := v.Frame(ctx, rt.Time(n))
			if err != nil {
				t.Fatal(err)
			}
			seq = append(seq, append([]byte(nil), img.Pix...))
		}
		for _, n := range []int{85, 30, 62, 7} {
			img, err := v.Frame(ctx, rt.Time(n))
			if err != nil {
				t.Fatal(err)
			}
			if d := meanDiff(img.Pix, seq[n]); d != 0 {
				t.Errorf("frame %d after a seek differs from the sequential read by %.3f", n, d)
			}
		}
	})
	t.Run("a rotated file decodes upright with its sides swapped", func(t *testing.T) {
		v := openClip(t, "rot.mp4", render.SourceOptions{Rate: rt.Rate25})
		if w, h := v.Size(); w != 240 || h != 320 {
			t.Errorf("Size says %dx%d, want 240x320", w, h)
		}
		img, err := v.Frame(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 320 {
			t.Errorf("rotated frame is %v, want 240x320", b)
		}
	})
	t.Run("a width alone gives the height of the same aspect", func(t *testing.T) {
		v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate25, Width: 160})
		img, err := v.Frame(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 160 || b.Dy() != 120 {
			t.Errorf("frame is %v, want 160x120", b)
		}
	})
	t.Run("a still decodes once at the asked size", func(t *testing.T) {
		v := openClip(t, "still.png", render.SourceOptions{Still: true, Width: 32, Height: 24})
		a, err := v.Frame(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := v.Frame(ctx, 500)
		if err != nil || a != b || a.Bounds().Dx() != 32 {
			t.Fatalf("still frames: %v %v", b.Bounds(), err)
		}
		// lavfi's colour source goes through YUV, so allow a few levels.
		if c := a.RGBAAt(10, 10); absDiff(c.R, 0x33) > 3 || absDiff(c.G, 0x66) > 3 || absDiff(c.B, 0x99) > 3 || c.A != 255 {
			t.Errorf("still colour %v, want #336699", c)
		}
	})
	t.Run("an image sequence with alpha decodes premultiplied, one frame per picture", func(t *testing.T) {
		v := openClip(t, "half.%03d.png", render.SourceOptions{Rate: rt.Rate25, InputRate: rt.Rate25})
		if !v.HasAlpha() {
			t.Error("HasAlpha is false for RGBA pictures")
		}
		img, err := v.Frame(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		// Straight (255, 0, 0, 128) premultiplies to (128, 0, 0, 128).
		if c := img.RGBAAt(5, 5); c.A < 127 || c.A > 128 || absDiff(c.R, c.A) > 1 || c.G != 0 || c.B != 0 {
			t.Errorf("pixel %v, want premultiplied red at half opacity", c)
		}
		if n := countFrames(t, v); n != 3 {
			t.Errorf("%d frames, want 3", n)
		}
	})
}

func TestDecodingFailuresAreClear(t *testing.T) {
	ctx := context.Background()
	t.Run("a file that is not media names the file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "notes.mp4")
		os.WriteFile(bad, []byte("not a video"), 0o644)
		_, err := render.OpenVideo(ctx, bad, render.SourceOptions{Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "notes.mp4") {
			t.Fatalf("got %v, want an error naming the file", err)
		}
	})
	t.Run("a missing file names the file", func(t *testing.T) {
		_, err := render.OpenVideo(ctx, filepath.Join(t.TempDir(), "gone.mov"), render.SourceOptions{Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "gone.mov") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a zero conform rate is refused", func(t *testing.T) {
		_, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{})
		if err == nil || !strings.Contains(err.Error(), "rate") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a negative size is refused", func(t *testing.T) {
		_, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{Rate: rt.Rate25, Width: -2})
		if err == nil || !strings.Contains(err.Error(), "size") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a missing ffmpeg names the Debian package", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), `Debian package "ffmpeg"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a wrong SLATE_FFMPEG names the variable", func(t *testing.T) {
		t.Setenv("SLATE_FFMPEG", "/nonexistent/ffmpeg")
		_, err := render.FFmpeg()
		if err == nil || !strings.Contains(err.Error(), "SLATE_FFMPEG") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a sound-only file is refused as a picture source", func(t *testing.T) {
		_, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "stereo.wav"), render.SourceOptions{Rate: rt.Rate25})
		if err == nil || !strings.Contains(err.Error(), "stereo.wav") || !strings.Contains(err.Error(), "no picture") {
			t.Fatalf("got %v", err)
		}
	})
	// A stand-in ffmpeg (ffprobe stays real) that fails as a real one can: at once, or after
	// some frames.
	for _, c := range []struct{ name, script string }{
		{"a decode that fails at once says why in ffmpeg's words",
			"echo 'fake: cannot open the decoder' >&2\nexit 1\n"},
		{"a decode that dies after some frames is an error, not the end",
			"\"$REAL\" \"$@\" | head -c 921600\necho 'fake: decoder crashed' >&2\nexit 1\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			real, err := exec.LookPath("ffmpeg")
			if err != nil {
				t.Fatal(err)
			}
			fake := filepath.Join(t.TempDir(), "ffmpeg")
			os.WriteFile(fake, []byte("#!/bin/sh\nREAL="+real+"\n"+c.script), 0o755)
			t.Setenv("SLATE_FFMPEG", fake)
			v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate25})
			var err2 error
			for n := range 20 {
				if _, err2 = v.Frame(ctx, rt.Time(n)); err2 != nil {
					break
				}
			}
			if err2 == nil || !strings.Contains(err2.Error(), "fake: ") || !strings.Contains(err2.Error(), "clip.mp4") || errors.Is(err2, render.ErrSourceEnd) {
				t.Fatalf("got %v, want ffmpeg's message naming the file", err2)
			}
		})
	}
}

func TestDecodingIsSafeFromManyGoroutines(t *testing.T) {
	ctx := context.Background()
	v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate25, Width: 160, Height: 120})
	want := map[int][]byte{}
	for n := range 75 {
		img, err := v.Frame(ctx, rt.Time(n))
		if err != nil {
			t.Fatal(err)
		}
		want[n] = append([]byte(nil), img.Pix...)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				n := (g*37 + i*(g+1)*7) % 75
				img, err := v.Frame(ctx, rt.Time(n))
				if err != nil {
					errs <- err
					return
				}
				if meanDiff(img.Pix, want[n]) != 0 {
					errs <- fmt.Errorf("goroutine %d got the wrong picture for frame %d", g, n)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCancellingAFrameRequestLeavesTheSourceUsable(t *testing.T) {
	v := openClip(t, "clip.mp4", render.SourceOptions{Rate: rt.Rate25})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Frame(ctx, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled request gave %v", err)
	}
	if _, err := v.Frame(context.Background(), 10); err != nil {
		t.Fatalf("the next request failed: %v", err)
	}
}

func TestClosingLeavesNoFFmpegBehind(t *testing.T) {
	ctx := context.Background()
	t.Run("a video source", func(t *testing.T) {
		v, err := render.OpenVideo(ctx, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Frame(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if ffChildren(t) == 0 {
			t.Fatal("no ffmpeg child while decoding")
		}
		v.Close()
		if after := ffChildren(t); after != 0 {
			t.Fatalf("%d ffmpeg children left after Close", after)
		}
		if _, err := v.Frame(ctx, 4); !errors.Is(err, render.ErrSourceClosed) {
			t.Errorf("a frame after Close gave %v, want ErrSourceClosed", err)
		}
	})
	t.Run("a video source whose context ends", func(t *testing.T) {
		life, cancel := context.WithCancel(ctx)
		v, err := render.OpenVideo(life, filepath.Join(testMedia(t), "clip.mp4"), render.SourceOptions{Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if _, err := v.Frame(ctx, 3); err != nil {
			t.Fatal(err)
		}
		cancel()
		if _, err := v.Frame(ctx, 4); err == nil || errors.Is(err, render.ErrSourceEnd) {
			t.Errorf("a frame after the source's context ended gave %v", err)
		}
		v.Close()
		if after := ffChildren(t); after != 0 {
			t.Fatalf("%d ffmpeg children left", after)
		}
	})
	t.Run("an audio decoder", func(t *testing.T) {
		a, err := render.OpenAudio(ctx, filepath.Join(testMedia(t), "clip.mp4"), 48000, 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Read(ctx, 100, make([]float32, 200)); err != nil {
			t.Fatal(err)
		}
		if ffChildren(t) == 0 {
			t.Fatal("no ffmpeg child while decoding")
		}
		a.Close()
		if after := ffChildren(t); after != 0 {
			t.Fatalf("%d ffmpeg children left after Close", after)
		}
	})
}

// ffChildren counts this process's ffmpeg children, zombies included.
func ffChildren(t *testing.T) int {
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

func TestFramePoolHandsOutTheAskedSize(t *testing.T) {
	for _, s := range []image.Point{{4, 2}, {2, 4}, {320, 240}, {4, 2}} {
		img := render.GetFrame(s.X, s.Y)
		if b := img.Bounds(); b.Dx() != s.X || b.Dy() != s.Y || b.Min != (image.Point{}) || img.Stride != 4*s.X || len(img.Pix) != 4*s.X*s.Y {
			t.Fatalf("GetFrame(%d, %d) gave %v stride %d", s.X, s.Y, b, img.Stride)
		}
		render.PutFrame(img)
		render.PutFrame(img.SubImage(image.Rect(0, 0, 1, 1)).(*image.RGBA)) // not whole: ignored
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
