package assets_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slate-nle/slate/assets"
	"github.com/slate-nle/slate/timeline/rt"
)

func TestProbeReadsTheFactsOfEachKindOfMedia(t *testing.T) {
	ctx := context.Background()
	t.Run("an mp4 with audio is video with its size, exact rate, frame count, codecs, layout and timecode", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "av.mp4"))
		if err != nil {
			t.Fatal(err)
		}
		want := assets.Info{Kind: assets.Video, Width: 320, Height: 240, Rate: rt.Rate{Num: 25, Den: 1}, Duration: 50,
			VideoCodec: "h264", AudioCodec: "aac", SampleRate: 48000, Channels: 2, ChannelLayout: "stereo", PixFmt: "yuv420p",
			Timecode: "01:00:00:00", HasVideo: true, HasAudio: true}
		got := assets.Info{Kind: in.Kind, Width: in.Width, Height: in.Height, Rate: in.Rate, Duration: in.Duration,
			VideoCodec: in.VideoCodec, AudioCodec: in.AudioCodec, SampleRate: in.SampleRate, Channels: in.Channels,
			ChannelLayout: in.ChannelLayout, PixFmt: in.PixFmt, Timecode: in.Timecode, HasVideo: in.HasVideo, HasAudio: in.HasAudio}
		if got.Rate != want.Rate || got.Kind != want.Kind || got.Width != want.Width || got.Height != want.Height ||
			got.Duration != want.Duration || got.VideoCodec != want.VideoCodec || got.AudioCodec != want.AudioCodec ||
			got.SampleRate != want.SampleRate || got.Channels != want.Channels || got.ChannelLayout != want.ChannelLayout ||
			got.PixFmt != want.PixFmt || got.Timecode != want.Timecode || !got.HasVideo || !got.HasAudio {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		if in.DurationRate != in.Rate || in.VFR || in.HasAlpha || in.Rotation != 0 {
			t.Errorf("duration rate %v, vfr %v, alpha %v, rotation %d", in.DurationRate, in.VFR, in.HasAlpha, in.Rotation)
		}
		if in.AudioSamples < 95000 || in.AudioSamples > 97000 {
			t.Errorf("audio samples %d, want about 2 s at 48 kHz", in.AudioSamples)
		}
		st, _ := os.Stat(in.Path)
		if in.Size != st.Size() || len(in.Raw) == 0 {
			t.Errorf("size %d (file %d), raw %d bytes", in.Size, st.Size(), len(in.Raw))
		}
		streams, err := in.Streams()
		if err != nil || len(streams) < 2 {
			t.Fatalf("streams %v, %v", streams, err)
		}
	})
	t.Run("an NTSC file keeps its rate as the fraction 30000/1001", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "ntsc.mov"))
		if err != nil {
			t.Fatal(err)
		}
		if in.Rate != rt.Rate2997 || in.Duration != 30 {
			t.Errorf("rate %v, %d frames; want 30000/1001 and 30", in.Rate, in.Duration)
		}
	})
	t.Run("a wav is audio whose duration counts samples at its rate", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "tone.wav"))
		if err != nil {
			t.Fatal(err)
		}
		if in.Kind != assets.Audio || in.HasVideo || !in.HasAudio || in.Duration != 48000 ||
			in.DurationRate != (rt.Rate{Num: 48000, Den: 1}) || in.AudioCodec != "pcm_s16le" || in.Channels != 1 || in.Seconds != 1 {
			t.Errorf("got %+v", *in)
		}
	})
	for _, name := range []string{"still.png", "still.jpg", "still.webp", "still.tiff", "still.exr"} {
		t.Run("a "+filepath.Ext(name)+" still is an image with no rate or duration", func(t *testing.T) {
			in, err := assets.Probe(ctx, media(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != assets.Image || in.Width != 320 || in.Height != 240 || in.Duration != 0 || in.Rate != (rt.Rate{}) || in.HasAudio {
				t.Errorf("got kind %s %dx%d duration %d rate %v", in.Kind, in.Width, in.Height, in.Duration, in.Rate)
			}
		})
	}
	t.Run("a PNG with an alpha channel says so", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "still.png"))
		if err != nil {
			t.Fatal(err)
		}
		if !in.HasAlpha || in.PixFmt != "rgba" {
			t.Errorf("alpha %v, pix_fmt %s", in.HasAlpha, in.PixFmt)
		}
	})
	t.Run("a variable-frame-rate file is flagged and measured in frames at r_frame_rate", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "vfr.mp4"))
		if err != nil {
			t.Fatal(err)
		}
		if !in.VFR || in.Rate != rt.Rate30 || in.AvgRate.Equal(in.Rate) {
			t.Errorf("vfr %v rate %v avg %v", in.VFR, in.Rate, in.AvgRate)
		}
		// 45 frames over about 1.8 s at 30 fps: the timeline length, not the frame count.
		if in.Duration < 50 || in.Duration > 60 {
			t.Errorf("duration %d frames, want about 54", in.Duration)
		}
	})
	t.Run("a file rotated 90 degrees reports the displayed size", func(t *testing.T) {
		in, err := assets.Probe(ctx, media(t, "rotated.mp4"))
		if err != nil {
			t.Fatal(err)
		}
		if in.Rotation%180 == 0 || in.Width != 240 || in.Height != 320 || in.StoredWidth != 320 || in.StoredHeight != 240 {
			t.Errorf("rotation %d, %dx%d stored %dx%d", in.Rotation, in.Width, in.Height, in.StoredWidth, in.StoredHeight)
		}
	})
	t.Run("an image sequence is probed from its pattern and start", func(t *testing.T) {
		pattern := media(t, "seq")
		in, err := assets.ProbeSequence(ctx, pattern, 7, rt.Rate24)
		if err != nil {
			t.Fatal(err)
		}
		if in.Kind != assets.Sequence || in.Duration != 12 || in.SequenceCount != 12 || in.SequenceStart != 7 ||
			in.Rate != rt.Rate24 || in.Width != 320 || in.Height != 240 || in.Path != pattern {
			t.Errorf("got %+v", *in)
		}
		if in.Seconds != 0.5 {
			t.Errorf("seconds %v, want 12/24", in.Seconds)
		}
	})
}

