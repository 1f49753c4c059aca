package render

import (
	"encoding/binary"
	"image"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/slate-nle/slate/timeline"
)

// plan is one frame's composition with everything resolved: source images pulled,
// parameters evaluated. Both compositors (the fast one here and the reference one) draw a
// plan, so the golden tests compare only the drawing.
type plan struct {
	w, h           int     // output size in pixels
	scale          float64 // output pixels per timeline pixel
	frameW, frameH float64 // the sequence frame in timeline pixels
	layers         []planLayer
}

// planLayer is what one track contributes, bottom first.
type planLayer struct {
	a, b  planClip // b is the incoming clip during a transition
	trans bool
	kind  timeline.TransitionKind
	p     float64 // transition progress, 0 < p < 1
	color [4]byte // dip colour, opaque
	dir   string  // wipe direction: right (default), left, up, down
	soft  float64 // wipe edge softness as a fraction of the frame, 0..1
}

// planClip is one source image with its placement.
type planClip struct {
	img   *image.RGBA // premultiplied; nil draws nothing
	place Placement
	blend blendMode
}

// Layers within a transition composite as two complete results mixed together:
// R_A = below ⊕ A and R_B = below ⊕ B, then
//
//	dissolve  R_A·(1−p) + R_B·p
//	wipe      R_A·(1−m) + R_B·m, m the wipe mask at the pixel
//	dip       R_A·(1−2p) + C·2p for p < 1/2, C·(2−2p) + R_B·(2p−1) after
//
// so blend modes and opacity behave the same inside and outside transitions.

// wipeMask is the share of the incoming clip at position u (0..1 across the frame along the
// wipe's direction of travel) for progress p and edge softness soft (> 0).
func wipeMask(u, p, soft float64) float64 {
	e := -soft/2 + p*(1+soft)
	return clamp01((e-u)/soft + 0.5)
}

// wipeAxis says which axis a wipe travels along and whether it runs backwards.
func wipeAxis(dir string) (vertical, reverse bool) {
	switch dir {
	case "left":
		return false, true
	case "down":
		return true, false
	case "up":
		return true, true
	}
	return false, false
}

// wipeSoftness is the edge width as a fraction of the frame, at least one output pixel so
// the edge is antialiased.
func wipeSoftness(soft float64, size int) float64 {
	return math.Max(clamp01(soft), 1/float64(max(size, 1)))
}

func clamp01(x float64) float64 {
	if x <= 0 || math.IsNaN(x) {
		return 0
	}
	if x >= 1 {
		return 1
	}
	return x
}

// dipWeights gives, for a dip at progress p, which clip shows (false: A, true: B) and the
// weight of the colour.
func dipWeights(p float64) (incoming bool, colour float64) {
	if p < 0.5 {
		return false, 2 * p
	}
	return true, 2 - 2*p
}

// fastCompositor draws plans with fixed-point arithmetic, rows split across goroutines. Its
// scratch memory is reused from frame to frame; one compositor draws one frame at a time.
// Pixels are little-endian words 0xAABBGGRR (see words).
type fastCompositor struct {
	workers int
	preps   []prepLayer
	wks     []*worker
}

// prepClip is a planClip turned into what the inner loops need.
type prepClip struct {
	on         bool
	img        *image.RGBA
	dw, dh     int
	inv        affine  // output pixel coordinates -> source pixel coordinates
	l, t, r, b float64 // kept source rectangle
	su, sv     float64 // output pixels per source unit across u and v edges
	op         float64
	mode       blendMode
	x0, y0     int // destination bounding box
	x1, y1     int
	axis       bool // no rotation: u depends on x only, v on y only
	cols       []colSample
	ident      bool // 1:1 with an integer offset
	offX, offY int
	fullX0     int // columns with full horizontal coverage (ident only)
	fullX1     int
}

type prepLayer struct {
	a, b prepClip
	pl   *planLayer
	mask []uint16 // wipe mask per column (horizontal wipes)
}

// colSample is the horizontal half of a bilinear sample, precomputed per column for
// axis-aligned layers.
type colSample struct {
	i0, i1 int32  // the two source columns
	fx     uint32 // weight of i1, 0..256
	cov    uint32 // horizontal coverage, 0..256
}

