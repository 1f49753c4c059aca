package render_test

import (
	"image"
	"math"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Both compositors must satisfy these by-hand expectations; the golden tests then hold the
// fast one to the reference everywhere else.
var compositors = []struct {
	name string
	opt  render.RendererOptions
}{{"fast", render.RendererOptions{}}, {"reference", render.RendererOptions{Reference: true}}}

// redBlue is a red clip (frames 0..9) cutting to a blue one (10..20) on V1.
func redBlue(b *builder) (*timeline.Clip, *timeline.Clip) {
	v1 := b.track(0, timeline.Video)
	red, blue := b.synth("#ff0000", 64, 36), b.synth("#0000ff", 64, 36)
	return b.clip(v1, media(red), 0, 10, 5), b.clip(v1, media(blue), 10, 11, 5)
}

func TestTransitionsMixTheTwoClips(t *testing.T) {
	cases := []struct {
		name string
		kind timeline.TransitionKind
		dur  rt.Time
		f    rt.Time
		want [4]int
		opts []func(*timeline.Transition)
	}{
		{"a cut shows the outgoing clip on its last frame", "", 0, 9, [4]int{255, 0, 0, 255}, nil},
		{"a cut shows the incoming clip on its first frame", "", 0, 10, [4]int{0, 0, 255, 255}, nil},
		// An 11-frame centred dissolve covers 5..15; frame 10 is its middle: (5+0.5)/11 = 1/2.
		{"a dissolve is half and half in its middle", timeline.Dissolve, 11, 10, [4]int{128, 0, 128, 255}, nil},
		{"a dissolve is mostly the outgoing clip at its start", timeline.Dissolve, 11, 5, [4]int{243, 0, 12, 255}, nil},
		{"a dip reaches its colour in the middle", timeline.Dip, 11, 10, [4]int{0, 255, 0, 255},
			[]func(*timeline.Transition){func(tr *timeline.Transition) { tr.Color = "#00ff00" }}},
		{"a dip to black first darkens the outgoing clip", timeline.Dip, 11, 7, [4]int{139, 0, 0, 255}, nil},   // 1 − 2·2.5/11
		{"a dip to black then brightens the incoming clip", timeline.Dip, 11, 13, [4]int{0, 0, 139, 255}, nil}, // 2·8.5/11 − 1
	}
	for _, cmp := range compositors {
		for _, tc := range cases {
			t.Run(cmp.name+": "+tc.name, func(t *testing.T) {
				b := newBuilder(t, 64, 36)
				a, c := redBlue(b)
				if tc.kind != "" {
					transition(b, tc.kind, a, c, tc.dur, tc.opts...)
				}
				img := frame(t, b.renderer(cmp.opt), tc.f)
				if got := at(img, 32, 18); !near(got, tc.want, 1) {
					t.Errorf("frame %d centre = %v, want %v", tc.f, got, tc.want)
				}
			})
		}
	}
}

func TestWipesRevealTheIncomingClipFromTheirStartingEdge(t *testing.T) {
	// At the middle of a hard wipe, the incoming (blue) clip covers the half the edge came from.
	cases := []struct {
		dir        string
		blue, red  image.Point
		horizontal bool
	}{
		{"right", image.Pt(8, 18), image.Pt(56, 18), true},
		{"left", image.Pt(56, 18), image.Pt(8, 18), true},
		{"down", image.Pt(32, 4), image.Pt(32, 32), false},
		{"up", image.Pt(32, 32), image.Pt(32, 4), false},
	}
	for _, cmp := range compositors {
		for _, tc := range cases {
			t.Run(cmp.name+": a wipe "+tc.dir+" has the incoming clip behind its edge", func(t *testing.T) {
				b := newBuilder(t, 64, 36)
				a, c := redBlue(b)
				transition(b, timeline.Wipe, a, c, 11, wipe(tc.dir, 0))
				img := frame(t, b.renderer(cmp.opt), 10)
				if got := at(img, tc.blue.X, tc.blue.Y); got != [4]int{0, 0, 255, 255} {
					t.Errorf("behind the edge at %v = %v, want blue", tc.blue, got)
				}
				if got := at(img, tc.red.X, tc.red.Y); got != [4]int{255, 0, 0, 255} {
					t.Errorf("ahead of the edge at %v = %v, want red", tc.red, got)
				}
			})
		}
	}
	t.Run("a soft wipe blends across its edge", func(t *testing.T) {
		b := newBuilder(t, 64, 36)
		a, c := redBlue(b)
		transition(b, timeline.Wipe, a, c, 11, wipe("right", 0.5))
		img := frame(t, b.renderer(render.RendererOptions{}), 10)
		// The edge sits at the middle column with a soft band half the frame wide.
		got := at(img, 32, 18)
		if got[0] < 100 || got[0] > 155 || got[2] < 100 || got[2] > 155 {
			t.Errorf("at the edge = %v, want about half red, half blue", got)
		}
	})
}

// box is the bounding box of the pixels whose alpha is at least half.
func box(img *image.RGBA) image.Rectangle {
	var r image.Rectangle
	first := true
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if at(img, x, y)[3] >= 128 {
				p := image.Rect(x, y, x+1, y+1)
				if first {
					r, first = p, false
				} else {
					r = r.Union(p)
				}
			}
		}
	}
	return r
}

