package render_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden from the reference compositor")

// The tolerance of the fast compositor against the reference one. The fast path works in
// 8-bit fixed point (bilinear weights and coverage in 1/256 steps, products rounded), the
// reference in float64, so a pixel may differ by a rounding step or two; an edge pixel whose
// coverage lands on the other side of a 1/256 step may differ more, hence the 99.9 %.
const (
	tolChannel = 2    // max |fast − reference| per channel, out of 255 ...
	tolShare   = 99.9 // ... on at least this share of pixels (percent)
	tolPSNR    = 40.0 // and a PSNR of at least this over all channels (dB)
	tolGolden  = 1    // reference against its stored golden: only float rounding across CPUs
)

// goldenCase is a timeline, a frame and a preview scale.
type goldenCase struct {
	name  string
	f     rt.Time
	scale float64
	build func(b *builder)
}

// Two clips cut at frame 10: bars (frames 0..9, source from 3) then the checkerboard.
func cutAt10(b *builder) (*timeline.Clip, *timeline.Clip) {
	v1 := b.track(0, timeline.Video)
	bars, checker := b.synth("bars", 320, 180), b.synth("checker", 320, 180)
	a := b.clip(v1, media(bars), 0, 10, 3)
	c := b.clip(v1, media(checker), 10, 10, 5)
	return a, c
}

func withTransition(kind timeline.TransitionKind, opts ...func(*timeline.Transition)) func(*builder) {
	return func(b *builder) {
		a, c := cutAt10(b)
		transition(b, kind, a, c, 10, opts...)
	}
}

func wipe(dir string, soft float64) func(*timeline.Transition) {
	return func(tr *timeline.Transition) { tr.Direction, tr.Softness = dir, soft }
}

// overBars puts a second clip of pattern over full-frame bars.
func overBars(pattern string, opts ...func(*timeline.Clip)) func(*builder) {
	return func(b *builder) {
		v1, v2 := b.track(0, timeline.Video), b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("bars", 320, 180)), 0, 20, 0)
		b.clip(v2, media(b.synth(pattern, 320, 180)), 0, 20, 0, opts...)
	}
}

var transformed = overBars("checker",
	param("scale", 0, 0.4, 19, 0.8),
	param("rotation", 0, -30, 19, 45),
	param("position.x", 0, -60, 19, 40),
	param("position.y", 0, 20, 19, -10),
	param("anchor.x", 0.3),
	param("crop.right", 0.1))

func goldenCases() []goldenCase {
	var cs []goldenCase
	add := func(name string, f rt.Time, scale float64, build func(*builder)) {
		cs = append(cs, goldenCase{name, f, scale, build})
	}
	cut := func(b *builder) { cutAt10(b) }
	add("cut_last_frame_of_a", 9, 1, cut)
	add("cut_first_frame_of_b", 10, 1, cut)
	add("mid_dissolve", 10, 1, withTransition(timeline.Dissolve))
	add("dip_to_colour_first_half", 7, 1, withTransition(timeline.Dip, func(tr *timeline.Transition) { tr.Color = "#2040c0" }))
	add("dip_to_colour_second_half", 12, 1, withTransition(timeline.Dip, func(tr *timeline.Transition) { tr.Color = "#2040c0" }))
	for _, d := range []string{"right", "left", "up", "down"} {
		add("wipe_"+d, 10, 1, withTransition(timeline.Wipe, wipe(d, 0.2)))
	}
	add("wipe_hard_edge", 8, 1, withTransition(timeline.Wipe, wipe("right", 0)))
	add("keyframed_position", 7, 1, overBars("checker", param("scale", 0.5), param("position.x", 0, -100, 10, 100), param("position.y", 0, 40, 10, -40)))
	add("keyframed_scale", 7, 1, overBars("checker", param("scale", 0, 0.2, 10, 1.3), param("scale.y", 0.7)))
	add("keyframed_rotation", 7, 1, overBars("checker", param("scale", 0.6), param("rotation", 0, 0, 10, 100)))
	add("keyframed_crop", 7, 1, overBars("checker", param("crop.left", 0, 0, 10, 0.3), param("crop.top", 0.1), param("crop.bottom", 0, 0.5, 10, 0.05), param("crop.right", 0.25)))
	add("transform_with_anchor", 13, 1, transformed)
	for _, m := range []string{"normal", "add", "multiply", "screen", "overlay"} {
		add("blend_"+m, 4, 1, overBars("disc", blend(m), param("scale", 1.2)))
		add("blend_"+m+"_opaque", 4, 1, overBars("checker", blend(m), param("scale", 0.7)))
	}
	add("opacity", 4, 1, overBars("checker", param("opacity", 0, 0.1, 10, 0.9), param("scale", 0.8)))
	add("nested_sequence", 6, 1, func(b *builder) {
		seq := b.nested()
		n1, n2 := b.track(seq, timeline.Video), b.track(seq, timeline.Video)
		b.clip(n1, media(b.synth("checker", 320, 180)), 0, 30, 0)
		b.clip(n2, media(b.synth("disc", 320, 180)), 0, 30, 0, blend("screen"))
		v1, v2 := b.track(0, timeline.Video), b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("bars", 320, 180)), 0, 20, 0)
		b.clip(v2, timeline.Source{Sequence: seq}, 0, 20, 5, param("scale", 0.5), param("rotation", 15), param("position.x", 50))
	})
	add("freeze_frame", 15, 1, func(b *builder) {
		v1 := b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("bars", 320, 180)), 0, 20, 7, speed(0, 1))
	})
	add("letterboxed_4x3_source", 3, 1, func(b *builder) {
		v1 := b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("checker", 160, 120)), 0, 20, 0)
	})
	add("offline_media", 3, 1, func(b *builder) {
		v1, v2 := b.track(0, timeline.Video), b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("bars", 320, 180)), 0, 20, 0)
		gone := b.addMedia(render.Media{Path: "/nowhere/interview_take3.mov", Offline: true})
		b.clip(v2, media(gone), 0, 20, 0, param("scale", 0.5), param("position.x", 70))
	})
	add("half_scale", 13, 0.5, transformed)
	add("quarter_scale", 13, 0.25, transformed)
	add("half_scale_dissolve", 10, 0.5, withTransition(timeline.Dissolve))
	return cs
}

