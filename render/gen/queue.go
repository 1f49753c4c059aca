package gen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config sets up a Queue.
type Config struct {
	Store    Store
	MediaDir string // NAME.slate-media/ beside the project: takes' files go here
	Backends []Backend
	// Owner identifies this process on job rows; default "pid@host".
	Owner string
	// Poll is how often a running job re-reads its row for cancel requests from other
	// processes (default 500 ms).
	Poll time.Duration
}

// Queue is the one queue across backends: it prices, reserves, submits, follows, fetches and
// records jobs, with per-backend concurrency, the cache and the budget.
type Queue struct {
	store    Store
	media    string
	owner    string
	poll     time.Duration
	backends map[string]*slot

	closing   chan struct{}
	closeOnce sync.Once

	mu      sync.Mutex
	running map[int64]*runningJob
	subs    map[chan Update]bool
	wg      sync.WaitGroup
}

type slot struct {
	b    Backend
	caps Capabilities

	mu      sync.Mutex
	limit   int
	active  int
	waiters []chan struct{}
}

// enter takes a place in the backend's line, in the order jobs were enqueued; the returned
// channel is closed when the job may run.
func (s *slot) enter() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	if s.active < s.limit {
		s.active++
		close(ch)
		return ch
	}
	s.waiters = append(s.waiters, ch)
	return ch
}

// leave gives up a place: a granted one passes to the next in line, a waiting one is dropped.
func (s *slot) leave(ch chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range s.waiters {
		if w == ch {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			return
		}
	}
	if len(s.waiters) > 0 {
		next := s.waiters[0]
		s.waiters = s.waiters[1:]
		close(next)
		return
	}
	s.active--
}

type runningJob struct {
	turn   chan struct{} // closed when the backend has a free slot for the job
	cancel chan struct{} // closed to ask for cancellation
	once   sync.Once
	done   chan struct{}
}

// Update is one change of a job, as streamed to subscribers.
type Update struct {
	Job   Job
	Event Event
}

// New makes a queue. It asks each backend for its capabilities once.
func New(ctx context.Context, cfg Config) (*Queue, error) {
	if cfg.Store == nil {
		return nil, errors.New("gen: queue needs a store")
	}
	if cfg.MediaDir == "" {
		return nil, errors.New("gen: queue needs a media folder")
	}
	if err := os.MkdirAll(cfg.MediaDir, 0o755); err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	q := &Queue{store: cfg.Store, media: cfg.MediaDir, owner: cfg.Owner, poll: cfg.Poll,
		backends: map[string]*slot{}, running: map[int64]*runningJob{}, subs: map[chan Update]bool{},
		closing: make(chan struct{})}
	if q.owner == "" {
		q.owner = DefaultOwner() + "#" + NewKey()[:8]
	}
	liveOwners.Store(q.owner, true)
	if q.poll <= 0 {
		q.poll = 500 * time.Millisecond
	}
	for _, b := range cfg.Backends {
		name := b.Info().Name
		if _, dup := q.backends[name]; dup {
			return nil, fmt.Errorf("gen: two backends named %q", name)
		}
		caps, err := b.Capabilities(ctx)
		if err != nil {
			return nil, fmt.Errorf("backend %s: %w", name, err)
		}
		n := caps.Concurrency
		if n < 1 {
			n = 1
		}
		q.backends[name] = &slot{b: b, caps: caps, limit: n}
	}
	return q, nil
}

// liveOwners holds the owner strings of this process's open queues.
var liveOwners sync.Map

// DefaultOwner is "pid@host" of this process; a queue appends "#" and a nonce.
func DefaultOwner() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%d@%s", os.Getpid(), h)
}

// ownerAlive reports whether the process named by an owner string may still run. A process
// on another host is assumed alive: it cannot be checked from here.
func ownerAlive(owner, self string) bool {
	if owner == "" {
		return false
	}
	if owner == self {
		return true
	}
	if _, live := liveOwners.Load(owner); live {
		return true
	}
	base, _, _ := strings.Cut(owner, "#")
	if base == DefaultOwner() {
		return false // this process, but a queue of it that was closed
	}
	pid, host, ok := strings.Cut(base, "@")
	h, _ := os.Hostname()
	if !ok || host != h {
		return true
	}
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return false
	}
	p, err := os.FindProcess(n)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}

