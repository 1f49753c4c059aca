package otio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/rt"
)

// Write writes doc as an .otio document. What it cannot carry is appended to
// doc.Warnings.
func Write(w io.Writer, doc *core.Doc) error {
	b, err := Encode(doc)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Encode is Write into memory.
func Encode(doc *core.Doc) ([]byte, error) {
	return encode(doc, nil)
}

type writer struct {
	doc   *core.Doc
	tl    *timeline.Timeline
	rate  rt.Rate
	media map[timeline.ID]*core.Media
	// url gives the target_url of a media file (.otioz points into the bundle).
	url func(m *core.Media) string
}

func encode(doc *core.Doc, url func(m *core.Media) string) ([]byte, error) {
	if err := doc.Check(); err != nil {
		return nil, fmt.Errorf("otio: %w", err)
	}
	w := &writer{doc: doc, tl: doc.Timeline, rate: doc.Timeline.Rate, media: map[timeline.ID]*core.Media{}, url: url}
	for i := range doc.Media {
		w.media[doc.Media[i].ID] = &doc.Media[i]
	}
	if w.url == nil {
		w.url = func(m *core.Media) string { return core.FileURL(m.Path) }
	}
	root, err := w.timeline()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	root.Encode(&buf, 4)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func (w *writer) warnf(format string, args ...any) { w.doc.Warnf("otio: "+format, args...) }

// rateValue is the timeline rate as OTIO writes rates: a float.
func (w *writer) rateValue(r rt.Rate) *Value {
	return jfloat(float64(r.Num) / float64(r.Den))
}

// ratTime is a RationalTime of x frames at rate r.
func ratTime(x *big.Rat, r rt.Rate) *Value {
	var v *Value
	if x.IsInt() {
		v = jnum(x.Num().String() + ".0")
	} else {
		f, _ := x.Float64()
		v = jfloat(f)
	}
	return jobj("OTIO_SCHEMA", jstr("RationalTime.1"), "rate", jfloat(float64(r.Num)/float64(r.Den)), "value", v)
}

func frameTime(t rt.Time, r rt.Rate) *Value { return ratTime(new(big.Rat).SetInt64(int64(t)), r) }

func trangeV(start *big.Rat, dur rt.Time, r rt.Rate) *Value {
	return jobj("OTIO_SCHEMA", jstr("TimeRange.1"), "duration", frameTime(dur, r), "start_time", ratTime(start, r))
}

// metadata builds an item's metadata: what another tool left (Extra "otio.metadata") plus
// Slate's own record.
func (w *writer) metadata(id timeline.ID, slate any) *Value {
	md := &Value{Kind: Object}
	if raw := w.doc.Extra.Get(id, "otio.metadata"); raw != nil {
		if v, err := valueOfExtra(raw); err == nil && v.Kind == Object {
			md = v
		}
	}
	if slate != nil {
		md.Set(slateKey, fromGo(slate))
	}
	return md
}

func (w *writer) extraValue(id timeline.ID, key string) *Value {
	raw := w.doc.Extra.Get(id, key)
	if raw == nil {
		return nil
	}
	v, err := valueOfExtra(raw)
	if err != nil {
		return nil
	}
	return v
}

// otherExtra is Extra of an object minus the otio.* keys (carried in slate metadata so
// another format's data survives an OTIO round trip).
func (w *writer) otherExtra(id timeline.ID) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	for k, v := range w.doc.Extra[id] {
		if strings.HasPrefix(k, "otio.") {
			continue
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[k] = v
	}
	return out
}

func (w *writer) timeline() (*Value, error) {
	used := map[timeline.ID]bool{}
	for _, s := range w.tl.Sequences() {
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if c.Source.Sequence != 0 {
					used[c.Source.Sequence] = true
				}
			}
		}
	}
	settings := w.tl.Settings
	st := slateTimeline{Version: 1, Settings: &settings, NextID: w.tl.NextID, DropFrame: w.doc.DropFrame, Extra: w.otherExtra(0)}
	md := w.metadata(0, st)
	var unused []*Value
	for _, s := range w.tl.Nested {
		if !used[s.ID] {
			v, err := w.stack(s, nil)
			if err != nil {
				return nil, err
			}
			unused = append(unused, v)
		}
	}
	if len(unused) > 0 {
		md.Get(slateKey).Set("unused_sequences", jarr(unused...))
	}
	gst := jnull()
	if w.doc.Start != 0 {
		gst = frameTime(w.doc.Start, w.rate)
	}
	tracks, err := w.stack(&w.tl.Sequence, nil)
	if err != nil {
		return nil, err
	}
	return jobj(
		"OTIO_SCHEMA", jstr("Timeline.1"),
		"metadata", md,
		"name", jstr(w.tl.Sequence.Name),
		"global_start_time", gst,
		"tracks", tracks,
	), nil
}

