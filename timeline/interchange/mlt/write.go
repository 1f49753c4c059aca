package mlt

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// Write writes doc as MLT XML that melt renders and Shotcut and Kdenlive open: a tractor of a
// black background and one playlist per track (entries and blanks), video tracks composited
// over it with affine transitions and audio tracks mixed; a transition inside a track becomes
// a short nested tractor with a luma (picture) or mix (sound) transition, as Shotcut writes
// them; speeds become timewarp producers and freezes hold producers; position, scale,
// rotation and opacity become affine filters with rect keyframes, volume and pan the volume
// and panner filters. What MLT cannot show the same way is appended to doc.Warnings.
func Write(w io.Writer, doc *core.Doc, opts core.WriteOptions) error {
	if err := doc.Check(); err != nil {
		return fmt.Errorf("mlt: %w", err)
	}
	tl := doc.Timeline
	wr := &writer{doc: doc, tl: tl, rate: tl.Rate, done: map[timeline.ID]string{}}
	main, err := wr.sequence(&tl.Sequence, true)
	if err != nil {
		return err
	}
	title := opts.Title
	if title == "" {
		title = tl.Sequence.Name
	}
	g := gcd(tl.Width, tl.Height)
	root := &xnode{name: "mlt", attrs: []string{"LC_NUMERIC", "C", "version", "7.12.0", "title", title, "producer", main}}
	root.kids = append(root.kids, &xnode{name: "profile", attrs: []string{
		"description", fmt.Sprintf("Slate %dx%d %s fps", tl.Width, tl.Height, tl.Rate),
		"width", itoa(tl.Width), "height", itoa(tl.Height), "progressive", "1",
		"sample_aspect_num", "1", "sample_aspect_den", "1",
		"display_aspect_num", itoa(tl.Width / g), "display_aspect_den", itoa(tl.Height / g),
		"frame_rate_num", strconv.FormatInt(tl.Rate.Num, 10), "frame_rate_den", strconv.FormatInt(tl.Rate.Den, 10),
		"colorspace", mltColorspace(tl.ColorSpace),
	}})
	root.kids = append(root.kids, wr.out...)
	var buf bytes.Buffer
	buf.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	root.write(&buf, 0)
	_, err = w.Write(buf.Bytes())
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return 1
	}
	return a
}

// xnode is an element of the MLT document.
type xnode struct {
	name  string
	attrs []string // key, value, ...
	kids  []*xnode
}

func prop(name, value string) *xnode {
	return &xnode{name: "property", attrs: []string{"name", name, "", value}}
}

func (n *xnode) write(buf *bytes.Buffer, level int) {
	ind := strings.Repeat("  ", level)
	buf.WriteString(ind + "<" + n.name)
	text := ""
	hasText := false
	for i := 0; i+1 < len(n.attrs); i += 2 {
		if n.attrs[i] == "" { // the element's text
			text, hasText = n.attrs[i+1], true
			continue
		}
		buf.WriteString(" " + n.attrs[i] + `="`)
		_ = xml.EscapeText(buf, []byte(n.attrs[i+1]))
		buf.WriteString(`"`)
	}
	switch {
	case hasText:
		buf.WriteString(">")
		_ = xml.EscapeText(buf, []byte(text))
		buf.WriteString("</" + n.name + ">\n")
	case len(n.kids) == 0:
		buf.WriteString("/>\n")
	default:
		buf.WriteString(">\n")
		for _, k := range n.kids {
			k.write(buf, level+1)
		}
		buf.WriteString(ind + "</" + n.name + ">\n")
	}
}

type writer struct {
	doc  *core.Doc
	tl   *timeline.Timeline
	rate rt.Rate
	out  []*xnode               // top-level elements in the order MLT needs: defined before use
	done map[timeline.ID]string // nested sequence -> its tractor id
	n    int
}

func (w *writer) id(prefix string) string {
	w.n++
	return fmt.Sprintf("%s%d", prefix, w.n)
}

func (w *writer) warnf(format string, args ...any) { w.doc.Warnf("mlt: "+format, args...) }

