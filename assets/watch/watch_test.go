package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/assets/watch"
)

const settle = 300 * time.Millisecond

// start watches dir, pre-filled with files, with a short settle time.
func start(t *testing.T, files ...string) (string, <-chan watch.Event, context.CancelFunc) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		write(t, filepath.Join(dir, f), "old")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := watch.Watch(ctx, []string{dir}, watch.Options{Settle: settle, OnError: func(err error) { t.Log(err) }})
	if err != nil {
		t.Fatal(err)
	}
	return dir, ch, cancel
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// collect gathers events until none has come for quiet (or limit passes).
func collect(t *testing.T, ch <-chan watch.Event, quiet, limit time.Duration) []watch.Event {
	t.Helper()
	var got []watch.Event
	deadline := time.After(limit)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, ev)
		case <-time.After(quiet):
			return got
		case <-deadline:
			return got
		}
	}
}

func names(evs []watch.Event, dir string) string {
	var s []string
	for _, e := range evs {
		r, _ := filepath.Rel(dir, e.Path)
		s = append(s, e.Kind.String()+" "+r)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func TestWatch(t *testing.T) {
	t.Run("a file written in chunks over time is one Added, after the last write", func(t *testing.T) {
		dir, ch, _ := start(t)
		p := filepath.Join(dir, "clip.mov")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		// Gaps of a third of Settle keep the file unsettled between chunks even when a
		// loaded machine oversleeps a little.
		var last time.Time
		for i := 0; i < 6; i++ {
			if i > 0 {
				time.Sleep(settle / 3)
			}
			last = time.Now() // before the write, so the watcher cannot have seen it earlier
			if _, err := f.Write([]byte(strings.Repeat("x", 4096))); err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
		var first watch.Event
		select {
		case first = <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
		got := time.Now()
		if first.Kind != watch.Added || first.Path != p {
			t.Fatalf("got %v", first)
		}
		// Measured from the last write itself (not from after a sleep a loaded machine may
		// stretch), so the bound is exact: no event before the file held still for Settle.
		if got.Sub(last) < settle {
			t.Errorf("reported %v after the last write, before the size could have settled for %v", got.Sub(last), settle)
		}
		if more := collect(t, ch, 3*settle, 5*time.Second); len(more) != 0 {
			t.Errorf("more events: %v", more)
		}
	})
	t.Run("a known file rewritten several times is one Changed", func(t *testing.T) {
		dir, ch, _ := start(t, "a.wav")
		for i := 0; i < 3; i++ {
			write(t, filepath.Join(dir, "a.wav"), strings.Repeat("y", 100*(i+1)))
			time.Sleep(settle / 4)
		}
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "changed a.wav" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a deleted file is Removed", func(t *testing.T) {
		dir, ch, _ := start(t, "a.wav", "b.wav")
		os.Remove(filepath.Join(dir, "a.wav"))
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "removed a.wav" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a renamed file is Removed under its old name and Added under the new", func(t *testing.T) {
		dir, ch, _ := start(t, "a.wav")
		os.Rename(filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav"))
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added b.wav, removed a.wav" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a file moved out of the folder is Removed", func(t *testing.T) {
		dir, ch, _ := start(t, "a.wav")
		os.Rename(filepath.Join(dir, "a.wav"), filepath.Join(t.TempDir(), "a.wav"))
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "removed a.wav" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("new subfolders are watched, files in them reported", func(t *testing.T) {
		dir, ch, _ := start(t)
		sub := filepath.Join(dir, "day1", "cam")
		os.MkdirAll(sub, 0o755)
		write(t, filepath.Join(sub, "one.mp4"), "1")
		time.Sleep(settle)
		write(t, filepath.Join(sub, "two.mp4"), "2")
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added day1/cam/one.mp4, added day1/cam/two.mp4" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a removed subfolder removes the files in it", func(t *testing.T) {
		dir, ch, _ := start(t)
		os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
		write(t, filepath.Join(dir, "sub", "x.mp4"), "1")
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added sub/x.mp4" {
			t.Fatalf("got %q", got)
		}
		os.RemoveAll(filepath.Join(dir, "sub"))
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "removed sub/x.mp4" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a renamed subfolder is watched under its new name, the folders in it too", func(t *testing.T) {
		dir, ch, _ := start(t)
		os.MkdirAll(filepath.Join(dir, "a", "sub"), 0o755)
		write(t, filepath.Join(dir, "a", "x.mp4"), "1")
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added a/x.mp4" {
			t.Fatalf("got %q", got)
		}
		if err := os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b")); err != nil {
			t.Fatal(err)
		}
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added b/x.mp4, removed a/x.mp4" {
			t.Fatalf("got %q", got)
		}
		write(t, filepath.Join(dir, "b", "y.mp4"), "2")
		write(t, filepath.Join(dir, "b", "sub", "z.mp4"), "3")
		write(t, filepath.Join(dir, "b", "x.mp4"), "11")
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added b/sub/z.mp4, added b/y.mp4, changed b/x.mp4" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("dotfiles, temporary and partial downloads are ignored", func(t *testing.T) {
		dir, ch, _ := start(t)
		for _, n := range []string{".hidden.mp4", "x.tmp", "y.mp4.part", "z.mp4~", "dl.crdownload"} {
			write(t, filepath.Join(dir, n), "x")
		}
		os.Mkdir(filepath.Join(dir, ".cache"), 0o755)
		write(t, filepath.Join(dir, ".cache", "thumb.png"), "x")
		write(t, filepath.Join(dir, "real.mp4"), "x")
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added real.mp4" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("a download renamed to its final name is Added once", func(t *testing.T) {
		dir, ch, _ := start(t)
		write(t, filepath.Join(dir, "take.mp4.part"), "data")
		os.Rename(filepath.Join(dir, "take.mp4.part"), filepath.Join(dir, "take.mp4"))
		if got := names(collect(t, ch, 3*settle, 10*time.Second), dir); got != "added take.mp4" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("the channel closes when the context ends", func(t *testing.T) {
		_, ch, cancel := start(t)
		cancel()
		select {
		case _, ok := <-ch:
			if ok {
				t.Error("got an event, want a closed channel")
			}
		case <-time.After(5 * time.Second):
			t.Error("channel still open")
		}
	})
}

func TestWatchRefusesWhatIsNotAFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.mp4")
	write(t, file, "x")
	for _, tc := range []struct{ name, path, msg string }{
		{"a file", file, "not a folder"},
		{"a missing folder", filepath.Join(dir, "nope"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := watch.Watch(context.Background(), []string{tc.path}, watch.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v", err)
			}
		})
	}
}
