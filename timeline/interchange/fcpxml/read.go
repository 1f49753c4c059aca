package fcpxml

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/rt"
)

const maxInput = 128 << 20

// Read reads an FCPXML document (versions 1.8 to 1.11 are known; others are read the same
// way with a warning). The first project's sequence becomes the timeline: the primary
// storyline its first video track, each lane of connected clips and storylines another track
// (lanes above 0 video, below 0 audio), compound clips nested sequences. Sound that a video
// clip carries (srcEnable "all") goes on an audio track of its own lane.
func Read(r io.Reader, opts core.ReadOptions) (*core.Doc, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("fcpxml: %w", err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("fcpxml: file is larger than %d MB", maxInput>>20)
	}
	return Decode(b, opts)
}

type reader struct {
	d         *core.Draft
	opts      core.ReadOptions
	rate      rt.Rate
	res       map[string]*node
	media     core.MediaSet
	assets    map[string]*assetInfo
	wishes    map[timeline.ID]timeline.ID
	compounds map[string]*core.DraftSeq
	building  map[string]bool
}

type assetInfo struct {
	id    timeline.ID
	start *big.Rat // seconds: the asset's first timecode
	video bool
	audio bool
}

func lineErr(n *node, format string, args ...any) error {
	return fmt.Errorf("fcpxml: line %d: %s", n.line, fmt.Sprintf(format, args...))
}

