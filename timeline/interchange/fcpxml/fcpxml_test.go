package fcpxml_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/fcpxml"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestSlateToFCPXMLToSlate(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  func(testing.TB) *core.Doc
	}{
		{"a timeline with gaps, a dissolve, a wipe, a freeze, retimes, audio and markers", ixtest.Rich},
		{"a timeline with a compound clip on a hidden track", ixtest.Nested},
	} {
		t.Run(tt.name+" comes back equal", func(t *testing.T) {
			want := tt.doc(t)
			var buf bytes.Buffer
			if err := fcpxml.Write(&buf, want, core.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			got, err := fcpxml.Decode(buf.Bytes(), core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d := ixtest.Diff(ixtest.Cuts(want, &want.Timeline.Sequence, true), ixtest.Cuts(got, &got.Timeline.Sequence, true)); d != "" {
				t.Errorf("cuts differ:\n%s", d)
			}
			if !got.Timeline.Equal(want.Timeline) {
				t.Errorf("timelines differ:\nwant %s\ngot  %s", want.Timeline.JSON(), got.Timeline.JSON())
			}
			if got.Start != want.Start || len(got.Media) != len(want.Media) || len(got.Warnings) > 0 {
				t.Errorf("start %d media %d warnings %v", got.Start, len(got.Media), got.Warnings)
			}
		})
	}
	t.Run("a reader that drops Slate's metadata still gets every cut", func(t *testing.T) {
		want := ixtest.Rich(t)
		var buf bytes.Buffer
		if err := fcpxml.Write(&buf, want, core.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		plain := regexp.MustCompile(`(?s)\s*<metadata>.*?</metadata>`).ReplaceAll(buf.Bytes(), nil)
		if bytes.Contains(plain, []byte("com.slate")) {
			t.Fatal("metadata left in")
		}
		got, err := fcpxml.Decode(plain, core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// FCPXML itself names no wipe (Slate writes a Cross Dissolve with its own note).
		for _, tr := range want.Timeline.Tracks[1].Transitions {
			tr.Kind, tr.Direction = timeline.Dissolve, ""
		}
		if d := ixtest.Diff(ixtest.Cuts(want, &want.Timeline.Sequence, false), ixtest.Cuts(got, &got.Timeline.Sequence, false)); d != "" {
			t.Errorf("cuts differ:\n%s", d)
		}
	})
	t.Run("the file declares version 1.9 and the pieces 1.9 requires", func(t *testing.T) {
		var buf bytes.Buffer
		if err := fcpxml.Write(&buf, ixtest.Rich(t), core.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{`<fcpxml version="1.9">`, `<!DOCTYPE fcpxml>`, `<media-rep kind="original-media" src="file:///media/a.mov"/>`, `frameDuration="1/24s"`, `tcStart="3600s"`, `<transition name="Cross Dissolve" offset="14407/4s" duration="1/2s">`} {
			if !strings.Contains(buf.String(), s) {
				t.Errorf("no %s in the file", s)
			}
		}
	})
}

// A file as Final Cut Pro writes it: 29.97 fps from 01:00:00;00, a clip with picture and
// sound, a connected title, a connected clip on a gap, a `clip` holding a `video`, a compound
// clip and markers. Times are in seconds; one frame is 1001/30000s.
const fcpFile = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="%s">
  <resources>
    <format id="r1" name="FFVideoFormat1080p2997" frameDuration="1001/30000s" width="1920" height="1080"/>
    <asset id="r2" name="Interview" start="0s" duration="100100/3000s" hasVideo="1" hasAudio="1" format="r1" %s>%s</asset>
    <asset id="r3" name="Broll" start="3600s" duration="60s" hasVideo="1" format="r1" src="file:///Volumes/Media/Broll.mov"/>
    <effect id="r4" name="Basic Title" uid=".../Titles.localized/Basic Text.localized/Basic Title.localized/Basic Title.moti"/>
    <media id="r5" name="Compound">
      <sequence format="r1" duration="10010/3000s" tcStart="0s">
        <spine>
          <asset-clip ref="r3" offset="0s" start="3600s" duration="10010/3000s" name="inside"/>
        </spine>
      </sequence>
    </media>
  </resources>
  <library>
    <event name="Day 1">
      <project name="Cut 3">
        <sequence format="r1" duration="40040/3000s" tcStart="3600s" tcFormat="DF" audioRate="48k">
          <spine>
            <asset-clip ref="r2" offset="3600s" name="Interview" start="10010/3000s" duration="20020/3000s">
              <title ref="r4" lane="1" offset="20020/3000s" name="Lower third" start="3600s" duration="6006/3000s">
                <text><text-style ref="ts1">Dr. Who</text-style></text>
              </title>
              <marker start="15015/3000s" duration="1001/30000s" value="Nice answer" note="use it"/>
            </asset-clip>
            <gap name="Gap" offset="10820020/3000s" start="3600s" duration="10010/3000s">
              <clip lane="1" offset="3600s" name="wrapped" duration="5005/3000s">
                <video ref="r3" offset="0s" start="3605s" duration="5005/3000s"/>
              </clip>
              <chapter-marker start="3601s" duration="1001/30000s" value="Chapter 2"/>
            </gap>
            <ref-clip ref="r5" offset="10830030/3000s" name="Compound" duration="10010/3000s"/>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>`

func fcp(version string, modern bool) []byte {
	attr, rep := `src="file:///Volumes/Media/Interview.mov"`, ""
	if modern {
		attr, rep = "", `<media-rep kind="original-media" src="file:///Volumes/Media/Interview%20take.mov"/>`
	}
	return []byte(strings.NewReplacer("%s", "").Replace(replaceN(fcpFile, version, attr, rep)))
}

func replaceN(s string, vals ...string) string {
	for _, v := range vals {
		s = strings.Replace(s, "%s", v, 1)
	}
	return s
}

func TestReadsFinalCutProFilesOfEveryVersion(t *testing.T) {
	for _, tt := range []struct {
		version string
		modern  bool // media-rep (1.9 and later) rather than asset src
	}{{"1.8", false}, {"1.9", true}, {"1.10", true}, {"1.11", true}} {
		t.Run("version "+tt.version+" reads into tracks, clips and markers", func(t *testing.T) {
			d, err := fcpxml.Decode(fcp(tt.version, tt.modern), core.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tl := d.Timeline
			if tl.Rate != rt.Rate2997 || !d.DropFrame || tl.Width != 1920 || tl.SampleRate != 48000 {
				t.Errorf("settings %+v drop %v", tl.Settings, d.DropFrame)
			}
			// tcStart 3600 s at 30000/1001 = 107892.107..., rounded: 107892.
			if d.Start != 107892 {
				t.Errorf("start %d", d.Start)
			}
			// Tracks: V1 (primary), V2 (lane 1: title and wrapped clip), and the interview's
			// sound.
			var names []string
			for _, tr := range tl.Tracks {
				names = append(names, tr.Name+":"+string(tr.Kind))
			}
			if strings.Join(names, ",") != "V1:video,V2:video,A1 (V1):audio" {
				t.Fatalf("tracks %v", names)
			}
			v1, v2, a1 := tl.Tracks[0], tl.Tracks[1], tl.Tracks[2]
			// Interview: offset 0, 200 frames (20020/3000 s), source 10010/3000 s = 100 frames.
			if c := v1.Clips[0]; c.Start != 0 || c.Dur != 200 || c.In != 100 || c.Name != "Interview" {
				t.Errorf("interview %+v", c)
			}
			// The gap is at 10820020/3000 - 3600 s = 20020/3000 s = frame 200, 100 long; the
			// compound follows at 300 for 100 frames.
			if len(v1.Clips) != 2 || v1.Clips[1].Start != 300 || v1.Clips[1].Dur != 100 || v1.Clips[1].Source.Sequence == 0 {
				t.Errorf("V1 clips %+v", v1.Clips)
			}
			// The title hangs at 20020/3000 s of the interview's local time, which starts at
			// 10010/3000: 100 frames in, for 60. The wrapped clip starts at the gap's
			// local 3600 s = its start: frame 200, for 50 frames, showing Broll from 3605 s,
			// 5 s past its first frame at 3600 s: 150 frames (4.995 s at 29.97 = 149.85).
			if len(v2.Clips) != 2 || v2.Clips[0].Start != 100 || v2.Clips[0].Dur != 60 || v2.Clips[1].Start != 200 || v2.Clips[1].Dur != 50 {
				t.Errorf("V2 clips %+v", v2.Clips)
			}
			m, _ := d.MediaByID(v2.Clips[0].Source.Media)
			if m.Kind != core.KindGenerator || !strings.Contains(string(m.Generator.Params), "Dr. Who") {
				t.Errorf("title media %+v", m)
			}
			if len(a1.Clips) != 1 || a1.Clips[0].Start != 0 || a1.Clips[0].Dur != 200 {
				t.Errorf("sound %+v", a1.Clips)
			}
			// Markers: 15015/3000 s local, 5 s past the clip's start 3.336 s: frame 50; the
			// chapter marker at the gap's local 3601 s: 1 s into it, frame 230.
			ms := tl.Markers
			if len(ms) != 2 || ms[0].At != 50 || ms[0].Name != "Nice answer" || ms[0].Note != "use it" || ms[1].At != 230 {
				t.Errorf("markers %+v %+v", ms[0], ms[1])
			}
			if len(tl.Nested) != 1 || tl.Nested[0].Duration() != 100 {
				t.Errorf("nested %+v", tl.Nested)
			}
			wantPath := "/Volumes/Media/Interview.mov"
			if tt.modern {
				wantPath = "/Volumes/Media/Interview take.mov"
			}
			if m, _ := d.MediaByID(v1.Clips[0].Source.Media); m.Path != wantPath || !m.Audio {
				t.Errorf("media %+v", m)
			}
		})
	}
	t.Run("a version outside 1.8-1.11 is read with a warning", func(t *testing.T) {
		d, err := fcpxml.Decode(fcp("1.13", true), core.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Warnings) == 0 || !strings.Contains(d.Warnings[0], "1.13") {
			t.Errorf("warnings %v", d.Warnings)
		}
	})
}

func TestBadFCPXMLGivesAClearError(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"broken XML names the line", "<fcpxml version=\"1.9\">\n<resources>\n</fcpxml>", "line 3"},
		{"another root element", `<xmeml version="5"/>`, "not <fcpxml>"},
		{"an unknown major version", `<fcpxml version="2.0"/>`, `unknown FCPXML version "2.0"`},
		{"no project", `<fcpxml version="1.9"><resources/></fcpxml>`, "no <project>"},
		{"a clip of a missing asset", `<fcpxml version="1.9"><resources><format id="f" frameDuration="1/25s"/></resources><project><sequence format="f"><spine>
<asset-clip ref="nope" offset="0s" duration="1s"/></spine></sequence></project></fcpxml>`, `line 2: <asset-clip> refers to "nope"`},
		{"a time without seconds", `<fcpxml version="1.9"><resources><format id="f" frameDuration="1/25s"/></resources><project><sequence format="f"><spine><gap offset="0s" duration="5"/></spine></sequence></project></fcpxml>`, `time "5" has no trailing 's'`},
		{"a sequence without a format", `<fcpxml version="1.9"><project><sequence><spine/></sequence></project></fcpxml>`, "frame rate is unknown"},
		{"a compound clip that contains itself", `<fcpxml version="1.9"><resources><format id="f" frameDuration="1/25s"/><media id="m"><sequence format="f"><spine><ref-clip ref="m" offset="0s" duration="1s"/></spine></sequence></media></resources><project><sequence format="f"><spine><ref-clip ref="m" offset="0s" duration="1s"/></spine></sequence></project></fcpxml>`, "contains itself"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := fcpxml.Decode([]byte(tt.src), core.ReadOptions{})
			if err == nil {
				t.Fatalf("no error; got %+v", d)
			}
			if d != nil {
				t.Error("a timeline came back with the error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}
