// Package ixtest builds the timelines the interchange tests share and describes timelines as
// text so that two can be compared cut by cut. It is used by tests only.
package ixtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// Media IDs of Rich.
const (
	MediaA = 101 // 24 fps video with sound, 240 frames, timecode from 01:00:00:00
	MediaB = 102 // 25 fps video, 250 frames (10 s)
	MediaC = 103 // 24 fps video, 480 frames
	MediaD = 104 // sound, 24 fps timing, 480 frames
)

// Rich is a non-trivial 24 fps timeline: two video tracks and two audio tracks, gaps, a
// centred dissolve, a start-aligned wipe, a freeze frame, slow and fast retimes, a 25 fps
// source, keyframed opacity, and markers.
//
//	V1: a [0,48) | dissolve 12 centred | c [48,120) | gap | b@25fps ½× [144,200) | a freeze [200,240)
//	V2: gap [0,60) | c [60,100) opacity keys | wipe 10 start | a [100,130)
//	A1: d [0,240)
//	A2: gap | d 2× [24,96)
func Rich(t testing.TB) *core.Doc {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
	must(t, err)
	media := []core.Media{
		{ID: MediaA, Name: "a", Path: "/media/a.mov", Kind: core.KindVideo, Rate: rt.Rate24, Available: rt.Range{Start: 86400, Dur: 240}, Audio: true, Reel: "A001", Width: 1920, Height: 1080},
		{ID: MediaB, Name: "b", Path: "/media/b.mp4", Kind: core.KindVideo, Rate: rt.Rate25, Available: rt.Range{Dur: 250}, Reel: "B001"},
		{ID: MediaC, Name: "c", Path: "/media/c.mov", Kind: core.KindVideo, Rate: rt.Rate24, Available: rt.Range{Dur: 480}, Reel: "C001"},
		{ID: MediaD, Name: "d", Path: "/media/d.wav", Kind: core.KindAudio, Rate: rt.Rate24, Available: rt.Range{Dur: 480}, Reel: "D001"},
	}
	track := func(kind timeline.TrackKind, name string) timeline.ID {
		id := tl.NewID()
		must(t, tl.InsertTrack(tl.Sequence.ID, len(tl.Tracks), &timeline.Track{ID: id, Kind: kind, Name: name}))
		return id
	}
	clip := func(track timeline.ID, name string, m timeline.ID, start, dur, in rt.Time, sp timeline.Speed, srcDur rt.Time) timeline.ID {
		id := tl.NewID()
		c := &timeline.Clip{ID: id, Name: name, Source: timeline.Source{Media: m}, Start: start, Dur: dur, In: in, Speed: sp, Enabled: true, SourceDur: srcDur}
		must(t, tl.InsertClip(track, c))
		return id
	}
	v1 := track(timeline.Video, "V1")
	v2 := track(timeline.Video, "V2")
	a1 := track(timeline.Audio, "A1")
	a2 := track(timeline.Audio, "A2")

	c1 := clip(v1, "a", MediaA, 0, 48, 10, timeline.Normal, 240)
	c2 := clip(v1, "c", MediaC, 48, 72, 30, timeline.Normal, 480)
	clip(v1, "b", MediaB, 144, 56, 5, timeline.Speed{Num: 1, Den: 2}, 240)
	clip(v1, "a", MediaA, 200, 40, 100, timeline.Speed{Num: 0, Den: 1}, 240)
	must(t, tl.InsertTransition(&timeline.Transition{ID: tl.NewID(), Kind: timeline.Dissolve, A: c1, B: c2, Dur: 12, Align: timeline.AlignCenter}))

	c5 := clip(v2, "c", MediaC, 60, 40, 0, timeline.Normal, 480)
	c6 := clip(v2, "a", MediaA, 100, 30, 0, timeline.Normal, 240)
	must(t, tl.InsertTransition(&timeline.Transition{ID: tl.NewID(), Kind: timeline.Wipe, A: c5, B: c6, Dur: 10, Align: timeline.AlignStart, Direction: "left", Softness: 0.2}))
	_, c, err := tl.Clip(c5)
	must(t, err)
	n := c.Clone()
	n.Params = map[string]*keyframe.Curve{
		"opacity":    {Static: 1, Keys: []keyframe.Key{{T: 0, V: 0}, {T: 10, V: 1, Interp: keyframe.EaseInOutSine}, {T: 30, V: 0.5}}},
		"position.x": {Static: 0, Keys: []keyframe.Key{{T: 0, V: -200}, {T: 39, V: 200}}},
		"scale":      {Static: 0.5},
	}
	_, err = tl.ReplaceClip(n)
	must(t, err)

	clip(a1, "d", MediaD, 0, 240, 0, timeline.Normal, 480)
	clip(a2, "d", MediaD, 24, 72, 48, timeline.Speed{Num: 2, Den: 1}, 480)

	must(t, tl.InsertMarker(tl.Sequence.ID, &timeline.Marker{ID: tl.NewID(), At: 0, Name: "Start", Color: "red"}))
	must(t, tl.InsertMarker(tl.Sequence.ID, &timeline.Marker{ID: tl.NewID(), At: 100, Dur: 10, Name: "Grade", Color: "#00ff00", Note: "check the grade"}))
	must(t, tl.Check())
	return &core.Doc{Timeline: tl, Media: media, Start: 86400}
}

