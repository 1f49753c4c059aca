package otio_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
	"github.com/slate-nle/slate/timeline/interchange/otio"
)

// FuzzDecode feeds the reader mutated OTIO documents: it must never panic, and whatever it
// accepts must be a valid timeline that writes and reads back.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.otio")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if b, err := otio.Encode(ixtest.Nested(f)); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [{"OTIO_SCHEMA": "Track.1", "children": [{"OTIO_SCHEMA": "Transition.1"}]}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := otio.Decode(b, core.ReadOptions{})
		if err != nil {
			if doc != nil {
				t.Fatal("a timeline came back with an error")
			}
			return
		}
		if err := doc.Timeline.Check(); err != nil {
			t.Fatalf("accepted an invalid timeline: %v", err)
		}
		out, err := otio.Encode(doc)
		if err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		if _, err := otio.Decode(out, core.ReadOptions{}); err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
	})
}
