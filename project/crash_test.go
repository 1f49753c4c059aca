package project_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline/edit"
)

// The crash test runs this test binary again as a child (crashChildEnv names the project);
// the child edits in a loop until it is killed.
const crashChildEnv = "SLATE_PROJECT_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	if path := os.Getenv(lockChildEnv); path != "" {
		lockChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild commits numbered groups forever: the group that becomes history step N is named
// "cmd N" and holds a few random commands and a marker named "cmd N"; "N" is printed once End
// has returned.
func crashChild(path string) {
	p, err := project.Open(path, project.NoBackups())
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	n := len(p.History().Done)
	r := rand.New(rand.NewPCG(uint64(n), uint64(os.Getpid())))
	for ; ; n++ {
		name := fmt.Sprintf("cmd %d", n)
		if err := p.Begin(name); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		for range r.IntN(4) {
			c, err := edit.Unmarshal([]byte(randomCommand(r, p.Timeline())))
			if err == nil {
				p.Apply(c) // refused commands change nothing
			}
		}
		c, _ := edit.Unmarshal([]byte(fmt.Sprintf(`{"op":"add-marker","at":%d,"name":%q}`, n, name)))
		if err := p.Apply(c); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		if err := p.End(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		fmt.Fprintln(os.Stdout, n) // unbuffered: the parent sees it at once
	}
}

func TestEveryReportedCommitSurvivesSIGKILL(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter...)
	base := p.Timeline().Clone()
	baseSteps := len(p.History().Done)
	p.Close()

	kills := 30
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	reported := baseSteps - 1 // the last step the child reported committed
	for run := range kills {
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), crashChildEnv+"="+path)
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		child.Stderr = &stderr
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		last := -1
		done := make(chan struct{})
		working := make(chan struct{}) // closed at the first report
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, err := strconv.Atoi(sc.Text()); err == nil {
					mu.Lock()
					if last < 0 {
						close(working)
					}
					last = n
					mu.Unlock()
				}
			}
		}()
		// Kill at a random moment: one run in three counts from the start (so the kill may
		// land while it starts or recovers the file), the others from its first commit (so it
		// lands mid-loop, whatever the machine's load).
		if run%3 != 0 {
			select {
			case <-working:
			case <-done:
			case <-time.After(10 * time.Second):
			}
		}
		time.Sleep(time.Duration(1+r.IntN(250)) * time.Millisecond)
		child.Process.Kill() // SIGKILL
		<-done
		child.Wait()
		if strings.Contains(stderr.String(), "child:") {
			t.Fatalf("run %d: the child failed on its own: %s", run, stderr.String())
		}
		mu.Lock()
		if last > reported {
			reported = last
		}
		mu.Unlock()

		q, err := project.Open(path, project.NoBackups())
		if err != nil {
			t.Fatalf("run %d: reopening after SIGKILL: %v", run, err)
		}
		if err := q.Check(t.Context()); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		h := q.History()
		// Group N is history step N. Every reported group is there, in order, and at most one
		// more (committed, then killed before it could print).
		got := len(h.Done)
		if got < reported+1 || got > reported+2 {
			t.Fatalf("run %d: %d history steps in the file, but the child reported step %d", run, got, reported)
		}
		for i := baseSteps; i < got; i++ {
			if want := fmt.Sprintf("cmd %d", i); h.Done[i].Name != want {
				t.Fatalf("run %d: history step %d is %q, want %q", run, i, h.Done[i].Name, want)
			}
		}
		// The rows agree with the history: replaying it from the start gives the loaded timeline.
		replay := base.Clone()
		for _, e := range h.Done[baseSteps:] {
			if _, err := e.Do.Apply(replay); err != nil {
				t.Fatalf("run %d: replaying %s: %v", run, e.Name, err)
			}
		}
		if !replay.Equal(q.Timeline()) {
			t.Fatalf("run %d: the stored timeline is not the replayed history", run)
		}
		reported = got - 1
		q.Close()
		t.Logf("run %d: %d groups committed so far", run, got-baseSteps)
	}
	if reported-baseSteps < kills {
		t.Fatalf("only %d groups were committed over %d runs: the child did not get to work", reported+1-baseSteps, kills)
	}
	if matches, _ := filepath.Glob(path + "-*"); len(matches) != 0 {
		t.Errorf("files left beside the project after a clean close: %v", matches)
	}
}
