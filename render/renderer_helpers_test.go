package render_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// builder makes small timelines for tests.
type builder struct {
	t     testing.TB
	tl    *timeline.Timeline
	media render.MediaMap
}

func newBuilder(t testing.TB, w, h int) *builder {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate{Num: 25, Den: 1}, Width: w, Height: h, SampleRate: 48000})
	if err != nil {
		t.Fatal(err)
	}
	return &builder{t: t, tl: tl, media: render.MediaMap{}}
}

// track adds a track on top of sequence seq (0: the main one).
func (b *builder) track(seq timeline.ID, kind timeline.TrackKind) timeline.ID {
	b.t.Helper()
	if seq == 0 {
		seq = b.tl.Sequence.ID
	}
	s, err := b.tl.SequenceByID(seq)
	if err != nil {
		b.t.Fatal(err)
	}
	id := b.tl.NewID()
	if err := b.tl.InsertTrack(seq, len(s.Tracks), &timeline.Track{ID: id, Kind: kind}); err != nil {
		b.t.Fatal(err)
	}
	return id
}

// nested adds an empty nested sequence.
func (b *builder) nested() timeline.ID {
	b.t.Helper()
	id := b.tl.NewID()
	if err := b.tl.InsertSequence(len(b.tl.Nested), &timeline.Sequence{ID: id}); err != nil {
		b.t.Fatal(err)
	}
	return id
}

// addMedia registers a media item and returns its ID.
func (b *builder) addMedia(m render.Media) timeline.ID {
	id := b.tl.NewID()
	if m.Kind == "" {
		m.Kind = "video"
	}
	if m.Kind != "audio" {
		m.HasVideo = true
	}
	b.media[id] = m
	return id
}

// synth registers a synthetic picture (see synthFrame) of the given native size.
func (b *builder) synth(pattern string, w, h int) timeline.ID {
	return b.addMedia(render.Media{Name: pattern, Path: "synth:" + pattern, Rate: rt.Rate{Num: 25, Den: 1}, Width: w, Height: h})
}

// clip places media (or, with seq set, a nested sequence) on a track.
func (b *builder) clip(track timeline.ID, src timeline.Source, start, dur, in rt.Time, opts ...func(*timeline.Clip)) *timeline.Clip {
	b.t.Helper()
	c := &timeline.Clip{ID: b.tl.NewID(), Source: src, Start: start, Dur: dur, In: in, Speed: timeline.Normal, Enabled: true}
	for _, o := range opts {
		o(c)
	}
	if err := b.tl.InsertClip(track, c); err != nil {
		b.t.Fatal(err)
	}
	_, got, _ := b.tl.Clip(c.ID)
	return got
}

func media(id timeline.ID) timeline.Source { return timeline.Source{Media: id} }

// param sets a keyframed parameter: pairs of (frame, value).
func param(name string, kv ...float64) func(*timeline.Clip) {
	return func(c *timeline.Clip) {
		if c.Params == nil {
			c.Params = map[string]*keyframe.Curve{}
		}
		cv := &keyframe.Curve{}
		if len(kv) == 1 {
			cv.Static = kv[0]
		}
		for i := 0; i+1 < len(kv); i += 2 {
			cv.Keys = append(cv.Keys, keyframe.Key{T: rt.Time(kv[i]), V: kv[i+1]})
		}
		c.Params[name] = cv
	}
}

func blend(mode string) func(*timeline.Clip) { return func(c *timeline.Clip) { c.Blend = mode } }

func speed(num, den int64) func(*timeline.Clip) {
	return func(c *timeline.Clip) { c.Speed = timeline.Speed{Num: num, Den: den} }
}

func transition(b *builder, kind timeline.TransitionKind, a, c *timeline.Clip, dur rt.Time, opts ...func(*timeline.Transition)) {
	b.t.Helper()
	tr := &timeline.Transition{ID: b.tl.NewID(), Kind: kind, A: a.ID, B: c.ID, Dur: dur, Align: timeline.AlignCenter}
	for _, o := range opts {
		o(tr)
	}
	if err := b.tl.InsertTransition(tr); err != nil {
		b.t.Fatal(err)
	}
}