// worker is one band goroutine's scratch memory and the state of the row it draws.
type worker struct {
	a, b   []uint32 // sampled rows, indexed by output column
	tmp    []uint32 // the second result inside a transition
	vrow   []uint64 // vertically mixed source row
	e0, e1 int      // the columns of the output row drawn so far; the rest is transparent
}

func newFastCompositor(workers int) *fastCompositor {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &fastCompositor{workers: workers}
}

// composite draws p into dst (p.w×p.h, overwritten).
func (fc *fastCompositor) composite(dst *image.RGBA, p *plan) {
	fc.preps = fc.preps[:0]
	for i := range p.layers {
		pl := &p.layers[i]
		lp := prepLayer{pl: pl}
		lp.a = fc.prepare(pl.a, p)
		if pl.trans {
			lp.b = fc.prepare(pl.b, p)
			if pl.kind == timeline.Wipe {
				if vert, rev := wipeAxis(pl.dir); !vert {
					soft := wipeSoftness(pl.soft, p.w)
					lp.mask = make([]uint16, p.w)
					for x := range lp.mask {
						u := (float64(x) + 0.5) / float64(p.w)
						if rev {
							u = 1 - u
						}
						lp.mask[x] = uint16(math.Round(256 * wipeMask(u, pl.p, soft)))
					}
				}
			}
		} else if !lp.a.on {
			continue
		}
		fc.preps = append(fc.preps, lp)
	}

	bands := min(p.h, fc.workers*4)
	if bands < 1 {
		return
	}
	for len(fc.wks) < fc.workers {
		fc.wks = append(fc.wks, &worker{})
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < min(fc.workers, bands); w++ {
		wk := fc.wks[w]
		if len(wk.a) < p.w {
			wk.a, wk.b, wk.tmp = make([]uint32, p.w), make([]uint32, p.w), make([]uint32, p.w)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1)) - 1
				if b >= bands {
					return
				}
				y0, y1 := b*p.h/bands, (b+1)*p.h/bands
				for y := y0; y < y1; y++ {
					fc.row(words(dst.Pix[y*dst.Stride:y*dst.Stride+4*p.w]), p, y, wk)
				}
			}
		}()
	}
	wg.Wait()
}

// row draws output row y of every layer.
func (fc *fastCompositor) row(out []uint32, p *plan, y int, wk *worker) {
	clear(out)
	wk.e0, wk.e1 = 0, 0
	for i := range fc.preps {
		lp := &fc.preps[i]
		pl := lp.pl
		if !pl.trans {
			if x0, x1, v := sampleRow(&lp.a, y, wk.a, wk); x0 < x1 {
				put(lp.a.mode, out, x0, x1, v, wk)
			}
			continue
		}
		if pl.kind == timeline.Dip {
			incoming, cw := dipWeights(pl.p)
			c := &lp.a
			if incoming {
				c = &lp.b
			}
			if x0, x1, v := sampleRow(c, y, wk.a, wk); x0 < x1 {
				put(c.mode, out, x0, x1, v, wk)
			}
			lerpColor(out, binary.LittleEndian.Uint32(pl.color[:]), uint32(math.Round(256*cw)))
			wk.e0, wk.e1 = 0, len(out)
			continue
		}
		// The incoming clip's weight: one per pixel for horizontal wipes, else one per row.
		w := uint32(math.Round(256 * pl.p))
		mask := lp.mask
		if pl.kind == timeline.Wipe && mask == nil {
			_, rev := wipeAxis(pl.dir)
			u := (float64(y) + 0.5) / float64(p.h)
			if rev {
				u = 1 - u
			}
			w = uint32(math.Round(256 * wipeMask(u, pl.p, wipeSoftness(pl.soft, p.h))))
		}
		if lp.a.mode == blendNormal && lp.b.mode == blendNormal {
			mixNormal(&lp.a, &lp.b, out, y, w, mask, wk)
			continue
		}
		// Other modes: two complete results, mixed.
		wk.e0, wk.e1 = 0, len(out)
		tmp := wk.tmp[:len(out)]
		copy(tmp, out)
		if x0, x1, v := sampleRow(&lp.a, y, wk.a, wk); x0 < x1 {
			blendRow(lp.a.mode, out[x0:x1], v)
		}
		if x0, x1, v := sampleRow(&lp.b, y, wk.a, wk); x0 < x1 {
			blendRow(lp.b.mode, tmp[x0:x1], v)
		}
		if mask != nil {
			for x, m := range mask[:len(out)] {
				out[x] = lerp32(out[x], tmp[x], uint32(m))
			}
		} else {
			lerpWords(out, out, tmp, w)
		}
	}
}

