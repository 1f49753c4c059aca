package gen_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slate-nle/slate/render/gen"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// deadOwner is an owner string naming a process that has exited on this host.
func deadOwner(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	h, _ := os.Hostname()
	return fmt.Sprintf("%d@%s", cmd.Process.Pid, h)
}

func newQueue(t *testing.T, st gen.Store, media string, owner string, bs ...gen.Backend) *gen.Queue {
	t.Helper()
	q, err := gen.New(ctxT(t), gen.Config{Store: st, MediaDir: media, Backends: bs, Owner: owner, Poll: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

func enqueue(t *testing.T, q *gen.Queue, r gen.Request) gen.Job {
	t.Helper()
	p, err := q.Prepare(ctxT(t), r, gen.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := q.Enqueue(ctxT(t), p, gen.JobOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// waitState polls the store until the job reaches a state.
func waitState(t *testing.T, st gen.Store, id int64, want gen.JobState) gen.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := st.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == want {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (%s), want %s", id, j.State, j.Message, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestAJobRunsToATakeWithItsOutputsLedgerAndProvenance(t *testing.T) {
	dir := t.TempDir()
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	f.auto = true
	q := newQueue(t, st, dir, "", f)
	j := enqueue(t, q, request("a lighthouse at dusk", 7))
	done, err := q.Wait(ctxT(t), j.ID)
	if err != nil || done.State != gen.JobSucceeded {
		t.Fatalf("job %+v, %v", done, err)
	}
	take, err := st.Take(ctxT(t), done.TakeID)
	if err != nil {
		t.Fatal(err)
	}
	if take.Request.Seed != 7 || take.Request.Prompt != "a lighthouse at dusk" || take.FromCache {
		t.Errorf("take request %+v", take.Request)
	}
	b, err := os.ReadFile(filepath.Join(dir, take.Outputs[0].Path))
	if err != nil || string(b) != "a lighthouse at dusk seed 7" {
		t.Errorf("output in the media folder: %q, %v", b, err)
	}
	prov, err := gen.ReadSidecar(filepath.Join(dir, take.Outputs[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	if prov.Seed != 7 || prov.Backend != "fake" || prov.Output.SHA256 != take.Outputs[0].SHA256 || prov.PromptSHA256 == "" || prov.CacheKey != take.CacheKey {
		t.Errorf("provenance %+v", prov)
	}
	led, _ := st.Ledger(ctxT(t))
	if len(led) != 1 || led[0].Cost.USD != gen.Dollars(1) || led[0].TakeID != take.ID {
		t.Errorf("ledger %+v", led)
	}
}

func TestAFailedJobIsNotRetriedAndCostsNothingUncharged(t *testing.T) {
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	f.auto, f.fail = true, true
	q := newQueue(t, st, t.TempDir(), "", f)
	j := enqueue(t, q, request("refused", 1))
	done, _ := q.Wait(ctxT(t), j.ID)
	if done.State != gen.JobFailed || done.Message != "the model refused" {
		t.Errorf("job %s %q", done.State, done.Message)
	}
	time.Sleep(20 * time.Millisecond)
	if n := f.totalSubmits(); n != 1 {
		t.Errorf("%d submissions, want exactly 1 (no automatic retry)", n)
	}
	b, _ := st.Budget(ctxT(t))
	if b.Spent != 0 || b.Reserved != 0 {
		t.Errorf("budget after a failure %+v", b)
	}
}

func TestTheCache(t *testing.T) {
	dir := t.TempDir()
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	f.auto = true
	q := newQueue(t, st, dir, "", f)
	first, _ := q.Wait(ctxT(t), enqueue(t, q, request("rain", 3)).ID)

	t.Run("an identical request replays the outputs at no cost and says so", func(t *testing.T) {
		p, err := q.Prepare(ctxT(t), request("rain", 3), gen.PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Cached == nil {
			t.Fatal("no cache hit for an identical request")
		}
		j, err := q.Enqueue(ctxT(t), p, gen.JobOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if j.State != gen.JobSucceeded {
			t.Fatalf("replayed job is %s", j.State)
		}
		take, _ := st.Take(ctxT(t), j.TakeID)
		orig, _ := st.Take(ctxT(t), first.TakeID)
		if !take.FromCache || take.Cost.USD != 0 || take.Outputs[0].SHA256 != orig.Outputs[0].SHA256 || take.Outputs[0].Path != orig.Outputs[0].Path {
			t.Errorf("replayed take %+v", take)
		}
		if f.totalSubmits() != 1 {
			t.Errorf("backend saw %d submissions, want 1", f.totalSubmits())
		}
		led, _ := st.Ledger(ctxT(t))
		if len(led) != 1 {
			t.Errorf("ledger has %d entries, want the one paid run", len(led))
		}
	})
	t.Run("another seed misses", func(t *testing.T) {
		p, _ := q.Prepare(ctxT(t), request("rain", 4), gen.PrepareOptions{})
		if p.Cached != nil {
			t.Error("a different seed hit the cache")
		}
	})
	t.Run("a fresh re-run skips the cache", func(t *testing.T) {
		p, _, err := q.Rerun(ctxT(t), first.TakeID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Cached != nil || p.Request.Seed != 3 {
			t.Errorf("re-run plan %+v", p)
		}
	})
	t.Run("a deleted output is a miss, not a broken take", func(t *testing.T) {
		orig, _ := st.Take(ctxT(t), first.TakeID)
		os.Remove(filepath.Join(dir, orig.Outputs[0].Path))
		p, _ := q.Prepare(ctxT(t), request("rain", 3), gen.PrepareOptions{})
		if p.Cached != nil {
			t.Error("cache hit with the output file gone")
		}
	})
}

func TestTheBudgetCapHoldsUnderFiftyConcurrentSubmissions(t *testing.T) {
	st := gen.NewMemStore()
	if err := st.SetBudget(ctxT(t), true, gen.Dollars(10)); err != nil {
		t.Fatal(err)
	}
	f := newFake(t.TempDir())
	f.auto = true
	q := newQueue(t, st, t.TempDir(), "", f)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, over := 0, 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p, err := q.Prepare(context.Background(), request(fmt.Sprintf("shot %d", i), int64(i)), gen.PrepareOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			_, err = q.Enqueue(context.Background(), p, gen.JobOptions{})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, gen.ErrOverBudget):
				over++
			default:
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if err := q.Drain(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if ok != 10 || over != 40 {
		t.Errorf("%d accepted and %d refused, want 10 and 40", ok, over)
	}
	if n := f.totalSubmits(); n != 10 {
		t.Errorf("backend saw %d submissions, want 10", n)
	}
	b, _ := st.Budget(ctxT(t))
	if b.Spent != gen.Dollars(10) || b.Reserved != 0 {
		t.Errorf("budget %+v, want $10 spent, nothing reserved", b)
	}
	if _, err := q.Enqueue(ctxT(t), gen.Plan{Request: request("one more", 99), Estimate: gen.Estimate{USD: 1}}, gen.JobOptions{}); !errors.Is(err, gen.ErrOverBudget) {
		t.Errorf("a job past a spent budget: %v", err)
	}
}

func TestPerBackendConcurrencyIsRespected(t *testing.T) {
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	f.conc = 2
	q := newQueue(t, st, t.TempDir(), "", f)
	var ids []int64
	for i := 0; i < 6; i++ {
		ids = append(ids, enqueue(t, q, request("c", int64(i))).ID)
	}
	time.Sleep(50 * time.Millisecond)
	if n := f.totalSubmits(); n != 2 {
		t.Errorf("%d submitted while two slots are busy, want 2", n)
	}
	j, _ := st.Job(ctxT(t), ids[5])
	if j.State != gen.JobQueued {
		t.Errorf("the sixth job is %s, want queued", j.State)
	}
	go func() {
		for i := 0; i < 100; i++ {
			f.release()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	if err := q.Drain(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if f.maxInflight != 2 {
		t.Errorf("at most %d in flight, want 2", f.maxInflight)
	}
}

func TestCancel(t *testing.T) {
	t.Run("a running job is cancelled on its backend and costs nothing", func(t *testing.T) {
		st := gen.NewMemStore()
		f := newFake(t.TempDir())
		q := newQueue(t, st, t.TempDir(), "", f)
		j := enqueue(t, q, request("x", 1))
		waitState(t, st, j.ID, gen.JobRunning)
		if err := q.Cancel(ctxT(t), j.ID); err != nil {
			t.Fatal(err)
		}
		done, _ := q.Wait(ctxT(t), j.ID)
		if done.State != gen.JobCancelled || f.cancels != 1 || done.TakeID != 0 {
			t.Errorf("job %s, %d backend cancels, take %d", done.State, f.cancels, done.TakeID)
		}
		b, _ := st.Budget(ctxT(t))
		if b.Spent != 0 || b.Reserved != 0 {
			t.Errorf("budget %+v", b)
		}
	})
	t.Run("a queued job is cancelled without ever being sent", func(t *testing.T) {
		st := gen.NewMemStore()
		f := newFake(t.TempDir())
		f.conc = 1
		q := newQueue(t, st, t.TempDir(), "", f)
		first := enqueue(t, q, request("first", 1))
		waitState(t, st, first.ID, gen.JobRunning)
		second := enqueue(t, q, request("second", 2))
		if err := q.Cancel(ctxT(t), second.ID); err != nil {
			t.Fatal(err)
		}
		done, _ := q.Wait(ctxT(t), second.ID)
		if done.State != gen.JobCancelled || f.submitsOf(done.Key) != 0 {
			t.Errorf("job %s, sent %d times", done.State, f.submitsOf(done.Key))
		}
		f.release()
	})
	t.Run("another process's job is flagged and its owner cancels it", func(t *testing.T) {
		st := gen.NewMemStore()
		f := newFake(t.TempDir())
		owner := newQueue(t, st, t.TempDir(), "", f)
		other := newQueue(t, st, t.TempDir(), "1@another-host", f)
		j := enqueue(t, owner, request("remote cancel", 5))
		waitState(t, st, j.ID, gen.JobRunning)
		if err := other.Cancel(ctxT(t), j.ID); err != nil {
			t.Fatal(err)
		}
		waitState(t, st, j.ID, gen.JobCancelled)
	})
	t.Run("a finished job cannot be cancelled", func(t *testing.T) {
		st := gen.NewMemStore()
		f := newFake(t.TempDir())
		f.auto = true
		q := newQueue(t, st, t.TempDir(), "", f)
		j := enqueue(t, q, request("done", 1))
		q.Wait(ctxT(t), j.ID)
		if err := q.Cancel(ctxT(t), j.ID); err == nil {
			t.Error("cancelled a succeeded job")
		}
	})
}

func TestRecoveryAfterACrash(t *testing.T) {
	t.Run("a job running when the process died is followed to its take, never resubmitted", func(t *testing.T) {
		st := gen.NewMemStore()
		media := t.TempDir()
		f := newFake(t.TempDir())
		dead := deadOwner(t)
		a := newQueue(t, st, media, dead, f)
		j := enqueue(t, a, request("crash", 1))
		waitState(t, st, j.ID, gen.JobRunning)
		a.Close() // the process dies mid-job
		time.Sleep(20 * time.Millisecond)
		b := newQueue(t, st, media, "", f)
		took, err := b.Recover(ctxT(t))
		if err != nil || len(took) != 1 {
			t.Fatalf("recovered %v, %v", took, err)
		}
		f.release()
		done, _ := b.Wait(ctxT(t), j.ID)
		if done.State != gen.JobSucceeded || done.TakeID == 0 {
			t.Errorf("recovered job %s %q", done.State, done.Message)
		}
		if n := f.submitsOf(j.Key); n != 1 {
			t.Errorf("submitted %d times, want 1", n)
		}
	})
	t.Run("a job that reached the backend while submitting is found by key, not sent again", func(t *testing.T) {
		st := gen.NewMemStore()
		media := t.TempDir()
		f := newFake(t.TempDir())
		hang := make(chan struct{})
		t.Cleanup(func() { close(hang) })
		f.afterAccept = func() { <-hang } // dies after the backend accepted, before the handle was recorded
		a := newQueue(t, st, media, deadOwner(t), f)
		j := enqueue(t, a, request("lost handle", 1))
		waitState(t, st, j.ID, gen.JobSubmitting)
		for f.submitsOf(j.Key) == 0 {
			time.Sleep(time.Millisecond)
		}
		a.Close()
		f.afterAccept = nil
		b := newQueue(t, st, media, "", f)
		if _, err := b.Recover(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		f.release()
		done, _ := b.Wait(ctxT(t), j.ID)
		if done.State != gen.JobSucceeded {
			t.Errorf("job %s %q", done.State, done.Message)
		}
		if n := f.submitsOf(j.Key); n != 1 {
			t.Errorf("submitted %d times, want 1", n)
		}
	})
	t.Run("a job that never reached a key-aware backend is sent once on recovery", func(t *testing.T) {
		st := gen.NewMemStore()
		media := t.TempDir()
		f := newFake(t.TempDir())
		hang := make(chan struct{})
		t.Cleanup(func() { close(hang) })
		entered := make(chan struct{}, 1)
		f.beforeAccept = func() { entered <- struct{}{}; <-hang }
		a := newQueue(t, st, media, deadOwner(t), f)
		j := enqueue(t, a, request("never arrived", 1))
		<-entered
		a.Close()
		f.beforeAccept = nil
		b := newQueue(t, st, media, "", f)
		if _, err := b.Recover(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		for f.submitsOf(j.Key) == 0 {
			time.Sleep(time.Millisecond)
		}
		f.release()
		done, _ := b.Wait(ctxT(t), j.ID)
		if done.State != gen.JobSucceeded || f.submitsOf(j.Key) != 1 {
			t.Errorf("job %s %q, sent %d times", done.State, done.Message, f.submitsOf(j.Key))
		}
	})
	t.Run("a job interrupted while submitting to a backend that cannot be asked is marked lost, not resent", func(t *testing.T) {
		st := gen.NewMemStore()
		media := t.TempDir()
		f := newFake(t.TempDir())
		f.findsByKey = false
		hang := make(chan struct{})
		t.Cleanup(func() { close(hang) })
		entered := make(chan struct{}, 1)
		f.beforeAccept = func() { entered <- struct{}{}; <-hang }
		a := newQueue(t, st, media, deadOwner(t), f)
		j := enqueue(t, a, request("unknowable", 1))
		<-entered
		a.Close()
		f.beforeAccept = nil
		b := newQueue(t, st, media, "", f)
		if _, err := b.Recover(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		done, _ := b.Wait(ctxT(t), j.ID)
		if done.State != gen.JobLost || f.submitsOf(j.Key) != 0 {
			t.Errorf("job %s %q, sent %d times", done.State, done.Message, f.submitsOf(j.Key))
		}
		bud, _ := st.Budget(ctxT(t))
		if bud.Reserved != 0 || bud.Spent != 0 {
			t.Errorf("budget %+v: a lost job must release its reservation and charge nothing", bud)
		}
	})
	t.Run("a queued job of a dead process is sent by the next one", func(t *testing.T) {
		st := gen.NewMemStore()
		media := t.TempDir()
		f := newFake(t.TempDir())
		f.conc = 1
		a := newQueue(t, st, media, deadOwner(t), f)
		enqueue(t, a, request("busy", 1))
		waiting := enqueue(t, a, request("waiting", 2))
		a.Close()
		time.Sleep(20 * time.Millisecond)
		b := newQueue(t, st, media, "", f)
		if _, err := b.Recover(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		go func() {
			for i := 0; i < 200; i++ {
				f.release()
				time.Sleep(5 * time.Millisecond)
			}
		}()
		done, _ := b.Wait(ctxT(t), waiting.ID)
		if done.State != gen.JobSucceeded || f.submitsOf(waiting.Key) != 1 {
			t.Errorf("job %s, sent %d times", done.State, f.submitsOf(waiting.Key))
		}
	})
	t.Run("a live process's jobs are left alone", func(t *testing.T) {
		st := gen.NewMemStore()
		f := newFake(t.TempDir())
		a := newQueue(t, st, t.TempDir(), "", f)
		enqueue(t, a, request("alive", 1))
		b := newQueue(t, st, t.TempDir(), "", f)
		took, _ := b.Recover(ctxT(t))
		if len(took) != 0 {
			t.Errorf("took over %d jobs of a live process", len(took))
		}
		f.release()
	})
}

func TestTakeLineage(t *testing.T) {
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	f.auto = true
	q := newQueue(t, st, t.TempDir(), "", f)
	first, _ := q.Wait(ctxT(t), enqueue(t, q, request("orig", 11)).ID)
	tests := []struct {
		name string
		plan func() (gen.Plan, gen.JobOptions, error)
		kind string
		seed func(int64) bool
		tier gen.Tier
	}{
		{"a re-roll keeps everything but the seed", func() (gen.Plan, gen.JobOptions, error) { return q.Reroll(ctxT(t), first.TakeID, -1) },
			gen.RerollOf, func(s int64) bool { return s != 11 }, gen.Draft},
		{"a promotion keeps the seed and moves to the final model", func() (gen.Plan, gen.JobOptions, error) { return q.Promote(ctxT(t), first.TakeID, "") },
			gen.PromoteOf, func(s int64) bool { return s == 11 }, gen.Final},
		{"a re-run keeps the seed", func() (gen.Plan, gen.JobOptions, error) { return q.Rerun(ctxT(t), first.TakeID) },
			gen.RerunOf, func(s int64) bool { return s == 11 }, gen.Draft},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, o, err := tc.plan()
			if err != nil {
				t.Fatal(err)
			}
			j, err := q.Enqueue(ctxT(t), p, o)
			if err != nil {
				t.Fatal(err)
			}
			done, _ := q.Wait(ctxT(t), j.ID)
			take, _ := st.Take(ctxT(t), done.TakeID)
			if take.Lineage.Kind != tc.kind || take.Lineage.Take != first.TakeID || !tc.seed(take.Request.Seed) || take.Request.Tier != tc.tier {
				t.Errorf("take lineage %+v seed %d tier %s", take.Lineage, take.Request.Seed, take.Request.Tier)
			}
			if tc.tier == gen.Final && take.Request.Model != "pro" {
				t.Errorf("promoted model %q, want pro", take.Request.Model)
			}
		})
	}
	if _, _, err := q.Promote(ctxT(t), 9999, ""); !errors.Is(err, gen.ErrNotFound) {
		t.Errorf("promoting a missing take: %v", err)
	}
}

func TestBadRequestsAreRefusedBeforeAnythingIsWritten(t *testing.T) {
	st := gen.NewMemStore()
	f := newFake(t.TempDir())
	q := newQueue(t, st, t.TempDir(), "", f)
	img := filepath.Join(t.TempDir(), "still.png")
	os.WriteFile(img, []byte("png"), 0o644)
	tests := []struct {
		name   string
		change func(*gen.Request)
		want   string
	}{
		{"an operation the backend lacks", func(r *gen.Request) { r.Op = gen.Speech }, "cannot do speech"},
		{"a duration past the backend's range", func(r *gen.Request) { r.Frames = 24 * 11 }, "outside fake's range"},
		{"a missing image", func(r *gen.Request) { r.Op = gen.ImageToVideo }, "needs --image"},
		{"an image that does not exist", func(r *gen.Request) {
			r.Op, r.Inputs = gen.ImageToVideo, []gen.Input{{Role: gen.RoleImage, Path: "/no/such.png"}}
		}, "no such file"},
		{"an unknown parameter", func(r *gen.Request) {
			r.Op, r.Inputs, r.Params = gen.ImageToVideo, []gen.Input{{Role: gen.RoleImage, Path: img}}, map[string]string{"mood": "x"}
		}, `parameter "mood"`},
		{"a parameter value out of its list", func(r *gen.Request) {
			r.Op, r.Inputs, r.Params = gen.ImageToVideo, []gen.Input{{Role: gen.RoleImage, Path: img}}, map[string]string{"look": "pastel"}
		}, "must be one of noir, sepia"},
		{"an unknown model", func(r *gen.Request) { r.Model = "ultra" }, `model "ultra"`},
		{"an unknown backend", func(r *gen.Request) { r.Backend = "nope" }, `backend "nope"`},
		{"an odd frame size", func(r *gen.Request) { r.Width = 641 }, "must be even"},
		{"an empty prompt", func(r *gen.Request) { r.Prompt = " " }, "needs a prompt"},
	}
	for _, tc := range tests {
		t.Run("refuses "+tc.name, func(t *testing.T) {
			r := request("ok", 1)
			tc.change(&r)
			_, err := q.Prepare(ctxT(t), r, gen.PrepareOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
	jobs, _ := st.Jobs(ctxT(t), false)
	if len(jobs) != 0 || f.totalSubmits() != 0 {
		t.Errorf("%d jobs written, %d sent", len(jobs), f.totalSubmits())
	}
}

func TestACancelFileFromAProcessThatCannotWriteTheProjectIsHonoured(t *testing.T) {
	st := gen.NewMemStore()
	media := t.TempDir()
	f := newFake(t.TempDir())
	q := newQueue(t, st, media, "", f)
	j := enqueue(t, q, request("file cancel", 1))
	waitState(t, st, j.ID, gen.JobRunning)
	if err := gen.RequestCancelByFile(media, j.ID); err != nil {
		t.Fatal(err)
	}
	done, _ := q.Wait(ctxT(t), j.ID)
	if done.State != gen.JobCancelled {
		t.Errorf("job %s", done.State)
	}
	if _, err := os.Stat(gen.CancelFile(media, j.ID)); !os.IsNotExist(err) {
		t.Errorf("the cancel file is left behind: %v", err)
	}
}
