package risk

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// Columns are the columns of a risk register file, in the order the model
// format lists them. A file names them in a header row, in any order; id,
// domain and category are required.
var Columns = []string{
	"id", "title", "domain", "category", "owner", "status",
	"likelihood", "impact",
	"freq", "freq_min", "freq_likely", "freq_max",
	"loss_min", "loss_likely", "loss_max", "loss_p5", "loss_p95",
}

var requiredColumns = []string{"id", "domain", "category"}

// RowError is one problem of a register file: the line (the row of a
// spreadsheet), the column's header name when one column is at fault, and
// what is wrong.
type RowError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// Error returns "file:line: column: message".
func (e RowError) Error() string {
	s := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.Column != "" {
		s += e.Column + ": "
	}
	return s + e.Message
}

// Errors is every problem of a register file, in line order. It is an
// antares.EINVALID error.
type Errors []RowError

// Error returns one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ErrorCode returns antares.EINVALID: a register that cannot be read is bad
// input.
func (es Errors) ErrorCode() string { return antares.EINVALID }

// ReadCSV reads a risk register in CSV with a header row (see Columns),
// checking every row against m: domains and owner roles must exist in it
// (a nil m has none).
// A file with any bad row yields no risks and an Errors listing every
// problem. name is the file name the errors give.
func ReadCSV(name string, r io.Reader, m *governance.Model) ([]*governance.Risk, error) {
	p := parser{file: name, m: m}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			// The reader cannot resynchronize after bad quoting: report it
			// with the problems of the rows before it.
			p.errorf(pe.Line, "", "%v at character %d; quote a cell that holds commas, quotes or line breaks, and double the quotes inside it", pe.Err, pe.Column)
			break
		}
		if err != nil {
			return nil, antares.Errorf(antares.EINVALID, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{line: line, cells: rec})
	}
	return p.parse(rows)
}

// ReadXLSX reads a risk register from the first sheet of an XLSX workbook,
// as ReadCSV reads a CSV file: the first non-empty row is the header, and
// lines are the sheet's row numbers. Cells are read as stored, not as
// displayed, so number formats (currency, thousands separators) do not
// matter.
func ReadXLSX(name string, r io.Reader, m *governance.Model) (risks []*governance.Risk, err error) {
	// A damaged workbook must not bring the program down, whatever the
	// library makes of it.
	defer func() {
		if v := recover(); v != nil {
			risks, err = nil, antares.Errorf(antares.EINVALID, "%s: the workbook is damaged and cannot be read (%v)", name, v)
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxXLSXUnzipped})
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "%s: not an XLSX workbook: %v", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, antares.Errorf(antares.EINVALID, "%s: the workbook has no sheet", name)
	}
	cells, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "%s: sheet %q cannot be read: %v", name, sheets[0], err)
	}
	rows := make([]row, len(cells))
	for i, c := range cells {
		rows[i] = row{line: i + 1, cells: c}
	}
	p := parser{file: name, m: m}
	return p.parse(rows)
}

// maxXLSXUnzipped bounds the unzipped size of a workbook ReadXLSX opens, so
// that a small malicious file cannot fill memory and disk.
const maxXLSXUnzipped = 256 << 20

// row is one record of a register file and the line it starts on.
type row struct {
	line  int
	cells []string
}

