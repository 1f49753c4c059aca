package assets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/slate-nle/slate/timeline/rt"
)

// Kinds of media.
const (
	Video    = "video"    // moving picture, with or without sound
	Audio    = "audio"    // sound only
	Image    = "image"    // one still picture
	Sequence = "sequence" // numbered stills played at a rate (Path is a pattern)
)

// Info is what Slate knows about a media file. It is stored as JSON in the project's media
// table (project.Media.Probe); Raw keeps ffprobe's own output under "raw".
type Info struct {
	Path      string `json:"path"`
	Kind      string `json:"kind"`
	Size      int64  `json:"size"`                // bytes (a sequence: all its frames)
	Container string `json:"container,omitempty"` // ffprobe's format_name

	// Duration counts units of DurationRate: frames at Rate for video and sequences,
	// samples at SampleRate (DurationRate {SampleRate, 1}) for audio-only files, and 0 for
	// stills, which last as long as a clip wants.
	Duration     rt.Time `json:"duration"`
	DurationRate rt.Rate `json:"duration_rate,omitzero"`
	Seconds      float64 `json:"seconds"` // for display

	// Picture. Width and Height are as displayed: rotation applied.
	HasVideo       bool    `json:"has_video"`
	VideoCodec     string  `json:"video_codec,omitempty"`
	Width          int     `json:"width,omitempty"`
	Height         int     `json:"height,omitempty"`
	StoredWidth    int     `json:"stored_width,omitempty"` // as coded, before rotation
	StoredHeight   int     `json:"stored_height,omitempty"`
	Rate           rt.Rate `json:"rate,omitzero"`      // exact, from r_frame_rate; zero for stills
	AvgRate        rt.Rate `json:"avg_rate,omitzero"`  // avg_frame_rate, when it is known
	VFR            bool    `json:"vfr,omitempty"`      // r_frame_rate and avg_frame_rate disagree
	Rotation       int     `json:"rotation,omitempty"` // degrees counter-clockwise for display: 0, 90, 180 or 270
	PixFmt         string  `json:"pix_fmt,omitempty"`
	HasAlpha       bool    `json:"has_alpha,omitempty"`
	ColorSpace     string  `json:"color_space,omitempty"`
	ColorPrimaries string  `json:"color_primaries,omitempty"`
	ColorTransfer  string  `json:"color_transfer,omitempty"`
	ColorRange     string  `json:"color_range,omitempty"`
	Timecode       string  `json:"timecode,omitempty"` // start timecode tag, e.g. "01:00:00:00"

	// Sound.
	HasAudio      bool   `json:"has_audio"`
	AudioCodec    string `json:"audio_codec,omitempty"`
	SampleRate    int    `json:"sample_rate,omitempty"`
	Channels      int    `json:"channels,omitempty"`
	ChannelLayout string `json:"channel_layout,omitempty"`
	AudioSamples  int64  `json:"audio_samples,omitempty"` // the audio stream's length in samples

	// Image sequences: Path is a printf pattern such as "shot.%04d.png".
	SequenceStart int `json:"sequence_start,omitempty"`
	SequenceCount int `json:"sequence_count,omitempty"`

	// Hash, when the caller set it (see Hash), keys the derived-media cache.
	Hash string `json:"hash,omitempty"`

	// Raw is ffprobe's JSON (-show_format -show_streams), all streams included.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Stream is one stream of ffprobe's output, the fields Slate reads.
type Stream struct {
	Index          int               `json:"index"`
	CodecType      string            `json:"codec_type"`
	CodecName      string            `json:"codec_name"`
	CodecTag       string            `json:"codec_tag"`
	Width          int               `json:"width"`
	Height         int               `json:"height"`
	PixFmt         string            `json:"pix_fmt"`
	ColorSpace     string            `json:"color_space"`
	ColorPrimaries string            `json:"color_primaries"`
	ColorTransfer  string            `json:"color_transfer"`
	ColorRange     string            `json:"color_range"`
	RFrameRate     string            `json:"r_frame_rate"`
	AvgFrameRate   string            `json:"avg_frame_rate"`
	TimeBase       string            `json:"time_base"`
	DurationTS     *int64            `json:"duration_ts"`
	Duration       string            `json:"duration"`
	NbFrames       string            `json:"nb_frames"`
	SampleRate     string            `json:"sample_rate"`
	Channels       int               `json:"channels"`
	ChannelLayout  string            `json:"channel_layout"`
	Tags           map[string]string `json:"tags"`
	Disposition    map[string]int    `json:"disposition"`
	SideData       []struct {
		Type     string   `json:"side_data_type"`
		Rotation *float64 `json:"rotation"`
	} `json:"side_data_list"`
}

type probeDoc struct {
	Streams []Stream `json:"streams"`
	Format  struct {
		FormatName string            `json:"format_name"`
		Duration   string            `json:"duration"`
		Tags       map[string]string `json:"tags"`
	} `json:"format"`
}

// Streams parses the raw stream list.
func (in *Info) Streams() ([]Stream, error) {
	var d probeDoc
	if err := json.Unmarshal(in.Raw, &d); err != nil {
		return nil, fmt.Errorf("%s: probe data: %v", in.Path, err)
	}
	return d.Streams, nil
}

// Probe reads a media file's facts with ffprobe. A missing file is ErrOffline; a file that is
// there but unusable is ErrBadMedia (ErrUnsupported too for an unknown codec), with a
// one-line reason naming the file. A cancelled ctx returns ctx.Err().
func Probe(ctx context.Context, path string) (*Info, error) {
	st, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	raw, err := runProbe(ctx, path)
	if err != nil {
		return nil, err
	}
	in, err := fromProbe(path, raw)
	if err != nil {
		return nil, err
	}
	in.Size = st.Size()
	return in, nil
}

// runProbe runs ffprobe on path with extra input options before it.
func runProbe(ctx context.Context, path string, inputOpts ...string) (json.RawMessage, error) {
	ffprobe, err := FFprobe()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path) // never starts with "-"
	if err != nil {
		return nil, fileErr(path, []error{ErrBadMedia, err}, "%v", err)
	}
	args := append([]string{"-v", "error", "-of", "json", "-show_format", "-show_streams"}, inputOpts...)
	args = append(args, "-i", abs)
	var out bytes.Buffer
	var errb tail
	cmd := command(ctx, ffprobe, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := errb.String()
		switch {
		case strings.Contains(msg, "moov atom not found") && looksLikeMP4(abs):
			return nil, fileErr(path, []error{ErrBadMedia}, "truncated or damaged: the MP4/MOV index (moov atom) is missing, as after an interrupted recording or copy")
		case strings.Contains(msg, "Invalid data found when processing input"):
			return nil, fileErr(path, []error{ErrBadMedia}, "not a media file ffmpeg can read")
		case strings.Contains(msg, "Permission denied"):
			return nil, fileErr(path, []error{ErrBadMedia}, "permission denied")
		case strings.TrimSpace(msg) != "":
			return nil, fileErr(path, []error{ErrBadMedia}, "ffprobe: %s", stripPrefix(lastLine(msg), abs))
		}
		return nil, fileErr(path, []error{ErrBadMedia}, "ffprobe failed: %v", err)
	}
	return json.RawMessage(out.Bytes()), nil
}

