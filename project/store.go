package project

import (
	"context"
	"math"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/keyframe"
)

// A writer writes one change's rows inside an open transaction and remembers how the row
// caches must change once the transaction commits.
type writer struct {
	ctx  context.Context
	c    *dbConn
	tl   *timeline.Timeline
	rows *rows // as committed: read, never written here

	setClips  map[timeline.ID]clipRow
	delClips  map[timeline.ID]bool
	setTracks map[timeline.ID]trackRow
	delTracks map[timeline.ID]bool
	setSeqs   map[timeline.ID]int
	delSeqs   map[timeline.ID]bool
}

func newWriter(ctx context.Context, c *dbConn, tl *timeline.Timeline, r *rows) *writer {
	return &writer{ctx: ctx, c: c, tl: tl, rows: r,
		setClips: map[timeline.ID]clipRow{}, delClips: map[timeline.ID]bool{},
		setTracks: map[timeline.ID]trackRow{}, delTracks: map[timeline.ID]bool{},
		setSeqs: map[timeline.ID]int{}, delSeqs: map[timeline.ID]bool{},
	}
}

// done applies the cache changes after a successful commit.
func (w *writer) done() {
	r := w.rows
	for id := range w.delTracks {
		delete(r.tracks, id)
		for cid, row := range r.clips {
			if row.track == id {
				delete(r.clips, cid) // removed by the cascade
			}
		}
	}
	for id := range w.delSeqs {
		delete(r.seqs, id)
	}
	for id := range w.delClips {
		delete(r.clips, id)
	}
	for id, v := range w.setClips {
		r.clips[id] = v
	}
	for id, v := range w.setTracks {
		r.tracks[id] = v
	}
	for id, v := range w.setSeqs {
		r.seqs[id] = v
	}
}

// walk calls f on every primitive of c, batches flattened, in order; it reports false when c
// holds something that is not a primitive.
func walk(c edit.Command, f func(edit.Command)) bool {
	if b, ok := c.(*edit.Batch); ok {
		all := true
		for _, s := range b.Cmds {
			if s.Command != nil && !walk(s.Command, f) {
				all = false
			}
		}
		return all
	}
	switch c.(type) {
	case *edit.PutClip, *edit.DropClip, *edit.ReplaceClip, *edit.Shift,
		*edit.PutTransition, *edit.DropTransition, *edit.ReplaceTransition,
		*edit.PutMarker, *edit.DropMarker, *edit.ReplaceMarker,
		*edit.PutTrack, *edit.DropTrack, *edit.PlaceTrack, *edit.TrackHeader,
		*edit.PutSequence, *edit.DropSequence, *edit.NameSequence, *edit.NextID:
		f(c)
		return true
	}
	return false
}