func TestTransformsPlaceTheClip(t *testing.T) {
	// A 320×180 frame with one solid 320×180 clip; the expected box follows the Placement
	// formula by hand.
	cases := []struct {
		name string
		f    rt.Time
		opts []func(*timeline.Clip)
		want image.Rectangle
	}{
		{"no transform fills the frame", 0, nil, image.Rect(0, 0, 320, 180)},
		{"a quarter scale centres a 80×45 box", 0, []func(*timeline.Clip){param("scale", 0.25)}, image.Rect(120, 67, 200, 113)},
		{"position moves the box", 0, []func(*timeline.Clip){param("scale", 0.25), param("position.x", 40), param("position.y", -20)}, image.Rect(160, 47, 240, 93)},
		// Keys at 0 (x −100) and 10 (x +100): frame 5 is halfway, x = 0.
		{"a keyframed position is interpolated", 5, []func(*timeline.Clip){param("scale", 0.25), param("position.x", 0, -100, 10, 100)}, image.Rect(120, 67, 200, 113)},
		{"a keyframed position holds before its first key", 0, []func(*timeline.Clip){param("scale", 0.25), param("position.x", 0, -100, 10, 100)}, image.Rect(20, 67, 100, 113)},
		{"scale.x stretches only across", 0, []func(*timeline.Clip){param("scale", 0.25), param("scale.x", 2)}, image.Rect(80, 67, 240, 113)},
		{"a quarter turn swaps width and height", 0, []func(*timeline.Clip){param("scale", 0.25), param("rotation", 90)}, image.Rect(137, 50, 183, 130)},
		{"the anchor is the pivot of scale", 0, []func(*timeline.Clip){param("scale", 0.5), param("anchor.x", 0), param("anchor.y", 0)}, image.Rect(0, 0, 160, 90)},
		{"crop removes a side and leaves the rest in place", 0, []func(*timeline.Clip){param("crop.left", 0.5), param("crop.bottom", 0.25)}, image.Rect(160, 0, 320, 135)},
	}
	for _, cmp := range compositors {
		for _, tc := range cases {
			t.Run(cmp.name+": "+tc.name, func(t *testing.T) {
				b := newBuilder(t, 320, 180)
				v1 := b.track(0, timeline.Video)
				b.clip(v1, media(b.synth("#ffffff", 320, 180)), 0, 20, 0, tc.opts...)
				if got := box(frame(t, b.renderer(cmp.opt), tc.f)); !nearRect(got, tc.want) {
					t.Errorf("box %v, want %v", got, tc.want)
				}
			})
		}
	}
}

