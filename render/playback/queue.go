package playback

import (
	"context"
	"errors"
	"image"
	"math"
	"sync"
	"time"

	"github.com/slate-nle/slate/timeline/rt"
)

// Source renders a timeline's pictures and sound; *render.Renderer satisfies it.
type Source interface {
	Frame(ctx context.Context, f rt.Time) (*image.RGBA, error)
	Audio(ctx context.Context, startSample int64, out []float32) error
}

// Frames is what the Engine pulls pictures from: a Queue, or a fake in tests.
type Frames interface {
	// Want moves the read-ahead window to start at frame from, going in direction dir (±1).
	Want(from rt.Time, dir int)
	// Get returns frame f if it is decoded (ok), with the error its render gave.
	Get(f rt.Time) (img *image.RGBA, err error, ok bool)
}

// ErrClosed is what Replace returns on a closed Queue.
var ErrClosed = errors.New("playback: queue is closed")

type slot struct {
	img  *image.RGBA
	err  error
	busy bool
}

// Queue decodes frames ahead of the playhead on worker goroutines into a window of at most
// Depth frames. It implements Frames.
type Queue struct {
	use sync.RWMutex // held for reading by every call into src, for writing by Replace
	src Source

	mu     sync.Mutex
	cond   *sync.Cond
	depth  int
	limit  rt.Time // frames at or past limit are not rendered (the timeline's end)
	from   rt.Time
	dir    int
	wanted bool
	slots  map[rt.Time]*slot
	gen    int
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// Latency: with a frame period set, the queue measures how many frame periods a render
	// takes (a moving average) and starts the window that far ahead of the playhead, since a
	// frame started at the playhead would be obsolete when it arrives.
	period  time.Duration
	lag     float64
	moving  bool      // the window is advancing frame by frame (playback), not seeking
	movedAt time.Time // when it last advanced
}

// SetFramePeriod turns on latency lead: renders are aimed ahead of the playhead by the
// measured render time. Zero (the default) renders from the playhead on.
func (q *Queue) SetFramePeriod(d time.Duration) {
	q.mu.Lock()
	q.period = d
	q.mu.Unlock()
}

// lead is how many frames ahead of the playhead rendering starts: only during playback, so a
// paused or seeking playhead gets its own frame.
func (q *Queue) lead() int {
	if !q.moving || q.period == 0 {
		return 0
	}
	return min(int(math.Ceil(q.lag)), q.depth-1)
}

// NewQueue starts workers goroutines rendering from src, keeping up to depth frames ahead.
// limit is the timeline's duration in frames.
func NewQueue(src Source, workers, depth int, limit rt.Time) *Queue {
	if workers < 1 {
		workers = 1
	}
	if depth < workers {
		depth = workers
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{src: src, depth: depth, limit: limit, dir: 1, slots: map[rt.Time]*slot{}, ctx: ctx, cancel: cancel}
	q.cond = sync.NewCond(&q.mu)
	for range workers {
		q.wg.Add(1)
		go q.work()
	}
	return q
}

func (q *Queue) inWindow(f rt.Time) bool {
	d := (f - q.from) * rt.Time(q.dir)
	return d >= 0 && d < rt.Time(q.depth)
}

// next is the first frame of the window that is neither decoded nor being decoded.
func (q *Queue) next() (rt.Time, bool) {
	if !q.wanted {
		return 0, false // nothing is asked for before the first Want
	}
	for i := q.lead(); i < q.depth; i++ {
		f := q.from + rt.Time(i*q.dir)
		if f < 0 || f >= q.limit {
			return 0, false
		}
		if _, ok := q.slots[f]; !ok {
			return f, true
		}
	}
	return 0, false
}

func (q *Queue) work() {
	defer q.wg.Done()
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.closed {
		f, ok := q.next()
		if !ok {
			q.cond.Wait()
			continue
		}
		s := &slot{busy: true}
		q.slots[f] = s
		gen := q.gen
		q.mu.Unlock()
		q.use.RLock()
		t0 := time.Now()
		img, err := q.src.Frame(q.ctx, f)
		took := time.Since(t0)
		q.use.RUnlock()
		q.mu.Lock()
		if q.period > 0 {
			q.lag = 0.8*q.lag + 0.2*float64(took)/float64(q.period)
		}
		if gen != q.gen || q.slots[f] != s {
			continue // the timeline changed or the window moved on while it rendered
		}
		s.img, s.err, s.busy = img, err, false
		if !q.inWindow(f) {
			delete(q.slots, f)
		}
		q.cond.Broadcast()
	}
}

// Want implements Frames: frames outside the new window are forgotten.
func (q *Queue) Want(from rt.Time, dir int) {
	if dir >= 0 {
		dir = 1
	} else {
		dir = -1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	if q.wanted && from == q.from && dir == q.dir {
		if q.moving && now.Sub(q.movedAt) > 2*q.period {
			q.moving = false // paused: render the frame under the playhead
			q.cond.Broadcast()
		}
		return
	}
	step := (from - q.from) * rt.Time(dir)
	q.moving = q.wanted && dir == q.dir && step > 0 && step <= 2
	q.movedAt = now
	q.from, q.dir, q.wanted = from, dir, true
	for f, s := range q.slots {
		if !s.busy && !q.inWindow(f) {
			delete(q.slots, f)
		}
	}
	q.cond.Broadcast()
}

// Get implements Frames.
func (q *Queue) Get(f rt.Time) (*image.RGBA, error, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	s, ok := q.slots[f]
	if !ok || s.busy {
		return nil, nil, false
	}
	return s.img, s.err, true
}

// Wait blocks until frame f is decoded (it must be in the window) or ctx ends.
func (q *Queue) Wait(ctx context.Context, f rt.Time) (*image.RGBA, error) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if s, ok := q.slots[f]; ok && !s.busy {
			return s.img, s.err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if q.closed {
			return nil, ErrClosed
		}
		q.cond.Wait()
	}
}

// Audio mixes sound from the current Source, never while Replace is swapping it.
func (q *Queue) Audio(ctx context.Context, startSample int64, out []float32) error {
	q.use.RLock()
	defer q.use.RUnlock()
	return q.src.Audio(ctx, startSample, out)
}

// Replace waits until no render is running, lets fn edit or swap the Source (fn gets the
// current one and returns the one to use), sets the new timeline length, and forgets every
// decoded frame.
func (q *Queue) Replace(limit rt.Time, fn func(Source) (Source, error)) error {
	q.mu.Lock()
	closed := q.closed
	q.mu.Unlock()
	if closed {
		return ErrClosed
	}
	q.use.Lock()
	src, err := fn(q.src)
	if err == nil && src != nil {
		q.src = src
	}
	q.use.Unlock()
	q.mu.Lock()
	if err == nil {
		q.limit = limit
	}
	q.gen++
	clear(q.slots)
	q.cond.Broadcast()
	q.mu.Unlock()
	return err
}

// Close stops the workers and waits for them.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	q.cancel()
	q.wg.Wait()
}
