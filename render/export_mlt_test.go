package render_test

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/rt"
)

// The MLT cross-check timeline of research/nle.md at 320×180 with solid red A and blue B,
// rendered by melt and by Slate to PNG frames: the two must agree on the cut, the dissolve
// and the keyframed shrink.
func TestTheCrossCheckTimelineMatchesMelt(t *testing.T) {
	needFFmpeg(t)
	melt, err := exec.LookPath("melt")
	if err != nil {
		t.Skip("melt is not installed (Debian package melt)")
	}
	dir := t.TempDir()
	a := lavfi(t, dir, "a.mkv", "red", 440, 3)
	c := lavfi(t, dir, "b.mkv", "blue", 660, 3)
	xml := strings.NewReplacer(
		`width="1920" height="1080"`, `width="320" height="180"`,
		"=0 0 1920 1080 1;", "=0 0 320 180 1;",
		"=480 270 960 540 1", "=80 45 160 90 1",
	).Replace(fmt.Sprintf(crossCheckMLT, a, c))
	mltPath := filepath.Join(dir, "x.mlt")
	if err := os.WriteFile(mltPath, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	meltDir := filepath.Join(dir, "melt")
	os.Mkdir(meltDir, 0o755)
	cmd := exec.Command(melt, mltPath, "-quiet", "-consumer", "avformat:"+filepath.Join(meltDir, "f%05d.png"), "vcodec=png", "real_time=-1")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("melt: %v\n%s", err, out)
	}

	b := newBuilder(t, 320, 180)
	med := func(p string) timeline.ID {
		return b.addMedia(render.Media{Path: p, Kind: "video", Rate: rt.Rate{Num: 25, Den: 1}, Width: 320, Height: 180})
	}
	v1 := b.track(0, timeline.Video)
	x := b.clip(v1, media(med(a)), 0, 75, 0)
	y := b.clip(v1, media(med(c)), 75, 50, 25, param("scale", 0, 1, 49, 0.5))
	transition(b, timeline.Dissolve, x, y, 25, func(t *timeline.Transition) { t.Align = timeline.AlignEnd })
	slateDir := filepath.Join(dir, "slate")
	if err := render.Export(t.Context(), b.tl, b.media, render.ExportOptions{Path: slateDir, Preset: "png"}); err != nil {
		t.Fatal(err)
	}

	ours, theirs := pngs(t, slateDir), pngs(t, meltDir)
	if len(ours) != 125 || len(theirs) != 125 {
		t.Fatalf("%d Slate frames and %d melt frames, want 125 each", len(ours), len(theirs))
	}
	for _, f := range []int{0, 49, 50, 62, 74, 75, 100, 124} {
		t.Run(fmt.Sprintf("frame %d", f), func(t *testing.T) {
			s, m := readPNG(t, ours[f]), readPNG(t, theirs[f])
			t.Logf("centre %v/%v box %v/%v", rgbOf(s, 160, 90), rgbOf(m, 160, 90), blueBox(s), blueBox(m))
			// Colour at the centre: the dissolve's mix.
			if sc, mc := rgbOf(s, 160, 90), rgbOf(m, 160, 90); !nearRGB(sc, mc, 8) {
				t.Errorf("centre: Slate %v, melt %v", sc, mc)
			}
			// The shrinking B: the box of blue pixels.
			if sb, mb := blueBox(s), blueBox(m); !nearRect(sb, mb) && !(sb.Empty() && mb.Empty()) {
				d0, d1 := sb.Min.Sub(mb.Min), sb.Max.Sub(mb.Max)
				if abs(d0.X) > 2 || abs(d0.Y) > 2 || abs(d1.X) > 2 || abs(d1.Y) > 2 {
					t.Errorf("blue box: Slate %v, melt %v", sb, mb)
				}
			}
		})
	}
}

func pngs(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func rgbOf(img image.Image, x, y int) [3]int {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
}

// blueBox bounds the pixels that are clearly blue (the B clip, not the black around it).
func blueBox(img image.Image) image.Rectangle {
	var r image.Rectangle
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if c := rgbOf(img, x, y); c[2] > 128 && c[0] < 100 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}