func TestFastCompositorMatchesTheReference(t *testing.T) {
	for _, gc := range goldenCases() {
		t.Run(gc.name, func(t *testing.T) {
			b := newBuilder(t, 320, 180)
			gc.build(b)
			ref := frame(t, b.renderer(render.RendererOptions{Scale: gc.scale, Reference: true}), gc.f)
			fast := frame(t, b.renderer(render.RendererOptions{Scale: gc.scale}), gc.f)

			path := filepath.Join("testdata", "golden", gc.name+".png")
			if *update {
				writeGolden(t, path, ref)
			}
			golden := readGolden(t, path)
			if d := diff(ref, golden); d.max > tolGolden {
				t.Errorf("the reference drifted from %s: %v", path, d)
			}
			d := diff(fast, ref)
			t.Logf("fast vs reference: %v", d)
			if d.share < tolShare || d.psnr < tolPSNR {
				t.Errorf("fast compositor vs reference: %v; want ≥ %.1f%% of pixels within %d and PSNR ≥ %.0f dB", d, tolShare, tolChannel, tolPSNR)
				writeGolden(t, filepath.Join(t.TempDir(), "fast.png"), fast)
			}
		})
	}
}

// stats is how two images differ.
type stats struct {
	max   int     // largest channel difference
	share float64 // percent of pixels with every channel within tolChannel
	psnr  float64 // dB over all channels, +Inf when equal
}

func (s stats) String() string {
	return fmt.Sprintf("max difference %d, %.3f%% of pixels within %d, PSNR %.1f dB", s.max, s.share, tolChannel, s.psnr)
}

func diff(a, b *image.RGBA) stats {
	if a.Rect != b.Rect {
		return stats{max: 255, psnr: 0}
	}
	var s stats
	var sq float64
	good := 0
	n := a.Rect.Dx() * a.Rect.Dy()
	for i := 0; i < len(a.Pix); i += 4 {
		ok := true
		for c := 0; c < 4; c++ {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			if d < 0 {
				d = -d
			}
			s.max = max(s.max, d)
			sq += float64(d * d)
			ok = ok && d <= tolChannel
		}
		if ok {
			good++
		}
	}
	s.share = 100 * float64(good) / float64(n)
	mse := sq / float64(4*n)
	s.psnr = math.Inf(1)
	if mse > 0 {
		s.psnr = 10 * math.Log10(255*255/mse)
	}
	return s
}

// Goldens hold the premultiplied bytes as they are (stored as NRGBA so that PNG keeps every
// byte); opaque pixels look right in any viewer.
func writeGolden(t *testing.T, path string, img *image.RGBA) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	raw := &image.NRGBA{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}
	if err := png.Encode(&buf, raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readGolden(t *testing.T, path string) *image.RGBA {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run MatchesTheReference -update to create it)", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	switch n := img.(type) {
	case *image.NRGBA:
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	case *image.RGBA: // written as RGB: every pixel opaque
		return n
	}
	t.Fatalf("%s: decoded as %T, want 8-bit RGBA", path, img)
	return nil
}
