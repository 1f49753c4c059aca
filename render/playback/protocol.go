package playback

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Command is one control line on the player's stdin, e.g. {"cmd":"seek","frame":120}.
type Command struct {
	Cmd   string   `json:"cmd"`
	Frame *int64   `json:"frame,omitempty"` // seek
	Rate  *float64 `json:"rate,omitempty"`  // rate: -4…4, 0 pauses
	In    *int64   `json:"in,omitempty"`    // loop: first frame
	Out   *int64   `json:"out,omitempty"`   // loop: end frame (exclusive)
	Off   bool     `json:"off,omitempty"`   // loop: turn looping off
	Scale *float64 `json:"scale,omitempty"` // scale: 0.25, 0.5 or 1
	Step  *int64   `json:"step,omitempty"`  // step: frames, negative for back
}

// Commands are the names ParseCommand accepts.
var Commands = []string{"seek", "play", "pause", "rate", "loop", "scale", "reload", "step", "start", "end", "overlay", "quit"}

// ParseCommand reads one JSON line into a Command and checks it has what its name needs.
func ParseCommand(line []byte) (Command, error) {
	var c Command
	dec := json.NewDecoder(strings.NewReader(string(line)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("command %q: not a JSON command object: %v", trim(line), err)
	}
	need := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("command %q: %s", c.Cmd, what)
		}
		return nil
	}
	switch c.Cmd {
	case "seek":
		return c, need(c.Frame != nil && *c.Frame >= 0, `needs "frame" >= 0`)
	case "rate":
		return c, need(c.Rate != nil && *c.Rate >= -MaxShuttle && *c.Rate <= MaxShuttle, fmt.Sprintf(`needs "rate" between %g and %g`, -MaxShuttle, MaxShuttle))
	case "loop":
		if c.Off {
			return c, nil
		}
		return c, need(c.In != nil && c.Out != nil && *c.In >= 0 && *c.Out > *c.In, `needs "in" >= 0 and "out" > "in", or "off": true`)
	case "scale":
		return c, need(c.Scale != nil && validScale(*c.Scale), `needs "scale" of 0.25, 0.5 or 1`)
	case "step":
		if c.Step == nil {
			one := int64(1)
			c.Step = &one
		}
		return c, nil
	case "play", "pause", "reload", "start", "end", "overlay", "quit":
		return c, nil
	case "":
		return c, fmt.Errorf("command %q: missing \"cmd\"", trim(line))
	}
	return c, fmt.Errorf("command %q: unknown; known are %s", c.Cmd, strings.Join(Commands, ", "))
}

func validScale(s float64) bool { return s == 0.25 || s == 0.5 || s == 1 }

func trim(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// Event is one JSON line the player writes on stdout.
type Event struct {
	Event   string   `json:"event"`             // ready, pos, shown, dropped, ended, error, reloaded, quit
	Frame   *int64   `json:"frame,omitempty"`   // pos, ended, reloaded
	Playing *bool    `json:"playing,omitempty"` // pos
	Rate    *float64 `json:"rate,omitempty"`    // pos
	Dropped *int64   `json:"dropped,omitempty"` // dropped: total so far
	Shown   *int64   `json:"shown,omitempty"`   // dropped: frames shown so far
	Width   int      `json:"width,omitempty"`   // ready: timeline size
	Height  int      `json:"height,omitempty"`
	FPS     string   `json:"fps,omitempty"`      // ready: timeline rate, e.g. "24/1"
	Frames  *int64   `json:"duration,omitempty"` // ready, reloaded: timeline length in frames
	Audio   *bool    `json:"audio,omitempty"`    // ready: whether audio is the clock
	Message string   `json:"message,omitempty"`  // error
}

// EventWriter writes Events as JSON lines; safe for concurrent use.
type EventWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

// NewEventWriter writes events to w.
func NewEventWriter(w io.Writer) *EventWriter { return &EventWriter{enc: json.NewEncoder(w)} }

// Emit writes one event line.
func (w *EventWriter) Emit(e Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.enc.Encode(e) // a closed stdout means the editor is gone; nothing to tell it
}

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }
func boolp(v bool) *bool     { return &v }
