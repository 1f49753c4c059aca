package assets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Sentinels for errors.Is. Every error about a file names the file.
var (
	// ErrOffline: the file is not there (missing, or moved away). Relink it.
	ErrOffline = errors.New("media offline")
	// ErrBadMedia: the file is there but is not media Slate can use (empty, a folder,
	// unreadable, truncated, not media, an unsupported codec).
	ErrBadMedia = errors.New("bad media")
	// ErrUnsupported: the file is media, but no stream has a codec this ffmpeg decodes. It
	// is also ErrBadMedia.
	ErrUnsupported = errors.New("unsupported codec")
	// ErrNoVideo and ErrNoAudio: the derived media asked for needs a picture or a sound
	// the file does not have.
	ErrNoVideo = errors.New("no picture")
	ErrNoAudio = errors.New("no audio")
)

// fileError is "PATH: what is wrong", matching every sentinel it wraps.
type fileError struct {
	path, msg string
	is        []error
}

func (e *fileError) Error() string   { return e.path + ": " + e.msg }
func (e *fileError) Unwrap() []error { return e.is }

func fileErr(path string, is []error, format string, a ...any) error {
	return &fileError{path: path, msg: fmt.Sprintf(format, a...), is: is}
}

// checkFile stats path for probing: a missing file is ErrOffline; a folder, an empty file or
// an unreadable one is ErrBadMedia.
func checkFile(path string) (os.FileInfo, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fileErr(path, []error{ErrOffline, fs.ErrNotExist}, "no such file (media offline)")
	case errors.Is(err, fs.ErrPermission):
		return nil, fileErr(path, []error{ErrBadMedia, fs.ErrPermission}, "permission denied")
	case err != nil:
		return nil, fileErr(path, []error{ErrBadMedia, err}, "%v", unwrapPath(err))
	case st.IsDir():
		return nil, fileErr(path, []error{ErrBadMedia}, "is a directory, not a media file")
	case !st.Mode().IsRegular():
		return nil, fileErr(path, []error{ErrBadMedia}, "is not a regular file")
	case st.Size() == 0:
		return nil, fileErr(path, []error{ErrBadMedia}, "is empty (0 bytes)")
	}
	// Stat passes on a file we may not read; opening it tells.
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fileErr(path, []error{ErrBadMedia, fs.ErrPermission}, "permission denied")
		}
		return nil, fileErr(path, []error{ErrBadMedia, err}, "%v", unwrapPath(err))
	}
	f.Close()
	return st, nil
}

// unwrapPath drops the *PathError's own copy of the path, which the caller already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