// looksLikeMP4: the file starts with an ISO media box, so a missing index means it was cut
// short rather than never being an MP4.
func looksLikeMP4(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [8]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return false
	}
	switch string(b[4:]) {
	case "ftyp", "mdat", "moov", "wide", "free", "skip", "pnot":
		return true
	}
	return false
}

// stripPrefix drops ffprobe's "PATH: " from its message, since ours names the file.
func stripPrefix(msg, path string) string { return strings.TrimPrefix(msg, path+": ") }

// fromProbe turns ffprobe's JSON into Info.
func fromProbe(path string, raw json.RawMessage) (*Info, error) {
	var d probeDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fileErr(path, []error{ErrBadMedia}, "ffprobe output unreadable: %v", err)
	}
	in := &Info{Path: path, Container: d.Format.FormatName, Raw: raw}
	var v, a *Stream
	var undecodable []string
	for i := range d.Streams {
		s := &d.Streams[i]
		if s.CodecType != "video" && s.CodecType != "audio" {
			continue
		}
		if s.CodecType == "video" && s.Disposition["attached_pic"] == 1 {
			continue // cover art of a music file, not a picture track
		}
		if !canDecode(s.CodecName) {
			name := s.CodecName
			if name == "" {
				name = "tag " + s.CodecTag + ", unknown to ffmpeg"
			}
			undecodable = append(undecodable, s.CodecType+" codec "+name)
			continue
		}
		if s.CodecType == "video" && v == nil {
			v = s
		}
		if s.CodecType == "audio" && a == nil {
			a = s
		}
	}
	if v == nil && a == nil {
		if len(undecodable) > 0 {
			return nil, fileErr(path, []error{ErrBadMedia, ErrUnsupported}, "unsupported codec (%s)", strings.Join(undecodable, "; "))
		}
		return nil, fileErr(path, []error{ErrBadMedia}, "has no video or audio stream")
	}
	if v != nil {
		in.readVideo(v)
	}
	if a != nil {
		in.readAudio(a)
	}
	in.Timecode = timecodeTag(d, v)
	secs := parseFloat(d.Format.Duration)
	switch {
	case v != nil && a == nil && isStill(d.Format.FormatName, v):
		in.Kind = Image
		in.Rate, in.AvgRate, in.VFR = rt.Rate{}, rt.Rate{}, false
		return in, nil
	case v != nil:
		in.Kind = Video
		if in.Rate.Validate() != nil {
			return nil, fileErr(path, []error{ErrBadMedia}, "video stream has no usable frame rate (%q)", v.RFrameRate)
		}
		vs := streamSeconds(v, secs)
		in.DurationRate = in.Rate
		if n, err := strconv.ParseInt(v.NbFrames, 10, 64); err == nil && n > 0 && !in.VFR {
			in.Duration = rt.Time(n)
		} else {
			in.Duration = rt.Time(math.Round(vs * in.Rate.Float()))
		}
		in.Seconds = in.Rate.Seconds(in.Duration)
	default:
		in.Kind = Audio
		in.Duration = rt.Time(in.AudioSamples)
		in.DurationRate = rt.Rate{Num: int64(in.SampleRate), Den: 1}
		if in.SampleRate > 0 {
			in.Seconds = float64(in.AudioSamples) / float64(in.SampleRate)
		}
	}
	if a != nil && in.AudioSamples == 0 && in.SampleRate > 0 {
		in.AudioSamples = int64(math.Round(secs * float64(in.SampleRate)))
	}
	if in.Duration <= 0 {
		return nil, fileErr(path, []error{ErrBadMedia}, "has no duration (truncated or damaged?)")
	}
	return in, nil
}

