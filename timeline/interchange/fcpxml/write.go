package fcpxml

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// Effect identifiers Final Cut Pro knows for its built-in transitions.
const (
	uidCrossDissolve = "FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"
	uidAudioFade     = "FFAudioTransition"
	mdClip           = "com.slate.clip"
	mdTransition     = "com.slate.transition"
	mdTimeline       = "com.slate.timeline"
	mdMedia          = "com.slate.media"
)

// fmtTime writes seconds as FCPXML does: "0s", "5s", "1001/30000s".
func fmtTime(sec *big.Rat) string {
	if sec.IsInt() {
		return sec.Num().String() + "s"
	}
	return sec.Num().String() + "/" + sec.Denom().String() + "s"
}

func frameTime(t rt.Time, r rt.Rate) string { return fmtTime(core.Seconds(t, r)) }

// parseTime reads "1001/30000s", "5s" or "1.5s" into seconds.
func parseTime(s string) (*big.Rat, error) {
	t := strings.TrimSpace(s)
	if !strings.HasSuffix(t, "s") {
		return nil, fmt.Errorf("time %q has no trailing 's'", s)
	}
	r, err := core.ParseRat(strings.TrimSuffix(t, "s"))
	if err != nil {
		return nil, fmt.Errorf("time %q: %v", s, err)
	}
	return r, nil
}

// Slate's own records, in <metadata><md key="com.slate.*" value="{json}"/>: what FCPXML has
// no element for (IDs, keyframes, exact speeds, track flags), so a Slate round trip is exact.
type clipRecord struct {
	ID        timeline.ID                `json:"id"`
	Color     string                     `json:"color,omitempty"`
	Blend     string                     `json:"blend,omitempty"`
	In        rt.Time                    `json:"in"`
	Phase     int64                      `json:"phase,omitempty"`
	Speed     timeline.Speed             `json:"speed"`
	SourceDur rt.Time                    `json:"source_dur,omitempty"`
	Params    map[string]*keyframe.Curve `json:"params,omitempty"`
	Sequence  timeline.ID                `json:"sequence,omitempty"`
}

type transitionRecord struct {
	ID        timeline.ID             `json:"id"`
	Kind      timeline.TransitionKind `json:"kind"`
	Align     timeline.Align          `json:"align"`
	Color     string                  `json:"color,omitempty"`
	Direction string                  `json:"direction,omitempty"`
	Softness  float64                 `json:"softness,omitempty"`
}

type trackRecord struct {
	ID    timeline.ID        `json:"id"`
	Kind  timeline.TrackKind `json:"kind"`
	Name  string             `json:"name,omitempty"`
	Lane  int                `json:"lane"`
	Flags string             `json:"flags,omitempty"` // m s l h: mute, solo, lock, hide
}

// markerRecord keeps what an FCPXML marker cannot: its ID and colour.
type markerRecord struct {
	ID    timeline.ID `json:"id"`
	At    rt.Time     `json:"at"`
	Name  string      `json:"name,omitempty"`
	Color string      `json:"color,omitempty"`
}

type seqRecord struct {
	ID       timeline.ID        `json:"id"`
	Name     string             `json:"name,omitempty"`
	Tracks   []trackRecord      `json:"tracks"`
	Markers  []markerRecord     `json:"markers,omitempty"`
	Settings *timeline.Settings `json:"settings,omitempty"`
	NextID   timeline.ID        `json:"next_id,omitempty"`
}

type mediaRecord struct {
	ID    timeline.ID     `json:"id"`
	Kind  core.MediaKind  `json:"kind,omitempty"`
	Reel  string          `json:"reel,omitempty"`
	Slate json.RawMessage `json:"slate,omitempty"`
}

func metadata(key string, v any) *node {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return el("metadata").add(el("md", "key", key, "value", string(b)))
}

// Write writes doc as FCPXML 1.9 (opts.FCPXMLVersion to declare another). The first video
// track is the primary storyline; every other track is a secondary storyline anchored to it
// (video above, lanes 1, 2, ...; audio below, lanes -1, -2, ...). Nested sequences become
// compound clips. Markers lose their colour. What it drops is appended to doc.Warnings.
func Write(w io.Writer, doc *core.Doc, opts core.WriteOptions) error {
	if err := doc.Check(); err != nil {
		return fmt.Errorf("fcpxml: %w", err)
	}
	version := opts.FCPXMLVersion
	if version == "" {
		version = "1.9"
	}
	wr := &writer{doc: doc, tl: doc.Timeline, rate: doc.Timeline.Rate, assets: map[timeline.ID]string{}, formats: map[string]string{}, compounds: map[timeline.ID]string{}}
	res := el("resources")
	wr.res = res
	wr.seqFormat = wr.format(wr.rate, wr.tl.Width, wr.tl.Height)
	for i := range doc.Media {
		wr.asset(&doc.Media[i])
	}
	title := opts.Title
	if title == "" {
		title = wr.tl.Sequence.Name
	}
	seq, err := wr.sequence(&wr.tl.Sequence, doc.Start, true)
	if err != nil {
		return err
	}
	root := el("fcpxml", "version", version).add(
		res,
		el("library").add(el("event", "name", "Slate").add(el("project", "name", title).add(seq))),
	)
	var buf bytes.Buffer
	buf.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE fcpxml>\n\n")
	root.write(&buf, 0)
	_, err = w.Write(buf.Bytes())
	return err
}

