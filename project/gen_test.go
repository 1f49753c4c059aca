package project_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/render/gen"
	"github.com/slate-nle/slate/render/gen/gentest"
	"github.com/slate-nle/slate/render/gen/local"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

func newGenProject(t *testing.T) *project.Project {
	t.Helper()
	path := filepath.Join(t.TempDir(), "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 1280, Height: 720, SampleRate: 48000}, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestTheProjectKeepsTheGenerationStoreContract(t *testing.T) {
	gentest.Store(t, func(t *testing.T) gen.Store { return newGenProject(t) })
}

func TestGenerationStateSurvivesReopeningAndIsReadableBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	p := newGenProject(t)
	path := p.Path()
	shot := gen.Shot{Name: "harbour", Prompt: "fog", FPS: rt.Rate24, Tier: gen.Draft}
	if err := p.CreateShot(ctx, &shot); err != nil {
		t.Fatal(err)
	}
	if err := p.SetBudget(ctx, true, gen.Dollars(25)); err != nil {
		t.Fatal(err)
	}
	j := &gen.Job{Key: "k", ShotID: shot.ID, State: gen.JobQueued, Request: gen.Request{Op: gen.TextToVideo, Backend: "local", Seed: 4},
		Estimate: gen.Estimate{USD: gen.Dollars(1)}}
	if err := p.ReserveJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	t.Run("a reader sees the writer's rows", func(t *testing.T) {
		r, err := project.OpenReadOnly(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		jobs, err := r.Jobs(ctx, true)
		if err != nil || len(jobs) != 1 || jobs[0].Request.Seed != 4 {
			t.Fatalf("reader jobs %+v %v", jobs, err)
		}
		if err := r.SetBudget(ctx, false, 0); err == nil {
			t.Error("a read-only project took a write")
		}
	})
	p.Close()
	q, err := project.Open(path, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	b, _ := q.Budget(ctx)
	if !b.Capped || b.Cap != gen.Dollars(25) || b.Reserved != gen.Dollars(1) {
		t.Errorf("budget after reopening %+v", b)
	}
	if got, err := q.Shot(ctx, shot.ID); err != nil || got.Name != "harbour" {
		t.Errorf("shot after reopening %+v %v", got, err)
	}
	if q.MediaDir() != filepath.Join(filepath.Dir(path), "film.slate-media") {
		t.Errorf("media dir %s", q.MediaDir())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCacheHitReplay replays a local image-to-video take from the project's cache:
// hash the input, look the key up, check the files and record the take (goal: under 100 ms).
func BenchmarkCacheHitReplay(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "film.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 1280, Height: 720, SampleRate: 48000}, project.NoBackups())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	img := filepath.Join(b.TempDir(), "still.png")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", img).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	lb, err := local.New(filepath.Join(p.MediaDir(), ".work"), local.Options{})
	if err != nil {
		b.Fatal(err)
	}
	q, err := gen.New(ctx, gen.Config{Store: p, MediaDir: p.MediaDir(), Backends: []gen.Backend{lb}})
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	r := gen.Request{Op: gen.ImageToVideo, Backend: local.Name, Tier: gen.Draft, Frames: 12, FPS: rt.Rate24, Width: 320, Height: 180,
		Seed: 1, Inputs: []gen.Input{{Role: gen.RoleImage, Path: img}}}
	pl, err := q.Prepare(ctx, r, gen.PrepareOptions{})
	if err != nil {
		b.Fatal(err)
	}
	j, _ := q.Enqueue(ctx, pl, gen.JobOptions{})
	if done, _ := q.Wait(ctx, j.ID); done.State != gen.JobSucceeded {
		b.Fatalf("first run %s %s", done.State, done.Message)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pl, err := q.Prepare(ctx, r, gen.PrepareOptions{})
		if err != nil || pl.Cached == nil {
			b.Fatalf("no cache hit: %v", err)
		}
		if _, err := q.Enqueue(ctx, pl, gen.JobOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
