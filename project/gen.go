package project

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/slate-nle/slate/render/gen"
)

// The project is the generation store: *Project implements gen.Store.
var _ gen.Store = (*Project)(nil)

// GeneratedMediaDir is where generated media of the project at path goes: NAME.slate-media/
// beside the file ("film.slate" → "film.slate-media").
func GeneratedMediaDir(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return filepath.Join(filepath.Dir(path), base+".slate-media")
}

// MediaDir is GeneratedMediaDir of this project.
func (p *Project) MediaDir() string { return GeneratedMediaDir(p.path) }

// genRead runs f on a connection for reading: the writer's, a live reader's, or a snapshot.
func (p *Project) genRead(ctx context.Context, f func(c *dbConn) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.c
	if c == nil {
		if p.h == nil {
			return fmt.Errorf("%s is closed", p.path)
		}
		var err error
		if c, err = openConn(ctx, p.path, modeSnapshot); err != nil {
			return fmt.Errorf("%s: %v", p.path, err)
		}
		defer c.close()
	}
	if err := f(c); err != nil {
		if errors.Is(err, gen.ErrNotFound) {
			return err
		}
		return fmt.Errorf("%s: %w", p.path, err)
	}
	return nil
}

// genWrite runs f in one immediate transaction on the writer.
func (p *Project) genWrite(ctx context.Context, f func(c *dbConn) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	err := inTx(ctx, p.c.conn, func() error { return f(p.c) })
	if err != nil {
		if errors.Is(err, gen.ErrNotFound) || errors.Is(err, gen.ErrOverBudget) {
			return err
		}
		return fmt.Errorf("%s: %w", p.path, err)
	}
	p.edited = true
	return nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // gen's types are plain data
	}
	return string(b)
}

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

func genNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateShot stores a new shot and sets its ID.
func (p *Project) CreateShot(ctx context.Context, s *gen.Shot) error {
	if s.Created.IsZero() {
		s.Created = p.opts.now()
	}
	return p.genWrite(ctx, func(c *dbConn) error {
		r, err := c.conn.ExecContext(ctx, `INSERT INTO shot(name, prompt, negative, frames, rate_num, rate_den, width, height,
			seed, tier, camera, refs, first_frame, last_frame, variations, created) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.Name, s.Prompt, s.NegativePrompt, s.Frames, s.FPS.Num, s.FPS.Den, s.Width, s.Height, s.Seed, string(s.Tier),
			jsonText(s.Camera), jsonText(nonNil(s.References)), s.FirstFrame, s.LastFrame, s.Variations, fmtTime(s.Created))
		if err != nil {
			return err
		}
		s.ID, err = r.LastInsertId()
		return err
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// UpdateShot rewrites a shot.
func (p *Project) UpdateShot(ctx context.Context, s gen.Shot) error {
	return p.genWrite(ctx, func(c *dbConn) error {
		r, err := c.conn.ExecContext(ctx, `UPDATE shot SET name = ?, prompt = ?, negative = ?, frames = ?, rate_num = ?, rate_den = ?,
			width = ?, height = ?, seed = ?, tier = ?, camera = ?, refs = ?, first_frame = ?, last_frame = ?, variations = ? WHERE id = ?`,
			s.Name, s.Prompt, s.NegativePrompt, s.Frames, s.FPS.Num, s.FPS.Den, s.Width, s.Height, s.Seed, string(s.Tier),
			jsonText(s.Camera), jsonText(nonNil(s.References)), s.FirstFrame, s.LastFrame, s.Variations, s.ID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("shot %d: %w", s.ID, gen.ErrNotFound)
		}
		return nil
	})
}

const shotCols = `id, name, prompt, negative, frames, rate_num, rate_den, width, height, seed, tier, camera, refs,
	first_frame, last_frame, variations, created`

func scanShot(r interface{ Scan(...any) error }) (gen.Shot, error) {
	var s gen.Shot
	var tier, cam, refs, created string
	if err := r.Scan(&s.ID, &s.Name, &s.Prompt, &s.NegativePrompt, &s.Frames, &s.FPS.Num, &s.FPS.Den, &s.Width, &s.Height,
		&s.Seed, &tier, &cam, &refs, &s.FirstFrame, &s.LastFrame, &s.Variations, &created); err != nil {
		return gen.Shot{}, err
	}
	s.Tier, s.Created = gen.Tier(tier), parseTime(created)
	if err := json.Unmarshal([]byte(cam), &s.Camera); err != nil {
		return gen.Shot{}, fmt.Errorf("shot %d camera: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(refs), &s.References); err != nil {
		return gen.Shot{}, fmt.Errorf("shot %d references: %w", s.ID, err)
	}
	if len(s.References) == 0 {
		s.References = nil
	}
	return s, nil
}

// Shot reads one shot.
func (p *Project) Shot(ctx context.Context, id int64) (gen.Shot, error) {
	var s gen.Shot
	err := p.genRead(ctx, func(c *dbConn) error {
		var err error
		s, err = scanShot(c.conn.QueryRowContext(ctx, `SELECT `+shotCols+` FROM shot WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("shot %d: %w", id, gen.ErrNotFound)
		}
		return err
	})
	return s, err
}

