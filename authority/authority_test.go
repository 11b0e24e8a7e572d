package authority

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

func loadIndex(t testing.TB) *Index {
	t.Helper()
	m, err := governance.Load("testdata/model.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return Compile(m)
}

func ids(ps []*governance.Person) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return strings.Join(out, ",")
}

func roleIDs(ps []Party) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Role.ID)
	}
	return strings.Join(out, ",")
}

func TestResolve(t *testing.T) {
	x := loadIndex(t)
	tests := []struct {
		decision, domain string
		measure          float64
		level            int
		accountable      string // role id, "" for nobody
		holders          string
		consulted        string
		informed         string
		escalation       string
	}{
		{"risk-acceptance", "identity", 0, 1, "security-manager", "sam.okafor", "ciso", "", "ciso,ceo,board"},
		{"risk-acceptance", "identity", 50000, 1, "security-manager", "sam.okafor", "ciso", "", "ciso,ceo,board"},
		{"risk-acceptance", "identity", 50000.01, 2, "ciso", "raj.patel", "cfo", "ceo", "ceo,board"},
		{"risk-acceptance", "identity", 500000, 2, "ciso", "raj.patel", "cfo", "ceo", "ceo,board"},
		{"risk-acceptance", "network", 1e12, 3, "ceo", "olivia.grant", "ciso,cfo", "risk-committee", "board"},
		{"risk-acceptance", "identity", -5, 1, "security-manager", "sam.okafor", "ciso", "", "ciso,ceo,board"},
		// Named tiers replace the general ones in their domain.
		{"risk-acceptance", "vendor", 100000, 1, "procurement-director", "kim.lee", "", "", "cfo,ceo,board"},
		{"risk-acceptance", "vendor", 100001, 2, "risk-committee", "maria.chen", "", "", "board"},
		// @owner resolves per domain; a body acts through its chair.
		{"access-exception", "identity", 3, 1, "iam-lead", "ana.costa,ben.ito", "", "", "security-manager,ciso,ceo,board"},
		{"access-exception", "identity", 4, 2, "ciso", "raj.patel", "", "", "ceo,board"},
		{"policy-exception", "identity", 0, 1, "iam-lead", "ana.costa,ben.ito", "", "ciso", "security-manager,ciso,ceo,board"},
		// Measures mean nothing to a decision without one.
		{"alert-disposition", "security-operations", 1e9, 1, "security-manager", "sam.okafor", "soc-analyst", "", "ciso,ceo,board"},
		// An @owner tier in a domain without an owner: a tier nobody holds.
		{"alert-disposition", "network", 0, 1, "", "", "soc-analyst", "", ""},
	}
	for _, tt := range tests {
		r, err := x.Resolve(tt.decision, tt.domain, tt.measure)
		if err != nil {
			t.Errorf("Resolve(%s, %s, %v): %v", tt.decision, tt.domain, tt.measure, err)
			continue
		}
		acc := ""
		if r.Accountable.Role != nil {
			acc = r.Accountable.Role.ID
		}
		got := []string{acc, ids(r.Accountable.Holders), roleIDs(r.Consulted), roleIDs(r.Informed), roleIDs(r.Escalation)}
		want := []string{tt.accountable, tt.holders, tt.consulted, tt.informed, tt.escalation}
		if strings.Join(got, "|") != strings.Join(want, "|") || r.Level != tt.level {
			t.Errorf("Resolve(%s, %s, %v) = level %d %q, want level %d %q", tt.decision, tt.domain, tt.measure, r.Level, got, tt.level, want)
		}
		if r.Decision.ID != tt.decision || r.Domain.ID != tt.domain {
			t.Errorf("Resolve(%s, %s) names %s, %s", tt.decision, tt.domain, r.Decision.ID, r.Domain.ID)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	x := loadIndex(t)
	tests := []struct {
		decision, domain string
		measure          float64
		code             string
		msg              string
	}{
		{"policy-exception", "network", 0, antares.ENOTFOUND, "policy-exception has no ladder for domain network"},
		{"access-exception", "vendor", 1, antares.ENOTFOUND, "access-exception is not made in domain vendor"},
		{"access-exception", "identity", 5.5, antares.ENOTFOUND, "access-exception has no authority above 5 in domain identity"},
		{"risk-aceptance", "identity", 0, antares.EINVALID, `unknown decision "risk-aceptance" (did you mean "risk-acceptance"?)`},
		{"risk-acceptance", "identiy", 0, antares.EINVALID, `unknown domain "identiy" (did you mean "identity"?)`},
		{"risk-acceptance", "identity", math.NaN(), antares.EINVALID, "the measure is not a number"},
	}
	for _, tt := range tests {
		r, err := x.Resolve(tt.decision, tt.domain, tt.measure)
		if err == nil {
			t.Errorf("Resolve(%s, %s, %v) = tier %d, want an error", tt.decision, tt.domain, tt.measure, r.Level)
			continue
		}
		if antares.ErrorCode(err) != tt.code || !strings.HasPrefix(antares.ErrorMessage(err), tt.msg) {
			t.Errorf("Resolve(%s, %s, %v) error = %s %q, want %s %q", tt.decision, tt.domain, tt.measure, antares.ErrorCode(err), err, tt.code, tt.msg)
		}
		var gap *NoAuthorityError
		if errors.As(err, &gap) != (tt.code == antares.ENOTFOUND) {
			t.Errorf("Resolve(%s, %s, %v) error %T: a NoAuthorityError exactly when nobody has authority", tt.decision, tt.domain, tt.measure, err)
		}
	}
}

var (
	now      = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ceiling  = 20000.0
	testDels = []Delegation{
		{ID: "d1", Delegator: "sam.okafor", Delegate: "dev.rao", Decisions: []string{"risk-acceptance", "alert-disposition"},
			Domains: []string{"identity", "security-operations"}, Ceiling: &ceiling, Until: now.Add(24 * time.Hour)},
		// Expired.
		{ID: "d2", Delegator: "raj.patel", Delegate: "dev.rao", Decisions: []string{"risk-acceptance"}, Until: now.Add(-time.Hour)},
		// Not yet in force.
		{ID: "d3", Delegator: "raj.patel", Delegate: "kim.lee", Decisions: []string{"risk-acceptance"}, Since: now.Add(time.Hour), Until: now.Add(48 * time.Hour)},
		// A delegate re-delegating: dev.rao holds no accountable role himself.
		{ID: "d4", Delegator: "dev.rao", Delegate: "li.wei", Decisions: []string{"risk-acceptance"}, Until: now.Add(time.Hour)},
		// From a departed person.
		{ID: "d5", Delegator: "old.hand", Delegate: "li.wei", Decisions: []string{"risk-acceptance"}, Until: now.Add(time.Hour)},
		// In force, every domain.
		{ID: "d6", Delegator: "raj.patel", Delegate: "tom.berg", Decisions: []string{"risk-acceptance"}, Until: now.Add(time.Hour)},
	}
)

func TestAuthorize(t *testing.T) {
	x, err := loadIndex(t).WithDelegations(testDels)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		req     Request
		reason  Reason
		role    string
		instead string
		msg     string
	}{
		{"holder", Request{Person: "sam.okafor", Decision: "risk-acceptance", Domain: "identity", Measure: 10000},
			Holder, "security-manager", "", "Sam Okafor (sam.okafor) may decide: they hold security-manager (Security Manager), accountable for risk-acceptance in identity, tier 1 (up to 50000)."},
		{"superior without escalation", Request{Person: "raj.patel", Decision: "risk-acceptance", Domain: "identity", Measure: 10000},
			NotEntitled, "", "sam.okafor", "Raj Patel (raj.patel) may not decide: risk-acceptance in identity, tier 1 (up to 50000) is decided by security-manager (Security Manager), which they do not hold; a superior decides only once the request escalates, first to ciso (Chief Information Security Officer)."},
		{"escalated once", Request{Person: "raj.patel", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, Escalations: 1},
			Escalated, "ciso", "", "Raj Patel (raj.patel) may decide: the request escalated 1 step to ciso (Chief Information Security Officer), which they hold (security-manager (Security Manager) is accountable for risk-acceptance in identity, tier 1 (up to 50000))."},
		{"accountable holder after escalation", Request{Person: "sam.okafor", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, Escalations: 2},
			Holder, "security-manager", "", ""},
		{"more senior than escalated", Request{Person: "olivia.grant", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, Escalations: 1},
			NotEntitled, "", "sam.okafor,raj.patel", "Olivia Grant (olivia.grant) may not decide: risk-acceptance in identity, tier 1 (up to 50000) is decided by security-manager (Security Manager) or, after 1 step of escalation, ciso (Chief Information Security Officer), which they do not hold."},
		{"escalations beyond the top", Request{Person: "olivia.grant", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, Escalations: 9},
			Escalated, "ceo", "", ""},
		{"body chair", Request{Person: "maria.chen", Decision: "risk-acceptance", Domain: "vendor", Measure: 1e6},
			Holder, "risk-committee", "", ""},
		{"body member not chair", Request{Person: "tom.berg", Decision: "risk-acceptance", Domain: "vendor", Measure: 1e6},
			NotEntitled, "", "maria.chen", ""},
		{"departed", Request{Person: "old.hand", Decision: "risk-acceptance", Domain: "identity", Measure: 10000},
			Departed, "", "sam.okafor", "Old Hand (old.hand) has departed and holds no authority."},
		{"separation of duties", Request{Person: "sam.okafor", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, RequestedBy: "sam.okafor", Escalations: 1},
			SeparationOfDuties, "", "raj.patel", "Sam Okafor (sam.okafor) requested this risk-acceptance, and it requires separation of duties: the requester may not decide it."},
		{"no separation of duties for this type", Request{Person: "ana.costa", Decision: "access-exception", Domain: "identity", Measure: 2, RequestedBy: "ana.costa"},
			Holder, "iam-lead", "", ""},
		{"no authority", Request{Person: "raj.patel", Decision: "policy-exception", Domain: "network"},
			NoAuthority, "", "", "Raj Patel (raj.patel) may not decide: policy-exception has no ladder for domain network."},
		{"vacant owner", Request{Person: "sam.okafor", Decision: "alert-disposition", Domain: "network", Escalations: 3},
			NotEntitled, "", "", "Sam Okafor (sam.okafor) may not decide: the domain network has no owner, so nobody holds alert-disposition in network, tier 1."},
		{"delegated", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 20000, At: now},
			Delegated, "security-manager", "", "Dev Rao (dev.rao) may decide: Sam Okafor (sam.okafor) delegated it to them until 2026-06-02T12:00:00Z; Sam Okafor (sam.okafor) remains accountable as holder of security-manager (Security Manager), accountable for risk-acceptance in identity, tier 1 (up to 50000)."},
		{"delegation above its ceiling", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 20001, At: now},
			NotEntitled, "", "sam.okafor", ""},
		{"delegation outside its domains", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "network", Measure: 100, At: now},
			NotEntitled, "", "sam.okafor", ""},
		{"delegation of another tier", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100, At: now, Escalations: 1},
			Delegated, "security-manager", "", ""},
		{"delegation without a time", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100},
			NotEntitled, "", "sam.okafor", ""},
		{"expired delegation", Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now},
			NotEntitled, "", "raj.patel,tom.berg", ""},
		{"delegation not yet in force", Request{Person: "kim.lee", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now},
			NotEntitled, "", "raj.patel,tom.berg", ""},
		{"delegation in force at its start", Request{Person: "kim.lee", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now.Add(time.Hour)},
			Delegated, "ciso", "", ""},
		{"delegation ends at until", Request{Person: "tom.berg", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now.Add(time.Hour)},
			NotEntitled, "", "raj.patel,kim.lee", ""},
		{"re-delegation grants nothing", Request{Person: "li.wei", Decision: "risk-acceptance", Domain: "identity", Measure: 10, At: now},
			NotEntitled, "", "sam.okafor,dev.rao", ""},
		{"delegation only for the delegator's tier", Request{Person: "tom.berg", Decision: "risk-acceptance", Domain: "identity", Measure: 10, At: now},
			NotEntitled, "", "sam.okafor,dev.rao", ""},
		{"delegation from the requester", Request{Person: "tom.berg", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now, RequestedBy: "raj.patel"},
			NotEntitled, "", "", ""},
		{"delegate requesting", Request{Person: "tom.berg", Decision: "risk-acceptance", Domain: "identity", Measure: 100000, At: now, RequestedBy: "tom.berg"},
			SeparationOfDuties, "", "raj.patel", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := x.Authorize(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if v.Reason != tt.reason || v.Allowed != (tt.reason <= Delegated) {
				t.Errorf("Authorize = %v (allowed %v), want %v; %s", v.Reason, v.Allowed, tt.reason, v.Message())
			}
			role := ""
			if v.Role != nil {
				role = v.Role.ID
			}
			if role != tt.role {
				t.Errorf("role = %q, want %q", role, tt.role)
			}
			if got := ids(v.Instead()); !v.Allowed && got != tt.instead {
				t.Errorf("Instead() = %q, want %q", got, tt.instead)
			}
			if tt.msg != "" && v.Message() != tt.msg {
				t.Errorf("Message() =\n%s\nwant\n%s", v.Message(), tt.msg)
			}
			if (v.Reason == Delegated) != (v.OnBehalfOf() != nil) {
				t.Errorf("OnBehalfOf() = %v for reason %v", v.OnBehalfOf(), v.Reason)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	x := loadIndex(t)
	tests := []struct {
		req Request
		msg string
	}{
		{Request{Person: "raj.patl", Decision: "risk-acceptance", Domain: "identity"}, `unknown person "raj.patl" (did you mean "raj.patel"?)`},
		{Request{Person: "raj.patel", Decision: "nope", Domain: "identity"}, `unknown decision "nope"`},
		{Request{Person: "raj.patel", Decision: "risk-acceptance", Domain: "identity", Escalations: -1}, "escalations is -1: give how many steps the request has escalated, 0 or more"},
	}
	for _, tt := range tests {
		_, err := x.Authorize(tt.req)
		if antares.ErrorCode(err) != antares.EINVALID || antares.ErrorMessage(err) != tt.msg {
			t.Errorf("Authorize(%+v) error = %v, want invalid %q", tt.req, err, tt.msg)
		}
	}
}

func TestWithDelegationsErrors(t *testing.T) {
	x := loadIndex(t)
	nan := math.NaN()
	_, err := x.WithDelegations([]Delegation{
		{Delegator: "raj.patl", Delegate: "dev.rao", Decisions: []string{"risk-acceptance"}, Until: now},
		{ID: "self", Delegator: "raj.patel", Delegate: "raj.patel", Decisions: []string{"risk-acceptanc"}, Domains: []string{"mars"}, Ceiling: &nan},
		{Delegator: "raj.patel", Delegate: "dev.rao", Since: now, Until: now},
		{ID: "x\npermit (principal, action, resource);", Delegator: "raj.patel", Delegate: "dev.rao", Decisions: []string{"risk-acceptance"}, Until: now},
	})
	want := `delegation 1: unknown delegator "raj.patl" (did you mean "raj.patel"?)
delegation "self": raj.patel delegates to themselves: name another person as delegate
delegation "self": unknown decision "risk-acceptanc" (did you mean "risk-acceptance"?)
delegation "self": unknown domain "mars"
delegation "self": the ceiling is not a number: give the highest measure delegated, or none
delegation "self": no until: a delegation must end; give the time it expires
delegation 3: no decisions: list the decision types delegated
delegation 3: since 2026-06-01T12:00:00Z is not before until 2026-06-01T12:00:00Z
delegation "x\npermit (principal, action, resource);": the id may hold only letters, digits, '.', '_', ':' and '-', at most 128 of them`
	if antares.ErrorCode(err) != antares.EINVALID || antares.ErrorMessage(err) != want {
		t.Errorf("WithDelegations error =\n%v\nwant\n%s", err, want)
	}
	// The original index is untouched by a successful call.
	y, err := x.WithDelegations(testDels[:1])
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 1, At: now}
	if v, _ := x.Authorize(req); v.Allowed {
		t.Error("the index without delegations allows a delegate")
	}
	if v, _ := y.Authorize(req); !v.Allowed || len(y.Delegations()) != 1 || len(x.Delegations()) != 0 {
		t.Errorf("the index with the delegation: allowed %v, %d delegations", v.Allowed, len(y.Delegations()))
	}
}

func TestReasonString(t *testing.T) {
	for r := Holder; r <= NotEntitled; r++ {
		b, _ := r.MarshalText()
		if r.String() == "" || strings.HasPrefix(r.String(), "reason(") || string(b) != r.String() {
			t.Errorf("Reason %d has no name", r)
		}
	}
	if Reason(0).String() != "reason(0)" {
		t.Errorf("Reason(0) = %s", Reason(0))
	}
}

// TestZeroAllocations proves the hot path allocates nothing once compiled:
// Resolve, including the not-found answer, and Authorize, including
// delegations and refusals.
func TestZeroAllocations(t *testing.T) {
	x, err := loadIndex(t).WithDelegations(testDels)
	if err != nil {
		t.Fatal(err)
	}
	resolves := []struct {
		decision, domain string
		measure          float64
	}{{"risk-acceptance", "identity", 100000}, {"policy-exception", "network", 0}, {"access-exception", "identity", 9}}
	for _, q := range resolves {
		if n := testing.AllocsPerRun(200, func() { _, _ = x.Resolve(q.decision, q.domain, q.measure) }); n != 0 {
			t.Errorf("Resolve(%s, %s, %v) allocates %v times", q.decision, q.domain, q.measure, n)
		}
	}
	reqs := []Request{
		{Person: "sam.okafor", Decision: "risk-acceptance", Domain: "identity", Measure: 10000},
		{Person: "olivia.grant", Decision: "risk-acceptance", Domain: "identity", Measure: 10000, Escalations: 2},
		{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100, At: now},
		{Person: "li.wei", Decision: "risk-acceptance", Domain: "identity", Measure: 100, At: now},
		{Person: "sam.okafor", Decision: "risk-acceptance", Domain: "identity", Measure: 100, RequestedBy: "sam.okafor"},
		{Person: "raj.patel", Decision: "policy-exception", Domain: "network"},
	}
	for _, r := range reqs {
		if n := testing.AllocsPerRun(200, func() { _, _ = x.Authorize(r) }); n != 0 {
			t.Errorf("Authorize(%+v) allocates %v times", r, n)
		}
	}
}

// TestConcurrent runs Resolve and Authorize from many goroutines; run it
// with -race.
func TestConcurrent(t *testing.T) {
	x, err := loadIndex(t).WithDelegations(testDels)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := x.Authorize(Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100, At: now})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				v, err := x.Authorize(Request{Person: "dev.rao", Decision: "risk-acceptance", Domain: "identity", Measure: 100, At: now})
				if err != nil || v.Reason != want.Reason {
					t.Errorf("concurrent Authorize = %v, %v", v.Reason, err)
					return
				}
				if r, err := x.Resolve("risk-acceptance", "vendor", 1e6); err != nil || r.Accountable.Role.ID != "risk-committee" {
					t.Errorf("concurrent Resolve = %v, %v", r, err)
					return
				}
				_ = v.Message()
				_ = v.Instead()
			}
		})
	}
	wg.Wait()
}

