package render

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// Media is what the renderer needs to know about one media item. The project (or whoever
// owns the media table) fills it in; render never reads the project itself.
type Media struct {
	Name     string  // for messages; the file name when empty
	Path     string  // the file (or image-sequence pattern) to decode
	Kind     string  // "video", "image" (a still), "sequence" (numbered stills), "audio"
	Rate     rt.Rate // the media's own frame rate (zero for stills)
	Width    int     // display size: after rotation metadata is applied
	Height   int
	HasVideo bool // false for audio-only files
	HasAudio bool
	Offline  bool // the file is missing or unreadable: show the "media offline" slate
	// SequenceStart is the first number of an image sequence (Path is then a pattern such as
	// "shot.%04d.png" and Rate its frame rate).
	SequenceStart int
}

// label names the media in messages.
func (m Media) label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Path
}

// MediaResolver maps a clip's media ID to its Media.
type MediaResolver interface {
	Media(id timeline.ID) (Media, error)
}

// MediaMap is a MediaResolver backed by a map, for tests and simple tools.
type MediaMap map[timeline.ID]Media

// Media implements MediaResolver.
func (m MediaMap) Media(id timeline.ID) (Media, error) {
	if v, ok := m[id]; ok {
		return v, nil
	}
	return Media{}, fmt.Errorf("no media %d", id)
}

// FrameSource decodes the frames of one media item at one size, conformed to the timeline
// rate: frame n is the picture on screen at timeline-rate frame n of the source. The images
// it returns are premultiplied and must stay unchanged after they are returned (the renderer
// keeps them across frames and may cache them).
type FrameSource interface {
	Frame(ctx context.Context, n rt.Time) (*image.RGBA, error)
	Close() error
}

// SourceRequest is how a frame source should decode.
type SourceRequest struct {
	Width, Height int     // output pixel size
	Rate          rt.Rate // the timeline rate to conform to
	Still         bool    // a single image shown for every frame
}

// SourceOpener opens a frame source. The context bounds the source's whole life (it is
// cancelled when the renderer closes), not only the open.
type SourceOpener func(ctx context.Context, m Media, req SourceRequest) (FrameSource, error)

// ErrSourceEnd is what a FrameSource returns for a frame past its end; the renderer then
// holds the last frame it showed.
var ErrSourceEnd = errors.New("end of source")

// RendererOptions tune a Renderer. The zero value renders at full size on every core with
// the ffmpeg decoders.
type RendererOptions struct {
	Scale   float64 // output scale: 1 (full size, also for 0), 1/2 or 1/4 for previews; any 0 < s <= 8 works
	Workers int     // goroutines splitting each frame's rows; 0 means GOMAXPROCS
	Cache   FrameCache
	// OpenVideo and OpenAudio replace the ffmpeg decoders (tests, generators, proxies).
	OpenVideo SourceOpener
	OpenAudio AudioOpener
	// MaxSources caps the decoders kept open at once (least recently used close first);
	// 0 means 16.
	MaxSources int
	// Reference draws with the slow reference compositor, the test oracle.
	Reference bool
}

// FrameCache keeps decoded source frames. Implementations must be safe for concurrent use.
type FrameCache interface {
	Get(key FrameKey) (*image.RGBA, bool)
	Put(key FrameKey, img *image.RGBA)
}

// FrameKey names one decoded source frame at one size.
type FrameKey struct {
	Path          string
	Width, Height int
	Frame         rt.Time
}

// Renderer renders frames and sound of a timeline through one pull path shared by export and
// playback: at each frame it asks the main sequence what is visible, pulls only those sources
// from long-lived decoders, and composites them. Frame and Audio may be called from several
// goroutines; source pulls are serialized (decoders read sequentially) while compositing runs
// in parallel. The timeline must not change while a call is running; use SetTimeline between
// calls to swap in an edited one and keep the decoders warm.
type Renderer struct {
	opt   RendererOptions
	res   MediaResolver
	w, h  int // output size
	scale float64

	life   context.Context // the decoders' lifetime
	cancel context.CancelFunc

	pull    sync.Mutex // one plan is built at a time: timeline queries and decoder reads
	tl      *timeline.Timeline
	layers  [][]timeline.Layer // At buffers by nesting depth
	sources map[sourceKey]*list.Element
	lru     *list.List // of *videoSource, most recent first
	gen     int        // counts plans, so a plan never closes a source it uses
	slateMu sync.Mutex
	slates  map[slateKey]*image.RGBA

	comps sync.Pool // *fastCompositor

	audio audioState
}

