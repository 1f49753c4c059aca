package project

import (
	"context"
	"database/sql"
	"fmt"
)

// ApplicationID marks a SQLite file as a Slate project (PRAGMA application_id; "SLAT").
const ApplicationID = 0x534c4154

// A migration takes the schema from version to-1 to version to. Steps are never edited once
// released: a later change is a new step, and a fixture written by each released version is
// kept under testdata and opened by a test.
type migration struct {
	to   int
	name string
	sql  string
}

// migrations is every schema step in order; SchemaVersion is the last.
var migrations = []migration{
	{1, "first schema: settings, sequences, tracks, clips, params, keyframes, transitions, markers, media, history", schemaV1},
	// Shots, takes, jobs, the ledger and the chat log arrive here with their issues.
	{2, "shot generation: continuity bible, shots, jobs, takes, ledger, request cache, budget", schemaV2Gen},
}

// SchemaVersion is the project format this Slate writes (PRAGMA user_version).
const SchemaVersion = 2

// Float columns are declared ANY in these STRICT tables: a REAL column would store -0.0 as
// 0, and loading must give back the exact timeline.
const schemaV1 = `
CREATE TABLE settings (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	rate_num    INTEGER NOT NULL,
	rate_den    INTEGER NOT NULL,
	width       INTEGER NOT NULL,
	height      INTEGER NOT NULL,
	sample_rate INTEGER NOT NULL,
	color_space TEXT NOT NULL DEFAULT ''
) STRICT;

-- next_id: the timeline's ID counter; created: when the project was made.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value ANY
) STRICT;

-- pos 0 is the main sequence, 1.. the nested ones in order.
CREATE TABLE sequence (
	id   INTEGER PRIMARY KEY,
	pos  INTEGER NOT NULL,
	name TEXT NOT NULL DEFAULT ''
) STRICT;

-- pos is the stacking order in the sequence, 0 = bottom.
CREATE TABLE track (
	id     INTEGER PRIMARY KEY,
	seq_id INTEGER NOT NULL REFERENCES sequence(id) ON DELETE CASCADE,
	pos    INTEGER NOT NULL,
	kind   TEXT NOT NULL CHECK (kind IN ('video', 'audio')),
	name   TEXT NOT NULL DEFAULT '',
	mute   INTEGER NOT NULL DEFAULT 0,
	solo   INTEGER NOT NULL DEFAULT 0,
	lock   INTEGER NOT NULL DEFAULT 0,
	hide   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX track_seq ON track(seq_id, pos);

-- Frames at the timeline rate. media_id names a row of media (no foreign key: a script may
-- cut media that is imported later); source_seq a nested sequence.
CREATE TABLE clip (
	id         INTEGER PRIMARY KEY,
	track_id   INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
	start      INTEGER NOT NULL,
	dur        INTEGER NOT NULL,
	media_id   INTEGER,
	source_seq INTEGER REFERENCES sequence(id),
	in_frame   INTEGER NOT NULL,
	speed_num  INTEGER NOT NULL,
	speed_den  INTEGER NOT NULL,
	phase      INTEGER NOT NULL DEFAULT 0,
	enabled    INTEGER NOT NULL,
	source_dur INTEGER NOT NULL DEFAULT 0,
	name       TEXT NOT NULL DEFAULT '',
	color      TEXT NOT NULL DEFAULT '',
	blend      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX clip_track ON clip(track_id, start);
CREATE INDEX clip_source_seq ON clip(source_seq) WHERE source_seq IS NOT NULL;

-- A clip parameter that is not at its default: its value without keyframes.
CREATE TABLE param (
	clip_id INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
	name    TEXT NOT NULL,
	static  ANY NOT NULL,
	PRIMARY KEY (clip_id, name)
) STRICT, WITHOUT ROWID;

-- t is in frames from the clip's start; interp the segment that starts here; the handles are
-- bezier (dt, dv) offsets.
CREATE TABLE keyframe (
	clip_id INTEGER NOT NULL,
	param   TEXT NOT NULL,
	t       INTEGER NOT NULL,
	v       ANY NOT NULL,
	interp  TEXT NOT NULL DEFAULT '',
	out_dt  ANY NOT NULL DEFAULT 0.0,
	out_dv  ANY NOT NULL DEFAULT 0.0,
	in_dt   ANY NOT NULL DEFAULT 0.0,
	in_dv   ANY NOT NULL DEFAULT 0.0,
	PRIMARY KEY (clip_id, param, t),
	FOREIGN KEY (clip_id, param) REFERENCES param(clip_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE transition (
	id        INTEGER PRIMARY KEY,
	track_id  INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
	kind      TEXT NOT NULL,
	a         INTEGER NOT NULL,
	b         INTEGER NOT NULL,
	dur       INTEGER NOT NULL,
	align     TEXT NOT NULL,
	color     TEXT NOT NULL DEFAULT '',
	direction TEXT NOT NULL DEFAULT '',
	softness  ANY NOT NULL DEFAULT 0.0
) STRICT;
CREATE INDEX transition_track ON transition(track_id);

CREATE TABLE marker (
	id     INTEGER PRIMARY KEY,
	seq_id INTEGER NOT NULL REFERENCES sequence(id) ON DELETE CASCADE,
	at     INTEGER NOT NULL,
	dur    INTEGER NOT NULL DEFAULT 0,
	name   TEXT NOT NULL DEFAULT '',
	color  TEXT NOT NULL DEFAULT '',
	note   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX marker_seq ON marker(seq_id, at, id);

-- Media IDs are their own counter (AUTOINCREMENT: never reused), named by clips' media_id.
-- probe is ffprobe's JSON; hash the content hash; online whether the file was found.
CREATE TABLE media (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	name   TEXT NOT NULL DEFAULT '',
	path   TEXT NOT NULL,
	hash   TEXT NOT NULL DEFAULT '',
	kind   TEXT NOT NULL DEFAULT '',
	probe  TEXT,
	online INTEGER NOT NULL DEFAULT 1,
	added  TEXT NOT NULL
) STRICT;
CREATE INDEX media_hash ON media(hash);

-- The undo ('done') and redo ('undone') stacks; pos 0 is the bottom of each. cmd, undo and
-- redo are edit commands as JSON; redo is set while an entry is undone.
CREATE TABLE history (
	stack TEXT NOT NULL CHECK (stack IN ('done', 'undone')),
	pos   INTEGER NOT NULL,
	name  TEXT NOT NULL,
	cmd   TEXT NOT NULL,
	undo  TEXT NOT NULL,
	redo  TEXT,
	at    TEXT NOT NULL,
	PRIMARY KEY (stack, pos)
) STRICT;
`

// migrate runs the steps after version from, each in its own transaction that also sets
// user_version, so a failure leaves the file at the last completed version.
func migrate(ctx context.Context, conn *sql.Conn, from int) error {
	for _, m := range migrations {
		if m.to <= from {
			continue
		}
		if err := inTx(ctx, conn, func() error {
			if _, err := conn.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.to))
			return err
		}); err != nil {
			return fmt.Errorf("upgrading to project format %d (%s): %w", m.to, m.name, err)
		}
	}
	return nil
}

// inTx runs f in an immediate transaction on conn, rolling back on error.
func inTx(ctx context.Context, conn *sql.Conn, f func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := f(); err != nil {
		rollback(conn)
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback(conn)
		return err
	}
	return nil
}

// rollback ends a failed transaction; SQLite may already have rolled it back itself.
func rollback(conn *sql.Conn) {
	conn.ExecContext(context.Background(), "ROLLBACK")
}
