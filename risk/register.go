package risk

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/table"
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

// ReadCSV reads a risk register in CSV with a header row (see Columns),
// checking every row against m: domains and owner roles must exist in it
// (a nil m has none).
// A file with any bad row yields no risks and an Errors listing every
// problem. name is the file name the errors give.
func ReadCSV(name string, r io.Reader, m *governance.Model) ([]*governance.Risk, error) {
	rows, bad, err := table.ReadCSV(name, r)
	if err != nil {
		return nil, err
	}
	p := parser{file: name, m: m}
	if bad != nil {
		// Report the quoting error with the problems of the rows before it.
		p.errs = append(p.errs, *bad)
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
	rows := make([]table.Row, len(cells))
	for i, c := range cells {
		rows[i] = table.Row{Line: i + 1, Cells: c}
	}
	p := parser{file: name, m: m}
	return p.parse(rows)
}

// maxXLSXUnzipped bounds the unzipped size of a workbook ReadXLSX opens, so
// that a small malicious file cannot fill memory and disk.
const maxXLSXUnzipped = 256 << 20

// parser turns rows into risks, collecting every problem.
type parser struct {
	file   string
	m      *governance.Model
	errs   table.Errors
	header *table.Header
}

func (p *parser) errorf(line int, column, format string, args ...any) {
	p.errs = append(p.errs, table.Error{File: p.file, Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) parse(rows []table.Row) ([]*governance.Risk, error) {
	if p.m == nil {
		p.m = &governance.Model{}
	}
	for len(rows) > 0 && rows[0].Blank() {
		rows = rows[1:]
	}
	if len(rows) == 0 {
		p.errorf(1, "", "no header row: the first row names the columns, e.g. %s", strings.Join(Columns, ","))
		return p.result(nil)
	}
	header, errs := table.ParseHeader(p.file, rows[0], Columns, requiredColumns)
	if errs != nil {
		p.errs = append(p.errs, errs...)
		return p.result(nil)
	}
	p.header = header
	var risks []*governance.Risk
	first := map[string]int{} // risk id -> line it was first given on
	for _, r := range rows[1:] {
		if r.Blank() {
			continue
		}
		risk := p.risk(r)
		if risk == nil {
			continue
		}
		if line, dup := first[risk.ID]; dup {
			p.errorf(r.Line, "id", "duplicate risk id %q, first given on line %d", risk.ID, line)
			continue
		}
		first[risk.ID] = r.Line
		risks = append(risks, risk)
	}
	return p.result(risks)
}

// result returns the risks read, or none and every problem in line order.
func (p *parser) result(risks []*governance.Risk) ([]*governance.Risk, error) {
	if len(p.errs) == 0 {
		return risks, nil
	}
	p.errs.Sort()
	return nil, p.errs
}

// cells reads the named cells of one row.
type cells struct {
	p *parser
	r table.Row
}

// get returns the trimmed cell of column, "" when the column is absent.
func (c cells) get(column string) string { return c.p.header.Cell(c.r, column) }

func (c cells) errorf(column, format string, args ...any) {
	c.p.errorf(c.r.Line, column, format, args...)
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
func (p *parser) risk(r table.Row) *governance.Risk {
	c := cells{p: p, r: r}
	before := len(p.errs)
	if bad := p.header.Overflow(p.file, r); bad != nil {
		p.errs = append(p.errs, *bad)
		return nil
	}
	risk := &governance.Risk{
		ID:       c.get("id"),
		Title:    c.get("title"),
		Domain:   c.get("domain"),
		Category: c.get("category"),
		Owner:    c.get("owner"),
		Status:   strings.ToLower(c.get("status")),
		Pos:      governance.Pos{File: p.file, Line: r.Line, Column: 1},
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
