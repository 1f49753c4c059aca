//go:build !unix

package project

import (
	"errors"
	"os"
	"path/filepath"
)

// Without flock, only writers in this process are kept apart.

type fileKey struct{ path string }

var errWouldBlock = errors.New("would block")

func keyOfPath(path string) (fileKey, error) {
	if _, err := os.Stat(path); err != nil {
		return fileKey{}, err
	}
	abs, err := filepath.Abs(path)
	return fileKey{abs}, err
}

func keyOfFile(f *os.File) (fileKey, error) { return keyOfPath(f.Name()) }

func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}

func writable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}