func TestDetectSequence(t *testing.T) {
	dir := t.TempDir()
	touch := func(names ...string) {
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	touch("a.0001.png", "a.0002.png", "a.0003.png", "a.0005.png", "a.0006.png", // a gap after 3
		"b9.jpg", "b10.jpg", "b11.jpg", // not padded
		"lone.0001.png", "lone.0001.jpg", // a different extension is not a sibling
		"c.exr")
	tests := []struct {
		name, file, pattern string
		start, count        int
		ok                  bool
	}{
		{"a padded run up to the gap", "a.0002.png", "a.%04d.png", 1, 3, true},
		{"the run after the gap", "a.0006.png", "a.%04d.png", 5, 2, true},
		{"unpadded numbers growing a digit", "b9.jpg", "b%d.jpg", 9, 3, true},
		{"a numbered file with no neighbour is a still", "lone.0001.png", "", 0, 0, false},
		{"a file with no number", "c.exr", "", 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, s, c, ok := assets.DetectSequence(filepath.Join(dir, tc.file))
			want := ""
			if tc.ok {
				want = filepath.Join(dir, tc.pattern)
			}
			if ok != tc.ok || p != want || s != tc.start || c != tc.count {
				t.Errorf("got %q %d %d %v, want %q %d %d %v", p, s, c, ok, want, tc.start, tc.count, tc.ok)
			}
		})
	}
	t.Run("a detected pattern names real frames", func(t *testing.T) {
		p, s, _, _ := assets.DetectSequence(filepath.Join(dir, "b10.jpg"))
		if _, err := os.Stat(assets.SequenceFrame(p, s)); err != nil {
			t.Error(err)
		}
	})
}