// Owner is this queue's owner string.
func (q *Queue) Owner() string { return q.owner }

// MediaDir is the folder takes' files go in.
func (q *Queue) MediaDir() string { return q.media }

// Store is the queue's store.
func (q *Queue) Store() Store { return q.store }

// Backend returns a backend and its capabilities by name.
func (q *Queue) Backend(name string) (Backend, Capabilities, bool) {
	s, ok := q.backends[name]
	if !ok {
		return nil, Capabilities{}, false
	}
	return s.b, s.caps, true
}

// Backends lists the backends' names, sorted.
func (q *Queue) Backends() []string {
	var n []string
	for k := range q.backends {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Plan is a request ready to enqueue: validated, inputs hashed, priced, looked up in the cache.
type Plan struct {
	Request  Request
	CacheKey string
	Estimate Estimate
	// Cached holds the stored outputs when an identical request was made before; enqueueing
	// then replays them at no cost.
	Cached *CacheEntry
}

// PrepareOptions change how a request is prepared.
type PrepareOptions struct {
	// Fresh skips the cache: re-running a take exactly must really run it again (remote
	// models do not always reproduce a seed).
	Fresh bool
}

// Prepare validates a request against its backend, hashes its inputs, computes the cache key,
// looks it up and asks the backend for an estimate. Nothing is written.
func (q *Queue) Prepare(ctx context.Context, r Request, o PrepareOptions) (Plan, error) {
	s, ok := q.backends[r.Backend]
	if !ok {
		return Plan{}, fmt.Errorf("backend %q: not configured (have: %s)", r.Backend, strings.Join(q.Backends(), ", "))
	}
	if r.Tier == "" {
		r.Tier = Draft
	}
	cam, err := r.Camera.Normalized()
	if err != nil {
		return Plan{}, err
	}
	r.Camera = cam
	if err := r.Validate(s.caps); err != nil {
		return Plan{}, err
	}
	if r.Seed < 0 {
		r.Seed = RandomSeed()
	}
	for i := range r.Inputs {
		if r.Inputs[i].Path == "" {
			continue
		}
		abs, err := filepath.Abs(r.Inputs[i].Path)
		if err != nil {
			return Plan{}, fmt.Errorf("input %s: %w", r.Inputs[i].Role, err)
		}
		r.Inputs[i].Path = abs
		h, err := HashFile(abs)
		if err != nil {
			return Plan{}, err
		}
		r.Inputs[i].Hash = h
	}
	key, err := r.CacheKey()
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Request: r, CacheKey: key}
	if !o.Fresh {
		c, ok, err := q.store.Cached(ctx, key)
		if err != nil {
			return Plan{}, fmt.Errorf("cache: %w", err)
		}
		if ok && q.outputsPresent(c.Outputs) {
			// A replay costs nothing, and its inputs are known good (they hash as before):
			// no need to ask the backend, which may be slow or away.
			p.Cached = &c
			p.Estimate = Estimate{Note: "cache hit"}
			return p, nil
		}
	}
	if p.Estimate, err = s.b.Estimate(ctx, r); err != nil {
		return Plan{}, fmt.Errorf("estimate on %s: %w", r.Backend, err)
	}
	return p, nil
}

// RandomSeed picks a seed in 0..2^31-1, a range every backend accepts.
func RandomSeed() int64 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return int64(uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3])) & 0x7fffffff
}

func (q *Queue) outputsPresent(outs []TakeOutput) bool {
	if len(outs) == 0 {
		return false
	}
	for _, o := range outs {
		st, err := os.Stat(filepath.Join(q.media, o.Path))
		if err != nil || st.Size() != o.Size {
			return false
		}
	}
	return true
}

// JobOptions attach a job to a shot and a parent take.
type JobOptions struct {
	ShotID  int64
	Lineage Lineage
}

