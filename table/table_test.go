package table

import (
	"slices"
	"strings"
	"testing"

	"github.com/antares-governance/antares"
)

var columns = []string{"id", "domain", "title", "owner"}

func TestParseHeader(t *testing.T) {
	cases := []struct {
		name  string
		cells []string
		want  []string // "column: message part", in order
	}{
		{"valid, any order, trailing empties", []string{"\ufeffTitle", " ID ", "domain", "", ""}, nil},
		{"unknown with a suggestion", []string{"id", "domian"}, []string{`domian: unknown column "domian" (did you mean "domain"?)`, `domain: missing column "domain"`}},
		{"named twice", []string{"id", "domain", "ID"}, []string{`id: column "id" is named twice`}},
		{"unnamed column", []string{"id", "", "domain"}, []string{`: column 2 has no name`}},
		{"missing required", []string{"title"}, []string{`id: missing column "id"`, `domain: missing column "domain"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, errs := ParseHeader("r.csv", Row{Line: 3, Cells: c.cells}, columns, columns[:2])
			var got []string
			for _, e := range errs {
				if e.File != "r.csv" || e.Line != 3 {
					t.Errorf("error %v not at r.csv:3", e)
				}
				got = append(got, e.Column+": "+e.Message)
			}
			if len(got) != len(c.want) {
				t.Fatalf("errors %q, want %q", got, c.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("error %q, want it to start %q", got[i], c.want[i])
				}
			}
			if c.want == nil && (!h.Has("title") || h.Width() != 3) {
				t.Errorf("header has title %v, width %d", h.Has("title"), h.Width())
			}
		})
	}
}

func TestCellsAndOverflow(t *testing.T) {
	h, errs := ParseHeader("r.csv", Row{Line: 1, Cells: []string{"id", "domain", "title"}}, columns, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	short := Row{Line: 2, Cells: []string{" R-1 "}}
	if h.Cell(short, "id") != "R-1" || h.Cell(short, "title") != "" || h.Cell(short, "owner") != "" {
		t.Errorf("cells of a short row: %q %q", h.Cell(short, "id"), h.Cell(short, "title"))
	}
	if e := h.Overflow("r.csv", Row{Line: 4, Cells: []string{"a", "b", "c", " ", ""}}); e != nil {
		t.Errorf("empty cells past the header are no problem, got %v", e)
	}
	e := h.Overflow("r.csv", Row{Line: 5, Cells: []string{"a", "b", "c", "d"}})
	if e == nil || e.Error() != "r.csv:5: the row has 4 cells but the header names 3 columns: is a comma missing quotes?" {
		t.Errorf("overflow = %v", e)
	}
}

func TestReadCSV(t *testing.T) {
	rows, bad, err := ReadCSV("r.csv", strings.NewReader("id,title\nR-1,\"two\nlines\"\n\nR-2,x\n\"R-3,broken\n"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{1, 2, 5}) {
		t.Errorf("rows start on lines %v, want 1, 2, 5 (a quoted line break spans two lines)", lines)
	}
	if bad == nil || bad.Line != 6 || !strings.Contains(bad.Message, "quote a cell") {
		t.Errorf("quoting error = %v, want one at line 6 saying how to quote", bad)
	}
}

func TestErrors(t *testing.T) {
	es := Errors{{File: "f", Line: 4, Message: "b"}, {File: "f", Line: 2, Column: "id", Message: "a"}, {File: "f", Line: 4, Message: "c"}}
	es.Sort()
	if got := es.Error(); got != "f:2: id: a\nf:4: b\nf:4: c" {
		t.Errorf("sorted errors read %q", got)
	}
	if antares.ErrorCode(es) != antares.EINVALID {
		t.Errorf("code %q, want invalid", antares.ErrorCode(es))
	}
}