// Decode reads an FCPXML document held in memory.
func Decode(b []byte, opts core.ReadOptions) (*core.Doc, error) {
	root, err := parseXML(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if root.name != "fcpxml" {
		return nil, lineErr(root, "the root element is <%s>, not <fcpxml>", root.name)
	}
	r := &reader{
		d: &core.Draft{Strict: opts.Strict}, opts: opts, res: map[string]*node{},
		assets: map[string]*assetInfo{}, wishes: map[timeline.ID]timeline.ID{},
		compounds: map[string]*core.DraftSeq{}, building: map[string]bool{},
	}
	v := root.attr("version")
	major, minor, ok := strings.Cut(v, ".")
	n, err := strconv.Atoi(minor)
	if !ok || major != "1" || err != nil {
		return nil, lineErr(root, "unknown FCPXML version %q: want 1.x", v)
	}
	if n < 8 || n > 11 {
		r.d.Warnf("fcpxml: version %s is outside 1.8-1.11: read the same way", v)
	}
	for _, rs := range root.children("resources") {
		for _, k := range rs.kids {
			if id := k.attr("id"); id != "" {
				r.res[id] = k
			}
		}
	}
	project := root.find("project")
	var seqNode *node
	if project != nil {
		seqNode = project.child("sequence")
	}
	if seqNode == nil {
		return nil, lineErr(root, "no <project> with a <sequence>: nothing to import")
	}
	f := r.res[seqNode.attr("format")]
	rate := opts.Rate
	if rate.Validate() != nil {
		if f == nil {
			return nil, lineErr(seqNode, "the sequence names no known format, so its frame rate is unknown")
		}
		if rate, err = r.formatRate(f); err != nil {
			return nil, err
		}
	}
	r.rate = rate
	r.d.Settings = opts.DefaultSettings(rate)
	if f != nil {
		if w, h := atoi(f.attr("width")), atoi(f.attr("height")); w > 0 && h > 0 && w <= 16384 && h <= 16384 {
			r.d.Settings.Width, r.d.Settings.Height = w, h
		}
	}
	switch seqNode.attr("audioRate") {
	case "32k", "44.1k", "48k", "88.2k", "96k", "176.4k", "192k":
		k, _ := strconv.ParseFloat(strings.TrimSuffix(seqNode.attr("audioRate"), "k"), 64)
		r.d.Settings.SampleRate = int(k * 1000)
	}
	r.d.DropFrame = seqNode.attr("tcFormat") == "DF" && rate.DropFrameAllowed()
	if t := seqNode.attr("tcStart"); t != "" {
		sec, err := parseTime(t)
		if err != nil {
			return nil, lineErr(seqNode, "tcStart: %v", err)
		}
		if r.d.Start, err = core.Frames(sec, rate); err != nil {
			return nil, lineErr(seqNode, "tcStart: %v", err)
		}
	}
	r.d.Main.Name = project.attr("name")
	if rec := seqRecordOf(seqNode); rec != nil {
		if rec.Settings != nil && rec.Settings.Validate() == nil && rec.Settings.Rate.Equal(rate) {
			s := *rec.Settings
			s.Rate = rate
			r.d.Settings = s
		}
		r.d.NextID = rec.NextID
		r.d.Main.ID = rec.ID
	}
	if err := r.sequence(seqNode, &r.d.Main); err != nil {
		return nil, err
	}
	r.applyWishes()
	r.d.Media = r.media.List
	doc, err := r.d.Build()
	if err != nil {
		return nil, fmt.Errorf("fcpxml: %w", err)
	}
	return doc, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func (r *reader) formatRate(f *node) (rt.Rate, error) {
	fd := f.attr("frameDuration")
	if fd == "" {
		return rt.Rate{}, lineErr(f, "format %q has no frameDuration", f.attr("id"))
	}
	sec, err := parseTime(fd)
	if err != nil || sec.Sign() <= 0 {
		return rt.Rate{}, lineErr(f, "format %q: bad frameDuration %q", f.attr("id"), fd)
	}
	rate, err := core.SnapRate(new(big.Rat).Inv(sec))
	if err != nil {
		return rt.Rate{}, lineErr(f, "format %q: %v", f.attr("id"), err)
	}
	return rate, nil
}

func mdValue(n *node, key string) string {
	md := n.child("metadata")
	if md == nil {
		return ""
	}
	for _, m := range md.children("md") {
		if m.attr("key") == key {
			return m.attr("value")
		}
	}
	return ""
}

func seqRecordOf(seq *node) *seqRecord {
	v := mdValue(seq, mdTimeline)
	if v == "" {
		return nil
	}
	var rec seqRecord
	if json.Unmarshal([]byte(v), &rec) != nil {
		return nil
	}
	return &rec
}

// seqCtx collects the tracks of one sequence by lane.
type seqCtx struct {
	seq    *core.DraftSeq
	lanes  map[int][]*core.DraftTrack
	linked map[int]*core.DraftTrack // sound of video clips, per lane
	rec    *seqRecord
}

func (sc *seqCtx) track(lane int, audio bool, spans [][2]rt.Time) *core.DraftTrack {
	if audio && lane >= 0 {
		t := sc.linked[lane]
		if t == nil {
			t = &core.DraftTrack{Kind: timeline.Audio, Name: fmt.Sprintf("A%d (V%d)", len(sc.linked)+1, lane+1)}
			sc.linked[lane] = t
		}
		if fits(t, spans) {
			return t
		}
	}
	key := lane
	if audio && lane >= 0 {
		key = -1000 - lane
	}
	for _, t := range sc.lanes[key] {
		if fits(t, spans) {
			return t
		}
	}
	t := &core.DraftTrack{Kind: timeline.Video}
	if lane < 0 || audio {
		t.Kind = timeline.Audio
	}
	sc.lanes[key] = append(sc.lanes[key], t)
	return t
}

func fits(t *core.DraftTrack, spans [][2]rt.Time) bool {
	for _, c := range t.Clips {
		for _, s := range spans {
			if c.Start < s[1] && s[0] < c.End() {
				return false
			}
		}
	}
	return true
}

// finish orders the tracks: as Slate wrote them when it did, else video lanes from the
// primary up, then audio lanes down, then the sound of video clips.
func (sc *seqCtx) finish() {
	var out []*core.DraftTrack
	used := map[*core.DraftTrack]bool{}
	take := func(t *core.DraftTrack) {
		if t != nil && !used[t] {
			used[t] = true
			out = append(out, t)
		}
	}
	if sc.rec != nil {
		for _, tr := range sc.rec.Tracks {
			ts := sc.lanes[tr.Lane]
			var t *core.DraftTrack
			for _, x := range ts {
				if !used[x] {
					t = x
					break
				}
			}
			if t == nil {
				t = &core.DraftTrack{}
				sc.lanes[tr.Lane] = append(sc.lanes[tr.Lane], t)
			}
			t.ID, t.Kind, t.Name = tr.ID, tr.Kind, tr.Name
			t.Mute, t.Solo = strings.Contains(tr.Flags, "m"), strings.Contains(tr.Flags, "s")
			t.Lock, t.Hide = strings.Contains(tr.Flags, "l"), strings.Contains(tr.Flags, "h")
			take(t)
		}
	}
	var lanes []int
	for l := range sc.lanes {
		lanes = append(lanes, l)
	}
	sort.Slice(lanes, func(i, j int) bool { return laneOrder(lanes[i]) < laneOrder(lanes[j]) })
	for _, l := range lanes {
		for i, t := range sc.lanes[l] {
			if used[t] {
				continue
			}
			if t.Name == "" {
				switch {
				case l >= 0:
					t.Name = fmt.Sprintf("V%d", l+1)
				case l <= -1000:
					t.Name = fmt.Sprintf("A (V%d)", -1000-l+1)
				default:
					t.Name = fmt.Sprintf("A%d", -l)
				}
				if i > 0 {
					t.Name += fmt.Sprintf(" (%d)", i+1)
				}
			}
			take(t)
		}
	}
	var linked []int
	for l := range sc.linked {
		linked = append(linked, l)
	}
	sort.Ints(linked)
	for _, l := range linked {
		if len(sc.linked[l].Clips) > 0 {
			take(sc.linked[l])
		}
	}
	sc.seq.Tracks = out
}

func laneOrder(l int) int {
	switch {
	case l >= 0:
		return l
	case l <= -1000:
		return 1<<20 - l
	default:
		return 1<<16 - l
	}
}

// sequence reads a <sequence> into ds.
func (r *reader) sequence(seqNode *node, ds *core.DraftSeq) error {
	sc := &seqCtx{seq: ds, lanes: map[int][]*core.DraftTrack{}, linked: map[int]*core.DraftTrack{}, rec: seqRecordOf(seqNode)}
	zero := new(big.Rat)
	if t := seqNode.attr("tcStart"); t != "" {
		sec, err := parseTime(t)
		if err != nil {
			return lineErr(seqNode, "tcStart: %v", err)
		}
		zero.Neg(sec)
	}
	spine := seqNode.child("spine")
	if spine == nil {
		return lineErr(seqNode, "the sequence has no <spine>")
	}
	marks := len(ds.Markers)
	if err := r.storyline(sc, spine, zero, 0); err != nil {
		return err
	}
	sc.finish()
	if sc.rec != nil { // IDs and colours of the markers Slate wrote, matched by place and name
		for _, mr := range sc.rec.Markers {
			for _, m := range ds.Markers[marks:] {
				if m.ID == 0 && m.At == mr.At && m.Name == mr.Name {
					m.ID, m.Color = mr.ID, mr.Color
					break
				}
			}
		}
	}
	return nil
}

// placed is a clip read from a storyline, and where.
type placed struct {
	clip  *core.DraftClip
	audio bool            // goes to the lane's sound track
	sound *core.DraftClip // the sound of a video clip that has some, for the sound track
	n     *node
	abs   *big.Rat
}

type pendingTransition struct {
	n         *node
	after     int
	off, dur  *big.Rat
	itemsSeen int
}

// storyline reads a spine whose local time 0 is at absolute time zero (seconds from the
// sequence's frame 0), as lane `lane`.
func (r *reader) storyline(sc *seqCtx, sp *node, zero *big.Rat, lane int) error {
	var items []*placed // every element, clips and gaps (clip nil), in order
	var trans []pendingTransition
	pos := new(big.Rat)
	for _, k := range sp.kids {
		switch k.name {
		case "transition":
			dur, err := r.timeAttr(k, "duration", true)
			if err != nil {
				return err
			}
			off := new(big.Rat).Set(pos)
			if k.has("offset") {
				if off, err = r.timeAttr(k, "offset", true); err != nil {
					return err
				}
			}
			trans = append(trans, pendingTransition{n: k, after: len(items) - 1, off: off, dur: dur})
			continue
		case "asset-clip", "clip", "video", "audio", "ref-clip", "sync-clip", "title", "gap", "mc-clip", "audition":
		case "note", "metadata", "caption":
			continue
		default:
			r.d.Warnf("fcpxml: line %d: <%s> in a storyline is not read", k.line, k.name)
			continue
		}
		off := new(big.Rat).Set(pos)
		if k.has("offset") {
			var err error
			if off, err = r.timeAttr(k, "offset", true); err != nil {
				return err
			}
		}
		abs := new(big.Rat).Add(zero, off)
		p, dur, err := r.element(sc, k, abs, lane)
		if err != nil {
			return err
		}
		pos = new(big.Rat).Add(off, dur)
		items = append(items, p)
	}
	// All of a storyline's clips go on one track, so its transitions join clips of a track.
	var spans [][2]rt.Time
	for _, p := range items {
		if p.clip != nil && !p.audio {
			spans = append(spans, [2]rt.Time{p.clip.Start, p.clip.End()})
		}
	}
	t := sc.track(lane, lane < 0, spans)
	var linked [][2]rt.Time
	for _, p := range items {
		if p.clip != nil && p.audio {
			linked = append(linked, [2]rt.Time{p.clip.Start, p.clip.End()})
		}
		if p.sound != nil {
			linked = append(linked, [2]rt.Time{p.sound.Start, p.sound.End()})
		}
	}
	var lt *core.DraftTrack
	if len(linked) > 0 {
		lt = sc.track(lane, true, linked)
	}
	for _, p := range items {
		if p.clip == nil {
			continue
		}
		if p.audio {
			lt.Clips = append(lt.Clips, p.clip)
		} else {
			t.Clips = append(t.Clips, p.clip)
		}
		if p.sound != nil {
			lt.Clips = append(lt.Clips, p.sound)
		}
	}
	for _, pt := range trans {
		var a, b *placed
		if pt.after >= 0 {
			a = items[pt.after]
		}
		if pt.after+1 < len(items) {
			b = items[pt.after+1]
		}
		if a == nil || b == nil || a.clip == nil || b.clip == nil || a.audio != b.audio {
			if err := r.repair(pt.n, "transition next to a gap or the end of a storyline: Slate joins two clips only: dropped"); err != nil {
				return err
			}
			continue
		}
		start, err := core.Frames(new(big.Rat).Add(zero, pt.off), r.rate)
		if err != nil {
			return lineErr(pt.n, "transition offset: %v", err)
		}
		dur, err := core.Frames(pt.dur, r.rate)
		if err != nil || dur <= 0 {
			if err := r.repair(pt.n, "transition without length: dropped"); err != nil {
				return err
			}
			continue
		}
		in := b.clip.Start - start
		tr := &core.DraftTransition{A: a.clip, B: b.clip, Where: fmt.Sprintf("line %d", pt.n.line)}
		tr.Kind, tr.Dur = timeline.Dissolve, dur
		align, exact := core.AlignFor(in, dur)
		tr.Align = align
		if v := mdValue(pt.n, mdTransition); v != "" {
			var rec transitionRecord
			if json.Unmarshal([]byte(v), &rec) == nil {
				probe := timeline.Transition{Dur: dur, Align: rec.Align}
				if core.InOffset(&probe) == in {
					tr.Align, exact = rec.Align, true
				}
				tr.ID = rec.ID
				if rec.Kind != "" {
					tr.Kind = rec.Kind
				}
				tr.Color, tr.Direction, tr.Softness = rec.Color, rec.Direction, rec.Softness
			}
		} else if strings.Contains(strings.ToLower(pt.n.attr("name")), "wipe") {
			tr.Kind = timeline.Wipe
		}
		if !exact {
			r.d.Warnf("fcpxml: line %d: transition with %d of %d frames before its cut: Slate places it %s", pt.n.line, in, dur, tr.Align)
		}
		if a.audio {
			lt.Transitions = append(lt.Transitions, tr)
		} else {
			t.Transitions = append(t.Transitions, tr)
			if a.sound != nil && b.sound != nil { // the clips' sound crossfades with them
				snd := *tr
				snd.ID, snd.A, snd.B, snd.Kind, snd.Direction = 0, a.sound, b.sound, timeline.Dissolve, ""
				lt.Transitions = append(lt.Transitions, &snd)
			}
		}
	}
	return nil
}

func (r *reader) repair(n *node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if r.d.Strict {
		return lineErr(n, "%s", msg)
	}
	r.d.Warnf("fcpxml: line %d: %s", n.line, msg)
	return nil
}

func (r *reader) timeAttr(n *node, k string, required bool) (*big.Rat, error) {
	v := n.attr(k)
	if v == "" {
		if required {
			return nil, lineErr(n, "<%s> has no %s", n.name, k)
		}
		return new(big.Rat), nil
	}
	t, err := parseTime(v)
	if err != nil {
		return nil, lineErr(n, "<%s> %s: %v", n.name, k, err)
	}
	return t, nil
}

// timeMap is a clip's retiming: local time to source time, piecewise linear.
type timeMap struct {
	t, v []*big.Rat
}

func (r *reader) timeMapOf(n *node) (*timeMap, error) {
	tmn := n.child("timeMap")
	if tmn == nil {
		return nil, nil
	}
	tm := &timeMap{}
	for _, p := range tmn.children("timept") {
		t, err := r.timeAttr(p, "time", true)
		if err != nil {
			return nil, err
		}
		v, err := parseTime(p.attr("value"))
		if err != nil {
			return nil, lineErr(p, "timept value: %v", err)
		}
		if len(tm.t) > 0 && t.Cmp(tm.t[len(tm.t)-1]) <= 0 {
			return nil, lineErr(p, "timept times must increase")
		}
		tm.t, tm.v = append(tm.t, t), append(tm.v, v)
	}
	if len(tm.t) < 2 {
		return nil, nil
	}
	return tm, nil
}

// at maps local time x to source time (extrapolating the end segments).
func (tm *timeMap) at(x *big.Rat) *big.Rat {
	i := sort.Search(len(tm.t)-1, func(i int) bool { return tm.t[i+1].Cmp(x) > 0 })
	if i >= len(tm.t)-1 {
		i = len(tm.t) - 2
	}
	dt := new(big.Rat).Sub(tm.t[i+1], tm.t[i])
	dv := new(big.Rat).Sub(tm.v[i+1], tm.v[i])
	u := new(big.Rat).Sub(x, tm.t[i])
	return new(big.Rat).Add(tm.v[i], new(big.Rat).Mul(u, new(big.Rat).Quo(dv, dt)))
}

// inverse maps source time y back to local time, on the first segment that reaches it; ok
// is false for a hold (no single answer).
func (tm *timeMap) inverse(y *big.Rat) (*big.Rat, bool) {
	for i := 0; i+1 < len(tm.t); i++ {
		dv := new(big.Rat).Sub(tm.v[i+1], tm.v[i])
		if dv.Sign() == 0 {
			continue
		}
		lo, hi := tm.v[i], tm.v[i+1]
		if lo.Cmp(hi) > 0 {
			lo, hi = hi, lo
		}
		if (y.Cmp(lo) >= 0 && y.Cmp(hi) <= 0) || i+2 == len(tm.t) {
			dt := new(big.Rat).Sub(tm.t[i+1], tm.t[i])
			u := new(big.Rat).Sub(y, tm.v[i])
			return new(big.Rat).Add(tm.t[i], new(big.Rat).Mul(u, new(big.Rat).Quo(dt, dv))), true
		}
	}
	return nil, false
}

// element reads one story element starting at absolute time abs on lane `lane`: the clip it
// is (nil for a gap), its anchored items and its markers. It returns its duration.
func (r *reader) element(sc *seqCtx, n *node, abs *big.Rat, lane int) (*placed, *big.Rat, error) {
	dur, err := r.timeAttr(n, "duration", n.name != "audition" && n.name != "asset-clip")
	if err != nil {
		return nil, nil, err
	}
	if dur.Sign() < 0 {
		return nil, nil, lineErr(n, "<%s> has a negative duration", n.name)
	}
	if n.name == "audition" { // the active pick is the first
		for _, k := range n.kids {
			switch k.name {
			case "asset-clip", "clip", "video", "audio", "ref-clip", "sync-clip", "title":
				return r.element(sc, k, abs, lane)
			}
		}
		return &placed{n: n, abs: abs}, dur, nil
	}
	start, err := r.timeAttr(n, "start", false)
	if err != nil {
		return nil, nil, err
	}
	tm, err := r.timeMapOf(n)
	if err != nil {
		return nil, nil, err
	}
	local0 := new(big.Rat).Sub(abs, start) // absolute time of local time 0
	p := &placed{n: n, abs: abs}
	if n.name == "asset-clip" && !n.has("duration") {
		// A whole-asset clip: its asset's duration.
		if a := r.res[n.attr("ref")]; a != nil && a.attr("duration") != "" {
			if dur, err = parseTime(a.attr("duration")); err != nil {
				return nil, nil, lineErr(a, "asset duration: %v", err)
			}
		} else {
			return nil, nil, lineErr(n, "<asset-clip> has no duration")
		}
	}
	if n.name != "gap" {
		c, audio, sound, err := r.clip(n, abs, start, dur, tm, lane)
		if err != nil {
			return nil, nil, err
		}
		p.clip, p.audio = c, audio
		if sound && c != nil {
			p.sound = &core.DraftClip{Clip: *c.Clip.Clone(), Where: c.Where}
		}
	}
	// Anchored items and markers count in the element's local time, through its time map.
	toAbs := func(k *node, local *big.Rat) *big.Rat {
		if tm != nil {
			if x, ok := tm.inverse(local); ok {
				local = x
			} else {
				r.d.Warnf("fcpxml: line %d: anchored to a held frame: placed at the clip's start", k.line)
				local = start
			}
		}
		return new(big.Rat).Add(local0, local)
	}
	for _, k := range n.kids {
		l := k.attr("lane")
		switch {
		case k.name == "marker" || k.name == "chapter-marker":
			ms, err := r.timeAttr(k, "start", true)
			if err != nil {
				return nil, nil, err
			}
			md, err := r.timeAttr(k, "duration", false)
			if err != nil {
				return nil, nil, err
			}
			at, err := core.Frames(toAbs(k, ms), r.rate)
			if err != nil {
				return nil, nil, lineErr(k, "marker: %v", err)
			}
			d, err := core.Frames(md, r.rate)
			if err != nil {
				return nil, nil, lineErr(k, "marker: %v", err)
			}
			if d == 1 {
				d = 0 // FCP's markers last a frame: a point marker
			}
			m := &core.DraftMarker{Where: fmt.Sprintf("line %d", k.line)}
			m.At, m.Dur, m.Name, m.Note = at, d, k.attr("value"), k.attr("note")
			if k.name == "chapter-marker" {
				m.Color = "chapter"
			}
			sc.seq.Markers = append(sc.seq.Markers, m)
		case l == "" || l == "0":
			continue // contained items: read as the clip's source
		case k.name == "spine":
			off, err := r.timeAttr(k, "offset", false)
			if err != nil {
				return nil, nil, err
			}
			if err := r.storyline(sc, k, toAbs(k, off), atoi(l)); err != nil {
				return nil, nil, err
			}
		case isClip(k.name):
			off, err := r.timeAttr(k, "offset", false)
			if err != nil {
				return nil, nil, err
			}
			wrap := &node{name: "spine", kids: []*node{k}, line: k.line}
			kk := *k
			kk.attrs = nil
			for _, a := range k.attrs {
				if a.Name.Local != "offset" && a.Name.Local != "lane" {
					kk.attrs = append(kk.attrs, a)
				}
			}
			wrap.kids[0] = &kk
			if err := r.storyline(sc, wrap, toAbs(k, off), atoi(l)); err != nil {
				return nil, nil, err
			}
		}
	}
	return p, dur, nil
}

func isClip(name string) bool {
	switch name {
	case "asset-clip", "clip", "video", "audio", "ref-clip", "sync-clip", "title", "mc-clip", "audition", "gap":
		return true
	}
	return false
}

// clip makes the draft clip of a story element; audio reports it goes on a sound track,
// sound that it is a video whose sound plays too.
func (r *reader) clip(n *node, abs, start, dur *big.Rat, tm *timeMap, lane int) (dc *core.DraftClip, audio, sound bool, err error) {
	s, err := core.Frames(abs, r.rate)
	if err != nil {
		return nil, false, false, lineErr(n, "offset: %v", err)
	}
	e, err := core.Frames(new(big.Rat).Add(abs, dur), r.rate)
	if err != nil {
		return nil, false, false, lineErr(n, "duration: %v", err)
	}
	dc = &core.DraftClip{Where: fmt.Sprintf("line %d", n.line)}
	c := &dc.Clip
	c.Name, c.Start, c.Dur, c.Enabled = n.attr("name"), s, e-s, n.attr("enabled") != "0"
	// src maps the element's local time to its source's time (seconds).
	src := func(t *big.Rat) *big.Rat {
		if tm != nil {
			return tm.at(t)
		}
		return new(big.Rat).Set(t)
	}
	speed := big.NewRat(1, 1)
	if tm != nil && dur.Sign() > 0 {
		speed = new(big.Rat).Quo(new(big.Rat).Sub(src(new(big.Rat).Add(start, dur)), src(start)), dur)
		if len(tm.t) > 2 {
			r.d.Warnf("fcpxml: line %d: a time map with %d points is read as one constant speed", n.line, len(tm.t))
		}
	}
	sp, exact, err := core.SpeedOf(speed)
	if err != nil {
		return nil, false, false, lineErr(n, "retime: %v", err)
	}
	if !exact {
		r.d.Warnf("fcpxml: line %d: speed %s kept as %d/%d", n.line, speed.FloatString(6), sp.Num, sp.Den)
	}
	c.Speed = sp
	srcStart := src(start) // source time at the clip's first frame
	audio = lane < 0
	var base *big.Rat // source time of the media's first frame
	ref, inner := n, (*node)(nil)
	switch n.name {
	case "clip", "sync-clip":
		for _, k := range n.kids {
			if (k.attr("lane") == "" || k.attr("lane") == "0") && (k.name == "video" || k.name == "asset-clip" || k.name == "audio" || k.name == "ref-clip" || k.name == "title") {
				if inner == nil || (inner.name == "audio" && k.name != "audio") {
					inner = k
				}
			}
		}
		if inner == nil {
			r.d.Warnf("fcpxml: line %d: <%s> without media: read as a gap", n.line, n.name)
			return nil, false, false, nil
		}
		// Map through the contained item's place in the clip.
		ioff, err := r.timeAttr(inner, "offset", false)
		if err != nil {
			return nil, false, false, err
		}
		istart, err := r.timeAttr(inner, "start", false)
		if err != nil {
			return nil, false, false, err
		}
		srcStart = new(big.Rat).Add(istart, new(big.Rat).Sub(srcStart, ioff))
		ref = inner
		if inner.name == "audio" {
			audio = true
		}
	case "mc-clip":
		if err := r.repair(n, "multicam clips are not read: left as a gap"); err != nil {
			return nil, false, false, err
		}
		return nil, false, false, nil
	}
	switch ref.name {
	case "ref-clip":
		ns, zero, err := r.compound(ref)
		if err != nil {
			return nil, false, false, err
		}
		dc.Seq = ns
		base = zero
	case "title":
		c.Source.Media = r.generator(ref)
		base = srcStart // a generator has no source position
	default:
		id := ref.attr("ref")
		if a := r.res[id]; a != nil && a.name == "effect" {
			c.Source.Media = r.generator(ref)
			base = srcStart
			break
		}
		info, err := r.asset(ref, id)
		if err != nil {
			return nil, false, false, err
		}
		c.Source.Media = info.id
		base = info.start
		switch ref.attr("srcEnable") {
		case "audio":
			audio = true
		case "video":
		default:
			if ref.name == "audio" || (!info.video && info.audio) {
				audio = true
			}
		}
		if m := r.media.Get(info.id); m != nil && m.Rate.Validate() == nil && m.Available.Dur > 0 {
			if d, _, err := core.Floor(new(big.Rat).Mul(core.Seconds(m.Available.Dur, m.Rate), core.RateRat(r.rate))); err == nil {
				c.SourceDur = d
			}
		}
		// A clip with picture and sound on a video lane: the sound goes on the lane's sound
		// track too.
		sound = lane >= 0 && !audio && info.audio && info.video && (ref.attr("srcEnable") == "" || ref.attr("srcEnable") == "all")
	}
	pos := new(big.Rat).Mul(new(big.Rat).Sub(srcStart, base), core.RateRat(r.rate))
	if err := core.SetClipSource(c, pos); err != nil {
		return nil, false, false, lineErr(n, "start: %v", err)
	}
	if v := mdValue(n, mdClip); v != "" {
		var rec clipRecord
		if json.Unmarshal([]byte(v), &rec) == nil {
			dc.ID, c.Color, c.Blend = rec.ID, rec.Color, rec.Blend
			if rec.Speed.Validate() == nil {
				d := new(big.Rat).Sub(core.SpeedRat(rec.Speed), speed)
				alt := *c
				alt.Speed, alt.In, alt.Phase = rec.Speed, rec.In, rec.Phase
				dd := new(big.Rat).Sub(core.ClipSource(&alt), pos)
				if new(big.Rat).Abs(d).Cmp(big.NewRat(1, 1000000)) <= 0 && new(big.Rat).Abs(dd).Cmp(big.NewRat(1, 2)) <= 0 && rec.Phase >= 0 && rec.Phase < rec.Speed.Den {
					c.Speed, c.In, c.Phase = rec.Speed, rec.In, rec.Phase
				}
			}
			if rec.SourceDur >= 0 && (c.SourceDur == 0 || absDiff(rec.SourceDur, c.SourceDur) <= 1) {
				c.SourceDur = rec.SourceDur
			}
			c.Params = rec.Params
		}
	}
	return dc, audio, sound, nil
}

func absDiff(a, b rt.Time) rt.Time {
	if a > b {
		return a - b
	}
	return b - a
}

// asset turns an <asset> into media, once.
func (r *reader) asset(user *node, id string) (*assetInfo, error) {
	if info, ok := r.assets[id]; ok {
		return info, nil
	}
	a := r.res[id]
	if a == nil || a.name != "asset" {
		return nil, lineErr(user, "<%s> refers to %q, which is not an asset in <resources>", user.name, id)
	}
	info := &assetInfo{start: new(big.Rat), video: a.attr("hasVideo") == "1", audio: a.attr("hasAudio") == "1"}
	if !info.video && !info.audio {
		info.video = true
	}
	var err error
	if info.start, err = r.timeAttr(a, "start", false); err != nil {
		return nil, err
	}
	dur, err := r.timeAttr(a, "duration", false)
	if err != nil {
		return nil, err
	}
	m := core.Media{Name: a.attr("name"), Kind: core.KindVideo, Audio: info.audio && info.video, Rate: r.rate}
	if !info.video {
		m.Kind = core.KindAudio
	}
	if f := r.res[a.attr("format")]; f != nil && f.name == "format" {
		if rate, err := r.formatRate(f); err == nil {
			m.Rate = rate
		}
		m.Width, m.Height = atoi(f.attr("width")), atoi(f.attr("height"))
	}
	src := a.attr("src") // 1.8 and before
	for _, mr := range a.children("media-rep") {
		if mr.attr("kind") == "original-media" || src == "" {
			src = mr.attr("src")
		}
	}
	m.Path = core.PathFromURL(src)
	if m.Name == "" {
		m.Name = path.Base(m.Path)
	}
	if m.Kind == core.KindVideo && isImage(m.Path) {
		m.Kind = core.KindImage
	}
	if m.Available.Start, err = core.Frames(info.start, m.Rate); err != nil {
		return nil, lineErr(a, "asset start: %v", err)
	}
	if m.Available.Dur, err = core.Frames(dur, m.Rate); err != nil {
		return nil, lineErr(a, "asset duration: %v", err)
	}
	var wish timeline.ID
	if v := mdValue(a, mdMedia); v != "" {
		var rec mediaRecord
		if json.Unmarshal([]byte(v), &rec) == nil {
			if rec.Kind != "" {
				m.Kind = rec.Kind
			}
			m.Reel, m.Slate, wish = rec.Reel, rec.Slate, rec.ID
		}
	}
	if m.Width < 0 || m.Height < 0 || m.Width > 16384 || m.Height > 16384 {
		m.Width, m.Height = 0, 0
	}
	info.id = r.media.Add("asset|"+id, m)
	if wish > 0 {
		r.wishes[info.id] = wish
	}
	r.assets[id] = info
	return info, nil
}

func isImage(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr", ".dpx", ".bmp", ".webp", ".gif", ".tga", ".psd", ".heic":
		return true
	}
	return false
}

// generator makes media for a title or a generator effect.
func (r *reader) generator(n *node) timeline.ID {
	kind := "generator"
	name := n.attr("name")
	if fx := r.res[n.attr("ref")]; fx != nil {
		kind = fx.attr("name")
		if kind == "" {
			kind = fx.attr("uid")
		}
	}
	g := &core.Generator{Kind: kind}
	if n.name == "title" {
		var text []string
		for _, t := range n.children("text") {
			var sb strings.Builder
			sb.WriteString(strings.TrimSpace(t.text))
			for _, s := range t.children("text-style") {
				sb.WriteString(s.text)
			}
			text = append(text, sb.String())
		}
		g.Kind = "title"
		g.Params = core.RawJSON(map[string]any{"template": kind, "text": strings.Join(text, "\n")})
	}
	if name == "" {
		name = g.Kind
	}
	return r.media.Add(fmt.Sprintf("gen|%s|%s|%s", g.Kind, name, g.Params), core.Media{Name: name, Kind: core.KindGenerator, Generator: g, Rate: r.rate})
}

// compound reads the <media><sequence> a ref-clip names into a nested sequence, once. zero is
// the source time of its frame 0 (its tcStart).
func (r *reader) compound(n *node) (*core.DraftSeq, *big.Rat, error) {
	id := n.attr("ref")
	m := r.res[id]
	if m == nil || m.name != "media" {
		return nil, nil, lineErr(n, "<ref-clip> refers to %q, which is not a <media> in <resources>", id)
	}
	seqNode := m.child("sequence")
	if seqNode == nil {
		return nil, nil, lineErr(m, "media %q holds no <sequence> (multicam is not read)", id)
	}
	zero := new(big.Rat)
	if t := seqNode.attr("tcStart"); t != "" {
		var err error
		if zero, err = parseTime(t); err != nil {
			return nil, nil, lineErr(seqNode, "tcStart: %v", err)
		}
	}
	if s := r.compounds[id]; s != nil {
		return s, zero, nil
	}
	if r.building[id] {
		return nil, nil, lineErr(n, "compound clip %q contains itself", id)
	}
	r.building[id] = true
	defer delete(r.building, id)
	ds := &core.DraftSeq{Name: m.attr("name")}
	if rec := seqRecordOf(seqNode); rec != nil {
		ds.ID, ds.Name = rec.ID, rec.Name
	}
	if err := r.sequence(seqNode, ds); err != nil {
		return nil, nil, err
	}
	r.compounds[id] = ds
	r.d.Nested = append(r.d.Nested, ds)
	return ds, zero, nil
}

// applyWishes gives media the IDs Slate wrote, when they are all there and unique.
func (r *reader) applyWishes() {
	if len(r.wishes) == 0 {
		return
	}
	seen := map[timeline.ID]bool{}
	for i := range r.media.List {
		w := r.wishes[timeline.ID(i+1)]
		if w <= 0 || seen[w] {
			return
		}
		seen[w] = true
	}
	fix := func(s *core.DraftSeq) {
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
	for i := range r.media.List {
		r.media.List[i].ID = r.wishes[timeline.ID(i+1)]
	}
	sort.SliceStable(r.media.List, func(i, j int) bool { return r.media.List[i].ID < r.media.List[j].ID })
}
