package otio

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// OTIO files are JSON as OTIO writes it, which is not always strict JSON: Inf, Infinity, NaN
// and integers wider than 64 bits occur (see big_int.otio). encoding/json refuses the first
// and rounds the second, so this file has its own small parser into an ordered tree whose
// numbers keep their literal text: what is not understood is written back byte for byte.

// Kind is the type of a JSON value.
type Kind uint8

// JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is one JSON value. Numbers keep their literal text (Num), objects their key order.
type Value struct {
	Kind Kind
	Bool bool
	Num  string
	Str  string
	Arr  []*Value
	Obj  []Member
}

// Member is one key of an object.
type Member struct {
	Key string
	Val *Value
}

// Get returns the value of key (the last one when repeated), or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Obj) - 1; i >= 0; i-- {
		if v.Obj[i].Key == key {
			return v.Obj[i].Val
		}
	}
	return nil
}

// Set replaces key's value, or appends the key.
func (v *Value) Set(key string, val *Value) {
	for i := range v.Obj {
		if v.Obj[i].Key == key {
			v.Obj[i].Val = val
			return
		}
	}
	v.Obj = append(v.Obj, Member{key, val})
}

// Delete removes key.
func (v *Value) Delete(key string) {
	out := v.Obj[:0]
	for _, m := range v.Obj {
		if m.Key != key {
			out = append(out, m)
		}
	}
	v.Obj = out
}

// IsNull reports whether v is missing or null.
func (v *Value) IsNull() bool { return v == nil || v.Kind == Null }

// Constructors for the writer.
func jnull() *Value          { return &Value{Kind: Null} }
func jbool(b bool) *Value    { return &Value{Kind: Bool, Bool: b} }
func jstr(s string) *Value   { return &Value{Kind: String, Str: s} }
func jnum(lit string) *Value { return &Value{Kind: Number, Num: lit} }
func jint(n int64) *Value    { return jnum(strconv.FormatInt(n, 10)) }
func jfloat(f float64) *Value {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEIN") {
		s += ".0"
	}
	return jnum(s)
}
func jarr(vs ...*Value) *Value { return &Value{Kind: Array, Arr: append([]*Value{}, vs...)} }
func jobj(kv ...any) *Value {
	o := &Value{Kind: Object}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Obj = append(o.Obj, Member{kv[i].(string), kv[i+1].(*Value)})
	}
	return o
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

// SyntaxError is a JSON syntax error with its position.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

type parser struct {
	b   []byte
	i   int
	dep int
}

// ParseJSON reads one JSON value (with OTIO's extensions) filling the whole input.
func ParseJSON(b []byte) (*Value, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	p := &parser{b: b}
	p.ws()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.b) {
		return nil, p.errf("unexpected %s after the end of the document", p.what())
	}
	return v, nil
}

func (p *parser) errf(format string, args ...any) error {
	line, col := 1, 1
	for _, c := range p.b[:min(p.i, len(p.b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) what() string {
	if p.i >= len(p.b) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.b[p.i:])
	return strconv.QuoteRune(r)
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (*Value, error) {
	if p.i >= len(p.b) {
		return nil, p.errf("unexpected end of input, want a value")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return jstr(s), nil
	case c == 't' && p.lit("true"):
		return jbool(true), nil
	case c == 'f' && p.lit("false"):
		return jbool(false), nil
	case c == 'n' && p.lit("null"):
		return jnull(), nil
	case c == '-' || c == 'I' || c == 'N' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.errf("unexpected %s, want a value", p.what())
}

func (p *parser) lit(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

func (p *parser) enter() error {
	p.dep++
	if p.dep > maxDepth {
		return p.errf("nested deeper than %d levels", maxDepth)
	}
	return nil
}

func (p *parser) object() (*Value, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.dep-- }()
	p.i++ // {
	o := &Value{Kind: Object}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return o, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errf("unexpected %s, want a quoted key", p.what())
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errf("unexpected %s, want ':' after key %q", p.what(), k)
		}
		p.i++
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o.Obj = append(o.Obj, Member{k, v})
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return o, nil
		}
		return nil, p.errf("unexpected %s, want ',' or '}'", p.what())
	}
}

func (p *parser) array() (*Value, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.dep-- }()
	p.i++ // [
	a := &Value{Kind: Array, Arr: []*Value{}}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a.Arr = append(a.Arr, v)
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return a, nil
		}
		return nil, p.errf("unexpected %s, want ',' or ']'", p.what())
	}
}

