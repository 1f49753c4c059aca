package playback

import (
	"bufio"
	"context"
	"io"
	"time"
)

// ReadCommands reads JSON command lines from r and sends each line to out until r ends or
// ctx is done. When r ends (the editor went away) it sends a quit line.
func ReadCommands(ctx context.Context, r io.Reader, out chan<- []byte) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := append([]byte(nil), sc.Bytes()...)
		if len(line) == 0 {
			continue
		}
		select {
		case out <- line:
		case <-ctx.Done():
			return
		}
	}
	select {
	case out <- []byte(`{"cmd":"quit"}`):
	case <-ctx.Done():
	}
}

// Watch calls changed every interval until ctx is done and, when it reports a change,
// calls notify (which should not block; a reload request pending is enough). Errors go
// to onErr.
func Watch(ctx context.Context, every time.Duration, changed func() (bool, error), notify func(), onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := changed()
		if err != nil {
			if err.Error() != last && onErr != nil {
				onErr(err)
			}
			last = err.Error()
			continue
		}
		last = ""
		if ok {
			notify()
		}
	}
}
