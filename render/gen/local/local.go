package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/slate-nle/slate/render/gen"
)

var execCommand = exec.CommandContext

// Name is the backend's name in a queue.
const Name = "local"

// Options tune the backend.
type Options struct {
	// Concurrency is how many jobs run at once (default 1: each job already uses every core).
	Concurrency int
}

// Backend is the offline procedural backend. Its jobs live in a work folder, one folder per
// idempotency key, so a job survives a restart of the process: asking for it by key finds
// the finished result, or renders it again (deterministic and free) when it was interrupted.
type Backend struct {
	dir  string
	opts Options

	mu   sync.Mutex
	jobs map[string]*job

	voicesOnce sync.Once
	voices     []string
}

// New makes a local backend keeping its jobs under workDir. ffmpeg must be installed.
func New(workDir string, o Options) (*Backend, error) {
	if _, err := ffmpegPath(); err != nil {
		return nil, err
	}
	if _, err := ffprobePath(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, fmt.Errorf("local backend work folder: %w", err)
	}
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	return &Backend{dir: workDir, opts: o, jobs: map[string]*job{}}, nil
}

// Info names the backend and says what it is.
func (b *Backend) Info() gen.Info {
	return gen.Info{Name: Name, Kind: gen.Local, Description: "offline and free: procedural animatics " +
		"(title cards and camera moves on stills), keyframe morphs and finishing operations made with ffmpeg; not AI footage"}
}

// Looks the restyle operation offers.
var Looks = []string{"noir", "teal-orange", "bleach-bypass", "sepia", "toon", "film-grain", "vhs", "lut"}

const maxW, maxH = 7680, 7680

// Capabilities lists the operations, limits and parameters.
func (b *Backend) Capabilities(context.Context) (gen.Capabilities, error) {
	media := []string{gen.RoleVideo, gen.RoleImage}
	ops := []gen.OpSpec{
		{Op: gen.TextToVideo, Timed: true, MinSeconds: 0.1, MaxSeconds: 120, Sized: true, MaxWidth: maxW, MaxHeight: maxH,
			NeedsPrompt: true, Camera: true, Optional: []string{gen.RoleReference}, MaxReferences: 3},
		{Op: gen.TextToImage, Sized: true, MaxWidth: maxW, MaxHeight: maxH, NeedsPrompt: true,
			Optional: []string{gen.RoleReference}, MaxReferences: 3},
		{Op: gen.ImageToVideo, Timed: true, MinSeconds: 0.1, MaxSeconds: 120, Sized: true, MaxWidth: maxW, MaxHeight: maxH,
			Camera: true, Inputs: [][]string{{gen.RoleImage}}},
		{Op: gen.Keyframes, Timed: true, MinSeconds: 0.1, MaxSeconds: 60, Sized: true, MaxWidth: maxW, MaxHeight: maxH,
			Inputs: [][]string{{gen.RoleImage}, {gen.RoleEndImage}}},
		{Op: gen.Restyle, Inputs: [][]string{media}, Optional: []string{gen.RoleLUT},
			Params: []gen.ParamSpec{{Name: "look", Values: Looks, Default: "noir", Describe: "look; lut needs --lut FILE.cube"}}},
		{Op: gen.BGRemove, Inputs: [][]string{media}, Optional: []string{gen.RolePlate},
			Params: []gen.ParamSpec{
				{Name: "method", Values: []string{"chroma", "difference"}, Default: "chroma", Describe: "chroma key, or difference against --plate"},
				{Name: "key", Values: []string{"green", "blue"}, Default: "green"},
				{Name: "similarity", Min: 0.01, Max: 0.6, Default: "0.2"},
				{Name: "threshold", Min: 0.01, Max: 0.9, Default: "0.12", Describe: "difference matte threshold"},
				{Name: "format", Values: []string{"prores", "ffv1"}, Default: "prores", Describe: "video with alpha: ProRes 4444 .mov or FFV1 .mkv"}}},
		{Op: gen.Inpaint, Inputs: [][]string{media, {gen.RoleMask}}},
		{Op: gen.Extend, Timed: true, MinSeconds: 0.04, MaxSeconds: 60, Inputs: [][]string{{gen.RoleVideo}},
			Params: []gen.ParamSpec{{Name: "mode", Values: []string{"hold", "boomerang", "interpolate"}, Default: "hold",
				Describe: "hold the last frame, play back and forth, or ease the motion to a stop with interpolated frames"}}},
		{Op: gen.Upscale, Inputs: [][]string{media},
			Params: []gen.ParamSpec{{Name: "factor", Values: []string{"2", "4"}, Default: "2"}}},
		{Op: gen.Speech, NeedsPrompt: true, Params: []gen.ParamSpec{
			{Name: "voice", Values: b.espeakVoices(), Default: "en"},
			{Name: "speed", Min: 80, Max: 450, Default: "160", Describe: "words per minute"},
			{Name: "pitch", Min: 1, Max: 99, Default: "50"}}},
	}
	return gen.Capabilities{Ops: ops, Concurrency: b.opts.Concurrency, FindsByKey: true,
		Missing: []string{"performance (a character driven by a video) needs an AI model: use a ComfyUI or cloud backend"}}, nil
}

