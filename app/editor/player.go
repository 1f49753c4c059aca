package editor

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/slate-nle/slate/timeline/rt"
)

// playerLink runs slate-player beside the editor: the player opens the project read-only,
// follows the editor's commits by itself, takes seeks from the editor's playhead, and its
// "pos" events move the editor's playhead. The editor always waits for the process.
type playerLink struct {
	e    *Editor
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	done chan struct{}
}

// playerBinary finds slate-player next to the running slate, else on PATH.
func playerBinary() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "slate-player")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath("slate-player")
	if err != nil {
		return "", fmt.Errorf("slate-player not found next to slate or on PATH (make build makes both)")
	}
	return p, nil
}

// open starts the player, or brings nothing new when it already runs.
func (l *playerLink) open() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cmd != nil {
		return nil
	}
	bin, err := playerBinary()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "--scale", "0.5", l.e.proj.Path())
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the player: %w", err)
	}
	l.cmd, l.in, l.done = cmd, in, make(chan struct{})
	go l.events(out)
	l.sendLocked(map[string]any{"cmd": "seek", "frame": int64(l.e.timeline.Playhead())})
	return nil
}

// events follows the player's stdout until it exits, then reaps it.
func (l *playerLink) events(out io.Reader) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var ev struct {
			Event   string `json:"event"`
			Frame   int64  `json:"frame"`
			Message string `json:"message"`
		}
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch ev.Event {
		case "pos":
			f := rt.Time(ev.Frame)
			fyne.Do(func() { l.e.followPlayer(f) })
		case "error":
			msg := ev.Message
			fyne.Do(func() { l.e.setStatus("player: " + msg) })
		}
	}
	l.mu.Lock()
	cmd, done := l.cmd, l.done
	l.cmd, l.in = nil, nil
	l.mu.Unlock()
	_ = cmd.Wait()
	close(done)
}

func (l *playerLink) send(v any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sendLocked(v)
}

func (l *playerLink) sendLocked(v any) {
	if l.in == nil {
		return
	}
	b, _ := json.Marshal(v)
	_, _ = l.in.Write(append(b, '\n'))
}

// seek tells a running player where the playhead is.
func (l *playerLink) seek(f rt.Time) { l.send(map[string]any{"cmd": "seek", "frame": int64(f)}) }

// close asks the player to quit and waits for it.
func (l *playerLink) close() {
	l.mu.Lock()
	in, done := l.in, l.done
	l.mu.Unlock()
	if in == nil {
		return
	}
	l.send(map[string]any{"cmd": "quit"})
	in.Close()
	<-done
}
