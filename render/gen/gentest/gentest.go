// Package gentest checks that a gen.Store keeps the contract the queue relies on: the budget
// cap holds under concurrent reservations, a job's end is recorded atomically with its take,
// ledger entry and cache entry, claims are compare-and-set, and final jobs stay final. The
// project file's store and gen.MemStore both run it.
package gentest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/timeline/rt"
)

// Store runs the conformance tests; open returns a new, empty store for each subtest.
func Store(t *testing.T, open func(t *testing.T) gen.Store) {
	ctx := context.Background()
	req := func(seed int64) gen.Request {
		return gen.Request{Op: gen.TextToVideo, Backend: "b", Tier: gen.Draft, Prompt: "p", Frames: 24, FPS: rt.Rate24,
			Width: 64, Height: 36, Seed: seed, Camera: gen.Camera{Moves: []gen.Move{{Kind: gen.Dolly, Direction: gen.In, Intensity: 0.3}}, Easing: gen.EaseIn}}
	}
	job := func(key string, usd gen.Micros) *gen.Job {
		return &gen.Job{Key: key, State: gen.JobQueued, Request: req(1), CacheKey: "ck-" + key, Estimate: gen.Estimate{USD: usd}, Owner: "1@h"}
	}

	t.Run("shots round-trip and list in order", func(t *testing.T) {
		s := open(t)
		a := gen.Shot{Name: "opening", Prompt: "fog over a harbour", NegativePrompt: "text", Frames: 120, FPS: rt.Rate24,
			Width: 1280, Height: 720, Seed: -1, Tier: gen.Draft, Camera: req(1).Camera, References: []string{"character:ana"},
			FirstFrame: "/x/first.png", Variations: 3}
		if err := s.CreateShot(ctx, &a); err != nil || a.ID == 0 {
			t.Fatalf("create: %v, id %d", err, a.ID)
		}
		b := gen.Shot{Name: "second", Prompt: "q", FPS: rt.Rate25, Tier: gen.Final}
		s.CreateShot(ctx, &b)
		got, err := s.Shot(ctx, a.ID)
		if err != nil || got.Prompt != a.Prompt || got.Camera.Moves[0] != a.Camera.Moves[0] || got.Camera.Easing != gen.EaseIn ||
			got.References[0] != "character:ana" || got.Seed != -1 || got.FPS != rt.Rate24 || got.Variations != 3 || got.FirstFrame != a.FirstFrame {
			t.Errorf("read back %+v, %v", got, err)
		}
		got.Prompt = "fog, later"
		if err := s.UpdateShot(ctx, got); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Shots(ctx)
		if len(all) != 2 || all[0].ID != a.ID || all[0].Prompt != "fog, later" {
			t.Errorf("shots %+v", all)
		}
		if _, err := s.Shot(ctx, 999); !errors.Is(err, gen.ErrNotFound) {
			t.Errorf("missing shot: %v", err)
		}
	})

	t.Run("the continuity bible replaces an entry by kind and name", func(t *testing.T) {
		s := open(t)
		s.PutReference(ctx, gen.Reference{Kind: "character", Name: "ana", Path: "/a.png", Hash: "1"})
		s.PutReference(ctx, gen.Reference{Kind: "character", Name: "ana", Path: "/b.png", Hash: "2"})
		s.PutReference(ctx, gen.Reference{Kind: "location", Name: "pier", Path: "/p.png", Hash: "3"})
		refs, err := s.References(ctx)
		if err != nil || len(refs) != 2 || refs[0].Path != "/b.png" {
			t.Errorf("references %+v %v", refs, err)
		}
	})

	t.Run("the budget cap holds under fifty concurrent reservations", func(t *testing.T) {
		s := open(t)
		if err := s.SetBudget(ctx, true, gen.Dollars(10)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, over := 0, 0
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := s.ReserveJob(ctx, job(fmt.Sprintf("k%d", i), gen.Dollars(1)))
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if errors.Is(err, gen.ErrOverBudget) {
					over++
				} else {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		if ok != 10 || over != 40 {
			t.Errorf("%d reserved, %d refused; want 10 and 40", ok, over)
		}
		b, _ := s.Budget(ctx)
		if b.Reserved != gen.Dollars(10) || b.Spent != 0 || !b.Capped || b.Left() != 0 {
			t.Errorf("budget %+v", b)
		}
		jobs, _ := s.Jobs(ctx, true)
		if len(jobs) != 10 {
			t.Errorf("%d job rows, want only the 10 reserved", len(jobs))
		}
	})

	t.Run("a job key is unique", func(t *testing.T) {
		s := open(t)
		if err := s.ReserveJob(ctx, job("same", 0)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReserveJob(ctx, job("same", 0)); err == nil {
			t.Error("a second job with the same key was written")
		}
	})

	t.Run("finishing a job records its take, ledger and cache entries together", func(t *testing.T) {
		s := open(t)
		shot := gen.Shot{Name: "s", Prompt: "p", FPS: rt.Rate24, Tier: gen.Draft}
		s.CreateShot(ctx, &shot)
		j := job("fin", gen.Dollars(2))
		j.ShotID = shot.ID
		if err := s.ReserveJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		j.State, j.Handle, j.Progress = gen.JobRunning, gen.Handle{Backend: "b", Key: "fin", ID: "r1"}, 0.5
		if err := s.UpdateJob(ctx, *j); err != nil {
			t.Fatal(err)
		}
		back, _ := s.Job(ctx, j.ID)
		if back.State != gen.JobRunning || back.Handle.ID != "r1" || back.Progress != 0.5 || back.Request.Camera.Moves[0].Kind != gen.Dolly {
			t.Errorf("job read back %+v", back)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		out := []gen.TakeOutput{{Path: "t2v-job1.mp4", Kind: "video", SHA256: "aa", Size: 10, Sidecar: "t2v-job1.mp4.slate.json"}}
		tk := &gen.Take{ShotID: shot.ID, Request: j.Request, CacheKey: j.CacheKey, Outputs: out, Cost: gen.Estimate{USD: gen.Dollars(2)},
			Created: now, Started: now, Finished: now, Lineage: gen.Lineage{}}
		l := &gen.LedgerEntry{Backend: "b", ShotID: shot.ID, Cost: gen.Estimate{USD: gen.Dollars(2), Credits: 20}, Note: "t2v"}
		c := &gen.CacheEntry{Key: j.CacheKey, Outputs: out}
		j.State = gen.JobSucceeded
		if err := s.FinishJob(ctx, j, tk, l, c); err != nil {
			t.Fatal(err)
		}
		if tk.ID == 0 || j.TakeID != tk.ID {
			t.Fatalf("take id %d, job's take %d", tk.ID, j.TakeID)
		}
		gotTake, err := s.Take(ctx, tk.ID)
		if err != nil || gotTake.Outputs[0] != out[0] || gotTake.JobID != j.ID || gotTake.Request.Seed != 1 || !gotTake.Finished.Equal(now) {
			t.Errorf("take %+v %v", gotTake, err)
		}
		led, _ := s.Ledger(ctx)
		if len(led) != 1 || led[0].Cost.USD != gen.Dollars(2) || led[0].Cost.Credits != 20 || led[0].TakeID != tk.ID || led[0].JobID != j.ID {
			t.Errorf("ledger %+v", led)
		}
		ce, ok, _ := s.Cached(ctx, j.CacheKey)
		if !ok || ce.TakeID != tk.ID || ce.Outputs[0] != out[0] {
			t.Errorf("cache %+v %v", ce, ok)
		}
		b, _ := s.Budget(ctx)
		if b.Spent != gen.Dollars(2) || b.Reserved != 0 {
			t.Errorf("budget %+v", b)
		}
		if err := s.UpdateJob(ctx, *j); err == nil {
			t.Error("a final job was updated")
		}
		if err := s.FinishJob(ctx, j, nil, nil, nil); err == nil {
			t.Error("a job was finished twice")
		}
		gotTake.Rating, gotTake.Circled = 4, true
		if err := s.UpdateTake(ctx, gotTake); err != nil {
			t.Fatal(err)
		}
		takes, _ := s.Takes(ctx, shot.ID)
		if len(takes) != 1 || takes[0].Rating != 4 || !takes[0].Circled {
			t.Errorf("takes %+v", takes)
		}
		if other, _ := s.Takes(ctx, shot.ID+100); len(other) != 0 {
			t.Errorf("another shot lists %d takes", len(other))
		}
	})

	t.Run("claims are compare-and-set and cancel flags stick", func(t *testing.T) {
		s := open(t)
		j := job("claim", 0)
		s.ReserveJob(ctx, j)
		if ok, err := s.ClaimJob(ctx, j.ID, "1@h", "2@h"); !ok || err != nil {
			t.Fatalf("first claim %v %v", ok, err)
		}
		if ok, _ := s.ClaimJob(ctx, j.ID, "1@h", "3@h"); ok {
			t.Error("a stale claim won")
		}
		if err := s.RequestCancel(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ := s.Job(ctx, j.ID)
		cur.CancelRequested = false
		cur.Message = "still running"
		s.UpdateJob(ctx, cur)
		if again, _ := s.Job(ctx, j.ID); !again.CancelRequested || again.Owner != "2@h" {
			t.Errorf("job %+v: the cancel flag was cleared or the owner lost", again)
		}
		unfinished, _ := s.Jobs(ctx, true)
		if len(unfinished) != 1 {
			t.Errorf("%d unfinished jobs", len(unfinished))
		}
	})

	t.Run("a budget can be lifted and a negative cap is refused", func(t *testing.T) {
		s := open(t)
		if err := s.SetBudget(ctx, true, -1); err == nil {
			t.Error("negative cap accepted")
		}
		s.SetBudget(ctx, true, 0)
		if err := s.ReserveJob(ctx, job("paid", 1)); !errors.Is(err, gen.ErrOverBudget) {
			t.Errorf("a paid job under a zero cap: %v", err)
		}
		if err := s.ReserveJob(ctx, job("free", 0)); err != nil {
			t.Errorf("a free job under a zero cap: %v", err)
		}
		s.SetBudget(ctx, false, 0)
		if err := s.ReserveJob(ctx, job("uncapped", gen.Dollars(1000))); err != nil {
			t.Errorf("an uncapped budget refused: %v", err)
		}
	})
}