// part is a piece of a track's playlist: a clip's own frames, a transition, or a blank.
type part struct {
	blank      rt.Time
	producer   string
	in, out    int64
	transition *xnode // a nested tractor standing for a transition
}

// source is what a clip's producer shows: entry(f) is the producer frame at timeline f. lo
// and hi are the producer frames the playlist and its transitions use (handles included).
type source struct {
	id     string
	entry  func(f rt.Time) int64
	node   *xnode // the producer, nil for a nested sequence's tractor
	clip   *timeline.Clip
	media  *core.Media
	length int64
	lo, hi int64
}

func (s *source) use(from, to rt.Time) (string, string) {
	a, b := s.entry(from), s.entry(to-1)
	s.lo, s.hi = min(s.lo, a), max(s.hi, b)
	return strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)
}

// sequence writes a sequence as a tractor and returns its id.
func (w *writer) sequence(s *timeline.Sequence, main bool) (string, error) {
	if id, ok := w.done[s.ID]; ok {
		return id, nil
	}
	dur := s.Duration()
	if dur <= 0 {
		dur = 1
	}
	prefix := "main"
	if !main {
		prefix = w.id("seq")
	}
	// Background: opaque black under the main sequence, transparent under a nested one.
	bg := "#ff000000"
	if !main {
		bg = "#00000000"
	}
	black := prefix + "_black"
	w.out = append(w.out, &xnode{name: "producer", attrs: []string{"id", black, "in", "0", "out", i64(dur - 1)}, kids: []*xnode{
		prop("length", i64(dur)), prop("eof", "pause"), prop("resource", bg), prop("aspect_ratio", "1"),
		prop("mlt_service", "color"), prop("mlt_image_format", "rgba"), prop("set.test_audio", "0"),
	}})
	bgList := prefix + "_background"
	w.out = append(w.out, &xnode{name: "playlist", attrs: []string{"id", bgList}, kids: []*xnode{
		{name: "entry", attrs: []string{"producer", black, "in", "0", "out", i64(dur - 1)}},
	}})
	tractor := &xnode{name: "tractor", attrs: []string{"id", prefix, "in", "0", "out", i64(dur - 1)}}
	if main {
		tractor.kids = append(tractor.kids, prop("shotcut", "1"))
	}
	tractor.kids = append(tractor.kids, &xnode{name: "track", attrs: []string{"producer", bgList}})
	solo := false
	for _, t := range s.Tracks {
		solo = solo || (t.Kind == timeline.Audio && t.Solo)
	}
	var transitions []*xnode
	for i, t := range s.Tracks {
		list, err := w.track(t, prefix)
		if err != nil {
			return "", err
		}
		w.out = append(w.out, list)
		tr := &xnode{name: "track", attrs: []string{"producer", list.attrs[1]}}
		hide := "audio"
		if t.Kind == timeline.Audio {
			hide = "video"
		}
		if (t.Kind == timeline.Video && t.Hide) || (t.Kind == timeline.Audio && (t.Mute || (solo && !t.Solo))) {
			hide = "both"
		}
		tr.attrs = append(tr.attrs, "hide", hide)
		tractor.kids = append(tractor.kids, tr)
		b := itoa(i + 1)
		if t.Kind == timeline.Video {
			transitions = append(transitions, &xnode{name: "transition", attrs: []string{"id", w.id("composite")}, kids: []*xnode{
				prop("a_track", "0"), prop("b_track", b), prop("mlt_service", "affine"),
				prop("always_active", "1"), prop("fill", "1"), prop("distort", "0"),
			}})
		} else {
			transitions = append(transitions, &xnode{name: "transition", attrs: []string{"id", w.id("mix")}, kids: []*xnode{
				prop("a_track", "0"), prop("b_track", b), prop("mlt_service", "mix"),
				prop("always_active", "1"), prop("sum", "1"),
			}})
		}
	}
	tractor.kids = append(tractor.kids, transitions...)
	w.out = append(w.out, tractor)
	w.done[s.ID] = prefix
	if len(s.Markers) > 0 && main {
		w.warnf("%d markers are not written: MLT XML has no portable markers", len(s.Markers))
	}
	return prefix, nil
}

