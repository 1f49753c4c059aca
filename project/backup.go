package project

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Backups are whole copies of a project made with SQLite's online backup API (consistent
// even while editing) into NAME.slate-backups/ beside it, named NAME-YYYYMMDD-HHMMSS.mmm.slate
// (UTC). A writer makes one after each BackupEvery of editing (counted from when it opened
// the project, and from each backup) and one on close when there
// are edits since the newest. Retention after each backup: every backup of the last hour
// (at most keepRecent), the newest of each hour of the last day, the newest of each day of
// the last keepDays days, and always the newest keepAlways. Copies saved by Restore
// (…-before-restore.slate) are listed but never pruned.
const (
	keepRecent = 12
	keepDays   = 30
	keepAlways = 3
)

// Backup is one backup copy of a project.
type Backup struct {
	N             int       `json:"n"` // 1 is the newest
	Path          string    `json:"path"`
	Time          time.Time `json:"time"`
	Size          int64     `json:"size"`
	BeforeRestore bool      `json:"before_restore,omitempty"` // the project as it was before a restore
}

const stampLayout = "20060102-150405.000"

var backupName = regexp.MustCompile(`-(\d{8}-\d{6}\.\d{3})(-before-restore)?\.slate$`)

// BackupDir is the folder of a project's backups.
func BackupDir(path string) string { return path + "-backups" }

func backupPath(path string, t time.Time, beforeRestore bool) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	suffix := ""
	if beforeRestore {
		suffix = "-before-restore"
	}
	return filepath.Join(BackupDir(path), base+"-"+t.UTC().Format(stampLayout)+suffix+".slate")
}

// Backups lists a project's backups, newest first. A project without backups has none
// (not an error).
func Backups(path string) ([]Backup, error) {
	es, err := os.ReadDir(BackupDir(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: listing backups: %v", path, err)
	}
	var out []Backup
	for _, e := range es {
		m := backupName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		t, err := time.ParseInLocation(stampLayout, m[1], time.UTC)
		if err != nil {
			continue
		}
		b := Backup{Path: filepath.Join(BackupDir(path), e.Name()), Time: t, BeforeRestore: m[2] != ""}
		if fi, err := e.Info(); err == nil {
			b.Size = fi.Size()
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].Path > out[j].Path
	})
	for i := range out {
		out[i].N = i + 1
	}
	return out, nil
}

// Backup makes a backup now and prunes old ones.
func (p *Project) Backup(ctx context.Context) (Backup, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.editable(); err != nil {
		return Backup{}, err
	}
	return p.backup(ctx)
}

// LastBackupError is the error of the last automatic backup, nil when it worked. Automatic
// backups never fail an edit.
func (p *Project) LastBackupError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.backupErr
}

// autoBackup makes the periodic backup when one is due.
func (p *Project) autoBackup(ctx context.Context) {
	if !p.opts.backups || p.opts.backupEvery <= 0 || p.opts.now().Sub(p.lastBackup) < p.opts.backupEvery {
		return
	}
	_, p.backupErr = p.backup(ctx)
	if p.backupErr != nil {
		// Try again after another interval, not at every commit.
		p.lastBackup = p.opts.now()
	}
}

func (p *Project) backup(ctx context.Context) (Backup, error) {
	now := p.opts.now()
	if err := os.MkdirAll(BackupDir(p.path), 0o755); err != nil {
		return Backup{}, fmt.Errorf("%s: backup: %v", p.path, err)
	}
	dst := backupPath(p.path, now, false)
	for exists(dst) { // two in one millisecond
		now = now.Add(time.Millisecond)
		dst = backupPath(p.path, now, false)
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp")
	if err := p.copyTo(ctx, tmp); err != nil {
		removeDB(tmp)
		return Backup{}, fmt.Errorf("%s: backup: %v", p.path, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		removeDB(tmp)
		return Backup{}, fmt.Errorf("%s: backup: %v", p.path, err)
	}
	syncDir(filepath.Dir(dst))
	p.lastBackup, p.edited = now, false
	prune(p.path, now)
	fi, _ := os.Stat(dst)
	b := Backup{N: 1, Path: dst, Time: now.UTC().Truncate(time.Millisecond)}
	if fi != nil {
		b.Size = fi.Size()
	}
	return b, nil
}

// copyTo writes a consistent copy of the open project to a new file.
func (p *Project) copyTo(ctx context.Context, dst string) error {
	removeDB(dst)
	d, err := openConn(ctx, dst, modeCopy)
	if err != nil {
		return err
	}
	if err := copyDB(d, p.c); err != nil {
		d.close()
		return err
	}
	if err := d.close(); err != nil {
		return err
	}
	f, err := os.Open(dst)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	_, err = readHeader(f, dst, false)
	return err
}

func removeDB(path string) {
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + s)
	}
}

