package governance

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// decoder walks the YAML syntax tree of one file. Unlike decoding into
// structs, walking the tree lets every problem of the file be reported, each
// at its own line and column, and a misspelt key be matched to the keys that
// were possible there.
type decoder struct {
	file    string
	errs    *Errors
	anchors map[string]ast.Node
	depth   int
}

// parseYAML parses data into documents, turning a syntax error (or, should
// the parser ever fail on hostile bytes, a panic) into an Error.
func parseYAML(file string, data []byte) (docs []ast.Node, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Pos: Pos{File: file}, Message: "not valid YAML"}
		}
	}()
	f, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		e := &Error{Pos: Pos{File: file}, Message: "not valid YAML"}
		var se interface {
			GetMessage() string
			GetToken() *token.Token
		}
		if errors.As(perr, &se) {
			e.Message = "not valid YAML: " + se.GetMessage()
			if t := se.GetToken(); t != nil && t.Position != nil {
				e.Line, e.Column = t.Position.Line, t.Position.Column
			}
		}
		return nil, e
	}
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	return docs, nil
}

func (d *decoder) pos(n ast.Node) Pos {
	p := Pos{File: d.file}
	if n == nil {
		return p
	}
	if t := n.GetToken(); t != nil && t.Position != nil {
		p.Line, p.Column = t.Position.Line, t.Position.Column
	}
	return p
}

func (d *decoder) errorf(n ast.Node, format string, args ...any) {
	*d.errs = append(*d.errs, Error{Pos: d.pos(n), Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorAt(p Pos, format string, args ...any) {
	*d.errs = append(*d.errs, Error{Pos: p, Message: fmt.Sprintf(format, args...)})
}

// resolve strips anchors, tags and comments and follows aliases, so the
// callers see the value itself.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			if name, ok := v.Name.(ast.ScalarNode); ok && d.anchors != nil {
				d.anchors[fmt.Sprint(name.GetValue())] = v.Value
			}
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if s, ok := v.Value.(ast.ScalarNode); ok {
				name = fmt.Sprint(s.GetValue())
			}
			target, ok := d.anchors[name]
			if !ok {
				d.errorf(v, "alias *%s refers to no anchor defined before it", name)
				return nil
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		case *ast.CommentGroupNode:
			return nil
		default:
			return n
		}
	}
	return nil
}

// kindOf describes a node for messages: "a list", "text", "a number".
func kindOf(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	default:
		return "text"
	}
}

// field is one key of a mapping and what to do with its value.
type field struct {
	name     string
	required bool
	set      func(v ast.Node)
}

// object decodes a mapping whose keys must be among fields. It reports
// unknown keys (with the closest known key), repeated keys and missing
// required keys, and calls each field's set with the resolved value. It
// returns false when n is not a mapping at all.
func (d *decoder) object(n ast.Node, what string, fields ...field) bool {
	n = d.resolve(n)
	m, ok := d.mapping(n)
	if !ok {
		d.errorf(n, "%s must be a mapping of keys, not %s", what, kindOf(n))
		return false
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > 32 {
		d.errorf(n, "%s is nested too deeply", what)
		return false
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	seen := map[string]bool{}
	for _, kv := range m {
		key, ok := d.key(kv)
		if !ok {
			continue
		}
		i := slices.Index(names, key)
		if i < 0 {
			d.errorf(kv.Key, "unknown key %q in %s%s", key, what, didYouMean(key, names))
			continue
		}
		if seen[key] {
			d.errorf(kv.Key, "key %q is repeated in %s", key, what)
			continue
		}
		seen[key] = true
		fields[i].set(d.resolve(kv.Value))
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			d.errorf(n, "%s has no %s", what, f.name)
		}
	}
	return true
}

// mapping returns the key/value pairs of a mapping node.
func (d *decoder) mapping(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	}
	return nil, false
}

func (d *decoder) key(kv *ast.MappingValueNode) (string, bool) {
	if kv.Key == nil {
		d.errorf(kv, "a key is missing")
		return "", false
	}
	if kv.Key.IsMergeKey() {
		d.errorf(kv.Key, "merge keys (<<) are not supported: write the keys out")
		return "", false
	}
	s, ok := d.resolve(kv.Key).(ast.ScalarNode)
	if !ok {
		d.errorf(kv.Key, "a key must be plain text")
		return "", false
	}
	return fmt.Sprint(s.GetValue()), true
}

