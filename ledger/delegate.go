package ledger

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

// Delegate checks a delegation and returns the entry that records it. The
// delegation must name what the model knows, and at the time at the
// delegator must hold the accountable role of a tier of every decision
// delegated, in a domain delegated: a delegation passes on the delegator's
// own authority, nothing more. Problems with the delegation are
// antares.EINVALID; a delegator without authority is antares.EFORBIDDEN.
func Delegate(x *authority.Index, d authority.Delegation, at time.Time, rationale string) (*Entry, error) {
	if _, err := x.WithDelegations([]authority.Delegation{d}); err != nil {
		return nil, err
	}
	if !d.Until.After(at) {
		return nil, antares.Errorf(antares.EINVALID, "the delegation would end at %s, before it is recorded", d.Until.Format(time.RFC3339))
	}
	m := x.Model()
	var lacking []string
	for _, id := range d.Decisions {
		if !holdsTier(m, d.Delegator, m.Decision(id), d.Domains) {
			lacking = append(lacking, id)
		}
	}
	if lacking != nil {
		return nil, antares.Errorf(antares.EFORBIDDEN, "%s holds no accountable role for %s%s, so has nothing of it to delegate",
			d.Delegator, strings.Join(lacking, ", "), inDomains(d.Domains))
	}
	return &Entry{Time: at, Kind: KindDelegation, DecidedBy: d.Delegator, Rationale: rationale,
		ModelDigest: m.Digest(), Authorized: true, Grant: &d}, nil
}

// holdsTier reports whether person holds the accountable role of some tier
// of decision d in one of domains (every domain of d when domains is empty).
func holdsTier(m *governance.Model, person string, d *governance.Decision, domains []string) bool {
	p := m.Person(person)
	for _, dom := range m.DecisionDomains(d) {
		if len(domains) > 0 && !slices.Contains(domains, dom.ID) {
			continue
		}
		for _, t := range m.Ladder(d, dom.ID) {
			if slices.Contains(m.Holders(m.AccountableRole(t, dom.ID)), p) {
				return true
			}
		}
	}
	return false
}

func inDomains(domains []string) string {
	if len(domains) == 0 {
		return ""
	}
	return " in " + strings.Join(domains, ", ")
}

// Review records a periodic review of domain's outcomes by person at the
// time at: what was found (note) and the measured value of outcomes. Only
// a holder of the domain's review role may review it (antares.EFORBIDDEN
// otherwise, naming who may); an outcome the domain does not have is
// antares.EINVALID.
func Review(x *authority.Index, domain, person string, at time.Time, note string, values map[string]float64) (*Entry, error) {
	e, _, err := Judge(x, Decision{Decision: ReviewDecision, Domain: domain, By: person, At: at, Rationale: note})
	if err != nil {
		return nil, err
	}
	m := x.Model()
	dom := m.Domain(domain)
	if !e.Authorized {
		msg := e.Note
		if dom.Review != nil {
			var names []string
			for _, p := range m.Holders(dom.Review.By) {
				names = append(names, fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID))
			}
			if names != nil {
				msg += "; may review it: " + strings.Join(names, ", ")
			}
		}
		return nil, antares.Errorf(antares.EFORBIDDEN, "refused: %s", msg)
	}
	ids := make([]string, 0, len(dom.Outcomes))
	for _, o := range dom.Outcomes {
		ids = append(ids, o.ID)
	}
	for _, o := range dom.Outcomes {
		v, ok := values[o.ID]
		if !ok {
			continue
		}
		mm := Measurement{Outcome: o.ID, Value: v}
		if o.Target != nil {
			met := o.Target.Met(v)
			mm.Met = &met
		}
		e.Measurements = append(e.Measurements, mm)
	}
	for id := range values {
		if !slices.Contains(ids, id) {
			return nil, antares.Errorf(antares.EINVALID, "domain %s has no outcome %q; its outcomes are %s", domain, id, strings.Join(ids, ", "))
		}
	}
	return e, nil
}
