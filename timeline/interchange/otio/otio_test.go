package otio_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/interchange/otio"
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

// The samples come from OpenTimelineIO's tests/sample_data (Apache-2.0, see
// testdata/LICENSE-OpenTimelineIO.txt). Each expected fact was worked out by reading the
// file, as the comments say. "otio" is what the document holds by OTIO's own rules;
// "slate" is what the import holds: Slate keeps gaps implicit (the space before a clip), so
// a trailing gap is not a gap and does not add to the duration.
func TestEverySampleImportsWithTheRightCounts(t *testing.T) {
	tests := []struct {
		file  string
		otio  otio.Summary
		slate ixtest.Counts
		start rt.Time
	}{
		// One Track: Gap A (8 frames at 24), Clip-001 (source 3+3), a Transition (in 2,
		// out 1), Gap B (8). The transition is in the middle, so it adds nothing:
		// duration 8+3+8 = 19. In Slate the clip sits at [8,11); the leading gap counts, Gap
		// B trails; the transition fades into a gap, which Slate's clip-to-clip
		// transitions cannot hold, so it is kept for export only.
		{"clip_example.otio",
			otio.Summary{Tracks: 1, Clips: 1, Gaps: 2, Transitions: 1, Duration: 19},
			ixtest.Counts{Tracks: 1, Clips: 1, Gaps: 1, Duration: 11}, 0},
		// Three Tracks. Sequence: clip 720, gap 83, clip 722, gap 432, clip 720, gap 605 =
		// 3282. Sequence 2: gap 482, clip 480, gap 2320 = 3282. Sequence 3: gap 1198,
		// clip 640, gap 1444 = 3282. So 5 clips, 7 gaps, duration 3282. In Slate the
		// trailing gaps go (3 of 7) and the duration is the last clip's end, 720+83+722+
		// 432+720 = 2677.
		{"multitrack.otio",
			otio.Summary{Tracks: 3, Clips: 5, Gaps: 7, Duration: 3282},
			ixtest.Counts{Tracks: 3, Clips: 5, Gaps: 4, Duration: 2677}, 0},
		// One Track "V" with source_range start -86243, duration 1049 (OTIO's EDL adapter
		// writes minus the first record timecode, 00:59:53:11 at 24, there). Nine clips of
		// 31+50+28+115+101+161+170+136+257 = 1049 frames; the source_range wins anyway:
		// 1049. Three Marker.3 on clips. Slate moves the offset into the start timecode.
		{"screening_example.otio",
			otio.Summary{Tracks: 1, Clips: 9, Markers: 3, Duration: 1049},
			ixtest.Counts{Tracks: 1, Clips: 9, Markers: 3, Duration: 1049}, 86243},
		// One Track, one clip with source_range 1+24 at 24 fps: duration 24. Its metadata
		// holds int128/int256 and Inf/NaN.
		{"big_int.otio",
			otio.Summary{Tracks: 1, Clips: 1, Duration: 24},
			ixtest.Counts{Tracks: 1, Clips: 1, Duration: 24}, 0},
		// A legacy Sequence.1 (a Track) with one clip of a GeneratorReference, source_range
		// 0+50: duration 50.
		{"generator_reference_test.otio",
			otio.Summary{Tracks: 1, Clips: 1, Duration: 50},
			ixtest.Counts{Tracks: 1, Clips: 1, Duration: 50}, 0},
		// One Track: clips 482, 480, 236, 640, Gap "Filler 2" 119, clip 720, Gap "Filler 3"
		// 605: 5 clips, 2 gaps, 3282 frames. Slate drops the trailing gap: 3282-605 = 2677.
		{"preflattened.otio",
			otio.Summary{Tracks: 1, Clips: 5, Gaps: 2, Duration: 3282},
			ixtest.Counts{Tracks: 1, Clips: 5, Gaps: 1, Duration: 2677}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file+" imports with the counts worked out by hand", func(t *testing.T) {
			b := readSample(t, tt.file)
			sum, err := otio.Summarize(b)
			if err != nil {
				t.Fatal(err)
			}
			tt.otio.Rate = rt.Rate24
			if sum != tt.otio {
				t.Errorf("OTIO facts %+v, want %+v", sum, tt.otio)
			}
			doc, err := otio.Decode(b, core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ixtest.Count(doc); got != tt.slate {
				t.Errorf("Slate facts %+v, want %+v", got, tt.slate)
			}
			if doc.Start != tt.start {
				t.Errorf("start timecode %d, want %d", doc.Start, tt.start)
			}
			if err := doc.Timeline.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSampleDetails(t *testing.T) {
	t.Run("the clip of clip_example starts after its gap and shows source frame 3", func(t *testing.T) {
		doc, err := otio.Decode(readSample(t, "clip_example.otio"), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := doc.Timeline.Tracks[0].Clips[0]
		m, _ := doc.MediaByID(c.Source.Media)
		if c.Start != 8 || c.Dur != 3 || c.In != 3 || !m.Missing || c.SourceDur != 8 {
			t.Errorf("clip %+v media %+v", c, m)
		}
		if len(doc.Warnings) == 0 {
			t.Error("the transition into a gap was dropped without a warning")
		}
	})
	t.Run("the generator sample names its generator", func(t *testing.T) {
		doc, err := otio.Decode(readSample(t, "generator_reference_test.otio"), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m := doc.Media[0]
		if m.Kind != core.KindGenerator || m.Generator == nil || m.Generator.Kind != "SMPTEBars" {
			t.Errorf("media %+v", m)
		}
	})
	t.Run("screening markers keep their colours and stay on their clips", func(t *testing.T) {
		doc, err := otio.Decode(readSample(t, "screening_example.otio"), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ms := doc.Timeline.Markers
		// The fourth clip starts at 31+50+28 = 109 and lasts 115; the seventh covers
		// [486, 656).
		var colors []string
		for _, m := range ms {
			colors = append(colors, m.Color)
		}
		if strings.Join(colors, ",") != "red,pink,green" {
			t.Errorf("colours %v", colors)
		}
		if ms[0].At < 109 || ms[0].At >= 224 || ms[2].At < 486 || ms[2].At >= 656 {
			t.Errorf("markers at %d, %d, %d", ms[0].At, ms[1].At, ms[2].At)
		}
		// The green one is at source 86773 of a clip whose source starts at 86628 and that
		// sits at 486: 486 + 145 = 631.
		if ms[2].At != 631 {
			t.Errorf("green marker at %d, want 631", ms[2].At)
		}
	})
}

func TestNonStrictNumbersSurviveARoundTrip(t *testing.T) {
	doc, err := otio.Decode(readSample(t, "big_int.otio"), core.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := otio.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, lit := range []string{
		"57896044618658097711785492504343953926634992332820282019728792003956564819968",
		"170141183460469231731687303715884105728",
		`"floatinf": Inf`, `"floatneginf": -Infinity`, `"floatnan": NaN`,
		"Viel glück und hab spaß!",
	} {
		t.Run("the written file holds "+lit, func(t *testing.T) {
			if !bytes.Contains(out, []byte(lit)) {
				t.Errorf("%s missing from\n%s", lit, out)
			}
		})
	}
}

func TestSlateToOTIOToSlateKeepsEverything(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  func(testing.TB) *core.Doc
	}{
		{"a timeline with gaps, dissolves, a wipe, a freeze, retimes and markers", ixtest.Rich},
		{"a timeline with a nested sequence on a hidden track", ixtest.Nested},
	} {
		t.Run(tt.name+" comes back equal", func(t *testing.T) {
			want := tt.doc(t)
			b, err := otio.Encode(want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := otio.Decode(b, core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := ixtest.Diff(ixtest.Cuts(want, &want.Timeline.Sequence, true), ixtest.Cuts(got, &got.Timeline.Sequence, true)); d != "" {
				t.Errorf("cuts differ:\n%s", d)
			}
			if !got.Timeline.Equal(want.Timeline) {
				t.Errorf("timelines differ:\nwant %s\ngot  %s", want.Timeline.JSON(), got.Timeline.JSON())
			}
			if got.Start != want.Start {
				t.Errorf("start %d, want %d", got.Start, want.Start)
			}
			if len(got.Media) != len(want.Media) {
				t.Fatalf("%d media, want %d", len(got.Media), len(want.Media))
			}
			for i := range want.Media {
				w, g := want.Media[i], got.Media[i]
				if w.ID != g.ID || w.Path != g.Path || w.Rate != g.Rate || w.Available != g.Available || w.Kind != g.Kind || w.Reel != g.Reel {
					t.Errorf("media %d: got %+v, want %+v", i, g, w)
				}
			}
			if len(got.Warnings) > 0 {
				t.Errorf("warnings: %v", got.Warnings)
			}
		})
	}
}

// stripSlate removes every "slate" metadata key, as if another tool had rewritten the file.
func stripSlate(t *testing.T, b []byte) []byte {
	t.Helper()
	v, err := otio.ParseJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(v *otio.Value)
	walk = func(v *otio.Value) {
		if md := v.Get("metadata"); md != nil && md.Kind == otio.Object {
			md.Delete("slate")
		}
		for _, m := range v.Obj {
			walk(m.Val)
		}
		for _, e := range v.Arr {
			walk(e)
		}
	}
	walk(v)
	var buf bytes.Buffer
	v.Encode(&buf, 2)
	return buf.Bytes()
}

func TestCutsAreFrameExactWithoutSlatesOwnMetadata(t *testing.T) {
	want := ixtest.Rich(t)
	// A plain OTIO reader knows neither wipe directions nor media IDs.
	for _, tr := range want.Timeline.Tracks[1].Transitions {
		tr.Direction = ""
	}
	b, err := otio.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := otio.Decode(stripSlate(t, b), core.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := ixtest.Diff(ixtest.Cuts(want, &want.Timeline.Sequence, false), ixtest.Cuts(got, &got.Timeline.Sequence, false)); d != "" {
		t.Errorf("cuts differ:\n%s", d)
	}
	if got.Timeline.Rate != rt.Rate24 {
		t.Errorf("rate %v", got.Timeline.Rate)
	}
}

func TestUnknownSchemasSurviveARoundTrip(t *testing.T) {
	// A clip with an unknown effect and foreign metadata, an item of an unknown schema, a
	// clip with an unknown media reference, and a transition into a gap.
	src := `{"OTIO_SCHEMA": "Timeline.1", "name": "t", "metadata": {"studio": {"show": "X"}},
	"tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "kind": "Video", "children": [
	  {"OTIO_SCHEMA": "Clip.2", "name": "a", "metadata": {"vendor": {"take": 3, "x": Inf}},
	   "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 10, "rate": 24}},
	   "effects": [{"OTIO_SCHEMA": "Blur.1", "name": "soft", "radius": 4.5}],
	   "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1", "target_url": "file:///m/a.mov"}},
	   "active_media_reference_key": "DEFAULT_MEDIA"},
	  {"OTIO_SCHEMA": "Widget.3", "name": "w", "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 5, "rate": 24}}},
	  {"OTIO_SCHEMA": "Clip.1", "name": "b",
	   "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 6, "rate": 24}},
	   "media_reference": {"OTIO_SCHEMA": "CloudReference.2", "bucket": "s3://x"}},
	  {"OTIO_SCHEMA": "Transition.1", "name": "fade", "transition_type": "SMPTE_Dissolve",
	   "in_offset": {"OTIO_SCHEMA": "RationalTime.1", "value": 2, "rate": 24}, "out_offset": {"OTIO_SCHEMA": "RationalTime.1", "value": 2, "rate": 24}},
	  {"OTIO_SCHEMA": "Gap.1", "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 4, "rate": 24}}},
	  {"OTIO_SCHEMA": "Clip.1", "name": "c",
	   "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 3, "rate": 24}},
	   "media_reference": null}
	]}]}}`
	doc, err := otio.Decode([]byte(src), core.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := doc.Timeline.Tracks[0]
	if len(tr.Clips) != 3 || tr.Clips[1].Start != 15 || tr.Clips[2].Start != 25 {
		t.Fatalf("clips %+v", tr.Clips)
	}
	once, err := otio.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	again, err := otio.Decode(once, core.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := otio.Encode(again)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{
		`"OTIO_SCHEMA": "Blur.1"`, `"radius": 4.5`,
		`"OTIO_SCHEMA": "Widget.3"`,
		`"OTIO_SCHEMA": "CloudReference.2"`, `"bucket": "s3://x"`,
		`"vendor": {`, `"x": Inf`, `"studio": {`,
		`"name": "fade"`,
	} {
		t.Run("the unknown "+frag+" is written back after two round trips", func(t *testing.T) {
			if !bytes.Contains(once, []byte(frag)) || !bytes.Contains(twice, []byte(frag)) {
				t.Errorf("%s is lost:\n%s", frag, twice)
			}
		})
	}
	t.Run("a second round trip writes the same file", func(t *testing.T) {
		if !bytes.Equal(once, twice) {
			t.Errorf("files differ:\n%s\n----\n%s", once, twice)
		}
	})
	t.Run("the unknown item and the fade keep their places", func(t *testing.T) {
		v, err := otio.ParseJSON(twice)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, ch := range v.Get("tracks").Get("children").Arr[0].Get("children").Arr {
			kinds = append(kinds, ch.Get("OTIO_SCHEMA").Str)
		}
		want := "Clip.2,Widget.3,Clip.2,Transition.1,Gap.1,Clip.2"
		if strings.Join(kinds, ",") != want {
			t.Errorf("children %v, want %s", kinds, want)
		}
	})
}

func TestMarkerColoursOfEitherMarkerVersionAreRead(t *testing.T) {
	mk := func(marker string) string {
		return `{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [], "markers": [` + marker + `]}}`
	}
	rng := `"marked_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 12, "rate": 24}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 2, "rate": 24}}`
	tests := []struct {
		name, marker, color string
	}{
		{"Marker.2 names its colour", `{"OTIO_SCHEMA": "Marker.2", "name": "m", "color": "GREEN", ` + rng + `}`, "green"},
		{"Marker.3 gives a named Color.1", `{"OTIO_SCHEMA": "Marker.3", "name": "m", "color": {"OTIO_SCHEMA": "Color.1", "r": 0.0, "g": 0.0, "b": 1.0, "a": 1.0, "name": "BLUE"}, ` + rng + `}`, "blue"},
		{"Marker.3 gives an unnamed Color.1", `{"OTIO_SCHEMA": "Marker.3", "name": "m", "color": {"OTIO_SCHEMA": "Color.1", "r": 1.0, "g": 0.5, "b": 0.0, "a": 1.0, "name": ""}, ` + rng + `}`, "#ff8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := otio.Decode([]byte(mk(tt.marker)), core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m := doc.Timeline.Markers[0]
			if m.Color != tt.color || m.At != 12 || m.Dur != 2 {
				t.Errorf("marker %+v, want colour %s at 12 for 2", *m, tt.color)
			}
		})
	}
}

func TestOTIOFeatures(t *testing.T) {
	rt24 := func(v string) string {
		return `{"OTIO_SCHEMA": "RationalTime.1", "value": ` + v + `, "rate": 24}`
	}
	rng := func(s, d string) string {
		return `{"OTIO_SCHEMA": "TimeRange.1", "start_time": ` + rt24(s) + `, "duration": ` + rt24(d) + `}`
	}
	track := func(children string) string {
		return `{"OTIO_SCHEMA": "Timeline.1", "global_start_time": ` + rt24("86400") + `, "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "kind": "Video", "children": [` + children + `]}]}}`
	}
	t.Run("global_start_time becomes the start timecode", func(t *testing.T) {
		doc, err := otio.Decode([]byte(track("")), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Start != 86400 {
			t.Errorf("start %d", doc.Start)
		}
	})
	t.Run("a 25 fps clip in a 24 fps timeline is rescaled by seconds", func(t *testing.T) {
		src := track(`{"OTIO_SCHEMA": "Clip.2", "name": "x", "source_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 50, "rate": 25}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 100, "rate": 25}},
		  "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1", "target_url": "x.mov", "available_range": {"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 25}, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 250, "rate": 25}}}}}`)
		doc, err := otio.Decode([]byte(src), core.ReadOptions{Rate: rt.Rate24})
		if err != nil {
			t.Fatal(err)
		}
		c := doc.Timeline.Tracks[0].Clips[0]
		// 100 frames at 25 = 4 s = 96 frames at 24; source 50 at 25 = 2 s = 48; 250 at 25 = 240.
		if c.Dur != 96 || c.In != 48 || c.SourceDur != 240 || doc.Media[0].Rate != rt.Rate25 {
			t.Errorf("clip %+v media %+v", c, doc.Media[0])
		}
	})
	t.Run("a LinearTimeWarp and a FreezeFrame become speeds", func(t *testing.T) {
		src := track(`{"OTIO_SCHEMA": "Clip.1", "name": "slow", "source_range": ` + rng("0", "10") + `, "effects": [{"OTIO_SCHEMA": "LinearTimeWarp.1", "time_scalar": 0.25}]},
		  {"OTIO_SCHEMA": "Clip.1", "name": "held", "source_range": ` + rng("7", "10") + `, "effects": [{"OTIO_SCHEMA": "FreezeFrame.1", "time_scalar": 0}]}`)
		doc, err := otio.Decode([]byte(src), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cs := doc.Timeline.Tracks[0].Clips
		if cs[0].Speed != (timeline.Speed{Num: 1, Den: 4}) || !cs[1].Speed.Freeze() || cs[1].In != 7 {
			t.Errorf("clips %+v %+v", cs[0], cs[1])
		}
	})
	t.Run("a track's source_range trims its content", func(t *testing.T) {
		src := `{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "kind": "Video", "source_range": ` + rng("5", "10") + `, "children": [
		  {"OTIO_SCHEMA": "Clip.1", "name": "a", "source_range": ` + rng("100", "8") + `},
		  {"OTIO_SCHEMA": "Clip.1", "name": "b", "source_range": ` + rng("200", "20") + `}]}]}}`
		doc, err := otio.Decode([]byte(src), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The window [5,15) keeps a's last 3 frames (source 105..107) and b's first 7.
		cs := doc.Timeline.Tracks[0].Clips
		if len(cs) != 2 || cs[0].Start != 0 || cs[0].Dur != 3 || cs[0].In != 105 || cs[1].Start != 3 || cs[1].Dur != 7 || cs[1].In != 200 {
			t.Errorf("clips %+v %+v", cs[0], cs[1])
		}
	})
	t.Run("a nested Stack becomes a nested sequence clip", func(t *testing.T) {
		inner := `{"OTIO_SCHEMA": "Stack.1", "name": "inner", "source_range": ` + rng("5", "20") + `, "children": [{"OTIO_SCHEMA": "Track.1", "kind": "Video", "children": [{"OTIO_SCHEMA": "Clip.1", "name": "deep", "source_range": ` + rng("0", "40") + `}]}]}`
		doc, err := otio.Decode([]byte(track(inner)), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tl := doc.Timeline
		c := tl.Tracks[0].Clips[0]
		if len(tl.Nested) != 1 || c.Source.Sequence != tl.Nested[0].ID || c.In != 5 || c.Dur != 20 || tl.Nested[0].Duration() != 40 {
			t.Errorf("clip %+v nested %d", c, len(tl.Nested))
		}
	})
	t.Run("an image sequence reference keeps its file pattern", func(t *testing.T) {
		src := track(`{"OTIO_SCHEMA": "Clip.2", "name": "s", "source_range": ` + rng("1001", "10") + `, "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ImageSequenceReference.1", "target_url_base": "file:///shots/a/", "name_prefix": "a.", "name_suffix": ".exr", "start_frame": 1001, "frame_step": 1, "rate": 24, "frame_zero_padding": 4, "missing_frame_policy": "hold", "available_range": ` + rng("1001", "48") + `}}}`)
		doc, err := otio.Decode([]byte(src), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m := doc.Media[0]
		c := doc.Timeline.Tracks[0].Clips[0]
		if m.Kind != core.KindImageSequence || m.Path != "/shots/a/a.%04d.exr" || m.Sequence.FramePath(2) != "/shots/a/a.1003.exr" || c.In != 0 || m.Sequence.MissingFrame != "hold" {
			t.Errorf("media %+v seq %+v clip in %d", m, m.Sequence, c.In)
		}
		out, err := otio.Encode(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte(`"target_url_base": "file:///shots/a/"`)) {
			t.Errorf("written:\n%s", out)
		}
	})
	t.Run("a transition with uneven offsets keeps its cut and warns", func(t *testing.T) {
		src := track(`{"OTIO_SCHEMA": "Clip.1", "name": "a", "source_range": ` + rng("10", "20") + `},
		  {"OTIO_SCHEMA": "Transition.1", "in_offset": ` + rt24("3") + `, "out_offset": ` + rt24("1") + `},
		  {"OTIO_SCHEMA": "Clip.1", "name": "b", "source_range": ` + rng("10", "20") + `}`)
		doc, err := otio.Decode([]byte(src), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tr := doc.Timeline.Tracks[0]
		if len(tr.Transitions) != 1 || tr.Transitions[0].Dur != 4 || tr.Clips[1].Start != 20 || len(doc.Warnings) == 0 {
			t.Errorf("transitions %+v warnings %v", tr.Transitions, doc.Warnings)
		}
		if _, err := otio.Decode([]byte(src), core.ReadOptions{Strict: true}); err != nil {
			t.Errorf("strict refused a representable transition: %v", err)
		}
	})
}

func TestBadInputGivesAClearErrorAndNoTimeline(t *testing.T) {
	rtv := `{"OTIO_SCHEMA": "RationalTime.1", "value": 1, "rate": 24}`
	clipWith := func(sr string) string {
		return `{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "children": [{"OTIO_SCHEMA": "Clip.1", "source_range": ` + sr + `}]}]}}`
	}
	tests := []struct {
		name, src, want string
	}{
		{"broken JSON names the line", "{\n\"OTIO_SCHEMA\": \"Timeline.1\",\n\"tracks\": [}", "line 3"},
		{"an unknown schema at the root is refused", `{"OTIO_SCHEMA": "Frobnicator.1"}`, `$: unknown schema "Frobnicator.1" at the root`},
		{"a document without a schema is refused", `{"name": "x"}`, "no OTIO_SCHEMA"},
		{"a time without a rate names its path", clipWith(`{"OTIO_SCHEMA": "TimeRange.1", "start_time": ` + rtv + `, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 1}}`), "$.tracks.children[0].children[0].source_range.duration.rate: missing number"},
		{"a NaN time is refused", clipWith(`{"OTIO_SCHEMA": "TimeRange.1", "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": NaN, "rate": 24}, "duration": ` + rtv + `}`), "start_time.value: NaN is not a finite number"},
		{"a negative duration is refused", clipWith(`{"OTIO_SCHEMA": "TimeRange.1", "start_time": ` + rtv + `, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": -3, "rate": 24}}`), "duration is negative"},
		{"a clip with no length is refused", clipWith(`null`), "has neither a source_range nor a media available_range"},
		{"a huge time is refused", clipWith(`{"OTIO_SCHEMA": "TimeRange.1", "start_time": ` + rtv + `, "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 1e30, "rate": 24}}`), "out of range"},
		{"a Stack that is not a stack is refused", `{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Track.1"}}`, "$.tracks: want a Stack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := otio.Decode([]byte(tt.src), core.ReadOptions{})
			if err == nil {
				t.Fatalf("no error; got %+v", doc)
			}
			if doc != nil {
				t.Error("a timeline came back with the error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
	t.Run("a syntax error is a SyntaxError with its position", func(t *testing.T) {
		_, err := otio.Decode([]byte("{\n  \"a\": tru\n}"), core.ReadOptions{})
		var se *otio.SyntaxError
		if !errors.As(err, &se) || se.Line != 2 {
			t.Errorf("error %v", err)
		}
	})
}

func TestOTIOZBundlesTheMedia(t *testing.T) {
	dir := t.TempDir()
	doc := ixtest.Rich(t)
	for i := range doc.Media {
		p := filepath.Join(dir, filepath.Base(doc.Media[i].Path))
		if err := os.WriteFile(p, []byte("media "+doc.Media[i].Name), 0o644); err != nil {
			t.Fatal(err)
		}
		doc.Media[i].Path = p
	}
	var buf bytes.Buffer
	if err := otio.WriteZip(&buf, doc); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	got, err := otio.ReadZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), core.ReadOptions{UnpackDir: out})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the timeline comes back equal", func(t *testing.T) {
		if !got.Timeline.Equal(doc.Timeline) {
			t.Error("timeline differs")
		}
	})
	for _, m := range got.Media {
		t.Run("media "+m.Name+" is unpacked into the media folder", func(t *testing.T) {
			if filepath.Dir(m.Path) != out {
				t.Errorf("path %s not in %s", m.Path, out)
			}
			b, err := os.ReadFile(m.Path)
			if err != nil || string(b) != "media "+m.Name {
				t.Errorf("content %q, %v", b, err)
			}
		})
	}
	t.Run("without a media folder the paths stay inside the bundle", func(t *testing.T) {
		got, err := otio.ReadZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Media[0].Path, "media/") {
			t.Errorf("path %s", got.Media[0].Path)
		}
	})
	t.Run("a zip without content.otio is refused", func(t *testing.T) {
		_, err := otio.ReadZip(bytes.NewReader([]byte("PK\x05\x06"+strings.Repeat("\x00", 18))), 22, core.ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "content.otio") {
			t.Errorf("error %v", err)
		}
	})
}
