package project

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
)

// Project is an open .slate file: the timeline, its undo history and its media, kept in
// memory and in the file in step.
//
// A Project is safe for concurrent use. Timeline returns the live model: read it only
// between edits on the goroutine that edits (or take a Snapshot).
type Project struct {
	mu       sync.Mutex
	path     string // as the user gave it: errors name it
	file     string // the file itself, symlinks resolved: SQLite opens it, its -wal lies beside it
	readOnly bool
	opts     options
	format   int // the file's project format (before any upgrade)

	h          *handle // the shared descriptor, and the writer lock
	c          *dbConn // nil for a read-only snapshot
	*state             // timeline, history, row caches
	version    int64   // data_version when loaded (live readers)
	snapStamp  stamp   // file identity when loaded (snapshot readers)
	memory     bool    // c is an upgraded in-memory copy (readers of an older format)
	broken     error   // set when memory and file could no longer be kept in step
	lastBackup time.Time
	edited     bool // committed edits since the newest backup
	backupErr  error
}

// options are what Option values set.
type options struct {
	backupEvery time.Duration
	backups     bool
	now         func() time.Time
}

// Option changes how Open and Create treat a project.
type Option func(*options)

// BackupEvery sets how much editing time passes between automatic backups (default 10
// minutes).
func BackupEvery(d time.Duration) Option { return func(o *options) { o.backupEvery = d } }

// NoBackups turns automatic backups off (tests, scripts that make their own).
func NoBackups() Option { return func(o *options) { o.backups = false } }

func makeOptions(opts []Option) options {
	o := options{backupEvery: 10 * time.Minute, backups: true, now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Path is the project file.
func (p *Project) Path() string { return p.path }

// Format is the project format of the file as it was opened (SchemaVersion, or the older
// format it was upgraded from).
func (p *Project) Format() int { return p.format }

// ReadOnly reports whether the project was opened with OpenReadOnly.
func (p *Project) ReadOnly() bool { return p.readOnly }

// Timeline is the live timeline. Change it only through Apply.
func (p *Project) Timeline() *timeline.Timeline {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tl
}

// Snapshot is a deep copy of the timeline, safe to read on any goroutine.
func (p *Project) Snapshot() *timeline.Timeline {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tl.Clone()
}

// History returns the undo and redo stacks (copies of the slices; the entries' commands are
// shared and must not be changed).
func (p *Project) History() edit.History {
	p.mu.Lock()
	defer p.mu.Unlock()
	return edit.History{Done: append([]edit.Entry(nil), p.hist.Done...), Undone: append([]edit.Entry(nil), p.hist.Undone...)}
}

// Step is one history entry as `slate history` shows it.
type Step struct {
	edit.Entry
	Undone bool      // on the redo stack
	At     time.Time // when it was last done, undone or redone
}

// Steps lists the history oldest first: the done entries, then the undone ones in the order
// Redo would bring them back.
func (p *Project) Steps() []Step {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Step
	for i, e := range p.hist.Done {
		out = append(out, Step{Entry: e, At: p.doneAt[i]})
	}
	for i := len(p.hist.Undone) - 1; i >= 0; i-- {
		out = append(out, Step{Entry: p.hist.Undone[i], Undone: true, At: p.undoneAt[i]})
	}
	return out
}

// Create makes a new project file with an empty timeline. It refuses a path that exists.
func Create(path string, s timeline.Settings, opts ...Option) (*Project, error) {
	tl, err := timeline.New(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return CreateWith(path, tl, opts...)
}

// CreateWith makes a new project file holding tl as its starting point (no history). It
// refuses a path that exists. The file appears whole or not at all: it is built beside the
// target and linked into place.
func CreateWith(path string, tl *timeline.Timeline, opts ...Option) (*Project, error) {
	ctx := context.Background()
	if err := tl.Clone().Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%s already exists", path)
	}
	dir := filepath.Dir(path)
	// Made with OpenFile rather than CreateTemp so the usual permissions (umask) apply.
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.new-%d", filepath.Base(path), rand.Int64()))
	tmpf, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create: %v", path, err)
	}
	tmpf.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	if err := build(ctx, tmp, tl); err != nil {
		return nil, fmt.Errorf("%s: cannot create: %v", path, err)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s already exists", path)
		}
		return nil, fmt.Errorf("%s: cannot create: %v", path, err)
	}
	syncDir(dir)
	return Open(path, opts...)
}

// build writes a complete new project file.
func build(ctx context.Context, path string, tl *timeline.Timeline) error {
	c, err := openConn(ctx, path, modeWrite)
	if err != nil {
		return err
	}
	defer c.close()
	if _, err := c.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
		return err
	}
	if err := migrate(ctx, c.conn, 0); err != nil {
		return err
	}
	r := newRows()
	now := time.Now().UTC().Format(timeFormat)
	return inTx(ctx, c.conn, func() error {
		s := tl.Settings
		if err := c.exec(ctx, `INSERT INTO settings(id, rate_num, rate_den, width, height, sample_rate, color_space) VALUES(1, ?, ?, ?, ?, ?, ?)`,
			s.Rate.Num, s.Rate.Den, s.Width, s.Height, s.SampleRate, s.ColorSpace); err != nil {
			return err
		}
		if err := c.exec(ctx, `INSERT INTO meta(key, value) VALUES('created', ?)`, now); err != nil {
			return err
		}
		return newWriter(ctx, c, tl, &r).all()
	})
}

