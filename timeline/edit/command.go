package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/slate-nle/slate/timeline"
)

// Command is one change to a timeline.
type Command interface {
	// Op is the command's name in JSON ("split", "ripple-delete", ...).
	Op() string
	// Apply makes the change and returns the command that undoes it. On error the timeline
	// is unchanged.
	Apply(tl *timeline.Timeline) (inverse Command, err error)
}

// registry maps op names to constructors of empty commands.
var registry = map[string]func() Command{}

func register(mk func() Command) {
	op := mk().Op()
	if _, dup := registry[op]; dup {
		panic("edit: op registered twice: " + op)
	}
	registry[op] = mk
}

// Ops lists every op name, sorted.
func Ops() []string {
	out := make([]string, 0, len(registry))
	for op := range registry {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}

// aliases are other names editors use for the same op.
var aliases = map[string]string{"razor": "split", "delete": "lift"}

// Marshal encodes a command as one JSON object with its "op" first.
func Marshal(c Command) ([]byte, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", c.Op(), err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"op":%q`, c.Op())
	if len(body) > 2 {
		buf.WriteByte(',')
		buf.Write(body[1:])
	} else {
		buf.WriteByte('}')
	}
	return buf.Bytes(), nil
}

// Unmarshal decodes one command; unknown ops and unknown fields are errors that say what is
// wrong.
func Unmarshal(b []byte) (Command, error) {
	var head struct {
		Op string `json:"op"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("not a command: %v", err)
	}
	if head.Op == "" {
		return nil, fmt.Errorf(`command has no "op"`)
	}
	op := head.Op
	if a, ok := aliases[op]; ok {
		op = a
	}
	mk, ok := registry[op]
	if !ok {
		return nil, fmt.Errorf("unknown op %q", head.Op)
	}
	c := mk()
	d := json.NewDecoder(bytes.NewReader(stripOp(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(c); err != nil {
		return nil, fmt.Errorf("%s: %s", head.Op, strings.TrimPrefix(err.Error(), "json: "))
	}
	return c, nil
}

// stripOp removes the "op" key so the strict decoder does not reject it.
func stripOp(b []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return b
	}
	delete(m, "op")
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return out
}

// JSON wraps a Command so it can sit inside other JSON values.
type JSON struct{ Command }

// MarshalJSON implements json.Marshaler.
func (j JSON) MarshalJSON() ([]byte, error) {
	if j.Command == nil {
		return []byte("null"), nil
	}
	return Marshal(j.Command)
}

// UnmarshalJSON implements json.Unmarshaler.
func (j *JSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		j.Command = nil
		return nil
	}
	c, err := Unmarshal(b)
	if err != nil {
		return err
	}
	j.Command = c
	return nil
}
