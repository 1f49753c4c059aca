package packaging_test

import (
	"image/png"
	"os"
	"strings"
	"testing"
)

func TestThePackagingFilesAgree(t *testing.T) {
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	desktop, err := os.ReadFile("org.slate-nle.slate.desktop")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile("org.slate-nle.slate.metainfo.xml")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"FyneApp.toml names the app ID", strings.Contains(string(toml), `ID = "org.slate-nle.slate"`)},
		{"FyneApp.toml points at the icon", strings.Contains(string(toml), `Icon = "packaging/icon.png"`)},
		{"the desktop entry runs slate with a file", strings.Contains(string(desktop), "Exec=slate %f")},
		{"the desktop entry uses the app ID as icon", strings.Contains(string(desktop), "Icon=org.slate-nle.slate")},
		{"the metainfo launches the desktop entry", strings.Contains(string(meta), "<launchable type=\"desktop-id\">org.slate-nle.slate.desktop</launchable>")},
		{"the metainfo lists both binaries", strings.Contains(string(meta), "<binary>slate</binary>") && strings.Contains(string(meta), "<binary>slate-player</binary>")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Fail()
			}
		})
	}
	f, err := os.Open("icon.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 256 || cfg.Height != 256 {
		t.Fatalf("icon.png: %v %dx%d, want a 256x256 PNG", err, cfg.Width, cfg.Height)
	}
}
