// Package table reads tables with a header row, the form in which risk
// registers and decision histories leave spreadsheets and ticket systems:
// the rows of a CSV file or of a workbook's sheet, columns found by name in
// any order, and every problem reported with its file, line and column, so
// that an importer can refuse a bad file whole while listing all that is
// wrong with it.
package table

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// Error is one problem of a table: the line (a spreadsheet's row number),
// the column's header name when one column is at fault, and what is wrong.
type Error struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error returns "file:line: column: message".
func (e Error) Error() string {
	s := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.Column != "" {
		s += e.Column + ": "
	}
	return s + e.Message
}

// Errors is every problem of a table, in line order. It is an
// antares.EINVALID error: a table that cannot be read is bad input.
type Errors []Error

// Error returns one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ErrorCode returns antares.EINVALID.
func (es Errors) ErrorCode() string { return antares.EINVALID }

// Sort orders the problems by line, keeping the order of those on one line.
func (es Errors) Sort() {
	slices.SortStableFunc(es, func(a, b Error) int { return cmp.Compare(a.Line, b.Line) })
}

// Row is one row of a table and the line it starts on.
type Row struct {
	Line  int
	Cells []string
}

// Blank reports whether every cell of the row is empty, as spreadsheets
// export rows that were only formatted.
func (r Row) Blank() bool {
	return !slices.ContainsFunc(r.Cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// ReadCSV reads the rows of a CSV file, each with the line it starts on.
// CSV cannot resynchronize after bad quoting, so a quoting error ends the
// reading: it comes back as an Error at its line, with the rows before it.
// Any other failure to read is returned as err.
func ReadCSV(file string, r io.Reader) (rows []Row, bad *Error, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil, nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			return rows, &Error{File: file, Line: pe.Line, Message: fmt.Sprintf(
				"%v at character %d; quote a cell that holds commas, quotes or line breaks, and double the quotes inside it", pe.Err, pe.Column)}, nil
		}
		if err != nil {
			return rows, nil, antares.Errorf(antares.EINVALID, "%s: %v", file, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, Row{Line: line, Cells: rec})
	}
}

// Header finds the cells of a row by column name.
type Header struct {
	Line  int
	width int
	index map[string]int // column name -> cell index
}

// ParseHeader reads the header row h against the columns a table may
// have. Names are trimmed and lower-cased, and a byte-order mark is
// dropped; empty cells at the end, as spreadsheets export them, name no
// column. A column without a name, an unknown column (with the closest
// known one), a column named twice and a required column missing are
// problems, all reported.
func ParseHeader(file string, h Row, columns, required []string) (*Header, Errors) {
	var errs Errors
	fail := func(column, format string, args ...any) {
		errs = append(errs, Error{File: file, Line: h.Line, Column: column, Message: fmt.Sprintf(format, args...)})
	}
	names := make([]string, len(h.Cells))
	for i, c := range h.Cells {
		names[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
	}
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	hd := &Header{Line: h.Line, width: len(names), index: map[string]int{}}
	for i, name := range names {
		switch _, seen := hd.index[name]; {
		case name == "":
			fail("", "column %d has no name: name every column of the header row (%s)", i+1, strings.Join(columns, ", "))
		case !slices.Contains(columns, name):
			fail(name, "unknown column %q%s; the columns are %s", strings.TrimSpace(h.Cells[i]), governance.DidYouMean(name, columns), strings.Join(columns, ", "))
		case seen:
			fail(name, "column %q is named twice in the header", name)
		default:
			hd.index[name] = i
		}
	}
	for _, c := range required {
		if _, ok := hd.index[c]; !ok {
			fail(c, "missing column %q: the header must name %s", c, strings.Join(required, ", "))
		}
	}
	return hd, errs
}

// Width returns the number of columns the header names.
func (h *Header) Width() int { return h.width }

// Has reports whether the header names column.
func (h *Header) Has(column string) bool {
	_, ok := h.index[column]
	return ok
}

// Cell returns the trimmed cell of r in column, or "" when the header does
// not name it or the row is short.
func (h *Header) Cell(r Row, column string) string {
	i, ok := h.index[column]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

// Overflow returns the problem of a row with cells beyond the header's
// columns that are not empty (most often a comma in an unquoted cell), or
// nil. A shorter row is not a problem: its missing cells are empty, as
// spreadsheets export them.
func (h *Header) Overflow(file string, r Row) *Error {
	for i := h.width; i < len(r.Cells); i++ {
		if strings.TrimSpace(r.Cells[i]) != "" {
			return &Error{File: file, Line: r.Line, Message: fmt.Sprintf(
				"the row has %d cells but the header names %d columns: is a comma missing quotes?", len(r.Cells), h.width)}
		}
	}
	return nil
}
