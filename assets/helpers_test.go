package assets_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/slate-nle/slate/assets"
)

// Test media is made once per run, in one folder, by the real ffmpeg.
var (
	mediaDir  string
	mediaMu   sync.Mutex
	mediaMade = map[string]error{}
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "assets-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mediaDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// recipes are ffmpeg arguments (output name last) for each test file.
var recipes = map[string][]string{
	"av.mp4": {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2:sample_rate=48000",
		"-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-timecode", "01:00:00:00"},
	"ntsc.mov":    {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=30000/1001:d=1", "-c:v", "mpeg4", "-q:v", "5"},
	"tone.wav":    {"-f", "lavfi", "-i", "sine=f=440:d=1:sample_rate=48000", "-c:a", "pcm_s16le"},
	"silence.wav": {"-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "1", "-c:a", "pcm_s16le"},
	"still.png":   {"-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", "-pix_fmt", "rgba"},
	"still.jpg":   {"-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1"},
	"still.webp":  {"-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1"},
	"still.tiff":  {"-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1"},
	"still.exr":   {"-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1", "-pix_fmt", "gbrpf32le"},
	// Frames 0-14 at 30 fps, then every third: r_frame_rate 30, a lower average.
	"vfr.mp4": {"-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2", "-vf", "select='lt(n,15)+not(mod(n,3))'", "-fps_mode", "vfr",
		"-c:v", "libx264", "-preset", "ultrafast"},
	"long.mp4": {"-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=20", "-c:v", "libx264", "-preset", "ultrafast", "-g", "250"},
	"hd.mp4": {"-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=1", "-f", "lavfi", "-i", "sine=d=1", "-c:v", "libx264", "-preset", "ultrafast",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"},
}

// media returns the path of a test file, making it on first use.
func media(t testing.TB, name string) string {
	t.Helper()
	mediaMu.Lock()
	defer mediaMu.Unlock()
	p := filepath.Join(mediaDir, name)
	err, done := mediaMade[name]
	if !done {
		switch name {
		case "rotated.mp4":
			src := filepath.Join(mediaDir, "av.mp4")
			if _, e := os.Stat(src); e != nil {
				err = ffmpeg(append(recipes["av.mp4"], src)...)
			}
			if err == nil {
				err = ffmpeg("-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", p)
			}
		case "seq":
			err = ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25", "-frames:v", "12", "-start_number", "7",
				filepath.Join(mediaDir, "seq", "shot.%04d.png"))
		default:
			r, ok := recipes[name]
			if !ok {
				t.Fatalf("no recipe for %s", name)
			}
			err = ffmpeg(append(r, p)...)
		}
		mediaMade[name] = err
	}
	if err != nil {
		t.Fatalf("making %s: %v", name, err)
	}
	if name == "seq" {
		return filepath.Join(mediaDir, "seq", "shot.%04d.png")
	}
	return p
}

func ffmpeg(args ...string) error {
	bin, err := assets.FFmpeg()
	if err != nil {
		return err
	}
	for _, a := range args {
		if filepath.IsAbs(a) {
			os.MkdirAll(filepath.Dir(a), 0o755)
		}
	}
	out, err := exec.Command(bin, append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg %v: %v: %s", args, err, out)
	}
	return nil
}

// copyTo copies a test file into dir (files a test changes must be its own).
func copyTo(t testing.TB, src, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
