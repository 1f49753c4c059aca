package render

// blendMode is how a layer combines with what is below it. All modes use the W3C compositing
// formula on premultiplied colour (Cs, Cd with alphas as, ad):
//
//	C = Cs·(1−ad) + Cd·(1−as) + as·ad·B(cs, cd),   alpha = as + ad − as·ad
//
// where B is the mode's mixing function of the unpremultiplied colours; for each mode the
// last term is written without any division:
//
//	normal    as·ad·B = Cs·ad               (so C = Cs + Cd·(1−as))
//	add       as·ad·B = min(as·ad, Cs·ad + Cd·as)
//	multiply  as·ad·B = Cs·Cd
//	screen    as·ad·B = Cs·ad + Cd·as − Cs·Cd  (so C = Cs + Cd − Cs·Cd)
//	overlay   as·ad·B = 2·Cs·Cd                 when 2·Cd ≤ ad
//	                    as·ad − 2·(ad−Cd)·(as−Cs) otherwise
type blendMode uint8

const (
	blendNormal blendMode = iota
	blendAdd
	blendMultiply
	blendScreen
	blendOverlay
)

// parseBlend maps a clip's Blend field to a mode; the model validates names, and anything
// unknown draws as normal rather than failing a render.
func parseBlend(s string) blendMode {
	switch s {
	case "add":
		return blendAdd
	case "multiply":
		return blendMultiply
	case "screen":
		return blendScreen
	case "overlay":
		return blendOverlay
	}
	return blendNormal
}

// Pixels are words 0xAABBGGRR. The arithmetic works on two channels at once: R and B in the
// 16-bit lanes of one word, G and A in another, which is exact as long as each lane stays
// below 65536 (a byte times a weight of at most 256).

const lanes = 0x00FF00FF

// lerp32 is a·(256−f)/256 + b·f/256 per channel, rounded, for f in 0..256.
func lerp32(a, b, f uint32) uint32 {
	g := 256 - f
	rb := ((a&lanes)*g + (b&lanes)*f + 0x800080) >> 8 & lanes
	ga := (((a>>8)&lanes)*g + ((b>>8)&lanes)*f + 0x800080) >> 8 & lanes
	return rb | ga<<8
}

// scale32 is a·k/256 per channel, rounded, for k in 0..256.
func scale32(a, k uint32) uint32 {
	rb := ((a&lanes)*k + 0x800080) >> 8 & lanes
	ga := (((a>>8)&lanes)*k + 0x800080) >> 8 & lanes
	return rb | ga<<8
}

// mul255 is a·k/255 per channel, rounded, for k in 0..255.
func mul255(a, k uint32) uint32 {
	rb := (a&lanes)*k + 0x800080
	rb = (rb + (rb>>8)&lanes) >> 8 & lanes
	ga := ((a>>8)&lanes)*k + 0x800080
	ga = (ga + (ga>>8)&lanes) >> 8 & lanes
	return rb | ga<<8
}

// addSat adds per channel, saturating at 255 (premultiplied input never needs it; a source
// breaking the premultiplied rule must not bleed into the next channel).
func addSat(a, b uint32) uint32 {
	rb := a&lanes + b&lanes
	ga := (a>>8)&lanes + (b>>8)&lanes
	rb = (rb | ((rb>>8)&0x10001)*0xFF) & lanes
	ga = (ga | ((ga>>8)&0x10001)*0xFF) & lanes
	return rb | ga<<8
}

// div255 is round(x/255) for 0 <= x <= 255·255·2.
func div255(x uint32) uint32 { return (x + 128 + ((x + 128) >> 8)) >> 8 }

// blendRow blends the premultiplied pixels src onto dst (same length) in mode m.
func blendRow(m blendMode, dst, src []uint32) {
	dst = dst[:len(src)]
	switch m {
	case blendNormal:
		for j, s := range src {
			switch s >> 24 {
			case 255:
				dst[j] = s
			case 0:
				if s != 0 {
					dst[j] = addSat(s, dst[j])
				}
			default:
				dst[j] = addSat(s, mul255(dst[j], 255-s>>24))
			}
		}
	case blendScreen:
		for j, s := range src {
			if s == 0 {
				continue
			}
			d := dst[j]
			var o uint32
			for c := 0; c < 32; c += 8 {
				s, d := (s>>c)&0xFF, (d>>c)&0xFF
				o |= uint32(sat(div255(255*(s+d)-s*d))) << c
			}
			dst[j] = o
		}
	default:
		for j, s := range src {
			if s == 0 {
				continue
			}
			d := dst[j]
			sa, da := s>>24, d>>24
			o := uint32(sat(sa+div255(da*(255-sa)))) << 24
			for c := 0; c < 24; c += 8 {
				s, d := (s>>c)&0xFF, (d>>c)&0xFF
				base := s*(255-da) + d*(255-sa)
				var mix uint32
				switch m {
				case blendAdd:
					mix = min(sa*da, s*da+d*sa)
				case blendMultiply:
					mix = s * d
				case blendOverlay:
					if 2*d <= da {
						mix = 2 * s * d
					} else {
						mix = sa*da - min(sa*da, 2*(da-min(d, da))*(sa-min(s, sa)))
					}
				}
				o |= uint32(sat(div255(base+mix))) << c
			}
			dst[j] = o
		}
	}
}

func sat(x uint32) byte {
	if x > 255 {
		return 255
	}
	return byte(x)
}

// lerpWords sets dst = a·(256−w)/256 + b·w/256 (dst may be a) for a weight w in 0..256.
func lerpWords(dst, a, b []uint32, w uint32) {
	b = b[:len(a)]
	dst = dst[:len(a)]
	switch w {
	case 0:
		copy(dst, a)
	case 256:
		copy(dst, b)
	default:
		for j, p := range a {
			dst[j] = lerp32(p, b[j], w)
		}
	}
}

// lerpColor sets dst = dst·(256−w)/256 + col·w/256.
func lerpColor(dst []uint32, col, w uint32) {
	if w == 0 {
		return
	}
	for j, p := range dst {
		dst[j] = lerp32(p, col, w)
	}
}
