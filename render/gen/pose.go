package gen

import (
	"math"
	"math/rand/v2"
)

// Pose is where a virtual camera looks at one instant, relative to a flat picture: a 2.5D
// model used to render the vocabulary on stills and to preview it. Units: X and Y in
// picture heights (the picture's centre is 0,0, y grows downwards), angles in radians,
// Scale 1 = the picture just covering the frame.
type Pose struct {
	X, Y             float64 // camera position over the picture plane
	Scale            float64 // >1 looks closer (zoom, dolly)
	Yaw, Pitch, Roll float64 // pan, tilt and roll of the camera
}

// focal is the virtual lens: about a 45° vertical field of view.
const focal = 1.2

// PoseAt evaluates the camera at linear progress u in [0,1] of a shot, t seconds into it; the
// seed drives handheld shake so the same seed gives the same shake.
func (c Camera) PoseAt(u, t float64, seed int64) Pose {
	p := Pose{Scale: 1}
	e := c.Easing.Apply(u)
	for _, m := range c.Moves {
		s := 1.0
		if m.Direction == Left || m.Direction == Up || m.Direction == Out {
			s = -1
		}
		i := m.Intensity
		switch m.Kind {
		case Pan:
			p.Yaw += s * i * 0.35 * (e - 0.5)
		case Tilt:
			p.Pitch += -s * i * 0.25 * (e - 0.5)
		case Roll:
			p.Roll += s * i * 0.35 * e
		case Zoom:
			// Focal length grows linearly: scale is linear in progress.
			k := i * 0.8
			if s > 0 {
				p.Scale *= 1 + k*e
			} else {
				p.Scale *= 1 + k*(1-e)
			}
		case Dolly:
			// Moving a distance d towards a plane at distance D scales by D/(D-d): the
			// picture grows faster as the camera closes in, unlike a zoom.
			k := i * 0.5
			if s > 0 {
				p.Scale *= 1 / (1 - k*e)
			} else {
				p.Scale *= 1 / (1 - k*(1-e))
			}
		case Truck:
			p.X += s * i * 0.4 * (e - 0.5)
		case Pedestal:
			p.Y += -s * i * 0.3 * (e - 0.5)
		case Crane:
			// Rising on an arm while tilting to keep the subject, and drifting in a little.
			p.Y += -s * i * 0.3 * (e - 0.5)
			p.Pitch += s * i * 0.12 * (e - 0.5)
			p.Scale *= 1 + i*0.15*e
		case Orbit:
			// Circling: the camera slides one way while turning back towards the subject.
			p.X += s * i * 0.35 * (e - 0.5)
			p.Yaw += -s * i * 0.3 * (e - 0.5)
		case Handheld:
			r := rand.New(rand.NewPCG(uint64(seed), 0x48616e64))
			shake := func(amp float64) float64 {
				v := 0.0
				for k := 0; k < 3; k++ {
					f := 0.3 + r.Float64()*1.7
					ph := r.Float64() * 2 * math.Pi
					v += math.Sin(2*math.Pi*f*t+ph) / float64(k+1)
				}
				return v * amp / 1.8
			}
			p.X += shake(0.012 * (0.3 + i))
			p.Y += shake(0.010 * (0.3 + i))
			p.Roll += shake(0.008 * (0.3 + i))
		}
	}
	return p
}

// Matrix is the 3×3 homography (row-major) from output pixel centres (x+0.5, y+0.5, 1) of a
// outW×outH frame to homogeneous pixel coordinates in a srcW×srcH picture, for this pose and
// an overscan factor ≥ 1 that keeps the view inside the picture (see Overscan).
func (p Pose) Matrix(outW, outH, srcW, srcH int, overscan float64) [9]float64 {
	W, H := float64(outW), float64(outH)
	// Pixel → camera ray (px, py, focal) in frame heights.
	P := [9]float64{1 / H, 0, -W / (2 * H), 0, 1 / H, -0.5, 0, 0, focal}
	R := mul3(rotY(p.Yaw), mul3(rotX(p.Pitch), rotZ(p.Roll)))
	K := sourceUnit(outW, outH, srcW, srcH)
	// The ray (a, b, c) meets the picture plane at focal·(a/c, b/c); zoom and camera position
	// then map that onto picture pixels. Written over the common denominator c.
	g := focal * K / (p.Scale * overscan)
	A := [9]float64{
		g, 0, p.X*K/overscan + float64(srcW)/2,
		0, g, p.Y*K/overscan + float64(srcH)/2,
		0, 0, 1}
	M := mul3(A, mul3(R, P))
	return M
}

// sourceUnit is how many picture pixels make one frame height when the picture just covers
// the frame.
func sourceUnit(outW, outH, srcW, srcH int) float64 {
	return math.Min(float64(srcH), float64(srcW)*float64(outH)/float64(outW))
}

// Apply maps a point through a homography.
func Apply(m [9]float64, x, y float64) (float64, float64) {
	w := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w
}

// Overscan is the smallest factor ≥ 1 by which the picture must be enlarged so that every
// frame of the move, sampled at n points over dur seconds, stays inside the picture.
func (c Camera) Overscan(outW, outH, srcW, srcH int, dur float64, seed int64) float64 {
	o := 1.0
	n := 48
	for k := 0; k <= n; k++ {
		u := float64(k) / float64(n)
		p := c.PoseAt(u, u*dur, seed)
		m := p.Matrix(outW, outH, srcW, srcH, 1)
		cx, cy := float64(srcW)/2, float64(srcH)/2
		for _, e := range frameEdge(outW, outH) {
			x, y := Apply(m, e[0], e[1])
			o = math.Max(o, math.Abs(x-cx)/cx)
			o = math.Max(o, math.Abs(y-cy)/cy)
		}
	}
	return o * 1.0005
}

func frameEdge(w, h int) [][2]float64 {
	W, H := float64(w), float64(h)
	var pts [][2]float64
	for k := 0; k <= 8; k++ {
		f := float64(k) / 8
		pts = append(pts, [2]float64{f * W, 0}, [2]float64{f * W, H}, [2]float64{0, f * H}, [2]float64{W, f * H})
	}
	return pts
}

func mul3(a, b [9]float64) [9]float64 {
	var c [9]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			c[i*3+j] = a[i*3]*b[j] + a[i*3+1]*b[3+j] + a[i*3+2]*b[6+j]
		}
	}
	return c
}

func rotX(a float64) [9]float64 {
	c, s := math.Cos(a), math.Sin(a)
	return [9]float64{1, 0, 0, 0, c, -s, 0, s, c}
}

func rotY(a float64) [9]float64 {
	c, s := math.Cos(a), math.Sin(a)
	return [9]float64{c, 0, s, 0, 1, 0, -s, 0, c}
}

func rotZ(a float64) [9]float64 {
	c, s := math.Cos(a), math.Sin(a)
	return [9]float64{c, -s, 0, s, c, 0, 0, 0, 1}
}
