package otio

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"sort"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// maxInput bounds what Read takes in (an OTIO of a feature film is a few MB).
const maxInput = 256 << 20

// Read reads an .otio document.
func Read(r io.Reader, opts core.ReadOptions) (*core.Doc, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("otio: %w", err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("otio: file is larger than %d MB", maxInput>>20)
	}
	return Decode(b, opts)
}

// Decode reads an .otio document held in memory.
func Decode(b []byte, opts core.ReadOptions) (*core.Doc, error) {
	root, err := ParseJSON(b)
	if err != nil {
		return nil, fmt.Errorf("otio: %w", err)
	}
	return decodeTree(root, opts)
}

type reader struct {
	d      *core.Draft
	media  core.MediaSet
	wishes map[timeline.ID]timeline.ID // media set ID -> the media ID Slate wrote
	rate   rt.Rate
	seqs   map[timeline.ID]*core.DraftSeq // nested sequences by the ID Slate wrote
	// unknown holds items of unknown schemas per track, in the track's frames, until Build.
	unknown map[*core.DraftTrack][]unknownItem
}

func decodeTree(root *Value, opts core.ReadOptions) (*core.Doc, error) {
	if root.Kind != Object {
		return nil, perr("$", "want an OTIO object at the root, got %s", kindName(root.Kind))
	}
	r := &reader{d: &core.Draft{Strict: opts.Strict}, wishes: map[timeline.ID]timeline.ID{}, seqs: map[timeline.ID]*core.DraftSeq{}, unknown: map[*core.DraftTrack][]unknownItem{}}
	tlv, tpath := root, "$"
	switch name, _ := schemaOf(root); name {
	case "Timeline":
	case "SerializableCollection":
		found := false
		for i, ch := range root.Get("children").arr() {
			if n, _ := schemaOf(ch); n == "Timeline" {
				if found {
					r.d.Warnf("$: the collection holds more than one timeline: only the first is read")
					break
				}
				tlv, tpath, found = ch, fmt.Sprintf("$.children[%d]", i), true
			}
		}
		if !found {
			return nil, perr("$", "the SerializableCollection holds no Timeline")
		}
	case "Stack", "Track", "Sequence":
		// A bare composition: read it as the tracks of a timeline.
		tlv = jobj("OTIO_SCHEMA", jstr("Timeline.1"), "name", root.Get("name"), "tracks", root)
		if n, _ := schemaOf(root); n != "Stack" {
			tlv.Set("tracks", jobj("OTIO_SCHEMA", jstr("Stack.1"), "children", jarr(root)))
		}
	case "":
		return nil, perr("$", "no OTIO_SCHEMA: not an OpenTimelineIO document")
	default:
		return nil, perr("$", "unknown schema %q at the root: want Timeline.1", str(root.Get("OTIO_SCHEMA")))
	}

	var st slateTimeline
	haveSlate := slateOf(tlv, &st)
	rate := opts.Rate
	if rate.Validate() != nil {
		if haveSlate && st.Settings != nil && st.Settings.Rate.Validate() == nil {
			rate = st.Settings.Rate
		} else {
			rate = inferRate(tlv)
		}
	}
	r.rate = rate
	r.d.Settings = opts.DefaultSettings(rate)
	if haveSlate && st.Settings != nil && st.Settings.Validate() == nil {
		s := *st.Settings
		s.Rate = rate
		r.d.Settings = s
		r.d.NextID = st.NextID
		r.d.DropFrame = st.DropFrame
	}
	r.d.Main.Name = str(tlv.Get("name"))
	r.d.Extra = map[string]json.RawMessage{}
	if md := foreignMetadata(tlv); md != nil {
		r.d.Extra["otio.metadata"] = extraOf(md)
	}
	for k, v := range st.Extra {
		r.d.Extra[k] = v
	}
	if g := tlv.Get("global_start_time"); !g.IsNull() {
		t, err := timeOf(g, tpath+".global_start_time")
		if err != nil {
			return nil, err
		}
		if r.d.Start, err = r.frames(t.sec, tpath+".global_start_time"); err != nil {
			return nil, err
		}
	}
	stack := tlv.Get("tracks")
	if stack.IsNull() {
		return nil, perr(tpath+".tracks", "the timeline has no tracks object")
	}
	if n, _ := schemaOf(stack); n != "Stack" {
		return nil, perr(tpath+".tracks", "want a Stack, got %q", str(stack.Get("OTIO_SCHEMA")))
	}
	if err := r.topStack(stack, tpath+".tracks"); err != nil {
		return nil, err
	}
	// Nested sequences Slate wrote that no clip used.
	if haveSlate {
		md := tlv.Get("metadata").Get(slateKey)
		for i, sv := range md.Get("unused_sequences").arr() {
			p := fmt.Sprintf("%s.metadata.slate.unused_sequences[%d]", tpath, i)
			if _, err := r.nestedSeq(sv, p); err != nil {
				return nil, err
			}
		}
	}
	r.applyMediaWishes()
	r.d.Media = r.media.List
	for t, list := range r.unknown {
		setExtra(&t.Extra, "otio.unknown_items", core.RawJSON(list))
	}
	return r.d.Build()
}

// arr is the elements of an array value (none for anything else).
func (v *Value) arr() []*Value {
	if v == nil || v.Kind != Array {
		return nil
	}
	return v.Arr
}

