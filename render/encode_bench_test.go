package render_test

import (
	"context"
	"image"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

const encodeBenchFrames = 50

// childCPU is the CPU time used by this process's finished children (the ffmpegs): on a
// shared machine it says more about the work done than the wall clock.
func childCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func encodeBenchFrame() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 / 3)
	}
	return img
}

// BenchmarkEncodeH264_1080p is the Encoder writing 1080p25 H.264 (the h264 preset), the
// picture alone and with stereo sound; compare the first's fps with BenchmarkFFmpegEncodeOnly
// for the Encoder's overhead.
func BenchmarkEncodeH264_1080p(b *testing.B) {
	for _, withSound := range []bool{false, true} {
		name := "picture"
		if withSound {
			name = "picture+sound"
		}
		b.Run(name, func(b *testing.B) {
			img := encodeBenchFrame()
			h264, _ := render.LookupPreset("h264")
			dir := b.TempDir()
			sound := make([]float32, 2*48000/25)
			opt := render.EncodeOptions{Path: filepath.Join(dir, "o.mp4"), Preset: h264, Width: 1920, Height: 1080, Rate: rt.Rate25}
			if withSound {
				opt.SampleRate, opt.Channels = 48000, 2
			}
			var total time.Duration
			cpu0 := childCPU()
			for b.Loop() {
				t0 := time.Now()
				e, err := render.NewEncoder(context.Background(), opt)
				if err != nil {
					b.Fatal(err)
				}
				for range encodeBenchFrames {
					if err := e.WriteAudio(sound); err != nil {
						b.Fatal(err)
					}
					if err := e.WriteFrame(img); err != nil {
						b.Fatal(err)
					}
				}
				if err := e.Close(); err != nil {
					b.Fatal(err)
				}
				total += time.Since(t0)
			}
			b.ReportMetric(float64(encodeBenchFrames*b.N)/total.Seconds(), "fps")
			b.ReportMetric(float64((childCPU()-cpu0).Milliseconds())/float64(encodeBenchFrames*b.N), "ffmpeg-cpu-ms/frame")
		})
	}
}

// BenchmarkFFmpegEncodeOnly is ffmpeg alone reading the same raw frames from a pipe with the
// same x264 settings, without sound: the bound the Encoder can reach.
func BenchmarkFFmpegEncodeOnly(b *testing.B) {
	img := encodeBenchFrame()
	h264, _ := render.LookupPreset("h264")
	dir := b.TempDir()
	var total time.Duration
	cpu0 := childCPU()
	for b.Loop() {
		t0 := time.Now()
		args := []string{"-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", "1920x1080", "-framerate", "25", "-i", "pipe:0"}
		cmd := exec.Command("ffmpeg", append(append(args, h264.VideoArgs...), filepath.Join(dir, "f.mp4"))...)
		in, _ := cmd.StdinPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for range encodeBenchFrames {
			if _, err := in.Write(img.Pix); err != nil {
				b.Fatal(err)
			}
		}
		in.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
	}
	b.ReportMetric(float64(encodeBenchFrames*b.N)/total.Seconds(), "fps")
	b.ReportMetric(float64((childCPU()-cpu0).Milliseconds())/float64(encodeBenchFrames*b.N), "ffmpeg-cpu-ms/frame")
}
