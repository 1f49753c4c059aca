package render_test

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slate-nle/slate/render"
	"github.com/slate-nle/slate/timeline/rt"
)

// probed is the part of ffprobe's report the encoder tests look at.
type probed struct {
	Streams []struct {
		CodecType  string            `json:"codec_type"`
		CodecName  string            `json:"codec_name"`
		CodecTag   string            `json:"codec_tag_string"`
		Width      int               `json:"width"`
		Height     int               `json:"height"`
		PixFmt     string            `json:"pix_fmt"`
		Frames     string            `json:"nb_read_frames"`
		SampleRate string            `json:"sample_rate"`
		Channels   int               `json:"channels"`
		Tags       map[string]string `json:"tags"`
	} `json:"streams"`
	Format struct {
		Tags map[string]string `json:"tags"`
	} `json:"format"`
}

func probeFile(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-of", "json", "-count_frames", "-show_streams", "-show_format", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// tag finds a tag by name in any case, in the container or any stream.
func (p probed) tag(name string) string {
	for k, v := range p.Format.Tags {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for _, s := range p.Streams {
		for k, v := range s.Tags {
			if strings.EqualFold(k, name) {
				return v
			}
		}
	}
	return ""
}

// writeTestExport writes frames frames of a grey ramp with a 440 Hz tone.
func writeTestExport(t *testing.T, e *render.Encoder, w, h, frames, sampleRate, channels int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	per := sampleRate / 25
	tone := make([]float32, channels*per)
	for n := range frames {
		for i := range img.Pix {
			img.Pix[i] = byte(n * 20)
		}
		for i := range tone {
			tone[i] = float32(0.25 * math.Sin(float64(n*per+i/channels)*2*math.Pi*440/float64(sampleRate)))
		}
		if err := e.WriteAudio(tone); err != nil {
			t.Fatal(err)
		}
		if err := e.WriteFrame(img); err != nil {
			t.Fatal(err)
		}
	}
}

// partials lists temporary outputs left in dir.
func partials(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, ".*partial*"))
	return m
}

func TestEveryPresetWritesARealFile(t *testing.T) {
	ctx := context.Background()
	want := map[string]struct {
		codec, tag, pixfmt string
		audio              string
	}{
		"h264":         {"h264", "avc1", "yuv420p", "aac"},
		"h265":         {"hevc", "hvc1", "yuv420p", "aac"},
		"prores-422hq": {"prores", "apch", "yuv422p10le", "pcm_s16le"},
		"prores-4444":  {"prores", "ap4h", "yuva444p12le", "pcm_s16le"},
		"dnxhr-hq":     {"dnxhd", "AVdh", "yuv422p", "pcm_s16le"},
		"ffv1":         {"ffv1", "", "bgra", "flac"},
		"png":          {"png", "", "rgba", ""},
		"tiff":         {"tiff", "", "rgb24", ""},
	}
	var names []string
	for _, p := range render.Presets() {
		names = append(names, p.Name)
	}
	if !slices.IsSorted(names) || len(names) != len(want) {
		t.Errorf("presets %v: want the %d of the test, sorted", names, len(want))
	}
	for _, p := range render.Presets() {
		t.Run(p.Name+" writes its codec, size, frames, pixel format and sound", func(t *testing.T) {
			w, ok := want[p.Name]
			if !ok {
				t.Fatalf("no expectation for preset %s", p.Name)
			}
			if got, err := render.LookupPreset(p.Name); err != nil || got.Name != p.Name {
				t.Fatalf("LookupPreset(%q): %v", p.Name, err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "out."+p.Ext)
			if p.ImageSequence {
				path = filepath.Join(dir, "frames")
			}
			e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: p, Width: 256, Height: 144, Rate: rt.Rate25,
				SampleRate: 48000, Channels: 2, Timecode: "01:00:00:00", Metadata: map[string]string{"comment": "slate test"}})
			if err != nil {
				t.Fatal(err)
			}
			writeTestExport(t, e, 256, 144, 10, 48000, 2)
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if e.Frames() != 10 {
				t.Errorf("Frames() = %d, want 10", e.Frames())
			}
			if p.ImageSequence {
				files, _ := filepath.Glob(filepath.Join(path, "frames.*."+p.Ext))
				if len(files) != 10 || filepath.Base(files[0]) != "frames.000000."+p.Ext {
					t.Fatalf("sequence files %v, want frames.000000.%s … (10)", files, p.Ext)
				}
				path = files[0]
			}
			m := probeFile(t, path)
			var video, audio int = -1, -1
			for i, s := range m.Streams {
				switch s.CodecType {
				case "video":
					video = i
				case "audio":
					audio = i
				}
			}
			if video < 0 {
				t.Fatal("no video stream")
			}
			v := m.Streams[video]
			if v.CodecName != w.codec || v.Width != 256 || v.Height != 144 {
				t.Errorf("video %s %dx%d, want %s 256x144", v.CodecName, v.Width, v.Height, w.codec)
			}
			if w.tag != "" && v.CodecTag != w.tag {
				t.Errorf("codec tag %s, want %s", v.CodecTag, w.tag)
			}
			if v.PixFmt != w.pixfmt {
				t.Errorf("pixel format %s, want %s", v.PixFmt, w.pixfmt)
			}
			if !p.ImageSequence {
				if v.Frames != "10" {
					t.Errorf("%s frames, want 10", v.Frames)
				}
				if tc := m.tag("timecode"); tc != "01:00:00:00" {
					t.Errorf("timecode %q, want 01:00:00:00", tc)
				}
				if c := m.tag("comment"); c != "slate test" {
					t.Errorf("comment %q, want the metadata given", c)
				}
			}
			switch {
			case w.audio == "" && audio >= 0:
				t.Error("an image sequence has sound")
			case w.audio != "" && audio < 0:
				t.Error("no sound stream")
			case w.audio != "":
				if a := m.Streams[audio]; a.CodecName != w.audio || a.SampleRate != "48000" || a.Channels != 2 {
					t.Errorf("sound %s %s Hz × %d, want %s 48000 Hz × 2", a.CodecName, a.SampleRate, a.Channels, w.audio)
				}
			}
			if left := partials(dir); len(left) > 0 {
				t.Errorf("temporary output left behind: %v", left)
			}
		})
	}
}