// inferRate picks the timeline rate: the rate most clip and gap durations are counted at.
func inferRate(tl *Value) rt.Rate {
	counts := map[string]int{}
	var order []string
	var walk func(v *Value, depth int)
	walk = func(v *Value, depth int) {
		if v == nil || depth > maxDepth {
			return
		}
		switch v.Kind {
		case Object:
			if n, _ := schemaOf(v); n == "Clip" || n == "Gap" {
				if d := v.Get("source_range").Get("duration").Get("rate"); d != nil && d.Kind == Number {
					if counts[d.Num] == 0 {
						order = append(order, d.Num)
					}
					counts[d.Num]++
				}
			}
			for _, m := range v.Obj {
				if m.Key != "metadata" {
					walk(m.Val, depth+1)
				}
			}
		case Array:
			for _, e := range v.Arr {
				walk(e, depth+1)
			}
		}
	}
	walk(tl.Get("tracks"), 0)
	best, bn := "", 0
	for _, k := range order {
		if counts[k] > bn {
			best, bn = k, counts[k]
		}
	}
	if best != "" {
		if q, err := core.ParseRat(best); err == nil {
			if r, err := core.SnapRate(q); err == nil && r.Num/r.Den >= 1 {
				return r
			}
		}
	}
	return rt.Rate24
}

// frames converts seconds to frames at the timeline rate.
func (r *reader) frames(sec *big.Rat, path string) (rt.Time, error) {
	f, err := core.Frames(sec, r.rate)
	if err != nil {
		return 0, perr(path, "%v", err)
	}
	return f, nil
}

func (r *reader) exact(sec *big.Rat) *big.Rat { return new(big.Rat).Mul(sec, core.RateRat(r.rate)) }

// topStack reads the timeline's Stack into the main sequence, applying its source_range as a
// window and moving a common offset of all tracks into the start timecode.
func (r *reader) topStack(v *Value, p string) error {
	seq := &r.d.Main
	var st slateSeq
	if slateOf(v, &st) {
		seq.ID = st.ID
	}
	offset, err := r.stackInto(v, p, seq)
	if err != nil {
		return err
	}
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return err
	}
	if sr != nil {
		from, err := r.frames(sr.start.sec, p+".source_range.start_time")
		if err != nil {
			return err
		}
		to, err := r.frames(sr.end(), p+".source_range")
		if err != nil {
			return err
		}
		for _, t := range seq.Tracks {
			r.trimTrack(t, from, to)
		}
		shiftMarkers(seq.Markers, -from)
		return nil
	}
	// OTIO's EDL adapter stores minus the first record timecode as each track's
	// source_range start: the offset all tracks share becomes the start timecode.
	if offset > 0 {
		for _, t := range seq.Tracks {
			for _, c := range t.Clips {
				c.Start -= offset
			}
			for i := range r.unknown[t] {
				r.unknown[t][i].At -= offset
			}
		}
		shiftMarkers(seq.Markers, -offset)
		r.d.Start += offset
	}
	return nil
}

func shiftMarkers(ms []*core.DraftMarker, d rt.Time) {
	for _, m := range ms {
		m.At += d
	}
}

// stackInto reads a Stack's children as tracks of seq (bottom first, as OTIO orders them), and
// its markers as seq's markers. offset is the least frame any track's content is offset by
// (see track).
func (r *reader) stackInto(v *Value, p string, seq *core.DraftSeq) (offset rt.Time, err error) {
	children := v.Get("children")
	if !children.IsNull() && children.Kind != Array {
		return 0, perr(p+".children", "want an array, got %s", kindName(children.Kind))
	}
	minOffset := rt.Time(-1)
	for i, ch := range children.arr() {
		cp := fmt.Sprintf("%s.children[%d]", p, i)
		if ch.Kind != Object {
			return 0, perr(cp, "want an object, got %s", kindName(ch.Kind))
		}
		name, _ := schemaOf(ch)
		switch name {
		case "Track", "Sequence":
			t, off, err := r.track(ch, cp, seq)
			if err != nil {
				return 0, err
			}
			seq.Tracks = append(seq.Tracks, t)
			if minOffset < 0 || off < minOffset {
				minOffset = off
			}
		case "Clip", "Gap", "Stack":
			// An item straight in a stack: a track holding only it.
			wrap := jobj("OTIO_SCHEMA", jstr("Track.1"), "name", jstr(str(ch.Get("name"))), "kind", jstr("Video"), "children", jarr(ch))
			t, _, err := r.track(wrap, cp, seq)
			if err != nil {
				return 0, err
			}
			seq.Tracks = append(seq.Tracks, t)
			minOffset = 0
		default:
			if err := r.repair(cp, "%q in a stack is not a track or an item: kept for OTIO export only", str(ch.Get("OTIO_SCHEMA"))); err != nil {
				return 0, err
			}
			list := []json.RawMessage{}
			if old := seq.Extra["otio.unknown_children"]; old != nil {
				_ = json.Unmarshal(old, &list)
			}
			list = append(list, extraOf(ch))
			setExtra(&seq.Extra, "otio.unknown_children", core.RawJSON(list))
		}
	}
	for i, mv := range v.Get("markers").arr() {
		mp := fmt.Sprintf("%s.markers[%d]", p, i)
		m, err := r.marker(mv, mp, 0, nil, big.NewRat(1, 1))
		if err != nil {
			return 0, err
		}
		seq.Markers = append(seq.Markers, m)
	}
	if md := foreignMetadata(v); md != nil {
		setExtra(&seq.Extra, "otio.metadata", extraOf(md))
	}
	if fx := v.Get("effects"); len(fx.arr()) > 0 {
		setExtra(&seq.Extra, "otio.effects", extraOf(fx))
	}
	return max(minOffset, 0), nil
}

