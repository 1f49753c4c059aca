package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// FFmpeg finds the ffmpeg binary: $SLATE_FFMPEG, else ffmpeg on PATH.
func FFmpeg() (string, error) { return findTool("ffmpeg", "SLATE_FFMPEG") }

// FFprobe finds the ffprobe binary: $SLATE_FFPROBE, else ffprobe on PATH.
func FFprobe() (string, error) { return findTool("ffprobe", "SLATE_FFPROBE") }

func findTool(name, env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", env, p, err)
		}
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: install the Debian package \"ffmpeg\" (or set %s)", name, env)
	}
	return p, nil
}

// stderrTail keeps the last lines a child process wrote, for error messages.
type stderrTail struct {
	mu  sync.Mutex
	buf []byte
}

func (s *stderrTail) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if len(s.buf) > 8192 {
		s.buf = s.buf[len(s.buf)-4096:]
	}
	return len(p), nil
}

// Last is the last non-empty line written.
func (s *stderrTail) Last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(s.buf)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// videoProbe is what a decoder needs to know about a file before it starts.
type videoProbe struct {
	Width, Height int // as displayed (rotation applied)
	PixFmt        string
	Alpha         bool
}

// probeVideo asks ffprobe for the first video stream's size, rotation and pixel format.
func probeVideo(ctx context.Context, path string, inputArgs []string) (videoProbe, error) {
	ffprobe, err := FFprobe()
	if err != nil {
		return videoProbe{}, err
	}
	args := append([]string{"-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json"}, inputArgs...)
	args = append(args, path)
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, ffprobe, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return videoProbe{}, fmt.Errorf("%s: %s", path, lastLine(msg))
	}
	var doc struct {
		Streams []struct {
			Width    int               `json:"width"`
			Height   int               `json:"height"`
			PixFmt   string            `json:"pix_fmt"`
			Tags     map[string]string `json:"tags"`
			SideData []struct {
				Rotation json.Number `json:"rotation"`
			} `json:"side_data_list"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Streams) == 0 || doc.Streams[0].Width <= 0 {
		return videoProbe{}, fmt.Errorf("%s: no video stream", path)
	}
	s := doc.Streams[0]
	rot := 0
	if r, err := strconv.Atoi(s.Tags["rotate"]); err == nil {
		rot = r
	}
	for _, sd := range s.SideData {
		if f, err := sd.Rotation.Float64(); err == nil && sd.Rotation != "" {
			rot = int(f)
		}
	}
	p := videoProbe{Width: s.Width, Height: s.Height, PixFmt: s.PixFmt, Alpha: pixFmtHasAlpha(s.PixFmt)}
	if rot%180 != 0 {
		p.Width, p.Height = p.Height, p.Width
	}
	return p, nil
}

func pixFmtHasAlpha(f string) bool {
	switch {
	case strings.HasPrefix(f, "yuva"), strings.HasPrefix(f, "rgba"), strings.HasPrefix(f, "bgra"),
		strings.HasPrefix(f, "argb"), strings.HasPrefix(f, "abgr"), strings.HasPrefix(f, "gbrap"),
		strings.HasPrefix(f, "ya"), f == "pal8":
		return true
	}
	return false
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
