package project_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/project"
)

func TestABackupIsAConsistentCopyThatCanBeRestored(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter...)
	a := p.Timeline().Clone()
	b1, err := p.Backup(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(b1.Path) != project.BackupDir(path) || b1.Size == 0 {
		t.Fatalf("backup %+v", b1)
	}
	apply(t, p, `{"op":"ripple-delete","clip":7}`, `{"op":"add-marker","at":99,"name":"after the backup"}`)
	bTimeline := p.Timeline().Clone()

	copyOf, err := project.OpenReadOnly(b1.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !copyOf.Timeline().Equal(a) || len(copyOf.History().Done) != len(starter) {
		t.Fatal("the backup is not the project as it was")
	}
	copyOf.Close()

	if _, err := project.Restore(t.Context(), path, 1); !errors.Is(err, project.ErrLocked) {
		t.Fatalf("restored over a project open for writing: %v", err)
	}
	p.Close()
	if _, err := project.Restore(t.Context(), path, 9); err == nil || !strings.Contains(err.Error(), "no backup 9") {
		t.Fatalf("restoring a missing backup: %v", err)
	}
	saved, err := project.Restore(t.Context(), path, 1)
	if err != nil {
		t.Fatal(err)
	}
	q, err := project.Open(path, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	if !q.Timeline().Equal(a) {
		t.Fatal("the restored project is not the backup")
	}
	q.Close()
	old, err := project.OpenReadOnly(saved)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if !old.Timeline().Equal(bTimeline) {
		t.Fatal("the copy saved before restoring is not the project as it was")
	}
	bs, err := project.Backups(path)
	if err != nil || len(bs) != 2 || !bs[0].BeforeRestore || bs[0].N != 1 || bs[1].Path != b1.Path {
		t.Fatalf("backups after a restore: %+v %v", bs, err)
	}
}

func TestBackupsAreMadeWhileEditingAndOnClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "film.slate")
	p, err := project.Create(path, hd) // default: every 10 minutes and on close
	if err != nil {
		t.Fatal(err)
	}
	apply(t, p, starter...)
	if bs, _ := project.Backups(path); len(bs) != 0 {
		t.Fatalf("%d backups after a minute of editing", len(bs))
	}
	p.Close()
	bs, _ := project.Backups(path)
	if len(bs) != 1 {
		t.Fatalf("%d backups after closing, want 1", len(bs))
	}
	// Reopening and closing without edits makes no backup.
	p, err = project.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if bs, _ := project.Backups(path); len(bs) != 1 {
		t.Fatalf("%d backups after a session without edits, want 1", len(bs))
	}
	p, err = project.Open(path, project.BackupEvery(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, p, `{"op":"add-marker","at":1}`, `{"op":"add-marker","at":2}`)
	if bs, _ := project.Backups(path); len(bs) != 3 {
		t.Fatalf("%d backups after two commits with backups due at each, want 3", len(bs))
	}
	if err := p.LastBackupError(); err != nil {
		t.Fatal(err)
	}
	p.Close()
}

func TestOldBackupsArePrunedHourlyThenDaily(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter[:2]...)
	real, err := p.Backup(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(real.Path)
	now := time.Now().UTC()
	name := func(at time.Time, suffix string) string {
		return filepath.Join(project.BackupDir(path), "film-"+at.Format("20060102-150405.000")+suffix+".slate")
	}
	var keep, drop []string
	put := func(at time.Time, kept bool, suffix string) {
		n := name(at, suffix)
		if err := os.WriteFile(n, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if kept {
			keep = append(keep, n)
		} else {
			drop = append(drop, n)
		}
	}
	// 15 in the last hour: with the new one, the 12 newest stay.
	for i := range 15 {
		put(now.Add(-time.Duration(2+3*i)*time.Minute), i < 11, "")
	}
	// The same hour, five hours ago: only the newest of it stays.
	h := now.Add(-5 * time.Hour).Truncate(time.Hour)
	put(h.Add(10*time.Minute), false, "")
	put(h.Add(30*time.Minute), true, "")
	put(h.Add(20*time.Minute), false, "")
	// The same day, three days ago: only the newest of it stays.
	d := now.Add(-3 * 24 * time.Hour).Truncate(24 * time.Hour)
	put(d.Add(time.Hour), false, "")
	put(d.Add(3*time.Hour), true, "")
	// Older than the 30 days: gone, except a copy saved by a restore.
	put(now.Add(-40*24*time.Hour), false, "")
	put(now.Add(-41*24*time.Hour), true, "-before-restore")

	made, err := p.Backup(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	keep = append(keep, made.Path)
	for _, n := range keep {
		if !exists(n) {
			t.Errorf("pruned %s", filepath.Base(n))
		}
	}
	for _, n := range drop {
		if exists(n) {
			t.Errorf("kept %s", filepath.Base(n))
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
