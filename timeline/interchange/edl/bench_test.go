package edl_test

import (
	"bytes"
	"testing"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/edl"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
)

// One video and two audio tracks of 1000 clips each.
func BenchmarkDecode3000Events(b *testing.B) {
	var buf bytes.Buffer
	if err := edl.Write(&buf, ixtest.Long(b, 1000), core.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	src := buf.Bytes()
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := edl.Decode(src, core.ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
