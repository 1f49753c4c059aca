package render

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"

	"github.com/slate-nle/slate/assets"
)

// FFmpeg finds the ffmpeg binary: $SLATE_FFMPEG, else ffmpeg on PATH. A missing tool is an
// error naming the Debian package to install. It is assets.FFmpeg, kept here for render's
// users.
func FFmpeg() (string, error) { return assets.FFmpeg() }

// FFprobe finds the ffprobe binary: $SLATE_FFPROBE, else ffprobe on PATH (assets.FFprobe).
func FFprobe() (string, error) { return assets.FFprobe() }

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
