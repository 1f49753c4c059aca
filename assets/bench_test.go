package assets_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/slate-nle/slate/assets"
)

// BenchmarkProbe1080p reports the median time to probe a 1080p H.264 clip with audio.
func BenchmarkProbe1080p(b *testing.B) {
	p := media(b, "hd.mp4")
	ctx := context.Background()
	var ds []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := assets.Probe(ctx, p); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkHash reports SHA-256 throughput on a 64 MiB file (page-cached after the first run).
func BenchmarkHash(b *testing.B) {
	p := filepath.Join(b.TempDir(), "big.bin")
	buf := make([]byte, 64<<20)
	rand.Read(buf)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	ctx := context.Background()
	for b.Loop() {
		if _, err := assets.Hash(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}
