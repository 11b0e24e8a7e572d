package ledger

import (
	"testing"
	"time"
)

func TestOverdue(t *testing.T) {
	x := northwind(t)
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	m := 120000.0
	open := func(id int64, esc int, deadline time.Time) *Request {
		return &Request{ID: id, Decision: "risk-acceptance", Domain: "identity", Measure: &m, RequestedBy: "lena.fischer",
			Opened: t0, Deadline: deadline, Escalations: esc}
	}
	decided := open(4, 0, t0)
	decided.DecidedIn = 9
	noSLA := open(5, 0, time.Time{})
	unknown := open(6, 0, t0)
	unknown.Domain = "gone"
	now := t0.Add(25 * day)
	// risk-acceptance: sla 10d; ciso escalates to ceo, then board.
	got := Overdue(x, []*Request{
		open(1, 0, t0.Add(10*day)), // two deadlines missed: ceo, then board
		open(2, 0, t0.Add(30*day)), // not due
		open(3, 2, t0.Add(10*day)), // already at the top
		decided, noSLA, unknown,
	}, now)
	want := []Step{
		{Request: 1, Step: 1, To: "ceo", At: now, Deadline: t0.Add(20 * day)},
		{Request: 1, Step: 2, To: "board", At: now, Deadline: t0.Add(30 * day)},
	}
	if len(got) != len(want) {
		t.Fatalf("Overdue = %+v, want %+v", got, want)
	}
	for i := range want {
		e := got[i].Entry
		got[i].Entry = nil
		if got[i] != want[i] {
			t.Errorf("step %d = %+v, want %+v", i, got[i], want[i])
		}
		if e == nil || e.Kind != KindEscalation || e.Request != 1 || e.Role != want[i].To || e.Authority.Escalations != want[i].Step ||
			e.Authority.Tier != 2 || e.Authority.Accountable != "ciso" || e.DecidedBy != Sweeper || e.Check() != nil {
			t.Errorf("step %d records %+v (Check: %v)", i, e, e.Check())
		}
	}
}

func TestLapsed(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	until := func(d int) *time.Time { v := t0.AddDate(0, 0, d); return &v }
	e := func(seq int64, subject string, valid *time.Time) *Entry {
		return &Entry{Seq: seq, Kind: KindDecision, Decision: "risk-acceptance", Domain: "identity", Subject: subject, ValidUntil: valid}
	}
	review := &Entry{Seq: 9, Kind: KindReview, Domain: "identity", ValidUntil: until(-1)}
	entries := []*Entry{
		e(1, "risk:R-1", until(-5)), // lapsed, renewed by 3
		e(2, "risk:R-2", until(-1)), // lapsed
		e(3, "risk:R-1", until(30)), // still valid
		e(4, "risk:R-4", nil),       // never lapses
		e(5, "risk:R-5", until(0)),  // lapses at t0 exactly
		review,
	}
	got := Lapsed(entries, t0)
	if len(got) != 2 || got[0].Seq != 2 || got[1].Seq != 5 {
		t.Fatalf("Lapsed = %v, want entries 2 and 5", got)
	}
}
