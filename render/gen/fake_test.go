package gen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/timeline/rt"
)

// fake is a backend whose jobs the test steers: each job runs to 50% and waits for its
// gate (or succeeds at once when auto is set). It counts submissions per key.
type fake struct {
	name       string
	dir        string
	cost       gen.Micros
	conc       int
	findsByKey bool
	auto       bool
	fail       bool // jobs fail instead of succeeding

	mu          sync.Mutex
	jobs        map[string]*fakeJob
	submits     map[string]int
	cancels     int
	inflight    int
	maxInflight int
	// beforeAccept, when set, runs inside Submit before the job is recorded; afterAccept
	// after. Either may block to simulate a crash at that point.
	beforeAccept func()
	afterAccept  func()
}

type fakeJob struct {
	state gen.State
	p     float64
	gate  chan struct{}
	out   string
	once  sync.Once
}

func newFake(dir string) *fake {
	return &fake{name: "fake", dir: dir, cost: gen.Dollars(1), conc: 2, findsByKey: true,
		jobs: map[string]*fakeJob{}, submits: map[string]int{}}
}

func (f *fake) Info() gen.Info {
	return gen.Info{Name: f.name, Kind: gen.Cloud, Description: "test double"}
}

func (f *fake) Capabilities(context.Context) (gen.Capabilities, error) {
	return gen.Capabilities{Concurrency: f.conc, FindsByKey: f.findsByKey, Ops: []gen.OpSpec{
		{Op: gen.TextToVideo, Timed: true, MinSeconds: 1, MaxSeconds: 10, Sized: true, MaxWidth: 1920, MaxHeight: 1920,
			NeedsPrompt: true, Camera: true, Models: []string{"turbo", "pro"},
			TierModels: map[gen.Tier]string{gen.Draft: "turbo", gen.Final: "pro"}, MaxReferences: 3,
			Optional: []string{gen.RoleReference}},
		{Op: gen.ImageToVideo, Timed: true, MinSeconds: 1, MaxSeconds: 10, Sized: true, Camera: true,
			Inputs: [][]string{{gen.RoleImage}}, Params: []gen.ParamSpec{{Name: "look", Values: []string{"noir", "sepia"}}}},
	}}, nil
}

func (f *fake) Estimate(_ context.Context, r gen.Request) (gen.Estimate, error) {
	return gen.Estimate{USD: f.cost, Credits: float64(f.cost) / 1e4}, nil
}

func (f *fake) Submit(_ context.Context, r gen.Request) (gen.Handle, error) {
	if f.beforeAccept != nil {
		f.beforeAccept()
	}
	f.mu.Lock()
	f.submits[r.Key]++
	j, ok := f.jobs[r.Key]
	if !ok {
		j = &fakeJob{state: gen.Queued, gate: make(chan struct{})}
		f.jobs[r.Key] = j
		f.inflight++
		if f.inflight > f.maxInflight {
			f.maxInflight = f.inflight
		}
		out := filepath.Join(f.dir, r.Key+".txt")
		if err := os.WriteFile(out, []byte(fmt.Sprintf("%s seed %d", r.Prompt, r.Seed)), 0o644); err != nil {
			f.mu.Unlock()
			return gen.Handle{}, err
		}
		j.out = out
		go f.run(j)
	}
	f.mu.Unlock()
	if f.afterAccept != nil {
		f.afterAccept()
	}
	return gen.Handle{Backend: f.name, Key: r.Key, ID: "remote-" + r.Key[:8]}, nil
}

func (f *fake) run(j *fakeJob) {
	f.set(j, gen.Running, 0.5)
	if !f.auto {
		<-j.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if j.state == gen.Running {
		if f.fail {
			j.state = gen.Failed
		} else {
			j.state, j.p = gen.Succeeded, 1
		}
		f.inflight--
	}
}

func (f *fake) set(j *fakeJob, s gen.State, p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !j.state.Final() {
		j.state, j.p = s, p
	}
}

func (f *fake) job(h gen.Handle) (*fakeJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[h.Key]
	if !ok {
		return nil, gen.ErrUnknownJob
	}
	return j, nil
}

func (f *fake) Events(ctx context.Context, h gen.Handle) (<-chan gen.Event, error) {
	j, err := f.job(h)
	if err != nil {
		return nil, err
	}
	ch := make(chan gen.Event)
	go func() {
		defer close(ch)
		var last gen.Event
		for {
			f.mu.Lock()
			ev := gen.Event{State: j.state, Progress: j.p}
			f.mu.Unlock()
			if ev != last {
				if ev.State == gen.Failed {
					ev.Message, ev.Code = "the model refused", "moderation"
				}
				select {
				case ch <- ev:
				case <-ctx.Done():
					return
				}
				last = ev
			}
			if ev.State.Final() {
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	return ch, nil
}

func (f *fake) Cancel(_ context.Context, h gen.Handle) error {
	j, err := f.job(h)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.cancels++
	if !j.state.Final() {
		j.state = gen.Cancelled
		f.inflight--
	}
	f.mu.Unlock()
	return nil
}

func (f *fake) Fetch(_ context.Context, h gen.Handle) ([]gen.Output, error) {
	j, err := f.job(h)
	if err != nil {
		return nil, err
	}
	return []gen.Output{{Path: j.out, Kind: "video"}}, nil
}

// release lets every job finish.
func (f *fake) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		j.once.Do(func() { close(j.gate) })
	}
}

func (f *fake) totalSubmits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.submits {
		n += c
	}
	return n
}

func (f *fake) submitsOf(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.submits[key]
}

func request(prompt string, seed int64) gen.Request {
	return gen.Request{Op: gen.TextToVideo, Backend: "fake", Model: "turbo", Tier: gen.Draft, Prompt: prompt,
		Frames: 48, FPS: rt.Rate24, Width: 640, Height: 360, Seed: seed}
}
