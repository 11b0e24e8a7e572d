package governance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	goccy "github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"go.yaml.in/yaml/v3"
)

// decoder walks the YAML node tree of one file. Unlike decoding into
// structs, walking the tree lets every problem of the file be reported, each
// at its own line and column, and a misspelt key be matched to the keys that
// were possible there.
type decoder struct {
	file  string
	errs  *Errors
	depth int
}

// node is a YAML node. Aliases are resolved by the parser; the decoder
// follows them (see resolve).
type node = *yaml.Node

// parseYAML parses data into the bodies of its documents. Bytes that are
// not YAML give one Error, as precisely placed as possible.
//
// Two parsers are used on purpose: go.yaml.in/yaml/v3 reads valid files
// several times faster than any alternative (it decides how long a model of
// ten thousand people takes to load), but places syntax errors only roughly;
// when it rejects a file, github.com/goccy/go-yaml parses it again to say at
// which line and column the syntax breaks.
func parseYAML(file string, data []byte) (docs []node, err *Error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, &Error{Pos: Pos{File: file, Line: 1, Column: 1}, Message: "not valid YAML"}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		perr := dec.Decode(&doc)
		if errors.Is(perr, io.EOF) {
			return docs, nil
		}
		if perr != nil {
			return nil, syntaxError(file, data, perr)
		}
		if len(doc.Content) > 0 && !isNull(doc.Content[0]) {
			docs = append(docs, doc.Content[0])
		}
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// syntaxError places a syntax error: at goccy's line and column when it
// agrees the file is broken, else at the line yaml.v3 gives.
func syntaxError(file string, data []byte, perr error) *Error {
	e := &Error{Pos: Pos{File: file, Line: 1, Column: 1}, Message: "not valid YAML: " + strings.TrimPrefix(perr.Error(), "yaml: ")}
	if m := yamlLine.FindStringSubmatch(perr.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Message = "not valid YAML: " + strings.TrimPrefix(perr.Error(), m[0])
	}
	_, gerr := goccy.ParseBytes(data, 0)
	var se interface {
		GetMessage() string
		GetToken() *token.Token
	}
	if gerr != nil && errors.As(gerr, &se) {
		if t := se.GetToken(); t != nil && t.Position != nil && t.Position.Line > 0 {
			e.Line, e.Column = t.Position.Line, t.Position.Column
			e.Message = "not valid YAML: " + se.GetMessage()
		}
	}
	return e
}

func (d *decoder) pos(n node) Pos {
	if n == nil {
		return Pos{File: d.file}
	}
	return Pos{File: d.file, Line: n.Line, Column: n.Column}
}

func (d *decoder) errorf(n node, format string, args ...any) {
	*d.errs = append(*d.errs, Error{Pos: d.pos(n), Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorAt(p Pos, format string, args ...any) {
	*d.errs = append(*d.errs, Error{Pos: p, Message: fmt.Sprintf(format, args...)})
}

// resolve follows an alias to the value of its anchor.
func (d *decoder) resolve(n node) node {
	for range 64 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

func isNull(n node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// isScalar reports whether n is a value that is not null, a list or a mapping.
func isScalar(n node) bool { return n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null" }

func isList(n node) bool { return n != nil && n.Kind == yaml.SequenceNode }

// kindOf describes a node for messages: "a list", "text", "a number".
func kindOf(n node) string {
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!int" || n.Tag == "!!float":
		return "a number"
	case n.Tag == "!!bool":
		return "true/false"
	}
	return "text"
}

// field is one key of a mapping and what to do with its value.
type field struct {
	name     string
	required bool
	set      func(v node)
}

// object decodes a mapping whose keys must be among fields. It reports
// unknown keys (with the closest known key), repeated keys and missing
// required keys, and calls each field's set with the resolved value. It
// returns false when n is not a mapping at all.
func (d *decoder) object(n node, what string, fields ...field) bool {
	n = d.resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
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
	seen := make([]bool, len(fields))
	for k, v := range d.pairs(n) {
		key, ok := d.key(k)
		if !ok {
			continue
		}
		i := slices.Index(names, key)
		switch {
		case i < 0:
			d.errorf(k, "unknown key %q in %s%s", key, what, DidYouMean(key, names))
		case seen[i]:
			d.errorf(k, "key %q is repeated in %s", key, what)
		default:
			seen[i] = true
			fields[i].set(d.resolve(v))
		}
	}
	for i, f := range fields {
		if f.required && !seen[i] {
			d.errorf(n, "%s has no %s", what, f.name)
		}
	}
	return true
}

// pairs yields the keys and values of a mapping node.
func (d *decoder) pairs(n node) func(yield func(k, v node) bool) {
	return func(yield func(k, v node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

func (d *decoder) key(k node) (string, bool) {
	k = d.resolve(k)
	switch {
	case k != nil && k.Tag == "!!merge":
		d.errorf(k, "merge keys (<<) are not supported: write the keys out")
		return "", false
	case !isScalar(k):
		d.errorf(k, "a key must be plain text, not %s", kindOf(k))
		return "", false
	}
	return k.Value, true
}

// list calls each with every element of a sequence. A scalar where a list is
// expected is an error that shows the list form.
func (d *decoder) list(n node, what string, each func(node)) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list (write [a, b] or one \"- item\" per line), not %s", what, kindOf(n))
		return
	}
	for _, v := range n.Content {
		if v = d.resolve(v); v != nil {
			each(v)
		}
	}
}

// str returns the text of a scalar. Numbers and booleans are accepted as
// their literal text (a name may be 2024); null, lists and mappings are not.
func (d *decoder) str(n node, what string) string {
	if !isScalar(n) {
		d.errorf(n, "%s must be text, not %s", what, kindOf(n))
		return ""
	}
	return n.Value
}

// text is a str that must not be empty.
func (d *decoder) text(n node, what string) string {
	s := d.str(n, what)
	if strings.TrimSpace(s) == "" && isScalar(n) {
		d.errorf(n, "%s must not be empty", what)
	}
	return s
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// id returns an identifier, reporting one that breaks the id pattern.
func (d *decoder) id(n node, what string) string {
	s := d.str(n, what)
	switch {
	case !isScalar(n):
	case s == "":
		d.errorf(n, "%s must not be empty", what)
	case !idPattern.MatchString(s):
		msg := fmt.Sprintf("%s %q is not a valid id: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters", what, s)
		if hint := idHint(s); hint != "" {
			msg += fmt.Sprintf(" (e.g. %q)", hint)
		}
		d.errorf(n, "%s", msg)
	}
	return s
}

// idHint turns text into the id it was probably meant to be: "Raj Patel"
// into "raj-patel", or "" when that gives no valid id.
func idHint(s string) string {
	hint := strings.Trim(strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, s), "-._")
	if !idPattern.MatchString(hint) {
		return ""
	}
	return hint
}

// num returns a finite number. Quoted numbers are refused: in a model a
// number is written as one.
func (d *decoder) num(n node, what string) (float64, bool) {
	if !isScalar(n) || (n.Tag != "!!int" && n.Tag != "!!float") {
		return d.notNumber(n, what)
	}
	var f float64
	var err error
	if n.Tag == "!!int" {
		var i int64
		i, err = strconv.ParseInt(n.Value, 0, 64)
		f = float64(i)
	} else {
		f, err = strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		d.errorf(n, "%s must be a finite number, not %s", what, n.Value)
		return 0, false
	}
	return f, true
}

// notNumber reports n where a number was expected, showing the number a
// quoted or comma-separated figure would be.
func (d *decoder) notNumber(n node, what string) (float64, bool) {
	msg := fmt.Sprintf("%s must be a number, not %s", what, kindOf(n))
	if isScalar(n) {
		plain := strings.ReplaceAll(strings.ReplaceAll(n.Value, ",", ""), "_", "")
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			msg = fmt.Sprintf("%s must be a plain number without quotes or separators, e.g. %s", what, plain)
		}
	}
	d.errorf(n, "%s", msg)
	return 0, false
}

// positive returns a number > 0 (or >= 0 when zeroOK).
func (d *decoder) positive(n node, what string, zeroOK bool) (float64, bool) {
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
func (d *decoder) integer(n node, what string, lo, hi int) (int, bool) {
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

func (d *decoder) boolean(n node, what string) bool {
	if isScalar(n) && n.Tag == "!!bool" {
		b, err := strconv.ParseBool(n.Value)
		if err == nil {
			return b
		}
	}
	d.errorf(n, "%s must be true or false, not %s", what, kindOf(n))
	return false
}

// oneOf returns a string that must be one of the allowed values.
func (d *decoder) oneOf(n node, what string, allowed ...string) string {
	s := d.str(n, what)
	if !isScalar(n) {
		return ""
	}
	if !slices.Contains(allowed, s) {
		d.errorf(n, "%s %q is not one of %s%s", what, s, strings.Join(allowed, ", "), DidYouMean(s, allowed))
		return ""
	}
	return s
}
