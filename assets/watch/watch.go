package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Kind says what happened to a file.
type Kind int

const (
	Added   Kind = iota + 1 // a new file, whole (its size held still for Options.Settle)
	Changed                 // a known file was rewritten and has settled again
	Removed                 // a known file was deleted or moved away
)

func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case Removed:
		return "removed"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Event is one settled change to one file.
type Event struct {
	Kind Kind
	Path string
}

func (e Event) String() string { return e.Kind.String() + " " + e.Path }

// DefaultSettle is how long a file's size must hold still before it is reported.
const DefaultSettle = 500 * time.Millisecond

// Options tune a watch. The zero value is ready to use.
type Options struct {
	// Settle is how long a new or changed file must keep the same size and modification
	// time before it is reported (DefaultSettle when zero). Every write restarts it, so a
	// file being copied in is reported once, after the copy ends.
	Settle time.Duration
	// Ignore, when set, passes over more names (on top of dotfiles, *.tmp, *.part, *~).
	Ignore func(path string) bool
	// OnError, when set, hears problems that do not stop the watch: a folder that cannot be
	// watched, or the kernel's event queue overflowing (the folders are then rescanned).
	OnError func(error)
}

// Ignored reports whether a name is skipped whatever the options: dotfiles and dot-folders,
// and the usual partial-download and temporary names.
func Ignored(path string) bool {
	b := filepath.Base(path)
	return strings.HasPrefix(b, ".") || strings.HasSuffix(b, "~") ||
		strings.HasSuffix(b, ".tmp") || strings.HasSuffix(b, ".part") || strings.HasSuffix(b, ".crdownload")
}

// Watch watches dirs and their subfolders (new ones included) and reports settled changes
// to the files in them on the returned channel, which is closed when ctx ends. Files already
// there when Watch starts are known, not reported. Each of dirs must be a folder.
func Watch(ctx context.Context, dirs []string, opts Options) (<-chan Event, error) {
	if opts.Settle <= 0 {
		opts.Settle = DefaultSettle
	}
	if len(dirs) == 0 {
		return nil, errors.New("watch: no folders given")
	}
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", d, unwrapPath(err))
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("watch %s: not a folder", d)
		}
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &watcher{fw: fw, opts: opts, roots: dirs, dirs: map[string]bool{}, known: map[string]bool{}, pending: map[string]*pend{},
		out: make(chan Event, 64)}
	for _, d := range dirs {
		if err := w.addTree(d, true); err != nil {
			fw.Close()
			return nil, err
		}
	}
	go w.run(ctx)
	return w.out, nil
}

type watcher struct {
	fw      *fsnotify.Watcher
	opts    Options
	roots   []string
	dirs    map[string]bool  // folders we asked fsnotify to watch
	known   map[string]bool  // files that exist and the caller knows of
	pending map[string]*pend // files waiting to settle
	out     chan Event
}

// pend is a file seen changing: reported once it has held still for Settle.
type pend struct {
	size  int64
	mtime time.Time
	since time.Time
}

func (w *watcher) ignored(p string) bool {
	return Ignored(p) || (w.opts.Ignore != nil && w.opts.Ignore(p))
}

func (w *watcher) report(err error) {
	if w.opts.OnError != nil && err != nil {
		w.opts.OnError(err)
	}
}

// addTree watches dir and the folders under it. Files found are known when initial (they
// were there before the watch) and pending otherwise (a folder that just appeared may
// already hold files written before its watch was set).
func (w *watcher) addTree(dir string, initial bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && initial {
				return fmt.Errorf("watch %s: %w", p, unwrapPath(err))
			}
			w.report(fmt.Errorf("watch %s: %w", p, unwrapPath(err)))
			return nil
		}
		if p != dir && w.ignored(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.fw.Add(p); err != nil {
				if p == dir && initial {
					return fmt.Errorf("watch %s: %w", p, err)
				}
				w.report(fmt.Errorf("watch %s: %w", p, err))
				return nil
			}
			w.dirs[p] = true
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if initial {
			w.known[p] = true
		} else if !w.known[p] {
			w.touch(p, time.Now())
		}
		return nil
	})
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.out)
	defer w.fw.Close()
	tick := time.NewTicker(max(10*time.Millisecond, min(100*time.Millisecond, w.opts.Settle/5)))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			if !w.handle(ctx, ev) {
				return
			}
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			w.report(fmt.Errorf("watch: %w", err))
			if errors.Is(err, fsnotify.ErrEventOverflow) && !w.rescan(ctx) {
				return
			}
		case now := <-tick.C:
			if !w.settle(ctx, now) {
				return
			}
		}
	}
}

