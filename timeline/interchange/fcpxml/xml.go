package fcpxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is an XML element: FCPXML is read into a small tree (order matters: a spine is a
// sequence) and written from one.
type node struct {
	name  string
	attrs []xml.Attr
	kids  []*node
	text  string
	line  int
}

func el(name string, kv ...string) *node {
	n := &node{name: name}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: kv[i]}, Value: kv[i+1]})
		}
	}
	return n
}

func (n *node) add(kids ...*node) *node {
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

func (n *node) set(k, v string) {
	for i := range n.attrs {
		if n.attrs[i].Name.Local == k {
			n.attrs[i].Value = v
			return
		}
	}
	n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: k}, Value: v})
}

func (n *node) attr(k string) string {
	for _, a := range n.attrs {
		if a.Name.Local == k {
			return a.Value
		}
	}
	return ""
}

func (n *node) has(k string) bool {
	for _, a := range n.attrs {
		if a.Name.Local == k {
			return true
		}
	}
	return false
}

func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *node) children(name string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// find is the first element called name at any depth (breadth first).
func (n *node) find(name string) *node {
	q := []*node{n}
	for len(q) > 0 {
		x := q[0]
		q = q[1:]
		if x.name == name {
			return x
		}
		q = append(q, x.kids...)
	}
	return nil
}

// write serializes the tree, indented by 4 spaces.
func (n *node) write(buf *bytes.Buffer, level int) {
	ind := strings.Repeat("    ", level)
	buf.WriteString(ind + "<" + n.name)
	for _, a := range n.attrs {
		buf.WriteString(" " + a.Name.Local + `="`)
		_ = xml.EscapeText(buf, []byte(a.Value))
		buf.WriteString(`"`)
	}
	if len(n.kids) == 0 && n.text == "" {
		buf.WriteString("/>\n")
		return
	}
	buf.WriteString(">")
	if n.text != "" {
		_ = xml.EscapeText(buf, []byte(n.text))
	}
	if len(n.kids) > 0 {
		buf.WriteString("\n")
		for _, k := range n.kids {
			k.write(buf, level+1)
		}
		buf.WriteString(ind)
	}
	buf.WriteString("</" + n.name + ">\n")
}

const maxDepth = 200

// parseXML reads a document into a tree. Errors name the line.
func parseXML(r io.Reader) (*node, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	var stack []*node
	var root *node
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("fcpxml: line %d: invalid XML: %s", se.Line, se.Msg)
			}
			return nil, fmt.Errorf("fcpxml: line %d: invalid XML: %v", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("fcpxml: line %d: elements nested deeper than %d", line, maxDepth)
			}
			n := &node{name: t.Name.Local, attrs: append([]xml.Attr(nil), t.Attr...), line: line}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("fcpxml: line %d: a second root element <%s>", line, n.name)
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				if len(p.text) < 1<<16 {
					p.text += string(t)
				}
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("fcpxml: no XML element in the file")
	}
	return root, nil
}
