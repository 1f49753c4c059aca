package edit

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slate-nle/slate/timeline"
)

// Entry is one undo step: what was done (as the user said it), its inverse, and a name for
// menus ("Undo Split").
type Entry struct {
	Name string `json:"name"`
	Do   JSON   `json:"do"`   // the command as given (a batch for a group)
	Undo JSON   `json:"undo"` // its exact inverse
	// Redo is the inverse of Undo, set when the entry has been undone: applying it gives back
	// exactly the timeline after Do (the same IDs), whatever Do would allocate today.
	Redo JSON `json:"redo,omitempty"`
}

// History is the undo and redo stacks of one timeline, with named groups.
type History struct {
	Done   []Entry `json:"done"`   // oldest first; the last is undone first
	Undone []Entry `json:"undone"` // the last is redone first

	group *Batch // commands of the open group, nil when none
	undo  *Batch // inverses of the open group, newest first
}

// ErrNothingToUndo and ErrNothingToRedo are returned at the ends of the stacks.
var (
	ErrNothingToUndo = errors.New("nothing to undo")
	ErrNothingToRedo = errors.New("nothing to redo")
)

// Name is a human name for a command: its op, or the group name.
func Name(c Command) string {
	if b, ok := c.(*Batch); ok && b.Name != "" {
		return b.Name
	}
	return c.Op()
}

// Apply runs a command and records it as one undo step (or as part of the open group). The
// redo stack is cleared, as in every editor. It returns the new entry (nil inside a group).
func (h *History) Apply(tl *timeline.Timeline, c Command) (*Entry, error) {
	inv, err := c.Apply(tl)
	if err != nil {
		return nil, err
	}
	if h.group != nil {
		h.group.Cmds = append(h.group.Cmds, JSON{c})
		h.undo.Cmds = append([]JSON{{inv}}, h.undo.Cmds...)
		return nil, nil
	}
	return h.push(Entry{Name: Name(c), Do: JSON{c}, Undo: JSON{inv}}), nil
}

func (h *History) push(e Entry) *Entry {
	h.Done = append(h.Done, e)
	h.Undone = nil
	return &h.Done[len(h.Done)-1]
}

// Begin opens a named group: the commands applied until End are one undo step (one drag
// gesture, one chat action).
func (h *History) Begin(name string) error {
	if h.group != nil {
		return fmt.Errorf("group %q is still open", h.group.Name)
	}
	h.group = &Batch{Name: name, Cmds: []JSON{}}
	h.undo = &Batch{Name: name, Cmds: []JSON{}}
	return nil
}

// End closes the open group and records it; an empty group records nothing.
func (h *History) End() (*Entry, error) {
	if h.group == nil {
		return nil, fmt.Errorf("no group is open")
	}
	g, u := h.group, h.undo
	h.group, h.undo = nil, nil
	if len(g.Cmds) == 0 {
		return nil, nil
	}
	return h.push(Entry{Name: g.Name, Do: JSON{g}, Undo: JSON{u}}), nil
}

// Cancel closes the open group after undoing what it applied.
func (h *History) Cancel(tl *timeline.Timeline) error {
	if h.group == nil {
		return nil
	}
	u := h.undo
	h.group, h.undo = nil, nil
	_, err := u.Apply(tl)
	return err
}

// InGroup reports whether a group is open.
func (h *History) InGroup() bool { return h.group != nil }

// Undo reverts the newest step and moves it to the redo stack.
func (h *History) Undo(tl *timeline.Timeline) (*Entry, error) {
	if h.group != nil {
		return nil, fmt.Errorf("cannot undo while group %q is open", h.group.Name)
	}
	if len(h.Done) == 0 {
		return nil, ErrNothingToUndo
	}
	e := h.Done[len(h.Done)-1]
	redo, err := e.Undo.Apply(tl)
	if err != nil {
		return nil, fmt.Errorf("undo %s: %w", e.Name, err)
	}
	e.Redo = JSON{redo}
	h.Done = h.Done[:len(h.Done)-1]
	h.Undone = append(h.Undone, e)
	return &h.Undone[len(h.Undone)-1], nil
}

// Redo re-applies the newest undone step.
func (h *History) Redo(tl *timeline.Timeline) (*Entry, error) {
	if h.group != nil {
		return nil, fmt.Errorf("cannot redo while group %q is open", h.group.Name)
	}
	if len(h.Undone) == 0 {
		return nil, ErrNothingToRedo
	}
	e := h.Undone[len(h.Undone)-1]
	redo := e.Redo.Command
	if redo == nil {
		redo = e.Do.Command
	}
	undo, err := redo.Apply(tl)
	if err != nil {
		return nil, fmt.Errorf("redo %s: %w", e.Name, err)
	}
	e.Undo, e.Redo = JSON{undo}, JSON{}
	h.Undone = h.Undone[:len(h.Undone)-1]
	h.Done = append(h.Done, e)
	return &h.Done[len(h.Done)-1], nil
}

// MarshalJSON encodes both stacks (an open group is not part of the history yet).
func (h *History) MarshalJSON() ([]byte, error) {
	type plain History
	p := plain{Done: h.Done, Undone: h.Undone}
	if p.Done == nil {
		p.Done = []Entry{}
	}
	if p.Undone == nil {
		p.Undone = []Entry{}
	}
	return json.Marshal(p)
}

// UnmarshalJSON decodes both stacks.
func (h *History) UnmarshalJSON(b []byte) error {
	type plain History
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	*h = History{Done: p.Done, Undone: p.Undone}
	return nil
}