// prune deletes the backups the retention rule no longer keeps.
func prune(path string, now time.Time) {
	bs, err := Backups(path)
	if err != nil {
		return
	}
	hours, days := map[time.Time]bool{}, map[time.Time]bool{}
	recent, kept := 0, 0
	for _, b := range bs { // newest first
		if b.BeforeRestore {
			continue
		}
		age := now.Sub(b.Time)
		keep := kept < keepAlways
		switch {
		case age < time.Hour:
			if recent < keepRecent {
				keep = true
			}
			recent++
		case age < 24*time.Hour:
			h := b.Time.Truncate(time.Hour)
			if !hours[h] {
				hours[h], keep = true, true
			}
		case age < keepDays*24*time.Hour:
			d := b.Time.Truncate(24 * time.Hour)
			if !days[d] {
				days[d], keep = true, true
			}
		}
		if keep {
			kept++
		} else {
			removeDB(b.Path)
		}
	}
}

// Restore puts backup number n (as Backups numbers them) in place of the project file. The
// project must not be open for writing (close the editor); readers should be closed too.
// The current file is first copied into the backup folder as …-before-restore.slate, whose
// path is returned, so a restore can itself be undone.
func Restore(ctx context.Context, path string, n int) (saved string, err error) {
	bs, err := Backups(path)
	if err != nil {
		return "", err
	}
	if n < 1 || n > len(bs) {
		if len(bs) == 0 {
			return "", fmt.Errorf("%s has no backups", path)
		}
		return "", fmt.Errorf("%s: no backup %d (there are %d)", path, n, len(bs))
	}
	b := bs[n-1]
	// The backup must open, so a restore never replaces a project with a broken copy.
	check, err := OpenReadOnly(b.Path)
	if err != nil {
		return "", fmt.Errorf("backup %d is not usable: %v", n, err)
	}
	check.Close()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// Restore the file a symlink points to, not the link; backups stay under the given name.
	file := resolve(path)
	if exists(file) {
		h, err := acquire(file, path, true)
		if err != nil {
			return "", openError(path, err)
		}
		defer h.release()
		saved = backupPath(path, time.Now(), true)
		if err := copyFile(file, saved); err != nil {
			return "", fmt.Errorf("%s: saving the current file before restoring: %v", path, err)
		}
		if exists(file + "-wal") {
			if err := copyFile(file+"-wal", saved+"-wal"); err != nil {
				removeDB(saved)
				return "", fmt.Errorf("%s: saving the current file before restoring: %v", path, err)
			}
		}
	}
	tmp := file + ".restore-tmp"
	removeDB(tmp)
	if err := copyFile(b.Path, tmp); err != nil {
		removeDB(tmp)
		return saved, fmt.Errorf("%s: restoring: %v", path, err)
	}
	// The old log belongs to the old file: it must not be replayed onto the restored one.
	os.Remove(file + "-wal")
	os.Remove(file + "-shm")
	if err := os.Rename(tmp, file); err != nil {
		removeDB(tmp)
		return saved, fmt.Errorf("%s: restoring: %v", path, err)
	}
	if exists(b.Path + "-wal") {
		if err := copyFile(b.Path+"-wal", file+"-wal"); err != nil {
			return saved, fmt.Errorf("%s: restoring: %v", path, err)
		}
	}
	syncDir(filepath.Dir(file))
	return saved, nil
}

// copyFile copies src to a new file dst, synced to disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