// change writes the rows touched by a change whose inverse is inv (the inverse names every
// object the change put, dropped or replaced; see edit.TouchedBy). Applying inv in order
// restores the state before the change, so the last mention of a clip in inv is how it was
// before: that lets parameters be rewritten key by key instead of whole.
func (w *writer) change(inv edit.Command) error {
	before := map[timeline.ID]*timeline.Clip{}
	primitive := walk(inv, func(c edit.Command) {
		switch c := c.(type) {
		case *edit.ReplaceClip:
			before[c.Clip.ID] = c.Clip
		case *edit.PutClip:
			before[c.Clip.ID] = c.Clip
		case *edit.DropClip:
			before[c.Clip] = nil
		case *edit.PutTrack:
			for _, cl := range c.Track.Clips {
				before[cl.ID] = cl
			}
		}
	})
	if !primitive {
		return w.all()
	}
	t := edit.TouchedBy(inv)
	tl := w.tl

	if len(t.Sequences) > 0 {
		for i, s := range tl.Sequences() {
			if pos, ok := w.rows.seqs[s.ID]; !ok || pos != i || t.Sequences[s.ID] {
				if err := w.putSeq(s, i); err != nil {
					return err
				}
			}
		}
	}
	var fresh []*timeline.Track // tracks not stored yet: all their clips are new rows
	if len(t.Tracks) > 0 || len(t.Sequences) > 0 {
		for _, s := range tl.Sequences() {
			for i, tr := range s.Tracks {
				row, ok := w.rows.tracks[tr.ID]
				if !ok {
					fresh = append(fresh, tr)
				}
				if !ok || row != (trackRow{s.ID, i}) || t.Tracks[tr.ID] {
					if err := w.putTrack(s.ID, i, tr); err != nil {
						return err
					}
				}
			}
		}
	}
	written := map[timeline.ID]bool{}
	for id := range t.Clips {
		tr, cl, err := tl.Clip(id)
		if err != nil {
			if _, stored := w.rows.clips[id]; stored {
				if err := w.c.exec(w.ctx, `DELETE FROM clip WHERE id = ?`, id); err != nil {
					return err
				}
				w.delClips[id] = true
			}
			continue
		}
		b, known := before[id]
		if err := w.putClip(tr.ID, cl, b, known); err != nil {
			return err
		}
		written[id] = true
	}
	for _, tr := range fresh {
		for _, cl := range tr.Clips {
			if !written[cl.ID] {
				if err := w.putClip(tr.ID, cl, nil, false); err != nil {
					return err
				}
				written[cl.ID] = true
			}
		}
		for _, x := range tr.Transitions {
			if !t.Transitions[x.ID] {
				if err := w.putTransition(tr.ID, x); err != nil {
					return err
				}
			}
		}
	}
	for id := range t.ShiftedOn {
		_, tr, _, err := tl.Track(id)
		if err != nil {
			continue
		}
		for _, cl := range tr.Clips {
			if written[cl.ID] {
				continue
			}
			if row := w.rows.clips[cl.ID]; row.start != cl.Start || row.track != tr.ID {
				if err := w.c.exec(w.ctx, `UPDATE clip SET start = ?, track_id = ? WHERE id = ?`, cl.Start, tr.ID, cl.ID); err != nil {
					return err
				}
				w.setClips[cl.ID] = clipRow{tr.ID, cl.Start}
			}
		}
	}
	for id := range t.Transitions {
		if tr, x, err := tl.Transition(id); err == nil {
			if err := w.putTransition(tr.ID, x); err != nil {
				return err
			}
		} else if err := w.c.exec(w.ctx, `DELETE FROM transition WHERE id = ?`, id); err != nil {
			return err
		}
	}
	for id := range t.Markers {
		if s, m, err := tl.Marker(id); err == nil {
			if err := w.putMarker(s.ID, m); err != nil {
				return err
			}
		} else if err := w.c.exec(w.ctx, `DELETE FROM marker WHERE id = ?`, id); err != nil {
			return err
		}
	}
	// Deletes last: they cascade to what was on the track or sequence.
	for id := range t.Tracks {
		if _, _, _, err := tl.Track(id); err != nil {
			if err := w.c.exec(w.ctx, `DELETE FROM track WHERE id = ?`, id); err != nil {
				return err
			}
			w.delTracks[id] = true
		}
	}
	for id := range t.Sequences {
		if _, err := tl.SequenceByID(id); err != nil {
			if err := w.c.exec(w.ctx, `DELETE FROM sequence WHERE id = ?`, id); err != nil {
				return err
			}
			w.delSeqs[id] = true
		}
	}
	return w.nextID()
}

