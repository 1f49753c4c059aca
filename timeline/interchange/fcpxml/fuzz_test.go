package fcpxml_test

import (
	"bytes"
	"testing"

	"github.com/slate-nle/slate/timeline/interchange/core"
	"github.com/slate-nle/slate/timeline/interchange/fcpxml"
	"github.com/slate-nle/slate/timeline/interchange/internal/ixtest"
)

// FuzzDecode feeds the reader mutated FCPXML: it must never panic, and whatever it accepts
// must be a valid timeline that writes and reads back.
func FuzzDecode(f *testing.F) {
	for _, v := range []string{"1.8", "1.11"} {
		f.Add(fcp(v, v != "1.8"))
	}
	var buf bytes.Buffer
	if err := fcpxml.Write(&buf, ixtest.Nested(f), core.WriteOptions{}); err == nil {
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := fcpxml.Decode(b, core.ReadOptions{})
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
		if err := fcpxml.Write(&out, doc, core.WriteOptions{}); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		if _, err := fcpxml.Decode(out.Bytes(), core.ReadOptions{}); err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, out.Bytes())
		}
	})
}
