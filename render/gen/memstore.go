package gen

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"
)

// MemStore is a Store in memory, for tests and for tools that run without a project. It is
// also the reference the project's store is checked against (package gentest).
type MemStore struct {
	mu     sync.Mutex
	shots  map[int64]Shot
	refs   map[string]Reference
	jobs   map[int64]Job
	takes  map[int64]Take
	ledger []LedgerEntry
	cache  map[string]CacheEntry
	budget Budget
	nextID int64
}

// NewMemStore makes an empty store.
func NewMemStore() *MemStore {
	return &MemStore{shots: map[int64]Shot{}, refs: map[string]Reference{}, jobs: map[int64]Job{},
		takes: map[int64]Take{}, cache: map[string]CacheEntry{}}
}

// clone deep-copies through JSON so callers never share maps or slices with the store.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data passes through here
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func (m *MemStore) id() int64 { m.nextID++; return m.nextID }

func (m *MemStore) CreateShot(_ context.Context, s *Shot) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s.ID = m.id()
	if s.Created.IsZero() {
		s.Created = time.Now().UTC()
	}
	m.shots[s.ID] = clone(*s)
	return nil
}

func (m *MemStore) UpdateShot(_ context.Context, s Shot) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.shots[s.ID]; !ok {
		return fmt.Errorf("shot %d: %w", s.ID, ErrNotFound)
	}
	m.shots[s.ID] = clone(s)
	return nil
}

func (m *MemStore) Shot(_ context.Context, id int64) (Shot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.shots[id]
	if !ok {
		return Shot{}, fmt.Errorf("shot %d: %w", id, ErrNotFound)
	}
	return clone(s), nil
}

func (m *MemStore) Shots(context.Context) ([]Shot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Shot
	for _, s := range m.shots {
		out = append(out, clone(s))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *MemStore) PutReference(_ context.Context, r Reference) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refs[r.Kind+":"+r.Name] = r
	return nil
}

func (m *MemStore) References(context.Context) ([]Reference, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Reference
	for _, r := range m.refs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+":"+out[i].Name < out[j].Kind+":"+out[j].Name })
	return out, nil
}

func (m *MemStore) reserved() Micros {
	var r Micros
	for _, j := range m.jobs {
		if !j.State.Final() {
			r += j.Estimate.USD
		}
	}
	return r
}

func (m *MemStore) spent() Micros {
	var s Micros
	for _, l := range m.ledger {
		s += l.Cost.USD
	}
	return s
}

func (m *MemStore) ReserveJob(_ context.Context, j *Job) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.jobs {
		if o.Key == j.Key {
			return fmt.Errorf("job key %s is already used by job %d", j.Key, o.ID)
		}
	}
	if m.budget.Capped {
		if total := m.spent() + m.reserved() + j.Estimate.USD; total > m.budget.Cap {
			return fmt.Errorf("%w: this job's %s on top of %s spent and %s reserved passes the cap of %s",
				ErrOverBudget, j.Estimate.USD, m.spent(), m.reserved(), m.budget.Cap)
		}
	}
	j.ID = m.id()
	now := time.Now().UTC()
	if j.Created.IsZero() {
		j.Created = now
	}
	j.Updated = now
	m.jobs[j.ID] = clone(*j)
	return nil
}

func (m *MemStore) UpdateJob(_ context.Context, j Job) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.jobs[j.ID]
	if !ok {
		return fmt.Errorf("job %d: %w", j.ID, ErrNotFound)
	}
	if old.State.Final() {
		return fmt.Errorf("job %d is already %s", j.ID, old.State)
	}
	j.CancelRequested = j.CancelRequested || old.CancelRequested
	j.Updated = time.Now().UTC()
	m.jobs[j.ID] = clone(j)
	return nil
}

func (m *MemStore) ClaimJob(_ context.Context, id int64, from, owner string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return false, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	if j.Owner != from || j.State.Final() {
		return false, nil
	}
	j.Owner = owner
	j.Updated = time.Now().UTC()
	m.jobs[id] = j
	return true, nil
}

func (m *MemStore) RequestCancel(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	if j.State.Final() {
		return fmt.Errorf("job %d is already %s", id, j.State)
	}
	j.CancelRequested = true
	m.jobs[id] = j
	return nil
}

func (m *MemStore) Job(_ context.Context, id int64) (Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return Job{}, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	return clone(j), nil
}

func (m *MemStore) Jobs(_ context.Context, unfinished bool) ([]Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Job
	for _, j := range m.jobs {
		if !unfinished || !j.State.Final() {
			out = append(out, clone(j))
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out, nil
}

func (m *MemStore) FinishJob(_ context.Context, j *Job, t *Take, l *LedgerEntry, c *CacheEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.jobs[j.ID]
	if !ok {
		return fmt.Errorf("job %d: %w", j.ID, ErrNotFound)
	}
	if old.State.Final() {
		return fmt.Errorf("job %d is already %s", j.ID, old.State)
	}
	if !j.State.Final() {
		return fmt.Errorf("job %d: FinishJob with non-final state %s", j.ID, j.State)
	}
	now := time.Now().UTC()
	if t != nil {
		t.ID = m.id()
		t.JobID = j.ID
		if t.Created.IsZero() {
			t.Created = now
		}
		m.takes[t.ID] = clone(*t)
		j.TakeID = t.ID
	}
	if l != nil {
		l.ID = m.id()
		l.JobID = j.ID
		if t != nil {
			l.TakeID = t.ID
		}
		if l.Time.IsZero() {
			l.Time = now
		}
		m.ledger = append(m.ledger, clone(*l))
	}
	if c != nil {
		if t != nil {
			c.TakeID = t.ID
		}
		if c.Created.IsZero() {
			c.Created = now
		}
		m.cache[c.Key] = clone(*c)
	}
	j.Updated = now
	m.jobs[j.ID] = clone(*j)
	return nil
}

func (m *MemStore) Take(_ context.Context, id int64) (Take, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.takes[id]
	if !ok {
		return Take{}, fmt.Errorf("take %d: %w", id, ErrNotFound)
	}
	return clone(t), nil
}

func (m *MemStore) Takes(_ context.Context, shot int64) ([]Take, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Take
	for _, t := range m.takes {
		if shot == 0 || t.ShotID == shot {
			out = append(out, clone(t))
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID < out[k].ID })
	return out, nil
}

func (m *MemStore) UpdateTake(_ context.Context, t Take) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.takes[t.ID]
	if !ok {
		return fmt.Errorf("take %d: %w", t.ID, ErrNotFound)
	}
	old.Rating, old.Circled = t.Rating, t.Circled
	m.takes[t.ID] = old
	return nil
}

func (m *MemStore) Ledger(context.Context) ([]LedgerEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return clone(m.ledger), nil
}

func (m *MemStore) Cached(_ context.Context, key string) (CacheEntry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.cache[key]
	return clone(c), ok, nil
}

func (m *MemStore) Budget(context.Context) (Budget, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.budget
	b.Spent, b.Reserved = m.spent(), m.reserved()
	return b, nil
}

func (m *MemStore) SetBudget(_ context.Context, capped bool, cap Micros) error {
	if cap < 0 {
		return fmt.Errorf("budget %s: must not be negative", cap)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.budget.Capped, m.budget.Cap = capped, cap
	return nil
}
