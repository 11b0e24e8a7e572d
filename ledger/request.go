package ledger

import (
	"time"

	"github.com/antares-governance/antares/authority"
)

// Request asks for a decision. It is routed to the people accountable for
// its tier, is due by its deadline (the decision type's SLA after it was
// opened), escalates one step up reports_to per missed deadline, and is
// closed by the ledger entry that decides it.
type Request struct {
	ID          int64
	Decision    string
	Domain      string
	Subject     string
	Measure     *float64
	RequestedBy string // a person id; "antares" for requests Antares opens itself
	Opened      time.Time
	// Deadline is when the request escalates next; zero when the decision
	// type has no SLA.
	Deadline    time.Time
	Escalations int
	// DecidedIn is the entry that closed the request; 0 while it is open.
	DecidedIn int64
	// Renews is the lapsed entry whose decision the request asks to make
	// again; 0 for a request someone opened.
	Renews int64
}

// Open reports whether the request still waits for its decision.
func (r *Request) Open() bool { return r.DecidedIn == 0 }

// Step is one escalation a sweep makes: request Request moves to step
// Step, to role To, with a new deadline, and Entry records it in the
// ledger.
type Step struct {
	Request  int64
	Step     int
	To       string
	At       time.Time
	Deadline time.Time
	Entry    *Entry
}

// Overdue returns the escalations due at now for the open requests: one
// step up the escalation path per missed deadline, until the top of the
// path. A request whose authority cannot be resolved any more (the model
// changed) does not escalate.
func Overdue(x *authority.Index, requests []*Request, now time.Time) []Step {
	var out []Step
	for _, r := range requests {
		if !r.Open() || r.Deadline.IsZero() {
			continue
		}
		var measure float64
		if r.Measure != nil {
			measure = *r.Measure
		}
		res, err := x.Resolve(r.Decision, r.Domain, measure)
		if err != nil {
			continue
		}
		sla := res.Decision.SLA.Duration
		deadline := r.Deadline
		for step := r.Escalations + 1; step <= len(res.Escalation) && !now.Before(deadline); step++ {
			to := res.Escalation[step-1].Role.ID
			e := &Entry{Time: now, Kind: KindEscalation, Decision: r.Decision, Domain: r.Domain, Subject: r.Subject,
				Measure: r.Measure, DecidedBy: Sweeper, Role: to, Request: r.ID, ModelDigest: x.Model().Digest(), Authorized: true,
				Authority: Authority{Tier: res.Tier.Index, Escalations: step},
				Rationale: "the request was not decided by its deadline, " + deadline.UTC().Format(time.RFC3339)}
			if res.Accountable.Role != nil {
				e.Authority.Accountable = res.Accountable.Role.ID
			}
			deadline = deadline.Add(sla)
			out = append(out, Step{Request: r.ID, Step: step, To: to, At: now, Deadline: deadline, Entry: e})
		}
	}
	return out
}

// Lapsed returns the decisions of entries (in ledger order) whose
// valid_until has passed at now and that no later decision of the same
// type, in the same domain and on the same subject, has made again.
func Lapsed(entries []*Entry, now time.Time) []*Entry {
	type key struct{ decision, domain, subject string }
	latest := map[key]*Entry{}
	for _, e := range entries {
		if e.Kind == KindDecision {
			latest[key{e.Decision, e.Domain, e.Subject}] = e
		}
	}
	var out []*Entry
	for _, e := range entries {
		if e.Kind == KindDecision && e.ValidUntil != nil && !now.Before(*e.ValidUntil) && latest[key{e.Decision, e.Domain, e.Subject}] == e {
			out = append(out, e)
		}
	}
	return out
}
