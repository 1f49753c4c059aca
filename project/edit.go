package project

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slate-nle/slate/timeline/edit"
)

// ErrReadOnly is wrapped by the error an edit gets on a project opened read-only.
var ErrReadOnly = errors.New("opened read-only")

// editable says why the project cannot take an edit, if it cannot.
func (p *Project) editable() error {
	switch {
	case p.h == nil:
		return fmt.Errorf("%s is closed", p.path)
	case p.readOnly:
		return fmt.Errorf("%s is %w", p.path, ErrReadOnly)
	case p.broken != nil:
		return fmt.Errorf("%s: edits stopped after an error, reopen the project: %v", p.path, p.broken)
	}
	return nil
}

// Apply applies a command and saves it: the changed rows and the new history entry are
// committed in one transaction before Apply returns. If the commit fails (disk full, file
// gone read-only), the command is undone in memory too and the error returned, so memory and
// file never disagree. Inside a group (Begin) the command is applied in memory only; the
// whole group is committed by End.
func (p *Project) Apply(c edit.Command) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	done, undone := p.hist.Done, p.hist.Undone
	e, err := p.hist.Apply(p.tl, c)
	if err != nil {
		return err
	}
	if e == nil {
		return nil // in a group
	}
	return p.commitPush(*e, done, undone)
}

// Begin opens a named group: the commands applied until End are one undo step, committed
// together by End. Until then they live in memory only: if the process dies mid-group, the
// file holds the project as it was before Begin.
func (p *Project) Begin(name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	return p.hist.Begin(name)
}

// End closes the open group and commits it as one transaction (an empty group records
// nothing). If the commit fails, the whole group is undone in memory.
func (p *Project) End() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	done, undone := p.hist.Done, p.hist.Undone
	e, err := p.hist.End()
	if err != nil || e == nil {
		return err
	}
	return p.commitPush(*e, done, undone)
}

// Cancel closes the open group after undoing what it applied; nothing was saved.
func (p *Project) Cancel() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return err
	}
	return p.hist.Cancel(p.tl)
}

// InGroup reports whether a group is open.
func (p *Project) InGroup() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hist.InGroup()
}

// commitPush saves a new entry pushed on the undo stack (the redo stack is cleared).
// done and undone are the stacks before the push, to roll back to.
func (p *Project) commitPush(e edit.Entry, done, undone []edit.Entry) error {
	now := p.opts.now().UTC()
	err := p.commit(e.Undo.Command, func(ctx context.Context) error {
		if err := p.c.exec(ctx, `DELETE FROM history WHERE stack = 'undone'`); err != nil {
			return err
		}
		return p.putEntry(ctx, "done", len(done), e, now)
	})
	if err != nil {
		return p.rollbackMemory(err, e.Name, e.Undo.Command, done, undone)
	}
	p.doneAt = append(p.doneAt[:len(done)], now)
	p.undoneAt = p.undoneAt[:0]
	return nil
}

// Undo reverts the newest step and saves that.
func (p *Project) Undo() (*edit.Entry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return nil, err
	}
	done, undone := p.hist.Done, p.hist.Undone
	e, err := p.hist.Undo(p.tl)
	if err != nil {
		return nil, err
	}
	now := p.opts.now().UTC()
	moved := *e
	err = p.commit(moved.Redo.Command, func(ctx context.Context) error {
		if err := p.c.exec(ctx, `DELETE FROM history WHERE stack = 'done' AND pos = ?`, len(done)-1); err != nil {
			return err
		}
		return p.putEntry(ctx, "undone", len(undone), moved, now)
	})
	if err != nil {
		return nil, p.rollbackMemory(err, "undo "+moved.Name, moved.Redo.Command, done, undone)
	}
	p.doneAt = p.doneAt[:len(done)-1]
	p.undoneAt = append(p.undoneAt[:len(undone)], now)
	return &moved, nil
}

// Redo re-applies the newest undone step and saves that.
func (p *Project) Redo() (*edit.Entry, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return nil, err
	}
	done, undone := p.hist.Done, p.hist.Undone
	e, err := p.hist.Redo(p.tl)
	if err != nil {
		return nil, err
	}
	now := p.opts.now().UTC()
	moved := *e
	err = p.commit(moved.Undo.Command, func(ctx context.Context) error {
		if err := p.c.exec(ctx, `DELETE FROM history WHERE stack = 'undone' AND pos = ?`, len(undone)-1); err != nil {
			return err
		}
		return p.putEntry(ctx, "done", len(done), moved, now)
	})
	if err != nil {
		return nil, p.rollbackMemory(err, "redo "+moved.Name, moved.Undo.Command, done, undone)
	}
	p.undoneAt = p.undoneAt[:len(undone)-1]
	p.doneAt = append(p.doneAt[:len(done)], now)
	return &moved, nil
}

// rollbackMemory undoes in memory a change whose commit failed, by applying its inverse and
// restoring the history stacks.
func (p *Project) rollbackMemory(cause error, what string, inv edit.Command, done, undone []edit.Entry) error {
	if _, err := inv.Apply(p.tl); err != nil {
		// Cannot happen unless the model is broken; stop editing rather than drift apart.
		p.broken = fmt.Errorf("%s could not be rolled back in memory: %v", what, err)
		return fmt.Errorf("%s: saving %s failed (%v), and %v", p.path, what, cause, p.broken)
	}
	p.hist.Done, p.hist.Undone = done, undone
	return fmt.Errorf("%s: saving %s failed, so it was not made: %w", p.path, what, cause)
}

// commit writes the rows a change touched (inv is its inverse) and the history change in
// one immediate transaction.
func (p *Project) commit(inv edit.Command, hist func(ctx context.Context) error) error {
	ctx := context.Background()
	w := newWriter(ctx, p.c, p.tl, &p.rows)
	err := inTx(ctx, p.c.conn, func() error {
		if _, err := p.c.conn.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
			return err
		}
		if err := w.change(inv); err != nil {
			return err
		}
		return hist(ctx)
	})
	if err != nil {
		return err
	}
	w.done()
	p.edited = true
	p.autoBackup(ctx)
	return nil
}

// putEntry writes one history row.
func (p *Project) putEntry(ctx context.Context, stack string, pos int, e edit.Entry, at time.Time) error {
	do, err := marshalCommand(e.Do.Command)
	if err != nil {
		return err
	}
	undo, err := marshalCommand(e.Undo.Command)
	if err != nil {
		return err
	}
	var redo any
	if e.Redo.Command != nil {
		b, err := marshalCommand(e.Redo.Command)
		if err != nil {
			return err
		}
		redo = string(b)
	}
	return p.c.exec(ctx, `INSERT INTO history(stack, pos, name, cmd, undo, redo, at) VALUES(?, ?, ?, ?, ?, ?, ?)`,
		stack, pos, e.Name, string(do), string(undo), redo, at.Format(timeFormat))
}
