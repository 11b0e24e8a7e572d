package ledger

import (
	"strings"
	"testing"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

func northwind(t *testing.T) *authority.Index {
	t.Helper()
	m, err := governance.Load("../examples/northwind")
	if err != nil {
		t.Fatal(err)
	}
	return authority.Compile(m)
}

func TestJudge(t *testing.T) {
	x := northwind(t)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	x, err := x.WithDelegations([]authority.Delegation{{ID: "D-1", Delegator: "raj.patel", Delegate: "lena.fischer",
		Decisions: []string{"risk-acceptance"}, Until: at.AddDate(0, 1, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	num := func(v float64) *float64 { return &v }
	year := at.Add(365 * 24 * time.Hour) // risk-acceptance is valid_for 365d
	tests := []struct {
		name       string
		d          Decision
		authorized bool
		role       string
		auth       Authority
		consulted  string
		note       string
		kind       string
		validUntil time.Time
	}{
		{"holder", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "raj.patel"},
			true, "ciso", Authority{Tier: 2, Accountable: "ciso"}, "cfo:maria.chen", "", KindDecision, year},
		{"not entitled", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "samuel.adeyemi"},
			false, "", Authority{Tier: 2, Accountable: "ciso"}, "cfo:maria.chen", "may not decide", KindDecision, year},
		{"separation of duties", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "raj.patel", RequestedBy: "raj.patel"},
			false, "", Authority{Tier: 2, Accountable: "ciso"}, "cfo:maria.chen", "separation of duties", KindDecision, year},
		{"escalated", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "daniel.harper", Escalations: 1},
			true, "ceo", Authority{Tier: 2, Accountable: "ciso", Escalations: 1}, "cfo:maria.chen", "", KindDecision, year},
		{"superior without escalation", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "daniel.harper"},
			false, "", Authority{Tier: 2, Accountable: "ciso"}, "cfo:maria.chen", "escalates", KindDecision, year},
		{"delegated", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(120000), By: "lena.fischer"},
			true, "ciso", Authority{Tier: 2, Accountable: "ciso", Delegation: "D-1"}, "cfo:maria.chen", "", KindDecision, year},
		{"given valid_until", Decision{Decision: "risk-acceptance", Domain: "identity", Measure: num(100), By: "lena.fischer", ValidUntil: ptr(at.AddDate(0, 3, 0))},
			true, "grc-manager", Authority{Tier: 1, Accountable: "grc-manager"}, "ciso:raj.patel", "", KindDecision, at.AddDate(0, 3, 0)},
		{"review", Decision{Decision: ReviewDecision, Domain: "identity", By: "raj.patel", Rationale: "MFA at 99.2%"},
			true, "ciso", Authority{}, "", "", KindReview, time.Time{}},
		{"review by the owner", Decision{Decision: ReviewDecision, Domain: "identity", By: "hana.suzuki"},
			false, "", Authority{}, "", "does not hold ciso", KindReview, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.At = at
			e, v, err := Judge(x, tt.d)
			if err != nil {
				t.Fatal(err)
			}
			var consulted []string
			for _, c := range e.Consulted {
				consulted = append(consulted, c.Role+":"+strings.Join(c.People, ","))
			}
			if e.Authorized != tt.authorized || e.Role != tt.role || e.Authority != tt.auth || strings.Join(consulted, ";") != tt.consulted ||
				e.Kind != tt.kind || !strings.Contains(e.Note, tt.note) || (tt.note == "") != (e.Note == "") {
				t.Errorf("Judge = authorized %v role %q authority %+v consulted %q kind %s note %q",
					e.Authorized, e.Role, e.Authority, consulted, e.Kind, e.Note)
			}
			if tt.kind == KindDecision && (v.Allowed != tt.authorized) {
				t.Errorf("verdict allowed %v, entry authorized %v", v.Allowed, e.Authorized)
			}
			if got, want := e.ValidUntil, tt.validUntil; (got == nil) != want.IsZero() || got != nil && !got.Equal(want) {
				t.Errorf("valid_until = %v, want %v", got, want)
			}
			if e.ModelDigest != x.Model().Digest() || e.Check() != nil {
				t.Errorf("entry digest %q, Check %v", e.ModelDigest, e.Check())
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestJudgeErrors(t *testing.T) {
	x := northwind(t)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    Decision
		want string
	}{
		{Decision{Decision: "risk-acceptance", Domain: "identity", By: "raj.patel"}, "sized by exposure"},
		{Decision{Decision: "risk-acceptanse", Domain: "identity", By: "raj.patel"}, "unknown decision"},
		{Decision{Decision: "policy-exception", Domain: "identity", By: "nobody", Measure: ptr(1.0)}, "unknown person"},
		{Decision{Decision: "policy-exception", Domain: "identity", By: "raj.patel", Measure: ptr(1.0), Trigger: "whim"}, "trigger"},
		{Decision{Decision: ReviewDecision, Domain: "nowhere", By: "raj.patel"}, "unknown domain"},
		{Decision{Decision: ReviewDecision, Domain: "identity", By: "nobody"}, "unknown person"},
	} {
		tt.d.At = at
		_, _, err := Judge(x, tt.d)
		if err == nil || !strings.Contains(err.Error(), tt.want) || antares.ErrorCode(err) != antares.EINVALID {
			t.Errorf("Judge(%+v) = %v, want an invalid-input error about %q", tt.d, err, tt.want)
		}
	}
}

func TestDelegate(t *testing.T) {
	x := northwind(t)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	ok := authority.Delegation{Delegator: "raj.patel", Delegate: "lena.fischer", Decisions: []string{"risk-acceptance"},
		Domains: []string{"identity"}, Until: at.AddDate(0, 1, 0)}
	e, err := Delegate(x, ok, at, "on leave")
	if err != nil || e.Kind != KindDelegation || e.DecidedBy != "raj.patel" || e.Grant.Delegate != "lena.fischer" || !e.Authorized || e.Check() != nil {
		t.Fatalf("Delegate = %+v, %v", e, err)
	}
	back, err := Decode(e.Encode())
	if err != nil || back.Grant == nil || !back.Grant.Until.Equal(ok.Until) {
		t.Fatalf("a delegation entry does not round-trip: %v", err)
	}
	for _, tt := range []struct {
		edit func(*authority.Delegation)
		code string
		msg  string
	}{
		{func(d *authority.Delegation) { d.Delegator = "samuel.adeyemi" }, antares.EFORBIDDEN, "no accountable role for risk-acceptance"},
		{func(d *authority.Delegation) { d.Decisions = []string{"nope"} }, antares.EINVALID, "nope"},
		{func(d *authority.Delegation) { d.Delegate = "ghost" }, antares.EINVALID, "ghost"},
		{func(d *authority.Delegation) { d.Until = at.Add(-time.Hour) }, antares.EINVALID, "before it is recorded"},
	} {
		d := ok
		tt.edit(&d)
		_, err := Delegate(x, d, at, "")
		if antares.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Delegate(%+v) = %v, want %s %q", d, err, tt.code, tt.msg)
		}
	}
}

func TestReview(t *testing.T) {
	x := northwind(t)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	e, err := Review(x, "identity", "raj.patel", at, "two orphaned accounts", map[string]float64{"mfa-coverage": 99.4, "orphaned-accounts": 2})
	if err != nil || e.Kind != KindReview || e.Role != "ciso" || len(e.Measurements) != 2 {
		t.Fatalf("Review = %+v, %v", e, err)
	}
	if m := e.Measurements[0]; m.Outcome != "mfa-coverage" || !*m.Met {
		t.Errorf("mfa-coverage: %+v", m)
	}
	if m := e.Measurements[1]; m.Outcome != "orphaned-accounts" || *m.Met {
		t.Errorf("orphaned-accounts: %+v", m)
	}
	if _, err := Review(x, "identity", "hana.suzuki", at, "", nil); antares.ErrorCode(err) != antares.EFORBIDDEN || !strings.Contains(err.Error(), "may review it: Raj Patel (raj.patel)") {
		t.Errorf("review by the owner: %v", err)
	}
	if _, err := Review(x, "identity", "raj.patel", at, "", map[string]float64{"mfa": 1}); antares.ErrorCode(err) != antares.EINVALID || !strings.Contains(err.Error(), "no outcome \"mfa\"") {
		t.Errorf("unknown outcome: %v", err)
	}
}
