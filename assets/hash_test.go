package assets_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/assets"
)

func TestHash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := media(t, "av.mp4")
	a := copyTo(t, src, dir, "a.mp4")
	b := copyTo(t, src, dir, "b.mp4")
	t.Run("is the SHA-256 of the content, the same for two copies and on every run", func(t *testing.T) {
		content, _ := os.ReadFile(src)
		sum := sha256.Sum256(content)
		want := "sha256:" + hex.EncodeToString(sum[:])
		for _, p := range []string{a, b, a} {
			if h, err := assets.Hash(ctx, p); err != nil || h != want {
				t.Errorf("%s: %s %v, want %s", p, h, err, want)
			}
		}
	})
	t.Run("changes when one byte changes", func(t *testing.T) {
		c := copyTo(t, src, dir, "c.mp4")
		f, _ := os.OpenFile(c, os.O_RDWR, 0)
		f.WriteAt([]byte{0xff ^ firstByteAt(t, src, 1000)}, 1000)
		f.Close()
		ha, _ := assets.Hash(ctx, a)
		hc, err := assets.Hash(ctx, c)
		if err != nil || ha == hc {
			t.Errorf("hash unchanged (%v)", err)
		}
	})
	t.Run("a cancelled context stops it", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := assets.Hash(c, a); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a missing file is offline, a directory is bad media", func(t *testing.T) {
		if _, err := assets.Hash(ctx, filepath.Join(dir, "nope")); !errors.Is(err, assets.ErrOffline) {
			t.Errorf("missing: %v", err)
		}
		if _, err := assets.Hash(ctx, dir); !errors.Is(err, assets.ErrBadMedia) {
			t.Errorf("directory: %v", err)
		}
	})
	t.Run("an image sequence hashes its frames in order", func(t *testing.T) {
		pattern := media(t, "seq")
		h1, err := assets.HashSequence(ctx, pattern, 7, 12)
		if err != nil {
			t.Fatal(err)
		}
		h2, _ := assets.HashSequence(ctx, pattern, 7, 11)
		h3, _ := assets.HashSequence(ctx, pattern, 7, 12)
		if h1 == h2 || h1 != h3 {
			t.Errorf("12 frames %s, 11 frames %s, again %s", h1, h2, h3)
		}
	})
}

func firstByteAt(t *testing.T, path string, off int64) byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b [1]byte
	f.ReadAt(b[:], off)
	return b[0]
}

func TestQuickKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.bin")
	os.WriteFile(p, []byte("one"), 0o644)
	k1, err := assets.QuickKey(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("is stable while the file is untouched", func(t *testing.T) {
		if k2, _ := assets.QuickKey(p); k2 != k1 {
			t.Errorf("%s then %s", k1, k2)
		}
	})
	t.Run("changes when the file is rewritten", func(t *testing.T) {
		os.WriteFile(p, []byte("two!"), 0o644)
		if k2, _ := assets.QuickKey(p); k2 == k1 {
			t.Errorf("unchanged %s", k2)
		}
	})
	t.Run("changes when only the time changes", func(t *testing.T) {
		k2, _ := assets.QuickKey(p)
		later := time.Now().Add(time.Hour)
		os.Chtimes(p, later, later)
		if k3, _ := assets.QuickKey(p); k3 == k2 {
			t.Errorf("unchanged %s", k3)
		}
	})
	t.Run("a missing file is offline", func(t *testing.T) {
		if _, err := assets.QuickKey(filepath.Join(dir, "x")); !errors.Is(err, assets.ErrOffline) {
			t.Errorf("got %v", err)
		}
	})
}

func TestFindByHash(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	src := media(t, "tone.wav")
	want, _ := assets.Hash(ctx, src)
	st, _ := os.Stat(src)
	os.MkdirAll(filepath.Join(root, "x", "y"), 0o755)
	// A decoy of the same size but different content comes first in walk order.
	decoy, _ := os.ReadFile(src)
	decoy[len(decoy)-1] ^= 1
	os.WriteFile(filepath.Join(root, "a-decoy.wav"), decoy, 0o644)
	moved := copyTo(t, src, filepath.Join(root, "x", "y"), "renamed.wav")
	t.Run("finds a moved and renamed file in a subfolder", func(t *testing.T) {
		got, err := assets.FindByHash(ctx, []string{t.TempDir(), root}, want, st.Size())
		if err != nil || got != moved {
			t.Errorf("got %q %v, want %q", got, err, moved)
		}
	})
	t.Run("without a size it still finds it", func(t *testing.T) {
		got, err := assets.FindByHash(ctx, []string{root}, want, 0)
		if err != nil || got != moved {
			t.Errorf("got %q %v", got, err)
		}
	})
	t.Run("no match is offline", func(t *testing.T) {
		_, err := assets.FindByHash(ctx, []string{filepath.Join(root, "x")}, "sha256:"+strings.Repeat("0", 64), 0)
		if !errors.Is(err, assets.ErrOffline) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a cancelled context stops the search", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := assets.FindByHash(c, []string{root}, want, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
}
