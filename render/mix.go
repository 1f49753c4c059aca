package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/big"
	"sync"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// The audio mixer. Sound comes from audio tracks only: a video clip's own sound plays when the
// clip (or a copy of it) sits on an audio track, as in every track-based editor. The mix is
// stereo, interleaved L R, at the timeline's sample rate, and every sample position goes
// through rt.SamplesAt, so audio and video frame boundaries line up exactly.
//
// Per clip:
//   - source sample for timeline sample s, at speed 1: s − SamplesAt(Start) + SamplesAt(In)
//     (the first sample of frame Start plays the first sample of source frame In). Other
//     speeds play the source faster or slower with linear interpolation (pitch follows, like
//     tape); reverse plays backwards; a freeze is silent.
//   - volume (dB) and pan (−1 left .. +1 right, a balance: centre leaves both channels
//     alone) are evaluated at fractional clip-local frames every gainBlock samples and
//     interpolated linearly in between, so keyframes land between video frames.
//   - under a transition the outgoing and incoming clips crossfade with equal power:
//     cos(p·π/2) and sin(p·π/2), p = (sample offset + ½) / transition length in samples. A dip
//     fades the outgoing clip out over the first half and the incoming one in over the second.
//   - nested sequences mix recursively.

// MixChannels is the channel count of Renderer.Audio: stereo.
const MixChannels = 2

// gainBlock is how many samples share one linear piece of a gain curve.
const gainBlock = 32

// AudioSource reads one media item's sound, resampled to the mix rate, MixChannels
// interleaved.
type AudioSource interface {
	// Read fills buf from sample frame start on and returns the number of sample frames
	// read, fewer only at the end of the source.
	Read(ctx context.Context, start int64, buf []float32) (int, error)
	Close() error
}

// AudioOpener opens an audio source at sampleRate with channels channels. The context bounds
// the source's life.
type AudioOpener func(ctx context.Context, m Media, sampleRate, channels int) (AudioSource, error)

type audioState struct {
	mu      sync.Mutex
	sources map[timeline.ID]*audioSource
	layers  [][]timeline.Layer
	bufs    [][2][]float32 // scratch by nesting depth
}

type audioSource struct {
	m   Media
	src AudioSource
	err error
}

