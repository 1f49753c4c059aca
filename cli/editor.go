package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slate-nle/slate/app/editor"
)

func init() {
	Register(&Command{Name: "", Usage: "", Summary: "open the editor on the last project (or a new demo project)", Run: editorCmd})
	Register(&Command{Name: "open", Usage: "FILE.slate", Summary: "open a project in the editor (also: slate FILE.slate)", Run: openCmd})
}

// editorCmd opens the most recent project, or builds and opens the demo project the first
// time, so a new user lands in a working editor.
func editorCmd(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 {
		return Usagef("unexpected arguments %v", args)
	}
	path := lastProject()
	if path == "" {
		dir, err := dataDir()
		if err != nil {
			return err
		}
		path = filepath.Join(dir, "Demo.slate")
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(env.Stderr, "building the demo project %s (first run)…\n", path)
			if err := BuildDemo(ctx, path, func(s string) { fmt.Fprintln(env.Stderr, s) }); err != nil {
				return err
			}
		}
	}
	return runEditor(path)
}

func openCmd(ctx context.Context, env Env, args []string) error {
	fs := FlagSet(commands["open"], env.Stderr)
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usagef("want one FILE.slate")
	}
	return runEditor(pos[0])
}

func runEditor(path string) error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("the editor needs a display (DISPLAY is not set); the other subcommands work without one")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("%s: no such project (create one with 'slate new' or 'slate demo')", path)
	}
	rememberProject(abs)
	return editor.Run(abs, editor.Options{})
}

// dataDir is where Slate keeps the demo project: $XDG_DATA_HOME/slate or ~/.local/share/slate.
func dataDir() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "share")
	}
	dir = filepath.Join(dir, "slate")
	return dir, os.MkdirAll(dir, 0o755)
}

func recentFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "slate", "recent.json")
}

// lastProject is the most recently opened project that still exists.
func lastProject() string {
	b, err := os.ReadFile(recentFile())
	if err != nil {
		return ""
	}
	var recent []string
	if json.Unmarshal(b, &recent) != nil {
		return ""
	}
	for _, p := range recent {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// rememberProject puts path first in the recent list (ten entries).
func rememberProject(path string) {
	f := recentFile()
	if f == "" {
		return
	}
	var recent []string
	if b, err := os.ReadFile(f); err == nil {
		_ = json.Unmarshal(b, &recent)
	}
	out := []string{path}
	for _, p := range recent {
		if p != path && len(out) < 10 {
			out = append(out, p)
		}
	}
	b, _ := json.Marshal(out)
	_ = os.MkdirAll(filepath.Dir(f), 0o755)
	_ = os.WriteFile(f, b, 0o644)
}
