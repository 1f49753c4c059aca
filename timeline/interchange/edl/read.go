package edl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/rt"
)

// maxInput bounds what Read takes in.
const maxInput = 64 << 20

// LineError is bad input on a line of the EDL.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("edl: line %d: %s", e.Line, e.Msg) }

func lerr(line int, format string, args ...any) error {
	return &LineError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// evline is one event line: NNN REEL CHANNEL EDIT [DUR] SRC_IN SRC_OUT REC_IN REC_OUT.
type evline struct {
	line                         int
	num, reel, channel, edit     string
	wipe                         int // SMPTE wipe code of a Wnnn edit
	dur                          rt.Time
	srcIn, srcOut, recIn, recOut rt.Time
}

func (l *evline) transition() bool { return l.edit == "D" || strings.HasPrefix(l.edit, "W") }

type locator struct {
	line       int
	tc         rt.Time
	color, txt string
}

type motion struct {
	line  int
	reel  string
	speed *big.Rat // times the nominal rate: the EDL's fps
	tc    rt.Time  // source frame the effect starts on
	has   bool     // tc given
}

// note is a "* SLATE {json}" comment: what a plain EDL cannot say, written by Slate so its
// own round trip is exact. Other tools keep it as a comment.
type note struct {
	Start      string          `json:"start,omitempty"` // record timecode of the timeline's frame 0
	Transition *noteTransition `json:"transition,omitempty"`
	// In, Phase and Speed are the exact source position and speed of the event's clip at its
	// Start (the B side of a transition).
	In       *rt.Time        `json:"in,omitempty"`
	Phase    int64           `json:"phase,omitempty"`
	Speed    *timeline.Speed `json:"speed,omitempty"`
	Disabled bool            `json:"disabled,omitempty"`
	// SourceStart and FromSourceStart are the first timecode of the media of the event's
	// clip and of a transition's outgoing clip.
	SourceStart     string      `json:"source_start,omitempty"`
	FromSourceStart string      `json:"from_source_start,omitempty"`
	Marker          *noteMarker `json:"marker,omitempty"`
	Name            *string     `json:"name,omitempty"` // the clip's name when it differs from the clip name comment
}

type noteTransition struct {
	Kind      timeline.TransitionKind `json:"kind,omitempty"`
	Align     timeline.Align          `json:"align,omitempty"`
	Color     string                  `json:"color,omitempty"`
	Direction string                  `json:"direction,omitempty"`
	Softness  float64                 `json:"softness,omitempty"`
}

type noteMarker struct {
	At    string  `json:"at"` // record timecode
	Dur   rt.Time `json:"dur,omitempty"`
	Name  string  `json:"name,omitempty"`
	Note  string  `json:"note,omitempty"`
	Color string  `json:"color,omitempty"`
}

// group is one event: one line, or a zero-length cut line then a dissolve or wipe line under
// the same number, with the comments that follow.
type group struct {
	lines              []*evline
	fromName, toName   string
	fromFile, toFile   string
	locs               []locator
	motions            []motion
	aud                []int
	cdl                map[string]any
	comments           []string
	notes              []note
	freeze             bool
	slateLine, curLine int
}

func (g *group) main() *evline { return g.lines[len(g.lines)-1] }

var (
	reLoc    = regexp.MustCompile(`^(\d\d[:;.]\d\d[:;.]\d\d[:;.]\d\d)\s*(\w*)\s*(.*)$`)
	reTriple = `\(\s*([-+]?[\d.]+)[,\s]+([-+]?[\d.]+)[,\s]+([-+]?[\d.]+)\s*\)`
	reSOP    = regexp.MustCompile(reTriple + `\s*` + reTriple + `\s*` + reTriple)
	reWipe   = regexp.MustCompile(`^W(\d{3})R?$`)
)

// Read reads a CMX 3600 EDL. Its timecode counts at opts.Rate (default 24: an EDL does not
// say its rate).
func Read(r io.Reader, opts core.ReadOptions) (*core.Doc, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("edl: %w", err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("edl: file is larger than %d MB", maxInput>>20)
	}
	return Decode(b, opts)
}

type parser struct {
	rate   rt.Rate
	drop   bool
	title  string
	groups []*group
	opts   core.ReadOptions
	warn   []string
}

// Decode reads a CMX 3600 EDL held in memory.
func Decode(b []byte, opts core.ReadOptions) (*core.Doc, error) {
	p := &parser{rate: opts.Rate, opts: opts}
	if p.rate.Validate() != nil {
		p.rate = rt.Rate24
	}
	if p.rate.Nominal() < 1 {
		return nil, fmt.Errorf("edl: frame rate %s is below 1 fps", p.rate)
	}
	if err := p.parse(b); err != nil {
		return nil, err
	}
	return p.build()
}

func (p *parser) tc(s string, line int) (rt.Time, error) {
	if s != "" && strings.Trim(s, "0123456789") == "" { // a plain frame count
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > int64(core.MaxFrame) {
			return 0, lerr(line, "frame count %q out of range", s)
		}
		return rt.Time(n), nil
	}
	t, err := core.ParseTC(s, p.rate, p.drop)
	if err != nil {
		return 0, lerr(line, "%v", err)
	}
	return t, nil
}

func (p *parser) parse(b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	var cur *group
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r\x00")
		if n == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff")
		}
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		upper := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(upper, "TITLE:"):
			p.title = strings.TrimSpace(line[len("TITLE:"):])
			continue
		case strings.HasPrefix(upper, "FCM:"):
			p.drop = strings.Contains(upper, "DROP") && !strings.Contains(upper, "NON")
			if p.drop && !p.rate.DropFrameAllowed() {
				return lerr(n, "drop-frame timecode exists only at 29.97 and 59.94 fps, not %s: read with the right rate", p.rate)
			}
			continue
		case strings.HasPrefix(upper, "SPLIT"):
			p.warn = append(p.warn, fmt.Sprintf("edl: line %d: split edit (audio/video delay) read as a plain cut", n))
			continue
		case line[0] >= '0' && line[0] <= '9':
			ev, err := p.event(line, n)
			if err != nil {
				return err
			}
			// A dissolve or wipe line follows the zero-length cut line of the same number.
			if cur != nil && len(cur.lines) == 1 && ev.transition() && cur.lines[0].num == ev.num && !cur.lines[0].transition() && cur.curLine == cur.lines[0].line {
				cur.lines = append(cur.lines, ev)
				cur.curLine = n
				continue
			}
			cur = &group{lines: []*evline{ev}, curLine: n}
			p.groups = append(p.groups, cur)
			continue
		}
		if cur == nil {
			if strings.HasPrefix(line, "*") || strings.HasPrefix(upper, "COMMENT") {
				continue // a comment before the first event
			}
			return lerr(n, "%q is not an EDL header or event line", clip40(line))
		}
		if err := p.comment(cur, line, n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("edl: line %d: %w", n+1, err)
	}
	if len(p.groups) == 0 {
		return fmt.Errorf("edl: no events")
	}
	return nil
}

