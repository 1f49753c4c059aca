package assets

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// FFmpeg finds the ffmpeg binary: $SLATE_FFMPEG, else ffmpeg on PATH. A missing tool is an
// error naming the Debian package to install. (render.FFmpeg behaves the same.)
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

// tail keeps the end of what a child process wrote to stderr, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (s *tail) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	if len(s.buf) > 16384 {
		s.buf = append(s.buf[:0], s.buf[len(s.buf)-8192:]...)
	}
	return len(p), nil
}

func (s *tail) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.buf)
}

// last is the last non-empty line written.
func (s *tail) last() string { return lastLine(s.String()) }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// command builds a tool invocation that dies with ctx (WaitDelay bounds a child that ignores
// the kill's closed pipes).
func command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// runFFmpeg runs ffmpeg to completion; the error carries ffmpeg's last stderr line.
func runFFmpeg(ctx context.Context, args ...string) error {
	ffmpeg, err := FFmpeg()
	if err != nil {
		return err
	}
	var errb tail
	cmd := command(ctx, ffmpeg, append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)...)
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if msg := errb.last(); msg != "" {
			return fmt.Errorf("ffmpeg: %s", msg)
		}
		return fmt.Errorf("ffmpeg: %v", err)
	}
	return nil
}

// decodable lists the codecs this ffmpeg can decode (the D flag of `ffmpeg -codecs`), read
// once. A nil map means the list could not be read, and every named codec is accepted.
var decodable = sync.OnceValue(func() map[string]bool {
	ffmpeg, err := FFmpeg()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := command(ctx, ffmpeg, "-hide_banner", "-codecs").Output()
	if err != nil {
		return nil
	}
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	started := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 1 && strings.HasPrefix(f[0], "---") {
			started = true
			continue
		}
		if !started || len(f) < 2 || len(f[0]) != 6 {
			continue
		}
		if f[0][0] == 'D' {
			m[f[1]] = true
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
})

func canDecode(codec string) bool {
	if codec == "" {
		return false
	}
	m := decodable()
	return m == nil || m[codec]
}
