package project

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Errors Open and OpenReadOnly wrap, so callers can tell the cases apart with errors.Is. The
// messages name the file and say what is wrong in one line.
var (
	ErrNotProject = errors.New("not a Slate project")
	ErrNewer      = errors.New("written by a newer Slate")
	ErrCorrupt    = errors.New("damaged")
)

const sqliteMagic = "SQLite format 3\x00"

// header is what the first 100 bytes of a SQLite file say.
type header struct {
	pageSize    int64
	pages       int64 // 0 when the in-header count is not valid
	appID       uint32
	userVersion uint32
}

// readHeader checks a file is a Slate project this Slate can open, reading only its first
// bytes with a plain read: nothing is created or written, whatever the file holds.
// walExists says a -wal file lies beside it (then the main file may legitimately be shorter
// than its header says, until the log is checkpointed).
func readHeader(f *os.File, path string, walExists bool) (header, error) {
	fi, err := f.Stat()
	if err != nil {
		return header{}, fmt.Errorf("%s: %v", path, err)
	}
	if fi.IsDir() {
		return header{}, fmt.Errorf("%s is a folder, %w", path, ErrNotProject)
	}
	size := fi.Size()
	if size == 0 {
		return header{}, fmt.Errorf("%s is an empty file, %w", path, ErrNotProject)
	}
	var b [100]byte
	n, err := f.ReadAt(b[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return header{}, fmt.Errorf("%s: %v", path, err)
	}
	if n < len(sqliteMagic) || string(b[:len(sqliteMagic)]) != sqliteMagic {
		return header{}, fmt.Errorf("%s is %w (it is not a SQLite database)", path, ErrNotProject)
	}
	if n < 100 {
		return header{}, fmt.Errorf("%s is %w: truncated to %d bytes", path, ErrCorrupt, size)
	}
	h := header{
		pageSize:    int64(binary.BigEndian.Uint16(b[16:18])),
		appID:       binary.BigEndian.Uint32(b[68:72]),
		userVersion: binary.BigEndian.Uint32(b[60:64]),
	}
	if h.pageSize == 1 {
		h.pageSize = 65536
	}
	if h.pageSize < 512 || h.pageSize&(h.pageSize-1) != 0 {
		return header{}, fmt.Errorf("%s is %w: invalid page size %d in its header", path, ErrCorrupt, h.pageSize)
	}
	if h.appID != ApplicationID {
		return header{}, fmt.Errorf("%s is a SQLite database but %w (application id %#x)", path, ErrNotProject, h.appID)
	}
	if h.userVersion > SchemaVersion {
		return header{}, fmt.Errorf("%s was %w (project format %d; this Slate reads up to %d): update Slate to open it",
			path, ErrNewer, h.userVersion, SchemaVersion)
	}
	if h.userVersion == 0 {
		return header{}, fmt.Errorf("%s is %w: it has Slate's id but no project format", path, ErrCorrupt)
	}
	// The page count in the header is valid when the "version valid for" field matches the
	// change counter (SQLite file format, offsets 24 and 92).
	if binary.BigEndian.Uint32(b[92:96]) == binary.BigEndian.Uint32(b[24:28]) {
		h.pages = int64(binary.BigEndian.Uint32(b[28:32]))
	}
	if !walExists {
		if h.pages > 0 && size < h.pages*h.pageSize {
			return header{}, fmt.Errorf("%s is %w: truncated to %d bytes of %d", path, ErrCorrupt, size, h.pages*h.pageSize)
		}
		if size%h.pageSize != 0 {
			return header{}, fmt.Errorf("%s is %w: its size %d is not a whole number of %d-byte pages", path, ErrCorrupt, size, h.pageSize)
		}
	}
	return h, nil
}