func (a *audioState) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var first error
	for _, s := range a.sources {
		if s.src != nil {
			if err := s.src.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	a.sources = nil
	return first
}

// scratch returns two float buffers of at least n samples for nesting depth d.
func (a *audioState) scratch(d, n int) ([]float32, []float32) {
	for len(a.bufs) <= d {
		a.bufs = append(a.bufs, [2][]float32{})
	}
	b := &a.bufs[d]
	for i := range b {
		if cap(b[i]) < n {
			b[i] = make([]float32, n)
		}
	}
	return b[0][:n], b[1][:n]
}

// Audio mixes the main sequence's sound from timeline sample startSample on into out
// (interleaved stereo, len(out)/2 sample frames), overwriting it. Muted tracks, unsoloed
// tracks while any track is soloed, and disabled clips are silent.
func (r *Renderer) Audio(ctx context.Context, startSample int64, out []float32) error {
	if len(out)%MixChannels != 0 {
		return fmt.Errorf("render: audio buffer of %d samples is not whole stereo frames", len(out))
	}
	r.pull.Lock()
	tl := r.tl
	r.pull.Unlock()
	a := &r.audio
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(out)
	return r.mixSequence(ctx, tl, &tl.Sequence, startSample, out, 0)
}

// FrameOfSample is the timeline frame sounding at sample s: the last frame f with
// rt.SamplesAt(f) <= s.
func FrameOfSample(s int64, rate rt.Rate, sampleRate int64) rt.Time {
	// SamplesAt(f) = floor(f·sr·Den/Num) <= s  ⟺  f < (s+1)·Num/(sr·Den).
	n := new(big.Int).Mul(big.NewInt(s+1), big.NewInt(rate.Num))
	n.Sub(n, big.NewInt(1))
	d := new(big.Int).Mul(big.NewInt(sampleRate), big.NewInt(rate.Den))
	q, m := new(big.Int), new(big.Int)
	q.DivMod(n, d, m) // Euclidean, so the floor for d > 0
	return rt.Time(q.Int64())
}

// samplesAt is rt.SamplesAt for positions the model has already bounded.
func samplesAt(f rt.Time, rate rt.Rate, sr int64) int64 {
	s, err := rt.SamplesAt(f, rate, sr)
	if err != nil {
		return math.MaxInt64 / 4
	}
	return s
}

// mixSequence adds seq's sound for [start, start+len(out)/2) into out.
func (r *Renderer) mixSequence(ctx context.Context, tl *timeline.Timeline, seq *timeline.Sequence, start int64, out []float32, depth int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if depth >= maxDepth {
		return fmt.Errorf("render: sequences nested more than %d deep", maxDepth)
	}
	a := &r.audio
	for len(a.layers) <= depth {
		a.layers = append(a.layers, nil)
	}
	sr := int64(tl.SampleRate)
	end := start + int64(len(out)/MixChannels)
	for s := start; s < end; {
		f := FrameOfSample(s, tl.Rate, sr)
		segEnd := min(end, samplesAt(f+1, tl.Rate, sr))
		a.layers[depth] = seq.AppendAt(a.layers[depth], f)
		seg := out[(s-start)*MixChannels : (segEnd-start)*MixChannels]
		for _, l := range a.layers[depth] {
			if l.Track.Kind != timeline.Audio {
				continue
			}
			if l.Transition == nil {
				if err := r.mixClip(ctx, tl, l.Clip, s, seg, nil, depth); err != nil {
					return err
				}
				continue
			}
			r0 := samplesAt(l.Range.Start, tl.Rate, sr)
			r1 := samplesAt(l.Range.End(), tl.Rate, sr)
			dip := l.Transition.Kind == timeline.Dip
			prog := func(s int64) float64 { return (float64(s-r0) + 0.5) / float64(max(r1-r0, 1)) }
			fadeOut := func(s int64) float64 {
				p := prog(s)
				if dip {
					if p >= 0.5 {
						return 0
					}
					return math.Cos(p * math.Pi)
				}
				return math.Cos(p * math.Pi / 2)
			}
			fadeIn := func(s int64) float64 {
				p := prog(s)
				if dip {
					if p < 0.5 {
						return 0
					}
					return math.Sin((p - 0.5) * math.Pi)
				}
				return math.Sin(p * math.Pi / 2)
			}
			if err := r.mixClip(ctx, tl, l.Clip, s, seg, fadeOut, depth); err != nil {
				return err
			}
			if err := r.mixClip(ctx, tl, l.Next, s, seg, fadeIn, depth); err != nil {
				return err
			}
		}
		s = segEnd
	}
	return nil
}

// mixClip adds clip c's sound for timeline samples [s0, s0+len(seg)/2) into seg, times the
// optional fade.
func (r *Renderer) mixClip(ctx context.Context, tl *timeline.Timeline, c *timeline.Clip, s0 int64, seg []float32, fade func(int64) float64, depth int) error {
	if c == nil || !c.Enabled || c.Speed.Num == 0 || c.Speed.Den <= 0 {
		return nil
	}
	read, err := r.clipReader(ctx, tl, c, depth)
	if err != nil || read == nil {
		return err
	}
	n := len(seg) / MixChannels
	sr := int64(tl.SampleRate)
	buf, span := r.audio.scratch(depth, len(seg))
	startS := samplesAt(c.Start, tl.Rate, sr)
	inS := samplesAt(c.In, tl.Rate, sr)
	if c.Speed.Num == c.Speed.Den && c.Phase == 0 {
		if err := read(ctx, s0-startS+inS, buf); err != nil {
			return err
		}
	} else if err := r.readVarispeed(ctx, tl, c, read, s0, startS, inS, buf, span, depth); err != nil {
		return err
	}

	// Gains at block edges, linear in between.
	rate := float64(tl.Rate.Num) / (float64(sr) * float64(tl.Rate.Den)) // frames per sample
	gains := func(s int64) (float64, float64) {
		lf := float64(s)*rate - float64(c.Start)
		db := param(c, "volume", lf)
		g := 0.0
		if db > -96 {
			g = math.Pow(10, db/20)
		}
		if fade != nil {
			g *= fade(s)
		}
		pan := param(c, "pan", lf)
		return g * math.Min(1, 1-pan), g * math.Min(1, 1+pan)
	}
	l0, r0 := gains(s0)
	for b := 0; b < n; b += gainBlock {
		e := min(b+gainBlock, n)
		l1, r1 := gains(s0 + int64(e))
		span := float64(e - b)
		for i := b; i < e; i++ {
			t := float64(i-b) / span
			gl, gr := l0+(l1-l0)*t, r0+(r1-r0)*t
			seg[2*i] += float32(gl) * buf[2*i]
			seg[2*i+1] += float32(gr) * buf[2*i+1]
		}
		l0, r0 = l1, r1
	}
	return nil
}

// readVarispeed fills buf with c's sound at a speed other than 1 (or with a phase): source
// position I + ((s−S)·Num + Phase·spf)/Den samples, spf the samples per frame, interpolated.
func (r *Renderer) readVarispeed(ctx context.Context, tl *timeline.Timeline, c *timeline.Clip, read sampleReader, s0, startS, inS int64, buf, span []float32, depth int) error {
	n := len(buf) / MixChannels
	spf := float64(tl.SampleRate) * float64(tl.Rate.Den) / float64(tl.Rate.Num)
	sp := float64(c.Speed.Num) / float64(c.Speed.Den)
	base := float64(inS) + float64(c.Phase)*spf/float64(c.Speed.Den)
	pos := func(i int) float64 { return base + float64(s0+int64(i)-startS)*sp }
	lo := int64(math.Floor(math.Min(pos(0), pos(n-1))))
	hi := int64(math.Floor(math.Max(pos(0), pos(n-1)))) + 2
	need := int(hi-lo) * MixChannels
	if need > len(span) {
		span = make([]float32, need) // a fast clip reads more source than it plays
	}
	span = span[:need]
	if err := read(ctx, lo, span); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		p := pos(i) - float64(lo)
		j := int(math.Floor(p))
		t := float32(p - float64(j))
		j = min(max(j, 0), int(hi-lo)-2)
		for ch := 0; ch < MixChannels; ch++ {
			a, b := span[j*MixChannels+ch], span[(j+1)*MixChannels+ch]
			buf[i*MixChannels+ch] = a + (b-a)*t
		}
	}
	return nil
}

