package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/cli"
	"github.com/slate-nle/slate/project"
)

// slate runs the command line in-process and returns its exit code and output.
func slate(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// must runs a command that has to succeed.
func must(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := slate(t, stdin, args...)
	if code != 0 {
		t.Fatalf("slate %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func hashOf(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// info reads `slate info --json`.
func info(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(must(t, "", "info", path, "--json")), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const script = `{"op":"append","track":2,"clip":{"media":1,"dur":120}}
# a comment, then a blank line

{"op":"split","at":50}
{"op":"add-marker","at":10,"name":"Beat"}
`

func TestNewInfoApplyUndoRedoHistory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "film.slate")
	out := must(t, "", "new", path, "--rate", "24000/1001", "--size", "1280x720", "--sample-rate", "44100")
	if !strings.Contains(out, "V1 (id 2)") || !strings.Contains(out, "A1 (id 3)") {
		t.Fatalf("new says %q", out)
	}

	t.Run("new refuses to overwrite a file", func(t *testing.T) {
		before := hashOf(t, path)
		code, _, errs := slate(t, "", "new", path)
		if code != 1 || !strings.Contains(errs, "already exists") || hashOf(t, path) != before {
			t.Fatalf("exit %d, %q", code, errs)
		}
	})

	t.Run("info shows the settings of a new project", func(t *testing.T) {
		m := info(t, path)
		rate := m["rate"].(map[string]any)
		if rate["num"] != 24000.0 || rate["den"] != 1001.0 || m["width"] != 1280.0 || m["height"] != 720.0 || m["sample_rate"] != 44100.0 {
			t.Fatalf("info: %v", m)
		}
		if tracks := m["tracks"].([]any); len(tracks) != 2 || m["clips"] != 0.0 || m["undo_steps"] != 0.0 {
			t.Fatalf("info: %v", m)
		}
	})

	t.Run("apply reads a script from standard input", func(t *testing.T) {
		out := must(t, script, "apply", path, "-")
		if !strings.Contains(out, "applied 3 commands") {
			t.Fatalf("apply says %q", out)
		}
		m := info(t, path)
		d := m["duration"].(map[string]any)
		if m["clips"] != 2.0 || m["markers"] != 1.0 || m["undo_steps"] != 3.0 || d["frames"] != 120.0 || d["timecode"] != "00:00:05:00" {
			t.Fatalf("after apply, info: %v", m)
		}
		text := must(t, "", "info", path)
		for _, want := range []string{"24000/1001 fps", "1280x720", "120 frames", "5.005 s", "V1", "2 clips", "3 steps to undo"} {
			if !strings.Contains(text, want) {
				t.Errorf("info does not say %q:\n%s", want, text)
			}
		}
	})

	t.Run("apply stops at the first bad line and keeps what came before", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.jsonl")
		os.WriteFile(bad, []byte(`{"op":"add-marker","at":1}`+"\n"+`{"op":"lift","clip":999}`+"\n"+`{"op":"add-marker","at":2}`+"\n"), 0o644)
		code, _, errs := slate(t, "", "apply", path, bad)
		if code != 1 || !strings.Contains(errs, "bad.jsonl line 2") || !strings.Contains(errs, "999") || !strings.Contains(errs, "1 command before it was applied") {
			t.Fatalf("exit %d, %q", code, errs)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Fatalf("the error is not one line: %q", errs)
		}
		if m := info(t, path); m["markers"] != 2.0 || m["undo_steps"] != 4.0 {
			t.Fatalf("after a bad script, info: %v", m)
		}
		code, _, errs = slate(t, "", "apply", path, "-")
		if code != 0 {
			t.Fatalf("an empty script: exit %d %s", code, errs)
		}
		code, _, errs = slate(t, `{"op":"split","at":`, "apply", path, "-")
		if code != 1 || !strings.Contains(errs, "standard input line 1") || !strings.Contains(errs, "nothing was applied") {
			t.Fatalf("truncated JSON: exit %d, %q", code, errs)
		}
	})

	t.Run("undo and redo move through the history", func(t *testing.T) {
		out := must(t, "", "undo", path, "2")
		if out != "undid add-marker\nundid add-marker\n" {
			t.Fatalf("undo says %q", out)
		}
		if m := info(t, path); m["markers"] != 0.0 || m["undo_steps"] != 2.0 || m["redo_steps"] != 2.0 {
			t.Fatalf("after undo, info: %v", m)
		}
		hist := must(t, "", "history", path)
		lines := strings.Split(strings.TrimSpace(hist), "\n")
		if len(lines) != 4 || !strings.HasSuffix(lines[1], "split  <- current") || !strings.HasSuffix(lines[3], "(undone)") {
			t.Fatalf("history:\n%s", hist)
		}
		if out := must(t, "", "redo", path); out != "redid add-marker\n" {
			t.Fatalf("redo says %q", out)
		}
		before := hashOf(t, path)
		code, _, errs := slate(t, "", "undo", path, "9")
		if code != 1 || !strings.Contains(errs, "only 3 steps to undo") || hashOf(t, path) != before {
			t.Fatalf("undo 9: exit %d %q", code, errs)
		}
		var steps []map[string]any
		if err := json.Unmarshal([]byte(must(t, "", "history", path, "--json")), &steps); err != nil || len(steps) != 4 {
			t.Fatalf("history --json: %v %v", steps, err)
		}
		if do := steps[1]["do"].(map[string]any); do["op"] != "split" || do["at"] != 50.0 {
			t.Fatalf("history --json step 2: %v", steps[1])
		}
	})

	t.Run("a project open for writing elsewhere is refused", func(t *testing.T) {
		p, err := project.Open(path, project.NoBackups())
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		code, _, errs := slate(t, script, "apply", path, "-")
		if code != 1 || !strings.Contains(errs, "already open for writing by another Slate process") {
			t.Fatalf("exit %d, %q", code, errs)
		}
		if code, _, errs := slate(t, "", "info", path); code != 0 {
			t.Fatalf("info beside a writer: exit %d %s", code, errs)
		}
	})

	t.Run("backups are listed and restored", func(t *testing.T) {
		list := must(t, "", "backups", path)
		if n := strings.Count(list, "film-"); n == 0 {
			t.Fatalf("no backups listed after editing sessions:\n%s", list)
		}
		must(t, `{"op":"add-marker","at":77,"name":"after"}`, "apply", path, "-")
		out := must(t, "", "backups", path, "--restore", "2")
		if !strings.Contains(out, "restored") || !strings.Contains(out, "before-restore") {
			t.Fatalf("restore says %q", out)
		}
		// Backup 2 is the one made when the redo session closed: one marker, three steps.
		if m := info(t, path); m["undo_steps"] != 3.0 || m["markers"] != 1.0 {
			t.Fatalf("the restored project is not the backup: %v", m)
		}
	})
}

func TestProjectCommandsRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.slate")
	os.WriteFile(text, []byte("just some text\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"info on a text file names the file", []string{"info", text}, 1, text + " is not a Slate project"},
		{"apply on a text file names the file", []string{"apply", text, "-"}, 1, text + " is not a Slate project"},
		{"undo on a missing file names it", []string{"undo", filepath.Join(dir, "none.slate")}, 1, "none.slate: no such file"},
		{"apply with a missing script names the script", []string{"apply", text, filepath.Join(dir, "none.jsonl")}, 1, "none.jsonl: no such file"},
		{"info without a file is a usage error", []string{"info"}, 2, "usage: slate info"},
		{"apply without a script is a usage error", []string{"apply", text}, 2, "usage: slate apply"},
		{"new with a bad rate is a usage error", []string{"new", filepath.Join(dir, "x.slate"), "--rate", "fast"}, 2, "--rate"},
		{"new with a bad size is a usage error", []string{"new", filepath.Join(dir, "x.slate"), "--size", "big"}, 2, "--size"},
		{"undo with a zero count is a usage error", []string{"undo", text, "0"}, 2, "count"},
		{"history with an unknown flag is a usage error", []string{"history", text, "--frob"}, 2, "frob"},
	}
	before := hashOf(t, text)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := slate(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.says) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, tc.code, errs, tc.says)
			}
			if tc.code == 1 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Fatalf("not one line: %q", errs)
			}
		})
	}
	if hashOf(t, text) != before {
		t.Fatal("a refused file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.slate")); err == nil {
		t.Fatal("new made a file despite bad flags")
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("files were created beside the refused one: %d entries", len(es))
	}
}