// Enqueue reserves the plan's estimate against the budget and writes the job row, atomically
// (ErrOverBudget: nothing written, nothing sent), then runs the job in the background. A
// cached plan is recorded at once as a take replaying the stored outputs, at no cost.
func (q *Queue) Enqueue(ctx context.Context, p Plan, o JobOptions) (Job, error) {
	if _, ok := q.backends[p.Request.Backend]; !ok {
		return Job{}, fmt.Errorf("backend %q: not configured", p.Request.Backend)
	}
	j := Job{Key: NewKey(), ShotID: o.ShotID, State: JobQueued, Request: p.Request, CacheKey: p.CacheKey,
		Estimate: p.Estimate, Owner: q.owner, Lineage: o.Lineage}
	j.Request.Key = j.Key
	if p.Cached != nil {
		return q.replay(ctx, j, *p.Cached)
	}
	if err := q.store.ReserveJob(ctx, &j); err != nil {
		return Job{}, err
	}
	q.start(j, false)
	return j, nil
}

// NewKey makes a random idempotency key.
func NewKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (q *Queue) replay(ctx context.Context, j Job, c CacheEntry) (Job, error) {
	j.Estimate = Estimate{Note: "cache hit"}
	if err := q.store.ReserveJob(ctx, &j); err != nil {
		return Job{}, err
	}
	now := time.Now().UTC()
	t := &Take{ShotID: j.ShotID, Request: j.Request, CacheKey: j.CacheKey, Outputs: c.Outputs,
		FromCache: true, Created: now, Started: now, Finished: now, Lineage: j.Lineage,
		Cost: Estimate{Note: "replayed from the cache at no cost"}}
	j.State, j.Progress = JobSucceeded, 1
	j.Message = "replayed from the cache at no cost (take " + strconv.FormatInt(c.TakeID, 10) + ")"
	if err := q.store.FinishJob(ctx, &j, t, nil, nil); err != nil {
		return Job{}, err
	}
	q.publish(Update{Job: j, Event: Event{State: Succeeded, Progress: 1, Message: j.Message}})
	return j, nil
}

// start drives a job in a goroutine. resume: the job was taken over from a dead process.
func (q *Queue) start(j Job, resume bool) {
	rj := &runningJob{cancel: make(chan struct{}), done: make(chan struct{}), turn: q.backends[j.Request.Backend].enter()}
	q.mu.Lock()
	q.running[j.ID] = rj
	q.mu.Unlock()
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		defer func() {
			q.mu.Lock()
			delete(q.running, j.ID)
			q.mu.Unlock()
			if cur, err := q.store.Job(context.Background(), j.ID); err == nil && cur.State.Final() {
				os.Remove(CancelFile(q.media, j.ID))
			}
			close(rj.done)
		}()
		q.drive(j, rj, resume)
	}()
}

// drive runs one job to a final state. It uses a background context: a job, once reserved,
// is finished or left resumable, not abandoned half-written because a caller went away.
func (q *Queue) drive(j Job, rj *runningJob, resume bool) {
	ctx := context.Background()
	s := q.backends[j.Request.Backend]
	fail := func(state JobState, msg string, cost *Estimate) {
		j.State, j.Message = state, msg
		var l *LedgerEntry
		if cost != nil && (cost.USD != 0 || cost.Credits != 0) {
			l = &LedgerEntry{Backend: j.Request.Backend, ShotID: j.ShotID, Cost: *cost, Note: string(state) + ": charged by the backend"}
		}
		if err := q.store.FinishJob(ctx, &j, nil, l, nil); err != nil {
			j.Message += "; recording it failed: " + err.Error()
		}
		q.publish(Update{Job: j, Event: Event{State: stateOf(state), Message: j.Message}})
	}
	defer s.leave(rj.turn)
	if j.State == JobQueued {
		select {
		case <-rj.turn:
		case <-rj.cancel:
			fail(JobCancelled, "cancelled before it was sent", nil)
			return
		case <-q.closing:
			return // still queued: the next process sends it
		}
		if q.cancelRequested(ctx, j.ID) {
			fail(JobCancelled, "cancelled before it was sent", nil)
			return
		}
		j.State = JobSubmitting
		if err := q.store.UpdateJob(ctx, j); err != nil {
			fail(JobFailed, "could not record the submission, so nothing was sent: "+err.Error(), nil)
			return
		}
		q.publish(Update{Job: j, Event: Event{State: Queued, Message: "submitting"}})
		h, err := s.b.Submit(ctx, j.Request)
		if err != nil {
			fail(JobFailed, "submit: "+err.Error(), nil)
			return
		}
		j.Handle, j.State = h, JobSubmitted
		if err := q.store.UpdateJob(ctx, j); err != nil {
			j.Message = "recording the handle failed: " + err.Error()
		}
		q.publish(Update{Job: j, Event: Event{State: Queued}})
	} else {
		// Resumed or reconciled jobs hold a backend slot too.
		select {
		case <-rj.turn:
		case <-rj.cancel:
		case <-q.closing:
			return
		}
	}
	if j.State != JobFetching {
		final, ok := q.follow(ctx, j, rj, s, resume)
		j = final.job
		if !ok {
			return
		}
		switch final.ev.State {
		case Failed:
			fail(JobFailed, firstNonEmpty(final.ev.Message, "failed"), final.ev.Cost)
			return
		case Cancelled:
			fail(JobCancelled, firstNonEmpty(final.ev.Message, "cancelled"), final.ev.Cost)
			return
		case "":
			fail(JobLost, final.ev.Message, nil)
			return
		}
		j.State, j.Progress = JobFetching, 1
		if final.ev.Cost != nil {
			j.Estimate = *final.ev.Cost // the actual figure replaces the guess from here on
		}
		_ = q.store.UpdateJob(ctx, j)
	}
	q.collect(ctx, j, s)
}