// unknownCodecWAV is a well-formed WAV whose format tag no decoder knows.
func unknownCodecWAV() []byte {
	data := make([]byte, 16000)
	fmtChunk := make([]byte, 16)
	binary.LittleEndian.PutUint16(fmtChunk[0:], 0xBEEF)
	binary.LittleEndian.PutUint16(fmtChunk[2:], 1)
	binary.LittleEndian.PutUint32(fmtChunk[4:], 8000)
	binary.LittleEndian.PutUint32(fmtChunk[8:], 16000)
	binary.LittleEndian.PutUint16(fmtChunk[12:], 2)
	binary.LittleEndian.PutUint16(fmtChunk[14:], 16)
	var b []byte
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+len(fmtChunk)+8+len(data)))
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(fmtChunk)))
	b = append(b, fmtChunk...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

func TestProbeRefusesBadMediaWithOneClearError(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name string, b []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole, err := os.ReadFile(media(t, "av.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	subdir := filepath.Join(dir, "folder.mp4")
	os.Mkdir(subdir, 0o755)
	tests := []struct {
		name    string
		path    string
		is      error
		message string
	}{
		{"a zero-byte file", write("empty.mp4", nil, 0o644), assets.ErrBadMedia, "is empty (0 bytes)"},
		{"an mp4 cut before its index", write("cut.mp4", whole[:len(whole)/3], 0o644), assets.ErrBadMedia, "truncated"},
		{"a text file", write("notes.txt", []byte("these are not pictures\n"), 0o644), assets.ErrBadMedia, "not a media file"},
		{"a text file named .mp4", write("notes.mp4", []byte("these are not pictures\n"), 0o644), assets.ErrBadMedia, "not a media file"},
		{"an unknown codec", write("odd.wav", unknownCodecWAV(), 0o644), assets.ErrUnsupported, "unsupported codec"},
		{"a directory", subdir, assets.ErrBadMedia, "is a directory"},
		{"a missing file", filepath.Join(dir, "gone.mp4"), assets.ErrOffline, "no such file"},
	}
	if os.Geteuid() != 0 {
		tests = append(tests, struct {
			name    string
			path    string
			is      error
			message string
		}{"a file we may not read", write("locked.mp4", whole, 0o000), fs.ErrPermission, "permission denied"})
	} else {
		t.Log("running as root: the permission-denied case cannot be made and is skipped")
	}
	for _, tc := range tests {
		t.Run(tc.name+" gives an error naming the file", func(t *testing.T) {
			in, err := assets.Probe(ctx, tc.path)
			if err == nil {
				t.Fatalf("no error; got %+v", in)
			}
			msg := err.Error()
			if !errors.Is(err, tc.is) || !strings.HasPrefix(msg, tc.path+": ") || !strings.Contains(msg, tc.message) || strings.Contains(msg, "\n") {
				t.Errorf("error %q (is %v: %v), want one line starting with the path and saying %q", msg, tc.is, errors.Is(err, tc.is), tc.message)
			}
			offline := errors.Is(err, assets.ErrOffline)
			bad := errors.Is(err, assets.ErrBadMedia)
			if offline == bad || offline != (tc.is == assets.ErrOffline) {
				t.Errorf("offline %v, bad %v: exactly one should hold", offline, bad)
			}
		})
	}
	t.Run("a missing image-sequence frame is offline", func(t *testing.T) {
		_, err := assets.ProbeSequence(ctx, filepath.Join(dir, "none.%04d.png"), 1, rt.Rate24)
		if !errors.Is(err, assets.ErrOffline) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a pattern without a frame number is refused", func(t *testing.T) {
		_, err := assets.ProbeSequence(ctx, filepath.Join(dir, "none.png"), 1, rt.Rate24)
		if err == nil || !strings.Contains(err.Error(), "pattern") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a cancelled context stops the probe", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := assets.Probe(c, media(t, "av.mp4")); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
}

func TestFindSequenceStart(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"f_0010_v2.png", "f_0011_v2.png", "f_0012_v2.png", "f_0014_v2.png", "f_10_v2.png", "f_0009_v3.png"} {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	tests := []struct {
		name, pattern string
		start, count  int
		is            error
	}{
		{"the lowest number and the run from it, a number mid-name", "f_%04d_v2.png", 10, 3, nil},
		{"an unpadded pattern matches only unpadded names", "f_%d_v2.png", 10, 1, nil},
		{"no matching frame is offline", "g_%04d.png", 0, 0, assets.ErrOffline},
		{"no verb is refused", "f_v2.png", 0, 0, assets.ErrBadMedia},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, c, err := assets.FindSequenceStart(filepath.Join(dir, tc.pattern))
			if tc.is != nil {
				if !errors.Is(err, tc.is) {
					t.Errorf("got %v, want %v", err, tc.is)
				}
				return
			}
			if err != nil || s != tc.start || c != tc.count {
				t.Errorf("got %d %d %v, want %d %d", s, c, err, tc.start, tc.count)
			}
		})
	}
}
