package render_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// rampAudio is a source whose sample i is i+1 on the left and −(i+1) on the right, so the
// mix shows exactly which source sample played. "dc:V" sources are V on both channels.
type rampAudio struct{ dc float32 }

func (s rampAudio) Read(_ context.Context, start int64, buf []float32) (int, error) {
	for i := 0; i < len(buf)/2; i++ {
		if s.dc != 0 {
			buf[2*i], buf[2*i+1] = s.dc, s.dc
			continue
		}
		v := float32(start + int64(i) + 1)
		buf[2*i], buf[2*i+1] = v, -v
	}
	return len(buf) / 2, nil
}

func (rampAudio) Close() error { return nil }

func openRamp(_ context.Context, m render.Media, _, _ int) (render.AudioSource, error) {
	if v, ok := strings.CutPrefix(m.Path, "dc:"); ok {
		f, _ := strconv.ParseFloat(v, 32)
		return rampAudio{dc: float32(f)}, nil
	}
	return rampAudio{}, nil
}

func (b *builder) sound(path string) timeline.ID {
	return b.addMedia(render.Media{Name: path, Path: path, Kind: "audio", HasAudio: true})
}

// mix renders n stereo sample frames from start.
func mix(t *testing.T, b *builder, start int64, n int) []float32 {
	t.Helper()
	r := b.renderer(render.RendererOptions{OpenAudio: openRamp})
	out := make([]float32, 2*n)
	for i := range out {
		out[i] = 12345 // must be overwritten
	}
	if err := r.Audio(context.Background(), start, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClipsSoundFromTheFirstSampleOfTheirFirstFrame(t *testing.T) {
	for _, rate := range []rt.Rate{{Num: 25, Den: 1}, {Num: 30000, Den: 1001}, {Num: 24000, Den: 1001}} {
		t.Run("at "+rate.String()+" fps", func(t *testing.T) {
			b := newBuilder(t, 32, 18)
			b.tl.Rate = rate
			a1 := b.track(0, timeline.Audio)
			b.clip(a1, media(b.sound("ramp")), 7, 5, 3)
			first, _ := rt.SamplesAt(7, rate, 48000)
			in, _ := rt.SamplesAt(3, rate, 48000)
			end, _ := rt.SamplesAt(12, rate, 48000)
			out := mix(t, b, first-2, int(end-first)+4)
			if out[0] != 0 || out[2] != 0 {
				t.Errorf("before the clip: %v, want silence", out[:4])
			}
			if got := out[4]; got != float32(in+1) {
				t.Errorf("sample %d (the clip's first) = %v, want source sample %d", first, got, in)
			}
			if got := out[5]; got != -float32(in+1) {
				t.Errorf("right channel = %v, want %v", got, -float32(in+1))
			}
			last := 2 * (int(end-first) + 1)
			if out[last] != float32(in+end-first) || out[last+2] != 0 {
				t.Errorf("around the clip's end: %v, want the source then silence", out[last:last+4])
			}
		})
	}
}

func TestFrameOfSampleInvertsSamplesAt(t *testing.T) {
	for _, rate := range []rt.Rate{{Num: 25, Den: 1}, {Num: 30000, Den: 1001}, {Num: 60000, Den: 1001}} {
		for f := rt.Time(0); f < 3000; f++ {
			s, _ := rt.SamplesAt(f, rate, 48000)
			if got := render.FrameOfSample(s, rate, 48000); got != f {
				t.Fatalf("%s fps: FrameOfSample(SamplesAt(%d) = %d) = %d", rate, f, s, got)
			}
			if got := render.FrameOfSample(s-1, rate, 48000); got != f-1 {
				t.Fatalf("%s fps: sample %d (just before frame %d) is in frame %d", rate, s-1, f, got)
			}
		}
	}
}

func TestVolumeAndPanShapeTheSound(t *testing.T) {
	cases := []struct {
		name string
		opts []func(*timeline.Clip)
		l, r float64
	}{
		{"defaults pass the sound through", nil, 1, 1},
		{"−6.02 dB halves it", []func(*timeline.Clip){param("volume", -6.0206)}, 0.5, 0.5},
		{"+6.02 dB doubles it", []func(*timeline.Clip){param("volume", 6.0206)}, 2, 2},
		{"pan right silences the left", []func(*timeline.Clip){param("pan", 1)}, 0, 1},
		{"pan half left lowers the right by half", []func(*timeline.Clip){param("pan", -0.5)}, 1, 0.5},
		{"−96 dB is silence", []func(*timeline.Clip){param("volume", -96)}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(t, 32, 18)
			a1 := b.track(0, timeline.Audio)
			b.clip(a1, media(b.sound("dc:0.25")), 0, 10, 0, tc.opts...)
			out := mix(t, b, 1000, 100)
			for i := 0; i < 100; i++ {
				if math.Abs(float64(out[2*i])-0.25*tc.l) > 1e-4 || math.Abs(float64(out[2*i+1])-0.25*tc.r) > 1e-4 {
					t.Fatalf("sample %d = %v %v, want %v %v", i, out[2*i], out[2*i+1], 0.25*tc.l, 0.25*tc.r)
				}
			}
		})
	}
	t.Run("keyframed volume moves between frames", func(t *testing.T) {
		// 0 dB at frame 0 to −20 dB at frame 10: linear in dB, evaluated at fractional frames.
		b := newBuilder(t, 32, 18)
		a1 := b.track(0, timeline.Audio)
		b.clip(a1, media(b.sound("dc:1")), 0, 20, 0, param("volume", 0, 0, 10, -20))
		out := mix(t, b, 0, 48000/25*12)
		for _, s := range []int{0, 960, 1920 * 3, 1920*5 + 960, 1920*9 + 1919, 1920 * 11} {
			lf := float64(s) / 1920
			want := math.Pow(10, -2*math.Min(lf, 10)/20)
			if got := float64(out[2*s]); math.Abs(got-want) > 0.002 {
				t.Errorf("sample %d (frame %.2f): gain %.4f, want %.4f", s, lf, got, want)
			}
		}
	})
}

func TestMuteSoloAndVideoTracks(t *testing.T) {
	build := func(t *testing.T) (*builder, *timeline.Track, *timeline.Track) {
		b := newBuilder(t, 32, 18)
		a1, a2 := b.track(0, timeline.Audio), b.track(0, timeline.Audio)
		v1 := b.track(0, timeline.Video)
		b.clip(a1, media(b.sound("dc:0.25")), 0, 10, 0)
		b.clip(a2, media(b.sound("dc:0.5")), 0, 10, 0)
		b.clip(v1, media(b.sound("dc:0.125")), 0, 10, 0) // sound on a video track stays silent
		_, t1, _, _ := b.tl.Track(a1)
		_, t2, _, _ := b.tl.Track(a2)
		return b, t1, t2
	}
	cases := []struct {
		name string
		set  func(a1, a2 *timeline.Track)
		want float32
	}{
		{"both audio tracks sound, the video track does not", func(a1, a2 *timeline.Track) {}, 0.75},
		{"a muted track is silent", func(a1, a2 *timeline.Track) { a2.Mute = true }, 0.25},
		{"a solo track sounds alone", func(a1, a2 *timeline.Track) { a1.Solo = true }, 0.25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, a1, a2 := build(t)
			tc.set(a1, a2)
			if got := mix(t, b, 100, 10)[0]; math.Abs(float64(got-tc.want)) > 1e-6 {
				t.Errorf("level %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDissolvesCrossfadeWithEqualPower(t *testing.T) {
	for _, kind := range []timeline.TransitionKind{timeline.Dissolve, timeline.Dip} {
		t.Run(string(kind), func(t *testing.T) {
			b := newBuilder(t, 32, 18)
			a1 := b.track(0, timeline.Audio)
			x := b.clip(a1, media(b.sound("dc:1")), 0, 20, 0)
			y := b.clip(a1, media(b.sound("dc:2")), 20, 20, 10)
			transition(b, kind, x, y, 10) // frames 15..24, samples 28800..48000
			out := mix(t, b, 28800, 19200)
			for _, p := range []float64{0.1, 0.25, 0.5, 0.75, 0.9} {
				i := int(p*19200 - 0.5)
				var want float64
				if kind == timeline.Dissolve {
					want = math.Cos(p*math.Pi/2) + 2*math.Sin(p*math.Pi/2)
				} else if p < 0.5 {
					want = math.Cos(p * math.Pi)
				} else {
					want = 2 * math.Sin((p-0.5)*math.Pi)
				}
				if got := float64(out[2*i]); math.Abs(got-want) > 0.01 {
					t.Errorf("at %.0f%% of the transition: %.4f, want %.4f", 100*p, got, want)
				}
			}
		})
	}
}

func TestSpeedChangesHowTheSourceIsRead(t *testing.T) {
	cases := []struct {
		name  string
		in    rt.Time
		speed timeline.Speed
		step  float32 // source samples per output sample
	}{
		{"double speed reads two samples per sample", 5, timeline.Speed{Num: 2, Den: 1}, 2},
		{"half speed reads half a sample per sample", 5, timeline.Speed{Num: 1, Den: 2}, 0.5},
		{"reverse reads backwards", 100, timeline.Speed{Num: -1, Den: 1}, -1},
		{"a freeze is silent", 5, timeline.Speed{Num: 0, Den: 1}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder(t, 32, 18)
			a1 := b.track(0, timeline.Audio)
			b.clip(a1, media(b.sound("ramp")), 0, 20, tc.in, speed(tc.speed.Num, tc.speed.Den))
			out := mix(t, b, 1920, 200) // from frame 1
			in, _ := rt.SamplesAt(tc.in, b.tl.Rate, 48000)
			for i := 0; i < 200; i += 37 {
				want := float32(0)
				if tc.step != 0 {
					want = float32(in) + 1 + tc.step*float32(1920+i)
				}
				if got := out[2*i]; math.Abs(float64(got-want)) > 0.01 {
					t.Errorf("sample %d = %v, want %v", i, got, want)
				}
			}
		})
	}
}

func TestNestedSequencesSoundToo(t *testing.T) {
	b := newBuilder(t, 32, 18)
	seq := b.nested()
	n1 := b.track(seq, timeline.Audio)
	b.clip(n1, media(b.sound("ramp")), 10, 30, 0) // nested frames 10..39 play the ramp from 0
	a1 := b.track(0, timeline.Audio)
	b.clip(a1, timeline.Source{Sequence: seq}, 0, 20, 12, param("volume", -6.0206))
	out := mix(t, b, 0, 10)
	// Main sample 0 is nested frame 12, sample 12·1920, which is ramp sample 2·1920.
	if want := float32(2*1920+1) / 2; math.Abs(float64(out[0]-want)) > 0.01 {
		t.Errorf("first sample %v, want %v (the nested ramp at half volume)", out[0], want)
	}
}

func TestAudioRefusesAnOddBuffer(t *testing.T) {
	b := newBuilder(t, 32, 18)
	r := b.renderer(render.RendererOptions{OpenAudio: openRamp})
	if err := r.Audio(t.Context(), 0, make([]float32, 3)); err == nil {
		t.Error("a buffer of 3 samples (not whole stereo frames) was accepted")
	}
}