type finalState struct {
	job Job
	ev  Event
}

// follow streams a job's events until a final one. ok=false when this process must stop
// following (the job stays resumable).
func (q *Queue) follow(ctx context.Context, j Job, rj *runningJob, s *slot, resume bool) (finalState, bool) {
	events, err := s.b.Events(ctx, j.Handle)
	if errors.Is(err, ErrUnknownJob) && j.State == JobSubmitting {
		if s.caps.FindsByKey {
			// The backend can be asked by key and says the request never arrived: sending
			// it now is its first and only submission.
			var h Handle
			h, err = s.b.Submit(ctx, j.Request)
			if err != nil {
				return finalState{job: j, ev: Event{State: Failed, Message: "submit: " + err.Error()}}, true
			}
			j.Handle, j.State = h, JobSubmitted
			_ = q.store.UpdateJob(ctx, j)
			events, err = s.b.Events(ctx, j.Handle)
		} else {
			return finalState{job: j, ev: Event{Message: "interrupted while submitting; " + s.b.Info().Name +
				" cannot be asked whether the request arrived, so it was not sent again (nothing is paid twice): re-run the take if it did not"}}, true
		}
	}
	if errors.Is(err, ErrUnknownJob) {
		return finalState{job: j, ev: Event{Message: "the backend no longer knows this job"}}, true
	}
	if err != nil {
		return finalState{job: j, ev: Event{State: Failed, Message: "events: " + err.Error()}}, true
	}
	if resume && j.State == JobSubmitting {
		j.State = JobSubmitted
		_ = q.store.UpdateJob(ctx, j)
	}
	tick := time.NewTicker(q.poll)
	defer tick.Stop()
	cancelCh := rj.cancel
	cancelSent := false
	doCancel := func() {
		if cancelSent {
			return
		}
		cancelSent = true
		cctx, stop := context.WithTimeout(ctx, 30*time.Second)
		defer stop()
		if err := s.b.Cancel(cctx, j.Handle); err != nil && !errors.Is(err, ErrUnknownJob) {
			j.Message = "cancel: " + err.Error()
		}
	}
	lastWrite := time.Time{}
	for {
		select {
		case ev, open := <-events:
			if !open {
				// The stream ended without a final state: ask once more (a reconnect).
				events2, err := s.b.Events(ctx, j.Handle)
				if err != nil {
					return finalState{job: j, ev: Event{Message: "lost contact with the backend: " + err.Error()}}, true
				}
				events = events2
				continue
			}
			if ev.State.Final() {
				return finalState{job: j, ev: ev}, true
			}
			changed := false
			if ev.State == Running && j.State != JobRunning {
				j.State, changed = JobRunning, true
			}
			j.Progress = ev.Progress
			if ev.Message != "" {
				j.Message = ev.Message
			}
			if changed || time.Since(lastWrite) > time.Second {
				_ = q.store.UpdateJob(ctx, j)
				lastWrite = time.Now()
			}
			q.publish(Update{Job: j, Event: ev})
		case <-cancelCh:
			cancelCh = nil // a nil channel blocks: cancel once
			doCancel()
		case <-q.closing:
			return finalState{job: j}, false
		case <-tick.C:
			if !cancelSent && q.cancelRequested(ctx, j.ID) {
				doCancel()
			}
		}
	}
}