// renderer makes a renderer over synthetic sources.
func (b *builder) renderer(opt render.RendererOptions) *render.Renderer {
	b.t.Helper()
	if opt.OpenVideo == nil {
		opt.OpenVideo = openSynth
	}
	r, err := render.NewRenderer(b.tl, b.media, opt)
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(func() { r.Close() })
	return r
}

// synthSource draws test pictures: deterministic functions of the pattern, the size and the
// frame number, so any frame can be checked.
type synthSource struct {
	pattern string
	w, h    int
	mu      sync.Mutex
	pulls   []rt.Time
}

var synthOpened struct {
	sync.Mutex
	byPath map[string]*synthSource
}

func openSynth(_ context.Context, m render.Media, req render.SourceRequest) (render.FrameSource, error) {
	p, ok := strings.CutPrefix(m.Path, "synth:")
	if !ok {
		return nil, fmt.Errorf("not a synthetic source: %s", m.Path)
	}
	s := &synthSource{pattern: p, w: req.Width, h: req.Height}
	synthOpened.Lock()
	if synthOpened.byPath == nil {
		synthOpened.byPath = map[string]*synthSource{}
	}
	synthOpened.byPath[fmt.Sprintf("%s@%dx%d", m.Path, req.Width, req.Height)] = s
	synthOpened.Unlock()
	return s, nil
}

func (s *synthSource) Frame(_ context.Context, n rt.Time) (*image.RGBA, error) {
	s.mu.Lock()
	s.pulls = append(s.pulls, n)
	s.mu.Unlock()
	return synthFrame(s.pattern, s.w, s.h, n), nil
}

func (s *synthSource) Close() error { return nil }

// synthFrame draws pattern at w×h for frame n:
//
//	bars      eight vertical colour bars, a dark gradient downwards, and a white line at row
//	          (n mod 20)/20 of the height that shows the frame number
//	checker   an 8×4.5 checkerboard of orange and teal shifted right by n cells mod 8
//	disc      a half-transparent magenta disc on transparency (premultiplied)
//	#rrggbb   a solid colour
func synthFrame(pattern string, w, h int, n rt.Time) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bars := []color.RGBA{{235, 235, 235, 255}, {235, 235, 16, 255}, {16, 235, 235, 255}, {16, 235, 16, 255},
		{235, 16, 235, 255}, {235, 16, 16, 255}, {16, 16, 235, 255}, {16, 16, 16, 255}}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			u := (float64(x) + 0.5) / float64(w)
			v := (float64(y) + 0.5) / float64(h)
			var c color.RGBA
			switch {
			case pattern == "bars":
				c = bars[min(7, int(u*8))]
				k := 1 - 0.5*v
				c = color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), 255}
				if int(v*20) == int(n%20) {
					c = color.RGBA{255, 255, 255, 255}
				}
			case pattern == "checker":
				cx, cy := int(u*8)+int(n), int(v*4.5)
				if (cx+cy)%2 == 0 {
					c = color.RGBA{240, 140, 20, 255}
				} else {
					c = color.RGBA{20, 130, 140, 255}
				}
			case pattern == "disc":
				d := math.Hypot((u-0.5)*float64(w), (v-0.5)*float64(h))
				r := 0.4 * float64(min(w, h))
				cov := math.Min(1, math.Max(0, r-d+0.5))
				a := 0.6 * cov
				c = color.RGBA{uint8(math.Round(220 * a)), uint8(math.Round(40 * a)), uint8(math.Round(200 * a)), uint8(math.Round(255 * a))}
			case strings.HasPrefix(pattern, "#"):
				v, _ := strconv.ParseUint(pattern[1:], 16, 32)
				c = color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// at reads a pixel as [r g b a].
func at(img *image.RGBA, x, y int) [4]int {
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+4]
	return [4]int{int(p[0]), int(p[1]), int(p[2]), int(p[3])}
}

// near reports whether two pixels differ by at most tol on every channel.
func near(a, b [4]int, tol int) bool {
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

func frame(t testing.TB, r *render.Renderer, f rt.Time) *image.RGBA {
	t.Helper()
	img, err := r.Frame(context.Background(), f)
	if err != nil {
		t.Fatalf("frame %d: %v", f, err)
	}
	return img
}
