package edl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"sort"
	"strings"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/rt"
)

// Write writes one video track of the main sequence (opts.VideoTrack, the first by default)
// and up to four audio tracks as a CMX 3600 EDL at the timeline's rate. Nested-sequence clips
// are written as their own reel (an EDL cannot nest); what an EDL cannot hold exactly (wipe
// directions, transition alignment, sub-frame speeds, marker notes) rides in "* SLATE {...}"
// comments that other tools keep as comments. What it drops is appended to doc.Warnings.
func Write(w io.Writer, doc *core.Doc, opts core.WriteOptions) error {
	if err := doc.Check(); err != nil {
		return fmt.Errorf("edl: %w", err)
	}
	tl := doc.Timeline
	if tl.Rate.Nominal() < 1 {
		return fmt.Errorf("edl: frame rate %s is below 1 fps", tl.Rate)
	}
	wr := &writer{doc: doc, tl: tl, rate: tl.Rate, drop: doc.DropFrame && tl.Rate.DropFrameAllowed()}
	var video *timeline.Track
	var audio []*timeline.Track
	nv := 0
	want := max(opts.VideoTrack, 1)
	for _, t := range tl.Tracks {
		if t.Kind == timeline.Video {
			nv++
			if nv == want {
				video = t
			}
			continue
		}
		audio = append(audio, t)
	}
	if opts.VideoTrack > nv && opts.VideoTrack > 1 {
		return fmt.Errorf("edl: there is no video track %d (the timeline has %d)", opts.VideoTrack, nv)
	}
	if nv > 1 {
		doc.Warnf("edl: CMX 3600 holds one picture track: video track %d written, %d others left out (write one EDL each)", want, nv-1)
	}
	if len(audio) > 4 {
		doc.Warnf("edl: %d audio tracks: the first 4 are written", len(audio))
		audio = audio[:4]
	}
	var evs []*event
	if video != nil {
		e, err := wr.track(video, "V")
		if err != nil {
			return err
		}
		evs = append(evs, e...)
	}
	for i, t := range audio {
		ch := "A"
		if i > 0 {
			ch = fmt.Sprintf("A%d", i+1)
		}
		e, err := wr.track(t, ch)
		if err != nil {
			return err
		}
		evs = append(evs, e...)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].recIn < evs[j].recIn })
	if err := wr.attachMarkers(evs); err != nil {
		return err
	}

	bw := bufio.NewWriter(w)
	title := opts.Title
	if title == "" {
		title = tl.Sequence.Name
	}
	fmt.Fprintf(bw, "TITLE: %s\n", oneLine(title))
	if wr.drop {
		fmt.Fprintf(bw, "FCM: DROP FRAME\n\n")
	} else {
		fmt.Fprintf(bw, "FCM: NON-DROP FRAME\n\n")
	}
	for i, e := range evs {
		if i == 0 {
			tc, err := wr.tc(0)
			if err != nil {
				return err
			}
			e.notes = append([]note{{Start: tc}}, e.notes...)
		}
		if err := e.write(bw, i+1); err != nil {
			return err
		}
	}
	return bw.Flush()
}

type writer struct {
	doc  *core.Doc
	tl   *timeline.Timeline
	rate rt.Rate
	drop bool
}

// tc is the record timecode of timeline frame t.
func (w *writer) tc(t rt.Time) (string, error) {
	s, err := core.FormatTC(w.doc.Start+t, w.rate, w.drop)
	if err != nil {
		return "", fmt.Errorf("edl: record %w", err)
	}
	return s, nil
}

// stc is the source timecode of source frame s (timeline rate) of media m: the media's own
// first timecode is added.
func (w *writer) stc(m *core.Media, s rt.Time) (string, error) {
	base := rt.Time(0)
	if m != nil && m.Available.Start != 0 && m.Rate.Validate() == nil {
		b, err := rt.Rescale(m.Available.Start, m.Rate, w.rate)
		if err != nil {
			return "", err
		}
		base = b
	}
	if base+s < 0 {
		s = -base // reverse clips may read before frame 0 of their span's extrapolation
	}
	t, err := core.FormatTC(base+s, w.rate, w.drop)
	if err != nil {
		return "", fmt.Errorf("edl: source %w", err)
	}
	return t, nil
}