// FuzzAuthorize checks that any request gets a verdict or an invalid-input
// error, never a panic, and that a verdict's messages can be written.
func FuzzAuthorize(f *testing.F) {
	f.Add("dev.rao", "risk-acceptance", "identity", 20000.0, "sam.okafor", 0, now.UnixMilli())
	f.Add("olivia.grant", "access-exception", "identity", 9.0, "", 7, int64(0))
	f.Add("old.hand", "alert-disposition", "network", -1.0, "old.hand", -1, int64(-1))
	f.Add("x", "y", "z", math.Inf(1), "", 1<<40, int64(1)<<50)
	x, err := loadIndex(f).WithDelegations(testDels)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, person, decision, domain string, measure float64, requester string, escalations int, at int64) {
		v, err := x.Authorize(Request{Person: person, Decision: decision, Domain: domain, Measure: measure,
			RequestedBy: requester, Escalations: escalations, At: time.UnixMilli(at)})
		if err != nil {
			if antares.ErrorCode(err) != antares.EINVALID {
				t.Fatalf("error %v is not invalid input", err)
			}
			return
		}
		if v.Message() == "" || v.Allowed != (v.Reason <= Delegated) {
			t.Fatalf("verdict %v allowed %v with message %q", v.Reason, v.Allowed, v.Message())
		}
		for _, p := range v.Instead() {
			if p.ID == person || !p.Active() {
				t.Fatalf("Instead names %s", p.ID)
			}
		}
	})
}
