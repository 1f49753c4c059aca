package render

import (
	"math"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/keyframe"
)

// Placement is a clip's transform, opacity and crop evaluated at one instant. Geometry is in
// timeline pixels (the sequence's full frame, y down):
//
//   - The source is first fitted into the frame, aspect kept and centred (letterbox or
//     pillarbox): that fitted image, FitW×FitH, is the clip's "layer image".
//   - Anchor (0..1 of the layer image) is the pivot of scale and rotation.
//   - ScaleX, ScaleY multiply the layer image about the anchor; Rotation turns it about the
//     anchor, clockwise on screen, in degrees.
//   - PosX, PosY move it from the centred placement, in pixels.
//   - Crop removes fractions of the layer image from each side; the rest does not move.
//
// A layer-image point L maps to the frame point
//
//	D = C0 + Pos + A + Rot(θ)·Scale·(L − A),  C0 = ((W−FitW)/2, (H−FitH)/2),  A = Anchor·Fit.
type Placement struct {
	Opacity             float64
	PosX, PosY          float64
	ScaleX, ScaleY      float64
	Rotation            float64
	AnchorX, AnchorY    float64
	CropLeft, CropRight float64
	CropTop, CropBottom float64
	FitW, FitH          float64
}

// param evaluates a clip parameter at local frame t, clamped to its descriptor's range so
// that an overshooting easing (back, elastic) cannot give a negative opacity or crop.
func param(c *timeline.Clip, name string, t float64) float64 {
	v := c.ParamAt(name, t)
	if d, ok := keyframe.Lookup(name); ok {
		v = d.Clamp(v)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// ClipPlacement evaluates clip c's placement at clip-local frame t (fractional allowed) for a
// source of srcW×srcH pixels in a frameW×frameH sequence. A source size of 0 means "the frame
// size".
func ClipPlacement(c *timeline.Clip, t float64, srcW, srcH, frameW, frameH int) Placement {
	fw, fh := fitSize(srcW, srcH, frameW, frameH)
	s := param(c, "scale", t)
	return Placement{
		Opacity:    param(c, "opacity", t),
		PosX:       param(c, "position.x", t),
		PosY:       param(c, "position.y", t),
		ScaleX:     s * param(c, "scale.x", t),
		ScaleY:     s * param(c, "scale.y", t),
		Rotation:   param(c, "rotation", t),
		AnchorX:    param(c, "anchor.x", t),
		AnchorY:    param(c, "anchor.y", t),
		CropLeft:   param(c, "crop.left", t),
		CropRight:  param(c, "crop.right", t),
		CropTop:    param(c, "crop.top", t),
		CropBottom: param(c, "crop.bottom", t),
		FitW:       fw,
		FitH:       fh,
	}
}

// fitSize is the largest size with the source's aspect that fits in the frame.
func fitSize(srcW, srcH, frameW, frameH int) (float64, float64) {
	if srcW <= 0 || srcH <= 0 {
		return float64(frameW), float64(frameH)
	}
	k := math.Min(float64(frameW)/float64(srcW), float64(frameH)/float64(srcH))
	return float64(srcW) * k, float64(srcH) * k
}

// decodeSize is the pixel size to decode a fitted source at: its fitted size at the output
// scale, enlarged by the clip's largest zoom so zooming in does not blur, but never larger
// than the source itself.
func decodeSize(fw, fh, outScale, zoom float64, srcW, srcH int) (int, int) {
	z := math.Max(1, zoom)
	w, h := fw*outScale*z, fh*outScale*z
	if srcW > 0 && srcH > 0 && w > float64(srcW) {
		// Never upscale beyond the native size, but never below the fitted output size.
		k := math.Max(float64(srcW)/w, 1/z)
		w, h = w*k, h*k
	}
	return max(1, int(math.Round(w))), max(1, int(math.Round(h)))
}

// maxZoom is the largest scale a clip reaches over its keyframes (scale × the larger axis
// scale), used to pick a decode size that holds for the whole clip.
func maxZoom(c *timeline.Clip) float64 {
	peak := func(name string) float64 {
		cv := c.Param(name)
		if cv == nil {
			return c.ParamAt(name, 0)
		}
		m := cv.Static
		if len(cv.Keys) > 0 {
			m = cv.Keys[0].V
		}
		for _, k := range cv.Keys {
			m = math.Max(m, k.V)
		}
		return m
	}
	z := peak("scale") * math.Max(peak("scale.x"), peak("scale.y"))
	if math.IsNaN(z) || z < 1 {
		return 1
	}
	return math.Min(z, 8) // beyond 8× the source's own pixels are the limit anyway
}

// affine is a 2×3 matrix: x' = A·x + B·y + C, y' = D·x + E·y + F.
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.b*y + m.c, m.d*x + m.e*y + m.f
}

// invert returns the inverse, and false for a singular matrix (a zero scale).
func (m affine) invert() (affine, bool) {
	det := m.a*m.e - m.b*m.d
	if math.Abs(det) < 1e-12 || math.IsNaN(det) {
		return affine{}, false
	}
	ia, ib := m.e/det, -m.b/det
	id, ie := -m.d/det, m.a/det
	return affine{ia, ib, -(ia*m.c + ib*m.f), id, ie, -(id*m.c + ie*m.f)}, true
}

// mul is m∘n (apply n first).
func (m affine) mul(n affine) affine {
	return affine{
		m.a*n.a + m.b*n.d, m.a*n.b + m.b*n.e, m.a*n.c + m.b*n.f + m.c,
		m.d*n.a + m.e*n.d, m.d*n.b + m.e*n.e, m.d*n.c + m.e*n.f + m.f,
	}
}

// forward is the matrix taking source-image pixel coordinates (an image of dw×dh pixels
// holding the fitted layer image) to output pixel coordinates at outScale, built by composing
// the steps of the Placement formula.
func (p Placement) forward(dw, dh int, frameW, frameH, outScale float64) affine {
	kx, ky := p.FitW/float64(dw), p.FitH/float64(dh)
	ax, ay := p.AnchorX*p.FitW, p.AnchorY*p.FitH
	sin, cos := math.Sincos(p.Rotation * math.Pi / 180)
	toLayer := affine{kx, 0, 0, 0, ky, 0}
	fromAnchor := affine{1, 0, -ax, 0, 1, -ay}
	scale := affine{p.ScaleX, 0, 0, 0, p.ScaleY, 0}
	rot := affine{cos, -sin, 0, sin, cos, 0}
	place := affine{1, 0, (frameW-p.FitW)/2 + p.PosX + ax, 0, 1, (frameH-p.FitH)/2 + p.PosY + ay}
	out := affine{outScale, 0, 0, 0, outScale, 0}
	return out.mul(place.mul(rot.mul(scale.mul(fromAnchor.mul(toLayer)))))
}

// cropRect is the kept part of a dw×dh source image, in its pixel coordinates.
func (p Placement) cropRect(dw, dh int) (l, t, r, b float64) {
	w, h := float64(dw), float64(dh)
	return p.CropLeft * w, p.CropTop * h, (1 - p.CropRight) * w, (1 - p.CropBottom) * h
}

// Corners are the frame positions (timeline pixels) of the kept (cropped) layer image's
// top-left, top-right, bottom-right and bottom-left corners, for drawing handles in a viewer.
func (p Placement) Corners(frameW, frameH int) [4][2]float64 {
	const n = 1000 // any source size gives the same corners
	m := p.forward(n, n, float64(frameW), float64(frameH), 1)
	l, t, r, b := p.cropRect(n, n)
	var out [4][2]float64
	for i, c := range [4][2]float64{{l, t}, {r, t}, {r, b}, {l, b}} {
		out[i][0], out[i][1] = m.apply(c[0], c[1])
	}
	return out
}