// put blends src (the samples for columns [x0, x1)) onto the output row. Over the part of the
// row nothing has been drawn on yet every mode gives the source itself, so that part is a
// copy.
func put(m blendMode, out []uint32, x0, x1 int, src []uint32, wk *worker) {
	e0, e1 := wk.e0, wk.e1
	if e0 >= e1 || e1 <= x0 || x1 <= e0 {
		copy(out[x0:x1], src)
	} else {
		b0, b1 := max(x0, e0), min(x1, e1)
		copy(out[x0:b0], src[:b0-x0])
		blendRow(m, out[b0:b1], src[b0-x0:b1-x0])
		copy(out[b1:x1], src[b1-x0:])
	}
	if e0 >= e1 {
		wk.e0, wk.e1 = x0, x1
	} else {
		wk.e0, wk.e1 = min(e0, x0), max(e1, x1)
	}
}

// mixNormal draws a dissolve or wipe between two normal-mode clips. Normal blending is linear
// in the source, so mixing the two sources and blending once equals mixing the two blended
// results.
func mixNormal(a, b *prepClip, out []uint32, y int, w uint32, mask []uint16, wk *worker) {
	a0, a1, va := sampleRow(a, y, wk.a, wk)
	b0, b1, vb := sampleRow(b, y, wk.b, wk)
	switch {
	case a0 >= a1 && b0 >= b1:
		return
	case a0 == b0 && a1 == b1: // the usual case: same span, mix straight from the views
	default: // outside its own span a clip is transparent
		x0, x1 := min(a0, b0), max(a1, b1)
		if a0 >= a1 {
			x0, x1 = b0, b1
		} else if b0 >= b1 {
			x0, x1 = a0, a1
		}
		va, vb = widen(wk.a, va, a0, a1, x0, x1), widen(wk.b, vb, b0, b1, x0, x1)
		a0, a1 = x0, x1
	}
	// Straight into the output where nothing is drawn yet (there the blend is a copy).
	direct := wk.e0 >= wk.e1 || wk.e1 <= a0 || a1 <= wk.e0
	dst := wk.a[a0:a1]
	if direct {
		dst = out[a0:a1]
	}
	if mask != nil {
		for j, m := range mask[a0:a1] {
			dst[j] = lerp32(va[j], vb[j], uint32(m))
		}
	} else {
		lerpWords(dst, va, vb, w)
	}
	if !direct {
		put(blendNormal, out, a0, a1, dst, wk)
	} else if wk.e0 >= wk.e1 {
		wk.e0, wk.e1 = a0, a1
	} else {
		wk.e0, wk.e1 = min(wk.e0, a0), max(wk.e1, a1)
	}
}

// widen returns a clip's samples over [x0, x1) in buf (indexed by column), transparent
// outside its own span [k0, k1) where v holds them.
func widen(buf, v []uint32, k0, k1, x0, x1 int) []uint32 {
	if k0 >= k1 {
		clear(buf[x0:x1])
		return buf[x0:x1]
	}
	copy(buf[k0:k1], v) // v may be a view of the source image; bring it into buf
	clear(buf[x0:k0])
	clear(buf[k1:x1])
	return buf[x0:x1]
}