// Nested adds to Rich a nested sequence used by a clip on a third video track.
func Nested(t testing.TB) *core.Doc {
	t.Helper()
	d := Rich(t)
	tl := d.Timeline
	sid := tl.NewID()
	must(t, tl.InsertSequence(0, &timeline.Sequence{ID: sid, Name: "Inner"}))
	itr := tl.NewID()
	must(t, tl.InsertTrack(sid, 0, &timeline.Track{ID: itr, Kind: timeline.Video, Name: "Inner V1"}))
	must(t, tl.InsertClip(itr, &timeline.Clip{ID: tl.NewID(), Name: "c", Source: timeline.Source{Media: MediaC}, Start: 10, Dur: 50, In: 0, Speed: timeline.Normal, Enabled: true, SourceDur: 480}))
	must(t, tl.InsertMarker(sid, &timeline.Marker{ID: tl.NewID(), At: 12, Name: "inner"}))
	v3 := tl.NewID()
	must(t, tl.InsertTrack(tl.Sequence.ID, 2, &timeline.Track{ID: v3, Kind: timeline.Video, Name: "V3", Hide: true}))
	must(t, tl.InsertClip(v3, &timeline.Clip{ID: tl.NewID(), Name: "inner", Source: timeline.Source{Sequence: sid}, Start: 30, Dur: 40, In: 5, Speed: timeline.Normal, Enabled: false}))
	must(t, tl.Check())
	return d
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Cuts describes a sequence cut by cut, one line per clip, transition and marker, naming
// clips by their media's name so that media IDs need not match. With ids it adds object IDs.
func Cuts(d *core.Doc, seq *timeline.Sequence, ids bool) []string {
	var out []string
	mname := func(c *timeline.Clip) string {
		if c.Source.Sequence != 0 {
			return fmt.Sprintf("sequence:%d", c.Source.Sequence)
		}
		if m, ok := d.MediaByID(c.Source.Media); ok {
			return m.Name
		}
		return fmt.Sprintf("media:%d", c.Source.Media)
	}
	for i, t := range seq.Tracks {
		for _, c := range t.Clips {
			s := fmt.Sprintf("%s%d %s [%d,%d) in %d+%d speed %d/%d src %s", t.Kind[:1], i, c.Name, c.Start, c.End(), c.In, c.Phase, c.Speed.Num, c.Speed.Den, mname(c))
			if !c.Enabled {
				s += " disabled"
			}
			if ids {
				s = fmt.Sprintf("#%d %s", c.ID, s)
			}
			out = append(out, s)
		}
		for _, tr := range t.Transitions {
			_, _, cut, _ := t.Cut(tr)
			s := fmt.Sprintf("%s%d %s %s %d at cut %d", t.Kind[:1], i, tr.Kind, tr.Align, tr.Dur, cut)
			if tr.Kind == timeline.Wipe && tr.Direction != "" {
				s += " " + tr.Direction
			}
			out = append(out, s)
		}
	}
	for _, m := range seq.Markers {
		out = append(out, fmt.Sprintf("marker %q at %d for %d", m.Name, m.At, m.Dur))
	}
	sort.Strings(out)
	return out
}

// Diff lists the lines only in a and only in b.
func Diff(a, b []string) string {
	in := func(x string, l []string) bool {
		for _, y := range l {
			if x == y {
				return true
			}
		}
		return false
	}
	var sb strings.Builder
	for _, x := range a {
		if !in(x, b) {
			fmt.Fprintf(&sb, "- %s\n", x)
		}
	}
	for _, x := range b {
		if !in(x, a) {
			fmt.Fprintf(&sb, "+ %s\n", x)
		}
	}
	return sb.String()
}

// Gaps counts the gaps between clips of each track of a sequence (the model keeps gaps
// implicit: the space before a clip that no clip covers).
func Gaps(seq *timeline.Sequence) int {
	n := 0
	for _, t := range seq.Tracks {
		for _, it := range t.Items() {
			if it.Clip == nil {
				n++
			}
		}
	}
	return n
}

// Counts are the facts the sample tests check.
type Counts struct {
	Tracks, Clips, Gaps, Transitions, Markers int
	Duration                                  rt.Time
}

// Count gives the facts of a doc's main sequence.
func Count(d *core.Doc) Counts {
	s := &d.Timeline.Sequence
	c := Counts{Tracks: len(s.Tracks), Gaps: Gaps(s), Markers: len(s.Markers), Duration: s.Duration()}
	for _, t := range s.Tracks {
		c.Clips += len(t.Clips)
		c.Transitions += len(t.Transitions)
	}
	return c
}

// Long is a timeline of n clips on each of two video and two audio tracks, cut every 48
// frames with a gap every tenth clip and a dissolve every fifth cut, for benchmarks.
func Long(t testing.TB, n int) *core.Doc {
	t.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
	must(t, err)
	media := []core.Media{{ID: 1, Name: "v", Path: "/media/v.mov", Kind: core.KindVideo, Rate: rt.Rate24}, {ID: 2, Name: "s", Path: "/media/s.wav", Kind: core.KindAudio, Rate: rt.Rate24}}
	for k, kind := range []timeline.TrackKind{timeline.Video, timeline.Video, timeline.Audio, timeline.Audio} {
		tr := tl.NewID()
		must(t, tl.InsertTrack(tl.Sequence.ID, k, &timeline.Track{ID: tr, Kind: kind, Name: fmt.Sprint(kind, k)}))
		m := timeline.ID(1)
		if kind == timeline.Audio {
			m = 2
		}
		var at rt.Time
		var prev timeline.ID
		for i := 0; i < n; i++ {
			if i%10 == 9 {
				at += 12
				prev = 0
			}
			id := tl.NewID()
			must(t, tl.InsertClip(tr, &timeline.Clip{ID: id, Name: fmt.Sprint("c", i), Source: timeline.Source{Media: m}, Start: at, Dur: 48, In: rt.Time(100 + i*7), Speed: timeline.Normal, Enabled: true}))
			if prev != 0 && i%5 == 0 {
				must(t, tl.InsertTransition(&timeline.Transition{ID: tl.NewID(), Kind: timeline.Dissolve, A: prev, B: id, Dur: 8, Align: timeline.AlignCenter}))
			}
			prev = id
			at += 48
		}
	}
	return &core.Doc{Timeline: tl, Media: media, Start: 86400}
}
