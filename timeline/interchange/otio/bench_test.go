package otio_test

import (
	"testing"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/interchange/otio"
)

// A feature-length edit: 4 tracks of 1000 clips (4000 clips, about 33 minutes).
func BenchmarkEncode4000Clips(b *testing.B) {
	doc := ixtest.Long(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := otio.Encode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode4000Clips(b *testing.B) {
	src, err := otio.Encode(ixtest.Long(b, 1000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := otio.Decode(src, core.ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