// espeakVoices lists espeak-ng's languages, or nothing when it is not installed (the speech
// operation then fails with a message naming the package).
func (b *Backend) espeakVoices() []string {
	b.voicesOnce.Do(func() {
		bin, err := espeakPath()
		if err != nil {
			return
		}
		out, err := exec.Command(bin, "--voices").Output()
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, l := range strings.Split(string(out), "\n")[1:] {
			f := strings.Fields(l)
			if len(f) < 2 {
				continue
			}
			// espeak-ng also takes a language's base name ("en" for en-us, en-gb…).
			base, _, _ := strings.Cut(f[1], "-")
			for _, v := range []string{f[1], base} {
				if !seen[v] {
					seen[v] = true
					b.voices = append(b.voices, v)
				}
			}
		}
		sort.Strings(b.voices)
	})
	return b.voices
}

// Estimate prices a request: nothing in money, CPU time from its size. It reads each input's
// header first, so an unreadable file is refused before a job is written.
func (b *Backend) Estimate(ctx context.Context, r gen.Request) (gen.Estimate, error) {
	for _, in := range r.Inputs {
		switch in.Role {
		case gen.RoleImage, gen.RoleEndImage, gen.RoleVideo, gen.RoleMask, gen.RolePlate, gen.RoleReference:
			if _, err := probe(ctx, in.Path); err != nil {
				return gen.Estimate{}, fmt.Errorf("%s: %w", in.Role, err)
			}
		case gen.RoleLUT:
			if err := checkCube(in.Path); err != nil {
				return gen.Estimate{}, err
			}
		}
	}
	px := float64(r.Width*r.Height) / (1920 * 1080)
	if px == 0 {
		px = 1
	}
	sec := 0.3
	switch r.Op {
	case gen.TextToVideo, gen.ImageToVideo:
		sec += float64(r.Frames) * px * 0.06
	case gen.Keyframes:
		sec += float64(r.Frames) * px * 0.4
	case gen.Speech:
		sec = 0.2
	case gen.TextToImage:
		sec += px * 0.2
	default:
		sec += 2
	}
	return gen.Estimate{CPUSeconds: sec, Approximate: true, Note: "free: runs on this computer"}, nil
}

type jobState struct {
	State   gen.State    `json:"state"`
	Message string       `json:"message,omitempty"`
	Outputs []gen.Output `json:"outputs,omitempty"`
	Cost    gen.Estimate `json:"cost"`
}

