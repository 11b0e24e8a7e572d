package ledger

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/antares-governance/antares/table"
)

const goodHistory = "\ufeffdecided_at,decision,domain,decided_by,measure,outcome,trigger,subject,requested_at,requested_by,valid_until,id\n" +
	"2026-01-10,risk-acceptance,identity,raj.patel,120000,accept,planned,risk:R-12,,,2027-01-10,JIRA-1\n" +
	"2026-01-11T10:00:00Z,risk-acceptance,identity,samuel.adeyemi@northwind-health.example,120000,accept,incident,risk:R-13,,,,\n" +
	// Requested 25 days before: two 10d SLA periods passed, so the request
	// escalated ciso -> ceo -> board, and the board's chair may decide.
	"2026-02-05,risk-acceptance,identity,eleanor.whitfield,120000,accept,audit,risk:R-14,2026-01-11,lena.fischer,,\n" +
	// Only one SLA period passed: the board's chair may not decide yet.
	"2026-01-25,risk-acceptance,identity,eleanor.whitfield,120000,accept,audit,risk:R-15,2026-01-11,lena.fischer,,\n" +
	"2026-03-01,review,identity,raj.patel,,,planned,,,,,\n" +
	"2026-03-02,risk-acceptance,identity,raj.patel,120000,accept,,risk:R-16,2026-03-01,raj.patel,,\n"

func TestImportHistory(t *testing.T) {
	x := northwind(t)
	rows, err := ParseHistory("history.csv", strings.NewReader(goodHistory))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := JudgeHistory(x, "/tmp/history.csv", rows)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		by, role   string
		authorized bool
		esc        int
		kind       string
		note       string
	}
	wants := []want{
		{"raj.patel", "ciso", true, 0, KindDecision, ""},
		{"samuel.adeyemi", "", false, 0, KindDecision, "may not decide"},
		{"eleanor.whitfield", "board", true, 2, KindDecision, ""},
		{"eleanor.whitfield", "", false, 0, KindDecision, "may not decide"},
		{"raj.patel", "ciso", true, 0, KindReview, ""},
		{"raj.patel", "", false, 0, KindDecision, "separation of duties"},
	}
	if len(entries) != len(wants) {
		t.Fatalf("%d entries, want %d", len(entries), len(wants))
	}
	for i, w := range wants {
		e := entries[i]
		if e.DecidedBy != w.by || e.Role != w.role || e.Authorized != w.authorized || e.Authority.Escalations != w.esc ||
			e.Kind != w.kind || !strings.Contains(e.Note, w.note) || (w.note == "") != (e.Note == "") {
			t.Errorf("row %d: %+v", i+2, e)
		}
		if err := e.Check(); err != nil {
			t.Errorf("row %d: %v", i+2, err)
		}
	}
	if e := entries[0]; e.Source != "history.csv:2 id JIRA-1" || !e.ValidUntil.Equal(time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)) || e.Trigger != "planned" {
		t.Errorf("row 2: source %q valid_until %v trigger %q", e.Source, e.ValidUntil, e.Trigger)
	}
	if e := entries[1]; !e.Time.Equal(time.Date(2026, 1, 11, 10, 0, 0, 0, time.UTC)) || e.Source != "history.csv:3" {
		t.Errorf("row 3: time %v source %q", e.Time, e.Source)
	}
}

