package project_test

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/project"
)

// goodFile writes a closed project of several pages and returns its bytes.
func goodFile(t *testing.T) []byte {
	t.Helper()
	p, path := create(t)
	apply(t, p, starter...)
	for i := range 40 {
		apply(t, p, fmt.Sprintf(`{"op":"add-marker","at":%d,"name":"marker %d","note":"%s"}`, i, i, strings.Repeat("x", 200)))
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBadFilesAreRefusedUntouched(t *testing.T) {
	good := goodFile(t)
	pageSize := int(binary.BigEndian.Uint16(good[16:18]))
	if len(good) < 4*pageSize {
		t.Fatalf("the good file has only %d bytes", len(good))
	}
	patch := func(off int, v uint32) []byte {
		b := append([]byte(nil), good...)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	garbage := append([]byte(nil), good...)
	for i := pageSize; i < len(garbage); i++ {
		garbage[i] = byte(i*7 + 13)
	}
	tests := []struct {
		name string
		make func(path string) // writes the bad file at path
		want error             // wrapped sentinel, or nil when only the message is checked
		says string            // part of the message
	}{
		{"a text file is not a project", func(p string) { os.WriteFile(p, []byte("hello, I am not a database\n"), 0o644) }, project.ErrNotProject, "not a SQLite database"},
		{"an empty file is not a project", func(p string) { os.WriteFile(p, nil, 0o644) }, project.ErrNotProject, "empty"},
		{"a folder is not a project", func(p string) { os.Mkdir(p, 0o755) }, project.ErrNotProject, "folder"},
		{"another program's SQLite database is not a project", func(p string) {
			db, err := sql.Open("sqlite3", p)
			if err == nil {
				_, err = db.Exec(`CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('hi')`)
				db.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
		}, project.ErrNotProject, "SQLite database but not a Slate project"},
		{"a project from a newer Slate is refused", func(p string) { os.WriteFile(p, patch(60, project.SchemaVersion+1), 0o644) }, project.ErrNewer, "update Slate"},
		{"a file cut in half is truncated", func(p string) { os.WriteFile(p, good[:len(good)/2], 0o644) }, project.ErrCorrupt, "truncated"},
		{"a file cut inside its header is truncated", func(p string) { os.WriteFile(p, good[:60], 0o644) }, project.ErrCorrupt, "truncated"},
		{"a file with garbage after its first page is damaged", func(p string) { os.WriteFile(p, garbage, 0o644) }, project.ErrCorrupt, "damaged"},
		{"a header with an impossible page size is damaged", func(p string) {
			b := append([]byte(nil), good...)
			b[16], b[17] = 0x03, 0x00
			os.WriteFile(p, b, 0o644)
		}, project.ErrCorrupt, "page size"},
		{"a file with Slate's id but no format is damaged", func(p string) { os.WriteFile(p, patch(60, 0), 0o644) }, project.ErrCorrupt, "no project format"},
		{"a missing file is named", func(p string) {}, nil, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bad.slate")
			tc.make(path)
			before := fileState(t, dir)
			for _, open := range []struct {
				how string
				f   func(string) (*project.Project, error)
			}{
				{"for writing", func(p string) (*project.Project, error) { return project.Open(p) }},
				{"read-only", project.OpenReadOnly},
			} {
				p, err := open.f(path)
				if err == nil {
					p.Close()
					t.Fatalf("opened %s", open.how)
				}
				msg := err.Error()
				if tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("open %s: %q does not wrap %q", open.how, msg, tc.want)
				}
				if !strings.Contains(msg, path) || !strings.Contains(msg, tc.says) || strings.Contains(msg, "\n") {
					t.Errorf("open %s: %q is not one line naming the file and saying %q", open.how, msg, tc.says)
				}
				if diff := sameFiles(before, fileState(t, dir)); diff != "" {
					t.Fatalf("open %s changed or created %s", open.how, diff)
				}
			}
		})
	}
}

func TestCreateRefusesAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "taken.slate")
	os.WriteFile(path, []byte("precious"), 0o644)
	before := fileState(t, dir)
	if p, err := project.Create(path, hd); err == nil {
		p.Close()
		t.Fatal("created over an existing file")
	} else if !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("message %q", err)
	}
	if diff := sameFiles(before, fileState(t, dir)); diff != "" {
		t.Fatalf("create changed or left %s", diff)
	}
}

// makeReadOnly makes a file or folder unwritable, for root too (chattr +i), and undoes it
// when the test ends.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Getuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("cannot make %s immutable as root: %v %s", path, err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
		return
	}
	fi, _ := os.Stat(path)
	mode := os.FileMode(0o444)
	if fi.IsDir() {
		mode = 0o555
	}
	os.Chmod(path, mode)
	t.Cleanup(func() { os.Chmod(path, fi.Mode()) })
}

func TestAReadOnlyProjectIsRefusedForWritingAndStillReads(t *testing.T) {
	for _, what := range []string{"file", "folder"} {
		t.Run("a read-only "+what, func(t *testing.T) {
			p, path := create(t)
			apply(t, p, starter...)
			want := p.Timeline().Clone()
			p.Close()
			target := path
			if what == "folder" {
				target = filepath.Dir(path)
			}
			makeReadOnly(t, target)
			dir := filepath.Dir(path)
			before := fileState(t, dir)
			if q, err := project.Open(path); err == nil {
				q.Close()
				t.Fatal("opened a read-only project for writing")
			} else if !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), path) {
				t.Fatalf("message %q does not say the project is read-only", err)
			}
			r, err := project.OpenReadOnly(path)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Timeline().Equal(want) {
				t.Fatal("read-only open gave another timeline")
			}
			r.Close()
			if diff := sameFiles(before, fileState(t, dir)); diff != "" {
				t.Fatalf("changed or created %s", diff)
			}
		})
	}
}

func TestAFullDiskRefusesTheEditAndKeepsMemoryAndFileInStep(t *testing.T) {
	p, _ := create(t)
	apply(t, p, starter...)
	before := p.Timeline().Clone()
	hist := historyJSON(t, p.History())
	if err := project.SetMaxPageCount(p, 0); err != nil {
		t.Fatal(err)
	}
	big := fmt.Sprintf(`{"op":"add-marker","at":3,"note":"%s"}`, strings.Repeat("n", 20000))
	grow := func() error {
		if err := p.Begin("many markers"); err != nil {
			return err
		}
		for i := range 20 {
			if err := p.Apply(cmd(t, strings.Replace(big, `"at":3`, fmt.Sprintf(`"at":%d`, i), 1))); err != nil {
				return err
			}
		}
		return p.End()
	}
	err := grow()
	if err == nil {
		t.Fatal("a commit past the size limit worked")
	}
	if !strings.Contains(err.Error(), "full") || !strings.Contains(err.Error(), p.Path()) {
		t.Fatalf("message %q does not say the disk is full", err)
	}
	if !p.Timeline().Equal(before) || historyJSON(t, p.History()) != hist {
		t.Fatal("the refused group stayed in memory")
	}
	if err := p.Apply(cmd(t, big)); err == nil {
		t.Fatal("a single growing command was saved past the limit")
	}
	if !p.Timeline().Equal(before) {
		t.Fatal("the refused command stayed in memory")
	}
	if err := project.SetMaxPageCount(p, 1<<30); err != nil {
		t.Fatal(err)
	}
	if err := grow(); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	want := p.Timeline().Clone()
	p = reopen(t, p)
	if !p.Timeline().Equal(want) {
		t.Fatal("the file is not the project in memory")
	}
	if err := p.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
}