type job struct {
	key     string
	dir     string
	req     gen.Request
	mu      sync.Mutex
	st      jobState
	p       float64
	changed chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

func (j *job) snapshot() (gen.Event, chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	ev := gen.Event{State: j.st.State, Progress: j.p, Message: j.st.Message}
	if j.st.State.Final() {
		c := j.st.Cost
		ev.Cost = &c
	}
	return ev, j.changed
}

func (j *job) update(f func()) {
	j.mu.Lock()
	f()
	close(j.changed)
	j.changed = make(chan struct{})
	j.mu.Unlock()
}

var keyRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Submit starts a request, once per key.
func (b *Backend) Submit(_ context.Context, r gen.Request) (gen.Handle, error) {
	if !keyRe.MatchString(r.Key) {
		return gen.Handle{}, fmt.Errorf("local: request key %q: want 1 to 128 letters, digits, - or _", r.Key)
	}
	h := gen.Handle{Backend: Name, Key: r.Key, ID: r.Key}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.jobs[r.Key]; ok {
		return h, nil
	}
	dir := filepath.Join(b.dir, r.Key)
	if _, err := os.Stat(filepath.Join(dir, "request.json")); err == nil {
		return h, nil // submitted before a restart: Events resumes or reports it
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return gen.Handle{}, err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return gen.Handle{}, err
	}
	if err := writeFileAtomic(filepath.Join(dir, "request.json"), raw); err != nil {
		return gen.Handle{}, err
	}
	b.startLocked(r, dir)
	return h, nil
}

func (b *Backend) startLocked(r gen.Request, dir string) *job {
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{key: r.Key, dir: dir, req: r, st: jobState{State: gen.Queued}, changed: make(chan struct{}),
		cancel: cancel, done: make(chan struct{})}
	b.jobs[r.Key] = j
	go b.execute(ctx, j)
	return j
}

func (b *Backend) execute(ctx context.Context, j *job) {
	defer close(j.done)
	defer j.cancel()
	start := time.Now()
	out := filepath.Join(j.dir, "out")
	os.RemoveAll(out)
	var outs []gen.Output
	err := os.MkdirAll(out, 0o755)
	j.update(func() { j.st.State = gen.Running })
	if err == nil {
		last := time.Time{}
		outs, err = run(ctx, b, j.req, out, func(p float64) {
			if time.Since(last) < 50*time.Millisecond && p < 1 {
				return
			}
			last = time.Now()
			j.update(func() { j.p = p })
		})
	}
	st := jobState{Cost: gen.Estimate{CPUSeconds: time.Since(start).Seconds(), Note: "measured wall-clock seconds"}}
	switch {
	case err == nil:
		st.State, st.Outputs = gen.Succeeded, outs
	case ctx.Err() != nil:
		st.State, st.Message = gen.Cancelled, "cancelled"
	default:
		st.State, st.Message = gen.Failed, err.Error()
	}
	raw, _ := json.MarshalIndent(st, "", "  ")
	if werr := writeFileAtomic(filepath.Join(j.dir, "state.json"), raw); werr != nil && st.State == gen.Succeeded {
		st.State, st.Message, st.Outputs = gen.Failed, "recording the result: "+werr.Error(), nil
	}
	j.update(func() {
		j.st = st
		if st.State == gen.Succeeded {
			j.p = 1
		}
	})
}

// find returns a job in memory, or loads it from its folder: a finished one as it ended, an
// interrupted one started again.
func (b *Backend) find(key string) (*job, error) {
	if !keyRe.MatchString(key) {
		return nil, gen.ErrUnknownJob
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if j, ok := b.jobs[key]; ok {
		return j, nil
	}
	dir := filepath.Join(b.dir, key)
	raw, err := os.ReadFile(filepath.Join(dir, "request.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, gen.ErrUnknownJob
	}
	if err != nil {
		return nil, err
	}
	var r gen.Request
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("local job %s: %w", key, err)
	}
	if sraw, err := os.ReadFile(filepath.Join(dir, "state.json")); err == nil {
		var st jobState
		if err := json.Unmarshal(sraw, &st); err == nil && st.State.Final() {
			j := &job{key: key, dir: dir, req: r, st: st, changed: make(chan struct{}), cancel: func() {}, done: make(chan struct{})}
			close(j.done)
			if st.State == gen.Succeeded {
				j.p = 1
			}
			b.jobs[key] = j
			return j, nil
		}
	}
	return b.startLocked(r, dir), nil
}

// Events streams a job's states until a final one.
func (b *Backend) Events(ctx context.Context, h gen.Handle) (<-chan gen.Event, error) {
	j, err := b.find(h.Key)
	if err != nil {
		return nil, err
	}
	ch := make(chan gen.Event, 4)
	go func() {
		defer close(ch)
		var last gen.Event
		first := true
		for {
			ev, changed := j.snapshot()
			if first || ev.State != last.State || ev.Progress != last.Progress || ev.Message != last.Message {
				select {
				case ch <- ev:
				case <-ctx.Done():
					return
				}
				last, first = ev, false
			}
			if ev.State.Final() {
				return
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}

// Cancel stops a job; its folder records it as cancelled.
func (b *Backend) Cancel(_ context.Context, h gen.Handle) error {
	j, err := b.find(h.Key)
	if err != nil {
		return err
	}
	j.cancel()
	<-j.done
	return nil
}

// Fetch returns a succeeded job's files.
func (b *Backend) Fetch(_ context.Context, h gen.Handle) ([]gen.Output, error) {
	j, err := b.find(h.Key)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.st.State != gen.Succeeded {
		return nil, fmt.Errorf("local job %s is %s", h.Key, j.st.State)
	}
	return append([]gen.Output(nil), j.st.Outputs...), nil
}

// Forget removes a finished job's folder (after its outputs were copied).
func (b *Backend) Forget(key string) error {
	if !keyRe.MatchString(key) {
		return gen.ErrUnknownJob
	}
	b.mu.Lock()
	j := b.jobs[key]
	delete(b.jobs, key)
	b.mu.Unlock()
	if j != nil {
		j.cancel()
		<-j.done
	}
	return os.RemoveAll(filepath.Join(b.dir, key))
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
