// Package authority answers who may make a decision: it compiles a
// governance model into an immutable Index that resolves a decision, a
// domain and a measure to the tier of the decision's ladder, the accountable
// role and the people holding it, who is consulted and informed, and where
// the request escalates; and that authorizes a person to decide, taking
// separation of duties, escalation and delegation into account.
//
// Compile does all the work once. Resolve and Authorize then allocate
// nothing and are safe for concurrent use: an Index is never modified
// (WithDelegations returns a new one).
//
// The package also exports the same decision rights as Cedar policies and as
// a Rego module, so that other systems can enforce them (ExportCedar,
// ExportRego).
package authority

import (
	"fmt"
	"math"
	"strconv"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// Index is a governance model compiled for answering who may decide. Build
// it with Compile; it is immutable and safe for concurrent use.
type Index struct {
	model     *governance.Model
	decisions map[string]int32 // decision id -> dense index
	domains   map[string]int32 // domain id -> dense index
	people    map[string]int32 // person id -> dense index
	roles     map[string]int32 // role id -> dense index

	persons []person
	parties []Party   // by role index
	ladders []ladder  // by decision*len(domains) + domain
	grants  [][]grant // by delegate's person index
	dels    []Delegation
}

// person is what Authorize needs to know about someone.
type person struct {
	p      *governance.Person
	active bool
	held   []int32 // roles the person acts for: individual roles held, bodies chaired; none once departed
}

// Party is a role and the active people who act for it: for an individual
// role its active members, for a body its chair.
type Party struct {
	Role    *governance.Role
	Holders []*governance.Person
}

// Resolution is the authority for one decision, domain and tier: who
// decides, who gives input, who is told, and where the request escalates.
// It is shared, precomputed data: do not modify it.
type Resolution struct {
	Decision *governance.Decision
	Domain   *governance.Domain
	Tier     *governance.Tier
	// Level is the tier's 1-based position on the domain's ladder, ordered
	// by up_to.
	Level int
	// Above is the exclusive lower bound of the tier's measures: the up_to
	// of the tier below it; nil for the first tier.
	Above *float64
	// Accountable is the role that answers for the decision and who holds
	// it. For an "@owner" tier in a domain without an owner, Role is nil.
	Accountable Party
	Consulted   []Party
	Informed    []Party
	// Escalation is the path above the accountable role, up reports_to,
	// one step per missed SLA or explicit escalation.
	Escalation []Party

	chain    []int32                // accountable role, then Escalation, as role indices
	eligible [][]*governance.Person // [k]: who holds chain[0..k], without repeats
}

// ladder is the compiled ladder of one decision in one domain.
type ladder struct {
	bounds []float64 // up_to of each reachable tier; +Inf for the uncapped one
	tiers  []Resolution
	gap    NoAuthorityError // returned when the ladder is missing or the measure is above it
}

// NoAuthorityError says why nobody has authority for a decision in a domain
// at some size: the decision is not made in the domain, no tier applies
// there, or the measure is above the ladder's highest tier. Its code is
// antares.ENOTFOUND.
type NoAuthorityError struct {
	Decision *governance.Decision
	Domain   *governance.Domain
	// NotMade is set when the decision is not made in the domain at all.
	NotMade bool
	// Ceiling is the highest up_to of a ladder without an uncapped tier:
	// nobody has authority above it. Nil when the domain has no ladder.
	Ceiling *float64
}

// Error says why nobody has authority.
func (e *NoAuthorityError) Error() string {
	switch {
	case e.NotMade:
		return fmt.Sprintf("%s is not made in domain %s: the decision lists the domains it is made in", e.Decision.ID, e.Domain.ID)
	case e.Ceiling != nil:
		return fmt.Sprintf("%s has no authority above %s in domain %s: its ladder there has no uncapped tier", e.Decision.ID, formatNumber(*e.Ceiling), e.Domain.ID)
	default:
		return fmt.Sprintf("%s has no ladder for domain %s", e.Decision.ID, e.Domain.ID)
	}
}

// ErrorCode returns antares.ENOTFOUND.
func (e *NoAuthorityError) ErrorCode() string { return antares.ENOTFOUND }

// Compile builds the index of a loaded model.
func Compile(m *governance.Model) *Index {
	x := &Index{
		model:     m,
		decisions: make(map[string]int32, len(m.Decisions)),
		domains:   make(map[string]int32, len(m.Domains)),
		people:    make(map[string]int32, len(m.People)),
		roles:     make(map[string]int32, len(m.Roles)),
	}
	for i, d := range m.Decisions {
		x.decisions[d.ID] = int32(i)
	}
	for i, d := range m.Domains {
		x.domains[d.ID] = int32(i)
	}
	for i, r := range m.Roles {
		x.roles[r.ID] = int32(i)
	}
	x.parties = make([]Party, len(m.Roles))
	for i, r := range m.Roles {
		x.parties[i] = Party{Role: r, Holders: m.Holders(r.ID)}
	}
	x.persons = make([]person, len(m.People))
	x.grants = make([][]grant, len(m.People))
	for i, p := range m.People {
		x.people[p.ID] = int32(i)
		x.persons[i] = person{p: p, active: p.Active()}
	}
	for ri, party := range x.parties {
		for _, h := range party.Holders {
			hp := &x.persons[x.people[h.ID]]
			hp.held = append(hp.held, int32(ri))
		}
	}

	c := compiler{x: x, lists: map[*governance.Tier][2][]Party{}, chains: map[int32][]int32{}}
	x.ladders = make([]ladder, len(m.Decisions)*len(m.Domains))
	for di, d := range m.Decisions {
		for mi, dom := range m.Domains {
			x.ladders[di*len(m.Domains)+mi] = c.ladder(d, dom)
		}
	}
	return x
}

// compiler shares what several ladders have in common while compiling.
type compiler struct {
	x      *Index
	lists  map[*governance.Tier][2][]Party // consulted, informed
	chains map[int32][]int32               // role -> itself and the roles above it
}

func (c *compiler) ladder(d *governance.Decision, dom *governance.Domain) ladder {
	m := c.x.model
	l := ladder{gap: NoAuthorityError{Decision: d, Domain: dom, NotMade: !d.AppliesTo(dom.ID)}}
	var above *float64
	for _, t := range m.Ladder(d, dom.ID) {
		if above != nil && t.UpTo != nil && *t.UpTo <= *above {
			continue // shares its up_to with the tier below: never reached
		}
		r := c.resolution(d, dom, t)
		r.Level, r.Above = len(l.tiers)+1, above
		l.tiers = append(l.tiers, r)
		if t.UpTo == nil {
			l.bounds = append(l.bounds, math.Inf(1))
			break // the uncapped tier takes everything above: later tiers are never reached
		}
		l.bounds = append(l.bounds, *t.UpTo)
		above = t.UpTo
	}
	if len(l.tiers) > 0 && !math.IsInf(l.bounds[len(l.bounds)-1], 1) {
		l.gap.Ceiling = above
	}
	return l
}

func (c *compiler) resolution(d *governance.Decision, dom *governance.Domain, t *governance.Tier) Resolution {
	r := Resolution{Decision: d, Domain: dom, Tier: t}
	lists, ok := c.lists[t]
	if !ok {
		lists = [2][]Party{c.parties(t.Consulted), c.parties(t.Informed)}
		c.lists[t] = lists
	}
	r.Consulted, r.Informed = lists[0], lists[1]
	ri, ok := c.x.roles[c.x.model.AccountableRole(t, dom.ID)]
	if !ok {
		return r // an "@owner" tier where the domain has no owner: nobody holds it
	}
	r.chain = c.chain(ri)
	r.Accountable = c.x.parties[ri]
	r.Escalation = make([]Party, len(r.chain)-1)
	for i, up := range r.chain[1:] {
		r.Escalation[i] = c.x.parties[up]
	}
	r.eligible = c.eligible(r.chain)
	return r
}

func (c *compiler) parties(roles []string) []Party {
	out := make([]Party, 0, len(roles))
	for _, id := range roles {
		out = append(out, c.x.parties[c.x.roles[id]])
	}
	return out
}

func (c *compiler) chain(ri int32) []int32 {
	if ch, ok := c.chains[ri]; ok {
		return ch
	}
	ch := []int32{ri}
	for _, r := range c.x.model.Chain(c.x.model.Roles[ri].ID) {
		ch = append(ch, c.x.roles[r.ID])
	}
	c.chains[ri] = ch
	return ch
}

// eligible returns, for each number of escalations k, the people holding
// one of chain[0..k].
func (c *compiler) eligible(chain []int32) [][]*governance.Person {
	out := make([][]*governance.Person, len(chain))
	var acc []*governance.Person
	seen := map[*governance.Person]bool{}
	for k, ri := range chain {
		for _, h := range c.x.parties[ri].Holders {
			if !seen[h] {
				seen[h] = true
				acc = append(acc, h)
			}
		}
		out[k] = acc[:len(acc):len(acc)]
	}
	return out
}

// Model returns the model the index was compiled from.
func (x *Index) Model() *governance.Model { return x.model }

// Resolve returns the authority for a decision of the given type in domain
// at size measure (ignored by decisions without a measure). Unknown ids and
// a NaN measure are antares.EINVALID errors; when nobody has authority it
// returns a *NoAuthorityError saying why. The result is shared: do not
// modify it.
func (x *Index) Resolve(decision, domain string, measure float64) (*Resolution, error) {
	di, mi, err := x.lookup(decision, domain, measure)
	if err != nil {
		return nil, err
	}
	r, gap := x.resolve(di, mi, measure)
	if gap != nil {
		return nil, gap
	}
	return r, nil // not gap itself: a nil *NoAuthorityError is a non-nil error
}

// resolve returns the tier measure falls in, or why there is none.
func (x *Index) resolve(di, mi int32, measure float64) (*Resolution, *NoAuthorityError) {
	l := &x.ladders[int(di)*len(x.domains)+int(mi)]
	for i, b := range l.bounds {
		if measure <= b {
			return &l.tiers[i], nil
		}
	}
	return nil, &l.gap
}

// errNaN is returned for a measure that is not a number.
var errNaN = antares.Errorf(antares.EINVALID, "the measure is not a number: give the decision's size (exposure, amount or severity) as a number")

func (x *Index) lookup(decision, domain string, measure float64) (int32, int32, error) {
	di, ok := x.decisions[decision]
	if !ok {
		return 0, 0, antares.Errorf(antares.EINVALID, "unknown decision %q%s", decision, x.suggest(decision, "decision"))
	}
	mi, ok := x.domains[domain]
	if !ok {
		return 0, 0, antares.Errorf(antares.EINVALID, "unknown domain %q%s", domain, x.suggest(domain, "domain"))
	}
	if math.IsNaN(measure) {
		return 0, 0, errNaN
	}
	return di, mi, nil
}

// suggest names the closest id of a kind, for error messages.
func (x *Index) suggest(id, kind string) string {
	var ids []string
	switch kind {
	case "decision":
		for _, d := range x.model.Decisions {
			ids = append(ids, d.ID)
		}
	case "domain":
		for _, d := range x.model.Domains {
			ids = append(ids, d.ID)
		}
	case "person":
		for _, p := range x.model.People {
			ids = append(ids, p.ID)
		}
	}
	return governance.DidYouMean(id, ids)
}

// formatNumber writes a measure the way the model writes it: 50000, 0.5.
func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Ladder returns every tier of a decision's ladder in domain that a
// measure can reach, ordered by up_to. Unknown ids are antares.EINVALID
// errors; a missing ladder is a *NoAuthorityError, as from Resolve. The
// result is shared: do not modify it.
func (x *Index) Ladder(decision, domain string) ([]Resolution, error) {
	di, mi, err := x.lookup(decision, domain, 0)
	if err != nil {
		return nil, err
	}
	l := &x.ladders[int(di)*len(x.domains)+int(mi)]
	if len(l.tiers) == 0 {
		return nil, &l.gap
	}
	return l.tiers, nil
}
