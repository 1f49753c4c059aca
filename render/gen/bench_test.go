package gen_test

import (
	"context"
	"testing"

	"github.com/slate-nle/slate/render/gen"
)

// BenchmarkCacheHitReplay prepares an identical request and replays its stored outputs as a
// new take (goal: under 100 ms; the SQLite-backed figure is in package project).
func BenchmarkCacheHitReplay(b *testing.B) {
	st := gen.NewMemStore()
	f := newFake(b.TempDir())
	f.auto = true
	q, err := gen.New(context.Background(), gen.Config{Store: st, MediaDir: b.TempDir(), Backends: []gen.Backend{f}})
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	ctx := context.Background()
	p, _ := q.Prepare(ctx, request("bench", 1), gen.PrepareOptions{})
	j, _ := q.Enqueue(ctx, p, gen.JobOptions{})
	q.Wait(ctx, j.ID)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := q.Prepare(ctx, request("bench", 1), gen.PrepareOptions{})
		if err != nil || p.Cached == nil {
			b.Fatalf("no cache hit: %v", err)
		}
		if _, err := q.Enqueue(ctx, p, gen.JobOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
