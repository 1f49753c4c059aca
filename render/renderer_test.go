package render_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// recorder is a SourceOpener that logs every open and every frame pulled, per media path.
type recorder struct {
	mu     sync.Mutex
	opens  []string
	pulls  map[string][]rt.Time
	end    rt.Time // frames at or past this return ErrSourceEnd (0: none)
	closes int
	openFn func(m render.Media) error
}

func (rc *recorder) open(ctx context.Context, m render.Media, req render.SourceRequest) (render.FrameSource, error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.opens = append(rc.opens, m.Path)
	if rc.openFn != nil {
		if err := rc.openFn(m); err != nil {
			return nil, err
		}
	}
	if rc.pulls == nil {
		rc.pulls = map[string][]rt.Time{}
	}
	return &recSource{rc: rc, path: m.Path, pattern: strings.TrimPrefix(m.Path, "synth:"), w: req.Width, h: req.Height}, nil
}

func (rc *recorder) pulled(path string) []rt.Time {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.pulls[path])
}

type recSource struct {
	rc      *recorder
	path    string
	pattern string
	w, h    int
}

func (s *recSource) Frame(_ context.Context, n rt.Time) (*image.RGBA, error) {
	s.rc.mu.Lock()
	s.rc.pulls[s.path] = append(s.rc.pulls[s.path], n)
	end := s.rc.end
	s.rc.mu.Unlock()
	if end > 0 && n >= end {
		return nil, fmt.Errorf("frame %d: %w", n, render.ErrSourceEnd)
	}
	return synthFrame(s.pattern, s.w, s.h, n), nil
}

func (s *recSource) Close() error {
	s.rc.mu.Lock()
	s.rc.closes++
	s.rc.mu.Unlock()
	return nil
}

func TestTheRendererPullsOnlyWhatIsVisible(t *testing.T) {
	b := newBuilder(t, 64, 36)
	v1 := b.track(0, timeline.Video)
	ids := []timeline.ID{b.synth("#ff0000", 64, 36), b.synth("#00ff00", 64, 36), b.synth("#0000ff", 64, 36)}
	for i, id := range ids {
		b.clip(v1, media(id), rt.Time(10*i), 10, 0)
	}
	rc := &recorder{}
	r := b.renderer(render.RendererOptions{OpenVideo: rc.open})
	frame(t, r, 15)
	if !slices.Equal(rc.opens, []string{"synth:#00ff00"}) {
		t.Errorf("opened %v, want only the clip under frame 15", rc.opens)
	}
}

