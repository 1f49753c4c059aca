package project_test

import (
	"path/filepath"
	"testing"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestSmoke(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.slate")
	p, err := project.Create(path, timeline.Settings{Rate: rt.Rate24, Width: 1920, Height: 1080, SampleRate: 48000}, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		`{"op":"add-track","kind":"video"}`,
		`{"op":"append","track":2,"clip":{"media":4,"dur":120}}`,
		`{"op":"set-keyframe","clip":3,"param":"opacity","t":4,"v":0.5}`,
		`{"op":"split","at":50}`,
	} {
		c, err := edit.Unmarshal([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Apply(c); err != nil {
			t.Fatal(line, err)
		}
	}
	want := p.Timeline().Clone()
	if _, err := p.Undo(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := project.Open(path, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Redo(); err != nil {
		t.Fatal(err)
	}
	if !q.Timeline().Equal(want) {
		t.Fatalf("got %s\nwant %s", q.Timeline().JSON(), want.JSON())
	}
	q.Close()
}
