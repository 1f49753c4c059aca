package render

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
)

// FFmpeg finds the ffmpeg binary: $SLATE_FFMPEG, else ffmpeg on PATH. A missing tool is an
// error naming the Debian package to install.
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

// stderrTail keeps the end of what a child process wrote to stderr, for error messages.
type stderrTail struct {
	mu  sync.Mutex
	buf []byte
}

func (s *stderrTail) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if len(s.buf) > 8192 {
		s.buf = append(s.buf[:0], s.buf[len(s.buf)-4096:]...)
	}
	return len(p), nil
}

// Last is ffmpeg's reason for failing: the last line it wrote, skipping the generic
// follow-ups it prints after the real message ("Conversion failed!", "Error initializing
// output stream 0:0 --", a hint on how to ignore the error).
func (s *stderrTail) Last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(s.buf)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !boilerplate(l) {
			return l
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// Contains reports whether ffmpeg wrote sub in what is kept.
func (s *stderrTail) Contains(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Contains(s.buf, []byte(sub))
}

func boilerplate(line string) bool {
	for _, p := range []string{"Conversion failed!", "Error initializing output stream", "To ignore this, add a trailing",
		"Exiting normally"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// baseArgs start every ffmpeg command line: no terminal, errors only.
func baseArgs() []string { return []string{"-nostdin", "-hide_banner", "-loglevel", "error"} }

// proc is one running ffmpeg whose stdout a decoder reads. Its owner calls stop (or reads to
// the end and calls wait) exactly once, so no process is left unreaped.
type proc struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr *stderrTail
}

// startProc runs ffmpeg with args. life bounds the process: when it ends, ffmpeg is killed.
func startProc(life context.Context, args []string, bufSize int) (*proc, error) {
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(life, ffmpeg, args...)
	p := &proc{cmd: cmd, stderr: &stderrTail{}}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting ffmpeg: %w", err)
	}
	p.out = bufio.NewReaderSize(out, bufSize)
	return p, nil
}

// readFull fills buf from ffmpeg's output. Cancelling ctx kills ffmpeg, so a read blocked on
// a stuck decode returns.
func (p *proc) readFull(ctx context.Context, buf []byte) (int, error) {
	if ctx.Done() == nil {
		return io.ReadFull(p.out, buf)
	}
	stop := context.AfterFunc(ctx, func() { _ = p.cmd.Process.Kill() })
	n, err := io.ReadFull(p.out, buf)
	stop()
	return n, err
}

// stop kills ffmpeg and reaps it.
func (p *proc) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// wait reaps an ffmpeg whose output ended and says why it ended: nil for a clean exit, else
// an error carrying ffmpeg's last stderr line.
func (p *proc) wait() error {
	err := p.cmd.Wait()
	if err == nil {
		return nil
	}
	if msg := p.stderr.Last(); msg != "" {
		return errors.New(msg)
	}
	return fmt.Errorf("ffmpeg: %w", err)
}

// isEOF reports whether a read error means the pipe ended.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
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
		if ctx.Err() != nil {
			return videoProbe{}, ctx.Err()
		}
		msg := lastLine(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		// ffprobe starts its message with the path; do not say it twice.
		return videoProbe{}, fmt.Errorf("%s: %s", path, strings.TrimPrefix(msg, path+": "))
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