// stack writes a sequence as a Stack. As the main stack, clip is nil; as a nested-sequence
// clip it carries the clip's range, speed and Slate record.
func (w *writer) stack(s *timeline.Sequence, clip *timeline.Clip) (*Value, error) {
	children := jarr()
	for _, t := range s.Tracks {
		tv, err := w.track(t)
		if err != nil {
			return nil, err
		}
		children.Arr = append(children.Arr, tv)
	}
	for _, raw := range w.rawList(s.ID, "otio.unknown_children") {
		children.Arr = append(children.Arr, raw)
	}
	markers := jarr()
	for _, m := range s.Markers {
		markers.Arr = append(markers.Arr, w.marker(m))
	}
	v := jobj("OTIO_SCHEMA", jstr("Stack.1"))
	seqRec := &slateSeq{ID: s.ID, Name: s.Name}
	if clip == nil {
		v.Set("metadata", w.metadata(s.ID, seqRec))
		v.Set("name", jstr(s.Name))
		if s.ID == w.tl.Sequence.ID {
			v.Set("name", jstr("tracks"))
		}
		v.Set("source_range", jnull())
		fx := w.extraValue(s.ID, "otio.effects")
		if fx == nil {
			fx = jarr()
		}
		v.Set("effects", fx)
		v.Set("enabled", jbool(true))
	} else {
		rec := w.clipRecord(clip)
		rec.Sequence = seqRec
		v.Set("metadata", w.metadata(clip.ID, rec))
		v.Set("name", jstr(clip.Name))
		v.Set("source_range", trangeV(core.ClipSource(clip), clip.Dur, w.rate))
		v.Set("effects", w.effects(clip))
		v.Set("enabled", jbool(clip.Enabled))
	}
	v.Set("markers", markers)
	v.Set("children", children)
	return v, nil
}

func (w *writer) rawList(id timeline.ID, key string) []*Value {
	raw := w.doc.Extra.Get(id, key)
	if raw == nil {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil
	}
	var out []*Value
	for _, r := range list {
		if v, err := valueOfExtra(r); err == nil {
			out = append(out, v)
		}
	}
	return out
}

func (w *writer) track(t *timeline.Track) (*Value, error) {
	kind := "Video"
	if t.Kind == timeline.Audio {
		kind = "Audio"
	}
	var unknown []unknownItem
	if raw := w.doc.Extra.Get(t.ID, "otio.unknown_items"); raw != nil {
		_ = json.Unmarshal(raw, &unknown)
		sort.SliceStable(unknown, func(i, j int) bool { return unknown[i].At < unknown[j].At })
	}
	children := jarr()
	add := func(v *Value) { children.Arr = append(children.Arr, v) }
	// gapTo emits the space from..to, with the unknown items that fit there put back.
	gapTo := func(from, to rt.Time) {
		for len(unknown) > 0 && unknown[0].At >= from && unknown[0].At+unknown[0].Dur <= to {
			u := unknown[0]
			unknown = unknown[1:]
			if u.At > from {
				add(w.gap(u.At - from))
			}
			if v, err := valueOfExtra(u.Raw); err == nil {
				add(v)
			}
			from = u.At + u.Dur
		}
		if to > from {
			add(w.gap(to - from))
		}
	}
	var pos rt.Time
	for i, c := range t.Clips {
		gapped := c.Start > pos || i == 0
		gapTo(pos, c.Start)
		into := false
		for _, tr := range t.Transitions {
			if tr.B == c.ID {
				add(w.transition(tr))
				into = true
			}
		}
		if !into {
			if v := w.extraValue(c.ID, "otio.transition_before"); v != nil {
				if gapped {
					add(v)
				} else {
					w.warnf("clip %d: the transition before it no longer borders a gap: dropped", c.ID)
				}
			}
		}
		cv, err := w.clip(c)
		if err != nil {
			return nil, err
		}
		add(cv)
		if v := w.extraValue(c.ID, "otio.transition_after"); v != nil {
			if i == len(t.Clips)-1 || t.Clips[i+1].Start > c.End() {
				add(v)
			} else {
				w.warnf("clip %d: the transition after it no longer borders a gap: dropped", c.ID)
			}
		}
		pos = c.End()
	}
	end := pos
	for _, u := range unknown {
		end = max(end, u.At+u.Dur)
	}
	gapTo(pos, end)
	for _, u := range unknown {
		w.warnf("track %d: an item of unknown schema at frame %d is now under a clip: dropped", t.ID, u.At)
	}
	fx := w.extraValue(t.ID, "otio.effects")
	if fx == nil {
		fx = jarr()
	}
	return jobj(
		"OTIO_SCHEMA", jstr("Track.1"),
		"metadata", w.metadata(t.ID, slateTrack{ID: t.ID, Mute: t.Mute, Solo: t.Solo, Lock: t.Lock, Hide: t.Hide}),
		"name", jstr(t.Name),
		"source_range", jnull(),
		"effects", fx,
		"markers", jarr(),
		"enabled", jbool(!(t.Hide && t.Kind == timeline.Video) && !(t.Mute && t.Kind == timeline.Audio)),
		"kind", jstr(kind),
		"children", children,
	), nil
}

