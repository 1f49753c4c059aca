package project

import (
	"encoding/json"
	"sync"

	"github.com/slate-nle/slate/timeline"
	"github.com/slate-nle/slate/timeline/edit"
)

// lazyCommand is a history command kept as its stored JSON until something needs it:
// decoding thousands of entries on every open would dominate the load time, and only the
// entries next to the top of the stacks are ever applied.
type lazyCommand struct {
	raw  []byte
	once sync.Once
	c    edit.Command
	err  error
}

func (l *lazyCommand) get() (edit.Command, error) {
	l.once.Do(func() { l.c, l.err = edit.Unmarshal(l.raw) })
	return l.c, l.err
}

func (l *lazyCommand) Op() string {
	if c, err := l.get(); err == nil {
		return c.Op()
	}
	return "invalid"
}

func (l *lazyCommand) Apply(tl *timeline.Timeline) (edit.Command, error) {
	c, err := l.get()
	if err != nil {
		return nil, err
	}
	return c.Apply(tl)
}

// MarshalJSON gives the command's fields, as json.Marshal of the decoded command would
// (edit.Marshal adds the "op").
func (l *lazyCommand) MarshalJSON() ([]byte, error) {
	c, err := l.get()
	if err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// marshalCommand encodes a command for a history row, reusing stored JSON as it is.
func marshalCommand(c edit.Command) ([]byte, error) {
	if l, ok := c.(*lazyCommand); ok {
		return l.raw, nil
	}
	return edit.Marshal(c)
}
