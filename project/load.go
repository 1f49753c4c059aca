package project

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
	"github.com/slate-nle/slate/timeline/rt"
)

// state is everything loaded from a file.
type state struct {
	tl       *timeline.Timeline
	hist     edit.History
	doneAt   []time.Time
	undoneAt []time.Time
	rows     rows
}

// rows remembers where the stored rows put things, so a commit rewrites only what moved.
type rows struct {
	clips  map[timeline.ID]clipRow
	tracks map[timeline.ID]trackRow
	seqs   map[timeline.ID]int // position
}

type clipRow struct {
	track timeline.ID
	start rt.Time
}

type trackRow struct {
	seq timeline.ID
	pos int
}

func newRows() rows {
	return rows{clips: map[timeline.ID]clipRow{}, tracks: map[timeline.ID]trackRow{}, seqs: map[timeline.ID]int{}}
}

const timeFormat = time.RFC3339Nano

// load reads the whole project in one read transaction (a consistent snapshot).
func load(ctx context.Context, c *dbConn) (st *state, err error) {
	if _, err := c.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, err
	}
	defer rollback(c.conn) // a read transaction: nothing to keep
	q := func(query string, args ...any) (*sql.Rows, error) {
		return c.conn.QueryContext(ctx, query, args...)
	}
	var appID, version int64
	if err := c.conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return nil, err
	}
	if err := c.conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return nil, err
	}
	if appID != ApplicationID || version != SchemaVersion {
		return nil, fmt.Errorf("application id %#x, format %d: not what the header said", appID, version)
	}

	tl := &timeline.Timeline{}
	s := &tl.Settings
	if err := c.conn.QueryRowContext(ctx, `SELECT rate_num, rate_den, width, height, sample_rate, color_space FROM settings WHERE id = 1`).
		Scan(&s.Rate.Num, &s.Rate.Den, &s.Width, &s.Height, &s.SampleRate, &s.ColorSpace); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	if err := c.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'next_id'`).Scan(&tl.NextID); err != nil {
		return nil, fmt.Errorf("next id: %w", err)
	}
	st = &state{tl: tl, rows: newRows()}

	// Sequences: position 0 is the main one.
	seqs := map[timeline.ID]*timeline.Sequence{}
	r, err := q(`SELECT id, pos, name FROM sequence ORDER BY pos`)
	if err != nil {
		return nil, err
	}
	haveMain := false
	for r.Next() {
		var sq timeline.Sequence
		var pos int
		if err := r.Scan(&sq.ID, &pos, &sq.Name); err != nil {
			r.Close()
			return nil, err
		}
		p := &sq
		if pos == 0 && !haveMain {
			tl.Sequence.ID, tl.Sequence.Name = sq.ID, sq.Name
			p, haveMain = &tl.Sequence, true
		} else {
			tl.Nested = append(tl.Nested, p)
		}
		p.Tracks = []*timeline.Track{}
		seqs[p.ID] = p
		st.rows.seqs[p.ID] = pos
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}
	if !haveMain {
		return nil, fmt.Errorf("no main sequence")
	}

	tracks := map[timeline.ID]*timeline.Track{}
	r, err = q(`SELECT id, seq_id, pos, kind, name, mute, solo, lock, hide FROM track ORDER BY seq_id, pos`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		t := &timeline.Track{Clips: []*timeline.Clip{}}
		var seq timeline.ID
		var pos int
		if err := r.Scan(&t.ID, &seq, &pos, &t.Kind, &t.Name, &t.Mute, &t.Solo, &t.Lock, &t.Hide); err != nil {
			r.Close()
			return nil, err
		}
		sq := seqs[seq]
		if sq == nil {
			r.Close()
			return nil, fmt.Errorf("track %d: no sequence %d", t.ID, seq)
		}
		sq.Tracks = append(sq.Tracks, t)
		tracks[t.ID] = t
		st.rows.tracks[t.ID] = trackRow{seq, pos}
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}

	clips := map[timeline.ID]*timeline.Clip{}
	r, err = q(`SELECT id, track_id, start, dur, media_id, source_seq, in_frame, speed_num, speed_den, phase,
		enabled, source_dur, name, color, blend FROM clip ORDER BY track_id, start`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		cl := &timeline.Clip{}
		var track timeline.ID
		var media, seq sql.NullInt64
		if err := r.Scan(&cl.ID, &track, &cl.Start, &cl.Dur, &media, &seq, &cl.In, &cl.Speed.Num, &cl.Speed.Den,
			&cl.Phase, &cl.Enabled, &cl.SourceDur, &cl.Name, &cl.Color, &cl.Blend); err != nil {
			r.Close()
			return nil, err
		}
		cl.Source = timeline.Source{Media: timeline.ID(media.Int64), Sequence: timeline.ID(seq.Int64)}
		t := tracks[track]
		if t == nil {
			r.Close()
			return nil, fmt.Errorf("clip %d: no track %d", cl.ID, track)
		}
		t.Clips = append(t.Clips, cl)
		clips[cl.ID] = cl
		st.rows.clips[cl.ID] = clipRow{track, cl.Start}
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}

	r, err = q(`SELECT clip_id, name, static FROM param`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		var id timeline.ID
		var name string
		var cv keyframe.Curve
		if err := r.Scan(&id, &name, &cv.Static); err != nil {
			r.Close()
			return nil, err
		}
		cl := clips[id]
		if cl == nil {
			r.Close()
			return nil, fmt.Errorf("parameter %q: no clip %d", name, id)
		}
		if cl.Params == nil {
			cl.Params = map[string]*keyframe.Curve{}
		}
		cl.Params[name] = &cv
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}
	r, err = q(`SELECT clip_id, param, t, v, interp, out_dt, out_dv, in_dt, in_dv FROM keyframe ORDER BY clip_id, param, t`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		var id timeline.ID
		var name string
		var k keyframe.Key
		if err := r.Scan(&id, &name, &k.T, &k.V, &k.Interp, &k.OutDT, &k.OutDV, &k.InDT, &k.InDV); err != nil {
			r.Close()
			return nil, err
		}
		var cv *keyframe.Curve
		if cl := clips[id]; cl != nil {
			cv = cl.Params[name]
		}
		if cv == nil {
			r.Close()
			return nil, fmt.Errorf("keyframe of clip %d %q: no such parameter", id, name)
		}
		cv.Keys = append(cv.Keys, k)
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}

	r, err = q(`SELECT id, track_id, kind, a, b, dur, align, color, direction, softness FROM transition`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		tr := &timeline.Transition{}
		var track timeline.ID
		if err := r.Scan(&tr.ID, &track, &tr.Kind, &tr.A, &tr.B, &tr.Dur, &tr.Align, &tr.Color, &tr.Direction, &tr.Softness); err != nil {
			r.Close()
			return nil, err
		}
		t := tracks[track]
		if t == nil {
			r.Close()
			return nil, fmt.Errorf("transition %d: no track %d", tr.ID, track)
		}
		t.Transitions = append(t.Transitions, tr)
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}
	// A track keeps its transitions in the order of their cuts (where clip B starts).
	for _, t := range tracks {
		if len(t.Transitions) > 1 {
			slices.SortFunc(t.Transitions, func(x, y *timeline.Transition) int {
				return cmpTime(cutOf(clips, x), cutOf(clips, y))
			})
		}
	}

	r, err = q(`SELECT id, seq_id, at, dur, name, color, note FROM marker ORDER BY seq_id, at, id`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		m := &timeline.Marker{}
		var seq timeline.ID
		if err := r.Scan(&m.ID, &seq, &m.At, &m.Dur, &m.Name, &m.Color, &m.Note); err != nil {
			r.Close()
			return nil, err
		}
		sq := seqs[seq]
		if sq == nil {
			r.Close()
			return nil, fmt.Errorf("marker %d: no sequence %d", m.ID, seq)
		}
		sq.Markers = append(sq.Markers, m)
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}
	if err := tl.Check(); err != nil {
		return nil, err
	}

	r, err = q(`SELECT stack, pos, name, cmd, undo, redo, at FROM history ORDER BY stack, pos`)
	if err != nil {
		return nil, err
	}
	for r.Next() {
		var stack, name, cmd, undo, at string
		var pos int
		var redo sql.NullString
		if err := r.Scan(&stack, &pos, &name, &cmd, &undo, &redo, &at); err != nil {
			r.Close()
			return nil, err
		}
		// Commands are decoded when first used (see lazyCommand); here they need only be JSON.
		if !json.Valid([]byte(cmd)) || !json.Valid([]byte(undo)) || (redo.Valid && !json.Valid([]byte(redo.String))) {
			r.Close()
			return nil, fmt.Errorf("history %s %d is not valid JSON", stack, pos)
		}
		e := edit.Entry{Name: name, Do: edit.JSON{Command: &lazyCommand{raw: []byte(cmd)}}, Undo: edit.JSON{Command: &lazyCommand{raw: []byte(undo)}}}
		if redo.Valid {
			e.Redo = edit.JSON{Command: &lazyCommand{raw: []byte(redo.String)}}
		}
		t, _ := time.Parse(timeFormat, at)
		switch {
		case stack == "done" && pos == len(st.hist.Done):
			st.hist.Done = append(st.hist.Done, e)
			st.doneAt = append(st.doneAt, t)
		case stack == "undone" && pos == len(st.hist.Undone):
			st.hist.Undone = append(st.hist.Undone, e)
			st.undoneAt = append(st.undoneAt, t)
		default:
			r.Close()
			return nil, fmt.Errorf("history %s %d is out of sequence", stack, pos)
		}
	}
	if err := closeRows(r); err != nil {
		return nil, err
	}
	return st, nil
}

func closeRows(r *sql.Rows) error {
	err := r.Err()
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

func cutOf(clips map[timeline.ID]*timeline.Clip, tr *timeline.Transition) rt.Time {
	if b := clips[tr.B]; b != nil {
		return b.Start
	}
	return 0
}

func cmpTime(a, b rt.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