type writer struct {
	doc       *core.Doc
	tl        *timeline.Timeline
	rate      rt.Rate
	res       *node
	seqFormat string
	assets    map[timeline.ID]string // media ID -> asset id
	formats   map[string]string
	compounds map[timeline.ID]string // sequence ID -> media id
	nextID    int
	dissolve  string
	fade      string
}

func (w *writer) id(prefix string) string {
	w.nextID++
	return fmt.Sprintf("%s%d", prefix, w.nextID)
}

// format is the id of a format resource for a rate and size, made once.
func (w *writer) format(r rt.Rate, width, height int) string {
	key := fmt.Sprintf("%s %dx%d", r, width, height)
	if id, ok := w.formats[key]; ok {
		return id
	}
	id := w.id("r")
	f := el("format", "id", id, "frameDuration", fmtTime(big.NewRat(r.Den, r.Num)))
	if width > 0 && height > 0 {
		f.set("width", fmt.Sprint(width))
		f.set("height", fmt.Sprint(height))
	}
	w.res.add(f)
	w.formats[key] = id
	return id
}

func (w *writer) asset(m *core.Media) {
	if m.Kind == core.KindGenerator {
		return
	}
	id := w.id("r")
	w.assets[m.ID] = id
	video := m.Kind != core.KindAudio
	audio := m.Kind == core.KindAudio || m.Audio
	a := el("asset", "id", id, "name", m.Name)
	rate := m.Rate
	if rate.Validate() != nil {
		rate = w.rate
	}
	a.set("start", fmtTime(core.Seconds(m.Available.Start, rate)))
	if m.Available.Dur > 0 {
		a.set("duration", fmtTime(core.Seconds(m.Available.Dur, rate)))
	}
	if video {
		a.set("hasVideo", "1")
		a.set("format", w.format(rate, m.Width, m.Height))
	}
	if audio {
		a.set("hasAudio", "1")
		a.set("audioSources", "1")
		a.set("audioChannels", "2")
		a.set("audioRate", fmt.Sprint(max(w.tl.SampleRate, 8000)))
	}
	src := m.Path
	if m.Kind == core.KindImageSequence && m.Sequence != nil {
		src = m.Sequence.FramePath(0)
	}
	if src == "" {
		src = m.Name
	}
	a.add(el("media-rep", "kind", "original-media", "src", core.FileURL(src)))
	a.add(metadata(mdMedia, mediaRecord{ID: m.ID, Kind: m.Kind, Reel: m.Reel, Slate: m.Slate}))
	w.res.add(a)
}

func (w *writer) effects() (string, string) {
	if w.dissolve == "" {
		w.dissolve = w.id("r")
		w.fade = w.id("r")
		w.res.add(el("effect", "id", w.dissolve, "name", "Cross Dissolve", "uid", uidCrossDissolve))
		w.res.add(el("effect", "id", w.fade, "name", "Audio Crossfade", "uid", uidAudioFade))
	}
	return w.dissolve, w.fade
}

// elem is one element of a storyline with its place in frames.
type elem struct {
	n        *node
	at, dur  rt.Time
	local0   *big.Rat // seconds: the element's local time at its start
	retimed  bool
	isMarker bool
}

func (e *elem) local(t rt.Time, r rt.Rate) *big.Rat {
	return new(big.Rat).Add(e.local0, core.Seconds(t-e.at, r))
}

