package edl_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/edl"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
)

// FuzzDecode feeds the reader mutated EDLs: it must never panic, and whatever it accepts
// must be a valid timeline that writes out again.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.edl")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	var buf bytes.Buffer
	if err := edl.Write(&buf, ixtest.Rich(f), core.WriteOptions{}); err == nil {
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := edl.Decode(b, core.ReadOptions{})
		if err != nil {
			if doc != nil {
				t.Fatal("a timeline came back with an error")
			}
			return
		}
		if err := doc.Timeline.Check(); err != nil {
			t.Fatalf("accepted an invalid timeline: %v", err)
		}
		var out bytes.Buffer
		_ = edl.Write(&out, doc, core.WriteOptions{}) // may refuse (e.g. past a day), never panic
	})
}
