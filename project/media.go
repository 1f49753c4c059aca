package project

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slate-nle/slate/timeline"
)

// Media is one item of the project's media library: a file the user keeps where it is,
// known by path and content hash. Clips name it by ID (timeline.Source.Media). Media IDs are
// their own counter, never reused, separate from the timeline's IDs.
type Media struct {
	ID     timeline.ID     `json:"id"`
	Name   string          `json:"name,omitempty"`
	Path   string          `json:"path"`
	Hash   string          `json:"hash,omitempty"`  // content hash, e.g. "sha256:..."
	Kind   string          `json:"kind,omitempty"`  // video, audio, image, ...
	Probe  json.RawMessage `json:"probe,omitempty"` // ffprobe's JSON, as the assets package reads it
	Online bool            `json:"online"`          // the file was found where Path says
	Added  time.Time       `json:"added"`
}

// AddMedia stores a media item (its ID is ignored) and returns its new ID. Media is not part
// of the undo history.
func (p *Project) AddMedia(m Media) (timeline.ID, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return 0, err
	}
	if m.Path == "" {
		return 0, fmt.Errorf("%s: media item has no path", p.path)
	}
	var probe any
	if len(m.Probe) > 0 {
		if !json.Valid(m.Probe) {
			return 0, fmt.Errorf("%s: media %s: probe data is not valid JSON", p.path, m.Path)
		}
		probe = string(m.Probe)
	}
	if m.Added.IsZero() {
		m.Added = p.opts.now()
	}
	ctx := context.Background()
	var id timeline.ID
	err := inTx(ctx, p.c.conn, func() error {
		r, err := p.c.conn.ExecContext(ctx, `INSERT INTO media(name, path, hash, kind, probe, online, added) VALUES(?, ?, ?, ?, ?, ?, ?)`,
			m.Name, m.Path, m.Hash, m.Kind, probe, m.Online, m.Added.UTC().Format(timeFormat))
		if err != nil {
			return err
		}
		n, err := r.LastInsertId()
		id = timeline.ID(n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s: adding media %s: %w", p.path, m.Path, err)
	}
	p.edited = true
	return id, nil
}

// Media lists the media library in the order items were added.
func (p *Project) Media() ([]Media, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queryMedia(`ORDER BY id`)
}

// MediaByID finds one media item.
func (p *Project) MediaByID(id timeline.ID) (Media, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ms, err := p.queryMedia(`WHERE id = ?`, id)
	if err != nil {
		return Media{}, err
	}
	if len(ms) == 0 {
		return Media{}, fmt.Errorf("%s: no media %d", p.path, id)
	}
	return ms[0], nil
}

// SetMediaOnline records whether a media item's file was found, and where (an empty path
// keeps the stored one): relinking an offline item is SetMediaOnline(id, newPath, true).
func (p *Project) SetMediaOnline(id timeline.ID, path string, online bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	ctx := context.Background()
	err := inTx(ctx, p.c.conn, func() error {
		r, err := p.c.conn.ExecContext(ctx, `UPDATE media SET online = ?, path = CASE WHEN ? = '' THEN path ELSE ? END WHERE id = ?`,
			online, path, path, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("no media %d", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	p.edited = true
	return nil
}

// queryMedia reads media rows; read-only snapshot projects open a connection for it.
func (p *Project) queryMedia(where string, args ...any) ([]Media, error) {
	ctx := context.Background()
	c := p.c
	if c == nil {
		var err error
		if c, err = openConn(ctx, p.file, modeSnapshot); err != nil {
			return nil, connError(p.path, err)
		}
		defer c.close()
	}
	r, err := c.conn.QueryContext(ctx, `SELECT id, name, path, hash, kind, probe, online, added FROM media `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: reading media: %w", p.path, err)
	}
	defer r.Close()
	var out []Media
	for r.Next() {
		var m Media
		var probe sql.NullString
		var added string
		if err := r.Scan(&m.ID, &m.Name, &m.Path, &m.Hash, &m.Kind, &probe, &m.Online, &added); err != nil {
			return nil, fmt.Errorf("%s: reading media: %w", p.path, err)
		}
		if probe.Valid {
			m.Probe = json.RawMessage(probe.String)
		}
		m.Added, _ = time.Parse(timeFormat, added)
		out = append(out, m)
	}
	return out, r.Err()
}
