package project

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// ErrLocked is wrapped by the error Open returns when another writer has the project.
var ErrLocked = errors.New("already open for writing by another Slate process")

// A shared is one open file descriptor on a project file, shared by every Project of this
// process that has the file open. SQLite locks with POSIX fcntl locks, and closing any
// descriptor of a file drops all of the process's fcntl locks on it; so this package opens
// each project file once and closes it only when the last Project using it is closed,
// after SQLite has let go of the file.
type shared struct {
	key    fileKey
	f      *os.File
	refs   int
	writer bool
}

// handle is one Project's use of a shared descriptor.
type handle struct {
	s     *shared
	write bool
}

var (
	filesMu sync.Mutex
	files   = map[fileKey]*shared{}
)

// acquire opens (or reuses) the descriptor of path; with write it also takes the writer lock,
// which one process at a time may hold (flock, released by the kernel if the process dies).
// Messages name the file as the user gave it (name).
func acquire(path, name string, write bool) (*handle, error) {
	filesMu.Lock()
	defer filesMu.Unlock()
	key, err := keyOfPath(path)
	if err != nil {
		return nil, err
	}
	s := files[key]
	if s == nil {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if key, err = keyOfFile(f); err != nil {
			f.Close()
			return nil, err
		}
		s = &shared{key: key, f: f}
	}
	if write {
		if s.writer {
			s.closeIfUnused()
			return nil, fmt.Errorf("%s is %w", name, ErrLocked)
		}
		if err := lockFile(s.f); err != nil {
			s.closeIfUnused()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("%s is %w", name, ErrLocked)
			}
			return nil, fmt.Errorf("%s: cannot lock: %v", name, err)
		}
		s.writer = true
	}
	s.refs++
	files[s.key] = s
	return &handle{s: s, write: write}, nil
}

// closeIfUnused closes a descriptor nobody holds (only after a failed acquire).
func (s *shared) closeIfUnused() {
	if s.refs == 0 {
		s.f.Close()
		delete(files, s.key)
	}
}

// release gives the handle back; call it after SQLite has closed the file.
func (h *handle) release() {
	if h == nil || h.s == nil {
		return
	}
	filesMu.Lock()
	defer filesMu.Unlock()
	s := h.s
	h.s = nil
	if h.write {
		unlockFile(s.f)
		s.writer = false
	}
	s.refs--
	s.closeIfUnused()
}

// file is the shared descriptor, for reading the header.
func (h *handle) file() *os.File { return h.s.f }
