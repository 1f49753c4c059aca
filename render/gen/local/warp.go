package local

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"

	"github.com/slate-nle/slate/render/gen"
)

// picture is an 8-bit RGBA image, non-premultiplied, rows packed.
type picture struct {
	pix  []byte
	w, h int
}

// loadPicture decodes a still with ffmpeg, scaled to w×h (lanczos), as RGBA.
func loadPicture(ctx context.Context, path string, w, h int) (picture, error) {
	bin, err := ffmpegPath()
	if err != nil {
		return picture{}, err
	}
	pr, pw := io.Pipe()
	var errs tail
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-i", path, "-frames:v", "1",
		"-vf", fmt.Sprintf("scale=%d:%d:flags=lanczos,format=rgba", w, h), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"}
	cmd := execCommand(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = pw, &errs
	if err := cmd.Start(); err != nil {
		return picture{}, err
	}
	p := picture{pix: make([]byte, w*h*4), w: w, h: h}
	readErr := make(chan error, 1)
	go func() { _, err := io.ReadFull(pr, p.pix); readErr <- err; _, _ = io.Copy(io.Discard, pr) }()
	werr := cmd.Wait()
	pw.Close()
	rerr := <-readErr
	if werr != nil {
		return picture{}, fmt.Errorf("%s: cannot decode the image: %s", path, firstNonEmpty(errs.String(), werr.Error()))
	}
	if rerr != nil {
		return picture{}, fmt.Errorf("%s: cannot decode the image: short read", path)
	}
	return p, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// move renders a camera move over a still: frames × (w×h) RGBA frames into an encoder.
type move struct {
	cam    gen.Camera
	seed   int64
	frames int64
	fps    float64
	w, h   int
}

// workingSize is how large the still must be so that the closest frame of the move samples it
// about 1:1, never larger than the original: an 8K still is reduced once, not per frame.
func (m move) workingSize(srcW, srcH int) (int, int) {
	o := m.cam.Overscan(m.w, m.h, srcW, srcH, m.seconds(), m.seed)
	maxScale := 1.0
	for k := 0; k <= 32; k++ {
		u := float64(k) / 32
		maxScale = math.Max(maxScale, m.cam.PoseAt(u, u*m.seconds(), m.seed).Scale)
	}
	unit := math.Min(float64(srcH), float64(srcW)*float64(m.h)/float64(m.w))
	f := math.Min(1, float64(m.h)*o*maxScale*1.05/unit)
	return max(2, int(math.Round(float64(srcW)*f))), max(2, int(math.Round(float64(srcH)*f)))
}

func (m move) seconds() float64 { return float64(m.frames) / m.fps }

// render warps src for every frame and writes the frames to w, reporting progress.
func (m move) render(ctx context.Context, src picture, w io.Writer, progress func(float64)) error {
	o := m.cam.Overscan(m.w, m.h, src.w, src.h, m.seconds(), m.seed)
	bufs := make(chan []byte, 3)
	for i := 0; i < 3; i++ {
		bufs <- make([]byte, m.w*m.h*4)
	}
	full := make(chan []byte, 2)
	werr := make(chan error, 1)
	go func() {
		var err error
		for b := range full {
			if err == nil {
				_, err = w.Write(b)
			}
			bufs <- b
		}
		werr <- err
	}()
	var err error
	for i := int64(0); i < m.frames; i++ {
		if ctx.Err() != nil {
			err = ctx.Err()
			break
		}
		u := 0.0
		if m.frames > 1 {
			u = float64(i) / float64(m.frames-1)
		}
		mat := m.cam.PoseAt(u, float64(i)/m.fps, m.seed).Matrix(m.w, m.h, src.w, src.h, o)
		b := <-bufs
		warp(b, m.w, m.h, src, mat)
		full <- b
		if progress != nil {
			progress(float64(i+1) / float64(m.frames))
		}
	}
	close(full)
	if e := <-werr; err == nil {
		err = e
	}
	return err
}

// warp fills dst (w×h RGBA) by sampling src bilinearly through the homography m, clamping at
// the picture's edges, on all cores.
func warp(dst []byte, w, h int, src picture, m [9]float64) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	band := (h + workers - 1) / workers
	for y0 := 0; y0 < h; y0 += band {
		wg.Add(1)
		go func(y0, y1 int) {
			defer wg.Done()
			warpRows(dst, w, y0, y1, src, m)
		}(y0, min(h, y0+band))
	}
	wg.Wait()
}

func warpRows(dst []byte, w, y0, y1 int, src picture, m [9]float64) {
	sw, sh := src.w, src.h
	maxX, maxY := float64(sw-1), float64(sh-1)
	stride := sw * 4
	sp := src.pix
	for y := y0; y < y1; y++ {
		py := float64(y) + 0.5
		hx := m[0]*0.5 + m[1]*py + m[2]
		hy := m[3]*0.5 + m[4]*py + m[5]
		hw := m[6]*0.5 + m[7]*py + m[8]
		row := dst[y*w*4 : (y+1)*w*4]
		for x := 0; x < w; x++ {
			inv := 1 / hw
			sx := hx*inv - 0.5
			sy := hy*inv - 0.5
			hx += m[0]
			hy += m[3]
			hw += m[6]
			if sx < 0 {
				sx = 0
			} else if sx > maxX {
				sx = maxX
			}
			if sy < 0 {
				sy = 0
			} else if sy > maxY {
				sy = maxY
			}
			x0, yy0 := int(sx), int(sy)
			fx := uint32((sx - float64(x0)) * 256)
			fy := uint32((sy - float64(yy0)) * 256)
			dx := 4
			if x0 >= sw-1 {
				dx = 0
			}
			dy := stride
			if yy0 >= sh-1 {
				dy = 0
			}
			i := yy0*stride + x0*4
			p00 := sp[i : i+4 : i+4]
			p01 := sp[i+dx : i+dx+4 : i+dx+4]
			p10 := sp[i+dy : i+dy+4 : i+dy+4]
			p11 := sp[i+dy+dx : i+dy+dx+4 : i+dy+dx+4]
			o := row[x*4 : x*4+4 : x*4+4]
			for c := 0; c < 4; c++ {
				top := uint32(p00[c])*(256-fx) + uint32(p01[c])*fx
				bot := uint32(p10[c])*(256-fx) + uint32(p11[c])*fx
				o[c] = byte((top*(256-fy) + bot*fy + 32768) >> 16)
			}
		}
	}
}

// encodeArgs are the output options for a video take at a tier: H.264 in MP4, reproducible
// bytes for identical frames.
func encodeArgs(tier gen.Tier) []string {
	preset, crf := "veryfast", "20"
	if tier == gen.Final {
		preset, crf = "slow", "16"
	}
	return []string{"-c:v", "libx264", "-preset", preset, "-crf", crf, "-pix_fmt", "yuv420p",
		"-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"}
}

// encodeFrames runs an encoder reading w×h RGBA frames that produce() writes.
func encodeFrames(ctx context.Context, out string, w, h int, r gen.Request, produce func(io.Writer) error) error {
	pr, pw := io.Pipe()
	args := append([]string{"-f", "rawvideo", "-pix_fmt", "rgba", "-s", strconv.Itoa(w) + "x" + strconv.Itoa(h),
		"-framerate", r.FPS.String(), "-i", "pipe:0"}, encodeArgs(r.Tier)...)
	args = append(args, out)
	done := make(chan error, 1)
	go func() {
		err := ffmpeg(ctx, args, 0, nil, pr)
		pr.CloseWithError(fmt.Errorf("encoder stopped"))
		done <- err
	}()
	perr := produce(pw)
	pw.Close()
	eerr := <-done
	if perr != nil {
		if eerr != nil && ctx.Err() == nil {
			return eerr
		}
		return perr
	}
	return eerr
}
