// Package authoritytest probes an authority index: it generates delegations
// and requests that cross every tier boundary, escalation step, delegation
// bound and separation-of-duties case of a model, and evaluates requests
// with cedar-go against the index's Cedar export. The equivalence tests and
// the comparative benchmark (bench/cmd/authority) use it.
package authoritytest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

// Epoch is the time the generated delegations and requests are centred on.
var Epoch = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Delegations returns n random, valid delegations over m's people,
// decisions and domains. Most delegators hold the accountable role of a
// tier of a decision they delegate, so that most delegations grant
// something; some are expired, not yet in force, capped, scoped to
// domains, from departed people or from people who hold nothing to pass
// on (as a delegate re-delegating would).
func Delegations(m *governance.Model, n int, seed uint64) []authority.Delegation {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Who holds which decision's tiers, and where.
	type standing struct {
		person   *governance.Person
		decision *governance.Decision
		domains  []*governance.Domain
	}
	var holders []standing
	for _, d := range m.Decisions {
		for _, dom := range m.DecisionDomains(d) {
			for _, t := range m.Ladder(d, dom.ID) {
				for _, p := range m.Members(m.AccountableRole(t, dom.ID)) {
					holders = append(holders, standing{p, d, []*governance.Domain{dom}})
				}
			}
		}
	}
	out := make([]authority.Delegation, 0, n)
	for i := range n {
		d := authority.Delegation{ID: fmt.Sprintf("g%d", i+1)}
		var domains []*governance.Domain
		if len(holders) > 0 && rng.IntN(5) > 0 {
			h := holders[rng.IntN(len(holders))]
			d.Delegator, d.Decisions, domains = h.person.ID, []string{h.decision.ID}, h.domains
		} else {
			d.Delegator = m.People[rng.IntN(len(m.People))].ID
		}
		for d.Delegate == "" || d.Delegate == d.Delegator {
			d.Delegate = m.People[rng.IntN(len(m.People))].ID
		}
		for range rng.IntN(3) {
			if id := m.Decisions[rng.IntN(len(m.Decisions))].ID; !slices.Contains(d.Decisions, id) {
				d.Decisions = append(d.Decisions, id)
			}
		}
		if len(d.Decisions) == 0 {
			d.Decisions = []string{m.Decisions[rng.IntN(len(m.Decisions))].ID}
		}
		if rng.IntN(2) == 0 {
			for _, dom := range domains {
				d.Domains = append(d.Domains, dom.ID)
			}
			for range rng.IntN(3) {
				if id := m.Domains[rng.IntN(len(m.Domains))].ID; !slices.Contains(d.Domains, id) {
					d.Domains = append(d.Domains, id)
				}
			}
		}
		if rng.IntN(2) == 0 {
			if b := bounds(m, d.Decisions); len(b) > 0 {
				c := b[rng.IntN(len(b))]
				d.Ceiling = &c
			}
		}
		start := Epoch.Add(time.Duration(rng.IntN(96)-72) * time.Hour)
		if rng.IntN(2) == 0 {
			d.Since = start
		}
		d.Until = start.Add(time.Duration(1+rng.IntN(96)) * time.Hour)
		out = append(out, d)
	}
	return out
}

