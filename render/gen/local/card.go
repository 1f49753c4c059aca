package local

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/slate-nle/slate/render/gen"
)

// palette is a card's two gradient colours and its accent.
type palette struct{ top, bottom, accent color.RGBA }

// Words that set a card's palette; the first match in the prompt wins.
var paletteWords = []struct {
	words []string
	p     palette
}{
	{[]string{"neon", "cyberpunk", "synthwave"}, palette{rgb(36, 8, 64), rgb(8, 40, 72), rgb(255, 60, 200)}},
	{[]string{"sunset", "dusk", "golden", "dawn", "sunrise"}, palette{rgb(250, 150, 70), rgb(90, 40, 110), rgb(255, 220, 140)}},
	{[]string{"night", "dark", "noir", "midnight", "shadow"}, palette{rgb(10, 14, 30), rgb(2, 2, 8), rgb(120, 150, 220)}},
	{[]string{"forest", "jungle", "garden", "grass", "leaves"}, palette{rgb(60, 110, 60), rgb(16, 40, 22), rgb(200, 230, 120)}},
	{[]string{"ocean", "sea", "water", "rain", "underwater", "river", "lake"}, palette{rgb(30, 90, 140), rgb(6, 30, 60), rgb(120, 220, 240)}},
	{[]string{"desert", "sand", "dune", "canyon"}, palette{rgb(230, 180, 110), rgb(150, 90, 50), rgb(255, 240, 200)}},
	{[]string{"snow", "winter", "ice", "frost", "arctic"}, palette{rgb(220, 235, 250), rgb(120, 150, 190), rgb(255, 255, 255)}},
	{[]string{"fire", "lava", "explosion", "inferno", "flames"}, palette{rgb(255, 120, 20), rgb(80, 10, 0), rgb(255, 230, 80)}},
	{[]string{"space", "galaxy", "stars", "nebula", "cosmic"}, palette{rgb(20, 10, 50), rgb(0, 0, 10), rgb(200, 180, 255)}},
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// paletteFor picks a palette from the prompt's words, else derives one from its hash.
func paletteFor(prompt string) palette {
	words := strings.FieldsFunc(strings.ToLower(prompt), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	})
	for _, pw := range paletteWords {
		for _, w := range words {
			for _, k := range pw.words {
				if w == k {
					return pw.p
				}
			}
		}
	}
	h := sha256.Sum256([]byte(prompt))
	hue := float64(binary.BigEndian.Uint16(h[:2])) / 65536 * 360
	return palette{hsv(hue, 0.55, 0.75), hsv(math.Mod(hue+40, 360), 0.7, 0.2), hsv(math.Mod(hue+180, 360), 0.5, 1)}
}

func hsv(h, s, v float64) color.RGBA {
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := v - c
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	return rgb(uint8((r+m)*255), uint8((g+m)*255), uint8((b+m)*255))
}

var (
	fontsOnce        sync.Once
	regular, boldOTF *opentype.Font
	fontErr          error
)

func fonts() error {
	fontsOnce.Do(func() {
		regular, fontErr = opentype.Parse(goregular.TTF)
		if fontErr == nil {
			boldOTF, fontErr = opentype.Parse(gobold.TTF)
		}
	})
	return fontErr
}

// refThumb is a continuity reference shown on a card.
type refThumb struct {
	pic   picture
	label string
}

// drawCard paints an animatic card of w×h: a gradient in the prompt's palette, soft shapes
// placed by the seed (so camera moves read on screen), the prompt laid out large, the
// continuity references as labelled thumbnails, and a caption saying what it is.
func drawCard(r gen.Request, w, h int, refs []refThumb) (picture, error) {
	if err := fonts(); err != nil {
		return picture{}, err
	}
	pal := paletteFor(r.Prompt)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		t := float64(y) / float64(max(1, h-1))
		c := mix(pal.top, pal.bottom, t)
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x := 0; x < w; x++ {
			row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = c.R, c.G, c.B, 255
		}
	}
	rng := rand.New(rand.NewPCG(uint64(r.Seed), 0x43617264))
	for i := 0; i < 14; i++ {
		cx, cy := rng.Float64()*float64(w), rng.Float64()*float64(h)
		rad := (0.03 + rng.Float64()*0.12) * float64(h)
		glow(img, cx, cy, rad, pal.accent, 0.10+rng.Float64()*0.25)
	}
	// Rule-of-thirds guides, faint: they make pans and zooms legible.
	guide := color.RGBA{255, 255, 255, 28}
	for k := 1; k <= 2; k++ {
		x := w * k / 3
		y := h * k / 3
		draw.Draw(img, image.Rect(x, 0, x+max(1, h/540), h), image.NewUniform(guide), image.Point{}, draw.Over)
		draw.Draw(img, image.Rect(0, y, w, y+max(1, h/540)), image.NewUniform(guide), image.Point{}, draw.Over)
	}
	vignette(img)
	if err := drawText(img, r, pal); err != nil {
		return picture{}, err
	}
	if err := drawRefs(img, refs); err != nil {
		return picture{}, err
	}
	return picture{pix: img.Pix, w: w, h: h}, nil
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// glow adds a soft disc.
func glow(img *image.RGBA, cx, cy, rad float64, c color.RGBA, strength float64) {
	b := img.Bounds()
	x0, x1 := max(b.Min.X, int(cx-rad)), min(b.Max.X, int(cx+rad)+1)
	y0, y1 := max(b.Min.Y, int(cy-rad)), min(b.Max.Y, int(cy+rad)+1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy) / rad
			if d >= 1 {
				continue
			}
			a := strength * (1 - d*d) * (1 - d*d)
			i := img.PixOffset(x, y)
			img.Pix[i] = uint8(float64(img.Pix[i])*(1-a) + float64(c.R)*a)
			img.Pix[i+1] = uint8(float64(img.Pix[i+1])*(1-a) + float64(c.G)*a)
			img.Pix[i+2] = uint8(float64(img.Pix[i+2])*(1-a) + float64(c.B)*a)
		}
	}
}

