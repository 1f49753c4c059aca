package local_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/render/gen/local"
	"github.com/slate-nle/slate/timeline/rt"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// lavfi makes a test file with ffmpeg from a lavfi graph.
func lavfi(t testing.TB, name, graph string, extra ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	args := append([]string{"-v", "error", "-y", "-f", "lavfi", "-i", graph}, extra...)
	args = append(args, out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("making %s: %v %s", name, err, b)
	}
	return out
}

// still makes a PNG.
func still(t testing.TB, name, graph string) string {
	return lavfi(t, name, graph, "-frames:v", "1")
}

type probed struct {
	Streams []struct {
		CodecType  string `json:"codec_type"`
		CodecName  string `json:"codec_name"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		PixFmt     string `json:"pix_fmt"`
		NbFrames   string `json:"nb_read_frames"`
		SampleRate string `json:"sample_rate"`
		Channels   int    `json:"channels"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobe(t testing.TB, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// frames decodes every frame as w×h RGBA.
func frames(t testing.TB, path string, w, h int) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	n := w * h * 4
	if len(out)%n != 0 || len(out) == 0 {
		t.Fatalf("decoded %d bytes, not a whole number of %dx%d frames", len(out), w, h)
	}
	var fs [][]byte
	for i := 0; i < len(out); i += n {
		fs = append(fs, out[i:i+n])
	}
	return fs
}

func px(f []byte, w, x, y int) (int, int, int, int) {
	i := (y*w + x) * 4
	return int(f[i]), int(f[i+1]), int(f[i+2]), int(f[i+3])
}

func newBackend(t testing.TB) *local.Backend {
	t.Helper()
	b, err := local.New(t.TempDir(), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runOp submits a request and waits for its final event; it returns the outputs or the
// failure message.
func runOp(t testing.TB, b *local.Backend, r gen.Request) ([]gen.Output, string) {
	t.Helper()
	if r.Key == "" {
		r.Key = gen.NewKey()
	}
	if r.Tier == "" {
		r.Tier = gen.Draft
	}
	if r.FPS.Num == 0 {
		r.FPS = rt.Rate24
	}
	caps, _ := b.Capabilities(ctxT(t))
	r.Backend = local.Name
	if err := r.Validate(caps); err != nil {
		return nil, "invalid: " + err.Error()
	}
	h, err := b.Submit(ctxT(t), r)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := b.Events(ctxT(t), h)
	if err != nil {
		t.Fatal(err)
	}
	var last gen.Event
	for e := range ev {
		last = e
	}
	if last.State != gen.Succeeded {
		return nil, string(last.State) + ": " + last.Message
	}
	outs, err := b.Fetch(ctxT(t), h)
	if err != nil {
		t.Fatal(err)
	}
	return outs, ""
}

func mustRun(t testing.TB, b *local.Backend, r gen.Request) []gen.Output {
	t.Helper()
	outs, msg := runOp(t, b, r)
	if msg != "" {
		t.Fatalf("%s failed: %s", r.Op, msg)
	}
	return outs
}

func cam(t testing.TB, s string) gen.Camera {
	c, err := gen.ParseCamera(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkVideo(t *testing.T, path string, w, h, n int) {
	t.Helper()
	p := ffprobe(t, path)
	if len(p.Streams) == 0 || p.Streams[0].Width != w || p.Streams[0].Height != h {
		t.Fatalf("%s: streams %+v, want %dx%d", path, p.Streams, w, h)
	}
	if n > 0 {
		if got, _ := strconv.Atoi(p.Streams[0].NbFrames); got != n {
			t.Errorf("%s has %d frames, want %d", path, got, n)
		}
	}
}

// brightRun is the length of the run of bright pixels through (x, y) along the row.
func brightRun(f []byte, w, y int) int {
	n := 0
	for x := 0; x < w; x++ {
		if r, g, b, _ := px(f, w, x, y); r+g+b > 600 {
			n++
		}
	}
	return n
}

// brightCentre is the mean x of bright pixels on a row.
func brightCentre(f []byte, w, y int) float64 {
	s, n := 0, 0
	for x := 0; x < w; x++ {
		if r, g, b, _ := px(f, w, x, y); r+g+b > 600 {
			s += x
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return float64(s) / float64(n)
}

func TestImageToVideoMovesTheCamera(t *testing.T) {
	b := newBackend(t)
	// A white square in the middle of a dark picture: its size and place show the move.
	img := still(t, "square.png", "color=0x202020:s=320x180,drawbox=x=140:y=70:w=40:h=40:c=white:t=fill")
	run := func(t *testing.T, camera string) [][]byte {
		outs := mustRun(t, b, gen.Request{Op: gen.ImageToVideo, Frames: 24, Width: 160, Height: 90, Seed: 1,
			Camera: cam(t, camera), Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
		checkVideo(t, outs[0].Path, 160, 90, 24)
		return frames(t, outs[0].Path, 160, 90)
	}
	t.Run("a dolly in makes the centre grow", func(t *testing.T) {
		fs := run(t, "dolly in fast")
		first, last := brightRun(fs[0], 160, 45), brightRun(fs[23], 160, 45)
		if float64(last) < float64(first)*1.3 {
			t.Errorf("square %d px wide at the start, %d at the end", first, last)
		}
	})
	t.Run("a zoom out makes it shrink", func(t *testing.T) {
		fs := run(t, "zoom out")
		if brightRun(fs[23], 160, 45) >= brightRun(fs[0], 160, 45) {
			t.Error("the square did not shrink")
		}
	})
	t.Run("a truck right slides the subject left", func(t *testing.T) {
		fs := run(t, "truck right fast")
		if c0, c1 := brightCentre(fs[0], 160, 45), brightCentre(fs[23], 160, 45); c1 > c0-8 {
			t.Errorf("subject centre from %g to %g", c0, c1)
		}
	})
	t.Run("a pan left slides the subject right", func(t *testing.T) {
		fs := run(t, "pan left fast")
		if c0, c1 := brightCentre(fs[0], 160, 45), brightCentre(fs[23], 160, 45); c1 < c0+8 {
			t.Errorf("subject centre from %g to %g", c0, c1)
		}
	})
	t.Run("ease-in moves less in the first half than linear", func(t *testing.T) {
		lin := run(t, "truck right fast linear")
		ein := run(t, "truck right fast ease in")
		c0 := brightCentre(lin[0], 160, 45)
		dl := c0 - brightCentre(lin[8], 160, 45)
		de := brightCentre(ein[0], 160, 45) - brightCentre(ein[8], 160, 45)
		if de >= dl*0.7 {
			t.Errorf("after a third, ease-in moved %g px, linear %g", de, dl)
		}
	})
}

func fileHash(t testing.TB, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

func TestTheSameSeedMakesTheSameFile(t *testing.T) {
	b := newBackend(t)
	img := still(t, "src.png", "testsrc2=s=200x120")
	make := func(seed int64) string {
		outs := mustRun(t, b, gen.Request{Op: gen.ImageToVideo, Frames: 12, Width: 96, Height: 54, Seed: seed,
			Camera: cam(t, "handheld fast"), Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
		return fileHash(t, outs[0].Path)
	}
	if a, b := make(5), make(5); a != b {
		t.Error("two runs with seed 5 differ")
	}
	if make(5) == make(6) {
		t.Error("seeds 5 and 6 shake the same")
	}
}

func TestTextToVideoIsAnAnimaticCard(t *testing.T) {
	b := newBackend(t)
	outs := mustRun(t, b, gen.Request{Op: gen.TextToVideo, Prompt: "a neon street in the rain", Frames: 12,
		Width: 192, Height: 108, Seed: 2, Camera: cam(t, "slow pan right")})
	checkVideo(t, outs[0].Path, 192, 108, 12)
	fs := frames(t, outs[0].Path, 192, 108)
	// The prompt's white type is on the card, and the card moves.
	white := 0
	for y := 0; y < 108; y++ {
		for x := 0; x < 192; x++ {
			if r, g, b, _ := px(fs[6], 192, x, y); r > 200 && g > 200 && b > 200 {
				white++
			}
		}
	}
	if white < 30 {
		t.Errorf("only %d white pixels: no text on the card", white)
	}
	if string(fs[0]) == string(fs[11]) {
		t.Error("the first and last frames are equal: no camera move")
	}
	t.Run("text-to-image gives the card as a PNG", func(t *testing.T) {
		outs := mustRun(t, b, gen.Request{Op: gen.TextToImage, Prompt: "desert dunes at noon", Width: 128, Height: 72, Seed: 2})
		p := ffprobe(t, outs[0].Path)
		if p.Streams[0].CodecName != "png" || p.Streams[0].Width != 128 {
			t.Errorf("card %+v", p.Streams[0])
		}
	})
}

func grayFrame(t testing.TB, path string, w, h int) []float64 {
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d,format=gray", w, h),
		"-f", "rawvideo", "pipe:1").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float64, len(out))
	for i, v := range out {
		f[i] = float64(v)
	}
	return f
}

func meanAbs(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / float64(len(a))
}

func TestKeyframesMorphWithMotionNotACrossfade(t *testing.T) {
	b := newBackend(t)
	big := still(t, "big.png", "testsrc2=s=320x180")
	crop := func(name string, x, y int) string {
		out := filepath.Join(t.TempDir(), name)
		if err := exec.Command("ffmpeg", "-v", "error", "-i", big, "-vf", fmt.Sprintf("crop=160:90:%d:%d", x, y), out).Run(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	first, last, truth := crop("a.png", 40, 40), crop("b.png", 70, 50), crop("mid.png", 55, 45)
	outs := mustRun(t, b, gen.Request{Op: gen.Keyframes, Frames: 25, Width: 160, Height: 90, Seed: 1,
		Inputs: []gen.Input{{Role: gen.RoleImage, Path: first}, {Role: gen.RoleEndImage, Path: last}}})
	checkVideo(t, outs[0].Path, 160, 90, 25)
	all := frames(t, outs[0].Path, 160, 90)
	gray := func(f []byte) []float64 {
		g := make([]float64, 160*90)
		for i := range g {
			g[i] = 0.299*float64(f[i*4]) + 0.587*float64(f[i*4+1]) + 0.114*float64(f[i*4+2])
		}
		return g
	}
	mid, tr := gray(all[12]), grayFrame(t, truth, 160, 90)
	a, bb := grayFrame(t, first, 160, 90), grayFrame(t, last, 160, 90)
	fade := make([]float64, len(a))
	for i := range a {
		fade[i] = (a[i] + bb[i]) / 2
	}
	if dm, df := meanAbs(mid, tr), meanAbs(fade, tr); dm >= df*0.6 {
		t.Errorf("the middle frame is %.1f from the true in-between, a crossfade %.1f", dm, df)
	}
	if d := meanAbs(gray(all[0]), a); d > 6 {
		t.Errorf("first frame is %.1f from the first image", d)
	}
	if d := meanAbs(gray(all[24]), bb); d > 6 {
		t.Errorf("last frame is %.1f from the last image", d)
	}
}

func TestRestyleLooks(t *testing.T) {
	b := newBackend(t)
	clip := lavfi(t, "clip.mp4", "testsrc2=s=96x54:r=24:d=0.25", "-pix_fmt", "yuv420p")
	orig := frames(t, clip, 96, 54)
	restyle := func(t *testing.T, look string, seed int64, extra ...gen.Input) [][]byte {
		r := gen.Request{Op: gen.Restyle, Seed: seed, Params: map[string]string{"look": look},
			Inputs: append([]gen.Input{{Role: gen.RoleVideo, Path: clip}}, extra...)}
		outs := mustRun(t, b, r)
		checkVideo(t, outs[0].Path, 96, 54, 6)
		fs := frames(t, outs[0].Path, 96, 54)
		if string(fs[0]) == string(orig[0]) {
			t.Errorf("%s left the picture unchanged", look)
		}
		return fs
	}
	for _, look := range []string{"teal-orange", "bleach-bypass", "toon", "vhs"} {
		t.Run(look+" changes the picture", func(t *testing.T) { restyle(t, look, 1) })
	}
	t.Run("noir is black and white", func(t *testing.T) {
		fs := restyle(t, "noir", 1)
		for _, p := range [][2]int{{10, 10}, {48, 27}, {80, 40}} {
			r, g, bl, _ := px(fs[0], 96, p[0], p[1])
			if abs(r-g) > 4 || abs(g-bl) > 4 {
				t.Errorf("pixel %v is %d,%d,%d", p, r, g, bl)
			}
		}
	})
	t.Run("sepia is warm", func(t *testing.T) {
		fs := restyle(t, "sepia", 1)
		var r, g, bl int
		for i := 0; i < len(fs[0]); i += 4 {
			r, g, bl = r+int(fs[0][i]), g+int(fs[0][i+1]), bl+int(fs[0][i+2])
		}
		if !(r > g && g > bl) {
			t.Errorf("channel sums are %d,%d,%d", r, g, bl)
		}
	})
	t.Run("film grain follows the seed", func(t *testing.T) {
		a, a2, c := restyle(t, "film-grain", 3), restyle(t, "film-grain", 3), restyle(t, "film-grain", 4)
		if string(a[2]) != string(a2[2]) || string(a[2]) == string(c[2]) {
			t.Error("grain is not a function of the seed")
		}
	})
	t.Run("any .cube LUT applies", func(t *testing.T) {
		cube := filepath.Join(t.TempDir(), "my invert: lut.cube")
		os.WriteFile(cube, []byte("TITLE \"invert\"\nLUT_3D_SIZE 2\n1 1 1\n0 1 1\n1 0 1\n0 0 1\n1 1 0\n0 1 0\n1 0 0\n0 0 0\n"), 0o644)
		fs := restyle(t, "lut", 1, gen.Input{Role: gen.RoleLUT, Path: cube})
		for _, p := range [][2]int{{10, 10}, {48, 27}} {
			r0, g0, b0, _ := px(orig[0], 96, p[0], p[1])
			r, g, bl, _ := px(fs[0], 96, p[0], p[1])
			if abs(r-(255-r0)) > 24 || abs(g-(255-g0)) > 24 || abs(bl-(255-b0)) > 24 {
				t.Errorf("pixel %v: %d,%d,%d from %d,%d,%d is not inverted", p, r, g, bl, r0, g0, b0)
			}
		}
	})
	t.Run("a still restyles to a PNG", func(t *testing.T) {
		img := still(t, "s.png", "testsrc2=s=64x36")
		outs := mustRun(t, b, gen.Request{Op: gen.Restyle, Params: map[string]string{"look": "sepia"},
			Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
		if p := ffprobe(t, outs[0].Path); p.Streams[0].CodecName != "png" || outs[0].Kind != "image" {
			t.Errorf("output %+v %+v", outs[0], p.Streams[0])
		}
	})
	t.Run("a file that is not a LUT is refused", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.cube")
		os.WriteFile(bad, []byte("hello"), 0o644)
		_, msg := runOp(t, b, gen.Request{Op: gen.Restyle, Params: map[string]string{"look": "lut"},
			Inputs: []gen.Input{{Role: gen.RoleVideo, Path: clip}, {Role: gen.RoleLUT, Path: bad}}})
		if !strings.Contains(msg, "LUT_3D_SIZE") {
			t.Errorf("message %q", msg)
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestBackgroundRemovalMakesAlpha(t *testing.T) {
	b := newBackend(t)
	screen := lavfi(t, "green.mp4", "color=0x00FF00:s=96x54:r=24:d=0.25,drawbox=x=36:y=17:w=24:h=20:c=0xC03030:t=fill", "-pix_fmt", "yuv420p")
	check := func(t *testing.T, path string, w, h int) {
		fs := frames(t, path, w, h)
		if _, _, _, a := px(fs[0], w, 3, 3); a != 0 {
			t.Errorf("background alpha %d, want 0", a)
		}
		if _, _, _, a := px(fs[0], w, 48, 27); a != 255 {
			t.Errorf("subject alpha %d, want 255", a)
		}
		if r, g, _, _ := px(fs[0], w, 48, 27); r <= g {
			t.Errorf("subject colour lost: r %d g %d", r, g)
		}
	}
	t.Run("a green screen keys out to ProRes 4444 with alpha", func(t *testing.T) {
		outs := mustRun(t, b, gen.Request{Op: gen.BGRemove, Inputs: []gen.Input{{Role: gen.RoleVideo, Path: screen}}})
		p := ffprobe(t, outs[0].Path)
		if p.Streams[0].CodecName != "prores" || !strings.HasPrefix(p.Streams[0].PixFmt, "yuva444") || !outs[0].Alpha {
			t.Errorf("stream %+v", p.Streams[0])
		}
		check(t, outs[0].Path, 96, 54)
	})
	t.Run("FFV1 keeps alpha too", func(t *testing.T) {
		outs := mustRun(t, b, gen.Request{Op: gen.BGRemove, Params: map[string]string{"format": "ffv1"},
			Inputs: []gen.Input{{Role: gen.RoleVideo, Path: screen}}})
		check(t, outs[0].Path, 96, 54)
	})
	t.Run("a still keys out to an RGBA PNG", func(t *testing.T) {
		img := still(t, "g.png", "color=0x00FF00:s=96x54,drawbox=x=36:y=17:w=24:h=20:c=0xC03030:t=fill")
		outs := mustRun(t, b, gen.Request{Op: gen.BGRemove, Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
		check(t, outs[0].Path, 96, 54)
	})
	t.Run("a difference matte against a clean plate", func(t *testing.T) {
		plate := still(t, "plate.png", "testsrc2=s=96x54")
		shot := still(t, "shot.png", "testsrc2=s=96x54,drawbox=x=36:y=17:w=24:h=20:c=0xC03030:t=fill")
		outs := mustRun(t, b, gen.Request{Op: gen.BGRemove, Params: map[string]string{"method": "difference"},
			Inputs: []gen.Input{{Role: gen.RoleImage, Path: shot}, {Role: gen.RolePlate, Path: plate}}})
		check(t, outs[0].Path, 96, 54)
	})
	t.Run("a difference matte without a plate is refused", func(t *testing.T) {
		_, msg := runOp(t, b, gen.Request{Op: gen.BGRemove, Params: map[string]string{"method": "difference"},
			Inputs: []gen.Input{{Role: gen.RoleVideo, Path: screen}}})
		if !strings.Contains(msg, "--plate") {
			t.Errorf("message %q", msg)
		}
	})
}

func TestInpaintFillsTheMask(t *testing.T) {
	b := newBackend(t)
	img := still(t, "logo.png", "color=0x2040C0:s=96x54,drawbox=x=40:y=20:w=16:h=14:c=red:t=fill")
	mask := still(t, "mask.png", "color=black:s=96x54,drawbox=x=37:y=17:w=22:h=20:c=white:t=fill")
	outs := mustRun(t, b, gen.Request{Op: gen.Inpaint, Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}, {Role: gen.RoleMask, Path: mask}}})
	fs := frames(t, outs[0].Path, 96, 54)
	r, _, bl, _ := px(fs[0], 96, 48, 27)
	if r > bl {
		t.Errorf("centre is %d red, %d blue: the red patch was not filled", r, bl)
	}
	t.Run("an all-black mask is refused", func(t *testing.T) {
		black := still(t, "black.png", "color=black:s=96x54")
		_, msg := runOp(t, b, gen.Request{Op: gen.Inpaint, Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}, {Role: gen.RoleMask, Path: black}}})
		if !strings.Contains(msg, "all black") {
			t.Errorf("message %q", msg)
		}
	})
}

func TestExtend(t *testing.T) {
	b := newBackend(t)
	clip := lavfi(t, "clip.mp4", "testsrc2=s=96x54:r=24:d=0.5", "-pix_fmt", "yuv420p")
	for _, mode := range []string{"hold", "boomerang", "interpolate"} {
		t.Run(mode+" adds the requested frames", func(t *testing.T) {
			outs := mustRun(t, b, gen.Request{Op: gen.Extend, Frames: 6, Params: map[string]string{"mode": mode},
				Inputs: []gen.Input{{Role: gen.RoleVideo, Path: clip}}})
			checkVideo(t, outs[0].Path, 96, 54, 18)
			fs := frames(t, outs[0].Path, 96, 54)
			g := func(i int) []float64 {
				v := make([]float64, len(fs[i]))
				for k, x := range fs[i] {
					v[k] = float64(x)
				}
				return v
			}
			switch mode {
			case "hold":
				if meanAbs(g(17), g(11)) > 2 {
					t.Error("the held frames differ from the last frame")
				}
			case "boomerang":
				if meanAbs(g(13), g(9)) > 3 {
					t.Error("frame 13 does not mirror frame 9")
				}
			case "interpolate":
				// Motion slows to a stop: the last two frames are nearly equal, and the
				// continuation differs from a plain hold.
				if meanAbs(g(17), g(16)) > meanAbs(g(11), g(10)) {
					t.Error("the motion does not slow down")
				}
				if meanAbs(g(14), g(11)) < 0.5 {
					t.Error("the continuation is a freeze")
				}
			}
		})
	}
}

func TestUpscale(t *testing.T) {
	b := newBackend(t)
	img := still(t, "small.png", "testsrc2=s=64x36")
	for _, f := range []int{2, 4} {
		t.Run(fmt.Sprintf("%dx doubles the size %d time(s) and stays sharper than bilinear", f, f/2), func(t *testing.T) {
			outs := mustRun(t, b, gen.Request{Op: gen.Upscale, Params: map[string]string{"factor": strconv.Itoa(f)},
				Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}})
			p := ffprobe(t, outs[0].Path)
			if p.Streams[0].Width != 64*f || p.Streams[0].Height != 36*f {
				t.Fatalf("size %dx%d", p.Streams[0].Width, p.Streams[0].Height)
			}
			ours := grayFrame(t, outs[0].Path, 64*f, 36*f)
			bil := filepath.Join(t.TempDir(), "bilinear.png")
			exec.Command("ffmpeg", "-v", "error", "-i", img, "-vf", fmt.Sprintf("scale=%d:%d:flags=bilinear", 64*f, 36*f), bil).Run()
			plain := grayFrame(t, bil, 64*f, 36*f)
			if edges(ours, 64*f) <= edges(plain, 64*f)*1.05 {
				t.Errorf("edge energy %.1f is not above bilinear's %.1f", edges(ours, 64*f), edges(plain, 64*f))
			}
		})
	}
	t.Run("a video upscales with its frame count", func(t *testing.T) {
		clip := lavfi(t, "c.mp4", "testsrc2=s=64x36:r=24:d=0.25", "-pix_fmt", "yuv420p")
		outs := mustRun(t, b, gen.Request{Op: gen.Upscale, Inputs: []gen.Input{{Role: gen.RoleVideo, Path: clip}}})
		checkVideo(t, outs[0].Path, 128, 72, 6)
	})
}

func edges(g []float64, w int) float64 {
	s := 0.0
	for i := 1; i < len(g); i++ {
		if i%w != 0 {
			s += math.Abs(g[i] - g[i-1])
		}
	}
	return s / float64(len(g))
}

func TestSpeechIsAWAVOfTheWords(t *testing.T) {
	b := newBackend(t)
	outs := mustRun(t, b, gen.Request{Op: gen.Speech, Prompt: "We need to leave before the tide turns.", Seed: 1})
	p := ffprobe(t, outs[0].Path)
	if p.Streams[0].CodecType != "audio" || p.Streams[0].SampleRate != "48000" || p.Streams[0].Channels != 1 || outs[0].Kind != "audio" {
		t.Fatalf("stream %+v", p.Streams[0])
	}
	d, _ := strconv.ParseFloat(p.Format.Duration, 64)
	if d < 1 || d > 10 {
		t.Errorf("duration %g s for one sentence", d)
	}
	raw, _ := os.ReadFile(outs[0].Path)
	loud := 0
	for i := 44; i+1 < len(raw); i += 2 {
		if v := int16(uint16(raw[i]) | uint16(raw[i+1])<<8); v > 2000 || v < -2000 {
			loud++
		}
	}
	if loud < 1000 {
		t.Errorf("only %d loud samples: silence", loud)
	}
}

func TestBadInputFailsClearly(t *testing.T) {
	b := newBackend(t)
	notImage := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(notImage, []byte("this is text"), 0o644)
	tests := []struct {
		name string
		r    gen.Request
		want string
	}{
		{"an unreadable image", gen.Request{Op: gen.ImageToVideo, Frames: 12, Width: 64, Height: 36,
			Inputs: []gen.Input{{Role: gen.RoleImage, Path: notImage}}}, "not readable media"},
		{"a missing image", gen.Request{Op: gen.ImageToVideo, Frames: 12, Width: 64, Height: 36}, "needs --image"},
		{"a duration out of range", gen.Request{Op: gen.TextToVideo, Prompt: "x", Frames: 24 * 200, Width: 64, Height: 36}, "outside local's range"},
		{"a size past 8K", gen.Request{Op: gen.TextToVideo, Prompt: "x", Frames: 24, Width: 9000, Height: 36}, "larger than local allows"},
		{"an unknown look", gen.Request{Op: gen.Restyle, Params: map[string]string{"look": "pastel"},
			Inputs: []gen.Input{{Role: gen.RoleImage, Path: notImage}}}, "must be one of"},
		{"character performance", gen.Request{Op: gen.Performance}, "cannot do performance"},
	}
	for _, tc := range tests {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			_, msg := runOp(t, b, tc.r)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to mention %q", msg, tc.want)
			}
		})
	}
}

func TestJobsAreFoundByKeyAfterARestart(t *testing.T) {
	dir := t.TempDir()
	b1, _ := local.New(dir, local.Options{})
	r := gen.Request{Op: gen.TextToImage, Backend: local.Name, Tier: gen.Draft, Prompt: "snow", Width: 64, Height: 36, Seed: 1, Key: "k1"}
	h, err := b1.Submit(ctxT(t), r)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := b1.Submit(ctxT(t), r)
	if h2 != h {
		t.Errorf("a second submit with the key gave another handle")
	}
	ev, _ := b1.Events(ctxT(t), h)
	for range ev {
	}
	b2, _ := local.New(dir, local.Options{}) // the process restarted
	t.Run("a finished job is reported as it ended", func(t *testing.T) {
		ev, err := b2.Events(ctxT(t), gen.Handle{Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		var last gen.Event
		for e := range ev {
			last = e
		}
		outs, err := b2.Fetch(ctxT(t), gen.Handle{Key: "k1"})
		if last.State != gen.Succeeded || err != nil || len(outs) != 1 {
			t.Errorf("after restart: %+v %v %v", last, outs, err)
		}
	})
	t.Run("an interrupted job is rendered again from its stored request", func(t *testing.T) {
		os.Remove(filepath.Join(dir, "k1", "state.json"))
		b3, _ := local.New(dir, local.Options{})
		ev, err := b3.Events(ctxT(t), gen.Handle{Key: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		var last gen.Event
		for e := range ev {
			last = e
		}
		if last.State != gen.Succeeded {
			t.Errorf("resumed job ended %s %q", last.State, last.Message)
		}
	})
	t.Run("an unknown key is ErrUnknownJob", func(t *testing.T) {
		if _, err := b2.Events(ctxT(t), gen.Handle{Key: "never"}); !errors.Is(err, gen.ErrUnknownJob) {
			t.Errorf("got %v", err)
		}
		if _, err := b2.Events(ctxT(t), gen.Handle{Key: "../etc"}); !errors.Is(err, gen.ErrUnknownJob) {
			t.Errorf("a key with a path in it: %v", err)
		}
	})
}

func TestCancelStopsARender(t *testing.T) {
	b := newBackend(t)
	img := still(t, "src.png", "testsrc2=s=320x180")
	r := gen.Request{Op: gen.ImageToVideo, Backend: local.Name, Tier: gen.Draft, FPS: rt.Rate24, Frames: 24 * 60, Width: 320, Height: 180,
		Seed: 1, Key: "long", Camera: cam(t, "dolly in"), Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}}
	h, err := b.Submit(ctxT(t), r)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := b.Events(ctxT(t), h)
	for e := range ev {
		if e.State == gen.Running && e.Progress > 0 {
			break
		}
	}
	if err := b.Cancel(ctxT(t), h); err != nil {
		t.Fatal(err)
	}
	ev, _ = b.Events(ctxT(t), h)
	var last gen.Event
	for e := range ev {
		last = e
	}
	if last.State != gen.Cancelled {
		t.Errorf("ended %s", last.State)
	}
	if _, err := b.Fetch(ctxT(t), h); err == nil {
		t.Error("fetched outputs of a cancelled job")
	}
}

func TestTheCardShowsTheContinuityReferences(t *testing.T) {
	b := newBackend(t)
	red := still(t, "ana.png", "color=red:s=120x160")
	base := gen.Request{Op: gen.TextToImage, Prompt: "a quiet street", Width: 320, Height: 180, Seed: 4}
	plain := mustRun(t, b, base)
	with := base
	with.Inputs = []gen.Input{{Role: gen.RoleReference, Path: red, Tag: "character:ana"}}
	ref := mustRun(t, b, with)
	a, c := frames(t, plain[0].Path, 320, 180)[0], frames(t, ref[0].Path, 320, 180)[0]
	// The thumbnail sits at the top right: red there with it, not without.
	redAt := func(f []byte) int {
		n := 0
		for y := 0; y < 60; y++ {
			for x := 220; x < 320; x++ {
				if r, g, bl, _ := px(f, 320, x, y); r > 200 && g < 60 && bl < 60 {
					n++
				}
			}
		}
		return n
	}
	if redAt(a) != 0 || redAt(c) < 200 {
		t.Errorf("red pixels at the top right: %d without the reference, %d with it", redAt(a), redAt(c))
	}
}