// all rewrites the whole timeline: for a new file, or a change that is not made of
// primitives.
func (w *writer) all() error {
	// The cascades remove every track, clip, parameter, keyframe, transition and marker.
	if err := w.c.exec(w.ctx, `DELETE FROM sequence`); err != nil {
		return err
	}
	for id := range w.rows.seqs {
		w.delSeqs[id] = true
	}
	for id := range w.rows.tracks {
		w.delTracks[id] = true
	}
	for id := range w.rows.clips {
		w.delClips[id] = true
	}
	for i, s := range w.tl.Sequences() {
		if err := w.putSeq(s, i); err != nil {
			return err
		}
		for _, m := range s.Markers {
			if err := w.putMarker(s.ID, m); err != nil {
				return err
			}
		}
		for j, tr := range s.Tracks {
			if err := w.putTrack(s.ID, j, tr); err != nil {
				return err
			}
			for _, cl := range tr.Clips {
				if err := w.putClip(tr.ID, cl, nil, false); err != nil {
					return err
				}
			}
			for _, x := range tr.Transitions {
				if err := w.putTransition(tr.ID, x); err != nil {
					return err
				}
			}
		}
	}
	// Rows written now are not deleted after all.
	for id := range w.setSeqs {
		delete(w.delSeqs, id)
	}
	for id := range w.setTracks {
		delete(w.delTracks, id)
	}
	for id := range w.setClips {
		delete(w.delClips, id)
	}
	return w.nextID()
}