func TestSourceFramesFollowTheClip(t *testing.T) {
	cases := []struct {
		name   string
		in     rt.Time
		speed  timeline.Speed
		frames []rt.Time // timeline frames rendered (the clip starts at 10)
		want   []rt.Time // source frames pulled
	}{
		{"at normal speed the source advances with the timeline from In", 5, timeline.Speed{Num: 1, Den: 1}, []rt.Time{10, 11, 14}, []rt.Time{5, 6, 9}},
		{"at double speed it skips every other frame", 5, timeline.Speed{Num: 2, Den: 1}, []rt.Time{10, 11, 12}, []rt.Time{5, 7, 9}},
		{"at half speed each source frame shows twice", 5, timeline.Speed{Num: 1, Den: 2}, []rt.Time{10, 11, 12, 13}, []rt.Time{5, 5, 6, 6}},
		{"in reverse it counts down from In", 30, timeline.Speed{Num: -1, Den: 1}, []rt.Time{10, 11, 12}, []rt.Time{30, 29, 28}},
		{"a freeze frame holds In", 7, timeline.Speed{Num: 0, Den: 1}, []rt.Time{10, 15, 19}, []rt.Time{7, 7, 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(t, 32, 18)
			v1 := b.track(0, timeline.Video)
			b.clip(v1, media(b.synth("bars", 32, 18)), 10, 10, tc.in, speed(tc.speed.Num, tc.speed.Den))
			rc := &recorder{}
			r := b.renderer(render.RendererOptions{OpenVideo: rc.open})
			for _, f := range tc.frames {
				frame(t, r, f)
			}
			if got := rc.pulled("synth:bars"); !slices.Equal(got, tc.want) {
				t.Errorf("pulled %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDecodersLiveAcrossFrames(t *testing.T) {
	b := newBuilder(t, 32, 18)
	v1 := b.track(0, timeline.Video)
	b.clip(v1, media(b.synth("bars", 32, 18)), 0, 30, 0)
	rc := &recorder{}
	r := b.renderer(render.RendererOptions{OpenVideo: rc.open})
	for f := rt.Time(0); f < 30; f++ {
		frame(t, r, f)
	}
	if len(rc.opens) != 1 {
		t.Errorf("opened the source %d times over 30 frames, want once", len(rc.opens))
	}
	// An edited timeline swapped in keeps the decoder.
	tl2 := b.tl.Clone()
	if err := r.SetTimeline(tl2); err != nil {
		t.Fatal(err)
	}
	frame(t, r, 3)
	if len(rc.opens) != 1 {
		t.Errorf("SetTimeline reopened the source (%d opens)", len(rc.opens))
	}
}

func TestOfflineMediaShowsASlateAndKeepsPlaying(t *testing.T) {
	slateRed := [4]int{90, 16, 24, 255}
	cases := []struct {
		name    string
		media   render.Media
		openErr error
	}{
		{"media marked offline", render.Media{Path: "/gone/a.mov", Offline: true}, nil},
		{"a file that is not there when opened", render.Media{Path: "/gone/b.mov"}, fs.ErrNotExist},
		{"a file that may not be read", render.Media{Path: "/locked/c.mov"}, fs.ErrPermission},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(t, 320, 180)
			v1 := b.track(0, timeline.Video)
			b.clip(v1, media(b.addMedia(tc.media)), 0, 10, 0)
			rc := &recorder{openFn: func(render.Media) error { return tc.openErr }}
			img := frame(t, b.renderer(render.RendererOptions{OpenVideo: rc.open}), 4)
			// The card's colour shows away from its text and stripes.
			if got := at(img, 20, 60); got != slateRed {
				t.Errorf("pixel = %v, want the offline slate's %v", got, slateRed)
			}
		})
	}
	t.Run("a decoder that fails for another reason is an error", func(t *testing.T) {
		b := newBuilder(t, 32, 18)
		v1 := b.track(0, timeline.Video)
		b.clip(v1, media(b.addMedia(render.Media{Path: "/broken.mov"})), 0, 10, 0)
		rc := &recorder{openFn: func(render.Media) error { return errors.New("unsupported codec") }}
		_, err := b.renderer(render.RendererOptions{OpenVideo: rc.open}).Frame(t.Context(), 0)
		if err == nil || !strings.Contains(err.Error(), "/broken.mov") || !strings.Contains(err.Error(), "unsupported codec") {
			t.Errorf("error = %v, want one naming the file and the cause", err)
		}
	})
}

func TestPastTheEndTheLastFrameHolds(t *testing.T) {
	b := newBuilder(t, 32, 18)
	v1 := b.track(0, timeline.Video)
	b.clip(v1, media(b.synth("bars", 32, 18)), 0, 20, 0)
	rc := &recorder{end: 5}
	r := b.renderer(render.RendererOptions{OpenVideo: rc.open})
	var last *image.RGBA
	for f := rt.Time(0); f < 8; f++ {
		last = frame(t, r, f)
	}
	want := frame(t, b.renderer(render.RendererOptions{}), 4)
	if d := diff(last, want); d.max != 0 {
		t.Errorf("frame 7 past a 5-frame source differs from its frame 4: %v", d)
	}
}

func TestHiddenTracksAndDisabledClipsDrawNothing(t *testing.T) {
	b := newBuilder(t, 32, 18)
	v1, v2 := b.track(0, timeline.Video), b.track(0, timeline.Video)
	b.clip(v1, media(b.synth("#ff0000", 32, 18)), 0, 10, 0)
	top := b.clip(v2, media(b.synth("#0000ff", 32, 18)), 0, 10, 0)
	r := b.renderer(render.RendererOptions{})
	if got := at(frame(t, r, 0), 16, 9); got != [4]int{0, 0, 255, 255} {
		t.Fatalf("top clip not drawn: %v", got)
	}
	top.Enabled = false
	if got := at(frame(t, r, 0), 16, 9); got != [4]int{255, 0, 0, 255} {
		t.Errorf("a disabled clip still drew: %v", got)
	}
	top.Enabled = true
	_, tr, _, _ := b.tl.Track(v2)
	tr.Hide = true
	if got := at(frame(t, r, 0), 16, 9); got != [4]int{255, 0, 0, 255} {
		t.Errorf("a hidden track still drew: %v", got)
	}
	if got := at(frame(t, r, 12), 16, 9); got != [4]int{} {
		t.Errorf("past every clip the frame is %v, want transparent", got)
	}
}

func TestNestedSequencesRenderAtTheClipsSourceFrame(t *testing.T) {
	b := newBuilder(t, 64, 36)
	seq := b.nested()
	n1 := b.track(seq, timeline.Video)
	b.clip(n1, media(b.synth("bars", 64, 36)), 0, 40, 0)
	v1 := b.track(0, timeline.Video)
	b.clip(v1, timeline.Source{Sequence: seq}, 0, 10, 12)
	got := frame(t, b.renderer(render.RendererOptions{}), 3) // nested frame 15
	direct := newBuilder(t, 64, 36)
	d1 := direct.track(0, timeline.Video)
	direct.clip(d1, media(direct.synth("bars", 64, 36)), 0, 40, 0)
	want := frame(t, direct.renderer(render.RendererOptions{}), 15)
	if d := diff(got, want); d.max > 0 {
		t.Errorf("nested frame differs from the sequence rendered directly: %v", d)
	}
}

func TestFramesMayBeRenderedConcurrently(t *testing.T) {
	b := newBuilder(t, 64, 36)
	a, c := redBlue(b)
	transition(b, timeline.Dissolve, a, c, 11)
	r := b.renderer(render.RendererOptions{})
	want := make([]*image.RGBA, 20)
	for f := range want {
		want[f] = frame(t, r, rt.Time(f))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for f := range want {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img, err := r.Frame(context.Background(), rt.Time(f))
			if err != nil {
				errs <- err
				return
			}
			if d := diff(img, want[f]); d.max != 0 {
				errs <- fmt.Errorf("frame %d differs when rendered concurrently: %v", f, d)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestACancelledContextStopsAFrame(t *testing.T) {
	b := newBuilder(t, 32, 18)
	v1 := b.track(0, timeline.Video)
	b.clip(v1, media(b.synth("bars", 32, 18)), 0, 10, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.renderer(render.RendererOptions{}).Frame(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestTheDecoderCapClosesTheLeastRecentlyUsed(t *testing.T) {
	b := newBuilder(t, 32, 18)
	v1, v2, v3 := b.track(0, timeline.Video), b.track(0, timeline.Video), b.track(0, timeline.Video)
	// Frames 0..9: three layers at once; frames 10..19: two other sources.
	b.clip(v1, media(b.synth("#ff0000", 32, 18)), 0, 10, 0)
	b.clip(v2, media(b.synth("#00ff00", 32, 18)), 0, 10, 0, param("scale", 0.5))
	b.clip(v3, media(b.synth("#0000ff", 32, 18)), 0, 10, 0, param("scale", 0.25))
	b.clip(v1, media(b.synth("#ffff00", 32, 18)), 10, 10, 0)
	b.clip(v2, media(b.synth("#00ffff", 32, 18)), 10, 10, 0, param("scale", 0.5))
	rc := &recorder{}
	r := b.renderer(render.RendererOptions{OpenVideo: rc.open, MaxSources: 2})
	img := frame(t, r, 0)
	// A frame needing more sources than the cap still gets them all.
	for _, p := range []struct {
		x, y int
		want [4]int
	}{{1, 1, [4]int{255, 0, 0, 255}}, {10, 6, [4]int{0, 255, 0, 255}}, {16, 9, [4]int{0, 0, 255, 255}}} {
		if got := at(img, p.x, p.y); got != p.want {
			t.Errorf("frame 0 at (%d,%d) = %v, want %v", p.x, p.y, got, p.want)
		}
	}
	frame(t, r, 12)
	rc.mu.Lock()
	open := len(rc.opens) - rc.closes
	rc.mu.Unlock()
	if open > 2 {
		t.Errorf("%d decoders open after moving on, want at most the cap of 2", open)
	}
}
