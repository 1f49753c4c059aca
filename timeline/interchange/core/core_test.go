package core_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/rt"
)

func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, err := core.ParseRat(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSnapRate(t *testing.T) {
	tests := []struct {
		in   string
		want rt.Rate
	}{
		{"24", rt.Rate24},
		{"24.0", rt.Rate24},
		{"23.976", rt.Rate23976},
		{"23.976023976023978", rt.Rate23976},
		{"29.97", rt.Rate2997},
		{"59.94005994005994", rt.Rate5994},
		{"30000/1001", rt.Rate2997},
		{"12.5", rt.Rate{Num: 25, Den: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is "+tt.want.String(), func(t *testing.T) {
			got, err := core.SnapRate(rat(t, tt.in))
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v", got, err)
			}
		})
	}
	t.Run("zero and negative rates are refused", func(t *testing.T) {
		for _, s := range []string{"0", "-24"} {
			if _, err := core.SnapRate(rat(t, s)); err == nil {
				t.Errorf("%s accepted", s)
			}
		}
	})
}

func TestParseRatRefusesWhatIsNotAFiniteNumber(t *testing.T) {
	for _, s := range []string{"", "Inf", "NaN", "1e999", "abc", strings.Repeat("9", 500)} {
		t.Run(s, func(t *testing.T) {
			if _, err := core.ParseRat(s); err == nil {
				t.Errorf("%q accepted", s)
			}
		})
	}
}

func TestRoundingAndSpeeds(t *testing.T) {
	t.Run("rounding takes halves away from zero", func(t *testing.T) {
		for _, tt := range []struct {
			in   string
			want rt.Time
		}{{"2.5", 3}, {"-2.5", -3}, {"2.49", 2}, {"7", 7}} {
			if got, err := core.Round(rat(t, tt.in)); err != nil || got != tt.want {
				t.Errorf("%s: got %d, %v", tt.in, got, err)
			}
		}
	})
	t.Run("seconds become frames exactly across rates", func(t *testing.T) {
		// 30000 frames at 29.97 are 1001 s: 24024 frames at 24; 1001 frames are
		// 1002001/30000 s = 801.6 frames at 24, rounded to 802.
		got, err := core.Frames(core.Seconds(30000, rt.Rate2997), rt.Rate24)
		if err != nil || got != 24024 {
			t.Errorf("got %d, %v", got, err)
		}
		got, err = core.Frames(core.Seconds(1001, rt.Rate2997), rt.Rate24)
		if err != nil || got != 802 {
			t.Errorf("got %d, %v", got, err)
		}
	})
	t.Run("speeds keep small fractions and approximate the rest", func(t *testing.T) {
		for _, tt := range []struct {
			in    string
			want  timeline.Speed
			exact bool
		}{
			{"0.5", timeline.Speed{Num: 1, Den: 2}, true},
			{"-2", timeline.Speed{Num: -2, Den: 1}, true},
			{"0.333333333333", timeline.Speed{Num: 1, Den: 3}, false},
			{"0", timeline.Speed{Num: 0, Den: 1}, true},
		} {
			sp, exact, err := core.SpeedOf(rat(t, tt.in))
			if err != nil || sp != tt.want || exact != tt.exact {
				t.Errorf("%s: got %v exact %v, %v", tt.in, sp, exact, err)
			}
		}
		if _, _, err := core.SpeedOf(rat(t, "250")); err == nil {
			t.Error("250x accepted")
		}
	})
	t.Run("a fractional source position becomes a phase at fractional speeds", func(t *testing.T) {
		c := &timeline.Clip{Speed: timeline.Speed{Num: 1, Den: 4}}
		if err := core.SetClipSource(c, rat(t, "10.75")); err != nil || c.In != 10 || c.Phase != 3 {
			t.Errorf("in %d phase %d, %v", c.In, c.Phase, err)
		}
		c = &timeline.Clip{Speed: timeline.Normal}
		if err := core.SetClipSource(c, rat(t, "10.75")); err != nil || c.In != 11 || c.Phase != 0 {
			t.Errorf("in %d phase %d, %v", c.In, c.Phase, err)
		}
	})
}

func TestAlignFor(t *testing.T) {
	for _, tt := range []struct {
		in, dur rt.Time
		want    timeline.Align
		exact   bool
	}{
		{5, 10, timeline.AlignCenter, true},
		{5, 11, timeline.AlignCenter, true}, // 11/2 rounds down, as Transition.Range does
		{0, 10, timeline.AlignStart, true},
		{10, 10, timeline.AlignEnd, true},
		{2, 10, timeline.AlignStart, false},
		{8, 10, timeline.AlignEnd, false},
	} {
		got, exact := core.AlignFor(tt.in, tt.dur)
		if got != tt.want || exact != tt.exact {
			t.Errorf("%d of %d: got %s %v", tt.in, tt.dur, got, exact)
		}
	}
}

func draft() *core.Draft {
	d := &core.Draft{Settings: timeline.Settings{Rate: rt.Rate24, Width: 640, Height: 360, SampleRate: 48000}}
	d.Media = []core.Media{{ID: 1, Name: "m", Kind: core.KindVideo}}
	return d
}