func (p *parser) number() (*Value, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	for _, w := range []string{"Infinity", "Inf", "NaN"} {
		if p.lit(w) {
			return jnum(string(p.b[start:p.i])), nil
		}
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, p.errf("malformed number %q", string(p.b[start:p.i]))
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.errf("malformed number %q: no digits after '.'", string(p.b[start:p.i]))
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.errf("malformed number %q: no exponent digits", string(p.b[start:p.i]))
		}
	}
	return jnum(string(p.b[start:p.i])), nil
}

func (p *parser) str() (string, error) {
	p.i++ // opening quote
	var sb strings.Builder
	for {
		if p.i >= len(p.b) {
			return "", p.errf("unterminated string")
		}
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return sb.String(), nil
		case c < 0x20:
			return "", p.errf("control character %#x in a string", c)
		case c != '\\':
			sb.WriteByte(c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return "", p.errf("unterminated string")
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			sb.WriteByte(e)
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("malformed \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					r2, ok := p.hex4()
					if !ok {
						return "", p.errf("malformed \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			sb.WriteRune(r)
		default:
			p.i--
			return "", p.errf("unknown escape \\%c", e)
		}
	}
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

// Encode writes v as OTIO writes JSON: indented by 4 spaces, keys in their order, numbers as
// their literal text (so Inf and big integers survive). indent < 0 writes it compact.
func (v *Value) Encode(buf *bytes.Buffer, indent int) {
	v.encode(buf, indent, 0)
}

func (v *Value) encode(buf *bytes.Buffer, indent, level int) {
	nl := func(l int) {
		if indent >= 0 {
			buf.WriteByte('\n')
			buf.WriteString(strings.Repeat(" ", indent*l))
		}
	}
	switch v.Kind {
	case Null:
		buf.WriteString("null")
	case Bool:
		buf.WriteString(strconv.FormatBool(v.Bool))
	case Number:
		buf.WriteString(v.Num)
	case String:
		quote(buf, v.Str)
	case Array:
		if len(v.Arr) == 0 {
			buf.WriteString("[]")
			return
		}
		buf.WriteByte('[')
		for i, e := range v.Arr {
			if i > 0 {
				buf.WriteByte(',')
			}
			nl(level + 1)
			e.encode(buf, indent, level+1)
		}
		nl(level)
		buf.WriteByte(']')
	case Object:
		if len(v.Obj) == 0 {
			buf.WriteString("{}")
			return
		}
		buf.WriteByte('{')
		for i, m := range v.Obj {
			if i > 0 {
				buf.WriteByte(',')
			}
			nl(level + 1)
			quote(buf, m.Key)
			buf.WriteByte(':')
			if indent >= 0 {
				buf.WriteByte(' ')
			}
			m.Val.encode(buf, indent, level+1)
		}
		nl(level)
		buf.WriteByte('}')
	}
}

// String is the compact encoding.
func (v *Value) String() string {
	var b bytes.Buffer
	v.Encode(&b, -1)
	return b.String()
}

func quote(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case c == '\n':
				buf.WriteString(`\n`)
			case c == '\r':
				buf.WriteString(`\r`)
			case c == '\t':
				buf.WriteString(`\t`)
			case c < 0x20:
				fmt.Fprintf(buf, `\u%04x`, c)
			default:
				buf.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			buf.WriteString(`\ufffd`)
		} else {
			buf.WriteString(s[i : i+n])
		}
		i += n
	}
	buf.WriteByte('"')
}

// strict reports whether v is valid strict JSON (no Inf or NaN).
func (v *Value) strict() bool {
	switch v.Kind {
	case Number:
		return !strings.ContainsAny(v.Num, "IN")
	case Array:
		for _, e := range v.Arr {
			if !e.strict() {
				return false
			}
		}
	case Object:
		for _, m := range v.Obj {
			if !m.Val.strict() {
				return false
			}
		}
	}
	return true
}