func (in *Info) readVideo(v *Stream) {
	in.HasVideo = true
	in.VideoCodec = v.CodecName
	in.StoredWidth, in.StoredHeight = v.Width, v.Height
	in.PixFmt = v.PixFmt
	in.HasAlpha = hasAlpha(v.PixFmt)
	in.ColorSpace, in.ColorPrimaries, in.ColorTransfer, in.ColorRange = v.ColorSpace, v.ColorPrimaries, v.ColorTransfer, v.ColorRange
	in.Rotation = rotation(v)
	in.Width, in.Height = v.Width, v.Height
	if in.Rotation%180 != 0 {
		in.Width, in.Height = v.Height, v.Width
	}
	r, rok := parseRate(v.RFrameRate)
	avg, aok := parseRate(v.AvgFrameRate)
	if !rok || (aok && r.Float() > 500) {
		// Some containers report a timebase-like r_frame_rate; the average is the better guess.
		r, rok = avg, aok
	}
	if rok {
		in.Rate = r
	}
	if aok {
		in.AvgRate = avg
	}
	in.VFR = rok && aok && !r.Equal(avg)
}

func (in *Info) readAudio(a *Stream) {
	in.HasAudio = true
	in.AudioCodec = a.CodecName
	in.SampleRate, _ = strconv.Atoi(a.SampleRate)
	in.Channels = a.Channels
	in.ChannelLayout = a.ChannelLayout
	if in.SampleRate <= 0 {
		return
	}
	// Exact when the stream counts in samples, as WAV and most MP4 audio do.
	if a.DurationTS != nil && *a.DurationTS > 0 && a.TimeBase == "1/"+a.SampleRate {
		in.AudioSamples = *a.DurationTS
		return
	}
	if s := streamSeconds(a, 0); s > 0 {
		in.AudioSamples = int64(math.Round(s * float64(in.SampleRate)))
	}
}