func setExtra(m *map[string]json.RawMessage, k string, v json.RawMessage) {
	if v == nil {
		return
	}
	if *m == nil {
		*m = map[string]json.RawMessage{}
	}
	(*m)[k] = v
}

func (r *reader) repair(p, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if r.d.Strict {
		return perr(p, "%s", msg)
	}
	r.d.Warnf("%s: %s", p, msg)
	return nil
}

// placed is a track child with its place in the track's own time, in seconds.
type placed struct {
	v          *Value
	path       string
	kind       string
	start, dur *big.Rat
	clip       *core.DraftClip // what it became, if a clip
}

type pendingTransition struct {
	v       *Value
	path    string
	after   int // index in items of the item before it; -1 at the head
	in, out *big.Rat
}

// duration is an item's length by OTIO's rules: its source_range wins; a clip otherwise
// plays its media's available_range; a track is the sum of its items plus the in_offset of a
// leading and the out_offset of a trailing transition; a stack is its longest child.
func (r *reader) duration(v *Value, p string, depth int) (*big.Rat, error) {
	if depth > maxDepth {
		return nil, perr(p, "nested too deeply")
	}
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return nil, err
	}
	if sr != nil {
		return sr.dur.sec, nil
	}
	name, _ := schemaOf(v)
	switch name {
	case "Clip":
		ref, rp := activeRef(v, p)
		ar, err := rangeOf(ref.Get("available_range"), rp+".available_range")
		if err != nil {
			return nil, err
		}
		if ar == nil {
			return nil, perr(p, "clip %q has neither a source_range nor a media available_range, so it has no length", str(v.Get("name")))
		}
		return ar.dur.sec, nil
	case "Track", "Sequence":
		sum := new(big.Rat)
		ch := v.Get("children").arr()
		for i, c := range ch {
			cp := fmt.Sprintf("%s.children[%d]", p, i)
			if n, _ := schemaOf(c); n == "Transition" {
				if i == 0 || i == len(ch)-1 {
					key := "in_offset"
					if i == len(ch)-1 && i != 0 {
						key = "out_offset"
					}
					t, err := timeOf(c.Get(key), cp+"."+key)
					if err != nil {
						return nil, err
					}
					sum.Add(sum, t.sec)
				}
				continue
			}
			d, err := r.duration(c, cp, depth+1)
			if err != nil {
				return nil, err
			}
			sum.Add(sum, d)
		}
		return sum, nil
	case "Stack":
		longest := new(big.Rat)
		for i, c := range v.Get("children").arr() {
			d, err := r.duration(c, fmt.Sprintf("%s.children[%d]", p, i), depth+1)
			if err != nil {
				return nil, err
			}
			if d.Cmp(longest) > 0 {
				longest = d
			}
		}
		return longest, nil
	}
	return new(big.Rat), nil // a Gap without a range, or an unknown item
}

// track reads an OTIO Track into a draft track of seq. off is where its content starts in
// the stack, in frames (non-zero when its source_range starts before 0).
func (r *reader) track(v *Value, p string, seq *core.DraftSeq) (*core.DraftTrack, rt.Time, error) {
	t := &core.DraftTrack{Name: str(v.Get("name")), Kind: timeline.Video}
	switch k := str(v.Get("kind")); k {
	case "Video", "":
	case "Audio":
		t.Kind = timeline.Audio
	default:
		if err := r.repair(p+".kind", "unknown track kind %q: read as video", k); err != nil {
			return nil, 0, err
		}
	}
	var sl slateTrack
	if slateOf(v, &sl) {
		t.ID, t.Mute, t.Solo, t.Lock, t.Hide = sl.ID, sl.Mute, sl.Solo, sl.Lock, sl.Hide
	} else if !boolOr(v.Get("enabled"), true) {
		if t.Kind == timeline.Audio {
			t.Mute = true
		} else {
			t.Hide = true
		}
	}
	if md := foreignMetadata(v); md != nil {
		setExtra(&t.Extra, "otio.metadata", extraOf(md))
	}
	if fx := v.Get("effects"); len(fx.arr()) > 0 {
		setExtra(&t.Extra, "otio.effects", extraOf(fx))
	}

	children := v.Get("children")
	if !children.IsNull() && children.Kind != Array {
		return nil, 0, perr(p+".children", "want an array, got %s", kindName(children.Kind))
	}
	var items []*placed
	var trans []pendingTransition
	at := new(big.Rat)
	marks := len(seq.Markers)
	for i, ch := range children.arr() {
		cp := fmt.Sprintf("%s.children[%d]", p, i)
		if ch.Kind != Object {
			return nil, 0, perr(cp, "want an object, got %s", kindName(ch.Kind))
		}
		name, _ := schemaOf(ch)
		if name == "Transition" {
			in, err := timeOf(ch.Get("in_offset"), cp+".in_offset")
			if err != nil {
				return nil, 0, err
			}
			out, err := timeOf(ch.Get("out_offset"), cp+".out_offset")
			if err != nil {
				return nil, 0, err
			}
			if in.sec.Sign() < 0 || out.sec.Sign() < 0 {
				return nil, 0, perr(cp, "transition offsets must not be negative")
			}
			trans = append(trans, pendingTransition{v: ch, path: cp, after: len(items) - 1, in: in.sec, out: out.sec})
			continue
		}
		d, err := r.duration(ch, cp, 0)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, &placed{v: ch, path: cp, kind: name, start: new(big.Rat).Set(at), dur: d})
		at.Add(at, d)
	}

	// The track's window on its content: its source_range, if any. A window starting
	// before 0 is OTIO's EDL adapter recording the first record timecode: an offset, not a
	// trim.
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return nil, 0, err
	}
	shift := new(big.Rat) // added to item times to get stack times
	var off rt.Time
	trimFrom, trimTo := rt.Time(-1), rt.Time(-1)
	if sr != nil {
		if sr.start.sec.Sign() < 0 {
			shift.Neg(sr.start.sec)
			if off, err = r.frames(shift, p+".source_range.start_time"); err != nil {
				return nil, 0, err
			}
		} else {
			if trimFrom, err = r.frames(sr.start.sec, p+".source_range.start_time"); err != nil {
				return nil, 0, err
			}
			if trimTo, err = r.frames(sr.end(), p+".source_range"); err != nil {
				return nil, 0, err
			}
		}
	}

	for _, it := range items {
		s, err := r.frames(new(big.Rat).Add(it.start, shift), it.path)
		if err != nil {
			return nil, 0, err
		}
		e, err := r.frames(new(big.Rat).Add(new(big.Rat).Add(it.start, it.dur), shift), it.path)
		if err != nil {
			return nil, 0, err
		}
		switch it.kind {
		case "Clip":
			c, err := r.clip(it.v, it.path, s, e, seq)
			if err != nil {
				return nil, 0, err
			}
			if c != nil {
				it.clip = c
				t.Clips = append(t.Clips, c)
			}
		case "Stack", "Track", "Sequence":
			c, err := r.nestedClip(it.v, it.path, s, e, seq)
			if err != nil {
				return nil, 0, err
			}
			it.clip = c
			t.Clips = append(t.Clips, c)
		case "Gap":
			if err := r.itemMarkers(it.v, it.path, s, e, seq, big.NewRat(1, 1)); err != nil {
				return nil, 0, err
			}
		default:
			if err := r.repair(it.path, "unknown item %q: kept as a gap, and for OTIO export", str(it.v.Get("OTIO_SCHEMA"))); err != nil {
				return nil, 0, err
			}
			r.unknown[t] = append(r.unknown[t], unknownItem{At: s, Dur: e - s, Raw: extraOf(it.v)})
		}
	}

	for _, pt := range trans {
		if err := r.transition(t, items, pt, shift); err != nil {
			return nil, 0, err
		}
	}
	if trimFrom >= 0 {
		r.trimTrack(t, trimFrom, trimTo)
		shiftMarkers(seq.Markers[marks:], -trimFrom)
	}
	return t, off, nil
}