// bounds returns the up_to values of the decisions' tiers, sorted.
func bounds(m *governance.Model, decisions []string) []float64 {
	var out []float64
	for _, id := range decisions {
		for _, t := range m.Decision(id).Authority {
			if t.UpTo != nil {
				out = append(out, *t.UpTo)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Requests returns n random requests against x: every person (departed
// ones too), decision and domain, measures on, just below and just above
// each tier boundary, 0 to 4 escalations, requesters that are the person,
// a delegator or someone else, and times at, just before and just after
// the bounds of x's delegations.
func Requests(x *authority.Index, n int, seed uint64) []authority.Request {
	m := x.Model()
	rng := rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909))
	measures := map[string][]float64{}
	for _, d := range m.Decisions {
		ms := []float64{0, -1, 1e12}
		for _, b := range bounds(m, []string{d.ID}) {
			ms = append(ms, b, b-1, b+1, b-0.0001, b+0.0001)
		}
		measures[d.ID] = ms
	}
	times := []time.Time{Epoch}
	byDelegate := map[string][]authority.Delegation{}
	for _, d := range x.Delegations() {
		byDelegate[d.Delegate] = append(byDelegate[d.Delegate], d)
		for _, t := range []time.Time{d.Since, d.Until} {
			if !t.IsZero() {
				times = append(times, t, t.Add(-time.Millisecond), t.Add(time.Millisecond))
			}
		}
	}
	out := make([]authority.Request, 0, n)
	for range n {
		r := authority.Request{At: times[rng.IntN(len(times))], Escalations: []int{0, 0, 0, 1, 2, 4}[rng.IntN(6)]}
		measure := math.NaN() // NaN: any measure of the decision
		dels := x.Delegations()
		if len(dels) > 0 && rng.IntN(3) == 0 {
			// A delegate asking for what was delegated to them.
			d := dels[rng.IntN(len(dels))]
			r.Person, r.Decision = d.Delegate, d.Decisions[rng.IntN(len(d.Decisions))]
			r.Domain = m.Domains[rng.IntN(len(m.Domains))].ID
			if len(d.Domains) > 0 && rng.IntN(4) > 0 {
				r.Domain = d.Domains[rng.IntN(len(d.Domains))]
			} else if doms := delegatorDomains(x, r.Decision, d.Delegator); len(doms) > 0 && rng.IntN(4) > 0 {
				r.Domain = doms[rng.IntN(len(doms))]
			}
			switch rng.IntN(4) {
			case 0:
				r.At = d.Until.Add(-time.Duration(rng.IntN(3)) * time.Millisecond)
			case 1, 2: // while in force
				r.At = d.Until.Add(-time.Duration(1+rng.IntN(3600_000)) * time.Millisecond)
				if r.At.Before(d.Since) {
					r.At = d.Since
				}
			}
			if m := delegatorMeasure(x, r, d.Delegator); len(m) > 0 && rng.IntN(4) > 0 {
				measure = m[rng.IntN(len(m))]
			}
		} else {
			r.Person = m.People[rng.IntN(len(m.People))].ID
			r.Decision = m.Decisions[rng.IntN(len(m.Decisions))].ID
			r.Domain = m.Domains[rng.IntN(len(m.Domains))].ID
			if res, err := x.Resolve(r.Decision, r.Domain, 0); err == nil && rng.IntN(2) == 0 {
				// Someone who holds a role on the escalation path.
				path := append([]authority.Party{res.Accountable}, res.Escalation...)
				if p := path[rng.IntN(len(path))]; len(p.Holders) > 0 {
					r.Person = p.Holders[rng.IntN(len(p.Holders))].ID
				}
			}
		}
		if ms := measures[r.Decision]; math.IsNaN(measure) {
			measure = ms[rng.IntN(len(ms))]
		}
		// At most 4 digits after the point, as a Cedar decimal holds.
		r.Measure, _ = strconv.ParseFloat(strconv.FormatFloat(measure, 'f', 4, 64), 64)
		switch rng.IntN(4) {
		case 0:
			r.RequestedBy = r.Person
		case 1:
			if ds := byDelegate[r.Person]; len(ds) > 0 {
				r.RequestedBy = ds[rng.IntN(len(ds))].Delegator
			}
		case 2:
			r.RequestedBy = m.People[rng.IntN(len(m.People))].ID
		}
		out = append(out, r)
	}
	return out
}

// delegatorDomains returns the domains where delegator holds a tier of the
// decision's ladder.
func delegatorDomains(x *authority.Index, decision, delegator string) []string {
	var out []string
	for _, dom := range x.Model().Domains {
		if len(delegatorMeasure(x, authority.Request{Decision: decision, Domain: dom.ID}, delegator)) > 0 {
			out = append(out, dom.ID)
		}
	}
	return out
}

// delegatorMeasure returns the measures on the bounds of the tiers of r's
// ladder that delegator holds, where a delegation from them matters.
func delegatorMeasure(x *authority.Index, r authority.Request, delegator string) []float64 {
	tiers, err := x.Ladder(r.Decision, r.Domain)
	if err != nil {
		return nil
	}
	var out []float64
	for _, t := range tiers {
		if !slices.ContainsFunc(t.Accountable.Holders, func(p *governance.Person) bool { return p.ID == delegator }) {
			continue
		}
		if t.Tier.UpTo != nil {
			out = append(out, *t.Tier.UpTo)
		}
		if t.Above != nil {
			out = append(out, *t.Above+1)
		} else {
			out = append(out, 0)
		}
	}
	return out
}

// Cedar is cedar-go loaded with an index's Cedar export.
type Cedar struct {
	policies *cedar.PolicySet
	entities cedar.EntityMap
}

// NewCedar exports x to Cedar and loads the result into cedar-go.
func NewCedar(x *authority.Index) (*Cedar, error) {
	policies, entities, err := authority.ExportCedar(x)
	if err != nil {
		return nil, err
	}
	return LoadCedar(policies, entities)
}

// LoadCedar loads exported Cedar policies and entities into cedar-go.
func LoadCedar(policies, entities []byte) (*Cedar, error) {
	ps, err := cedar.NewPolicySetFromBytes("policies.cedar", policies)
	if err != nil {
		return nil, fmt.Errorf("cedar policies: %w", err)
	}
	var em cedar.EntityMap
	if err := json.Unmarshal(entities, &em); err != nil {
		return nil, fmt.Errorf("cedar entities: %w", err)
	}
	return &Cedar{policies: ps, entities: em}, nil
}

// CedarRequest is r as a request to the Cedar export.
func CedarRequest(r authority.Request) (cedar.Request, error) {
	measure, err := types.ParseDecimal(strconv.FormatFloat(r.Measure, 'f', 4, 64))
	if err != nil {
		return cedar.Request{}, fmt.Errorf("measure %v: %w", r.Measure, err)
	}
	ctx := cedar.RecordMap{
		"measure":     measure,
		"escalations": cedar.Long(r.Escalations),
		"at":          cedar.NewDatetime(r.At),
	}
	if r.RequestedBy != "" {
		ctx["requester"] = cedar.NewEntityUID("Antares::Person", cedar.String(r.RequestedBy))
	}
	return cedar.Request{
		Principal: cedar.NewEntityUID("Antares::Person", cedar.String(r.Person)),
		Action:    cedar.NewEntityUID("Antares::Action", cedar.String(r.Decision)),
		Resource:  cedar.NewEntityUID("Antares::Domain", cedar.String(r.Domain)),
		Context:   cedar.NewRecord(ctx),
	}, nil
}

// Allowed reports whether Cedar permits req, and the first evaluation error
// it met, if any.
func (c *Cedar) Allowed(req cedar.Request) (bool, error) {
	ok, diag := cedar.Authorize(c.policies, c.entities, req)
	if len(diag.Errors) > 0 {
		return bool(ok), fmt.Errorf("cedar: policy %s: %s", diag.Errors[0].PolicyID, diag.Errors[0].Message)
	}
	return bool(ok), nil
}