// streamSeconds is a stream's length: duration_ts × time_base when given, else its duration,
// else the container's (fallback).
func streamSeconds(s *Stream, fallback float64) float64 {
	if s.DurationTS != nil && *s.DurationTS > 0 {
		if tb, ok := new(big.Rat).SetString(s.TimeBase); ok && tb.Sign() > 0 {
			f, _ := new(big.Rat).Mul(tb, new(big.Rat).SetInt64(*s.DurationTS)).Float64()
			return f
		}
	}
	if d := parseFloat(s.Duration); d > 0 {
		return d
	}
	return fallback
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// parseRate reads ffprobe's "N/D" rates; "0/0" and the like are not rates.
func parseRate(s string) (rt.Rate, bool) {
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return rt.Rate{}, false
	}
	num, err1 := strconv.ParseInt(n, 10, 64)
	den, err2 := strconv.ParseInt(d, 10, 64)
	r := rt.Rate{Num: num, Den: den}
	if err1 != nil || err2 != nil || r.Validate() != nil {
		return rt.Rate{}, false
	}
	return r.Reduced(), true
}

// rotation reads the display matrix (counter-clockwise degrees, as ffprobe reports it), or
// the older rotate tag, which meant clockwise.
func rotation(s *Stream) int {
	deg := 0.0
	found := false
	for _, sd := range s.SideData {
		if sd.Rotation != nil {
			deg, found = *sd.Rotation, true
		}
	}
	if !found {
		if t, ok := s.Tags["rotate"]; ok {
			deg = -parseFloat(t)
		}
	}
	r := int(math.Round(deg/90)) * 90 % 360
	if r < 0 {
		r += 360
	}
	return r
}

// hasAlpha reports whether a pixel format carries an alpha channel.
func hasAlpha(pix string) bool {
	for _, p := range []string{"yuva", "rgba", "bgra", "argb", "abgr", "gbrap", "ya8", "ya16", "rgb32", "bgr32"} {
		if strings.HasPrefix(pix, p) {
			return true
		}
	}
	return pix == "pal8"
}

// isStill: image demuxers (image2 for JPEG and friends, *_pipe for PNG, WebP, TIFF, EXR, ...)
// and one-frame GIFs.
func isStill(format string, v *Stream) bool {
	switch {
	case format == "image2" || strings.HasSuffix(format, "_pipe"):
		return true
	case format == "gif" && v.NbFrames == "1":
		return true
	}
	return false
}

func timecodeTag(d probeDoc, v *Stream) string {
	if v != nil && v.Tags["timecode"] != "" {
		return v.Tags["timecode"]
	}
	for _, s := range d.Streams {
		if s.Tags["timecode"] != "" {
			return s.Tags["timecode"]
		}
	}
	return d.Format.Tags["timecode"]
}