func i64(t rt.Time) string { return strconv.FormatInt(int64(t), 10) }

// track writes one track as a playlist.
func (w *writer) track(t *timeline.Track, prefix string) (*xnode, error) {
	list := &xnode{name: "playlist", attrs: []string{"id", w.id(prefix + "_playlist")}}
	if t.Kind == timeline.Video {
		list.kids = append(list.kids, prop("shotcut:video", "1"))
	} else {
		list.kids = append(list.kids, prop("shotcut:audio", "1"))
	}
	list.kids = append(list.kids, prop("shotcut:name", t.Name))
	srcs := map[timeline.ID]*source{}
	for _, c := range t.Clips {
		if !c.Enabled {
			continue
		}
		s, err := w.producer(c, t)
		if err != nil {
			return nil, err
		}
		srcs[c.ID] = s
	}
	// Each clip plays from its own start, or the end of the transition into it, to its end,
	// or the start of the transition out of it; transitions play between.
	into := map[timeline.ID]rt.Range{}
	outOf := map[timeline.ID]*timeline.Transition{}
	for _, tr := range t.Transitions {
		a, b, cut, err := t.Cut(tr)
		if err != nil {
			return nil, err
		}
		if !a.Enabled || !b.Enabled {
			w.warnf("transition %d joins a disabled clip: left out", tr.ID)
			continue
		}
		into[b.ID] = tr.Range(cut)
		outOf[a.ID] = tr
	}
	var pos rt.Time
	for _, c := range t.Clips {
		if !c.Enabled {
			continue
		}
		from, to := c.Start, c.End()
		if r, ok := into[c.ID]; ok {
			from = r.End()
		}
		if tr := outOf[c.ID]; tr != nil {
			to = tr.Range(c.End()).Start
		}
		if from > pos {
			list.kids = append(list.kids, &xnode{name: "blank", attrs: []string{"length", i64(from - pos)}})
		}
		s := srcs[c.ID]
		if to > from {
			in, out := s.use(from, to)
			list.kids = append(list.kids, &xnode{name: "entry", attrs: []string{"producer", s.id, "in", in, "out", out}})
		}
		pos = max(pos, to)
		if tr := outOf[c.ID]; tr != nil {
			_, b, cut, _ := t.Cut(tr)
			r := tr.Range(cut)
			list.kids = append(list.kids, w.transition(tr, t.Kind, s, srcs[b.ID], r)...)
			pos = r.End()
		}
	}
	// Now that every use is known: each producer's range and its filters, which span the
	// frames used so that handles shown in transitions are transformed too.
	for _, c := range t.Clips {
		if s := srcs[c.ID]; s != nil && s.node != nil {
			w.finish(s, t)
		}
	}
	return list, nil
}

