package project_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/project"
)

func TestAReaderFollowsTheWriter(t *testing.T) {
	p, path := create(t)
	apply(t, p, starter[:4]...)
	p.Close()

	// No writer: the reader reads a snapshot and creates nothing beside the file.
	dir := filepath.Dir(path)
	before := fileState(t, dir)
	r, err := project.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if diff := sameFiles(before, fileState(t, dir)); diff != "" {
		t.Fatalf("a snapshot reader changed or created %s", diff)
	}
	if changed, err := r.Changed(); err != nil || changed {
		t.Fatalf("changed %v (%v) before anyone wrote", changed, err)
	}

	w, err := project.Open(path, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	steps := []string{`{"op":"add-marker","at":1}`, `{"op":"split","at":50}`, `{"op":"lift","clip":5}`}
	for i, line := range steps {
		apply(t, w, line)
		changed, err := r.Changed()
		if err != nil || !changed {
			t.Fatalf("after commit %d the reader sees no change (%v)", i, err)
		}
		if err := r.Reload(); err != nil {
			t.Fatal(err)
		}
		if !r.Timeline().Equal(w.Timeline()) {
			t.Fatalf("after commit %d the reader has another timeline", i)
		}
		if changed, _ := r.Changed(); changed {
			t.Fatalf("after reloading commit %d the reader still sees a change", i)
		}
		if got, want := historyJSON(t, r.History()), historyJSON(t, w.History()); got != want {
			t.Fatalf("after commit %d the reader has another history", i)
		}
	}
	if _, err := w.Undo(); err != nil {
		t.Fatal(err)
	}
	if changed, _ := r.Changed(); !changed {
		t.Fatal("the reader does not see an undo")
	}
	if err := r.Reload(); err != nil || !r.Timeline().Equal(w.Timeline()) {
		t.Fatalf("the reader's undo differs (%v)", err)
	}
}

func TestMediaIsStoredWithTheProject(t *testing.T) {
	p, path := create(t)
	probe := json.RawMessage(`{"streams":[{"codec_type":"video","width":1920}]}`)
	id1, err := p.AddMedia(project.Media{Name: "Take 1", Path: "/media/take1.mov", Hash: "sha256:ab", Kind: "video", Probe: probe, Online: true})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := p.AddMedia(project.Media{Path: "/media/music.wav", Kind: "audio", Online: true})
	if err != nil {
		t.Fatal(err)
	}
	if id1 == id2 || id1 <= 0 || id2 <= 0 {
		t.Fatalf("media ids %d and %d", id1, id2)
	}
	if err := p.SetMediaOnline(id1, "", false); err != nil {
		t.Fatal(err)
	}
	if err := p.SetMediaOnline(id2, "/new/music.wav", true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		m    project.Media
		says string
	}{
		{"media without a path is refused", project.Media{Name: "x"}, "no path"},
		{"probe data that is not JSON is refused", project.Media{Path: "/a", Probe: json.RawMessage(`{nope`)}, "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.AddMedia(tc.m); err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v, want an error saying %q", err, tc.says)
			}
		})
	}
	if err := p.SetMediaOnline(999, "", true); err == nil {
		t.Fatal("set a missing media item online")
	}
	p = reopen(t, p)
	r, err := project.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, q := range []*project.Project{p, r} {
		ms, err := q.Media()
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 {
			t.Fatalf("%d media items, want 2", len(ms))
		}
		a, b := ms[0], ms[1]
		if a.ID != id1 || a.Name != "Take 1" || a.Path != "/media/take1.mov" || a.Hash != "sha256:ab" || a.Kind != "video" || a.Online || string(a.Probe) != string(probe) || a.Added.IsZero() {
			t.Fatalf("first item came back as %+v", a)
		}
		if b.ID != id2 || b.Path != "/new/music.wav" || !b.Online || b.Probe != nil {
			t.Fatalf("second item came back as %+v", b)
		}
		if m, err := q.MediaByID(id2); err != nil || m.Path != b.Path {
			t.Fatalf("MediaByID: %+v %v", m, err)
		}
	}
}