// unknownItem is an item of a schema Slate does not know, kept to be written back where it was.
type unknownItem struct {
	At  rt.Time         `json:"at"`
	Dur rt.Time         `json:"dur"`
	Raw json.RawMessage `json:"raw"`
}

// transition links an OTIO transition to the clips on either side of it.
func (r *reader) transition(t *core.DraftTrack, items []*placed, pt pendingTransition, shift *big.Rat) error {
	in, err := r.frames(pt.in, pt.path+".in_offset")
	if err != nil {
		return err
	}
	out, err := r.frames(pt.out, pt.path+".out_offset")
	if err != nil {
		return err
	}
	var a, b *placed
	if pt.after >= 0 {
		a = items[pt.after]
	}
	if pt.after+1 < len(items) {
		b = items[pt.after+1]
	}
	if a == nil || b == nil || a.clip == nil || b.clip == nil {
		// Slate's transitions join two clips; OTIO's may fade to a gap or the track edge.
		if err := r.repair(pt.path, "transition next to a gap or the end of the track: Slate joins two clips only; kept for OTIO export"); err != nil {
			return err
		}
		switch {
		case a != nil && a.clip != nil:
			setExtra(&a.clip.Extra, "otio.transition_after", extraOf(pt.v))
		case b != nil && b.clip != nil:
			setExtra(&b.clip.Extra, "otio.transition_before", extraOf(pt.v))
		default:
			at := new(big.Rat).Add(shift, new(big.Rat))
			if b != nil {
				at.Add(at, b.start)
			} else if a != nil {
				at.Add(at, a.start).Add(at, a.dur)
			}
			f, err := r.frames(at, pt.path)
			if err != nil {
				return err
			}
			r.unknown[t] = append(r.unknown[t], unknownItem{At: f, Raw: extraOf(pt.v)})
		}
		return nil
	}
	dur := in + out
	if dur <= 0 {
		return r.repair(pt.path, "transition has no length: dropped")
	}
	tr := &core.DraftTransition{A: a.clip, B: b.clip, Where: pt.path}
	tr.Kind = timeline.Dissolve
	tr.Dur = dur
	align, exact := core.AlignFor(in, dur)
	tr.Align = align
	switch ty := str(pt.v.Get("transition_type")); ty {
	case "SMPTE_Dissolve", "":
	case "SMPTE_Wipe":
		tr.Kind = timeline.Wipe
	default:
		setExtra(&tr.Extra, "otio.transition_type", extraOf(jstr(ty)))
	}
	var sl slateTransition
	if slateOf(pt.v, &sl) {
		probe := timeline.Transition{Dur: dur, Align: sl.Align}
		if core.InOffset(&probe) == in {
			tr.Align, exact = sl.Align, true
		}
		tr.ID = sl.ID
		if sl.Kind != "" {
			tr.Kind = sl.Kind
		}
		tr.Color, tr.Direction, tr.Softness = sl.Color, sl.Direction, sl.Softness
	}
	if !exact {
		r.d.Warnf("%s: transition with %d frames before the cut and %d after: Slate centres it or puts it at one side, so it is placed %s", pt.path, in, out, tr.Align)
	}
	if n := str(pt.v.Get("name")); n != "" {
		setExtra(&tr.Extra, "otio.name", extraOf(jstr(n)))
	}
	if md := foreignMetadata(pt.v); md != nil {
		setExtra(&tr.Extra, "otio.metadata", extraOf(md))
	}
	t.Transitions = append(t.Transitions, tr)
	return nil
}

