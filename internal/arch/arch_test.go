package arch_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/slate-nle/slate"

// list returns, for every package of the module, what the template lists after its path.
func list(t *testing.T, tmpl string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}`+tmpl, mod+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		m[f[0]] = f[1:]
	}
	return m
}

func isStd(p string) bool { return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") }

func within(p string, roots ...string) bool {
	for _, r := range roots {
		if p == mod+"/"+r || strings.HasPrefix(p, mod+"/"+r+"/") {
			return true
		}
	}
	return false
}

func TestPackageBoundaries(t *testing.T) {
	all := list(t, `{{range .Deps}} {{.}}{{end}}`)
	direct := list(t, `{{range .Imports}} {{.}}{{end}}`)
	if len(all) == 0 {
		t.Fatal("go list found no packages")
	}
	rules := []struct {
		name   string
		direct bool // judge direct imports only (an "only X imports Y" rule)
		// broken reports what is wrong with pkg depending on dep, or "".
		broken func(pkg, dep string) string
	}{
		{"the timeline model imports only the standard library and itself", false, func(pkg, dep string) string {
			if within(pkg, "timeline") && !isStd(dep) && !within(dep, "timeline") {
				return "timeline/... must stay pure"
			}
			if within(pkg, "timeline") && (dep == "net" || dep == "database/sql" || dep == "os/exec") {
				return "timeline/... must not do I/O of this kind"
			}
			return ""
		}},
		{"only project imports go-sqlite3", true, func(pkg, dep string) string {
			if strings.HasPrefix(dep, "github.com/mattn/go-sqlite3") && !within(pkg, "project") {
				return "go-sqlite3 belongs to project"
			}
			return ""
		}},
		{"only assets/watch imports fsnotify", true, func(pkg, dep string) string {
			if strings.HasPrefix(dep, "github.com/fsnotify/") && !within(pkg, "assets/watch") {
				return "fsnotify belongs to assets/watch"
			}
			return ""
		}},
		{"only player and cmd/slate-player import ebiten", false, func(pkg, dep string) string {
			if strings.HasPrefix(dep, "github.com/hajimehoshi/ebiten") && !within(pkg, "player", "cmd/slate-player") {
				return "ebiten belongs to the player process"
			}
			return ""
		}},
		{"nothing but app and cmd/slate imports fyne", false, func(pkg, dep string) string {
			if strings.HasPrefix(dep, "fyne.io/") && !within(pkg, "app", "cmd/slate", "cli") {
				return "fyne belongs to the editor UI"
			}
			return ""
		}},
		{"nothing imports app but the slate binary", false, func(pkg, dep string) string {
			if within(dep, "app") && !within(pkg, "app", "cmd/slate", "cli") {
				return "app is the top of the tree"
			}
			return ""
		}},
		{"assets imports neither render nor project", false, func(pkg, dep string) string {
			if within(pkg, "assets") && within(dep, "render", "project", "app", "cli") {
				return "assets sits below render and project"
			}
			return ""
		}},
		{"render does not import project, app or the UI", false, func(pkg, dep string) string {
			if within(pkg, "render") && within(dep, "project", "app", "cli", "player") {
				return "render must not know where timelines are stored"
			}
			return ""
		}},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			src := all
			if r.direct {
				src = direct
			}
			for pkg, ds := range src {
				for _, d := range ds {
					if why := r.broken(pkg, d); why != "" {
						t.Errorf("%s imports %s: %s", pkg, d, why)
					}
				}
			}
		})
	}
	t.Run("no package links both fyne and ebiten", func(t *testing.T) {
		for pkg, ds := range all {
			var f, e bool
			for _, d := range ds {
				f = f || strings.HasPrefix(d, "fyne.io/fyne/v2/internal/driver/glfw")
				e = e || strings.HasPrefix(d, "github.com/hajimehoshi/ebiten")
			}
			if f && e {
				t.Errorf("%s links both Fyne's GLFW and Ebiten: the link would fail", pkg)
			}
		}
	})
}
