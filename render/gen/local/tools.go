package local

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/slate-nle/slate/render"
)

// tool finds an external program: $ENV, then PATH; a missing one names its Debian package.
func tool(env, name, pkg string) (string, error) {
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: install the Debian package %s (or set %s)", name, pkg, env)
	}
	return p, nil
}

// ffmpeg and ffprobe are found as the engine finds them.
func ffmpegPath() (string, error)  { return render.FFmpeg() }
func ffprobePath() (string, error) { return render.FFprobe() }
func espeakPath() (string, error)  { return tool("SLATE_ESPEAK", "espeak-ng", "espeak-ng") }

// tail keeps the last lines written to it, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []string
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			t.buf = append(t.buf, l)
		}
	}
	if len(t.buf) > 4 {
		t.buf = t.buf[len(t.buf)-4:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.buf, "; ")
}

// ffmpeg runs ffmpeg with args, reporting progress as the fraction of total frames written
// (total ≤ 0: no progress). stdin, when not nil, feeds the process.
func ffmpeg(ctx context.Context, args []string, total int64, progress func(float64), stdin io.Reader) error {
	bin, err := ffmpegPath()
	if err != nil {
		return err
	}
	full := []string{"-hide_banner", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1"}
	if stdin == nil {
		full = append(full, "-nostdin")
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Stdin = stdin
	var errs tail
	cmd.Stderr = &errs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "frame="); ok && total > 0 && progress != nil {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				progress(min(1, float64(n)/float64(total)))
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("ffmpeg: %v: %s", err, errs.String())
	}
	return nil
}

// media is what ffprobe says about an input.
type media struct {
	Width, Height  int
	FPSNum, FPSDen int64
	Frames         int64 // 0 when unknown
	Seconds        float64
	Image          bool // a single still
	Audio          bool
	Video          bool
}

// probe reads an input's first video stream and its duration.
func probe(ctx context.Context, path string) (media, error) {
	bin, err := ffprobePath()
	if err != nil {
		return media{}, err
	}
	cmd := exec.CommandContext(ctx, bin, "-v", "error", "-show_streams", "-show_format", "-of", "json", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return media{}, fmt.Errorf("%s is not readable media: %s", path, msg)
	}
	var p struct {
		Streams []struct {
			CodecType  string `json:"codec_type"`
			CodecName  string `json:"codec_name"`
			Width      int    `json:"width"`
			Height     int    `json:"height"`
			RFrameRate string `json:"r_frame_rate"`
			NbFrames   string `json:"nb_frames"`
			Duration   string `json:"duration"`
		} `json:"streams"`
		Format struct {
			FormatName string `json:"format_name"`
			Duration   string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return media{}, fmt.Errorf("%s: ffprobe output: %w", path, err)
	}
	var m media
	for _, s := range p.Streams {
		switch s.CodecType {
		case "audio":
			m.Audio = true
		case "video":
			if m.Video {
				continue
			}
			m.Video = true
			m.Width, m.Height = s.Width, s.Height
			if a, b, ok := strings.Cut(s.RFrameRate, "/"); ok {
				m.FPSNum, _ = strconv.ParseInt(a, 10, 64)
				m.FPSDen, _ = strconv.ParseInt(b, 10, 64)
			}
			m.Frames, _ = strconv.ParseInt(s.NbFrames, 10, 64)
			m.Seconds, _ = strconv.ParseFloat(s.Duration, 64)
		}
	}
	if m.Seconds == 0 {
		m.Seconds, _ = strconv.ParseFloat(p.Format.Duration, 64)
	}
	f := p.Format.FormatName
	m.Image = m.Video && (strings.HasSuffix(f, "_pipe") || f == "image2") && m.Frames <= 1
	if m.Frames == 0 && m.Seconds > 0 && m.FPSDen > 0 {
		m.Frames = int64(m.Seconds*float64(m.FPSNum)/float64(m.FPSDen) + 0.5)
	}
	if m.Video && (m.Width <= 0 || m.Height <= 0) {
		return media{}, fmt.Errorf("%s is not readable media: no decodable picture", path)
	}
	if !m.Video && !m.Audio {
		return media{}, fmt.Errorf("%s is not readable media: no video or audio stream", path)
	}
	return m, nil
}

var errCancelled = errors.New("cancelled")
