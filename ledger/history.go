package ledger

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/table"
)

// HistoryRow is one row of a decision-history CSV (see docs/model.md,
// "Decision history, CSV"): a decision made before Antares recorded them.
type HistoryRow struct {
	Line        int
	DecidedAt   time.Time
	Decision    string
	Domain      string
	DecidedBy   string // a person id or email, as written
	Measure     *float64
	Outcome     string
	Trigger     string
	Subject     string
	RequestedAt *time.Time
	RequestedBy string
	ValidUntil  *time.Time
	ID          string
}

// historyColumns are the columns of a decision-history CSV; the first four
// are required.
var historyColumns = []string{"decided_at", "decision", "domain", "decided_by",
	"measure", "outcome", "trigger", "subject", "requested_at", "requested_by", "valid_until", "id"}

// ParseHistory reads a decision-history CSV with a header row, columns in
// any order. It reads every row and reports every problem, each with its
// line and column, in one *HistoryErrors; it returns the rows it could read
// either way.
func ParseHistory(name string, r io.Reader) ([]HistoryRow, error) {
	var errs table.Errors
	fail := func(line int, col, format string, args ...any) {
		errs = append(errs, table.Error{File: name, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	records, bad, err := table.ReadCSV(name, r)
	if err != nil {
		return nil, err
	}
	for len(records) > 0 && records[0].Blank() {
		records = records[1:]
	}
	if len(records) == 0 {
		fail(1, "", "the file is empty: it needs a header row naming the columns (%s)", strings.Join(historyColumns, ", "))
		return nil, errs
	}
	header, herrs := table.ParseHeader(name, records[0], historyColumns, historyColumns[:4])
	if herrs != nil {
		return nil, herrs
	}
	if bad != nil {
		errs = append(errs, *bad)
	}
	var rows []HistoryRow
	for _, rec := range records[1:] {
		if rec.Blank() {
			continue
		}
		if over := header.Overflow(name, rec); over != nil {
			errs = append(errs, *over)
			continue
		}
		line := rec.Line
		get := func(c string) string { return header.Cell(rec, c) }
		row := HistoryRow{Line: line, Decision: get("decision"), Domain: get("domain"), DecidedBy: get("decided_by"),
			Outcome: get("outcome"), Trigger: strings.ToLower(get("trigger")), Subject: get("subject"),
			RequestedBy: get("requested_by"), ID: get("id")}
		for _, c := range historyColumns[:4] {
			if get(c) == "" {
				fail(line, c, "required, but empty")
			}
		}
		when := func(c string) *time.Time {
			v := get(c)
			if v == "" {
				return nil
			}
			t, err := parseWhen(v)
			if err != nil {
				fail(line, c, "%q is not a time: write an RFC 3339 time (2026-03-01T14:30:00Z) or a date (2026-03-01)", v)
				return nil
			}
			return &t
		}
		if t := when("decided_at"); t != nil {
			row.DecidedAt = *t
		}
		row.RequestedAt, row.ValidUntil = when("requested_at"), when("valid_until")
		if row.RequestedAt != nil && !row.DecidedAt.IsZero() && row.RequestedAt.After(row.DecidedAt) {
			fail(line, "requested_at", "%s is after decided_at", get("requested_at"))
		}
		if v := get("measure"); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				fail(line, "measure", "%q is not a number", v)
			} else {
				row.Measure = &f
			}
		}
		if row.Trigger != "" && !slices.Contains(Triggers, row.Trigger) {
			fail(line, "trigger", "%q is not one of %s", get("trigger"), strings.Join(Triggers, ", "))
		}
		if n := len(errs); n == 0 || errs[n-1].Line != line {
			rows = append(rows, row)
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return rows, errs
	}
	return rows, nil
}

// ImportHistory reads a decision-history CSV and judges every row (see
// JudgeHistory). It returns the entries to append, or every problem of the
// file, whether a row could not be read or names what the model does not
// know, by line.
func ImportHistory(x *authority.Index, name string, r io.Reader) ([]*Entry, error) {
	rows, perr := ParseHistory(name, r)
	entries, jerr := JudgeHistory(x, name, rows)
	if perr == nil {
		return entries, jerr
	}
	errs, ok := perr.(table.Errors)
	if !ok {
		return nil, perr
	}
	if jerrs, ok := jerr.(table.Errors); ok {
		errs = append(errs, jerrs...)
		errs.Sort()
	}
	return nil, errs
}

// parseWhen reads an RFC 3339 time or a date (midnight UTC).
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// JudgeHistory checks each row against the authority of its date and
// returns the entries that record them, authorized or not. When
// requested_at is given and the decision came after one or more of its
// type's SLA periods, the request counts as escalated one step up
// reports_to per full period. A row naming a decision type, domain or
// person the model does not know is an error; every such row is reported,
// and then no entry is returned.
func JudgeHistory(x *authority.Index, name string, rows []HistoryRow) ([]*Entry, error) {
	m := x.Model()
	var errs table.Errors
	var out []*Entry
	for _, row := range rows {
		bad := false
		person := func(col, v string) string {
			if v == "" {
				return ""
			}
			if p := m.Person(v); p != nil {
				return p.ID
			}
			if p := m.PersonByEmail(v); p != nil && strings.Contains(v, "@") {
				return p.ID
			}
			errs = append(errs, table.Error{File: name, Line: row.Line, Column: col, Message: fmt.Sprintf("%q is neither the id nor the email of a person in the model", v)})
			bad = true
			return ""
		}
		by, requester := person("decided_by", row.DecidedBy), person("requested_by", row.RequestedBy)
		d := Decision{Decision: row.Decision, Domain: row.Domain, Subject: row.Subject, Measure: row.Measure,
			Outcome: row.Outcome, By: by, At: row.DecidedAt, Trigger: row.Trigger, ValidUntil: row.ValidUntil,
			RequestedBy: requester, Source: source(name, row)}
		if dt := m.Decision(row.Decision); dt != nil && row.RequestedAt != nil && !dt.SLA.IsZero() {
			d.Escalations = int(row.DecidedAt.Sub(*row.RequestedAt) / dt.SLA.Duration)
		}
		if bad {
			continue
		}
		e, _, err := Judge(x, d)
		if err != nil {
			errs = append(errs, table.Error{File: name, Line: row.Line, Column: columnOf(err, m, row), Message: antares.ErrorMessage(err)})
			continue
		}
		out = append(out, e)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// columnOf names the column a Judge error is about.
func columnOf(err error, m *governance.Model, row HistoryRow) string {
	switch {
	case row.Decision != ReviewDecision && m.Decision(row.Decision) == nil:
		return "decision"
	case m.Domain(row.Domain) == nil:
		return "domain"
	case strings.Contains(err.Error(), "measure"):
		return "measure"
	}
	return ""
}

func source(name string, row HistoryRow) string {
	s := fmt.Sprintf("%s:%d", filepath.Base(name), row.Line)
	if row.ID != "" {
		s += " id " + row.ID
	}
	return s
}