// prepare computes a clip's inverse mapping, bounding box and per-column samples.
func (fc *fastCompositor) prepare(pc planClip, p *plan) prepClip {
	c := prepClip{img: pc.img, op: clamp01(pc.place.Opacity), mode: pc.blend}
	if pc.img == nil || c.op == 0 {
		return c
	}
	b := pc.img.Rect
	c.dw, c.dh = b.Dx(), b.Dy()
	if c.dw <= 0 || c.dh <= 0 {
		return c
	}
	fwd := pc.place.forward(c.dw, c.dh, p.frameW, p.frameH, p.scale)
	inv, ok := fwd.invert()
	if !ok {
		return c
	}
	c.inv = inv
	c.l, c.t, c.r, c.b = pc.place.cropRect(c.dw, c.dh)
	if c.r-c.l <= 0 || c.b-c.t <= 0 {
		return c
	}
	c.su = 1 / math.Hypot(inv.a, inv.b)
	c.sv = 1 / math.Hypot(inv.d, inv.e)
	// Bounding box of the kept rectangle's corners, one pixel wider for the antialiased edge.
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range [4][2]float64{{c.l, c.t}, {c.r, c.t}, {c.r, c.b}, {c.l, c.b}} {
		x, y := fwd.apply(q[0], q[1])
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	c.x0 = max(0, int(math.Floor(minX))-1)
	c.y0 = max(0, int(math.Floor(minY))-1)
	c.x1 = min(p.w, int(math.Ceil(maxX))+1)
	c.y1 = min(p.h, int(math.Ceil(maxY))+1)
	if c.x0 >= c.x1 || c.y0 >= c.y1 {
		return c
	}
	c.on = true
	const eps = 1e-9
	c.axis = math.Abs(inv.b) < eps && math.Abs(inv.d) < eps && inv.a > 0 && inv.e > 0
	if !c.axis {
		return c
	}
	// u = inv.a·(x+0.5) + inv.c, sampled at u−0.5.
	c.cols = make([]colSample, c.x1-c.x0)
	for i := range c.cols {
		u := inv.a*(float64(c.x0+i)+0.5) + inv.c
		s0, s1, f := tap(u-0.5, c.dw)
		cov := clamp01((u-c.l)*c.su+0.5) * clamp01((c.r-u)*c.su+0.5)
		c.cols[i] = colSample{i0: int32(s0), i1: int32(s1), fx: f, cov: uint32(math.Round(256 * cov))}
	}
	ox, oy := inv.c, inv.f // with a unit scale, pixel x samples source pixel x + inv.c
	if math.Abs(inv.a-1) < eps && math.Abs(inv.e-1) < eps &&
		math.Abs(ox-math.Round(ox)) < 1e-6 && math.Abs(oy-math.Round(oy)) < 1e-6 {
		c.ident, c.offX, c.offY = true, int(math.Round(ox)), int(math.Round(oy))
		c.fullX0, c.fullX1 = c.x1, c.x1
		for i, cs := range c.cols {
			if cs.cov == 256 {
				if c.fullX0 == c.x1 {
					c.fullX0 = c.x0 + i
				}
				c.fullX1 = c.x0 + i + 1
			}
		}
	}
	return c
}

// tap is the bilinear footprint of sample position s (pixel-centre coordinates) in an image
// n pixels wide, clamped to its edge: the two pixels and the weight of the second (0..256).
func tap(s float64, n int) (int, int, uint32) {
	fl := math.Floor(s)
	i := int(fl)
	f := uint32(math.Round(256 * (s - fl)))
	if f == 256 {
		i, f = i+1, 0
	}
	i0, i1 := i, i+1
	i0 = min(max(i0, 0), n-1)
	i1 = min(max(i1, 0), n-1)
	return i0, i1, f
}

// rowCover is the vertical coverage times opacity of an axis-aligned clip on row y, 0..256.
func rowCover(c *prepClip, y int) uint32 {
	v := c.inv.e*(float64(y)+0.5) + c.inv.f
	covY := clamp01((v-c.t)*c.sv+0.5) * clamp01((c.b-v)*c.sv+0.5)
	return uint32(math.Round(256 * covY * c.op))
}

// srcRow is row r of the clip's image as pixel words.
func srcRow(c *prepClip, r int) []uint32 {
	img := c.img
	return words(img.Pix[r*img.Stride : r*img.Stride+4*c.dw])
}

// sampleRow gives clip c's premultiplied samples for row y over columns [x0, x1): either a
// view straight into the source image (1:1, fully covered) or samples written to buf[x0:x1].
// The span is empty where the clip does not reach.
func sampleRow(c *prepClip, y int, buf []uint32, wk *worker) (int, int, []uint32) {
	if !c.on || y < c.y0 || y >= c.y1 {
		return 0, 0, nil
	}
	if !c.axis {
		sampleAffine(c, y, buf[c.x0:c.x1])
		return c.x0, c.x1, buf[c.x0:c.x1]
	}
	rowK := rowCover(c, y)
	if rowK == 0 {
		return 0, 0, nil
	}
	v := c.inv.e*(float64(y)+0.5) + c.inv.f
	r0, r1, fy := tap(v-0.5, c.dh)
	row0, row1 := srcRow(c, r0), srcRow(c, r1)
	if c.ident && rowK == 256 && c.fullX0 < c.fullX1 {
		if c.fullX0 == c.x0 && c.fullX1 == c.x1 {
			return c.x0, c.x1, row0[c.x0+c.offX : c.x1+c.offX]
		}
		copy(buf[c.fullX0:c.fullX1], row0[c.fullX0+c.offX:c.fullX1+c.offX])
		sampleAxis(c, row0, row1, 0, rowK, c.x0, c.fullX0, buf, wk)
		sampleAxis(c, row0, row1, 0, rowK, c.fullX1, c.x1, buf, wk)
		return c.x0, c.x1, buf[c.x0:c.x1]
	}
	sampleAxis(c, row0, row1, fy, rowK, c.x0, c.x1, buf, wk)
	return c.x0, c.x1, buf[c.x0:c.x1]
}

// sampleAxis samples columns [x0, x1) of an axis-aligned clip into dst[x0:x1]. It first
// mixes the two source rows over the columns it needs (vertical pass), then samples that
// row horizontally, both with all four channels in the 16-bit lanes of a uint64.
func sampleAxis(c *prepClip, row0, row1 []uint32, fy, rowK uint32, x0, x1 int, dst []uint32, wk *worker) {
	if x0 >= x1 {
		return
	}
	s := dst[x0:x1]
	cols := c.cols[x0-c.x0 : x1-c.x0]
	// Columns used: cols run left to right, so the first and last bound them.
	lo := int(min(cols[0].i0, cols[len(cols)-1].i0))
	hi := int(max(cols[0].i1, cols[len(cols)-1].i1)) + 1
	if len(wk.vrow) < hi {
		wk.vrow = make([]uint64, hi)
	}
	w0, w1 := row0[lo:hi], row1[lo:hi]
	vr := wk.vrow[lo:hi]
	g, f := uint64(256-fy), uint64(fy)
	if fy == 0 {
		for i, p := range w0 {
			vr[i] = spread(p)
		}
	} else {
		for i, p := range w0 {
			vr[i] = (spread(p)*g + spread(w1[i])*f + round64) >> 8 & lanes64
		}
	}
	vrow := wk.vrow
	for j, cs := range cols {
		k := (cs.cov*rowK + 128) >> 8
		if k == 0 {
			s[j] = 0
			continue
		}
		a := vrow[cs.i0]
		if cs.fx != 0 {
			a = (a*uint64(256-cs.fx) + vrow[cs.i1]*uint64(cs.fx) + round64) >> 8 & lanes64
		}
		if k < 256 {
			a = (a*uint64(k) + round64) >> 8 & lanes64
		}
		s[j] = pack(a)
	}
}

const (
	lanes64 = 0x00FF00FF00FF00FF
	round64 = 0x0080008000800080
)

// spread puts the four bytes of a pixel word into the 16-bit lanes of a uint64.
func spread(p uint32) uint64 {
	x := uint64(p)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	return (x | x<<8) & lanes64
}

// pack is the inverse of spread.
func pack(x uint64) uint32 {
	x &= lanes64
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	return uint32(x | x>>16)
}

// samplePx is the general sample of clip c at source position (u, v): clamped bilinear taps
// times coverage and opacity.
func samplePx(c *prepClip, u, v float64) uint32 {
	cov := clamp01((u-c.l)*c.su+0.5) * clamp01((c.r-u)*c.su+0.5) *
		clamp01((v-c.t)*c.sv+0.5) * clamp01((c.b-v)*c.sv+0.5)
	k := uint32(cov*c.op*256 + 0.5)
	if k == 0 {
		return 0
	}
	c0, c1, fx := tap(u-0.5, c.dw)
	r0, r1, fy := tap(v-0.5, c.dh)
	a, b := srcRow(c, r0), srcRow(c, r1)
	return scale32(lerp32(lerp32(a[c0], a[c1], fx), lerp32(b[c0], b[c1], fx), fy), k)
}

// sampleAffine samples a rotated or sheared clip over its bounding box on row y into s
// (columns c.x0..c.x1).
func sampleAffine(c *prepClip, y int, s []uint32) {
	inv := c.inv
	n := c.x1 - c.x0
	yc := float64(y) + 0.5
	// u and v are linear along the row: u(x) = u0 + a·(x−x0).
	u0 := inv.a*(float64(c.x0)+0.5) + inv.b*yc + inv.c
	v0 := inv.d*(float64(c.x0)+0.5) + inv.e*yc + inv.f
	// The interior: full coverage and both bilinear taps inside the image, so no clamping.
	const margin = 0.01
	lo, hi := 0.0, float64(n)
	lo, hi = span(lo, hi, u0, inv.a, math.Max(c.l+0.5/c.su, 0.5)+margin, math.Min(c.r-0.5/c.su, float64(c.dw)-0.5)-margin)
	lo, hi = span(lo, hi, v0, inv.d, math.Max(c.t+0.5/c.sv, 0.5)+margin, math.Min(c.b-0.5/c.sv, float64(c.dh)-0.5)-margin)
	xs, xe := int(math.Ceil(lo))+1, int(math.Floor(hi))-1
	if xs >= xe {
		xs, xe = n, n
	}
	for j := 0; j < xs; j++ {
		s[j] = samplePx(c, u0+inv.a*float64(j), v0+inv.d*float64(j))
	}
	for j := max(xe, xs); j < n; j++ {
		s[j] = samplePx(c, u0+inv.a*float64(j), v0+inv.d*float64(j))
	}
	if xs >= xe {
		return
	}
	// Fixed point with 32 fraction bits; positions rounded to 1/256 pixel for the weights.
	const one = 1 << 32
	uf := int64(math.Round((u0 + inv.a*float64(xs) - 0.5) * one))
	vf := int64(math.Round((v0 + inv.d*float64(xs) - 0.5) * one))
	du, dv := int64(math.Round(inv.a*one)), int64(math.Round(inv.d*one))
	k := uint32(math.Round(c.op * 256))
	pix := words(c.img.Pix)
	stride := c.img.Stride / 4
	for j := xs; j < xe; j, uf, vf = j+1, uf+du, vf+dv {
		tu, tv := uf+1<<23, vf+1<<23
		cx, cy := int(tu>>32), int(tv>>32)
		fx, fy := uint32(tu>>24)&0xFF, uint32(tv>>24)&0xFF
		i := cy*stride + cx
		p00, p01, p10, p11 := pix[i], pix[i+1], pix[i+stride], pix[i+stride+1]
		if p00|p01|p10|p11 == 0 { // transparent: nothing to mix
			s[j] = 0
			continue
		}
		p := lerp32(lerp32(p00, p01, fx), lerp32(p10, p11, fx), fy)
		if k < 256 {
			p = scale32(p, k)
		}
		s[j] = p
	}
}

// span narrows [lo, hi] to the x where q0 + dq·x lies in [qlo, qhi].
func span(lo, hi, q0, dq, qlo, qhi float64) (float64, float64) {
	if qlo > qhi {
		return 1, 0
	}
	if dq == 0 {
		if q0 < qlo || q0 > qhi {
			return 1, 0
		}
		return lo, hi
	}
	a, b := (qlo-q0)/dq, (qhi-q0)/dq
	if a > b {
		a, b = b, a
	}
	return math.Max(lo, a), math.Min(hi, b)
}

// words views RGBA bytes as pixel words 0xAABBGGRR. That needs a little-endian machine; on
// others NewRenderer uses the reference compositor.
func words(b []byte) []uint32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// littleEndian reports whether words sees bytes in the order the fast compositor expects.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