func (w *writer) gap(d rt.Time) *Value {
	return jobj(
		"OTIO_SCHEMA", jstr("Gap.1"),
		"metadata", jobj(),
		"name", jstr(""),
		"source_range", trangeV(new(big.Rat), d, w.rate),
		"effects", jarr(),
		"markers", jarr(),
		"enabled", jbool(true),
	)
}

func (w *writer) clipRecord(c *timeline.Clip) *slateClip {
	return &slateClip{ID: c.ID, Color: c.Color, Blend: c.Blend, In: c.In, Phase: c.Phase, Speed: c.Speed, SourceDur: c.SourceDur, Params: c.Params, Extra: w.otherExtra(c.ID)}
}

// effects are the time effects for a clip's speed, then any effects another tool left.
func (w *writer) effects(c *timeline.Clip) *Value {
	fx := jarr()
	switch {
	case c.Speed.Freeze():
		fx.Arr = append(fx.Arr, jobj("OTIO_SCHEMA", jstr("FreezeFrame.1"), "metadata", jobj(), "name", jstr(""), "effect_name", jstr("FreezeFrame"), "time_scalar", jfloat(0)))
	case c.Speed != timeline.Normal && !(c.Speed.Num == c.Speed.Den):
		fx.Arr = append(fx.Arr, jobj("OTIO_SCHEMA", jstr("LinearTimeWarp.1"), "metadata", jobj(), "name", jstr(""), "effect_name", jstr("LinearTimeWarp"), "time_scalar", jfloat(float64(c.Speed.Num)/float64(c.Speed.Den))))
	}
	if rest := w.extraValue(c.ID, "otio.effects"); rest != nil {
		fx.Arr = append(fx.Arr, rest.arr()...)
	}
	return fx
}

func (w *writer) clip(c *timeline.Clip) (*Value, error) {
	if c.Source.Sequence != 0 {
		s, err := w.tl.SequenceByID(c.Source.Sequence)
		if err != nil {
			return nil, err
		}
		return w.stack(s, c)
	}
	m := w.media[c.Source.Media]
	ref := w.ref(m, c)
	// The source range counts in the media's own time: its first frame is its start
	// timecode.
	start := core.ClipSource(c)
	if m.Available.Start != 0 && m.Rate.Validate() == nil {
		start.Add(start, new(big.Rat).Mul(core.Seconds(m.Available.Start, m.Rate), core.RateRat(w.rate)))
	}
	refs := jobj("DEFAULT_MEDIA", ref)
	key := "DEFAULT_MEDIA"
	if all := w.extraValue(c.ID, "otio.media_references"); all != nil && all.Kind == Object {
		if k := w.extraValue(c.ID, "otio.active_media_reference_key"); k != nil && k.Kind == String && k.Str != "" {
			key = k.Str
		}
		refs = all
		refs.Set(key, ref)
	}
	v := jobj(
		"OTIO_SCHEMA", jstr("Clip.2"),
		"metadata", w.metadata(c.ID, w.clipRecord(c)),
		"name", jstr(c.Name),
		"source_range", trangeV(start, c.Dur, w.rate),
		"effects", w.effects(c),
		"markers", jarr(),
		"enabled", jbool(c.Enabled),
		"media_references", refs,
		"active_media_reference_key", jstr(key),
	)
	return v, nil
}