func (w *writer) nextID() error {
	return w.c.exec(w.ctx, `INSERT INTO meta(key, value) VALUES('next_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, int64(w.tl.NextID))
}

func (w *writer) putSeq(s *timeline.Sequence, pos int) error {
	w.setSeqs[s.ID] = pos
	return w.c.exec(w.ctx, `INSERT INTO sequence(id, pos, name) VALUES(?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET pos = excluded.pos, name = excluded.name`, s.ID, pos, s.Name)
}

func (w *writer) putTrack(seq timeline.ID, pos int, t *timeline.Track) error {
	w.setTracks[t.ID] = trackRow{seq, pos}
	return w.c.exec(w.ctx, `INSERT INTO track(id, seq_id, pos, kind, name, mute, solo, lock, hide) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq_id = excluded.seq_id, pos = excluded.pos, kind = excluded.kind, name = excluded.name,
		mute = excluded.mute, solo = excluded.solo, lock = excluded.lock, hide = excluded.hide`,
		t.ID, seq, pos, string(t.Kind), t.Name, t.Mute, t.Solo, t.Lock, t.Hide)
}

func idOrNull(id timeline.ID) any {
	if id == 0 {
		return nil
	}
	return int64(id)
}

// putClip writes a clip row and its parameters. before is the clip as stored (when known),
// so only the parameters and keys that changed are written.
func (w *writer) putClip(track timeline.ID, c *timeline.Clip, before *timeline.Clip, known bool) error {
	_, stored := w.rows.clips[c.ID]
	if w.delClips[c.ID] {
		stored = false // deleted earlier in this transaction (a full rewrite)
	}
	w.setClips[c.ID] = clipRow{track, c.Start}
	delete(w.delClips, c.ID)
	if err := w.c.exec(w.ctx, `INSERT INTO clip(id, track_id, start, dur, media_id, source_seq, in_frame, speed_num, speed_den, phase,
		enabled, source_dur, name, color, blend) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET track_id = excluded.track_id, start = excluded.start, dur = excluded.dur,
		media_id = excluded.media_id, source_seq = excluded.source_seq, in_frame = excluded.in_frame,
		speed_num = excluded.speed_num, speed_den = excluded.speed_den, phase = excluded.phase, enabled = excluded.enabled,
		source_dur = excluded.source_dur, name = excluded.name, color = excluded.color, blend = excluded.blend`,
		c.ID, track, c.Start, c.Dur, idOrNull(c.Source.Media), idOrNull(c.Source.Sequence), c.In, c.Speed.Num, c.Speed.Den,
		c.Phase, c.Enabled, c.SourceDur, c.Name, c.Color, c.Blend); err != nil {
		return err
	}
	if !stored {
		return w.putParams(c.ID, c.Params)
	}
	if !known || before == nil {
		if err := w.c.exec(w.ctx, `DELETE FROM param WHERE clip_id = ?`, c.ID); err != nil {
			return err
		}
		return w.putParams(c.ID, c.Params)
	}
	for name := range before.Params {
		if c.Params[name] == nil {
			if err := w.c.exec(w.ctx, `DELETE FROM param WHERE clip_id = ? AND name = ?`, c.ID, name); err != nil {
				return err
			}
		}
	}
	for name, cv := range c.Params {
		old := before.Params[name]
		if old == nil {
			if err := w.putParams(c.ID, map[string]*keyframe.Curve{name: cv}); err != nil {
				return err
			}
			continue
		}
		if err := w.diffCurve(c.ID, name, old, cv); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) putParams(clip timeline.ID, ps map[string]*keyframe.Curve) error {
	for name, cv := range ps {
		if err := w.c.exec(w.ctx, `INSERT INTO param(clip_id, name, static) VALUES(?, ?, ?)
			ON CONFLICT(clip_id, name) DO UPDATE SET static = excluded.static`, clip, name, cv.Static); err != nil {
			return err
		}
		for _, k := range cv.Keys {
			if err := w.putKey(clip, name, k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) putKey(clip timeline.ID, param string, k keyframe.Key) error {
	return w.c.exec(w.ctx, `INSERT INTO keyframe(clip_id, param, t, v, interp, out_dt, out_dv, in_dt, in_dv) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(clip_id, param, t) DO UPDATE SET v = excluded.v, interp = excluded.interp,
		out_dt = excluded.out_dt, out_dv = excluded.out_dv, in_dt = excluded.in_dt, in_dv = excluded.in_dv`,
		clip, param, k.T, k.V, string(k.Interp), k.OutDT, k.OutDV, k.InDT, k.InDV)
}

// same compares floats bit for bit (0 and -0 differ, as they do in the JSON).
func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func sameKey(a, b keyframe.Key) bool {
	return a.T == b.T && same(a.V, b.V) && a.Interp == b.Interp && same(a.OutDT, b.OutDT) &&
		same(a.OutDV, b.OutDV) && same(a.InDT, b.InDT) && same(a.InDV, b.InDV)
}

// diffCurve writes what changed between two versions of a parameter's curve.
func (w *writer) diffCurve(clip timeline.ID, name string, old, cv *keyframe.Curve) error {
	if !same(old.Static, cv.Static) {
		if err := w.c.exec(w.ctx, `UPDATE param SET static = ? WHERE clip_id = ? AND name = ?`, cv.Static, clip, name); err != nil {
			return err
		}
	}
	// Both key lists are sorted by T: merge them.
	i, j := 0, 0
	for i < len(old.Keys) || j < len(cv.Keys) {
		switch {
		case j == len(cv.Keys) || (i < len(old.Keys) && old.Keys[i].T < cv.Keys[j].T):
			if err := w.c.exec(w.ctx, `DELETE FROM keyframe WHERE clip_id = ? AND param = ? AND t = ?`, clip, name, old.Keys[i].T); err != nil {
				return err
			}
			i++
		case i == len(old.Keys) || cv.Keys[j].T < old.Keys[i].T:
			if err := w.putKey(clip, name, cv.Keys[j]); err != nil {
				return err
			}
			j++
		default:
			if !sameKey(old.Keys[i], cv.Keys[j]) {
				if err := w.putKey(clip, name, cv.Keys[j]); err != nil {
					return err
				}
			}
			i++
			j++
		}
	}
	return nil
}

func (w *writer) putTransition(track timeline.ID, x *timeline.Transition) error {
	return w.c.exec(w.ctx, `INSERT INTO transition(id, track_id, kind, a, b, dur, align, color, direction, softness) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET track_id = excluded.track_id, kind = excluded.kind, a = excluded.a, b = excluded.b,
		dur = excluded.dur, align = excluded.align, color = excluded.color, direction = excluded.direction, softness = excluded.softness`,
		x.ID, track, string(x.Kind), x.A, x.B, x.Dur, string(x.Align), x.Color, x.Direction, x.Softness)
}

func (w *writer) putMarker(seq timeline.ID, m *timeline.Marker) error {
	return w.c.exec(w.ctx, `INSERT INTO marker(id, seq_id, at, dur, name, color, note) VALUES(?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq_id = excluded.seq_id, at = excluded.at, dur = excluded.dur, name = excluded.name,
		color = excluded.color, note = excluded.note`, m.ID, seq, m.At, m.Dur, m.Name, m.Color, m.Note)
}