func TestParseHistoryListsEveryBadLine(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string // "line:column:message part"
	}{
		{"empty", "", []string{"1::empty"}},
		{"header", "decided_at,decisoin,domain,extra,domain\n", []string{
			"1:decisoin:did you mean \"decision\"", "1:extra:unknown column", "1:domain:named twice",
			"1:decision:missing column", "1:decided_by:missing column"}},
		{"rows", "decision,domain,decided_by,decided_at,measure,trigger,requested_at\n" +
			"risk-acceptance,identity,raj.patel,2026-01-10,12x,planned,\n" +
			"risk-acceptance,,raj.patel,yesterday,1,whim,\n" +
			"risk-acceptance,identity,raj.patel,2026-01-10,1,planned,2026-02-01\n" +
			"risk-acceptance,identity\n" +
			"\"risk-acceptance,identity,raj.patel,2026-01-10,1,,\n",
			[]string{"2:measure:\"12x\" is not a number", "3:domain:required, but empty", "3:decided_at:\"yesterday\" is not a time",
				"3:trigger:\"whim\" is not one of", "4:requested_at:after decided_at", "5:decided_at:required, but empty", "5:decided_by:required, but empty",
				"6::extraneous or missing \" in quoted-field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHistory("h.csv", strings.NewReader(tt.csv))
			var he table.Errors
			if !errors.As(err, &he) {
				t.Fatalf("ParseHistory = %v, want table.Errors", err)
			}
			if len(he) != len(tt.want) {
				t.Fatalf("%d errors, want %d:\n%v", len(he), len(tt.want), err)
			}
			for i, w := range tt.want {
				parts := strings.SplitN(w, ":", 3)
				got := he[i]
				if itoa(got.Line) != parts[0] || got.Column != parts[1] || !strings.Contains(got.Message, parts[2]) {
					t.Errorf("error %d = %d:%s:%s, want %s", i, got.Line, got.Column, got.Message, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "h.csv:") {
				t.Errorf("message %v does not name the file", err)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestJudgeHistoryErrors(t *testing.T) {
	x := northwind(t)
	csv := "decided_at,decision,domain,decided_by,measure,requested_by\n" +
		"2026-01-10,risk-acceptanse,identity,raj.patel,1,\n" +
		"2026-01-10,risk-acceptance,identiy,raj.patel,1,\n" +
		"2026-01-10,risk-acceptance,identity,nobody@example.com,1,ghost\n" +
		"2026-01-10,risk-acceptance,identity,raj.patel,,\n" +
		"2026-01-10,risk-acceptance,identity,raj.patel,1,\n"
	rows, err := ParseHistory("h.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	_, err = JudgeHistory(x, "h.csv", rows)
	var he table.Errors
	if !errors.As(err, &he) {
		t.Fatalf("JudgeHistory = %v", err)
	}
	want := []table.Error{
		{Line: 2, Column: "decision", Message: "unknown decision"}, {Line: 3, Column: "domain", Message: "unknown domain"},
		{Line: 4, Column: "decided_by", Message: "nobody@example.com"}, {Line: 4, Column: "requested_by", Message: "ghost"},
		{Line: 5, Column: "measure", Message: "sized by exposure"},
	}
	if len(he) != len(want) {
		t.Fatalf("errors:\n%v", err)
	}
	for i, w := range want {
		if g := he[i]; g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Message, w.Message) {
			t.Errorf("error %d = %+v, want %+v", i, g, w)
		}
	}
}

func FuzzParseHistory(f *testing.F) {
	f.Add(goodHistory)
	f.Add("decided_at,decision,domain,decided_by\n2026-01-01,a,b,c\n")
	f.Add("decided_at,decision,domain,decided_by\n\"2026-01-01,a,b,c\n")
	f.Add("decided_at,decision,domain,decided_by,measure\n2026-01-01,a,b,c,NaN\n,,,,\n")
	f.Add("\ufeffdecided_at;decision\n")
	f.Fuzz(func(t *testing.T, data string) {
		rows, err := ParseHistory("f.csv", strings.NewReader(data))
		if err != nil {
			var he table.Errors
			if !errors.As(err, &he) || len(he) == 0 {
				t.Fatalf("ParseHistory error %v", err)
			}
			for _, r := range rows {
				for _, e := range he {
					if e.Line == r.Line {
						t.Fatalf("line %d returned as read and reported bad: %v", r.Line, e)
					}
				}
			}
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last || r.DecidedAt.IsZero() || r.Decision == "" || r.Domain == "" || r.DecidedBy == "" {
				t.Fatalf("accepted row %+v after line %d", r, last)
			}
			if r.Measure != nil && (*r.Measure != *r.Measure) {
				t.Fatalf("accepted a NaN measure")
			}
			last = r.Line
		}
	})
}

func TestImportHistoryListsEveryProblem(t *testing.T) {
	csv := "decided_at,decision,domain,decided_by,measure\n" +
		"2026-01-10,risk-acceptanse,identity,raj.patel,1\n" +
		"2026-01-10,risk-acceptance,identity,raj.patel,1x\n" +
		"2026-01-10,risk-acceptance,identity,raj.patel,1\n" +
		"2026-01-10,risk-acceptance,identity,ghost,1\n"
	entries, err := ImportHistory(northwind(t), "h.csv", strings.NewReader(csv))
	var he table.Errors
	if !errors.As(err, &he) || entries != nil {
		t.Fatalf("ImportHistory = %d entries, %v", len(entries), err)
	}
	var got []string
	for _, e := range he {
		got = append(got, strconv.Itoa(e.Line)+":"+e.Column)
	}
	if strings.Join(got, " ") != "2:decision 3:measure 5:decided_by" {
		t.Fatalf("problems at %v:\n%v", got, err)
	}
}