// blank reports whether every cell of the row is empty, as spreadsheets
// export rows that were only formatted.
func (r row) blank() bool {
	return !slices.ContainsFunc(r.cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// parser turns rows into risks, collecting every problem.
type parser struct {
	file  string
	m     *governance.Model
	errs  Errors
	width int            // the header's cells
	index map[string]int // column name -> cell index
}

func (p *parser) errorf(line int, column, format string, args ...any) {
	p.errs = append(p.errs, RowError{File: p.file, Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(rows []row) ([]*governance.Risk, error) {
	if p.m == nil {
		p.m = &governance.Model{}
	}
	for len(rows) > 0 && rows[0].blank() {
		rows = rows[1:]
	}
	if len(rows) == 0 {
		p.errorf(1, "", "no header row: the first row names the columns, e.g. %s", strings.Join(Columns, ","))
		return p.result(nil)
	}
	before := len(p.errs)
	p.header(rows[0])
	if len(p.errs) > before {
		return p.result(nil)
	}
	var risks []*governance.Risk
	first := map[string]int{} // risk id -> line it was first given on
	for _, r := range rows[1:] {
		if r.blank() {
			continue
		}
		risk := p.risk(r)
		if risk == nil {
			continue
		}
		if line, dup := first[risk.ID]; dup {
			p.errorf(r.line, "id", "duplicate risk id %q, first given on line %d", risk.ID, line)
			continue
		}
		first[risk.ID] = r.line
		risks = append(risks, risk)
	}
	return p.result(risks)
}

// result returns the risks read, or none and every problem in line order.
func (p *parser) result(risks []*governance.Risk) ([]*governance.Risk, error) {
	if len(p.errs) == 0 {
		return risks, nil
	}
	slices.SortStableFunc(p.errs, func(a, b RowError) int { return a.Line - b.Line })
	return nil, p.errs
}

// header reads the header row. Empty cells at its end, as spreadsheets
// export them, name no column.
func (p *parser) header(h row) {
	p.index = map[string]int{}
	names := make([]string, len(h.cells))
	for i, c := range h.cells {
		names[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
	}
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	p.width = len(names)
	for i, name := range names {
		c := h.cells[i]
		switch _, seen := p.index[name]; {
		case name == "":
			p.errorf(h.line, "", "column %d has no name: name every column of the header row (%s)", i+1, strings.Join(Columns, ", "))
		case !slices.Contains(Columns, name):
			p.errorf(h.line, name, "unknown column %q%s; the columns are %s", c, governance.DidYouMean(name, Columns), strings.Join(Columns, ", "))
		case seen:
			p.errorf(h.line, name, "column %q is named twice in the header", name)
		default:
			p.index[name] = i
		}
	}
	for _, c := range requiredColumns {
		if _, ok := p.index[c]; !ok {
			p.errorf(h.line, c, "missing column %q: the header must name %s", c, strings.Join(requiredColumns, ", "))
		}
	}
}

// cells reads the named cells of one row.
type cells struct {
	p *parser
	r row
}

// get returns the trimmed cell of column, "" when the column is absent.
func (c cells) get(column string) string {
	i, ok := c.p.index[column]
	if !ok || i >= len(c.r.cells) {
		return ""
	}
	return strings.TrimSpace(c.r.cells[i])
}

func (c cells) errorf(column, format string, args ...any) {
	c.p.errorf(c.r.line, column, format, args...)
}

// figures reads the estimate columns of the row. It reports cells that are
// not numbers, and false when there are any.
func (c cells) figures() (Figures, bool) {
	f := Figures{}
	good := true
	for _, col := range EstimateColumns {
		if s := c.get(col); s != "" {
			v, ok := c.number(col, s)
			f[col], good = v, good && ok
		}
	}
	return f, good
}

// number parses cell s of column.
func (c cells) number(column, s string) (float64, bool) {
	f, ok := plainNumber(s)
	if !ok {
		hint := ""
		if plain := strings.Trim(strings.NewReplacer(",", "", "_", "", " ", "").Replace(s), "$€£"); plain != s {
			if _, ok := plainNumber(plain); ok {
				hint = ", e.g. " + plain
			}
		}
		c.errorf(column, "%q is not a number: write a plain number without separators or currency%s", s, hint)
	}
	return f, ok
}

// plainNumber parses a decimal number, such as 250000, 0.05 or 2.5e6; not
// hexadecimal, infinite or NaN.
func plainNumber(s string) (float64, bool) {
	if strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789.eE+-", r) }) >= 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// risk reads one row, or returns nil after reporting what is wrong with it.
func (p *parser) risk(r row) *governance.Risk {
	c := cells{p: p, r: r}
	before := len(p.errs)
	for i := p.width; i < len(r.cells); i++ {
		if strings.TrimSpace(r.cells[i]) != "" {
			c.errorf("", "the row has %d cells but the header names %d columns: is a comma missing quotes?", len(r.cells), p.width)
			return nil
		}
	}
	risk := &governance.Risk{
		ID:       c.get("id"),
		Title:    c.get("title"),
		Domain:   c.get("domain"),
		Category: c.get("category"),
		Owner:    c.get("owner"),
		Status:   strings.ToLower(c.get("status")),
		Pos:      governance.Pos{File: p.file, Line: r.line, Column: 1},
	}
	switch {
	case risk.ID == "":
		c.errorf("id", "every risk needs an id, e.g. R-12")
	case !governance.ValidRiskID(risk.ID):
		c.errorf("id", "risk id %q must not contain spaces, e.g. %s", risk.ID, strings.Join(strings.Fields(risk.ID), "-"))
	}
	switch {
	case risk.Domain == "":
		c.errorf("domain", "every risk needs a domain, the id of one of the model's domains")
	case p.m.Domain(risk.Domain) == nil:
		c.errorf("domain", "unknown domain %q%s", risk.Domain, governance.DidYouMean(risk.Domain, ids(p.m.Domains, func(d *governance.Domain) string { return d.ID })))
	}
	if risk.Owner != "" && p.m.Role(risk.Owner) == nil {
		c.errorf("owner", "unknown role %q%s", risk.Owner, governance.DidYouMean(risk.Owner, ids(p.m.Roles, func(r *governance.Role) string { return r.ID })))
	}
	switch {
	case risk.Category == "":
		c.errorf("category", "every risk needs a category, such as a category of the model's appetite (%s)", strings.Join(ids(p.m.Appetite, func(a *governance.Appetite) string { return a.Category }), ", "))
	case !governance.ValidID(risk.Category):
		c.errorf("category", "category %q is not a valid id: use lower-case letters, digits, '.', '_' and '-'%s", risk.Category, governance.DidYouMean(risk.Category, ids(p.m.Appetite, func(a *governance.Appetite) string { return a.Category })))
	}
	if risk.Status == "" {
		risk.Status = governance.RiskOpen
	} else if !slices.Contains(governance.RiskStatuses, risk.Status) {
		c.errorf("status", "status %q is not one of %s%s", risk.Status, strings.Join(governance.RiskStatuses, ", "), governance.DidYouMean(risk.Status, governance.RiskStatuses))
	}
	if figures, ok := c.figures(); ok {
		e, err := figures.Estimate()
		if es, bad := errors.AsType[FieldErrors](err); bad {
			for _, fe := range es {
				c.errorf(fe.Column, "%s", fe.Message)
			}
		}
		risk.Estimate = e
	}
	if len(p.errs) > before {
		return nil
	}
	return risk
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