// event is what the EDL holds for one clip: its line, or for a transition the outgoing
// cut line and the incoming line.
type event struct {
	recIn    rt.Time
	lines    []string
	comments []string
	notes    []note
	markers  []*timeline.Marker
}

func (e *event) write(bw *bufio.Writer, n int) error {
	for _, l := range e.lines {
		fmt.Fprintf(bw, "%03d  %s\n", n, l)
	}
	for _, c := range e.comments {
		fmt.Fprintln(bw, c)
	}
	for _, nt := range e.notes {
		b, err := json.Marshal(nt)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "* SLATE %s\n", b)
	}
	fmt.Fprintln(bw)
	return nil
}

// reel is a CMX reel name: up to 8 letters and digits.
func reel(m *core.Media) string {
	if m == nil {
		return "AX"
	}
	if m.Kind == core.KindGenerator && m.Generator != nil {
		switch strings.ToLower(m.Generator.Kind) {
		case "black", "color", "colour":
			return "BL"
		case "smptebars", "bars":
			return "BARS"
		}
	}
	src := m.Reel
	if src == "" {
		src = strings.TrimSuffix(path.Base(strings.ReplaceAll(m.Path, `\`, "/")), path.Ext(m.Path))
		if m.Path == "" {
			src = m.Name
		}
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(src) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		}
		if b.Len() == 8 {
			break
		}
	}
	if b.Len() == 0 || b.String() == "BL" || b.String() == "BARS" {
		return "AX"
	}
	return b.String()
}

// sourceStart is the first timecode of media m when it is not 00:00:00:00: Slate's note of
// it lets its own reader count source frames from the file's start.
func (w *writer) sourceStart(m *core.Media) (string, error) {
	if m == nil || m.Available.Start == 0 || m.Rate.Validate() != nil || m.Kind == core.KindGenerator {
		return "", nil
	}
	b, err := rt.Rescale(m.Available.Start, m.Rate, w.rate)
	if err != nil {
		return "", err
	}
	return core.FormatTC(b, w.rate, w.drop)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (w *writer) media(c *timeline.Clip) *core.Media {
	if m, ok := w.doc.MediaByID(c.Source.Media); ok {
		return m
	}
	return nil
}

// span is the event line of clip c over record frames [from, to): its source in and out
// (the frames used, forward) and, for a speed other than 1, the M2 line.
func (w *writer) span(c *timeline.Clip, m *core.Media, from, to rt.Time, reelName string) (srcIn, srcOut, m2 string, err error) {
	first := c.SourceFrame(from)
	var a, b rt.Time
	switch {
	case c.Speed.Freeze():
		a, b = first, first+1
	case c.Speed.Num < 0:
		a, b = c.SourceFrame(to-1), first+1
	default:
		a, b = first, c.SourceFrame(to-1)+1
	}
	if to <= from { // a zero-length cut line: where the source stands
		a, b = first, first
	}
	if srcIn, err = w.stc(m, a); err != nil {
		return
	}
	if srcOut, err = w.stc(m, b); err != nil {
		return
	}
	if c.Speed != timeline.Normal && to > from {
		fps := new(big.Rat).Mul(core.SpeedRat(c.Speed), big.NewRat(w.rate.Nominal(), 1))
		f, _ := fps.Float64()
		tc, e := w.stc(m, first)
		if e != nil {
			return "", "", "", e
		}
		m2 = fmt.Sprintf("M2   %-8s\t\t%05.1f\t\t\t%s", reelName, f, tc)
	}
	return
}

func (w *writer) name(c *timeline.Clip, m *core.Media) string {
	if c.Name != "" {
		return c.Name
	}
	if m != nil {
		return m.Name
	}
	return ""
}

// clipNotes is Slate's note of what the event line cannot say about clip c exactly.
func clipNotes(c *timeline.Clip, nameWritten string) []note {
	var out []note
	n := note{}
	if c.Speed != timeline.Normal || c.Phase != 0 {
		in, sp := c.In, c.Speed
		n.In, n.Phase, n.Speed = &in, c.Phase, &sp
	}
	if !c.Enabled {
		n.Disabled = true
	}
	if c.Name != nameWritten {
		nm := c.Name
		n.Name = &nm
	}
	if n.In != nil || n.Disabled || n.Name != nil {
		out = append(out, n)
	}
	return out
}

func (w *writer) fileComments(prefix string, m *core.Media) []string {
	if m == nil || m.Kind == core.KindGenerator || m.Path == "" {
		return nil
	}
	return []string{fmt.Sprintf("* %s CLIP: %s", prefix, m.Path)}
}

func (w *writer) extraComments(c *timeline.Clip) []string {
	var out []string
	if raw := w.doc.Extra.Get(c.ID, "cdl"); raw != nil {
		var cdl struct {
			Slope, Offset, Power []float64
			Sat                  *float64
		}
		if json.Unmarshal(raw, &cdl) == nil {
			if len(cdl.Slope) == 3 && len(cdl.Offset) == 3 && len(cdl.Power) == 3 {
				out = append(out, fmt.Sprintf("*ASC_SOP (%g %g %g)(%g %g %g)(%g %g %g)",
					cdl.Slope[0], cdl.Slope[1], cdl.Slope[2], cdl.Offset[0], cdl.Offset[1], cdl.Offset[2], cdl.Power[0], cdl.Power[1], cdl.Power[2]))
			}
			if cdl.Sat != nil {
				out = append(out, fmt.Sprintf("*ASC_SAT %g", *cdl.Sat))
			}
		}
	}
	if raw := w.doc.Extra.Get(c.ID, "edl.comments"); raw != nil {
		var cs []string
		if json.Unmarshal(raw, &cs) == nil {
			for _, s := range cs {
				out = append(out, "* "+oneLine(s))
			}
		}
	}
	return out
}

func (w *writer) evLine(reelName, channel, edit string, srcIn, srcOut string, from, to rt.Time) (string, error) {
	ri, err := w.tc(from)
	if err != nil {
		return "", err
	}
	ro, err := w.tc(to)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%-8s %-5s %-8s %s %s %s %s", reelName, channel, edit, srcIn, srcOut, ri, ro), nil
}

// track makes the events of one track.
func (w *writer) track(t *timeline.Track, channel string) ([]*event, error) {
	into := map[timeline.ID]*timeline.Transition{}
	outOf := map[timeline.ID]*timeline.Transition{}
	for _, tr := range t.Transitions {
		into[tr.B], outOf[tr.A] = tr, tr
	}
	var out []*event
	for _, c := range t.Clips {
		if c.Source.Sequence != 0 {
			w.doc.Warnf("edl: clip %d shows a nested sequence: written as reel AX without a source file", c.ID)
		}
		m := w.media(c)
		from, to := c.Start, c.End()
		if tr := into[c.ID]; tr != nil {
			from = c.Start - core.InOffset(tr)
		}
		if tr := outOf[c.ID]; tr != nil {
			to = c.Start + c.Dur - core.InOffset(tr)
		}
		rn := reel(m)
		name := w.name(c, m)
		srcIn, srcOut, m2, err := w.span(c, m, from, to, rn)
		if err != nil {
			return nil, err
		}
		tr := into[c.ID]
		if tr == nil {
			if to <= from {
				continue // wholly inside the transitions on either side: their lines carry it
			}
			l, err := w.evLine(rn, channel, "C", srcIn, srcOut, from, to)
			if err != nil {
				return nil, err
			}
			e := &event{recIn: from, lines: []string{l}}
			if m2 != "" {
				e.comments = append(e.comments, m2)
			}
			e.comments = append(e.comments, "* FROM CLIP NAME:  "+oneLine(name))
			e.comments = append(e.comments, w.fileComments("FROM", m)...)
			e.comments = append(e.comments, w.extraComments(c)...)
			e.notes = clipNotes(c, oneLine(name))
			if st, err := w.sourceStart(m); err != nil {
				return nil, err
			} else if st != "" {
				e.notes = append(e.notes, note{SourceStart: st})
			}
			out = append(out, e)
			continue
		}
		// A transition into c: the outgoing clip's source where it starts, then c.
		ac, _, _, err := t.Cut(tr)
		if err != nil {
			return nil, err
		}
		am := w.media(ac)
		arn := reel(am)
		aIn, aOut, _, err := w.span(ac, am, from, from, arn)
		if err != nil {
			return nil, err
		}
		cut, err := w.evLine(arn, channel, "C", aIn, aOut, from, from)
		if err != nil {
			return nil, err
		}
		edit := "D"
		if tr.Kind == timeline.Wipe {
			edit = "W001"
			if tr.Direction == "up" || tr.Direction == "down" {
				edit = "W002"
			}
		}
		ri, err := w.tc(from)
		if err != nil {
			return nil, err
		}
		ro, err := w.tc(to)
		if err != nil {
			return nil, err
		}
		bl := fmt.Sprintf("%-8s %-5s %-4s %03d %s %s %s %s", rn, channel, edit, tr.Dur, srcIn, srcOut, ri, ro)
		e := &event{recIn: from, lines: []string{cut, bl}}
		if m2 != "" {
			e.comments = append(e.comments, m2)
		}
		aName := oneLine(w.name(ac, am))
		e.comments = append(e.comments, "* FROM CLIP NAME:  "+aName)
		e.comments = append(e.comments, "* TO CLIP NAME:  "+oneLine(name))
		e.comments = append(e.comments, w.fileComments("FROM", am)...)
		e.comments = append(e.comments, w.fileComments("TO", m)...)
		e.comments = append(e.comments, w.extraComments(c)...)
		tn := &noteTransition{Kind: tr.Kind, Align: tr.Align, Color: tr.Color, Direction: tr.Direction, Softness: tr.Softness}
		e.notes = append([]note{{Transition: tn}}, clipNotes(c, oneLine(name))...)
		var starts note
		if starts.SourceStart, err = w.sourceStart(m); err != nil {
			return nil, err
		}
		if starts.FromSourceStart, err = w.sourceStart(am); err != nil {
			return nil, err
		}
		if starts != (note{}) {
			e.notes = append(e.notes, starts)
		}
		out = append(out, e)
	}
	return out, nil
}

// attachMarkers writes each marker as a locator (record timecode) on the last event starting
// at or before it, with Slate's note of its length, note and exact colour.
func (w *writer) attachMarkers(evs []*event) error {
	if len(evs) == 0 {
		if len(w.tl.Markers) > 0 {
			w.doc.Warnf("edl: %d markers left out: the EDL has no events to carry them", len(w.tl.Markers))
		}
		return nil
	}
	for _, m := range w.tl.Markers {
		i := sort.Search(len(evs), func(i int) bool { return evs[i].recIn > m.At }) - 1
		if i < 0 {
			i = 0
		}
		tc, err := w.tc(m.At)
		if err != nil {
			return err
		}
		e := evs[i]
		e.comments = append(e.comments, fmt.Sprintf("* LOC: %s %-7s %s", tc, core.ColorName(m.Color), oneLine(m.Name)))
		e.notes = append(e.notes, note{Marker: &noteMarker{At: tc, Dur: m.Dur, Name: m.Name, Note: m.Note, Color: m.Color}})
	}
	return nil
}