// nearRect allows each edge of a box to be a pixel off (an edge pixel at exactly half
// coverage may round either way).
func nearRect(a, b image.Rectangle) bool {
	d0, d1 := a.Min.Sub(b.Min), a.Max.Sub(b.Max)
	return abs(d0.X) <= 1 && abs(d0.Y) <= 1 && abs(d1.X) <= 1 && abs(d1.Y) <= 1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestBlendModesFollowTheirFormulas(t *testing.T) {
	// Opaque (200,100,50) over opaque (100,200,250), by the formulas on 0..1 values.
	cases := []struct {
		mode string
		want [4]int
	}{
		{"normal", [4]int{200, 100, 50, 255}},
		{"add", [4]int{255, 255, 255, 255}},                    // min(1, s+d)
		{"multiply", [4]int{78, 78, 49, 255}},                  // s·d
		{"screen", [4]int{222, 222, 251, 255}},                 // s + d − s·d
		{"overlay", [4]int{157, 188, 247, 255}},                // d ≤ ½: 2sd, else 1 − 2(1−s)(1−d)
		{"normal at half opacity", [4]int{150, 150, 150, 255}}, // opacity, not a mode
	}
	for _, cmp := range compositors {
		for _, tc := range cases {
			t.Run(cmp.name+": "+tc.mode, func(t *testing.T) {
				b := newBuilder(t, 32, 18)
				v1, v2 := b.track(0, timeline.Video), b.track(0, timeline.Video)
				b.clip(v1, media(b.synth("#64c8fa", 32, 18)), 0, 5, 0)
				opt := blend(tc.mode)
				if tc.mode == "normal at half opacity" {
					opt = param("opacity", 0.5)
				}
				b.clip(v2, media(b.synth("#c86432", 32, 18)), 0, 5, 0, opt)
				if got := at(frame(t, b.renderer(cmp.opt), 2), 16, 9); !near(got, tc.want, 1) {
					t.Errorf("%s = %v, want %v", tc.mode, got, tc.want)
				}
			})
		}
	}
}

func TestPreviewScalesShrinkTheOutput(t *testing.T) {
	for _, s := range []struct {
		scale float64
		w, h  int
	}{{1, 320, 180}, {0.5, 160, 90}, {0.25, 80, 45}} {
		b := newBuilder(t, 320, 180)
		v1 := b.track(0, timeline.Video)
		b.clip(v1, media(b.synth("#ffffff", 320, 180)), 0, 20, 0, param("scale", 0.5))
		r := b.renderer(render.RendererOptions{Scale: s.scale})
		img := frame(t, r, 0)
		if img.Rect.Dx() != s.w || img.Rect.Dy() != s.h {
			t.Errorf("scale %g: frame is %v, want %dx%d", s.scale, img.Rect, s.w, s.h)
		}
		// The half-size box stays in the same place relative to the frame.
		want := image.Rect(s.w/4, s.h/4, 3*s.w/4, 3*s.h/4)
		if got := box(img); !nearRect(got, want) {
			t.Errorf("scale %g: box %v, want %v", s.scale, got, want)
		}
	}
}

func TestRendererRefusesBadOptions(t *testing.T) {
	b := newBuilder(t, 32, 18)
	for _, s := range []float64{-1, 9} {
		if _, err := render.NewRenderer(b.tl, b.media, render.RendererOptions{Scale: s}); err == nil {
			t.Errorf("scale %g was accepted", s)
		}
	}
	if _, err := render.NewRenderer(nil, b.media, render.RendererOptions{}); err == nil {
		t.Error("a nil timeline was accepted")
	}
	r := b.renderer(render.RendererOptions{})
	if err := r.FrameInto(t.Context(), 0, image.NewRGBA(image.Rect(0, 0, 10, 10))); err == nil {
		t.Error("a destination of the wrong size was accepted")
	}
}

func TestPlacementCornersAreWhereTheClipIsDrawn(t *testing.T) {
	b := newBuilder(t, 320, 180)
	v1 := b.track(0, timeline.Video)
	c := b.clip(v1, media(b.synth("#ffffff", 320, 180)), 0, 20, 0,
		param("scale", 0.25), param("position.x", 40), param("crop.left", 0.5), param("rotation", 90))
	p := render.ClipPlacement(c, 0, 320, 180, 320, 180)
	// Rotated a quarter turn about its centre (200, 90): the kept right half (x 200..240
	// before turning) becomes the lower half, y 90..130, x 177.5..222.5.
	got := p.Corners(320, 180)
	want := [4][2]float64{{222.5, 90}, {222.5, 130}, {177.5, 130}, {177.5, 90}}
	for i := range want {
		if math.Abs(got[i][0]-want[i][0]) > 1e-9 || math.Abs(got[i][1]-want[i][1]) > 1e-9 {
			t.Errorf("corner %d = %v, want %v", i, got[i], want[i])
		}
	}
	if bb := box(frame(t, b.renderer(render.RendererOptions{}), 0)); !nearRect(bb, image.Rect(178, 90, 222, 130)) {
		t.Errorf("drawn box %v, want the corners' box", bb)
	}
}
