package assets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// HashPrefix starts every content hash.
const HashPrefix = "sha256:"

const hashChunk = 1 << 20

// Hash is the SHA-256 of a file's content, "sha256:<hex>", read in 1 MiB chunks (memory stays
// flat for any size) and checked against ctx between chunks.
func Hash(ctx context.Context, path string) (string, error) {
	if _, err := checkFile(path); err != nil {
		return "", err
	}
	h := sha256.New()
	if err := hashInto(ctx, h, path, make([]byte, hashChunk)); err != nil {
		return "", err
	}
	return HashPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// HashSequence hashes an image sequence: the content of its count frames from start, in
// order, as one stream.
func HashSequence(ctx context.Context, pattern string, start, count int) (string, error) {
	if count <= 0 {
		return "", fileErr(pattern, []error{ErrBadMedia}, "no frames to hash")
	}
	h := sha256.New()
	buf := make([]byte, hashChunk)
	for i := 0; i < count; i++ {
		if err := hashInto(ctx, h, SequenceFrame(pattern, start+i), buf); err != nil {
			return "", err
		}
	}
	return HashPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

func hashInto(ctx context.Context, h hash.Hash, path string, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fileErr(path, []error{ErrOffline, fs.ErrNotExist}, "no such file (media offline)")
		}
		return fileErr(path, []error{ErrBadMedia, err}, "%v", unwrapPath(err))
	}
	defer f.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fileErr(path, []error{ErrBadMedia, err}, "reading: %v", unwrapPath(err))
		}
	}
}

// QuickKey identifies a file's version without reading it: size and modification time (and
// inode, where there is one). Equal keys mean the file is almost surely unchanged, so a
// caller that stored the key beside a hash need not hash it again.
func QuickKey(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fileErr(path, []error{ErrOffline, fs.ErrNotExist}, "no such file (media offline)")
		}
		return "", fileErr(path, []error{ErrBadMedia, err}, "%v", unwrapPath(err))
	}
	if st.IsDir() {
		return "", fileErr(path, []error{ErrBadMedia}, "is a directory, not a media file")
	}
	return fmt.Sprintf("%d-%d%s", st.Size(), st.ModTime().UnixNano(), inodeSuffix(st)), nil
}

// FindByHash looks under dirs (recursively) for a file with the given content hash, for
// relinking media that moved. Only files of exactly size bytes are hashed when size > 0, so
// a search costs little more than a directory walk. Unreadable folders and files are passed
// over. No match is an error wrapping ErrOffline.
func FindByHash(ctx context.Context, dirs []string, want string, size int64) (string, error) {
	if !strings.HasPrefix(want, HashPrefix) {
		return "", fmt.Errorf("hash %q: want %s<hex>", want, HashPrefix)
	}
	var found string
	stop := errors.New("found")
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			if err != nil {
				if d != nil && d.IsDir() && p != dir {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			if size > 0 {
				st, err := d.Info()
				if err != nil || st.Size() != size {
					return nil
				}
			}
			h, err := Hash(ctx, p)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return nil
			}
			if h == want {
				found = p
				return stop
			}
			return nil
		})
		if found != "" {
			return found, nil
		}
		if err != nil && !errors.Is(err, stop) {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
		}
	}
	return "", fmt.Errorf("no file with hash %s under %s: %w", short(want), strings.Join(dirs, ", "), ErrOffline)
}

func short(h string) string {
	if len(h) > len(HashPrefix)+12 {
		return h[:len(HashPrefix)+12] + "…"
	}
	return h
}
