package render

import (
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The "media offline" slate stands in for a clip whose file is missing or unreadable, so a
// preview keeps playing and shows what is wrong where it is wrong.

type slateKey struct {
	w, h       int
	text, name string
}

var (
	slateMu    sync.Mutex
	slateFont  *opentype.Font
	slateFontE error
)

func loadSlateFont() (*opentype.Font, error) {
	slateMu.Lock()
	defer slateMu.Unlock()
	if slateFont == nil && slateFontE == nil {
		slateFont, slateFontE = opentype.Parse(goregular.TTF)
	}
	return slateFont, slateFontE
}

// slate is the offline slate sized like the clip's decoded image would be.
func (r *Renderer) slate(place Placement, m Media, text string) *image.RGBA {
	r.slateMu.Lock()
	defer r.slateMu.Unlock()
	w, h := decodeSize(place.FitW, place.FitH, r.scale, 1, 0, 0)
	name := filepath.Base(m.Path)
	if m.Path == "" {
		name = m.label()
	}
	k := slateKey{w, h, text, name}
	if img, ok := r.slates[k]; ok {
		return img
	}
	img := drawSlate(w, h, text, name)
	r.slates[k] = img
	return img
}

// drawSlate draws a dark red card with the message and the file name centred on it.
func drawSlate(w, h int, text, name string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.NewUniform(color.RGBA{90, 16, 24, 255}), image.Point{}, draw.Src)
	// Diagonal stripes along the top and bottom edges read as "placeholder" at any size.
	band := max(2, h/24)
	for y := 0; y < band; y++ {
		for x := 0; x < w; x++ {
			if ((x+y)/max(1, band))%2 == 0 {
				img.SetRGBA(x, y, color.RGBA{230, 190, 40, 255})
				img.SetRGBA(x, h-1-y, color.RGBA{230, 190, 40, 255})
			}
		}
	}
	f, err := loadSlateFont()
	if err != nil {
		return img // the card alone still says something is wrong
	}
	line := func(s string, size float64, y int, c color.RGBA) {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return
		}
		defer face.Close()
		d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face}
		for len(s) > 1 && d.MeasureString(s).Ceil() > w*9/10 {
			s = "…" + s[len(s)/8+1:] // keep the end of a long name: the file part
		}
		adv := d.MeasureString(s).Ceil()
		d.Dot = fixed.P((w-adv)/2, y)
		d.DrawString(s)
	}
	big := max(7, float64(h)/7)
	line(text, big, h/2, color.RGBA{255, 255, 255, 255})
	line(name, max(6, big/1.8), h/2+int(big), color.RGBA{255, 220, 220, 255})
	return img
}