// transition writes a transition over range r as nested tractors (a dip is two: into the
// colour, then out of it) and returns the playlist entries that play them.
func (w *writer) transition(tr *timeline.Transition, kind timeline.TrackKind, a, b *source, r rt.Range) []*xnode {
	type leg struct {
		from, to *source
		r        rt.Range
	}
	legs := []leg{{a, b, r}}
	if tr.Kind == timeline.Dip && kind == timeline.Video {
		color := tr.Color
		if color == "" {
			color = "#000000"
		}
		cid := w.id("dip")
		w.out = append(w.out, &xnode{name: "producer", attrs: []string{"id", cid, "in", "0", "out", i64(r.Dur)}, kids: []*xnode{
			prop("length", i64(r.Dur+1)), prop("resource", color), prop("mlt_service", "color"), prop("mlt_image_format", "rgba"),
		}})
		cs := &source{id: cid, entry: func(f rt.Time) int64 { return int64(f - r.Start) }, lo: math.MaxInt64, hi: -1}
		half := r.Dur / 2
		legs = []leg{{a, cs, rt.Range{Start: r.Start, Dur: half}}, {cs, b, rt.Range{Start: r.Start + half, Dur: r.Dur - half}}}
		if half == 0 {
			legs = legs[1:]
		}
	}
	if tr.Kind == timeline.Wipe {
		w.warnf("transition %d: a wipe is written as a dissolve (MLT's wipes need luma files)", tr.ID)
	}
	var entries []*xnode
	for _, l := range legs {
		id := w.id("transition")
		last := i64(l.r.Dur - 1)
		x := &xnode{name: "tractor", attrs: []string{"id", id, "in", "0", "out", last}}
		ai, ao := l.from.use(l.r.Start, l.r.End())
		bi, bo := l.to.use(l.r.Start, l.r.End())
		x.kids = append(x.kids,
			&xnode{name: "track", attrs: []string{"producer", l.from.id, "in", ai, "out", ao}},
			&xnode{name: "track", attrs: []string{"producer", l.to.id, "in", bi, "out", bo}},
		)
		// In and out on the transitions: without them a transition takes its progress from the
		// clips' own in and out and is mistimed.
		if kind == timeline.Video {
			x.kids = append(x.kids, &xnode{name: "transition", attrs: []string{"in", "0", "out", last}, kids: []*xnode{
				prop("a_track", "0"), prop("b_track", "1"), prop("mlt_service", "luma"),
			}})
		} else {
			x.kids = append(x.kids, &xnode{name: "transition", attrs: []string{"in", "0", "out", last}, kids: []*xnode{
				prop("a_track", "0"), prop("b_track", "1"), prop("mlt_service", "mix"), prop("start", "-1"),
			}})
		}
		w.out = append(w.out, x)
		entries = append(entries, &xnode{name: "entry", attrs: []string{"producer", id, "in", "0", "out", last}})
	}
	return entries
}

// producer writes the producer of one clip and its filters.
func (w *writer) producer(c *timeline.Clip, t *timeline.Track) (*source, error) {
	id := fmt.Sprintf("clip%d", c.ID)
	p := &xnode{name: "producer", attrs: []string{"id", id}}
	s := &source{id: id, clip: c, lo: math.MaxInt64, hi: -1}
	var length int64 // frames the producer has, 0 when unknown
	if c.SourceDur > 0 {
		length = int64(c.SourceDur)
	}
	if c.Source.Sequence != 0 {
		seq, err := w.tl.SequenceByID(c.Source.Sequence)
		if err != nil {
			return nil, err
		}
		tid, err := w.sequence(seq, false)
		if err != nil {
			return nil, err
		}
		if c.Speed != timeline.Normal {
			w.warnf("clip %d: the speed of a nested sequence is not written (MLT retimes files only)", c.ID)
		}
		in := c.In
		s.id = tid
		s.entry = func(f rt.Time) int64 { return int64(in + (f - c.Start)) }
		return s, nil
	}
	m, _ := w.doc.MediaByID(c.Source.Media)
	resource := w.resource(m)
	speed := core.SpeedRat(c.Speed)
	pos := core.ClipSource(c) // source frame at Start, timeline rate
	switch {
	case m.Kind == core.KindGenerator:
		p.kids = append(p.kids, prop("resource", generatorColor(m)), prop("mlt_service", "color"), prop("mlt_image_format", "rgba"), prop("length", i64(c.Dur)))
		s.entry = func(f rt.Time) int64 { return int64(f - c.Start) }
	case c.Speed.Freeze():
		p.kids = append(p.kids, prop("mlt_service", "hold"), prop("resource", resource), prop("frame", strconv.FormatInt(int64(c.In), 10)), prop("length", i64(c.Dur)))
		s.entry = func(f rt.Time) int64 { return int64(f - c.Start) }
	case c.Speed == timeline.Normal:
		p.kids = append(p.kids, prop("resource", resource))
		s.entry = func(f rt.Time) int64 { return int64(c.SourceFrame(f)) }
	default:
		// timewarp shows source frame k·speed at its frame k (reversed: length-1-k·|speed|).
		var k0 *big.Rat
		if c.Speed.Num > 0 {
			k0 = new(big.Rat).Quo(pos, speed)
		} else {
			if length == 0 {
				return nil, fmt.Errorf("mlt: clip %d plays backwards but its source length is unknown", c.ID)
			}
			k0 = new(big.Rat).Quo(new(big.Rat).Sub(big.NewRat(length-1, 1), pos), new(big.Rat).Neg(speed))
		}
		k, err := core.Round(k0)
		if err != nil {
			return nil, err
		}
		if !k0.IsInt() {
			w.warnf("clip %d: its speed starts between two of MLT's frames: rounded", c.ID)
		}
		f := strconv.FormatFloat(float64(c.Speed.Num)/float64(c.Speed.Den), 'f', -1, 64)
		p.kids = append(p.kids, prop("resource", f+":"+resource), prop("mlt_service", "timewarp"), prop("warp_speed", f), prop("warp_resource", resource))
		s.entry = func(ff rt.Time) int64 { return int64(k + (ff - c.Start)) }
	}
	if m.Kind == core.KindImage {
		p.kids = append(p.kids, prop("length", i64(max(c.SourceDur, c.In+c.Dur+1))), prop("ttl", "1"))
	}
	if m.Kind == core.KindImageSequence && m.Sequence != nil {
		p.kids = append(p.kids, prop("begin", strconv.FormatInt(m.Sequence.StartFrame, 10)))
	}
	if c.Blend != "" && c.Blend != "normal" {
		w.warnf("clip %d: blend mode %q is not written (the track composite is normal)", c.ID, c.Blend)
	}
	s.node, s.media, s.length = p, m, length
	w.out = append(w.out, p) // defined before the playlists and transitions that use it
	return s, nil
}

