package render

import (
	"fmt"
	"sort"
	"strings"
)

// Preset is an export format: container, codecs and their settings as ffmpeg arguments.
type Preset struct {
	Name        string
	Ext         string // output extension without the dot ("mp4"); image sequences: the frame files'
	Description string
	VideoArgs   []string
	AudioArgs   []string // nil: the format carries no sound
	Alpha       bool     // keeps the alpha channel
	// ImageSequence writes one file per frame into a directory (the output path).
	ImageSequence bool
	// EvenSize says the codec needs even width and height (4:2:0 and 4:2:2 chroma).
	EvenSize bool
	// MinWidth and MinHeight are the smallest frame the codec takes (DNxHR: 256x120).
	MinWidth, MinHeight int
}

var presets = []Preset{
	{Name: "h264", Ext: "mp4", Description: "H.264 in MP4 (x264 veryfast, CRF 20), AAC audio: for review and the web",
		VideoArgs: []string{"-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart"},
		AudioArgs: []string{"-c:a", "aac", "-b:a", "192k"}, EvenSize: true},
	{Name: "h265", Ext: "mp4", Description: "H.265/HEVC in MP4 (x265 medium, CRF 22), AAC audio",
		VideoArgs: []string{"-c:v", "libx265", "-preset", "medium", "-crf", "22", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-x265-params", "log-level=error"},
		AudioArgs: []string{"-c:a", "aac", "-b:a", "192k"}, EvenSize: true},
	{Name: "prores-422hq", Ext: "mov", Description: "Apple ProRes 422 HQ in QuickTime, PCM audio: for grading and finishing",
		VideoArgs: []string{"-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", "yuv422p10le", "-vendor", "apl0"},
		AudioArgs: []string{"-c:a", "pcm_s16le"}, EvenSize: true},
	{Name: "prores-4444", Ext: "mov", Description: "Apple ProRes 4444 with alpha in QuickTime, PCM audio: for compositing",
		VideoArgs: []string{"-c:v", "prores_ks", "-profile:v", "4", "-pix_fmt", "yuva444p10le", "-alpha_bits", "16", "-vendor", "apl0"},
		AudioArgs: []string{"-c:a", "pcm_s16le"}, Alpha: true},
	{Name: "dnxhr-hq", Ext: "mov", Description: "Avid DNxHR HQ in QuickTime, PCM audio: for Avid and Resolve",
		VideoArgs: []string{"-c:v", "dnxhd", "-profile:v", "dnxhr_hq", "-pix_fmt", "yuv422p"},
		AudioArgs: []string{"-c:a", "pcm_s16le"}, EvenSize: true, MinWidth: 256, MinHeight: 120},
	{Name: "ffv1", Ext: "mkv", Description: "FFV1 lossless in Matroska with alpha, FLAC audio: for archiving",
		VideoArgs: []string{"-c:v", "ffv1", "-level", "3", "-g", "1", "-slicecrc", "1", "-pix_fmt", "bgra"},
		AudioArgs: []string{"-c:a", "flac"}, Alpha: true},
	{Name: "png", Ext: "png", Description: "PNG image sequence with alpha (one file per frame, no sound)",
		VideoArgs: []string{"-c:v", "png", "-pix_fmt", "rgba"}, Alpha: true, ImageSequence: true},
	{Name: "tiff", Ext: "tif", Description: "TIFF image sequence, 8-bit RGB (one file per frame, no sound)",
		VideoArgs: []string{"-c:v", "tiff", "-pix_fmt", "rgb24", "-compression_algo", "deflate"}, ImageSequence: true},
}

// Presets lists the export presets, sorted by name.
func Presets() []Preset {
	out := append([]Preset(nil), presets...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupPreset finds a preset by name.
func LookupPreset(name string) (Preset, error) {
	for _, p := range presets {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(presets))
	for i, p := range Presets() {
		names[i] = p.Name
	}
	return Preset{}, fmt.Errorf("unknown preset %q (have %s)", name, strings.Join(names, ", "))
}
