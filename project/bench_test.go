package project_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// bigProject writes a project of 10,000 clips on 8 tracks (1,250 each), 1,000 of its
// keyframes on 100 clips, and returns its path with the IDs of the first track's clips.
func bigProject(b *testing.B) (string, []timeline.ID) {
	b.Helper()
	tl, err := timeline.New(hd)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 8 {
		kind := timeline.Video
		if i >= 6 {
			kind = timeline.Audio
		}
		if _, err := (&edit.AddTrack{Kind: kind}).Apply(tl); err != nil {
			b.Fatal(err)
		}
	}
	keyed := 0
	for _, tr := range tl.Tracks {
		for j := range 1250 {
			if _, err := (&edit.Append{Track: tr.ID, Clip: edit.ClipSpec{Media: timeline.ID(1 + j%20), In: 10, Dur: 48, SourceDur: 500}}).Apply(tl); err != nil {
				b.Fatal(err)
			}
			if j%100 == 0 && keyed < 100 {
				keyed++
				c := tr.Clips[len(tr.Clips)-1]
				cv := &keyframe.Curve{Static: 1}
				for k := range 10 {
					cv.Keys = append(cv.Keys, keyframe.Key{T: rt.Time(k * 4), V: float64(k) / 10, Interp: "ease-in-out-cubic"})
				}
				n := c.Clone()
				n.Params = map[string]*keyframe.Curve{"opacity": cv}
				if _, err := (&edit.ReplaceClip{Clip: n}).Apply(tl); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if tl.ClipCount() != 10000 || keyed != 100 {
		b.Fatalf("%d clips, %d keyed", tl.ClipCount(), keyed)
	}
	path := filepath.Join(b.TempDir(), "big.slate")
	p, err := project.CreateWith(path, tl, project.NoBackups())
	if err != nil {
		b.Fatal(err)
	}
	var first []timeline.ID
	for _, c := range p.Timeline().Tracks[0].Clips {
		first = append(first, c.ID)
	}
	p.Close()
	return path, first
}

func BenchmarkOpen10000Clips1000Keyframes(b *testing.B) {
	path, _ := bigProject(b)
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		p, err := project.Open(path, project.NoBackups())
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
		b.StopTimer()
		p.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/open")
}

func BenchmarkApplyAndCommitOn10000Clips(b *testing.B) {
	path, first := bigProject(b)
	mid := first[len(first)/2]
	cases := []struct {
		name string
		line func(i int) string
	}{
		{"set-param", func(i int) string {
			return fmt.Sprintf(`{"op":"set-param","clip":%d,"param":"scale","value":%d}`, mid, 1+i%2)
		}},
		{"set-keyframe on a keyed clip", func(i int) string {
			return fmt.Sprintf(`{"op":"set-keyframe","clip":%d,"param":"opacity","t":%d,"v":0.5}`, first[0], 100+i%50)
		}},
		{"ripple trim moving 1250 clips", func(i int) string {
			by := 1
			if i%2 == 1 {
				by = -1
			}
			return fmt.Sprintf(`{"op":"trim-tail","clip":%d,"by":%d,"ripple":true}`, first[0], by)
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			p, err := project.Open(path, project.NoBackups())
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			b.ResetTimer()
			t0 := time.Now()
			for i := range b.N {
				b.StopTimer()
				c, err := edit.Unmarshal([]byte(tc.line(i)))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := p.Apply(c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(t0).Microseconds())/1000/float64(b.N), "ms/commit")
		})
	}
}