// handle takes one raw event; false when ctx ended while sending.
func (w *watcher) handle(ctx context.Context, ev fsnotify.Event) bool {
	p := ev.Name
	if w.ignored(p) {
		return true
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A rename reports the old name; the new one arrives as a Create.
		if _, err := os.Lstat(p); err != nil {
			w.unwatch(p)
			if !w.gone(ctx, p) {
				return false
			}
		}
	}
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
		st, err := os.Stat(p)
		if err != nil {
			return true // already gone again; its Remove follows
		}
		if st.IsDir() {
			if ev.Has(fsnotify.Create) {
				w.addTree(p, false)
			}
			return true
		}
		if st.Mode().IsRegular() {
			w.touch(p, time.Now())
		}
	}
	return true
}

// unwatch drops the watches of a folder that is gone and of the folders under it. A moved
// folder keeps its inotify watches, which fsnotify would go on naming by the old path (and
// would hand back, old path and all, when the Create for the new name adds them again); so
// they are dropped here, before that Create sets up fresh ones under the new name.
func (w *watcher) unwatch(p string) {
	if !w.dirs[p] {
		return // a file (or an unwatched folder): nothing to drop, and no walk per deleted file
	}
	prefix := p + string(filepath.Separator)
	for d := range w.dirs {
		if d == p || strings.HasPrefix(d, prefix) {
			w.fw.Remove(d) // an error means fsnotify dropped it already
			delete(w.dirs, d)
		}
	}
}

// touch (re)starts the settle clock of a file.
func (w *watcher) touch(p string, now time.Time) {
	st, err := os.Stat(p)
	if err != nil {
		return
	}
	w.pending[p] = &pend{size: st.Size(), mtime: st.ModTime(), since: now}
}

// gone reports known files at or under p as removed.
func (w *watcher) gone(ctx context.Context, p string) bool {
	prefix := p + string(filepath.Separator)
	for q := range w.pending {
		if q == p || strings.HasPrefix(q, prefix) {
			delete(w.pending, q)
		}
	}
	var removed []string
	for q := range w.known {
		if q == p || strings.HasPrefix(q, prefix) {
			removed = append(removed, q)
		}
	}
	for _, q := range removed {
		delete(w.known, q)
		if !w.send(ctx, Event{Removed, q}) {
			return false
		}
	}
	return true
}

// settle reports the pending files that have held still for Settle.
func (w *watcher) settle(ctx context.Context, now time.Time) bool {
	for p, pd := range w.pending {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			delete(w.pending, p) // gone: its own event says so
			continue
		}
		if st.Size() != pd.size || !st.ModTime().Equal(pd.mtime) {
			pd.size, pd.mtime, pd.since = st.Size(), st.ModTime(), now
			continue
		}
		if now.Sub(pd.since) < w.opts.Settle {
			continue
		}
		delete(w.pending, p)
		kind := Added
		if w.known[p] {
			kind = Changed
		}
		w.known[p] = true
		if !w.send(ctx, Event{kind, p}) {
			return false
		}
	}
	return true
}

// rescan walks the folders again after lost events: new files become pending, known files
// that are gone are removed.
func (w *watcher) rescan(ctx context.Context) bool {
	seen := map[string]bool{}
	for _, root := range w.roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p != root && w.ignored(p) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if w.fw.Add(p) == nil { // already watched is fine
					w.dirs[p] = true
				}
				return nil
			}
			if d.Type().IsRegular() {
				seen[p] = true
				if !w.known[p] {
					if _, ok := w.pending[p]; !ok {
						w.touch(p, time.Now())
					}
				}
			}
			return nil
		})
	}
	for p := range w.known {
		if !seen[p] && !w.gone(ctx, p) {
			return false
		}
	}
	return true
}

func (w *watcher) send(ctx context.Context, ev Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