func clip(start, dur, in rt.Time) *core.DraftClip {
	c := &core.DraftClip{Where: "here"}
	c.Start, c.Dur, c.In, c.Source.Media, c.Speed, c.Enabled = start, dur, in, 1, timeline.Normal, true
	return c
}

func TestDraftBuild(t *testing.T) {
	t.Run("overlapping clips are trimmed with a warning, or refused when strict", func(t *testing.T) {
		for _, strict := range []bool{false, true} {
			d := draft()
			d.Strict = strict
			d.Main.Tracks = []*core.DraftTrack{{Kind: timeline.Video, Clips: []*core.DraftClip{clip(0, 10, 0), clip(6, 10, 100)}}}
			doc, err := d.Build()
			if strict {
				if err == nil || !strings.Contains(err.Error(), "here: clip") || doc != nil {
					t.Errorf("strict: %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			c := doc.Timeline.Tracks[0].Clips[1]
			if c.Start != 10 || c.Dur != 6 || c.In != 104 || len(doc.Warnings) != 1 {
				t.Errorf("clip %+v warnings %v", c, doc.Warnings)
			}
		}
	})
	t.Run("wished IDs are kept when unique and replaced when taken twice", func(t *testing.T) {
		d := draft()
		a, b, c := clip(0, 5, 0), clip(5, 5, 0), clip(10, 5, 0)
		a.ID, b.ID, c.ID = 40, 40, 41
		d.Main.Tracks = []*core.DraftTrack{{ID: 7, Kind: timeline.Video, Clips: []*core.DraftClip{a, b, c}}}
		doc, err := d.Build()
		if err != nil {
			t.Fatal(err)
		}
		cs := doc.Timeline.Tracks[0].Clips
		if doc.Timeline.Tracks[0].ID != 7 || cs[2].ID != 41 || cs[0].ID == 40 || cs[1].ID == 40 || cs[0].ID == cs[1].ID {
			t.Errorf("ids %d %d %d track %d", cs[0].ID, cs[1].ID, cs[2].ID, doc.Timeline.Tracks[0].ID)
		}
	})
	t.Run("a transition without room in its clips is dropped with a warning", func(t *testing.T) {
		d := draft()
		a, b := clip(0, 10, 0), clip(10, 10, 0) // b has no frames before its in point
		tr := &core.DraftTransition{A: a, B: b, Where: "there"}
		tr.Kind, tr.Dur, tr.Align = timeline.Dissolve, 4, timeline.AlignCenter
		d.Main.Tracks = []*core.DraftTrack{{Kind: timeline.Video, Clips: []*core.DraftClip{a, b}, Transitions: []*core.DraftTransition{tr}}}
		doc, err := d.Build()
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Timeline.Tracks[0].Transitions) != 0 || len(doc.Warnings) != 1 || !strings.HasPrefix(doc.Warnings[0], "there:") {
			t.Errorf("transitions %v warnings %v", doc.Timeline.Tracks[0].Transitions, doc.Warnings)
		}
	})
	t.Run("a clip naming media the file does not define is an error", func(t *testing.T) {
		d := draft()
		c := clip(0, 5, 0)
		c.Source.Media = 9
		d.Main.Tracks = []*core.DraftTrack{{Kind: timeline.Video, Clips: []*core.DraftClip{c}}}
		if _, err := d.Build(); err == nil {
			t.Error("no error")
		}
	})
}

func TestRebaseKeepsTheTimecodesShown(t *testing.T) {
	doc := ixtest.Rich(t)
	// a's file starts at 01:00:00:00 and clip 1 shows its frame 10. Saying the file starts
	// 5 frames earlier, at 00:59:59:19, moves the clip's in point 5 frames on.
	before := doc.Timeline.Tracks[0].Clips[0].In
	if err := doc.Rebase(ixtest.MediaA, 86395, rt.Rate24); err != nil {
		t.Fatal(err)
	}
	if got := doc.Timeline.Tracks[0].Clips[0].In; got != before+5 {
		t.Errorf("in %d, want %d", got, before+5)
	}
	if m, _ := doc.MediaByID(ixtest.MediaA); m.Available.Start != 86395 {
		t.Errorf("media start %d", m.Available.Start)
	}
	if err := doc.Timeline.Check(); err != nil {
		t.Error(err)
	}
	t.Run("a start that would put a clip before the file's first frame changes nothing", func(t *testing.T) {
		want := string(doc.Timeline.JSON())
		// V2's clip of a shows frame 0 (now 5): 10 frames later is before the start.
		if err := doc.Rebase(ixtest.MediaA, 86405, rt.Rate24); err == nil {
			t.Fatal("no error")
		}
		if string(doc.Timeline.JSON()) != want {
			t.Error("the timeline changed")
		}
	})
}

func TestColours(t *testing.T) {
	for _, tt := range []struct{ in, name, model string }{
		{"#ff0000", "RED", "#ff0000"},
		{"#f01010", "RED", "#f01010"},
		{"Green", "GREEN", "green"},
		{"#00f", "BLUE", "#00f"},
		{"", "RED", ""},
	} {
		if got := core.ColorName(tt.in); got != tt.name {
			t.Errorf("ColorName(%q) = %s, want %s", tt.in, got, tt.name)
		}
		if got := core.ModelColor(tt.in); got != tt.model {
			t.Errorf("ModelColor(%q) = %s, want %s", tt.in, got, tt.model)
		}
	}
}