func (q *Queue) cancelRequested(ctx context.Context, id int64) bool {
	if _, err := os.Stat(CancelFile(q.media, id)); err == nil {
		return true
	}
	cur, err := q.store.Job(ctx, id)
	return err == nil && cur.CancelRequested
}

// CancelFile is the file whose presence asks the process driving job id to cancel it. A
// process that cannot write the project (another process has it open) creates it with
// RequestCancelByFile; the driver polls for it.
func CancelFile(mediaDir string, id int64) string {
	return filepath.Join(mediaDir, ".jobs", fmt.Sprintf("cancel-%d", id))
}

// RequestCancelByFile asks, through the media folder, for a job to be cancelled.
func RequestCancelByFile(mediaDir string, id int64) error {
	p := CancelFile(mediaDir, id)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, nil, 0o644)
}

// collect fetches outputs, copies them into the media folder with sidecars and records the
// take, the ledger charge and the cache entry in one transaction.
func (q *Queue) collect(ctx context.Context, j Job, s *slot) {
	outs, err := s.b.Fetch(ctx, j.Handle)
	if err == nil && len(outs) == 0 {
		err = errors.New("the backend returned no outputs")
	}
	finished := time.Now().UTC()
	var taken []TakeOutput
	if err == nil {
		taken, err = q.storeOutputs(j, outs, finished)
	}
	if err != nil {
		j.State, j.Message = JobFailed, "fetch: "+err.Error()
		// The backend did the work: a paid run is charged even though we lost the outputs.
		var l *LedgerEntry
		if j.Estimate.USD != 0 || j.Estimate.Credits != 0 {
			l = &LedgerEntry{Backend: j.Request.Backend, ShotID: j.ShotID, Cost: j.Estimate, Note: "outputs could not be fetched"}
		}
		_ = q.store.FinishJob(ctx, &j, nil, l, nil)
		q.publish(Update{Job: j, Event: Event{State: Failed, Message: j.Message}})
		return
	}
	cost := j.Estimate
	t := &Take{ShotID: j.ShotID, Request: j.Request, CacheKey: j.CacheKey, Outputs: taken, Cost: cost,
		Created: j.Created, Started: j.Created, Finished: finished, Lineage: j.Lineage}
	l := &LedgerEntry{Backend: j.Request.Backend, ShotID: j.ShotID, Cost: cost, Note: string(j.Request.Op)}
	c := &CacheEntry{Key: j.CacheKey, Outputs: taken}
	j.State, j.Progress, j.Message = JobSucceeded, 1, ""
	if err := q.store.FinishJob(ctx, &j, t, l, c); err != nil {
		j.Message = "recording the take failed: " + err.Error()
		q.publish(Update{Job: j, Event: Event{State: Failed, Message: j.Message}})
		return
	}
	q.publish(Update{Job: j, Event: Event{State: Succeeded, Progress: 1}})
}

func stateOf(s JobState) State {
	switch s {
	case JobSucceeded:
		return Succeeded
	case JobCancelled:
		return Cancelled
	case JobQueued, JobSubmitting, JobSubmitted:
		return Queued
	case JobRunning, JobFetching:
		return Running
	}
	return Failed
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Subscribe streams every job update until stop is called. Slow subscribers miss
// intermediate progress, never the final update of a job they wait on (see Wait).
func (q *Queue) Subscribe() (<-chan Update, func()) {
	ch := make(chan Update, 256)
	q.mu.Lock()
	q.subs[ch] = true
	q.mu.Unlock()
	return ch, func() {
		q.mu.Lock()
		if q.subs[ch] {
			delete(q.subs, ch)
			close(ch)
		}
		q.mu.Unlock()
	}
}

func (q *Queue) publish(u Update) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for ch := range q.subs {
		select {
		case ch <- u:
		default:
		}
	}
}

// Wait blocks until the job is final and returns it.
func (q *Queue) Wait(ctx context.Context, id int64) (Job, error) {
	q.mu.Lock()
	rj := q.running[id]
	q.mu.Unlock()
	if rj != nil {
		select {
		case <-rj.done:
		case <-ctx.Done():
			return Job{}, ctx.Err()
		}
	}
	for {
		j, err := q.store.Job(ctx, id)
		if err != nil || j.State.Final() {
			return j, err
		}
		select {
		case <-time.After(q.poll):
		case <-ctx.Done():
			return j, ctx.Err()
		}
	}
}