// Shots lists every shot in the order they were made.
func (p *Project) Shots(ctx context.Context) ([]gen.Shot, error) {
	var out []gen.Shot
	err := p.genRead(ctx, func(c *dbConn) error {
		rows, err := c.conn.QueryContext(ctx, `SELECT `+shotCols+` FROM shot ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanShot(rows)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, err
}

// PutReference adds or replaces a continuity bible entry.
func (p *Project) PutReference(ctx context.Context, r gen.Reference) error {
	return p.genWrite(ctx, func(c *dbConn) error {
		_, err := c.conn.ExecContext(ctx, `INSERT INTO gen_reference(kind, name, path, hash) VALUES(?, ?, ?, ?)
			ON CONFLICT(kind, name) DO UPDATE SET path = excluded.path, hash = excluded.hash`, r.Kind, r.Name, r.Path, r.Hash)
		return err
	})
}

// References lists the continuity bible.
func (p *Project) References(ctx context.Context) ([]gen.Reference, error) {
	var out []gen.Reference
	err := p.genRead(ctx, func(c *dbConn) error {
		rows, err := c.conn.QueryContext(ctx, `SELECT kind, name, path, hash FROM gen_reference ORDER BY kind, name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r gen.Reference
			if err := rows.Scan(&r.Kind, &r.Name, &r.Path, &r.Hash); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

const finalStates = `('succeeded', 'failed', 'cancelled', 'lost')`

// budgetIn reads the budget inside a transaction or read.
func budgetIn(ctx context.Context, c *dbConn) (gen.Budget, error) {
	var b gen.Budget
	err := c.conn.QueryRowContext(ctx, `SELECT capped, cap_usd,
		(SELECT COALESCE(SUM(usd), 0) FROM ledger),
		(SELECT COALESCE(SUM(est_usd), 0) FROM job WHERE state NOT IN `+finalStates+`)
		FROM gen_budget WHERE id = 1`).Scan(&b.Capped, &b.Cap, &b.Spent, &b.Reserved)
	return b, err
}

// ReserveJob writes a job only if it fits the budget, checked in the same transaction.
func (p *Project) ReserveJob(ctx context.Context, j *gen.Job) error {
	now := p.opts.now().UTC()
	return p.genWrite(ctx, func(c *dbConn) error {
		b, err := budgetIn(ctx, c)
		if err != nil {
			return err
		}
		if b.Capped && b.Spent+b.Reserved+j.Estimate.USD > b.Cap {
			return fmt.Errorf("%w: this job's %s on top of %s spent and %s reserved passes the cap of %s",
				gen.ErrOverBudget, j.Estimate.USD, b.Spent, b.Reserved, b.Cap)
		}
		var dup int64
		if err := c.conn.QueryRowContext(ctx, `SELECT id FROM job WHERE key = ?`, j.Key).Scan(&dup); err == nil {
			return fmt.Errorf("job key %s is already used by job %d", j.Key, dup)
		}
		if j.Created.IsZero() {
			j.Created = now
		}
		j.Updated = now
		r, err := c.conn.ExecContext(ctx, `INSERT INTO job(key, shot_id, state, backend, op, request, cache_key, estimate, est_usd,
			handle, progress, message, owner, cancel_requested, lineage_kind, lineage_take, take_id, created, updated)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			j.Key, genNullID(j.ShotID), string(j.State), j.Request.Backend, string(j.Request.Op), jsonText(j.Request), j.CacheKey,
			jsonText(j.Estimate), int64(j.Estimate.USD), jsonText(j.Handle), j.Progress, j.Message, j.Owner, j.CancelRequested,
			j.Lineage.Kind, genNullID(j.Lineage.Take), genNullID(j.TakeID), fmtTime(j.Created), fmtTime(j.Updated))
		if err != nil {
			return err
		}
		j.ID, err = r.LastInsertId()
		return err
	})
}

// writeJob updates a job that is not final yet; it never clears a cancel request.
func writeJob(ctx context.Context, c *dbConn, j gen.Job) error {
	var state string
	err := c.conn.QueryRowContext(ctx, `SELECT state FROM job WHERE id = ?`, j.ID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("job %d: %w", j.ID, gen.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if gen.JobState(state).Final() {
		return fmt.Errorf("job %d is already %s", j.ID, state)
	}
	_, err = c.conn.ExecContext(ctx, `UPDATE job SET shot_id = ?, state = ?, request = ?, cache_key = ?, estimate = ?, est_usd = ?,
		handle = ?, progress = ?, message = ?, owner = ?, cancel_requested = MAX(cancel_requested, ?), lineage_kind = ?,
		lineage_take = ?, take_id = ?, updated = ? WHERE id = ?`,
		genNullID(j.ShotID), string(j.State), jsonText(j.Request), j.CacheKey, jsonText(j.Estimate), int64(j.Estimate.USD),
		jsonText(j.Handle), j.Progress, j.Message, j.Owner, j.CancelRequested, j.Lineage.Kind, genNullID(j.Lineage.Take),
		genNullID(j.TakeID), fmtTime(j.Updated), j.ID)
	return err
}

// UpdateJob records a job's progress or state change.
func (p *Project) UpdateJob(ctx context.Context, j gen.Job) error {
	j.Updated = p.opts.now()
	return p.genWrite(ctx, func(c *dbConn) error { return writeJob(ctx, c, j) })
}

// ClaimJob makes owner the job's owner if it is still from.
func (p *Project) ClaimJob(ctx context.Context, id int64, from, owner string) (bool, error) {
	ok := false
	err := p.genWrite(ctx, func(c *dbConn) error {
		r, err := c.conn.ExecContext(ctx, `UPDATE job SET owner = ?, updated = ? WHERE id = ? AND owner = ? AND state NOT IN `+finalStates,
			owner, fmtTime(p.opts.now()), id, from)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		if n == 0 {
			var x int
			if err := c.conn.QueryRowContext(ctx, `SELECT 1 FROM job WHERE id = ?`, id).Scan(&x); errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("job %d: %w", id, gen.ErrNotFound)
			}
		}
		ok = n == 1
		return nil
	})
	return ok, err
}

// RequestCancel flags a job for its owner to cancel.
func (p *Project) RequestCancel(ctx context.Context, id int64) error {
	return p.genWrite(ctx, func(c *dbConn) error {
		var state string
		err := c.conn.QueryRowContext(ctx, `SELECT state FROM job WHERE id = ?`, id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("job %d: %w", id, gen.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if gen.JobState(state).Final() {
			return fmt.Errorf("job %d is already %s", id, state)
		}
		_, err = c.conn.ExecContext(ctx, `UPDATE job SET cancel_requested = 1 WHERE id = ?`, id)
		return err
	})
}

const jobCols = `id, key, COALESCE(shot_id, 0), state, request, cache_key, estimate, handle, progress, message, owner,
	cancel_requested, lineage_kind, COALESCE(lineage_take, 0), COALESCE(take_id, 0), created, updated`

func scanJob(r interface{ Scan(...any) error }) (gen.Job, error) {
	var j gen.Job
	var state, req, est, handle, created, updated string
	if err := r.Scan(&j.ID, &j.Key, &j.ShotID, &state, &req, &j.CacheKey, &est, &handle, &j.Progress, &j.Message, &j.Owner,
		&j.CancelRequested, &j.Lineage.Kind, &j.Lineage.Take, &j.TakeID, &created, &updated); err != nil {
		return gen.Job{}, err
	}
	j.State, j.Created, j.Updated = gen.JobState(state), parseTime(created), parseTime(updated)
	for _, u := range []struct {
		s string
		v any
	}{{req, &j.Request}, {est, &j.Estimate}, {handle, &j.Handle}} {
		if err := json.Unmarshal([]byte(u.s), u.v); err != nil {
			return gen.Job{}, fmt.Errorf("job %d: %w", j.ID, err)
		}
	}
	return j, nil
}

// Job reads one job.
func (p *Project) Job(ctx context.Context, id int64) (gen.Job, error) {
	var j gen.Job
	err := p.genRead(ctx, func(c *dbConn) error {
		var err error
		j, err = scanJob(c.conn.QueryRowContext(ctx, `SELECT `+jobCols+` FROM job WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("job %d: %w", id, gen.ErrNotFound)
		}
		return err
	})
	return j, err
}

// Jobs lists jobs oldest first, all or only the unfinished ones.
func (p *Project) Jobs(ctx context.Context, unfinishedOnly bool) ([]gen.Job, error) {
	q := `SELECT ` + jobCols + ` FROM job ORDER BY id`
	if unfinishedOnly {
		q = `SELECT ` + jobCols + ` FROM job WHERE state NOT IN ` + finalStates + ` ORDER BY id`
	}
	var out []gen.Job
	err := p.genRead(ctx, func(c *dbConn) error {
		rows, err := c.conn.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// FinishJob records a job's final state with its take, ledger entry and cache entry in one
// transaction.
func (p *Project) FinishJob(ctx context.Context, j *gen.Job, t *gen.Take, l *gen.LedgerEntry, ce *gen.CacheEntry) error {
	if !j.State.Final() {
		return fmt.Errorf("job %d: FinishJob with non-final state %s", j.ID, j.State)
	}
	now := p.opts.now().UTC()
	jj := *j
	var take gen.Take
	if t != nil {
		take = *t
	}
	var takeID, ledgerID int64
	err := p.genWrite(ctx, func(c *dbConn) error {
		if t != nil {
			if take.Created.IsZero() {
				take.Created = now
			}
			r, err := c.conn.ExecContext(ctx, `INSERT INTO take(shot_id, job_id, backend, model, op, tier, seed, prompt, request,
				cache_key, outputs, cost, from_cache, created, started, finished, rating, circled, lineage_kind, lineage_take)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				genNullID(take.ShotID), jj.ID, take.Request.Backend, take.Request.Model, string(take.Request.Op), string(take.Request.Tier),
				take.Request.Seed, take.Request.Prompt, jsonText(take.Request), take.CacheKey, jsonText(take.Outputs), jsonText(take.Cost),
				take.FromCache, fmtTime(take.Created), fmtTime(take.Started), fmtTime(take.Finished), take.Rating, take.Circled,
				take.Lineage.Kind, genNullID(take.Lineage.Take))
			if err != nil {
				return err
			}
			if takeID, err = r.LastInsertId(); err != nil {
				return err
			}
			jj.TakeID = takeID
		}
		jj.Updated = now
		if err := writeJob(ctx, c, jj); err != nil {
			return err
		}
		if l != nil {
			at := l.Time
			if at.IsZero() {
				at = now
			}
			r, err := c.conn.ExecContext(ctx, `INSERT INTO ledger(at, backend, shot_id, job_id, take_id, usd, credits, cpu_seconds,
				gpu_seconds, cost, note) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				fmtTime(at), l.Backend, genNullID(l.ShotID), jj.ID, genNullID(takeID), int64(l.Cost.USD), l.Cost.Credits,
				l.Cost.CPUSeconds, l.Cost.GPUSeconds, jsonText(l.Cost), l.Note)
			if err != nil {
				return err
			}
			if ledgerID, err = r.LastInsertId(); err != nil {
				return err
			}
		}
		if ce != nil {
			_, err := c.conn.ExecContext(ctx, `INSERT INTO gen_cache(key, take_id, outputs, created) VALUES(?, ?, ?, ?)
				ON CONFLICT(key) DO UPDATE SET take_id = excluded.take_id, outputs = excluded.outputs, created = excluded.created`,
				ce.Key, genNullID(takeID), jsonText(ce.Outputs), fmtTime(now))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Only a committed transaction hands out its IDs.
	j.TakeID, j.Updated = jj.TakeID, jj.Updated
	if t != nil {
		t.ID, t.JobID, t.Created = takeID, j.ID, take.Created
	}
	if l != nil {
		l.ID, l.JobID, l.TakeID = ledgerID, j.ID, takeID
		if l.Time.IsZero() {
			l.Time = now
		}
	}
	if ce != nil {
		ce.TakeID, ce.Created = takeID, now
	}
	return nil
}

const takeCols = `id, COALESCE(shot_id, 0), job_id, request, cache_key, outputs, cost, from_cache, created, started, finished,
	rating, circled, lineage_kind, COALESCE(lineage_take, 0)`

func scanTake(r interface{ Scan(...any) error }) (gen.Take, error) {
	var t gen.Take
	var req, outs, cost, created, started, finished string
	if err := r.Scan(&t.ID, &t.ShotID, &t.JobID, &req, &t.CacheKey, &outs, &cost, &t.FromCache, &created, &started, &finished,
		&t.Rating, &t.Circled, &t.Lineage.Kind, &t.Lineage.Take); err != nil {
		return gen.Take{}, err
	}
	t.Created, t.Started, t.Finished = parseTime(created), parseTime(started), parseTime(finished)
	for _, u := range []struct {
		s string
		v any
	}{{req, &t.Request}, {outs, &t.Outputs}, {cost, &t.Cost}} {
		if err := json.Unmarshal([]byte(u.s), u.v); err != nil {
			return gen.Take{}, fmt.Errorf("take %d: %w", t.ID, err)
		}
	}
	return t, nil
}

// Take reads one take.
func (p *Project) Take(ctx context.Context, id int64) (gen.Take, error) {
	var t gen.Take
	err := p.genRead(ctx, func(c *dbConn) error {
		var err error
		t, err = scanTake(c.conn.QueryRowContext(ctx, `SELECT `+takeCols+` FROM take WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("take %d: %w", id, gen.ErrNotFound)
		}
		return err
	})
	return t, err
}

// Takes lists a shot's takes (every take for shot 0), oldest first.
func (p *Project) Takes(ctx context.Context, shotID int64) ([]gen.Take, error) {
	q, args := `SELECT `+takeCols+` FROM take ORDER BY id`, []any{}
	if shotID != 0 {
		q, args = `SELECT `+takeCols+` FROM take WHERE shot_id = ? ORDER BY id`, []any{shotID}
	}
	var out []gen.Take
	err := p.genRead(ctx, func(c *dbConn) error {
		rows, err := c.conn.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTake(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateTake records a take's rating and circled flag.
func (p *Project) UpdateTake(ctx context.Context, t gen.Take) error {
	if t.Rating < 0 || t.Rating > 5 {
		return fmt.Errorf("take %d: rating %d is outside 0..5", t.ID, t.Rating)
	}
	return p.genWrite(ctx, func(c *dbConn) error {
		r, err := c.conn.ExecContext(ctx, `UPDATE take SET rating = ?, circled = ? WHERE id = ?`, t.Rating, t.Circled, t.ID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("take %d: %w", t.ID, gen.ErrNotFound)
		}
		return nil
	})
}

// Ledger lists what was spent, oldest first.
func (p *Project) Ledger(ctx context.Context) ([]gen.LedgerEntry, error) {
	var out []gen.LedgerEntry
	err := p.genRead(ctx, func(c *dbConn) error {
		rows, err := c.conn.QueryContext(ctx, `SELECT id, at, backend, COALESCE(shot_id, 0), job_id, COALESCE(take_id, 0), cost, note
			FROM ledger ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l gen.LedgerEntry
			var at, cost string
			if err := rows.Scan(&l.ID, &at, &l.Backend, &l.ShotID, &l.JobID, &l.TakeID, &cost, &l.Note); err != nil {
				return err
			}
			l.Time = parseTime(at)
			if err := json.Unmarshal([]byte(cost), &l.Cost); err != nil {
				return fmt.Errorf("ledger entry %d: %w", l.ID, err)
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// Cached looks a request's content address up in the cache.
func (p *Project) Cached(ctx context.Context, key string) (gen.CacheEntry, bool, error) {
	var ce gen.CacheEntry
	found := false
	err := p.genRead(ctx, func(c *dbConn) error {
		var outs, created string
		err := c.conn.QueryRowContext(ctx, `SELECT key, COALESCE(take_id, 0), outputs, created FROM gen_cache WHERE key = ?`, key).
			Scan(&ce.Key, &ce.TakeID, &outs, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found, ce.Created = true, parseTime(created)
		return json.Unmarshal([]byte(outs), &ce.Outputs)
	})
	return ce, found, err
}

// Budget reads the cap with what was spent and what unfinished jobs hold.
func (p *Project) Budget(ctx context.Context) (gen.Budget, error) {
	var b gen.Budget
	err := p.genRead(ctx, func(c *dbConn) error {
		var err error
		b, err = budgetIn(ctx, c)
		return err
	})
	return b, err
}

// SetBudget sets or lifts the project's spending cap.
func (p *Project) SetBudget(ctx context.Context, capped bool, cap gen.Micros) error {
	if cap < 0 {
		return fmt.Errorf("budget %s: must not be negative", cap)
	}
	return p.genWrite(ctx, func(c *dbConn) error {
		_, err := c.conn.ExecContext(ctx, `UPDATE gen_budget SET capped = ?, cap_usd = ? WHERE id = 1`, capped, int64(cap))
		return err
	})
}