// sampleReader fills buf with source sound from sample frame start on, zeros where there is
// none (before the start, after the end).
type sampleReader func(ctx context.Context, start int64, buf []float32) error

// clipReader is where clip c's sound comes from: a media file or a nested sequence. It is
// nil for silent clips (offline, no audio stream).
func (r *Renderer) clipReader(ctx context.Context, tl *timeline.Timeline, c *timeline.Clip, depth int) (sampleReader, error) {
	if c.Source.Sequence != 0 {
		seq, err := tl.SequenceByID(c.Source.Sequence)
		if err != nil {
			return nil, fmt.Errorf("clip %d: %w", c.ID, err)
		}
		return func(ctx context.Context, start int64, buf []float32) error {
			clear(buf)
			return r.mixSequence(ctx, tl, seq, start, buf, depth+1)
		}, nil
	}
	m, err := r.res.Media(c.Source.Media)
	if err != nil || m.Offline || !m.HasAudio {
		return nil, nil
	}
	a := &r.audio
	if a.sources == nil {
		a.sources = map[timeline.ID]*audioSource{}
	}
	as := a.sources[c.Source.Media]
	if as != nil && as.m.Path != m.Path { // relinked
		if as.src != nil {
			as.src.Close()
		}
		as = nil
	}
	if as == nil {
		as = &audioSource{m: m}
		as.src, as.err = r.opt.OpenAudio(r.life, m, int(tl.SampleRate), MixChannels)
		a.sources[c.Source.Media] = as
	}
	if as.err != nil {
		if errors.Is(as.err, fs.ErrNotExist) || errors.Is(as.err, fs.ErrPermission) {
			return nil, nil
		}
		return nil, fmt.Errorf("render: opening the sound of %s: %w", m.label(), as.err)
	}
	src := as.src
	return func(ctx context.Context, start int64, buf []float32) error {
		clear(buf)
		frames := int64(len(buf) / MixChannels)
		if start < 0 { // before the source: silence
			skip := min(-start, frames)
			buf = buf[skip*MixChannels:]
			start = 0
		}
		if len(buf) == 0 {
			return nil
		}
		if _, err := src.Read(ctx, start, buf); err != nil && !isEnd(err) {
			return fmt.Errorf("render: sound of %s at sample %d: %w", m.label(), start, err)
		}
		return nil
	}, nil
}

// isEnd reports whether err means "past the end of the source".
func isEnd(err error) bool {
	return errors.Is(err, ErrSourceEnd) || errors.Is(err, io.EOF)
}