// Close stops driving jobs without finishing them, as if the process ended: their rows stay
// as they are, for Recover in this or another process. It waits for the drivers to stop,
// except one blocked inside a backend call.
func (q *Queue) Close() {
	q.closeOnce.Do(func() {
		close(q.closing)
		liveOwners.Delete(q.owner)
	})
}

// Drain waits until every job this queue drives is final (or ctx ends).
func (q *Queue) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Cancel cancels a job: at once when it was not sent yet, through its backend otherwise.
// A job driven by another live process is flagged for that process to cancel.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	q.mu.Lock()
	rj := q.running[id]
	q.mu.Unlock()
	if rj != nil {
		rj.once.Do(func() { close(rj.cancel) })
		return nil
	}
	j, err := q.store.Job(ctx, id)
	if err != nil {
		return err
	}
	if j.State.Final() {
		return fmt.Errorf("job %d is already %s", id, j.State)
	}
	if ownerAlive(j.Owner, q.owner) {
		return q.store.RequestCancel(ctx, id)
	}
	ok, err := q.store.ClaimJob(ctx, id, j.Owner, q.owner)
	if err != nil {
		return err
	}
	if !ok {
		return q.store.RequestCancel(ctx, id)
	}
	j.Owner = q.owner
	if j.State != JobQueued {
		s, ok := q.backends[j.Request.Backend]
		if !ok {
			return fmt.Errorf("job %d: backend %q is not configured, cannot cancel it there", id, j.Request.Backend)
		}
		h := j.Handle
		if h.Key == "" {
			h = Handle{Backend: j.Request.Backend, Key: j.Key}
		}
		if err := s.b.Cancel(ctx, h); err != nil && !errors.Is(err, ErrUnknownJob) {
			return fmt.Errorf("job %d: cancel on %s: %w", id, j.Request.Backend, err)
		}
	}
	j.State, j.Message = JobCancelled, "cancelled"
	if err := q.store.FinishJob(ctx, &j, nil, nil, nil); err != nil {
		return err
	}
	q.publish(Update{Job: j, Event: Event{State: Cancelled}})
	return nil
}

// Recover takes over the unfinished jobs of processes that are gone (a crash or a restart)
// and drives them on: queued ones are sent, ones interrupted while submitting are
// reconciled with their backend by key, submitted ones are followed, finished ones fetched.
// It returns the jobs it took over.
func (q *Queue) Recover(ctx context.Context) ([]Job, error) {
	jobs, err := q.store.Jobs(ctx, true)
	if err != nil {
		return nil, err
	}
	var took []Job
	for _, j := range jobs {
		q.mu.Lock()
		mine := q.running[j.ID] != nil
		q.mu.Unlock()
		if mine || ownerAlive(j.Owner, q.owner) && j.Owner != q.owner {
			continue
		}
		if _, ok := q.backends[j.Request.Backend]; !ok {
			continue // another configuration's backend: leave it for a process that has it
		}
		ok, err := q.store.ClaimJob(ctx, j.ID, j.Owner, q.owner)
		if err != nil {
			return took, err
		}
		if !ok {
			continue
		}
		j.Owner = q.owner
		if j.Handle.Key == "" {
			j.Handle = Handle{Backend: j.Request.Backend, Key: j.Key}
		}
		took = append(took, j)
		q.start(j, true)
	}
	return took, nil
}

// Orphans lists unfinished jobs whose owner process is gone.
func (q *Queue) Orphans(ctx context.Context) ([]Job, error) {
	jobs, err := q.store.Jobs(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []Job
	for _, j := range jobs {
		if !ownerAlive(j.Owner, q.owner) {
			out = append(out, j)
		}
	}
	return out, nil
}

// OwnerAlive reports whether a job's owner process may still be running.
func (q *Queue) OwnerAlive(j Job) bool { return ownerAlive(j.Owner, q.owner) }

// OwnerAlive reports whether the process named by a job's owner string may still be running
// (one on another host is assumed to be).
func OwnerAlive(owner string) bool { return ownerAlive(owner, "") }