// sequence writes a sequence element; tcStart is the main sequence's start timecode.
func (w *writer) sequence(s *timeline.Sequence, start rt.Time, main bool) (*node, error) {
	var primary *timeline.Track
	for _, t := range s.Tracks {
		if t.Kind == timeline.Video {
			primary = t
			break
		}
	}
	end := s.Duration()
	for _, m := range s.Markers {
		end = max(end, m.At+1)
	}
	if end == 0 {
		end = 1
	}
	rec := seqRecord{ID: s.ID, Name: s.Name}
	if main {
		st := w.tl.Settings
		rec.Settings, rec.NextID = &st, w.tl.NextID
	}
	laneUp, laneDown := 0, 0
	lanes := map[timeline.ID]int{}
	for _, t := range s.Tracks {
		l := 0
		switch {
		case t == primary:
		case t.Kind == timeline.Video:
			laneUp++
			l = laneUp
		default:
			laneDown--
			l = laneDown
		}
		lanes[t.ID] = l
		flags := ""
		for _, f := range []struct {
			on bool
			c  string
		}{{t.Mute, "m"}, {t.Solo, "s"}, {t.Lock, "l"}, {t.Hide, "h"}} {
			if f.on {
				flags += f.c
			}
		}
		rec.Tracks = append(rec.Tracks, trackRecord{ID: t.ID, Kind: t.Kind, Name: t.Name, Lane: l, Flags: flags})
	}
	base := core.Seconds(start, w.rate)
	spine := el("spine")
	var prim []*elem
	if primary != nil {
		var err error
		if prim, err = w.storyline(spine, primary, 0, end, base); err != nil {
			return nil, err
		}
	} else {
		g := el("gap", "name", "Gap", "offset", fmtTime(base), "duration", frameTime(end, w.rate))
		spine.add(g)
		prim = []*elem{{n: g, at: 0, dur: end, local0: new(big.Rat)}}
	}
	for _, t := range s.Tracks {
		if t == primary || len(t.Clips) == 0 {
			continue
		}
		t0 := t.Clips[0].Start
		anchor := w.anchor(prim, t0)
		sub := el("spine", "lane", fmt.Sprint(lanes[t.ID]), "offset", fmtTime(anchor.local(t0, w.rate)))
		if _, err := w.storyline(sub, t, t0, t.End(), new(big.Rat)); err != nil {
			return nil, err
		}
		w.insertAnchored(anchor.n, sub)
	}
	for _, m := range s.Markers {
		e := w.covering(prim, m.At)
		mk := el("marker", "start", fmtTime(e.local(m.At, w.rate)), "duration", frameTime(max(m.Dur, 1), w.rate), "value", m.Name, "note", m.Note)
		w.insertMarker(e.n, mk)
		rec.Markers = append(rec.Markers, markerRecord{ID: m.ID, At: m.At, Name: m.Name, Color: m.Color})
	}
	seq := el("sequence", "format", w.seqFormat, "duration", frameTime(end, w.rate), "tcStart", fmtTime(base), "tcFormat", "NDF")
	if w.doc.DropFrame && w.rate.DropFrameAllowed() {
		seq.set("tcFormat", "DF")
	}
	if main {
		seq.set("audioLayout", "stereo")
		switch w.tl.SampleRate {
		case 32000, 44100, 48000, 88200, 96000, 176400, 192000:
			seq.set("audioRate", strings.TrimSuffix(fmt.Sprintf("%gk", float64(w.tl.SampleRate)/1000), ".0k"))
		}
	}
	seq.add(spine, metadata(mdTimeline, rec))
	return seq, nil
}

// anchor picks the primary element a secondary storyline starting at t hangs from: the last
// one at or before t that is not retimed (a time map would remap the anchor), else the first
// that is not retimed.
func (w *writer) anchor(prim []*elem, t rt.Time) *elem {
	var best *elem
	for _, e := range prim {
		if e.retimed || e.isMarker {
			continue
		}
		if e.at <= t || best == nil {
			best = e
		}
		if e.at > t {
			break
		}
	}
	if best == nil {
		best = prim[0]
	}
	return best
}

func (w *writer) covering(prim []*elem, t rt.Time) *elem {
	for _, e := range prim {
		if t >= e.at && t < e.at+e.dur && !e.retimed {
			return e
		}
	}
	return w.anchor(prim, t)
}

// Children of a clip come in DTD order: timing, adjustments, anchored items, markers,
// metadata. insertAnchored and insertMarker keep it.
func (w *writer) insertAnchored(parent, kid *node) {
	i := len(parent.kids)
	for j, k := range parent.kids {
		if k.name == "marker" || k.name == "metadata" {
			i = j
			break
		}
	}
	parent.kids = append(parent.kids[:i], append([]*node{kid}, parent.kids[i:]...)...)
}

func (w *writer) insertMarker(parent, kid *node) {
	i := len(parent.kids)
	for j, k := range parent.kids {
		if k.name == "metadata" {
			i = j
			break
		}
	}
	parent.kids = append(parent.kids[:i], append([]*node{kid}, parent.kids[i:]...)...)
}

