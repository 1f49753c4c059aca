//go:build unix

package project

import (
	"errors"
	"os"
	"syscall"
)

type fileKey struct{ dev, ino uint64 }

var errWouldBlock = syscall.EWOULDBLOCK

func keyOfPath(path string) (fileKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileKey{}, err
	}
	return keyOf(fi), nil
}

func keyOfFile(f *os.File) (fileKey, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileKey{}, err
	}
	return keyOf(fi), nil
}

func keyOf(fi os.FileInfo) fileKey {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}
	}
	return fileKey{uint64(st.Dev), uint64(st.Ino)}
}

// lockFile takes an exclusive flock without waiting. flock locks are separate from the
// fcntl locks SQLite uses on Linux, so they do not disturb it.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func unlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// writable reports whether this process may write path (as root too: an immutable file
// refuses writes to everyone).
func writable(path string) error { return syscall.Access(path, 2 /* W_OK */) }
