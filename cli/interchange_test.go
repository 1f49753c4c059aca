package cli_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditListsRoundTripThroughTheCommandLine(t *testing.T) {
	bin := buildSlate(t)
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("slate %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	info := func(path string) (clips int, frames float64) {
		var v struct {
			Clips    int `json:"clips"`
			Duration struct {
				Frames float64 `json:"frames"`
			} `json:"duration"`
		}
		out, err := exec.Command(bin, "info", path, "--json").Output()
		if err != nil || json.Unmarshal(out, &v) != nil {
			t.Fatalf("info %s: %v %s", path, err, out)
		}
		return v.Clips, v.Duration.Frames
	}
	src := filepath.Join(dir, "demo.slate")
	run("demo", src)
	clips, frames := info(src)
	for _, ext := range []string{"otio", "otioz", "fcpxml", "edl"} {
		t.Run("through "+ext, func(t *testing.T) {
			out := filepath.Join(dir, "cut."+ext)
			run("export", src, "-o", out)
			back := filepath.Join(dir, "back-"+ext+".slate")
			msg := run("import-timeline", out, "-o", back)
			if strings.Contains(msg, "offline") && !strings.Contains(msg, "(0 offline)") {
				t.Errorf("media went offline: %s", msg)
			}
			c, f := info(back)
			wantClips := clips
			if ext == "edl" {
				wantClips = clips - 1 // an EDL holds one video track: V2's clip stays behind
			}
			if c != wantClips || f != frames {
				t.Errorf("came back with %d clips over %v frames, want %d over %v", c, f, wantClips, frames)
			}
		})
	}
	t.Run("an unknown extension is a usage error", func(t *testing.T) {
		err := exec.Command(bin, "export", src, "-o", filepath.Join(dir, "x.doc")).Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Fatalf("got %v, want exit code 2", err)
		}
	})
}