// finish sets a producer's range and adds its filters, spanning the frames used.
func (w *writer) finish(s *source, t *timeline.Track) {
	c := s.clip
	first := s.entry(c.Start)
	if s.hi < s.lo {
		s.lo, s.hi = first, s.entry(c.End()-1)
	}
	s.node.attrs = append(s.node.attrs, "in", "0", "out", strconv.FormatInt(max(s.hi, s.length-1), 10))
	// Filter time 0 is the producer frame s.lo: clip-local frame s.lo-first.
	from, to := rt.Time(s.lo-first), rt.Time(s.hi-first)
	if t.Kind == timeline.Video {
		s.node.kids = append(s.node.kids, w.videoFilters(c, s.media, s.lo, s.hi, from, to)...)
	} else {
		s.node.kids = append(s.node.kids, w.audioFilters(c, s.lo, s.hi, from, to)...)
	}
}

func (w *writer) resource(m *core.Media) string {
	if m.Kind == core.KindImageSequence && m.Sequence != nil {
		return m.Sequence.Pattern()
	}
	if m.Path == "" {
		w.warnf("media %q has no file: its clips show nothing", m.Name)
		return m.Name
	}
	return m.Path
}

func generatorColor(m *core.Media) string {
	if m.Generator != nil && len(m.Generator.Params) > 0 {
		var p struct{ Color string }
		if err := json.Unmarshal(m.Generator.Params, &p); err == nil {
			if r, g, b, ok := core.ParseColor(p.Color); ok {
				return fmt.Sprintf("#ff%02x%02x%02x", r, g, b)
			}
		}
	}
	return "#ff000000"
}

// filter is an entry-level filter spanning the clip's producer frames first..last, so its
// keyframe time 0 is the clip's first frame.
func filter(service string, first, last int64, props ...*xnode) *xnode {
	return &xnode{name: "filter", attrs: []string{"in", strconv.FormatInt(first, 10), "out", strconv.FormatInt(last, 10)},
		kids: append([]*xnode{prop("mlt_service", service)}, props...)}
}

var rectParams = []string{"opacity", "position.x", "position.y", "scale", "scale.x", "scale.y", "anchor.x", "anchor.y", "crop.left", "crop.right", "crop.top", "crop.bottom"}

