package project_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/project"
)

const lockChildEnv = "SLATE_PROJECT_LOCK_CHILD"

// lockChild opens the project for writing, says so, and holds it until stdin closes.
func lockChild(path string) {
	p, err := project.Open(path, project.NoBackups())
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("open")
	bufio.NewReader(os.Stdin).ReadString('\n')
	p.Close()
}

func TestASecondWriterIsRefusedAndReadersAreNot(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter...)

	t.Run("a second writer in the same process is refused with a clear message", func(t *testing.T) {
		_, err := project.Open(path)
		if !errors.Is(err, project.ErrLocked) {
			t.Fatalf("got %v, want ErrLocked", err)
		}
		if want := path + " is already open for writing by another Slate process"; err.Error() != want {
			t.Fatalf("message %q, want %q", err, want)
		}
	})
	t.Run("a reader opens beside the writer", func(t *testing.T) {
		r, err := project.OpenReadOnly(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if !r.Timeline().Equal(p.Timeline()) {
			t.Fatal("the reader sees another timeline")
		}
		if err := r.Apply(cmd(t, `{"op":"add-track","kind":"video"}`)); !errors.Is(err, project.ErrReadOnly) {
			t.Fatalf("a reader edited: %v", err)
		}
	})
	t.Run("the writer still works after a reader closed", func(t *testing.T) {
		apply(t, p, `{"op":"add-marker","at":5}`)
		if err := p.Check(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	p.Close()

	t.Run("a writer in another process locks the file until it dies", func(t *testing.T) {
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), lockChildEnv+"="+path)
		stdin, _ := child.StdinPipe()
		out, _ := child.StdoutPipe()
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if strings.TrimSpace(line) != "open" {
			t.Fatalf("child: %q", line)
		}
		_, err := project.Open(path)
		if !errors.Is(err, project.ErrLocked) {
			child.Process.Kill()
			t.Fatalf("opened a project another process is writing: %v", err)
		}
		r, err := project.OpenReadOnly(path)
		if err != nil {
			t.Fatalf("a reader was blocked by the other process: %v", err)
		}
		r.Close()
		child.Process.Kill() // SIGKILL: no chance to unlock
		child.Wait()
		stdin.Close()
		q, err := project.Open(path, project.NoBackups())
		if err != nil {
			t.Fatalf("the lock outlived the process that held it: %v", err)
		}
		q.Close()
	})
}

func TestAProjectReachedThroughASymlinkIsTheSameProject(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter[:4]...)
	p.Close()
	link := filepath.Join(t.TempDir(), "link.slate")
	if err := os.Symlink(path, link); err != nil {
		t.Skip(err)
	}
	w, err := project.Open(link, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := project.Open(path); !errors.Is(err, project.ErrLocked) {
		t.Fatalf("the real path opened beside the link: %v", err)
	}
	r, err := project.OpenReadOnly(link)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	apply(t, w, `{"op":"add-marker","at":3}`)
	if changed, err := r.Changed(); err != nil || !changed {
		t.Fatalf("a reader through the link misses the writer's commit (%v)", err)
	}
	if err := r.Reload(); err != nil || !r.Timeline().Equal(w.Timeline()) {
		t.Fatalf("reload through the link: %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced")
	}
}