// activeRef is a clip's media reference in use (Clip.2: media_references by
// active_media_reference_key; Clip.1: media_reference), and its path.
func activeRef(v *Value, p string) (*Value, string) {
	if refs := v.Get("media_references"); refs != nil && refs.Kind == Object {
		key := str(v.Get("active_media_reference_key"))
		if key == "" {
			key = "DEFAULT_MEDIA"
		}
		return refs.Get(key), p + ".media_references." + key
	}
	return v.Get("media_reference"), p + ".media_reference"
}

// speedOf reads a clip's time effects: LinearTimeWarp scales, FreezeFrame holds. Other
// effects come back in rest, to be kept.
func (r *reader) speedOf(v *Value, p string) (*big.Rat, *Value, error) {
	scale := big.NewRat(1, 1)
	fx := v.Get("effects")
	if !fx.IsNull() && fx.Kind != Array {
		return nil, nil, perr(p+".effects", "want an array, got %s", kindName(fx.Kind))
	}
	rest := jarr()
	for i, e := range fx.arr() {
		ep := fmt.Sprintf("%s.effects[%d]", p, i)
		switch n, _ := schemaOf(e); n {
		case "FreezeFrame":
			scale = new(big.Rat)
		case "LinearTimeWarp":
			s, err := num(e.Get("time_scalar"), ep+".time_scalar")
			if err != nil {
				return nil, nil, err
			}
			scale.Mul(scale, s)
		default:
			rest.Arr = append(rest.Arr, e)
		}
	}
	if len(rest.Arr) == 0 {
		rest = nil
	}
	return scale, rest, nil
}

// clip reads an OTIO Clip placed at frames [s, e) of its track.
func (r *reader) clip(v *Value, p string, s, e rt.Time, seq *core.DraftSeq) (*core.DraftClip, error) {
	name := str(v.Get("name"))
	ref, rp := activeRef(v, p)
	mid, avail, err := r.mediaFor(ref, rp, name)
	if err != nil {
		return nil, err
	}
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return nil, err
	}
	scale, rest, err := r.speedOf(v, p)
	if err != nil {
		return nil, err
	}
	dc := &core.DraftClip{Where: p}
	c := &dc.Clip
	c.Name, c.Start, c.Dur, c.Enabled = name, s, e-s, boolOr(v.Get("enabled"), true)
	c.Source.Media = mid
	sp, exact, err := core.SpeedOf(scale)
	if err != nil {
		return nil, perr(p+".effects", "%v", err)
	}
	c.Speed = sp
	// The source position shown first, from the media's first frame, at the timeline rate.
	var srcStart, availStart *big.Rat
	availStart = new(big.Rat)
	if avail != nil {
		availStart = avail.start.sec
		if d, _, err := core.Floor(r.exact(avail.dur.sec)); err == nil {
			c.SourceDur = d
		}
	}
	switch {
	case sr != nil:
		srcStart = sr.start.sec
	default:
		srcStart = availStart
	}
	pos := r.exact(new(big.Rat).Sub(srcStart, availStart))
	if err := core.SetClipSource(c, pos); err != nil {
		return nil, perr(p+".source_range", "%v", err)
	}
	if color := v.Get("color"); !color.IsNull() {
		c.Color = colorOf(color)
	}
	var sl slateClip
	if slateOf(v, &sl) {
		dc.ID = sl.ID
		if sl.Color != "" {
			c.Color = sl.Color
		}
		c.Blend = sl.Blend
		// Exact speed and source position, unless another tool changed them.
		if sl.Speed.Validate() == nil && closeSpeed(sl.Speed, scale) {
			alt := *c
			alt.Speed, alt.In, alt.Phase = sl.Speed, sl.In, sl.Phase
			if diff := new(big.Rat).Sub(core.ClipSource(&alt), pos); new(big.Rat).Abs(diff).Cmp(big.NewRat(1, 2)) <= 0 {
				c.Speed, c.In, c.Phase, exact = sl.Speed, sl.In, sl.Phase, true
			}
		}
		if sl.SourceDur >= 0 && (avail == nil || absDiff(sl.SourceDur, c.SourceDur) <= 1) {
			c.SourceDur = sl.SourceDur
		}
		c.Params = r.params(sl.Params, p)
		for k, v := range sl.Extra {
			setExtra(&dc.Extra, k, v)
		}
	}
	if !exact {
		r.d.Warnf("%s: speed %s is kept as %d/%d", p, scale.FloatString(6), c.Speed.Num, c.Speed.Den)
	}
	if rest != nil {
		setExtra(&dc.Extra, "otio.effects", extraOf(rest))
	}
	if md := foreignMetadata(v); md != nil {
		setExtra(&dc.Extra, "otio.metadata", extraOf(md))
	}
	if refs := v.Get("media_references"); refs != nil && refs.Kind == Object && len(refs.Obj) > 1 {
		setExtra(&dc.Extra, "otio.media_references", extraOf(refs))
		setExtra(&dc.Extra, "otio.active_media_reference_key", extraOf(jstr(str(v.Get("active_media_reference_key")))))
	}
	if n, _ := schemaOf(ref); ref != nil && !knownRef(n) {
		setExtra(&dc.Extra, "otio.media_reference", extraOf(ref))
	}
	// Markers on a clip count in its media's time.
	if err := r.itemMarkersFrom(v, p, s, e, seq, scale, srcStart); err != nil {
		return nil, err
	}
	return dc, nil
}