func TestExportsWithAlphaKeepTheStraightColour(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"prores-4444", "ffv1", "png"} {
		t.Run(name+" decodes back to the premultiplied frame written", func(t *testing.T) {
			p, _ := render.LookupPreset(name)
			dir := t.TempDir()
			path := filepath.Join(dir, "alpha."+p.Ext)
			if p.ImageSequence {
				path = filepath.Join(dir, "alpha")
			}
			e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: p, Width: 64, Height: 48, Rate: rt.Rate25})
			if err != nil {
				t.Fatal(err)
			}
			// Premultiplied: orange (240, 120, 0) at half opacity, opaque blue on the right.
			img := image.NewRGBA(image.Rect(0, 0, 64, 48))
			for y := range 48 {
				for x := range 64 {
					px := []byte{120, 60, 0, 128}
					if x >= 32 {
						px = []byte{0, 0, 255, 255}
					}
					copy(img.Pix[img.PixOffset(x, y):], px)
				}
			}
			for range 3 {
				if err := e.WriteFrame(img); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			src := path
			opt := render.SourceOptions{Rate: rt.Rate25}
			if p.ImageSequence {
				src, opt.InputRate = filepath.Join(path, "alpha.%06d.png"), rt.Rate25
			}
			v, err := render.OpenVideo(ctx, src, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			got, err := v.Frame(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				x    int
				want [4]int
			}{{8, [4]int{120, 60, 0, 128}}, {40, [4]int{0, 0, 255, 255}}} {
				o := got.PixOffset(c.x, 20)
				for i := range 4 {
					if d := int(got.Pix[o+i]) - c.want[i]; d < -3 || d > 3 {
						t.Errorf("pixel at x=%d is %v, want %v", c.x, got.Pix[o:o+4], c.want)
						break
					}
				}
			}
		})
	}
}

