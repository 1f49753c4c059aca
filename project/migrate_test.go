package project_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/slate-nle/slate/project"
	"github.com/slate-nle/slate/timeline"
)

var writeFixture = flag.Bool("write-fixture", false, "write testdata/vN.slate and vN.json for the current project format")

// fixtureExpect is what a fixture holds, written beside it when it is made.
type fixtureExpect struct {
	Timeline json.RawMessage `json:"timeline"`
	History  json.RawMessage `json:"history"`
	Media    []project.Media `json:"media"`
}

// TestWriteFixture makes the fixture of the current format: run it once per released format
// with -write-fixture, and commit the files. Fixtures are never rewritten afterwards.
func TestWriteFixture(t *testing.T) {
	if !*writeFixture {
		t.Skip("run with -write-fixture to write testdata/vN.slate")
	}
	path := filepath.Join("testdata", fmt.Sprintf("v%d.slate", project.SchemaVersion))
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("%s exists: a released fixture is never rewritten", path)
	}
	os.MkdirAll("testdata", 0o755)
	p, err := project.Create(path, hd, project.NoBackups())
	if err != nil {
		t.Fatal(err)
	}
	apply(t, p, starter...)
	apply(t, p, `{"op":"add-sequence","name":"Flashback"}`)
	seq := p.Timeline().NextID - 1
	apply(t, p, fmt.Sprintf(`{"op":"add-track","kind":"video","seq":%d}`, seq))
	apply(t, p, fmt.Sprintf(`{"op":"append","track":%d,"clip":{"media":2,"dur":30}}`, seq+1),
		fmt.Sprintf(`{"op":"append","track":2,"clip":{"sequence":%d,"dur":30}}`, seq))
	p.Begin("Drag clip")
	apply(t, p, `{"op":"move","clip":7,"to":30}`, `{"op":"move","clip":7,"to":40}`)
	p.End()
	apply(t, p, `{"op":"set-param","clip":6,"param":"volume","value":-0}`, `{"op":"remove-track","track":3}`)
	for range 2 {
		if _, err := p.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	p.AddMedia(project.Media{Name: "Take 1", Path: "/media/take1.mov", Hash: "sha256:00", Kind: "video", Probe: json.RawMessage(`{"format":{"duration":"4.0"}}`), Online: true})
	p.AddMedia(project.Media{Path: "/media/gone.wav", Kind: "audio"})
	exp := fixtureExpect{Timeline: p.Timeline().JSON(), History: json.RawMessage(historyJSON(t, p.History()))}
	exp.Media, _ = p.Media()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(exp, "", "  ")
	if err := os.WriteFile(path[:len(path)-len(".slate")]+".json", b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEveryReleasedFormatOpens(t *testing.T) {
	fixtures, _ := filepath.Glob("testdata/v*.slate")
	versions := map[int]bool{}
	for _, f := range fixtures {
		m := regexp.MustCompile(`v(\d+)\.slate$`).FindStringSubmatch(f)
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		versions[v] = true
		t.Run(fmt.Sprintf("a project written in format %d opens", v), func(t *testing.T) {
			var exp fixtureExpect
			b, err := os.ReadFile(f[:len(f)-len(".slate")] + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &exp); err != nil {
				t.Fatal(err)
			}
			want, err := timeline.Decode(exp.Timeline)
			if err != nil {
				t.Fatal(err)
			}
			check := func(p *project.Project) {
				t.Helper()
				if !p.Timeline().Equal(want) {
					t.Fatalf("timeline differs:\n got %s\nwant %s", p.Timeline().JSON(), want.JSON())
				}
				if got := historyJSON(t, p.History()); !sameJSON(t, []byte(got), exp.History) {
					t.Fatalf("history differs:\n got %s\nwant %s", got, exp.History)
				}
				ms, err := p.Media()
				if err != nil || len(ms) != len(exp.Media) {
					t.Fatalf("media: %d items (%v), want %d", len(ms), err, len(exp.Media))
				}
				for i := range ms {
					if ms[i].Path != exp.Media[i].Path || ms[i].Online != exp.Media[i].Online || ms[i].Hash != exp.Media[i].Hash {
						t.Fatalf("media %d: %+v, want %+v", i, ms[i], exp.Media[i])
					}
				}
			}
			// Reading leaves the fixture alone.
			before := fileState(t, "testdata")
			r, err := project.OpenReadOnly(f)
			if err != nil {
				t.Fatal(err)
			}
			check(r)
			r.Close()
			if diff := sameFiles(before, fileState(t, "testdata")); diff != "" {
				t.Fatalf("reading a fixture changed %s", diff)
			}
			// Opening for writing upgrades a copy, which keeps working: undo, redo, edit.
			path := filepath.Join(t.TempDir(), "old.slate")
			copyFile(t, f, path)
			p, err := project.Open(path, project.NoBackups())
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			check(p)
			for _, step := range []func() error{
				func() error { _, err := p.Redo(); return err },
				func() error { _, err := p.Undo(); return err },
				func() error { return p.Apply(cmd(t, `{"op":"add-marker","at":7,"name":"new"}`)) },
			} {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			edited := p.Timeline().Clone()
			p = reopen(t, p)
			if !p.Timeline().Equal(edited) {
				t.Fatal("the upgraded project does not keep its edits")
			}
			if err := p.Check(t.Context()); err != nil {
				t.Fatal(err)
			}
		})
	}
	for v := 1; v <= project.SchemaVersion; v++ {
		if !versions[v] {
			t.Errorf("no fixture for format %d: run go test ./project -run WriteFixture -write-fixture", v)
		}
	}
}

// sameJSON compares two JSON texts as values (key order and spacing aside).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}
