package project

import (
	"context"
	"fmt"
	"os"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// stamp identifies a version of a file nobody had open for writing.
type stamp struct {
	size  int64
	mtime time.Time
	wal   bool
}

func stampOf(path string) stamp {
	var s stamp
	if fi, err := os.Stat(path); err == nil {
		s.size, s.mtime = fi.Size(), fi.ModTime()
	}
	s.wal = exists(path + "-wal")
	return s
}

// OpenReadOnly opens a project to read it beside a writer (the preview player, `slate
// info`). It never takes the writer lock and never writes. When a writer has the file open
// (its -wal file exists) the reader follows its commits: Changed reports a commit made since
// the last load and Reload reads it. Otherwise it reads a snapshot without creating anything
// beside the file, and Changed reports when the file has been written since, or a writer has
// opened it. A project from an older Slate is upgraded in memory, leaving the file as it is.
func OpenReadOnly(path string) (*Project, error) {
	ctx := context.Background()
	file := resolve(path)
	h, err := acquire(file, path, false)
	if err != nil {
		return nil, openError(path, err)
	}
	p := &Project{path: path, file: file, readOnly: true, h: h, opts: makeOptions(nil)}
	if err := p.load(ctx); err != nil {
		p.closeFiles()
		return nil, err
	}
	return p, nil
}

// load (re)reads a read-only project.
func (p *Project) load(ctx context.Context) error {
	path, file := p.path, p.file
	wal := exists(file + "-wal")
	hd, err := readHeader(p.h.file(), path, wal)
	if err != nil {
		return err
	}
	p.format = int(hd.userVersion)
	if p.c != nil {
		p.c.close()
		p.c, p.memory = nil, false
	}
	switch {
	case int(hd.userVersion) < SchemaVersion:
		// The upgraded copy stays open: media and checks read it, Changed watches the file.
		st, mem, err := loadUpgraded(ctx, file, path, wal, int(hd.userVersion))
		if err != nil {
			return err
		}
		p.state, p.snapStamp, p.c, p.memory = st, stampOf(file), mem, true
		return nil
	case !wal:
		st, err := loadSnapshot(ctx, file, path)
		if err != nil {
			return err
		}
		p.state, p.snapStamp = st, stampOf(file)
		return nil
	}
	c, err := openConn(ctx, file, modeRead)
	if err != nil {
		return connError(path, err)
	}
	st, err := load(ctx, c)
	if err != nil {
		c.close()
		return loadError(path, err)
	}
	// data_version changes when another connection commits; read it after the load, so a
	// commit that raced with it shows up as a change.
	if err := c.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&p.version); err != nil {
		c.close()
		return connError(path, err)
	}
	p.c, p.state = c, st
	return nil
}

// loadUpgraded copies an older file into memory with the backup API, upgrades the copy and
// loads it.
func loadUpgraded(ctx context.Context, file, name string, wal bool, from int) (*state, *dbConn, error) {
	mode := modeSnapshot
	if wal {
		mode = modeRead
	}
	src, err := openConn(ctx, file, mode)
	if err != nil {
		return nil, nil, connError(name, err)
	}
	defer src.close()
	mem, err := openConn(ctx, ":memory:", modeWrite)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*state, *dbConn, error) {
		mem.close()
		return nil, nil, loadError(name, err)
	}
	if err := copyDB(mem, src); err != nil {
		return fail(err)
	}
	if err := migrate(ctx, mem.conn, from); err != nil {
		return fail(err)
	}
	st, err := load(ctx, mem)
	if err != nil {
		return fail(err)
	}
	return st, mem, nil
}

// copyDB copies src's main database into dst's with SQLite's online backup API.
func copyDB(dst, src *dbConn) error {
	return dst.raw(func(d *sqlite3.SQLiteConn) error {
		return src.raw(func(s *sqlite3.SQLiteConn) error {
			b, err := d.Backup("main", s, "main")
			if err != nil {
				return err
			}
			for {
				done, err := b.Step(-1)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					break
				}
			}
			return b.Finish()
		})
	})
}

// Changed reports whether the file has changed since the project was loaded (read-only
// projects; a writer's own edits are already in memory). It is cheap: a PRAGMA or a stat.
func (p *Project) Changed() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.readOnly {
		return false, nil
	}
	if p.c == nil || p.memory {
		return stampOf(p.file) != p.snapStamp, nil
	}
	var v int64
	if err := p.c.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		return false, fmt.Errorf("%s: %v", p.path, err)
	}
	return v != p.version, nil
}

// Reload rereads a read-only project from the file.
func (p *Project) Reload() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.readOnly {
		return fmt.Errorf("%s: Reload is for read-only projects; a writer's memory is the file", p.path)
	}
	return p.load(context.Background())
}