// sourceKey is one decoder: one media at one size.
type sourceKey struct {
	media timeline.ID
	w, h  int
}

type videoSource struct {
	key  sourceKey
	gen  int // the last plan that used it
	m    Media
	src  FrameSource
	mu   sync.Mutex
	last *image.RGBA // last frame shown, held past the end
	err  error       // an open failure, remembered so a broken file is not reopened every frame
}

// maxDepth bounds sequence nesting (the model refuses cycles; this stops a broken file).
const maxDepth = 16

// NewRenderer prepares to render tl's main sequence.
func NewRenderer(tl *timeline.Timeline, res MediaResolver, opt RendererOptions) (*Renderer, error) {
	if tl == nil {
		return nil, errors.New("render: no timeline")
	}
	if err := tl.Settings.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if res == nil {
		return nil, errors.New("render: no media resolver")
	}
	s := opt.Scale
	if s == 0 {
		s = 1
	}
	if !(s > 0 && s <= maxScale) {
		return nil, fmt.Errorf("render: invalid scale %g: want 0 < scale <= %d", s, maxScale)
	}
	if opt.MaxSources <= 0 {
		opt.MaxSources = 16
	}
	if opt.OpenVideo == nil {
		opt.OpenVideo = openFFmpegVideo
	}
	if opt.OpenAudio == nil {
		opt.OpenAudio = openFFmpegAudio
	}
	w, h := outputSize(tl.Width, tl.Height, s)
	life, cancel := context.WithCancel(context.Background())
	r := &Renderer{
		opt: opt, res: res, w: w, h: h, scale: float64(w) / float64(tl.Width),
		life: life, cancel: cancel,
		tl: tl, sources: map[sourceKey]*list.Element{}, lru: list.New(), slates: map[slateKey]*image.RGBA{},
	}
	r.comps.New = func() any { return newFastCompositor(opt.Workers) }
	prime(tl)
	return r, nil
}

// prime builds the timeline's lazily made lookup tables now, so that the queries made while
// rendering (video and audio may run on different goroutines) only read them.
func prime(tl *timeline.Timeline) {
	tl.SequenceByID(tl.Sequence.ID)
	for _, s := range tl.Sequences() {
		for _, t := range s.Tracks {
			if len(t.Transitions) > 0 {
				t.Cut(t.Transitions[0])
			}
		}
	}
}

// outputSize is the frame size at a preview scale, at least one pixel.
func outputSize(w, h int, s float64) (int, int) {
	return max(1, int(math.Round(float64(w)*s))), max(1, int(math.Round(float64(h)*s)))
}

// Size is the output frame size in pixels.
func (r *Renderer) Size() (int, int) { return r.w, r.h }

// Timeline is the timeline being rendered.
func (r *Renderer) Timeline() *timeline.Timeline {
	r.pull.Lock()
	defer r.pull.Unlock()
	return r.tl
}

// SetTimeline swaps in another version of the timeline (after an edit), keeping the open
// decoders. Its frame size and rate must match.
func (r *Renderer) SetTimeline(tl *timeline.Timeline) error {
	r.pull.Lock()
	defer r.pull.Unlock()
	if tl.Width != r.tl.Width || tl.Height != r.tl.Height || !tl.Rate.Equal(r.tl.Rate) || tl.SampleRate != r.tl.SampleRate {
		return errors.New("render: the new timeline has another frame size, rate or sample rate; make a new renderer")
	}
	prime(tl)
	r.tl = tl
	return nil
}

