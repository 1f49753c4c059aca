package render

import (
	"image"
	"sync"
)

// A frame is an *image.RGBA whose Rect starts at (0,0) and whose Stride is 4×width. Go's RGBA
// is alpha-premultiplied, and so is every frame in this package: decoders premultiply what
// ffmpeg delivers (straight alpha) and the encoder converts back for codecs that keep alpha.

// framePools holds one sync.Pool per frame size (image.Point → *sync.Pool). A 1080p frame is
// 8 MB; recycling the frames whose lifetime is known (scratch buffers, composited output
// written to an encoder) keeps the garbage collector out of the playback and export loops.
var framePools sync.Map

func poolFor(w, h int) *sync.Pool {
	k := image.Point{w, h}
	if p, ok := framePools.Load(k); ok {
		return p.(*sync.Pool)
	}
	p, _ := framePools.LoadOrStore(k, &sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, w, h)) }})
	return p.(*sync.Pool)
}

// GetFrame returns a w×h frame from the pool. Its pixels are NOT cleared: they hold whatever
// the previous user left, so callers either overwrite every byte or clear(img.Pix) first.
func GetFrame(w, h int) *image.RGBA {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
	}
	return poolFor(w, h).Get().(*image.RGBA)
}

// PutFrame gives a frame back to the pool. Only its sole owner may do so: never a frame that
// went into a Cache, or that a FrameSource may still hand to someone else. Frames that are
// not whole, origin-based images (sub-images) are left to the garbage collector.
func PutFrame(img *image.RGBA) {
	if img == nil {
		return
	}
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	if b.Min != (image.Point{}) || w <= 0 || h <= 0 || img.Stride != 4*w || len(img.Pix) != 4*w*h {
		return
	}
	poolFor(w, h).Put(img)
}

// premultiply converts straight-alpha RGBA bytes to premultiplied in place, rounding to
// nearest.
func premultiply(p []byte) {
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		if a == 255 {
			continue
		}
		p[i] = byte((uint32(p[i])*a + 127) / 255)
		p[i+1] = byte((uint32(p[i+1])*a + 127) / 255)
		p[i+2] = byte((uint32(p[i+2])*a + 127) / 255)
	}
}

// unpremultiply converts premultiplied RGBA bytes to straight alpha in place. Fully
// transparent pixels become transparent black.
func unpremultiply(p []byte) {
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		switch a {
		case 255:
		case 0:
			p[i], p[i+1], p[i+2] = 0, 0, 0
		default:
			p[i] = byte(min(255, (uint32(p[i])*255+a/2)/a))
			p[i+1] = byte(min(255, (uint32(p[i+1])*255+a/2)/a))
			p[i+2] = byte(min(255, (uint32(p[i+2])*255+a/2)/a))
		}
	}
}