func TestFailedExportsLeaveNoFile(t *testing.T) {
	ctx := context.Background()
	h264, _ := render.LookupPreset("h264")
	dnxhr, _ := render.LookupPreset("dnxhr-hq")
	dir := t.TempDir()
	refused := []struct {
		name, want string
		opt        render.EncodeOptions
	}{
		{"an odd size for 4:2:0 is refused up front", "even",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 63, Height: 48, Rate: rt.Rate25}},
		{"a folder that does not exist is refused", "does not exist",
			render.EncodeOptions{Path: filepath.Join(dir, "nope", "a.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25}},
		{"beyond 8K is refused", "7680x4320",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 8192, Height: 4320, Rate: rt.Rate25}},
		{"a frame smaller than DNxHR takes is refused", "at least",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mov"), Preset: dnxhr, Width: 64, Height: 48, Rate: rt.Rate25}},
		{"a bad timecode is refused", "timecode",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25, Timecode: "01:00:00:99"}},
		{"no frame rate is refused", "rate",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 64, Height: 48}},
		{"sound without a sample rate is refused", "sample rate",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25, Channels: 2}},
		{"no preset is refused", "preset",
			render.EncodeOptions{Path: filepath.Join(dir, "a.mp4"), Width: 64, Height: 48, Rate: rt.Rate25}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := render.NewEncoder(ctx, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("files left: %v", ents)
			}
		})
	}
	t.Run("abort removes the partial file and leaves no ffmpeg", func(t *testing.T) {
		path := filepath.Join(dir, "b.mp4")
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25, SampleRate: 48000, Channels: 2})
		if err != nil {
			t.Fatal(err)
		}
		writeTestExport(t, e, 64, 48, 30, 48000, 2)
		// ffmpeg creates its output once the first frames reach the muxer.
		for wait := time.Now(); len(partials(dir)) == 0 && time.Since(wait) < 20*time.Second; {
			time.Sleep(10 * time.Millisecond)
		}
		if len(partials(dir)) != 1 {
			t.Fatalf("no partial output while encoding: %v", partials(dir))
		}
		e.Abort()
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("files left after abort: %v", ents)
		}
		if n := ffChildren(t); n != 0 {
			t.Fatalf("%d ffmpeg children left after Abort", n)
		}
		if err := e.WriteFrame(image.NewRGBA(image.Rect(0, 0, 64, 48))); err == nil {
			t.Error("a frame after Abort was accepted")
		}
	})
	t.Run("arguments ffmpeg rejects give its reason and no file", func(t *testing.T) {
		bad := h264
		bad.VideoArgs = []string{"-c:v", "nosuchcodec"}
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "c.mp4"), Preset: bad, Width: 64, Height: 48, Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for range 50 {
			if err = e.WriteFrame(img); err != nil {
				break
			}
		}
		if err == nil {
			err = e.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "nosuchcodec") || !strings.Contains(err.Error(), "c.mp4") {
			t.Fatalf("got %v, want ffmpeg's reason naming the file", err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("files left: %v", ents)
		}
	})
	t.Run("a full disk gives ffmpeg's reason and no file", func(t *testing.T) {
		if _, err := os.Stat("/dev/full"); err != nil {
			t.Skip("no /dev/full")
		}
		// The encoder writes to .NAME.partial.EXT; make that a device that is always full.
		if err := os.Symlink("/dev/full", filepath.Join(dir, ".d.partial.mp4")); err != nil {
			t.Fatal(err)
		}
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "d.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for range 50 {
			if err = e.WriteFrame(img); err != nil {
				break
			}
		}
		if err == nil {
			err = e.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "No space left on device") {
			t.Fatalf("got %v, want ffmpeg's reason", err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("files left: %v", ents)
		}
	})
	t.Run("a cancelled context stops the export and leaves no file", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		e, err := render.NewEncoder(cctx, render.EncodeOptions{Path: filepath.Join(dir, "e.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25, SampleRate: 48000, Channels: 2})
		if err != nil {
			t.Fatal(err)
		}
		writeTestExport(t, e, 64, 48, 3, 48000, 2)
		cancel()
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for range 200 {
			if err = e.WriteFrame(img); err != nil {
				break
			}
		}
		if err == nil {
			err = e.Close()
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("files left: %v", ents)
		}
	})
	t.Run("a frame of the wrong size is refused", func(t *testing.T) {
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "f.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Abort()
		if err := e.WriteFrame(image.NewRGBA(image.Rect(0, 0, 48, 64))); err == nil || !strings.Contains(err.Error(), "64x48") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("closing without frames is an error and leaves no file", func(t *testing.T) {
		e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: filepath.Join(dir, "g.mp4"), Preset: h264, Width: 64, Height: 48, Rate: rt.Rate25})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Close(); err == nil {
			t.Fatal("an empty export closed without error")
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("files left: %v", ents)
		}
	})
	t.Run("an unknown preset is named with the ones there are", func(t *testing.T) {
		if _, err := render.LookupPreset("mpeg1"); err == nil || !strings.Contains(err.Error(), "mpeg1") || !strings.Contains(err.Error(), "h264") {
			t.Fatalf("got %v, want the list of presets", err)
		}
	})
}

func TestAnExportFromASubImageWritesThatPart(t *testing.T) {
	ctx := context.Background()
	p, _ := render.LookupPreset("png")
	dir := t.TempDir()
	path := filepath.Join(dir, "crop")
	e, err := render.NewEncoder(ctx, render.EncodeOptions{Path: path, Preset: p, Width: 8, Height: 8, Rate: rt.Rate25})
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for y := range 32 {
		for x := range 32 {
			copy(big.Pix[big.PixOffset(x, y):], []byte{byte(x * 8), byte(y * 8), 0, 255})
		}
	}
	if err := e.WriteFrame(big.SubImage(image.Rect(16, 8, 24, 16)).(*image.RGBA)); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", filepath.Join(path, "crop.000000.png"), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1").Output()
	if err != nil || len(out) != 8*8*4 {
		t.Fatalf("reading back: %v (%d bytes)", err, len(out))
	}
	if r, g := out[0], out[1]; r != 16*8 || g != 8*8 {
		t.Errorf("top-left pixel (%d, %d), want (128, 64): the sub-image's own origin", r, g)
	}
}