// Close stops every decoder.
func (r *Renderer) Close() error {
	r.pull.Lock()
	defer r.pull.Unlock()
	r.cancel()
	var first error
	for e := r.lru.Front(); e != nil; e = e.Next() {
		vs := e.Value.(*videoSource)
		if vs.src != nil {
			if err := vs.src.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	r.lru.Init()
	clear(r.sources)
	if err := r.audio.close(); err != nil && first == nil {
		first = err
	}
	return first
}

// Frame renders timeline frame f of the main sequence into a new image of Size().
func (r *Renderer) Frame(ctx context.Context, f rt.Time) (*image.RGBA, error) {
	dst := image.NewRGBA(image.Rect(0, 0, r.w, r.h))
	if err := r.FrameInto(ctx, f, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// FrameInto renders frame f into dst, which must be Size() pixels with its origin at 0,0.
func (r *Renderer) FrameInto(ctx context.Context, f rt.Time, dst *image.RGBA) error {
	p, err := r.planFrame(ctx, f)
	if err != nil {
		return err
	}
	return r.draw(dst, p)
}

// planFrame resolves frame f: which clips show, their parameters and source images.
func (r *Renderer) planFrame(ctx context.Context, f rt.Time) (*plan, error) {
	r.pull.Lock()
	defer r.pull.Unlock()
	r.gen++
	return r.buildPlan(ctx, &r.tl.Sequence, f, 0)
}

// draw composites a plan into dst.
func (r *Renderer) draw(dst *image.RGBA, p *plan) error {
	if dst.Rect != image.Rect(0, 0, p.w, p.h) {
		return fmt.Errorf("render: destination is %v, want %dx%d at 0,0", dst.Rect, p.w, p.h)
	}
	if r.opt.Reference || !littleEndian {
		copy(dst.Pix, referenceComposite(p).Pix)
		return nil
	}
	fc := r.comps.Get().(*fastCompositor)
	fc.composite(dst, p)
	r.comps.Put(fc)
	return nil
}

// pull is one source frame to fetch for a plan.
type pull struct {
	vs  *videoSource
	n   rt.Time
	out *planClip
}

// buildPlan resolves sequence seq at frame f; depth counts nesting. Called with r.pull held.
func (r *Renderer) buildPlan(ctx context.Context, seq *timeline.Sequence, f rt.Time, depth int) (*plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tl := r.tl
	p := &plan{w: r.w, h: r.h, scale: r.scale, frameW: float64(tl.Width), frameH: float64(tl.Height)}
	for len(r.layers) <= depth {
		r.layers = append(r.layers, nil)
	}
	r.layers[depth] = seq.AppendAt(r.layers[depth], f)
	var pulls []pull
	for _, l := range r.layers[depth] {
		if l.Track.Kind != timeline.Video {
			continue
		}
		p.layers = append(p.layers, planLayer{})
		pl := &p.layers[len(p.layers)-1]
		if l.Transition != nil {
			tr := l.Transition
			pl.trans = true
			pl.kind = tr.Kind
			pl.p = (float64(l.Pos) + 0.5) / float64(max(l.Range.Dur, 1))
			pl.dir = tr.Direction
			pl.soft = tr.Softness
			pl.color = parseColor(tr.Color)
		}
	}
	// Second pass: fill the clips (appending above may have moved the layers).
	i := 0
	for _, l := range r.layers[depth] {
		if l.Track.Kind != timeline.Video {
			continue
		}
		pl := &p.layers[i]
		i++
		var err error
		if pulls, err = r.resolveClip(ctx, l.Clip, f, depth, &pl.a, pulls); err != nil {
			return nil, err
		}
		if pl.trans {
			if pulls, err = r.resolveClip(ctx, l.Next, f, depth, &pl.b, pulls); err != nil {
				return nil, err
			}
		}
	}
	if err := r.runPulls(ctx, pulls); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveClip fills out for clip c at timeline frame f: its placement and either its image
// (offline slate, nested sequence) or a pull to fetch it.
func (r *Renderer) resolveClip(ctx context.Context, c *timeline.Clip, f rt.Time, depth int, out *planClip, pulls []pull) ([]pull, error) {
	if c == nil || !c.Enabled {
		return pulls, nil
	}
	tl := r.tl
	local := float64(f - c.Start)
	out.blend = parseBlend(c.Blend)
	n := c.SourceFrame(f)
	if n < 0 {
		n = 0 // a transition reaching before the source's first frame holds it
	}
	if c.SourceDur > 0 && n >= c.SourceDur {
		n = c.SourceDur - 1
	}
	if c.Source.Sequence != 0 {
		seq, err := tl.SequenceByID(c.Source.Sequence)
		if err != nil {
			return pulls, fmt.Errorf("clip %d: %w", c.ID, err)
		}
		if depth+1 >= maxDepth {
			return pulls, fmt.Errorf("clip %d: sequences nested more than %d deep", c.ID, maxDepth)
		}
		sub, err := r.buildPlan(ctx, seq, n, depth+1)
		if err != nil {
			return pulls, err
		}
		img := image.NewRGBA(image.Rect(0, 0, r.w, r.h)) // kept by the plan, so not pooled
		if err := r.draw(img, sub); err != nil {
			return pulls, err
		}
		out.img = img
		out.place = ClipPlacement(c, local, tl.Width, tl.Height, tl.Width, tl.Height)
		return pulls, nil
	}
	m, err := r.res.Media(c.Source.Media)
	if err != nil {
		m = Media{Offline: true, Name: fmt.Sprintf("media %d", c.Source.Media)}
	}
	if !m.Offline && !m.HasVideo && m.Kind == "audio" {
		return pulls, nil // sound only: nothing to draw
	}
	out.place = ClipPlacement(c, local, m.Width, m.Height, tl.Width, tl.Height)
	if m.Offline {
		out.img = r.slate(out.place, m, "MEDIA OFFLINE")
		return pulls, nil
	}
	dw, dh := decodeSize(out.place.FitW, out.place.FitH, r.scale, maxZoom(c), m.Width, m.Height)
	vs := r.source(sourceKey{c.Source.Media, dw, dh}, m)
	return append(pulls, pull{vs: vs, n: n, out: out}), nil
}

// source finds or opens the decoder for key, closing the least recently used one beyond the
// cap. Called with r.pull held.
func (r *Renderer) source(key sourceKey, m Media) *videoSource {
	if e, ok := r.sources[key]; ok {
		r.lru.MoveToFront(e)
		vs := e.Value.(*videoSource)
		if vs.m.Path == m.Path {
			vs.gen = r.gen
			return vs
		}
		r.dropSource(e) // relinked: reopen
	}
	vs := &videoSource{key: key, m: m, gen: r.gen}
	r.sources[key] = r.lru.PushFront(vs)
	// Close the least recently used beyond the cap, never one this plan uses.
	for e := r.lru.Back(); e != nil && r.lru.Len() > r.opt.MaxSources; {
		prev := e.Prev()
		if e.Value.(*videoSource).gen != r.gen {
			r.dropSource(e)
		}
		e = prev
	}
	return vs
}

func (r *Renderer) dropSource(e *list.Element) {
	vs := e.Value.(*videoSource)
	r.lru.Remove(e)
	delete(r.sources, vs.key)
	vs.mu.Lock()
	if vs.src != nil {
		vs.src.Close()
		vs.src = nil
	}
	vs.mu.Unlock()
}

// runPulls fetches the frames of a plan, distinct sources in parallel.
func (r *Renderer) runPulls(ctx context.Context, pulls []pull) error {
	if len(pulls) == 1 {
		return r.fetch(ctx, pulls[0])
	}
	errs := make([]error, len(pulls))
	var wg sync.WaitGroup
	for i := range pulls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.fetch(ctx, pulls[i])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// fetch gets one source frame: from the cache, else from the decoder. A file that is gone
// shows the offline slate; past the end the last frame holds.
func (r *Renderer) fetch(ctx context.Context, pl pull) error {
	vs := pl.vs
	key := FrameKey{Path: vs.m.Path, Width: vs.key.w, Height: vs.key.h, Frame: pl.n}
	if vs.m.Kind == "image" {
		key.Frame = 0
	}
	if ph, ok := r.opt.Cache.(interface{ SetPlayhead(string, rt.Time) }); ok {
		ph.SetPlayhead(key.Path, key.Frame) // keep the frames around the playhead cached
	}
	if r.opt.Cache != nil {
		if img, ok := r.opt.Cache.Get(key); ok {
			pl.out.img = img
			return nil
		}
	}
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.src == nil && vs.err == nil {
		vs.src, vs.err = r.opt.OpenVideo(r.life, vs.m, SourceRequest{
			Width: vs.key.w, Height: vs.key.h, Rate: r.tl.Rate, Still: vs.m.Kind == "image",
		})
	}
	if vs.err != nil {
		if errors.Is(vs.err, fs.ErrNotExist) || errors.Is(vs.err, fs.ErrPermission) {
			pl.out.img = r.slate(pl.out.place, vs.m, "MEDIA OFFLINE")
			return nil
		}
		return fmt.Errorf("render: opening %s: %w", vs.m.label(), vs.err)
	}
	img, err := vs.src.Frame(ctx, key.Frame)
	switch {
	case err == nil:
		vs.last = img
		if r.opt.Cache != nil {
			r.opt.Cache.Put(key, img)
		}
	case isEnd(err) && vs.last != nil:
		img = vs.last
	case isEnd(err):
		return nil // nothing decoded yet and nothing there: transparent
	default:
		return fmt.Errorf("render: %s frame %d: %w", vs.m.label(), pl.n, err)
	}
	pl.out.img = img
	return nil
}

// parseColor reads "#rrggbb" (or "rrggbb"); anything else is black.
func parseColor(s string) [4]byte {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 6 {
		return [4]byte{0, 0, 0, 255}
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return [4]byte{0, 0, 0, 255}
	}
	return [4]byte{byte(v >> 16), byte(v >> 8), byte(v), 255}
}