// list calls each with every element of a sequence. A scalar where a list is
// expected is an error that shows the list form.
func (d *decoder) list(n ast.Node, what string, each func(ast.Node)) {
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		if _, null := n.(*ast.NullNode); null || n == nil {
			return
		}
		d.errorf(n, "%s must be a list (write [a, b] or one \"- item\" per line), not %s", what, kindOf(n))
		return
	}
	for _, v := range s.Values {
		if v = d.resolve(v); v != nil {
			each(v)
		}
	}
}

// str returns the text of a scalar. Numbers and booleans are accepted as
// their literal text (a name may be "2024"); null, lists and mappings are not.
func (d *decoder) str(n ast.Node, what string) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value
		}
		return ""
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value
	}
	d.errorf(n, "%s must be text, not %s", what, kindOf(n))
	return ""
}

// text is a str that must not be empty.
func (d *decoder) text(n ast.Node, what string) string {
	s := d.str(n, what)
	if strings.TrimSpace(s) == "" && isScalar(n) {
		d.errorf(n, "%s must not be empty", what)
	}
	return s
}

func isScalar(n ast.Node) bool {
	_, ok := n.(ast.ScalarNode)
	return ok
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// id returns an identifier, reporting one that breaks the id pattern.
func (d *decoder) id(n ast.Node, what string) string {
	s := d.str(n, what)
	if s != "" && !idPattern.MatchString(s) {
		hint := strings.Trim(strings.Map(func(r rune) rune {
			switch {
			case r >= 'A' && r <= 'Z':
				return r + 'a' - 'A'
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
				return r
			}
			return '-'
		}, s), "-._")
		msg := fmt.Sprintf("%s %q is not a valid id: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters", what, s)
		if hint != "" && len(hint) <= 64 && idPattern.MatchString(hint) {
			msg += fmt.Sprintf(" (e.g. %q)", hint)
		}
		d.errorf(n, "%s", msg)
	} else if s == "" && isScalar(n) {
		d.errorf(n, "%s must not be empty", what)
	}
	return s
}

// num returns a finite number.
func (d *decoder) num(n ast.Node, what string) (float64, bool) {
	var f float64
	switch v := n.(type) {
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		default:
			d.errorf(n, "%s must be a number", what)
			return 0, false
		}
	case *ast.FloatNode:
		f = v.Value
	default:
		msg := fmt.Sprintf("%s must be a number, not %s", what, kindOf(n))
		if s, ok := n.(*ast.StringNode); ok {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(s.Value, ",", ""), 64); err == nil {
				msg = fmt.Sprintf("%s must be a plain number without quotes or separators, e.g. %s", what, strings.ReplaceAll(s.Value, ",", ""))
			}
		}
		d.errorf(n, "%s", msg)
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, "%s must be a finite number", what)
		return 0, false
	}
	return f, true
}

// positive returns a number > 0 (or >= 0 when zeroOK).
func (d *decoder) positive(n ast.Node, what string, zeroOK bool) (float64, bool) {
	f, ok := d.num(n, what)
	if !ok {
		return 0, false
	}
	if f < 0 || (f == 0 && !zeroOK) {
		bound := "greater than 0"
		if zeroOK {
			bound = "0 or more"
		}
		d.errorf(n, "%s must be %s, not %v", what, bound, f)
		return 0, false
	}
	return f, true
}

// integer returns a whole number within [lo, hi].
func (d *decoder) integer(n ast.Node, what string, lo, hi int) (int, bool) {
	f, ok := d.num(n, what)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		d.errorf(n, "%s must be a whole number from %d to %d, not %v", what, lo, hi, f)
		return 0, false
	}
	return int(f), true
}

func (d *decoder) boolean(n ast.Node, what string) bool {
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value
	}
	d.errorf(n, "%s must be true or false, not %s", what, kindOf(n))
	return false
}

// oneOf returns a string that must be one of the allowed values.
func (d *decoder) oneOf(n ast.Node, what string, allowed ...string) string {
	s := d.str(n, what)
	if s == "" && !isScalar(n) {
		return ""
	}
	if !slices.Contains(allowed, s) {
		d.errorf(n, "%s %q is not one of %s%s", what, s, strings.Join(allowed, ", "), didYouMean(s, allowed))
		return ""
	}
	return s
}