// storyline writes a track into spine sp, from frame from to frame to: gaps, clips and
// transitions in order. base is the spine's time (seconds) at frame from.
func (w *writer) storyline(sp *node, t *timeline.Track, from, to rt.Time, base *big.Rat) ([]*elem, error) {
	into := map[timeline.ID]*timeline.Transition{}
	for _, tr := range t.Transitions {
		into[tr.B] = tr
	}
	off := func(f rt.Time) string { return fmtTime(new(big.Rat).Add(base, core.Seconds(f-from, w.rate))) }
	var out []*elem
	pos := from
	gap := func(a, b rt.Time) {
		if b <= a {
			return
		}
		g := el("gap", "name", "Gap", "offset", off(a), "duration", frameTime(b-a, w.rate))
		sp.add(g)
		out = append(out, &elem{n: g, at: a, dur: b - a, local0: new(big.Rat)})
	}
	for _, c := range t.Clips {
		gap(pos, c.Start)
		if tr := into[c.ID]; tr != nil {
			in := core.InOffset(tr)
			dv, da := w.effects()
			n := el("transition", "name", "Cross Dissolve", "offset", off(c.Start-in), "duration", frameTime(tr.Dur, w.rate))
			if t.Kind == timeline.Video {
				n.add(el("filter-video", "ref", dv, "name", "Cross Dissolve"))
			} else {
				n.add(el("filter-audio", "ref", da, "name", "Audio Crossfade"))
			}
			n.add(metadata(mdTransition, transitionRecord{ID: tr.ID, Kind: tr.Kind, Align: tr.Align, Color: tr.Color, Direction: tr.Direction, Softness: tr.Softness}))
			sp.add(n)
		}
		e, err := w.clip(c, t, off(c.Start))
		if err != nil {
			return nil, err
		}
		sp.add(e.n)
		out = append(out, e)
		pos = c.End()
	}
	gap(pos, to)
	return out, nil
}

// clip writes one clip element at the given offset.
func (w *writer) clip(c *timeline.Clip, t *timeline.Track, offset string) (*elem, error) {
	rec := clipRecord{ID: c.ID, Color: c.Color, Blend: c.Blend, In: c.In, Phase: c.Phase, Speed: c.Speed, SourceDur: c.SourceDur, Params: c.Params}
	var n *node
	src := core.Seconds(0, w.rate)
	src.Add(src, new(big.Rat).Quo(core.ClipSource(c), core.RateRat(w.rate)))
	name := c.Name
	if c.Source.Sequence != 0 {
		s, err := w.tl.SequenceByID(c.Source.Sequence)
		if err != nil {
			return nil, err
		}
		ref, err := w.compound(s)
		if err != nil {
			return nil, err
		}
		rec.Sequence = s.ID
		if name == "" {
			name = s.Name
		}
		n = el("ref-clip", "ref", ref, "name", name)
	} else {
		m, _ := w.doc.MediaByID(c.Source.Media)
		id, ok := w.assets[c.Source.Media]
		if !ok { // a generator: FCPXML has no neutral one, so it becomes a gap
			w.doc.Warnf("fcpxml: clip %d shows generated media %q: written as a gap", c.ID, m.Name)
			g := el("gap", "name", name, "offset", offset, "duration", frameTime(c.Dur, w.rate))
			return &elem{n: g, at: c.Start, dur: c.Dur, local0: new(big.Rat)}, nil
		}
		if m.Rate.Validate() == nil {
			src.Add(src, core.Seconds(m.Available.Start, m.Rate))
		}
		if name == "" {
			name = m.Name
		}
		n = el("asset-clip", "ref", id, "name", name)
		switch {
		case t.Kind == timeline.Audio:
			n.set("srcEnable", "audio")
		case m.Audio || m.Kind == core.KindAudio:
			n.set("srcEnable", "video")
		}
	}
	n.set("offset", offset)
	n.set("start", fmtTime(src))
	n.set("duration", frameTime(c.Dur, w.rate))
	if !c.Enabled {
		n.set("enabled", "0")
	}
	e := &elem{n: n, at: c.Start, dur: c.Dur, local0: src}
	if c.Speed != timeline.Normal {
		// The time map takes the clip's local time (from its start) to source time.
		d := core.Seconds(c.Dur, w.rate)
		end := new(big.Rat).Add(src, new(big.Rat).Mul(d, core.SpeedRat(c.Speed)))
		n.add(el("timeMap").add(
			el("timept", "time", fmtTime(src), "value", fmtTime(src), "interp", "linear"),
			el("timept", "time", fmtTime(new(big.Rat).Add(src, d)), "value", fmtTime(end), "interp", "linear"),
		))
		e.retimed = true
	}
	n.add(metadata(mdClip, rec))
	return e, nil
}

// compound writes a nested sequence as a <media> resource, once.
func (w *writer) compound(s *timeline.Sequence) (string, error) {
	if id, ok := w.compounds[s.ID]; ok {
		return id, nil
	}
	id := w.id("r")
	w.compounds[s.ID] = id
	seq, err := w.sequence(s, 0, false)
	if err != nil {
		return "", err
	}
	w.res.add(el("media", "id", id, "name", s.Name).add(seq))
	return id, nil
}