// videoFilters are the affine filter (rect and rotation keyframes) for a clip's transform.
func (w *writer) videoFilters(c *timeline.Clip, m *core.Media, first, last int64, from, to rt.Time) []*xnode {
	animated := false
	for _, n := range append(rectParams, "rotation") {
		if c.Params[n] != nil {
			animated = true
		}
	}
	if !animated {
		return nil
	}
	for _, n := range []string{"crop.left", "crop.right", "crop.top", "crop.bottom"} {
		if cv := c.Params[n]; cv != nil && len(cv.Keys) > 0 {
			w.warnf("clip %d: animated %s is written at its value in each keyframe of the rect, not as a crop", c.ID, n)
		}
	}
	fw, fh := fit(m.Width, m.Height, w.tl.Width, w.tl.Height)
	rect := func(t float64) []float64 {
		v := func(n string) float64 { return param(c, n, t) }
		s := v("scale")
		sx, sy := s*v("scale.x"), s*v("scale.y")
		ax, ay := v("anchor.x")*fw, v("anchor.y")*fh
		x := (float64(w.tl.Width)-fw)/2 + v("position.x") + ax - sx*ax
		y := (float64(w.tl.Height)-fh)/2 + v("position.y") + ay - sy*ay
		wd, ht := fw*sx, fh*sy
		cl, cr, ct, cb := v("crop.left"), v("crop.right"), v("crop.top"), v("crop.bottom")
		x, y = x+cl*wd, y+ct*ht
		wd, ht = wd*(1-cl-cr), ht*(1-ct-cb)
		return []float64{x, y, wd, ht, v("opacity")}
	}
	// The picture is cropped before it is placed: MLT's crop filter takes pixels.
	var out []*xnode
	if cl, cr, ct, cb := param(c, "crop.left", 0), param(c, "crop.right", 0), param(c, "crop.top", 0), param(c, "crop.bottom", 0); cl+cr+ct+cb > 0 {
		sw, sh := m.Width, m.Height
		if sw <= 0 || sh <= 0 {
			sw, sh = w.tl.Width, w.tl.Height
		}
		out = append(out, filter("crop", first, last,
			prop("left", itoa(int(math.Round(cl*float64(sw))))), prop("right", itoa(int(math.Round(cr*float64(sw))))),
			prop("top", itoa(int(math.Round(ct*float64(sh))))), prop("bottom", itoa(int(math.Round(cb*float64(sh)))))))
	}
	keys := animation(c, rectParams, func(t float64) string {
		r := rect(t)
		return fmt.Sprintf("%s %s %s %s %s", num(r[0]), num(r[1]), num(r[2]), num(r[3]), num(r[4]))
	}, linearRect, from, to)
	props := []*xnode{prop("transition.repeat_off", "1"), prop("transition.mirror_off", "1"), prop("transition.fill", "1"), prop("transition.distort", "1"), prop("transition.rect", keys)}
	if c.Params["rotation"] != nil {
		if param(c, "anchor.x", 0) != 0.5 || param(c, "anchor.y", 0) != 0.5 || c.Params["anchor.x"] != nil || c.Params["anchor.y"] != nil {
			w.warnf("clip %d: MLT rotates about the picture's centre, Slate about its anchor: the anchor is not honoured", c.ID)
		}
		rot := animation(c, []string{"rotation"}, func(t float64) string { return num(param(c, "rotation", t)) }, nil, from, to)
		props = append(props, prop("transition.fix_rotate_x", rot))
	}
	return append(out, filter("affine", first, last, props...))
}

// audioFilters are the volume (dB) and panner filters.
func (w *writer) audioFilters(c *timeline.Clip, first, last int64, from, to rt.Time) []*xnode {
	var out []*xnode
	if c.Params["volume"] != nil {
		out = append(out, filter("volume", first, last, prop("level", animation(c, []string{"volume"}, func(t float64) string { return num(param(c, "volume", t)) }, nil, from, to))))
	}
	if c.Params["pan"] != nil {
		out = append(out, filter("panner", first, last, prop("channel", "-1"), prop("split", animation(c, []string{"pan"}, func(t float64) string { return num((param(c, "pan", t) + 1) / 2) }, nil, from, to))))
	}
	return out
}

