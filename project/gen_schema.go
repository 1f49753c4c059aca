package project

// schemaV2Gen adds shot generation (render/gen): the continuity bible, shots, jobs, takes,
// the ledger, the request cache and the budget. Request, camera, outputs and costs are kept
// as gen's JSON; the columns beside them are what is summed, searched or joined. Money is
// integer micro-dollars. Jobs and takes are not part of the undo history.
const schemaV2Gen = `
CREATE TABLE gen_reference (
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	path TEXT NOT NULL,
	hash TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (kind, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE shot (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	name        TEXT NOT NULL DEFAULT '',
	prompt      TEXT NOT NULL DEFAULT '',
	negative    TEXT NOT NULL DEFAULT '',
	frames      INTEGER NOT NULL DEFAULT 0,
	rate_num    INTEGER NOT NULL,
	rate_den    INTEGER NOT NULL,
	width       INTEGER NOT NULL DEFAULT 0,
	height      INTEGER NOT NULL DEFAULT 0,
	seed        INTEGER NOT NULL DEFAULT -1,
	tier        TEXT NOT NULL DEFAULT 'draft',
	camera      TEXT NOT NULL DEFAULT '{}',
	refs        TEXT NOT NULL DEFAULT '[]',
	first_frame TEXT NOT NULL DEFAULT '',
	last_frame  TEXT NOT NULL DEFAULT '',
	variations  INTEGER NOT NULL DEFAULT 1,
	created     TEXT NOT NULL
) STRICT;

-- One row per request through the queue, written before anything is sent. key is the
-- idempotency key; est_usd the reservation counted against the budget while the job is not
-- final.
CREATE TABLE job (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	key              TEXT NOT NULL UNIQUE,
	shot_id          INTEGER REFERENCES shot(id) ON DELETE SET NULL,
	state            TEXT NOT NULL CHECK (state IN ('queued', 'submitting', 'submitted', 'running', 'fetching',
	                                                'succeeded', 'failed', 'cancelled', 'lost')),
	backend          TEXT NOT NULL,
	op               TEXT NOT NULL,
	request          TEXT NOT NULL,
	cache_key        TEXT NOT NULL DEFAULT '',
	estimate         TEXT NOT NULL DEFAULT '{}',
	est_usd          INTEGER NOT NULL DEFAULT 0,
	handle           TEXT NOT NULL DEFAULT '{}',
	progress         REAL NOT NULL DEFAULT 0,
	message          TEXT NOT NULL DEFAULT '',
	owner            TEXT NOT NULL DEFAULT '',
	cancel_requested INTEGER NOT NULL DEFAULT 0,
	lineage_kind     TEXT NOT NULL DEFAULT '',
	lineage_take     INTEGER,
	take_id          INTEGER,
	created          TEXT NOT NULL,
	updated          TEXT NOT NULL
) STRICT;
CREATE INDEX job_unfinished ON job(state) WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'lost');

CREATE TABLE take (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	shot_id      INTEGER REFERENCES shot(id) ON DELETE SET NULL,
	job_id       INTEGER NOT NULL REFERENCES job(id),
	backend      TEXT NOT NULL,
	model        TEXT NOT NULL DEFAULT '',
	op           TEXT NOT NULL,
	tier         TEXT NOT NULL,
	seed         INTEGER NOT NULL,
	prompt       TEXT NOT NULL DEFAULT '',
	request      TEXT NOT NULL,
	cache_key    TEXT NOT NULL,
	outputs      TEXT NOT NULL,
	cost         TEXT NOT NULL DEFAULT '{}',
	from_cache   INTEGER NOT NULL DEFAULT 0,
	created      TEXT NOT NULL,
	started      TEXT NOT NULL,
	finished     TEXT NOT NULL,
	rating       INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
	circled      INTEGER NOT NULL DEFAULT 0,
	lineage_kind TEXT NOT NULL DEFAULT '',
	lineage_take INTEGER REFERENCES take(id)
) STRICT;
CREATE INDEX take_shot ON take(shot_id, id);

-- What was spent, per backend and per shot.
CREATE TABLE ledger (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	at          TEXT NOT NULL,
	backend     TEXT NOT NULL,
	shot_id     INTEGER,
	job_id      INTEGER NOT NULL REFERENCES job(id),
	take_id     INTEGER,
	usd         INTEGER NOT NULL DEFAULT 0,
	credits     REAL NOT NULL DEFAULT 0,
	cpu_seconds REAL NOT NULL DEFAULT 0,
	gpu_seconds REAL NOT NULL DEFAULT 0,
	cost        TEXT NOT NULL DEFAULT '{}',
	note        TEXT NOT NULL DEFAULT ''
) STRICT;

-- Content-addressed request cache: key → outputs in the media folder.
CREATE TABLE gen_cache (
	key     TEXT PRIMARY KEY,
	take_id INTEGER,
	outputs TEXT NOT NULL,
	created TEXT NOT NULL
) STRICT;

CREATE TABLE gen_budget (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	capped  INTEGER NOT NULL DEFAULT 0,
	cap_usd INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO gen_budget(id, capped, cap_usd) VALUES (1, 0, 0);
`