func absDiff(a, b rt.Time) rt.Time {
	if a > b {
		return a - b
	}
	return b - a
}

func closeSpeed(s timeline.Speed, x *big.Rat) bool {
	d := new(big.Rat).Sub(core.SpeedRat(s), x)
	return new(big.Rat).Abs(d).Cmp(big.NewRat(1, 1_000_000)) <= 0
}

// params keeps the keyframe curves that are valid, warning about the rest.
func (r *reader) params(in map[string]*keyframe.Curve, p string) map[string]*keyframe.Curve {
	if len(in) == 0 {
		return nil
	}
	out := map[string]*keyframe.Curve{}
	for name, cv := range in {
		if cv == nil {
			continue
		}
		if d, ok := keyframe.Lookup(name); ok {
			if err := cv.Validate(d); err != nil {
				r.d.Warnf("%s.metadata.slate.params: %s dropped: %v", p, name, err)
				continue
			}
		}
		out[name] = cv
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func knownRef(name string) bool {
	switch name {
	case "ExternalReference", "MissingReference", "ImageSequenceReference", "GeneratorReference":
		return true
	}
	return false
}

// nestedClip reads a Stack or Track placed as an item of a track: a clip of a nested sequence.
func (r *reader) nestedClip(v *Value, p string, s, e rt.Time, seq *core.DraftSeq) (*core.DraftClip, error) {
	ns, err := r.nestedSeq(v, p)
	if err != nil {
		return nil, err
	}
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return nil, err
	}
	scale, rest, err := r.speedOf(v, p)
	if err != nil {
		return nil, err
	}
	dc := &core.DraftClip{Seq: ns, Where: p}
	c := &dc.Clip
	c.Name, c.Start, c.Dur, c.Enabled = str(v.Get("name")), s, e-s, boolOr(v.Get("enabled"), true)
	sp, _, err := core.SpeedOf(scale)
	if err != nil {
		return nil, perr(p+".effects", "%v", err)
	}
	c.Speed = sp
	pos := new(big.Rat)
	if sr != nil {
		pos = r.exact(sr.start.sec)
	}
	if err := core.SetClipSource(c, pos); err != nil {
		return nil, perr(p+".source_range", "%v", err)
	}
	var sl slateClip
	if slateOf(v, &sl) {
		dc.ID = sl.ID
		c.Color, c.Blend = sl.Color, sl.Blend
		if sl.Speed.Validate() == nil && closeSpeed(sl.Speed, scale) {
			alt := *c
			alt.Speed, alt.In, alt.Phase = sl.Speed, sl.In, sl.Phase
			if diff := new(big.Rat).Sub(core.ClipSource(&alt), pos); new(big.Rat).Abs(diff).Cmp(big.NewRat(1, 2)) <= 0 {
				c.Speed, c.In, c.Phase = sl.Speed, sl.In, sl.Phase
			}
		}
		c.SourceDur = sl.SourceDur
		c.Params = r.params(sl.Params, p)
	}
	if rest != nil {
		setExtra(&dc.Extra, "otio.effects", extraOf(rest))
	}
	return dc, nil
}

// nestedSeq turns a Stack or Track into a nested sequence (once per sequence Slate wrote,
// however many clips use it).
func (r *reader) nestedSeq(v *Value, p string) (*core.DraftSeq, error) {
	var rec *slateSeq
	var sl slateClip
	var ss slateSeq
	if slateOf(v, &sl) && sl.Sequence != nil {
		rec = sl.Sequence
	} else if slateOf(v, &ss) && ss.ID > 0 {
		rec = &ss
	}
	if rec != nil && rec.ID > 0 {
		if s := r.seqs[rec.ID]; s != nil {
			return s, nil
		}
	}
	ns := &core.DraftSeq{Name: str(v.Get("name"))}
	if rec != nil && rec.ID > 0 {
		ns.ID, ns.Name = rec.ID, rec.Name
		r.seqs[rec.ID] = ns
	}
	r.d.Nested = append(r.d.Nested, ns)
	if n, _ := schemaOf(v); n == "Stack" {
		if _, err := r.stackInto(v, p, ns); err != nil {
			return nil, err
		}
	} else {
		t, _, err := r.track(v, p, ns)
		if err != nil {
			return nil, err
		}
		ns.Tracks = append(ns.Tracks, t)
		for i, mv := range v.Get("markers").arr() {
			m, err := r.marker(mv, fmt.Sprintf("%s.markers[%d]", p, i), 0, nil, big.NewRat(1, 1))
			if err != nil {
				return nil, err
			}
			ns.Markers = append(ns.Markers, m)
		}
	}
	return ns, nil
}

// itemMarkers reads the markers of a gap placed at frames [s, e).
func (r *reader) itemMarkers(v *Value, p string, s, e rt.Time, seq *core.DraftSeq, scale *big.Rat) error {
	sr, err := rangeOf(v.Get("source_range"), p+".source_range")
	if err != nil {
		return err
	}
	from := new(big.Rat)
	if sr != nil {
		from = sr.start.sec
	}
	return r.itemMarkersFrom(v, p, s, e, seq, scale, from)
}

// itemMarkersFrom reads the markers of an item placed at frames [s, e) whose own time starts
// at from. A marker outside the item stays on it, at its nearest end: OTIO counts it as the
// item's, and files (OTIO's own EDL adapter among them) put record times there.
func (r *reader) itemMarkersFrom(v *Value, p string, s, e rt.Time, seq *core.DraftSeq, scale, from *big.Rat) error {
	for i, mv := range v.Get("markers").arr() {
		mp := fmt.Sprintf("%s.markers[%d]", p, i)
		m, err := r.marker(mv, mp, s, from, scale)
		if err != nil {
			return err
		}
		if e > s && (m.At < s || m.At >= e) {
			at := min(max(m.At, s), e-1)
			r.d.Warnf("%s: marker %q at frame %d lies outside its item (frames %d..%d): moved to frame %d", mp, m.Name, m.At, s, e-1, at)
			m.At = at
		}
		seq.Markers = append(seq.Markers, m)
	}
	return nil
}

// marker reads a Marker whose time counts from `from` (nil: 0) in an item placed at frame
// base whose content plays at speed scale.
func (r *reader) marker(v *Value, p string, base rt.Time, from, scale *big.Rat) (*core.DraftMarker, error) {
	if v.Kind != Object {
		return nil, perr(p, "want a Marker object, got %s", kindName(v.Kind))
	}
	if n, _ := schemaOf(v); n != "Marker" {
		return nil, perr(p, "want a Marker, got %q", str(v.Get("OTIO_SCHEMA")))
	}
	mr, err := rangeOf(v.Get("marked_range"), p+".marked_range")
	if err != nil {
		return nil, err
	}
	m := &core.DraftMarker{Where: p}
	m.Name, m.Note = str(v.Get("name")), str(v.Get("comment"))
	if mr != nil {
		off := new(big.Rat).Set(mr.start.sec)
		if from != nil {
			off.Sub(off, from)
		}
		dur := new(big.Rat).Set(mr.dur.sec)
		if scale.Sign() != 0 {
			off.Quo(off, new(big.Rat).Abs(scale))
			dur.Quo(dur, new(big.Rat).Abs(scale))
		} else {
			off.SetInt64(0)
		}
		o, err := r.frames(off, p+".marked_range.start_time")
		if err != nil {
			return nil, err
		}
		d, err := r.frames(dur, p+".marked_range.duration")
		if err != nil {
			return nil, err
		}
		m.At, m.Dur = base+o, d
	}
	if c := v.Get("color"); !c.IsNull() {
		m.Color = colorOf(c)
	}
	var sl slateMarker
	if slateOf(v, &sl) {
		m.ID = sl.ID
		// Slate's exact colour, unless another tool changed the OTIO one.
		if c := v.Get("color"); c == nil || c.Kind != String || strings.EqualFold(c.Str, core.ColorName(sl.Color)) {
			m.Color = sl.Color
		}
	}
	if md := foreignMetadata(v); md != nil {
		setExtra(&m.Extra, "otio.metadata", extraOf(md))
	}
	return m, nil
}

// colorOf reads Marker.2's colour name or Marker.3's / an item's Color.1 object.
func colorOf(v *Value) string {
	switch v.Kind {
	case String:
		return core.ModelColor(v.Str)
	case Object:
		if n := str(v.Get("name")); n != "" {
			if _, _, _, ok := core.ParseColor(n); ok {
				return core.ModelColor(n)
			}
		}
		ch := func(k string) uint8 {
			x, err := num(v.Get(k), "")
			if err != nil {
				return 0
			}
			f, _ := x.Float64()
			return uint8(max(0, min(255, f*255+0.5)))
		}
		return core.HexColor(ch("r"), ch("g"), ch("b"))
	}
	return ""
}

// mediaFor turns a media reference into a media item (one per distinct source).
func (r *reader) mediaFor(ref *Value, p, clipName string) (timeline.ID, *trange, error) {
	if ref != nil && ref.Kind != Object && ref.Kind != Null {
		return 0, nil, perr(p, "want a media reference object, got %s", kindName(ref.Kind))
	}
	avail, err := rangeOf(ref.Get("available_range"), p+".available_range")
	if err != nil {
		return 0, nil, err
	}
	m := core.Media{Name: str(ref.Get("name"))}
	if avail != nil {
		rate, err := core.SnapRate(avail.dur.rate)
		if err != nil {
			return 0, nil, perr(p+".available_range.duration.rate", "%v", err)
		}
		m.Rate = rate
		s, err := core.Frames(avail.start.sec, rate)
		if err != nil {
			return 0, nil, perr(p+".available_range.start_time", "%v", err)
		}
		d, err := core.Frames(avail.dur.sec, rate)
		if err != nil {
			return 0, nil, perr(p+".available_range.duration", "%v", err)
		}
		m.Available = rt.Range{Start: s, Dur: d}
	}
	if w, h, ok := imageBounds(ref.Get("available_image_bounds")); ok {
		m.Width, m.Height = w, h
	}
	schema, _ := schemaOf(ref)
	var key string
	switch schema {
	case "ExternalReference":
		url := str(ref.Get("target_url"))
		m.Path = core.PathFromURL(url)
		m.Kind = kindFromName(m.Path)
		if m.Name == "" {
			m.Name = path.Base(strings.ReplaceAll(m.Path, `\`, "/"))
		}
		key = "url|" + url
	case "ImageSequenceReference":
		seq := &core.ImageSequence{
			Dir:          core.PathFromURL(str(ref.Get("target_url_base"))),
			Prefix:       str(ref.Get("name_prefix")),
			Suffix:       str(ref.Get("name_suffix")),
			MissingFrame: str(ref.Get("missing_frame_policy")),
		}
		var err error
		if seq.StartFrame, err = intOf(ref.Get("start_frame"), p+".start_frame", 1); err != nil {
			return 0, nil, err
		}
		if seq.Step, err = intOf(ref.Get("frame_step"), p+".frame_step", 1); err != nil {
			return 0, nil, err
		}
		pad, err := intOf(ref.Get("frame_zero_padding"), p+".frame_zero_padding", 0)
		if err != nil {
			return 0, nil, err
		}
		if pad < 0 || pad > 32 {
			return 0, nil, perr(p+".frame_zero_padding", "padding %d outside 0..32", pad)
		}
		seq.Padding = int(pad)
		if rv := ref.Get("rate"); !rv.IsNull() {
			q, err := num(rv, p+".rate")
			if err != nil {
				return 0, nil, err
			}
			if m.Rate, err = core.SnapRate(q); err != nil {
				return 0, nil, perr(p+".rate", "%v", err)
			}
		}
		m.Kind, m.Sequence = core.KindImageSequence, seq
		m.Path = seq.Pattern()
		if m.Name == "" {
			m.Name = strings.TrimRight(seq.Prefix, "._-")
		}
		key = "seq|" + m.Path
	case "GeneratorReference":
		g := &core.Generator{Kind: str(ref.Get("generator_kind"))}
		if pv := ref.Get("parameters"); pv != nil && pv.Kind == Object && len(pv.Obj) > 0 {
			g.Params = extraOf(pv)
		}
		m.Kind, m.Generator = core.KindGenerator, g
		if m.Name == "" {
			m.Name = g.Kind
		}
		key = "gen|" + g.Kind + "|" + string(g.Params)
	default:
		// MissingReference, null, or a reference schema Slate does not know: offline media.
		m.Kind, m.Missing = core.KindVideo, true
		if m.Name == "" {
			m.Name = clipName
		}
		key = "missing|" + m.Name
	}
	if avail != nil {
		key += fmt.Sprintf("|%s|%d|%d", m.Rate, m.Available.Start, m.Available.Dur)
	}
	var sm slateMedia
	if slateOf(ref, &sm) && sm.ID > 0 {
		key = fmt.Sprintf("slate|%d", sm.ID)
		if sm.Kind != "" {
			m.Kind = sm.Kind
		}
		m.Reel, m.Audio, m.Width, m.Height, m.Slate = sm.Reel, sm.Audio, sm.Width, sm.Height, sm.Data
	}
	id := r.media.Add(key, m)
	if sm.ID > 0 {
		r.wishes[id] = sm.ID
	}
	return id, avail, nil
}

// applyMediaWishes gives media the IDs Slate wrote, when they are all there and unique.
func (r *reader) applyMediaWishes() {
	if len(r.wishes) != len(r.media.List) {
		return
	}
	seen := map[timeline.ID]bool{}
	for _, w := range r.wishes {
		if seen[w] {
			return
		}
		seen[w] = true
	}
	for i := range r.media.List {
		r.media.List[i].ID = r.wishes[timeline.ID(i+1)]
	}
	sort.SliceStable(r.media.List, func(i, j int) bool { return r.media.List[i].ID < r.media.List[j].ID })
	var fix func(s *core.DraftSeq)
	fix = func(s *core.DraftSeq) {
		for _, t := range s.Tracks {
			for _, c := range t.Clips {
				if c.Seq == nil {
					c.Source.Media = r.wishes[c.Source.Media]
				}
			}
		}
	}
	fix(&r.d.Main)
	for _, s := range r.d.Nested {
		fix(s)
	}
}

func imageBounds(v *Value) (int, int, bool) {
	if v.IsNull() {
		return 0, 0, false
	}
	get := func(pt, k string) float64 {
		x, err := num(v.Get(pt).Get(k), "")
		if err != nil {
			return 0
		}
		f, _ := x.Float64()
		return f
	}
	w := get("max", "x") - get("min", "x")
	h := get("max", "y") - get("min", "y")
	// OTIO bounds are often in aspect units (16x9), not pixels: only sizes that look like
	// pixels are taken.
	if w >= 64 && h >= 64 && w <= 16384 && h <= 16384 {
		return int(w), int(h), true
	}
	return 0, 0, false
}

// kindFromName guesses a media kind from a file name's extension.
func kindFromName(p string) core.MediaKind {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(p, `\`, "/")))
	switch ext {
	case ".wav", ".mp3", ".aac", ".flac", ".m4a", ".ogg", ".oga", ".opus", ".aif", ".aiff", ".wma":
		return core.KindAudio
	case ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr", ".dpx", ".bmp", ".webp", ".gif", ".tga":
		return core.KindImage
	}
	return core.KindVideo
}

// trimTrack keeps the frames [from, to) of a draft track and moves them to start at 0.
func (r *reader) trimTrack(t *core.DraftTrack, from, to rt.Time) {
	d := r.d
	var unk []unknownItem
	for _, u := range r.unknown[t] {
		if u.At >= from && u.At+u.Dur <= to {
			u.At -= from
			unk = append(unk, u)
		}
	}
	r.unknown[t] = unk
	keep := t.Clips[:0]
	gone := map[*core.DraftClip]bool{}
	for _, c := range t.Clips {
		s, e := max(c.Start, from), min(c.End(), to)
		if e <= s {
			gone[c] = true
			continue
		}
		if s > c.Start {
			n := c.Clip.Advanced(s - c.Start)
			for _, cv := range n.Params {
				cv.Shift(-(s - c.Start))
			}
			c.Clip = *n
		}
		c.Start, c.Dur = s-from, e-s
		keep = append(keep, c)
	}
	t.Clips = keep
	tr := t.Transitions[:0]
	for _, x := range t.Transitions {
		if gone[x.A] || gone[x.B] {
			d.Warnf("%s: transition outside the track's source_range: dropped", x.Where)
			continue
		}
		tr = append(tr, x)
	}
	t.Transitions = tr
}