// param evaluates a clip parameter, clamped as the renderer clamps it.
func param(c *timeline.Clip, name string, t float64) float64 {
	v := c.ParamAt(name, t)
	if d, ok := keyframe.Lookup(name); ok {
		v = d.Clamp(v)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func num(f float64) string {
	s := strconv.FormatFloat(math.Round(f*10000)/10000, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

func fit(sw, sh, fw, fh int) (float64, float64) {
	if sw <= 0 || sh <= 0 {
		return float64(fw), float64(fh)
	}
	k := math.Min(float64(fw)/float64(sw), float64(fh)/float64(sh))
	return float64(sw) * k, float64(sh) * k
}

// linearRect reports whether the rect is linear in the parameters that change on a segment:
// x and w multiply anchor, scale and axis scale, so at most one of each product may change.
func linearRect(changing map[string]bool) bool {
	nx, ny := 0, 0
	for _, n := range []string{"anchor.x", "scale", "scale.x"} {
		if changing[n] {
			nx++
		}
	}
	for _, n := range []string{"anchor.y", "scale", "scale.y"} {
		if changing[n] {
			ny++
		}
	}
	for _, n := range []string{"crop.left", "crop.right", "crop.top", "crop.bottom"} {
		if changing[n] && (nx > 0 || ny > 0) {
			return false
		}
	}
	return nx <= 1 && ny <= 1
}

// animation writes MLT keyframes ("t=v;t=v") for a value built from params over clip-local
// frames from..to; written times count from `from` (the filter's first frame). Where every
// changing parameter is linear (and linear, if given, agrees) one key per segment suffices;
// where all hold, a discrete key ("|="); anything else (bezier, smooth, the easings: MLT 7.12
// knows none of them) is written a key per frame, exact.
func animation(c *timeline.Clip, params []string, value func(t float64) string, linear func(map[string]bool) bool, from, to rt.Time) string {
	a0, end := int64(from), int64(to)
	times := map[int64]bool{a0: true, end: true}
	for _, n := range params {
		if cv := c.Params[n]; cv != nil {
			for _, k := range cv.Keys {
				if int64(k.T) > a0 && int64(k.T) < end {
					times[int64(k.T)] = true
				}
			}
		}
	}
	ts := make([]int64, 0, len(times))
	for t := range times {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	if end <= a0 {
		return "0=" + value(float64(a0))
	}
	var sb strings.Builder
	key := func(t int64, op string) {
		if sb.Len() > 0 {
			sb.WriteByte(';')
		}
		fmt.Fprintf(&sb, "%d%s=%s", t-a0, op, value(float64(t)))
	}
	for i := 0; i+1 < len(ts); i++ {
		a, b := ts[i], ts[i+1]
		changing := map[string]bool{}
		allHold, allLinear := true, true
		for _, n := range params {
			cv := c.Params[n]
			if cv == nil || len(cv.Keys) == 0 {
				continue
			}
			if cv.ValueAt(float64(a)) == cv.ValueAt(float64(b)) && cv.ValueAt(float64(a+b)/2) == cv.ValueAt(float64(a)) {
				continue
			}
			changing[n] = true
			in := segInterp(cv, a)
			allHold = allHold && in == keyframe.Hold
			allLinear = allLinear && (in == "" || in == keyframe.Linear)
		}
		switch {
		case len(changing) == 0 || (allLinear && (linear == nil || linear(changing))):
			key(a, "")
		case allHold:
			key(a, "|")
		default:
			for t := a; t < b; t++ {
				key(t, "")
			}
		}
	}
	key(end, "")
	return sb.String()
}

// segInterp is the interpolation of the curve segment that covers frame t.
func segInterp(cv *keyframe.Curve, t int64) keyframe.Interp {
	i := sort.Search(len(cv.Keys), func(i int) bool { return int64(cv.Keys[i].T) > t }) - 1
	if i < 0 || i >= len(cv.Keys)-1 {
		return keyframe.Linear // before the first or after the last key the value holds: constant
	}
	return cv.Keys[i].Interp
}

// mltColorspace is MLT's profile colorspace for the timeline's: 601 for the SD matrices,
// 709 otherwise (and when unset).
func mltColorspace(cs string) string {
	switch strings.ToLower(cs) {
	case "bt601", "601", "smpte170m", "bt470bg":
		return "601"
	}
	return "709"
}
