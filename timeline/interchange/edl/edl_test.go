package edl_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/edl"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/rt"
)

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The samples are OpenTimelineIO's EDL test files (Apache-2.0, see
// testdata/LICENSE-OpenTimelineIO.txt). Timecodes below are HH:MM:SS:FF; a frame count at 24
// fps is ((H*60+M)*60+S)*24+F. Frame 0 of the import is the first record timecode.
func TestEverySampleImportsWithTheRightCounts(t *testing.T) {
	tests := []struct {
		file   string
		rate   rt.Rate
		want   ixtest.Counts
		start  rt.Time
		detail func(t *testing.T, d *core.Doc)
	}{
		// Four cuts recorded back to back from 00:00:00:00 to 00:00:19:21; frame ":24"
		// appears, so it is 25 fps: 19*25+21 = 496.
		{"25fps.edl", rt.Rate25, ixtest.Counts{Tracks: 1, Clips: 4, Duration: 496}, 0, nil},
		// Two cuts from 00:59:53:11 (86243) to 00:59:56:20 (86324): 81 frames; "FROM CLIP"
		// names the files.
		{"avid_example.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 2, Duration: 81}, 86243, func(t *testing.T, d *core.Doc) {
			if d.Media[0].Path != `S:\path\to\ZZ100_501.take_1.0001.exr` || d.Timeline.Tracks[0].Clips[0].Name != "take_1" {
				t.Errorf("media %+v", d.Media[0])
			}
		}},
		// Two cuts, 00:00:00:00 to 00:00:02:14 = 62 frames, both with an ASC CDL written two
		// ways; the same SOURCE FILE, so one media.
		{"cdl.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 2, Duration: 62}, 0, func(t *testing.T, d *core.Doc) {
			for _, c := range d.Timeline.Tracks[0].Clips {
				if cdl := string(d.Extra.Get(c.ID, "cdl")); !strings.Contains(cdl, `"sat":0.9`) || !strings.Contains(cdl, `"offset":[1,-0.0122,0.0305]`) {
					t.Errorf("clip %d cdl %s", c.ID, cdl)
				}
			}
			if len(d.Media) != 1 {
				t.Errorf("%d media, want 1", len(d.Media))
			}
		}},
		// clip_A 01:00:00:00-00:09, then a zero-length cut line and a 10-frame dissolve to
		// clip_B over 00:09-00:19, then clip_B continues for one frame to 00:20. The cut
		// goes in the middle of the dissolve (OTIO's rule): clip_A [0,14), clip_B [14,20).
		{"dissolve_test.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 2, Transitions: 1, Duration: 20}, 86400, func(t *testing.T, d *core.Doc) {
			tr := d.Timeline.Tracks[0]
			if tr.Clips[0].Dur != 14 || tr.Clips[1].Start != 14 || tr.Transitions[0].Dur != 10 || tr.Transitions[0].Kind != timeline.Dissolve {
				t.Errorf("clips %+v %+v transition %+v", tr.Clips[0], tr.Clips[1], tr.Transitions[0])
			}
			// clip_B's source at the cut: 01:00:08:08 + 5 frames = 86400+200+5 = 86605.
			if tr.Clips[1].In != 86605 {
				t.Errorf("clip_B in %d, want 86605", tr.Clips[1].In)
			}
		}},
		// One AA event (A1 and A2) with "AUD 3": three audio tracks, one clip each, of
		// 00:56:55:22 = (56*60+55)*24+22 = 81982 frames.
		{"multi_audio.edl", rt.Rate24, ixtest.Counts{Tracks: 3, Clips: 3, Duration: 81982}, 0, func(t *testing.T, d *core.Doc) {
			for i, tr := range d.Timeline.Tracks {
				if tr.Kind != timeline.Audio || tr.Name != []string{"A1", "A2", "A3"}[i] {
					t.Errorf("track %d: %s %s", i, tr.Kind, tr.Name)
				}
			}
		}},
		// Nine cuts, "*FROM" without a space, from 00:59:53:11 (86243) to 01:00:37:04
		// (86400+37*24+4 = 87292): 1049 frames. Three "*LOC" locators at record timecode.
		{"no_spaces_test.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 9, Markers: 3, Duration: 1049}, 86243, func(t *testing.T, d *core.Doc) {
			ms := d.Timeline.Markers
			// 01:00:01:14 = 86438, minus 86243 = 195; 01:00:02:14 = 219; 01:00:15:13 = 530.
			if ms[0].At != 195 || ms[1].At != 219 || ms[2].At != 530 || ms[0].Color != "red" || ms[1].Color != "pink" || ms[0].Name != "ANIM FIX NEEDED" {
				t.Errorf("markers %+v %+v %+v", *ms[0], *ms[1], *ms[2])
			}
		}},
		// 20 cuts at 25 fps whose source and record lengths disagree four times (events 4,
		// 5, 9, 10). Read leniently, the source wins, as in OTIO: event 4 ends at 447+49 =
		// 496 where event 5 starts; event 5 (31 frames) leaves 496+31 = 527..552 empty;
		// event 9 (51) leaves 752..756 empty; event 10 (95) runs to 851, past event 11's
		// record in 847, so events 11-20 each move 4 frames later, and the last ends at
		// 1726+4+63 = 1793. Two gaps.
		{"timecode_mismatch.edl", rt.Rate25, ixtest.Counts{Tracks: 1, Clips: 20, Gaps: 2, Duration: 1793}, 0, func(t *testing.T, d *core.Doc) {
			if len(d.Warnings) != 14 {
				t.Errorf("%d warnings, want 4 mismatches and 10 moves: %v", len(d.Warnings), d.Warnings)
			}
		}},
		// Cuts from 01:00:48:20 (87572) to 01:01:05:20: 17 s = 408 frames. Event 3 is a
		// 26-frame dissolve from ABC0200 (continuing event 2) to ABC0300; its cut goes 13
		// frames in. Four clips, one transition.
		{"transition_duration.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 4, Transitions: 1, Duration: 408}, 87572, func(t *testing.T, d *core.Doc) {
			tr := d.Timeline.Tracks[0]
			// Event 2 is 01:00:53:06-01:00:56:08 = 74 frames, plus 13: 87. It starts at
			// 01:00:53:06 - 01:00:48:20 = 106.
			if tr.Clips[1].Start != 106 || tr.Clips[1].Dur != 87 || tr.Transitions[0].Dur != 26 {
				t.Errorf("clip %+v transition %+v", tr.Clips[1], tr.Transitions[0])
			}
		}},
		// As dissolve_test, with a W001 wipe (a left-to-right edge).
		{"wipe_test.edl", rt.Rate24, ixtest.Counts{Tracks: 1, Clips: 2, Transitions: 1, Duration: 20}, 86400, func(t *testing.T, d *core.Doc) {
			tr := d.Timeline.Tracks[0].Transitions[0]
			if tr.Kind != timeline.Wipe || tr.Direction != "right" {
				t.Errorf("transition %+v", tr)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+" imports with the counts worked out by hand", func(t *testing.T) {
			d, err := edl.Decode(readSample(t, tt.file), core.ReadOptions{Rate: tt.rate})
			if err != nil {
				t.Fatal(err)
			}
			if got := ixtest.Count(d); got != tt.want {
				t.Errorf("facts %+v, want %+v", got, tt.want)
			}
			if d.Start != tt.start {
				t.Errorf("start %d, want %d", d.Start, tt.start)
			}
			if tt.detail != nil {
				tt.detail(t, d)
			}
		})
	}
}

