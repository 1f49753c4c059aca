package timeline_test

import (
	"math/rand/v2"
	"testing"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// bigTimeline builds n clips over 4 tracks, with gaps, through the model's own primitives.
func bigTimeline(tb testing.TB, n int) *timeline.Timeline {
	tb.Helper()
	tl, err := timeline.New(timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000})
	if err != nil {
		tb.Fatal(err)
	}
	const tracks = 4
	for i := range tracks {
		kind := timeline.Video
		if i >= 2 {
			kind = timeline.Audio
		}
		if err := tl.InsertTrack(tl.Sequence.ID, i, &timeline.Track{ID: tl.NewID(), Kind: kind}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range n {
		t := tl.Tracks[i%tracks]
		c := &timeline.Clip{ID: tl.NewID(), Source: timeline.Source{Media: 1}, Start: t.End() + rt.Time(i%3),
			Dur: 24 + rt.Time(i%48), Speed: timeline.Normal, Enabled: true}
		if err := tl.InsertClip(t.ID, c); err != nil {
			tb.Fatal(err)
		}
	}
	return tl
}

func TestQueriesFindWhatIsUnderAFrame(t *testing.T) {
	tl := bigTimeline(t, 2000)
	r := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		f := rt.Time(r.IntN(int(tl.Duration()) + 10))
		for _, tr := range tl.Tracks {
			var want *timeline.Clip
			for _, c := range tr.Clips { // the slow, obvious answer
				if c.Range().Contains(f) {
					want = c
				}
			}
			if got := tr.ClipAt(f); got != want {
				t.Fatalf("track %d frame %d: ClipAt gave %v, a scan gives %v", tr.ID, f, got, want)
			}
		}
	}
}

func BenchmarkBuild10000Clips(b *testing.B) {
	for b.Loop() {
		bigTimeline(b, 10000)
	}
}

func BenchmarkQueryAtRandomFrame10000Clips(b *testing.B) {
	tl := bigTimeline(b, 10000)
	r := rand.New(rand.NewPCG(1, 2))
	frames := make([]rt.Time, 1024)
	for i := range frames {
		frames[i] = rt.Time(r.IntN(int(tl.Duration())))
	}
	var buf []timeline.Layer
	i := 0
	for b.Loop() {
		buf = tl.Sequence.AppendAt(buf, frames[i&1023])
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tl.Tracks)), "ns/track")
}