// Open opens a project for editing. Only one process may have a project open for writing:
// another gets an error wrapping ErrLocked. A file that is not a Slate project, comes from a
// newer Slate, is truncated or damaged, is refused with a one-line error naming it, and is
// left exactly as it was (nothing is created beside it either). A project from an older Slate
// is upgraded in place.
func Open(path string, opts ...Option) (*Project, error) {
	ctx := context.Background()
	p := &Project{path: path, file: resolve(path), opts: makeOptions(opts)}
	h, err := acquire(p.file, path, true)
	if err != nil {
		return nil, openError(path, err)
	}
	p.h = h
	if err := p.open(ctx); err != nil {
		p.closeFiles()
		return nil, err
	}
	// Automatic backups count the editing time of this session.
	p.lastBackup = p.opts.now()
	return p, nil
}

func (p *Project) open(ctx context.Context) error {
	path, file := p.path, p.file
	wal := exists(file + "-wal")
	hd, err := readHeader(p.h.file(), path, wal)
	if err != nil {
		return err
	}
	p.format = int(hd.userVersion)
	if err := writable(file); err != nil {
		return fmt.Errorf("%s is read-only (%v): open it read-only, or make it writable", path, err)
	}
	if dir := filepath.Dir(file); writable(dir) != nil {
		return fmt.Errorf("%s is in a read-only folder: Slate needs to write %s beside it", path, filepath.Base(path)+"-wal")
	}
	// A clean file at the current version is loaded through a snapshot connection, which
	// creates nothing: a damaged file is refused untouched. A file with a log left by a crash,
	// or an older format, is opened for writing first (recovering or upgrading it).
	if !wal && int(hd.userVersion) == SchemaVersion {
		st, err := loadSnapshot(ctx, file, path)
		if err != nil {
			return err
		}
		p.state = st
		if p.c, err = openConn(ctx, file, modeWrite); err != nil {
			return connError(path, err)
		}
		return nil
	}
	if p.c, err = openConn(ctx, file, modeWrite); err != nil {
		return connError(path, err)
	}
	if err := migrate(ctx, p.c.conn, int(hd.userVersion)); err != nil {
		return loadError(path, err)
	}
	st, err := load(ctx, p.c)
	if err != nil {
		return loadError(path, err)
	}
	p.state = st
	return nil
}

// loadSnapshot loads file (named name in errors) through an immutable connection.
func loadSnapshot(ctx context.Context, file, name string) (*state, error) {
	c, err := openConn(ctx, file, modeSnapshot)
	if err != nil {
		return nil, connError(name, err)
	}
	defer c.close()
	st, err := load(ctx, c)
	if err != nil {
		return nil, loadError(name, err)
	}
	return st, nil
}

// loadError words a failure to read a file whose header looked right: SQLite found damage,
// or the rows do not make a valid timeline.
func loadError(path string, err error) error {
	return fmt.Errorf("%s is %w: %v", path, ErrCorrupt, err)
}

// connError words a failure to open or query a connection.
func connError(path string, err error) error {
	if isCorruption(err) {
		return loadError(path, err)
	}
	return fmt.Errorf("%s: %v", path, err)
}

// openError words the errors of opening the file itself.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, ErrLocked):
		return err
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s: permission denied", path)
	}
	return connError(path, err)
}

// resolve follows symlinks, as SQLite does to place the -wal file.
func resolve(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Close ends the session: an open group is cancelled (it was never saved), a backup is made
// when there are edits since the newest one, and the file is released.
func (p *Project) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.h == nil {
		return nil
	}
	var err error
	if !p.readOnly && p.state != nil {
		if p.hist.InGroup() {
			p.hist.Cancel(p.tl)
		}
		if p.opts.backups && p.edited && p.broken == nil {
			if _, berr := p.backup(context.Background()); berr != nil {
				err = fmt.Errorf("%s: backup on close failed: %v", p.path, berr)
			}
		}
	}
	if cerr := p.closeFiles(); err == nil {
		err = cerr
	}
	return err
}

func (p *Project) closeFiles() error {
	var err error
	if p.c != nil {
		err = p.c.close()
		p.c = nil
	}
	p.h.release()
	p.h = nil
	return err
}

// Check runs SQLite's integrity and foreign key checks on the file.
func (p *Project) Check(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.c
	if c == nil {
		var err error
		if c, err = openConn(ctx, p.file, modeSnapshot); err != nil {
			return err
		}
		defer c.close()
	}
	var res string
	if err := c.conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("%s: integrity check: %w", p.path, err)
	}
	if res != "ok" {
		return fmt.Errorf("%s is %w: %s", p.path, ErrCorrupt, res)
	}
	r, err := c.conn.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer r.Close()
	if r.Next() {
		var table, parent string
		var rowid, fk any
		r.Scan(&table, &rowid, &parent, &fk)
		return fmt.Errorf("%s is %w: a row of %s points to a missing %s", p.path, ErrCorrupt, table, parent)
	}
	return r.Err()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