func clip40(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// event parses an event line; tabs and runs of spaces both separate fields.
func (p *parser) event(line string, n int) (*evline, error) {
	f := strings.Fields(line)
	// "K B" and "K O" are one edit written as two fields.
	if len(f) >= 5 && f[3] == "K" && (f[4] == "B" || f[4] == "O") {
		f = append(f[:3], append([]string{"K" + f[4]}, f[5:]...)...)
	}
	ev := &evline{line: n}
	switch len(f) {
	case 8:
		ev.num, ev.reel, ev.channel, ev.edit = f[0], f[1], f[2], strings.ToUpper(f[3])
		f = f[4:]
	case 9:
		ev.num, ev.reel, ev.channel, ev.edit = f[0], f[1], f[2], strings.ToUpper(f[3])
		d, err := strconv.Atoi(f[4])
		if err != nil || d < 0 || d > 100000 {
			return nil, lerr(n, "transition duration %q is not a frame count", f[4])
		}
		ev.dur = rt.Time(d)
		f = f[5:]
	default:
		return nil, lerr(n, "an event line has 8 or 9 fields (number, reel, channel, edit, [duration], source in/out, record in/out), this one has %d", len(f))
	}
	if strings.Trim(ev.num, "0123456789") != "" {
		return nil, lerr(n, "event number %q is not a number", ev.num)
	}
	switch e := ev.edit; {
	case e == "C", e == "D", e == "K", e == "KB", e == "KO":
	case reWipe.MatchString(e):
		ev.wipe, _ = strconv.Atoi(reWipe.FindStringSubmatch(e)[1])
	default:
		return nil, lerr(n, "unknown edit %q: want C, D, Wnnn or K", ev.edit)
	}
	if ev.transition() && ev.dur <= 0 {
		return nil, lerr(n, "%s edit without a duration", ev.edit)
	}
	var err error
	for i, dst := range []*rt.Time{&ev.srcIn, &ev.srcOut, &ev.recIn, &ev.recOut} {
		if *dst, err = p.tc(f[i], n); err != nil {
			return nil, err
		}
	}
	if ev.srcOut < ev.srcIn {
		return nil, lerr(n, "source out %s is before source in %s", f[1], f[0])
	}
	if ev.recOut < ev.recIn {
		return nil, lerr(n, "record out %s is before record in %s", f[3], f[2])
	}
	if _, err := tracksOf(ev.channel); err != nil {
		return nil, lerr(n, "%v", err)
	}
	return ev, nil
}

// comment reads a line that follows an event.
func (p *parser) comment(g *group, line string, n int) error {
	upper := strings.ToUpper(line)
	body := strings.TrimSpace(strings.TrimLeft(line, "*"))
	ubody := strings.ToUpper(body)
	after := func(key string) string {
		s := strings.TrimSpace(body[len(key):])
		return strings.TrimSpace(strings.TrimPrefix(s, ":"))
	}
	switch {
	case strings.HasPrefix(upper, "M2 ") || strings.HasPrefix(upper, "M2\t"):
		return p.motion(g, line, n)
	case strings.HasPrefix(upper, "AUD"):
		for _, f := range strings.Fields(line)[1:] {
			k, err := strconv.Atoi(f)
			if err != nil || k < 1 || k > 99 {
				return lerr(n, "AUD channel %q is not a number", f)
			}
			g.aud = append(g.aud, k)
		}
		return nil
	case strings.HasPrefix(ubody, "SLATE {") || strings.HasPrefix(ubody, "SLATE{"):
		var nt note
		if err := json.Unmarshal([]byte(strings.TrimSpace(body[len("SLATE"):])), &nt); err != nil {
			p.warn = append(p.warn, fmt.Sprintf("edl: line %d: unreadable SLATE note ignored: %v", n, err))
			return nil
		}
		g.notes = append(g.notes, nt)
		return nil
	case strings.HasPrefix(ubody, "FROM CLIP NAME"):
		g.fromName = after("FROM CLIP NAME")
	case strings.HasPrefix(ubody, "TO CLIP NAME"):
		g.toName = after("TO CLIP NAME")
	case strings.HasPrefix(ubody, "FROM CLIP"), strings.HasPrefix(ubody, "FROM FILE"):
		g.fromFile = after("FROM FILE")
	case strings.HasPrefix(ubody, "TO CLIP"), strings.HasPrefix(ubody, "TO FILE"):
		g.toFile = after("TO FILE")
	case strings.HasPrefix(ubody, "SOURCE FILE"):
		if len(g.lines) == 2 {
			g.toFile = after("SOURCE FILE")
		} else {
			g.fromFile = after("SOURCE FILE")
		}
	case strings.HasPrefix(ubody, "LOC"):
		m := reLoc.FindStringSubmatch(after("LOC"))
		if m == nil {
			return lerr(n, "locator %q: want LOC: HH:MM:SS:FF COLOUR text", clip40(body))
		}
		t, err := p.tc(m[1], n)
		if err != nil {
			return err
		}
		g.locs = append(g.locs, locator{line: n, tc: t, color: m[2], txt: strings.TrimSpace(m[3])})
	case strings.HasPrefix(ubody, "ASC_SOP"):
		m := reSOP.FindStringSubmatch(after("ASC_SOP"))
		if m == nil {
			return lerr(n, "ASC_SOP %q: want (slope)(offset)(power), three numbers each", clip40(body))
		}
		var v [9]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		if g.cdl == nil {
			g.cdl = map[string]any{}
		}
		g.cdl["slope"], g.cdl["offset"], g.cdl["power"] = v[0:3], v[3:6], v[6:9]
	case strings.HasPrefix(ubody, "ASC_SAT"):
		s, err := strconv.ParseFloat(after("ASC_SAT"), 64)
		if err != nil {
			return lerr(n, "ASC_SAT %q is not a number", after("ASC_SAT"))
		}
		if g.cdl == nil {
			g.cdl = map[string]any{}
		}
		g.cdl["sat"] = s
	case strings.Contains(ubody, "FREEZE FRAME"):
		g.freeze = true
	default:
		if body != "" {
			g.comments = append(g.comments, body)
		}
	}
	return nil
}

// motion reads "M2 REEL SPEED TC": the speed is in frames per second, 0 a freeze.
func (p *parser) motion(g *group, line string, n int) error {
	f := strings.Fields(line)
	if len(f) < 3 {
		return lerr(n, "M2 line %q: want M2 REEL SPEED TIMECODE", clip40(line))
	}
	m := motion{line: n}
	tcField := f[len(f)-1]
	speedField := f[len(f)-2]
	if !strings.ContainsAny(tcField, ":;") { // no timecode: the last field is the speed
		speedField, tcField = tcField, ""
		m.reel = strings.Join(f[1:len(f)-1], " ")
	} else {
		m.reel = strings.Join(f[1:len(f)-2], " ")
	}
	sp, err := core.ParseRat(speedField)
	if err != nil {
		return lerr(n, "M2 speed %q is not a number", speedField)
	}
	m.speed = sp
	if tcField != "" {
		if m.tc, err = p.tc(tcField, n); err != nil {
			return err
		}
		m.has = true
	}
	g.motions = append(g.motions, m)
	return nil
}

// tracksOf expands a channel code into track names: V; A (A1), A2, AA (A1+A2); B (V+A1);
// A2/V, AA/V; A3, A4; NONE (only AUD channels).
func tracksOf(ch string) ([]string, error) {
	switch c := strings.ToUpper(ch); c {
	case "V":
		return []string{"V"}, nil
	case "A", "A1":
		return []string{"A1"}, nil
	case "AA":
		return []string{"A1", "A2"}, nil
	case "B":
		return []string{"V", "A1"}, nil
	case "A2/V":
		return []string{"V", "A2"}, nil
	case "AA/V":
		return []string{"V", "A1", "A2"}, nil
	case "NONE":
		return nil, nil
	default:
		if len(c) >= 2 && (c[0] == 'A' || c[0] == 'V') && strings.Trim(c[1:], "0123456789") == "" {
			if c == "V1" {
				return []string{"V"}, nil
			}
			return []string{c}, nil
		}
	}
	return nil, fmt.Errorf("unknown channel %q: want V, A, A2, AA, B, A2/V, AA/V or An", ch)
}

// item is an event on one track.
type item struct {
	g     *group
	start rt.Time // record start, from the origin
}

func (p *parser) build() (*core.Doc, error) {
	d := &core.Draft{Strict: p.opts.Strict, DropFrame: p.drop}
	d.Settings = p.opts.DefaultSettings(p.rate)
	d.Main.Name = p.title
	d.Warnings = append(d.Warnings, p.warn...)

	// Frame 0 is the first record timecode, unless Slate wrote where its timeline began.
	origin := rt.Time(-1)
	for _, g := range p.groups {
		for _, l := range g.lines {
			if origin < 0 || l.recIn < origin {
				origin = l.recIn
			}
		}
		for _, nt := range g.notes {
			if nt.Start != "" {
				t, err := p.tc(nt.Start, g.lines[0].line)
				if err != nil {
					return nil, err
				}
				if t <= origin {
					origin = t
				}
			}
		}
	}
	d.Start = origin

	// Events per track, in record order.
	tracks := map[string][]*item{}
	var names []string
	for _, g := range p.groups {
		ts, _ := tracksOf(g.main().channel)
		for _, a := range g.aud {
			ts = append(ts, fmt.Sprintf("A%d", a))
		}
		seen := map[string]bool{}
		for _, t := range ts {
			if seen[t] {
				continue
			}
			seen[t] = true
			if _, ok := tracks[t]; !ok {
				names = append(names, t)
			}
			tracks[t] = append(tracks[t], &item{g: g, start: g.lines[0].recIn - origin})
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return trackOrder(names[i]) < trackOrder(names[j]) })
	b := &builder{p: p, d: d, origin: origin}
	for _, name := range names {
		its := tracks[name]
		sort.SliceStable(its, func(i, j int) bool { return its[i].start < its[j].start })
		t := &core.DraftTrack{Name: name, Kind: timeline.Video}
		if name[0] == 'A' {
			t.Kind = timeline.Audio
		}
		if err := b.track(t, its); err != nil {
			return nil, err
		}
		d.Main.Tracks = append(d.Main.Tracks, t)
	}
	if err := b.markers(); err != nil {
		return nil, err
	}
	b.rebase()
	d.Media = b.media.List
	doc, err := d.Build()
	if err != nil {
		return nil, fmt.Errorf("edl: %w", err)
	}
	return doc, nil
}

// trackOrder puts V first, then V2.., then A1, A2, ...
func trackOrder(name string) int {
	n, _ := strconv.Atoi(name[1:])
	if name == "V" {
		n = 1
	}
	if name[0] == 'A' {
		return 1000 + n
	}
	return n
}

type builder struct {
	p      *parser
	d      *core.Draft
	origin rt.Time
	media  core.MediaSet
	starts map[timeline.ID]rt.Time // first timecode of media, from Slate's notes
}

// sourceStart records what a note says about the first timecode of a clip's media.
func (b *builder) sourceStart(id timeline.ID, tc string, line int) {
	if tc == "" {
		return
	}
	t, err := b.p.tc(tc, line)
	if err != nil {
		b.d.Warnf("edl: line %d: source start %q ignored: %v", line, tc, err)
		return
	}
	if b.starts == nil {
		b.starts = map[timeline.ID]rt.Time{}
	}
	b.starts[id] = t
}

// rebase makes clips of media whose first timecode is known count from it.
func (b *builder) rebase() {
	for id, start := range b.starts {
		m := b.media.Get(id)
		if m == nil || m.Kind == core.KindGenerator {
			continue
		}
		m.Available.Start, m.Rate = start, b.p.rate
		for _, t := range b.d.Main.Tracks {
			for _, c := range t.Clips {
				if c.Source.Media == id {
					c.In -= start
				}
			}
		}
	}
}

// side is one clip an event describes: its line and what the comments say about it.
type side struct {
	l          *evline
	name, file string
}

func (b *builder) repair(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if b.d.Strict {
		return lerr(line, "%s", msg)
	}
	b.d.Warnf("edl: line %d: %s", line, msg)
	return nil
}

// track turns one track's events into clips and transitions.
func (b *builder) track(t *core.DraftTrack, its []*item) error {
	var prev *core.DraftClip
	var prevSide *side
	var end rt.Time
	for i := 0; i < len(its); i++ {
		g := its[i].g
		if len(g.lines) == 1 && !g.lines[0].transition() {
			if strings.HasPrefix(g.lines[0].edit, "K") {
				b.d.Warnf("edl: line %d: key edit %s read as a cut (Slate has no keys)", g.lines[0].line, g.lines[0].edit)
			}
			s := &side{l: g.lines[0], name: g.fromName, file: g.fromFile}
			if s.name == "" {
				s.name = g.toName
			}
			c, err := b.clip(t, g, s, g.notes)
			if err != nil {
				return err
			}
			b.exact(c, g.notes)
			if c.Start < end {
				if err := b.repair(s.l.line, "record in overlaps the event before by %d frames: moved after it", end-c.Start); err != nil {
					return err
				}
				c.Start = end
			}
			t.Clips = append(t.Clips, c)
			prev, prevSide, end = c, s, c.End()
			continue
		}
		// A dissolve or wipe: A is the outgoing source (the zero-length cut line, or the
		// event before when there is none), B the incoming one.
		bl := g.main()
		var aSide *side
		if len(g.lines) == 2 {
			aSide = &side{l: g.lines[0], name: g.fromName, file: g.fromFile}
		}
		bSide := &side{l: bl, name: g.toName, file: g.toFile}
		if len(g.lines) == 1 { // no cut line: the clip names are about B
			if bSide.name == "" {
				bSide.name = g.fromName
			}
			if bSide.file == "" {
				bSide.file = g.fromFile
			}
		}
		var tn *noteTransition
		for _, nt := range g.notes {
			if nt.Transition != nil {
				tn = nt.Transition
			}
		}
		in := bl.dur / 2 // OTIO's rule: an EDL does not say where the cut was, so the middle
		align := timeline.AlignCenter
		if tn != nil {
			switch tn.Align {
			case timeline.AlignStart:
				in, align = 0, timeline.AlignStart
			case timeline.AlignEnd:
				in, align = bl.dur, timeline.AlignEnd
			}
		}
		var a *core.DraftClip
		switch {
		case aSide == nil && prev != nil:
			a = prev
		case aSide != nil && prev != nil && continuous(prevSide, prev, aSide, b.origin):
			a = prev
		case aSide != nil:
			var err error
			if a, err = b.clip(t, g, aSide, nil); err != nil {
				return err
			}
			for _, nt := range g.notes {
				b.sourceStart(a.Source.Media, nt.FromSourceStart, aSide.l.line)
			}
			if a.Start < end {
				if err := b.repair(aSide.l.line, "record in overlaps the event before: moved after it"); err != nil {
					return err
				}
				a.Start = end
			}
			t.Clips = append(t.Clips, a)
		default:
			if err := b.repair(bl.line, "%s at the start of a track has no outgoing clip: read as a cut", bl.edit); err != nil {
				return err
			}
		}
		bc, err := b.clip(t, g, bSide, g.notes)
		if err != nil {
			return err
		}
		if a != nil && a.End() != bc.Start {
			if err := b.repair(bl.line, "the outgoing clip ends at %d but the %s starts at %d", a.End(), bl.edit, bl.recIn-b.origin); err != nil {
				return err
			}
			a = nil
		}
		if a != nil {
			if in > 0 {
				a.Dur += in
			}
			if in >= bc.Dur {
				return lerr(bl.line, "%s of %d frames is longer than its event", bl.edit, bl.dur)
			}
			if in > 0 {
				n := bc.Clip.Advanced(in)
				n.Start, n.Dur = bc.Start+in, bc.Dur-in
				bc.Clip = *n
			}
		}
		b.exact(bc, g.notes)
		// A dissolve event that covers only the dissolve continues in the next event of
		// the same source: join them (OTIO does the same).
		if len(g.notes) == 0 && i+1 < len(its) && bl.recOut-bl.recIn == bl.dur {
			ng := its[i+1].g
			if len(ng.lines) == 1 && !ng.lines[0].transition() {
				ns := &side{l: ng.lines[0], name: ng.fromName, file: ng.fromFile}
				if continuous(bSide, bc, ns, b.origin) && len(ng.motions) == 0 {
					bc.Dur += ns.l.recOut - ns.l.recIn
					i++
				}
			}
		}
		t.Clips = append(t.Clips, bc)
		if a != nil {
			tr := &core.DraftTransition{A: a, B: bc, Where: fmt.Sprintf("line %d", bl.line)}
			tr.Kind, tr.Dur, tr.Align = timeline.Dissolve, bl.dur, align
			if bl.wipe > 0 {
				tr.Kind = timeline.Wipe
				tr.Direction = wipeDirection(bl.wipe)
			}
			if tn != nil {
				if tn.Kind != "" {
					tr.Kind = tn.Kind
				}
				if tn.Direction != "" {
					tr.Direction = tn.Direction
				}
				tr.Color, tr.Softness = tn.Color, tn.Softness
			}
			t.Transitions = append(t.Transitions, tr)
		}
		prev, prevSide, end = bc, bSide, bc.End()
	}
	return nil
}

// wipeDirection maps SMPTE wipe codes: 1 is a vertical edge moving left to right, 2 a
// horizontal edge moving top to bottom.
func wipeDirection(code int) string {
	switch code {
	case 1:
		return "right"
	case 2:
		return "down"
	}
	return ""
}

// continuous reports whether side s continues clip c of side cs: same source, next frame, on
// the next record frame.
func continuous(cs *side, c *core.DraftClip, s *side, origin rt.Time) bool {
	if cs == nil || c == nil {
		return false
	}
	if cs.l.reel != s.l.reel || (cs.file != "" && s.file != "" && cs.file != s.file) {
		return false
	}
	if cs.name != "" && s.name != "" && cs.name != s.name {
		return false
	}
	return c.SourceFrame(c.End()) == s.l.srcIn && c.End() == s.l.recIn-origin
}

// clip makes the clip of one side of an event.
func (b *builder) clip(t *core.DraftTrack, g *group, s *side, notes []note) (*core.DraftClip, error) {
	l := s.l
	id := b.mediaFor(t, l, s)
	dc := &core.DraftClip{Where: fmt.Sprintf("line %d", l.line)}
	c := &dc.Clip
	c.Name, c.Source.Media, c.Enabled = s.name, id, true
	c.Start, c.Dur = l.recIn-b.origin, l.recOut-l.recIn
	c.In, c.Speed = l.srcIn, timeline.Normal
	srcDur := l.srcOut - l.srcIn
	var mo *motion
	for i := range g.motions {
		m := &g.motions[i]
		if mo == nil || strings.EqualFold(m.reel, l.reel) {
			mo = m
		}
	}
	if len(g.lines) == 2 && s.l == g.lines[0] {
		mo = nil // a speed belongs to the incoming clip
	}
	switch {
	case mo != nil:
		sp, _, err := core.SpeedOf(new(big.Rat).Quo(mo.speed, big.NewRat(b.p.rate.Nominal(), 1)))
		if err != nil {
			return nil, lerr(mo.line, "M2 %v", err)
		}
		c.Speed = sp
		if mo.has {
			c.In = mo.tc
		}
	case g.freeze:
		c.Speed = timeline.Speed{Num: 0, Den: 1}
		c.Name = strings.TrimSuffix(c.Name, " FF")
	case srcDur != c.Dur && c.Dur > 0:
		if b.d.Strict {
			return nil, lerr(l.line, "source duration %d frames differs from record duration %d frames", srcDur, c.Dur)
		}
		b.d.Warnf("edl: line %d: source duration %d frames differs from record duration %d: the source wins", l.line, srcDur, c.Dur)
		c.Dur = srcDur
	}
	for _, nt := range notes {
		b.sourceStart(id, nt.SourceStart, l.line)
		if nt.Disabled {
			c.Enabled = false
		}
		if nt.Name != nil {
			c.Name = *nt.Name
		}
	}
	if g.cdl != nil && s.l == g.main() {
		dc.Extra = map[string]json.RawMessage{"cdl": core.RawJSON(g.cdl)}
	}
	if len(g.comments) > 0 && s.l == g.main() {
		if dc.Extra == nil {
			dc.Extra = map[string]json.RawMessage{}
		}
		dc.Extra["edl.comments"] = core.RawJSON(g.comments)
	}
	return dc, nil
}

// exact applies Slate's note of the clip's exact speed and source position, when it agrees
// with the event within a frame.
func (b *builder) exact(dc *core.DraftClip, notes []note) {
	for _, nt := range notes {
		if nt.In == nil || nt.Speed == nil || nt.Speed.Validate() != nil {
			continue
		}
		d := *nt.In - dc.In
		if d < -1 || d > 1 {
			continue
		}
		ds := new(big.Rat).Sub(core.SpeedRat(*nt.Speed), core.SpeedRat(dc.Speed))
		if new(big.Rat).Abs(ds).Cmp(big.NewRat(1, 20*b.p.rate.Nominal())) > 0 {
			continue
		}
		if nt.Phase < 0 || nt.Phase >= nt.Speed.Den {
			continue
		}
		dc.In, dc.Phase, dc.Speed = *nt.In, nt.Phase, *nt.Speed
	}
}

// mediaFor finds or adds the media of an event side: one per file, else per reel and name.
func (b *builder) mediaFor(t *core.DraftTrack, l *evline, s *side) timeline.ID {
	reel := strings.ToUpper(l.reel)
	m := core.Media{Name: s.name, Reel: l.reel, Rate: b.p.rate, Kind: core.KindVideo}
	var key string
	switch {
	case reel == "BL" || reel == "BLACK":
		m.Kind, m.Generator, m.Reel = core.KindGenerator, &core.Generator{Kind: "black"}, ""
		m.Name = "black"
		key = "gen|black"
	case reel == "BARS":
		m.Kind, m.Generator, m.Reel = core.KindGenerator, &core.Generator{Kind: "SMPTEBars"}, ""
		m.Name = "bars"
		key = "gen|bars"
	case s.file != "":
		m.Path = core.PathFromURL(s.file)
		if m.Name == "" {
			m.Name = path.Base(strings.ReplaceAll(m.Path, `\`, "/"))
		}
		key = "file|" + s.file
	default:
		m.Missing = true
		if m.Name == "" {
			m.Name = l.reel
		}
		key = "reel|" + l.reel + "|" + s.name
	}
	if t.Kind == timeline.Audio && m.Kind == core.KindVideo && m.Path != "" {
		m.Kind = kindFromName(m.Path)
	}
	id := b.media.Add(key, m)
	if mm := b.media.Get(id); mm != nil && mm.Kind != core.KindGenerator {
		if t.Kind == timeline.Audio {
			if mm.Kind == core.KindVideo {
				mm.Audio = true
			}
			if m.Missing && !b.usedOnVideo(id) {
				mm.Kind = core.KindAudio
			}
		} else if mm.Kind == core.KindAudio {
			mm.Kind, mm.Audio = core.KindVideo, true
		}
	}
	return id
}

func (b *builder) usedOnVideo(id timeline.ID) bool {
	for _, t := range b.d.Main.Tracks {
		if t.Kind != timeline.Video {
			continue
		}
		for _, c := range t.Clips {
			if c.Source.Media == id {
				return true
			}
		}
	}
	return false
}

func kindFromName(p string) core.MediaKind {
	switch strings.ToLower(path.Ext(strings.ReplaceAll(p, `\`, "/"))) {
	case ".wav", ".mp3", ".aac", ".flac", ".m4a", ".ogg", ".aif", ".aiff", ".bwf":
		return core.KindAudio
	}
	return core.KindVideo
}

// markers turns locators (record timecode) and Slate's marker notes into markers.
func (b *builder) markers() error {
	for _, g := range b.p.groups {
		for _, nt := range g.notes {
			if nt.Marker == nil {
				continue
			}
			at, err := b.p.tc(nt.Marker.At, g.lines[0].line)
			if err != nil {
				return err
			}
			m := &core.DraftMarker{Where: fmt.Sprintf("line %d", g.lines[0].line)}
			m.At, m.Dur, m.Name, m.Note, m.Color = at-b.origin, nt.Marker.Dur, nt.Marker.Name, nt.Marker.Note, nt.Marker.Color
			b.d.Main.Markers = append(b.d.Main.Markers, m)
		}
		if len(g.notes) > 0 && hasMarkerNote(g.notes) {
			continue // Slate wrote the locators from these notes
		}
		for _, l := range g.locs {
			m := &core.DraftMarker{Where: fmt.Sprintf("line %d", l.line)}
			m.At, m.Name = l.tc-b.origin, l.txt
			if l.color != "" {
				m.Color = core.ModelColor(l.color)
			}
			b.d.Main.Markers = append(b.d.Main.Markers, m)
		}
	}
	return nil
}

func hasMarkerNote(ns []note) bool {
	for _, n := range ns {
		if n.Marker != nil {
			return true
		}
	}
	return false
}
