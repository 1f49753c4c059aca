package render_test

import (
	"context"
	"image"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

const encodeBenchFrames = 50

func encodeBenchFrame() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 / 3)
	}
	return img
}

// BenchmarkEncodeH264_1080p is the Encoder writing 1080p25 H.264 (the h264 preset) with
// stereo sound; compare its fps with BenchmarkFFmpegEncodeOnly for the Encoder's overhead.
func BenchmarkEncodeH264_1080p(b *testing.B) {
	img := encodeBenchFrame()
	h264, _ := render.LookupPreset("h264")
	dir := b.TempDir()
	sound := make([]float32, 2*48000/25)
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		e, err := render.NewEncoder(context.Background(), render.EncodeOptions{Path: filepath.Join(dir, "o.mp4"), Preset: h264,
			Width: 1920, Height: 1080, Rate: rt.Rate25, SampleRate: 48000, Channels: 2})
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
}

// BenchmarkFFmpegEncodeOnly is ffmpeg alone reading the same raw frames from a pipe with the
// same x264 settings, without sound: the bound the Encoder can reach.
func BenchmarkFFmpegEncodeOnly(b *testing.B) {
	img := encodeBenchFrame()
	h264, _ := render.LookupPreset("h264")
	dir := b.TempDir()
	var total time.Duration
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
}
