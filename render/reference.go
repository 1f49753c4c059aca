package render

import (
	"image"
	"math"

	"github.com/slate-nle/slate/timeline"
)

// The reference compositor: slow and obviously correct, the oracle the fast compositor is
// tested against. One output pixel at a time, in float64, every formula written out as the
// documentation states it, no precomputation shared with the fast path beyond the plan.

// px is a premultiplied colour, each part 0..1.
type px struct{ r, g, b, a float64 }

func (c px) scaled(k float64) px { return px{c.r * k, c.g * k, c.b * k, c.a * k} }

func lerpPx(x, y px, t float64) px {
	return px{x.r + (y.r-x.r)*t, x.g + (y.g-x.g)*t, x.b + (y.b-x.b)*t, x.a + (y.a-x.a)*t}
}

// referenceComposite draws p into a new image.
func referenceComposite(p *plan) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			c := referencePixel(p, x, y)
			i := out.PixOffset(x, y)
			out.Pix[i+0] = to8(c.r)
			out.Pix[i+1] = to8(c.g)
			out.Pix[i+2] = to8(c.b)
			out.Pix[i+3] = to8(c.a)
		}
	}
	return out
}

func to8(v float64) byte { return byte(math.Round(255 * clamp01(v))) }

// referencePixel is output pixel (x, y): the layers bottom first over transparent black.
func referencePixel(p *plan, x, y int) px {
	var acc px
	for _, l := range p.layers {
		if !l.trans {
			acc = refBlend(l.a.blend, refSample(l.a, p, x, y), acc)
			continue
		}
		ra := refBlend(l.a.blend, refSample(l.a, p, x, y), acc)
		rb := refBlend(l.b.blend, refSample(l.b, p, x, y), acc)
		switch l.kind {
		case timeline.Dip:
			col := px{float64(l.color[0]) / 255, float64(l.color[1]) / 255, float64(l.color[2]) / 255, 1}
			if l.p < 0.5 {
				acc = lerpPx(ra, col, 2*l.p)
			} else {
				acc = lerpPx(col, rb, 2*l.p-1)
			}
		case timeline.Wipe:
			var u float64
			var size int
			switch l.dir {
			case "left":
				u, size = 1-(float64(x)+0.5)/float64(p.w), p.w
			case "down":
				u, size = (float64(y)+0.5)/float64(p.h), p.h
			case "up":
				u, size = 1-(float64(y)+0.5)/float64(p.h), p.h
			default: // right
				u, size = (float64(x)+0.5)/float64(p.w), p.w
			}
			soft := math.Max(clamp01(l.soft), 1/float64(size))
			acc = lerpPx(ra, rb, wipeMask(u, l.p, soft))
		default:
			acc = lerpPx(ra, rb, l.p)
		}
	}
	return acc
}

// refSample is what clip c puts at output pixel (x, y): the source point found by running the
// placement formula backwards, sampled bilinearly, times its coverage and opacity.
func refSample(c planClip, p *plan, x, y int) px {
	pl := c.place
	if c.img == nil || pl.Opacity <= 0 || pl.ScaleX <= 0 || pl.ScaleY <= 0 {
		return px{}
	}
	dw, dh := float64(c.img.Rect.Dx()), float64(c.img.Rect.Dy())
	kx, ky := pl.FitW/dw, pl.FitH/dh // layer-image pixels per source pixel

	// Output pixel centre to timeline pixels.
	dx := (float64(x) + 0.5) / p.scale
	dy := (float64(y) + 0.5) / p.scale
	// D = C0 + Pos + A + Rot(θ)·Scale·(L − A), solved for L.
	ax, ay := pl.AnchorX*pl.FitW, pl.AnchorY*pl.FitH
	qx := dx - (p.frameW-pl.FitW)/2 - pl.PosX - ax
	qy := dy - (p.frameH-pl.FitH)/2 - pl.PosY - ay
	th := pl.Rotation * math.Pi / 180
	rx := math.Cos(th)*qx + math.Sin(th)*qy // rotate by −θ
	ry := -math.Sin(th)*qx + math.Cos(th)*qy
	lx := rx/pl.ScaleX + ax
	ly := ry/pl.ScaleY + ay
	u, v := lx/kx, ly/ky // source pixel coordinates

	// Coverage: each kept edge fades over one output pixel centred on it. One source pixel
	// is p.scale·Scale·k output pixels wide (rotation keeps lengths).
	l, r := pl.CropLeft*dw, (1-pl.CropRight)*dw
	t, b := pl.CropTop*dh, (1-pl.CropBottom)*dh
	ppu := p.scale * pl.ScaleX * kx
	ppv := p.scale * pl.ScaleY * ky
	ramp := func(d float64) float64 { return clamp01(d + 0.5) }
	cov := ramp((u-l)*ppu) * ramp((r-u)*ppu) * ramp((v-t)*ppv) * ramp((b-v)*ppv)
	if cov <= 0 {
		return px{}
	}
	return refBilinear(c.img, u-0.5, v-0.5).scaled(cov * clamp01(pl.Opacity))
}

// refBilinear samples img at (sx, sy) in pixel-centre coordinates, clamping to the edge.
func refBilinear(img *image.RGBA, sx, sy float64) px {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	at := func(x, y int) px {
		x = min(max(x, 0), w-1)
		y = min(max(y, 0), h-1)
		i := y*img.Stride + 4*x
		s := img.Pix[i : i+4]
		return px{float64(s[0]) / 255, float64(s[1]) / 255, float64(s[2]) / 255, float64(s[3]) / 255}
	}
	x0, y0 := math.Floor(sx), math.Floor(sy)
	fx, fy := sx-x0, sy-y0
	ix, iy := int(x0), int(y0)
	top := lerpPx(at(ix, iy), at(ix+1, iy), fx)
	bot := lerpPx(at(ix, iy+1), at(ix+1, iy+1), fx)
	return lerpPx(top, bot, fy)
}

// refBlend puts s over d in mode m with the W3C formula
// C = Cs·(1−ad) + Cd·(1−as) + as·ad·B(cs, cd) on unpremultiplied cs, cd.
func refBlend(m blendMode, s, d px) px {
	mix := func(cs, cd float64) float64 {
		switch m {
		case blendAdd:
			return math.Min(1, cs+cd)
		case blendMultiply:
			return cs * cd
		case blendScreen:
			return cs + cd - cs*cd
		case blendOverlay:
			if cd <= 0.5 {
				return 2 * cs * cd
			}
			return 1 - 2*(1-cs)*(1-cd)
		}
		return cs
	}
	ch := func(cs, cd float64) float64 {
		out := cs*(1-d.a) + cd*(1-s.a)
		if s.a > 0 && d.a > 0 {
			out += s.a * d.a * mix(cs/s.a, cd/d.a)
		}
		return out
	}
	return px{ch(s.r, d.r), ch(s.g, d.g), ch(s.b, d.b), s.a + d.a - s.a*d.a}
}