// ref writes a media item as a media reference.
func (w *writer) ref(m *core.Media, c *timeline.Clip) *Value {
	var avail *Value = jnull()
	if m.Available.Dur > 0 && m.Rate.Validate() == nil {
		avail = jobj("OTIO_SCHEMA", jstr("TimeRange.1"),
			"duration", frameTime(m.Available.Dur, m.Rate),
			"start_time", frameTime(m.Available.Start, m.Rate))
	}
	md := jobj(slateKey, fromGo(slateMedia{ID: m.ID, Kind: m.Kind, Reel: m.Reel, Audio: m.Audio, Width: m.Width, Height: m.Height, Data: m.Slate}))
	var v *Value
	switch {
	case m.Kind == core.KindGenerator && m.Generator != nil:
		params := jobj()
		if len(m.Generator.Params) > 0 {
			if p, err := valueOfExtra(m.Generator.Params); err == nil && p.Kind == Object {
				params = p
			}
		}
		v = jobj("OTIO_SCHEMA", jstr("GeneratorReference.1"), "metadata", md, "name", jstr(m.Name),
			"available_range", avail, "generator_kind", jstr(m.Generator.Kind), "parameters", params)
	case m.Missing || m.Path == "":
		if raw := w.extraValue(c.ID, "otio.media_reference"); raw != nil {
			return raw
		}
		v = jobj("OTIO_SCHEMA", jstr("MissingReference.1"), "metadata", md, "name", jstr(m.Name), "available_range", avail)
	case m.Kind == core.KindImageSequence && m.Sequence != nil:
		s := m.Sequence
		rate := m.Rate
		if rate.Validate() != nil {
			rate = w.rate
		}
		base := w.url(&core.Media{Path: s.Dir})
		step := s.Step
		if step == 0 {
			step = 1
		}
		policy := s.MissingFrame
		if policy == "" {
			policy = "error"
		}
		v = jobj("OTIO_SCHEMA", jstr("ImageSequenceReference.1"), "metadata", md, "name", jstr(m.Name),
			"available_range", avail,
			"target_url_base", jstr(strings.TrimSuffix(base, "/")+"/"),
			"name_prefix", jstr(s.Prefix), "name_suffix", jstr(s.Suffix),
			"start_frame", jint(s.StartFrame), "frame_step", jint(step),
			"rate", w.rateValue(rate), "frame_zero_padding", jint(int64(s.Padding)),
			"missing_frame_policy", jstr(policy))
	default:
		v = jobj("OTIO_SCHEMA", jstr("ExternalReference.1"), "metadata", md, "name", jstr(m.Name),
			"available_range", avail, "target_url", jstr(w.url(m)))
	}
	if m.Width > 0 && m.Height > 0 {
		v.Set("available_image_bounds", jobj("OTIO_SCHEMA", jstr("Box2d.1"),
			"min", jobj("OTIO_SCHEMA", jstr("V2d.1"), "x", jfloat(0), "y", jfloat(0)),
			"max", jobj("OTIO_SCHEMA", jstr("V2d.1"), "x", jfloat(float64(m.Width)), "y", jfloat(float64(m.Height)))))
	}
	return v
}

func (w *writer) transition(tr *timeline.Transition) *Value {
	in := core.InOffset(tr)
	ty := "SMPTE_Dissolve"
	if tr.Kind == timeline.Wipe {
		ty = "SMPTE_Wipe"
	}
	if v := w.extraValue(tr.ID, "otio.transition_type"); v != nil && v.Kind == String {
		ty = v.Str
	}
	name := ""
	if v := w.extraValue(tr.ID, "otio.name"); v != nil && v.Kind == String {
		name = v.Str
	}
	return jobj(
		"OTIO_SCHEMA", jstr("Transition.1"),
		"metadata", w.metadata(tr.ID, slateTransition{ID: tr.ID, Kind: tr.Kind, Align: tr.Align, Color: tr.Color, Direction: tr.Direction, Softness: tr.Softness}),
		"name", jstr(name),
		"transition_type", jstr(ty),
		"parameters", jobj(),
		"in_offset", frameTime(in, w.rate),
		"out_offset", frameTime(tr.Dur-in, w.rate),
	)
}

// marker writes Marker.2 (a colour name), which every OTIO reader since 0.15 knows; the exact
// colour rides in the Slate record.
func (w *writer) marker(m *timeline.Marker) *Value {
	return jobj(
		"OTIO_SCHEMA", jstr("Marker.2"),
		"metadata", w.metadata(m.ID, slateMarker{ID: m.ID, Color: m.Color}),
		"name", jstr(m.Name),
		"color", jstr(core.ColorName(m.Color)),
		"marked_range", trangeV(new(big.Rat).SetInt64(int64(m.At)), m.Dur, w.rate),
		"comment", jstr(m.Note),
	)
}
