package ledger

import (
	"slices"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

// ReviewDecision is the decision column value that marks a periodic review
// of a domain's outcomes in imported history.
const ReviewDecision = "review"

// Decision is a decision as someone records it: what was decided, by whom,
// when and why, and about which request.
type Decision struct {
	Decision string // a decision type id, or ReviewDecision
	Domain   string
	Subject  string
	Measure  *float64
	Outcome  string
	By       string // a person id
	At       time.Time
	Trigger  string
	// Rationale says why; for a review, what it found.
	Rationale  string
	ValidUntil *time.Time
	// Request is the id of the request the decision answers.
	Request int64
	// RequestedBy is who asked for the decision, for separation of duties.
	RequestedBy string
	// Escalations is how many steps up reports_to the request escalated.
	Escalations int
	// Source says where imported history came from.
	Source string
}

// Judge checks d against the authority index x at d.At and returns the
// entry that records it. The entry's Authorized says whether d.By held the
// authority; when not, its Note says why and the verdict names who may
// decide instead. Unknown ids and a measured decision without a measure
// are antares.EINVALID errors. A review (decision ReviewDecision) is
// authorized for holders of the domain's reviewing role.
func Judge(x *authority.Index, d Decision) (*Entry, authority.Verdict, error) {
	m := x.Model()
	e := &Entry{
		Time: d.At, Kind: KindDecision, Decision: d.Decision, Domain: d.Domain, Subject: d.Subject,
		Measure: d.Measure, Outcome: d.Outcome, DecidedBy: d.By, Trigger: d.Trigger, Rationale: d.Rationale,
		ValidUntil: d.ValidUntil, Request: d.Request, ModelDigest: m.Digest(), Source: d.Source,
	}
	if d.Trigger != "" && !slices.Contains(Triggers, d.Trigger) {
		return nil, authority.Verdict{}, antares.Errorf(antares.EINVALID, "trigger %q: use one of planned, incident, audit, regulator, customer, other", d.Trigger)
	}
	if d.Decision == ReviewDecision {
		return review(m, e)
	}
	dt := m.Decision(d.Decision)
	if dt != nil && dt.Measured() && d.Measure == nil {
		return nil, authority.Verdict{}, antares.Errorf(antares.EINVALID, "%s is sized by %s: give the measure, since who may decide depends on it", dt.ID, dt.Measure)
	}
	var measure float64
	if d.Measure != nil {
		measure = *d.Measure
	}
	v, err := x.Authorize(authority.Request{
		Person: d.By, Decision: d.Decision, Domain: d.Domain, Measure: measure,
		RequestedBy: d.RequestedBy, Escalations: d.Escalations, At: d.At,
	})
	if err != nil {
		return nil, v, err
	}
	if e.ValidUntil == nil && !dt.ValidFor.IsZero() {
		until := d.At.Add(dt.ValidFor.Duration)
		e.ValidUntil = &until
	}
	e.Authorized = v.Allowed
	if res := v.Resolution; res != nil {
		e.Authority.Tier = res.Tier.Index
		if res.Accountable.Role != nil {
			e.Authority.Accountable = res.Accountable.Role.ID
		}
		for _, c := range res.Consulted {
			con := Consulted{Role: c.Role.ID, People: []string{}}
			for _, p := range c.Holders {
				con.People = append(con.People, p.ID)
			}
			e.Consulted = append(e.Consulted, con)
		}
	}
	if v.Allowed {
		e.Role = v.Role.ID
		e.Authority.Escalations = v.Escalations()
		if v.Delegation != nil {
			e.Authority.Delegation = v.Delegation.ID
			if e.Authority.Delegation == "" {
				e.Authority.Delegation = "from " + v.Delegation.Delegator
			}
		}
	} else {
		e.Note = v.Message()
	}
	return e, v, nil
}

// review judges a periodic review: its reviewer is the domain's review
// role, and a review has no tier.
func review(m *governance.Model, e *Entry) (*Entry, authority.Verdict, error) {
	e.Kind, e.Decision = KindReview, ""
	dom := m.Domain(e.Domain)
	if dom == nil {
		return nil, authority.Verdict{}, antares.Errorf(antares.EINVALID, "unknown domain %q", e.Domain)
	}
	p := m.Person(e.DecidedBy)
	if p == nil {
		return nil, authority.Verdict{}, antares.Errorf(antares.EINVALID, "unknown person %q", e.DecidedBy)
	}
	switch {
	case dom.Review == nil:
		e.Note = "the domain " + dom.ID + " has no review in the model"
	case !slices.Contains(m.Holders(dom.Review.By), p):
		e.Note = p.ID + " does not hold " + dom.Review.By + ", which reviews " + dom.ID
	default:
		e.Authorized, e.Role = true, dom.Review.By
	}
	return e, authority.Verdict{}, nil
}
