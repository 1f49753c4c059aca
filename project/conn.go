package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// How a connection opens the file.
type connMode int

const (
	// modeWrite is the one writer: WAL, foreign keys, immediate transactions, and
	// synchronous=FULL so a committed edit survives a process kill and a power cut alike (the
	// WAL is synced at each commit; about half a millisecond here).
	modeWrite connMode = iota
	// modeRead reads beside a writer (WAL lets it); it sees each commit when it starts a read.
	modeRead
	// modeSnapshot reads a file nobody writes, creating nothing beside it (no -wal, no -shm),
	// so a refused or read-only file is never touched.
	modeSnapshot
	// modeCopy writes a backup copy: a plain connection, nothing else opens the file.
	modeCopy
)

// busyTimeout is how long a statement waits for a lock another connection holds (readers
// checkpointing, a backup) before failing.
const busyTimeout = 5000

// uriPath escapes a path for a SQLite "file:" URI.
func uriPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(filepath.ToSlash(abs))
}

func dsn(path string, m connMode) string {
	if path == ":memory:" {
		return "file::memory:?_foreign_keys=1&_txlock=immediate"
	}
	u := uriPath(path)
	switch m {
	case modeRead:
		return fmt.Sprintf("%s?mode=ro&_busy_timeout=%d&_foreign_keys=1", u, busyTimeout)
	case modeSnapshot:
		return fmt.Sprintf("%s?mode=ro&immutable=1&_foreign_keys=1", u)
	case modeCopy:
		return fmt.Sprintf("%s?_synchronous=FULL", u)
	}
	return fmt.Sprintf("%s?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_txlock=immediate&_busy_timeout=%d", u, busyTimeout)
}

// dbConn is one pinned connection: data_version and transactions are per connection.
type dbConn struct {
	db   *sql.DB
	conn *sql.Conn
	stmt map[string]*sql.Stmt
}

func openConn(ctx context.Context, path string, m connMode) (*dbConn, error) {
	db, err := sql.Open("sqlite3", dsn(path, m))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &dbConn{db: db, conn: conn, stmt: map[string]*sql.Stmt{}}, nil
}

// prep returns the prepared statement for q, preparing it once per connection.
func (c *dbConn) prep(ctx context.Context, q string) (*sql.Stmt, error) {
	if s := c.stmt[q]; s != nil {
		return s, nil
	}
	s, err := c.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.stmt[q] = s
	return s, nil
}

// exec runs a cached statement.
func (c *dbConn) exec(ctx context.Context, q string, args ...any) error {
	s, err := c.prep(ctx, q)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx, args...)
	return err
}

func (c *dbConn) close() error {
	if c == nil {
		return nil
	}
	for _, s := range c.stmt {
		s.Close()
	}
	c.conn.Close()
	return c.db.Close()
}

// raw runs f on the driver connection (for the backup API).
func (c *dbConn) raw(f func(*sqlite3.SQLiteConn) error) error {
	return c.conn.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		return f(sc)
	})
}

// isCorruption reports whether SQLite says the file is damaged or not a database.
func isCorruption(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB
	}
	return false
}