// withoutTrack returns a copy of doc without the track at index i (and its transitions).
func withoutTrack(t *testing.T, doc *core.Doc, i int) *core.Doc {
	t.Helper()
	tl := doc.Timeline.Clone()
	tr := tl.Tracks[i]
	for len(tr.Transitions) > 0 {
		if _, err := tl.RemoveTransition(tr.Transitions[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, _, err := tl.RemoveTrack(tr.ID); err != nil {
		t.Fatal(err)
	}
	n := *doc
	n.Timeline = tl
	return &n
}

func TestSlateToEDLToSlateKeepsEveryCut(t *testing.T) {
	rich := ixtest.Rich(t)
	tests := []struct {
		name  string
		track int       // video track to write
		want  *core.Doc // what the EDL can hold: that video track and the audio tracks
	}{
		{"the first video track with a dissolve, a gap, a freeze and retimes, and the audio tracks", 1, withoutTrack(t, rich, 1)},
		{"the second video track, a start-aligned wipe after a leading gap", 2, withoutTrack(t, rich, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name+" comes back frame-exact", func(t *testing.T) {
			var buf bytes.Buffer
			doc := ixtest.Rich(t)
			if err := edl.Write(&buf, doc, core.WriteOptions{VideoTrack: tt.track}); err != nil {
				t.Fatal(err)
			}
			got, err := edl.Decode(buf.Bytes(), core.ReadOptions{Rate: rt.Rate24})
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			if d := ixtest.Diff(ixtest.Cuts(tt.want, &tt.want.Timeline.Sequence, false), ixtest.Cuts(got, &got.Timeline.Sequence, false)); d != "" {
				t.Errorf("cuts differ:\n%s\nEDL:\n%s", d, buf.String())
			}
			if got.Start != rich.Start {
				t.Errorf("start %d, want %d", got.Start, rich.Start)
			}
			for _, m := range got.Timeline.Markers {
				if m.Name == "Grade" && (m.Dur != 10 || m.Note != "check the grade" || m.Color != "#00ff00") {
					t.Errorf("marker %+v", *m)
				}
			}
			if len(got.Warnings) > 0 {
				t.Errorf("warnings reading it back: %v", got.Warnings)
			}
		})
	}
	t.Run("a plain EDL reader sees the same cuts without Slate's notes", func(t *testing.T) {
		var buf bytes.Buffer
		if err := edl.Write(&buf, ixtest.Rich(t), core.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		var plain []string
		for _, l := range strings.Split(buf.String(), "\n") {
			if !strings.HasPrefix(l, "* SLATE") {
				plain = append(plain, l)
			}
		}
		got, err := edl.Decode([]byte(strings.Join(plain, "\n")), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Without the notes the source timecodes are absolute (a's file starts at
		// 01:00:00:00): rebase a as the project store does after probing it.
		for _, m := range got.Media {
			if m.Name == "a" {
				if err := got.Rebase(m.ID, 86400, rt.Rate24); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := withoutTrack(t, rich, 1)
		var wantCuts []string
		for _, l := range ixtest.Cuts(want, &want.Timeline.Sequence, false) {
			if !strings.HasPrefix(l, "marker") { // locators keep only name and place
				wantCuts = append(wantCuts, l)
			}
		}
		var gotCuts []string
		for _, l := range ixtest.Cuts(got, &got.Timeline.Sequence, false) {
			if !strings.HasPrefix(l, "marker") {
				gotCuts = append(gotCuts, l)
			}
		}
		if d := ixtest.Diff(wantCuts, gotCuts); d != "" {
			t.Errorf("cuts differ:\n%s", d)
		}
		if len(got.Timeline.Markers) != 2 || got.Timeline.Markers[1].At != 100 {
			t.Errorf("markers %v", got.Timeline.Markers)
		}
	})
}

func TestDropFrameAndNTSCRates(t *testing.T) {
	for _, tt := range []struct {
		name string
		rate rt.Rate
		drop bool
		tc   string // a record timecode the file must hold
	}{
		{"29.97 drop-frame", rt.Rate2997, true, "00:01:00;02"},
		{"29.97 non-drop", rt.Rate2997, false, "00:01:00:00"},
		{"23.976", rt.Rate23976, false, "00:01:15:00"},
	} {
		t.Run(tt.name+" timecode round-trips frame-exact", func(t *testing.T) {
			tl, err := timeline.New(timeline.Settings{Rate: tt.rate, Width: 640, Height: 360, SampleRate: 48000})
			if err != nil {
				t.Fatal(err)
			}
			tr := tl.NewID()
			if err := tl.InsertTrack(tl.Sequence.ID, 0, &timeline.Track{ID: tr, Kind: timeline.Video}); err != nil {
				t.Fatal(err)
			}
			// The second clip starts at frame 1800, the first minute boundary, where
			// drop-frame skips the labels ;00 and ;01 (00:01:00;02), non-drop 00:01:00:00,
			// and at 23.976 (timecode counts 24 a second) 00:01:15:00.
			for i, c := range []timeline.Clip{{Start: 0, Dur: 1800, In: 500}, {Start: 1800, Dur: 300, In: 17982}} {
				c.ID, c.Name, c.Source.Media, c.Speed, c.Enabled = tl.NewID(), "x", 1, timeline.Normal, true
				_ = i
				if err := tl.InsertClip(tr, &c); err != nil {
					t.Fatal(err)
				}
			}
			doc := &core.Doc{Timeline: tl, DropFrame: tt.drop, Media: []core.Media{{ID: 1, Name: "x", Path: "/x.mov", Kind: core.KindVideo}}}
			var buf bytes.Buffer
			if err := edl.Write(&buf, doc, core.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), tt.tc) {
				t.Errorf("no %s in\n%s", tt.tc, buf.String())
			}
			if tt.drop != strings.Contains(buf.String(), "FCM: DROP FRAME") {
				t.Errorf("FCM line wrong:\n%s", buf.String())
			}
			got, err := edl.Decode(buf.Bytes(), core.ReadOptions{Rate: tt.rate})
			if err != nil {
				t.Fatal(err)
			}
			if d := ixtest.Diff(ixtest.Cuts(doc, &doc.Timeline.Sequence, false), ixtest.Cuts(got, &got.Timeline.Sequence, false)); d != "" {
				t.Errorf("cuts differ:\n%s", d)
			}
			if got.DropFrame != tt.drop {
				t.Errorf("drop frame %v", got.DropFrame)
			}
		})
	}
}

func TestReadingTolerates(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(t *testing.T, d *core.Doc)
	}{
		{"mixed tabs and spaces and a missing '* '",
			"TITLE: x\n001\tAX  \tV\t C \t 01:00:00:00\t01:00:01:00 01:00:00:00\t01:00:01:00\nFROM CLIP NAME: tabbed\n",
			func(t *testing.T, d *core.Doc) {
				c := d.Timeline.Tracks[0].Clips[0]
				if c.Dur != 24 || c.Name != "tabbed" {
					t.Errorf("clip %+v", c)
				}
			}},
		{"record gaps, which become gaps",
			"001 AX V C 00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n002 AX V C 00:00:05:00 00:00:06:00 01:00:03:00 01:00:04:00\n",
			func(t *testing.T, d *core.Doc) {
				if n := ixtest.Gaps(&d.Timeline.Sequence); n != 1 || d.Timeline.Tracks[0].Clips[1].Start != 72 {
					t.Errorf("%d gaps, clips %+v", n, d.Timeline.Tracks[0].Clips)
				}
			}},
		{"M2 lines: a freeze and a double-speed retime whose source is longer than its record",
			"001 AX V C 00:00:10:00 00:00:10:01 01:00:00:00 01:00:02:00\nM2   AX\t\t000.0\t\t\t00:00:10:00\n" +
				"002 BB V C 00:00:20:00 00:00:24:00 01:00:02:00 01:00:04:00\nM2   BB\t\t048.0\t\t\t00:00:20:00\n" +
				"003 CC V C 00:00:30:00 00:00:31:00 01:00:04:00 01:00:06:00\nM2   CC\t\t-012.0\t\t\t00:00:31:00\n",
			func(t *testing.T, d *core.Doc) {
				cs := d.Timeline.Tracks[0].Clips
				if !cs[0].Speed.Freeze() || cs[0].In != 240 || cs[0].Dur != 48 {
					t.Errorf("freeze %+v", cs[0])
				}
				if cs[1].Speed != (timeline.Speed{Num: 2, Den: 1}) || cs[1].In != 480 || cs[1].Dur != 48 {
					t.Errorf("retime %+v", cs[1])
				}
				if cs[2].Speed != (timeline.Speed{Num: -1, Den: 2}) || cs[2].In != 744 {
					t.Errorf("reverse %+v", cs[2])
				}
				if len(d.Warnings) != 0 {
					t.Errorf("warnings %v", d.Warnings)
				}
			}},
		{"a dissolve from black, which becomes a black generator clip",
			"001 BL V C 00:00:00:00 00:00:00:00 01:00:00:00 01:00:00:00\n001 AX V D 012 00:00:05:00 00:00:07:00 01:00:00:00 01:00:02:00\n* TO CLIP NAME: shot\n",
			func(t *testing.T, d *core.Doc) {
				tr := d.Timeline.Tracks[0]
				m, _ := d.MediaByID(tr.Clips[0].Source.Media)
				if len(tr.Clips) != 2 || m.Kind != core.KindGenerator || m.Generator.Kind != "black" || tr.Clips[0].Dur != 6 || len(tr.Transitions) != 1 || tr.Clips[1].Name != "shot" {
					t.Errorf("clips %+v transitions %+v media %+v", tr.Clips, tr.Transitions, m)
				}
			}},
		{"frame counts instead of timecode, and a B channel on picture and sound",
			"001 AX B C 100 148 0 48\n",
			func(t *testing.T, d *core.Doc) {
				if len(d.Timeline.Tracks) != 2 || d.Timeline.Tracks[0].Clips[0].In != 100 || d.Timeline.Tracks[1].Kind != timeline.Audio {
					t.Errorf("tracks %+v", d.Timeline.Tracks)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := edl.Decode([]byte(tt.src), core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestBadInputGivesTheLineAndNoTimeline(t *testing.T) {
	tests := []struct {
		name, src string
		opts      core.ReadOptions
		line      int
		want      string
	}{
		{"a 25 fps EDL read at 24 names the bad frame", string(readSample(t, "25fps.edl")), core.ReadOptions{}, 13, `frame 24 does not exist at 24 fps`},
		{"an event line with too few fields", "TITLE: x\n001 AX V C 01:00:00:00 01:00:01:00 01:00:00:00\n", core.ReadOptions{}, 2, "8 or 9 fields"},
		{"an unknown edit", "001 AX V X 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n", core.ReadOptions{}, 1, `unknown edit "X"`},
		{"an unknown channel", "001 AX Q C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n", core.ReadOptions{}, 1, `unknown channel "Q"`},
		{"a timecode with a bad minute", "\n\n001 AX V C 01:61:00:00 01:61:01:00 01:00:00:00 01:00:01:00\n", core.ReadOptions{}, 3, "minutes must be below 60"},
		{"a record out before its in", "001 AX V C 01:00:00:00 01:00:01:00 01:00:01:00 01:00:00:00\n", core.ReadOptions{}, 1, "record out"},
		{"a stray line before the first event", "TITLE: x\nhello there\n", core.ReadOptions{}, 2, "not an EDL header or event line"},
		{"a source/record mismatch when strict", string(readSample(t, "timecode_mismatch.edl")), core.ReadOptions{Rate: rt.Rate25, Strict: true}, 13, "source duration 49 frames differs from record duration 47"},
		{"a bad locator", "001 AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n* LOC: tomorrow RED x\n", core.ReadOptions{}, 2, "locator"},
		{"drop-frame at 24 fps", "FCM: DROP FRAME\n001 AX V C 01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00\n", core.ReadOptions{}, 1, "drop-frame"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := edl.Decode([]byte(tt.src), tt.opts)
			if err == nil {
				t.Fatalf("no error, got %+v", ixtest.Count(d))
			}
			if d != nil {
				t.Error("a timeline came back with the error")
			}
			var le *edl.LineError
			if !errors.As(err, &le) || le.Line != tt.line {
				t.Errorf("error %q is not about line %d", err, tt.line)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	t.Run("an empty file says it has no events", func(t *testing.T) {
		if _, err := edl.Decode([]byte("TITLE: x\n"), core.ReadOptions{}); err == nil || !strings.Contains(err.Error(), "no events") {
			t.Errorf("error %v", err)
		}
	})
}

func TestWriteRefusesWhatAnEDLCannotSay(t *testing.T) {
	t.Run("asking for a video track that does not exist is an error", func(t *testing.T) {
		var buf bytes.Buffer
		err := edl.Write(&buf, ixtest.Rich(t), core.WriteOptions{VideoTrack: 5})
		if err == nil || !strings.Contains(err.Error(), "no video track 5") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a timeline longer than a day of timecode is an error", func(t *testing.T) {
		doc := ixtest.Rich(t)
		doc.Start = 24*3600*24 - 10
		var buf bytes.Buffer
		if err := edl.Write(&buf, doc, core.WriteOptions{}); err == nil {
			t.Error("no error")
		}
	})
}