func vignette(img *image.RGBA) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	for y := 0; y < h; y++ {
		dy := (float64(y)/float64(h) - 0.5) * 2
		for x := 0; x < w; x++ {
			dx := (float64(x)/float64(w) - 0.5) * 2
			f := 1 - 0.35*math.Min(1, (dx*dx+dy*dy)/2)
			i := img.PixOffset(x, y)
			img.Pix[i] = uint8(float64(img.Pix[i]) * f)
			img.Pix[i+1] = uint8(float64(img.Pix[i+1]) * f)
			img.Pix[i+2] = uint8(float64(img.Pix[i+2]) * f)
		}
	}
}

// drawText lays the prompt out in the middle, wrapped, shrinking the type until it fits, and a
// caption at the bottom left.
func drawText(img *image.RGBA, r gen.Request, pal palette) error {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	text := strings.Join(strings.Fields(r.Prompt), " ")
	size := float64(h) / 11
	var lines []string
	var face font.Face
	for ; size >= 6; size *= 0.85 {
		f, err := opentype.NewFace(boldOTF, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return err
		}
		lines = wrap(f, text, int(float64(w)*0.8))
		if float64(len(lines))*size*1.25 <= float64(h)*0.6 {
			face = f
			break
		}
		f.Close()
	}
	if face == nil {
		f, err := opentype.NewFace(boldOTF, &opentype.FaceOptions{Size: 6, DPI: 72})
		if err != nil {
			return err
		}
		face, size = f, 6
		lines = wrap(f, text, int(float64(w)*0.8))
	}
	defer face.Close()
	lineH := size * 1.25
	y := float64(h)/2 - lineH*float64(len(lines))/2 + size
	for _, l := range lines {
		adv := font.MeasureString(face, l)
		x := (fixed.I(w) - adv) / 2
		shadow := max(1, int(size/18))
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{0, 0, 0, 150}), Face: face,
			Dot: fixed.Point26_6{X: x + fixed.I(shadow), Y: fixed.I(int(y) + shadow)}}
		d.DrawString(l)
		d.Src, d.Dot = image.NewUniform(color.RGBA{255, 255, 255, 255}), fixed.Point26_6{X: x, Y: fixed.I(int(y))}
		d.DrawString(l)
		y += lineH
	}
	capSize := math.Max(6, float64(h)/40)
	cf, err := opentype.NewFace(regular, &opentype.FaceOptions{Size: capSize, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	defer cf.Close()
	caption := fmt.Sprintf("ANIMATIC  ·  %s  ·  seed %d  ·  Slate local", r.Camera.Phrase(), r.Seed)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{255, 255, 255, 190}), Face: cf,
		Dot: fixed.Point26_6{X: fixed.I(int(capSize)), Y: fixed.I(h - int(capSize))}}
	d.DrawString(caption)
	return nil
}

// wrap breaks text into lines no wider than width.
func wrap(f font.Face, text string, width int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if font.MeasureString(f, try).Ceil() <= width || cur == "" {
			cur = try
			continue
		}
		lines = append(lines, cur)
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// drawRefs lays the references along the top right, each with its @name below it.
func drawRefs(img *image.RGBA, refs []refThumb) error {
	if len(refs) == 0 {
		return nil
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	size := math.Max(6, float64(h)/45)
	face, err := opentype.NewFace(regular, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return err
	}
	defer face.Close()
	margin := h / 30
	x := w - margin
	for i := len(refs) - 1; i >= 0; i-- {
		ref := refs[i]
		x -= ref.pic.w
		if x < 0 {
			break
		}
		src := &image.NRGBA{Pix: ref.pic.pix, Stride: ref.pic.w * 4, Rect: image.Rect(0, 0, ref.pic.w, ref.pic.h)}
		border := max(1, h/360)
		draw.Draw(img, image.Rect(x-border, margin-border, x+ref.pic.w+border, margin+ref.pic.h+border),
			image.NewUniform(color.RGBA{255, 255, 255, 220}), image.Point{}, draw.Over)
		draw.Draw(img, image.Rect(x, margin, x+ref.pic.w, margin+ref.pic.h), src, image.Point{}, draw.Over)
		_, name, _ := strings.Cut(ref.label, ":")
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{255, 255, 255, 230}), Face: face,
			Dot: fixed.Point26_6{X: fixed.I(x), Y: fixed.I(margin + ref.pic.h + int(size*1.3))}}
		d.DrawString("@" + firstNonEmpty(name, ref.label))
		x -= margin
	}
	return nil
}
