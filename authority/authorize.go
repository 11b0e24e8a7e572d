package authority

import (
	"fmt"
	"strings"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// Request asks whether Person may make a decision.
type Request struct {
	Person   string // person id
	Decision string // decision type id
	Domain   string // domain id
	// Measure is the decision's size: its exposure, amount or severity.
	// Decisions without a measure ignore it, except against a delegation's
	// ceiling.
	Measure float64
	// RequestedBy is the person id of whoever asked for the decision; ""
	// when not known. Under separation of duties they may not decide.
	RequestedBy string
	// Escalations is how many steps up reports_to the request has
	// escalated (by missed SLAs or explicitly): holders of each role it
	// escalated to may decide.
	Escalations int
	// At is when the decision is made; delegations are honoured only while
	// in force at that time (never at the zero time).
	At time.Time
}

// Reason says why a Verdict allows or denies.
type Reason uint8

// Reasons of a Verdict.
const (
	// Allowed.
	Holder    Reason = iota + 1 // the person holds the tier's accountable role
	Escalated                   // the person holds a role the request escalated to
	Delegated                   // a holder of the accountable role delegated the decision to the person
	// Denied.
	NoAuthority        // nobody has authority for the decision in the domain at that size
	Departed           // the person has departed and holds nothing
	SeparationOfDuties // the person requested the decision, which the decision type forbids
	NotEntitled        // the person holds none of the roles that may decide
)

var reasonNames = [...]string{
	Holder:             "holder",
	Escalated:          "escalated",
	Delegated:          "delegated",
	NoAuthority:        "no_authority",
	Departed:           "departed",
	SeparationOfDuties: "separation_of_duties",
	NotEntitled:        "not_entitled",
}

// String returns the reason's stable name, as used in JSON: holder,
// escalated, delegated, no_authority, departed, separation_of_duties,
// not_entitled.
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "reason(" + fmt.Sprint(uint8(r)) + ")"
}

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Verdict is the answer to a Request. Its messages are written on demand
// (Message, Instead), so that Authorize itself allocates nothing.
type Verdict struct {
	Allowed bool
	Reason  Reason
	// Person is who asked to decide.
	Person *governance.Person
	// Resolution is the authority the request falls under; nil when
	// Reason is NoAuthority.
	Resolution *Resolution
	// Role is the role by which the person may decide: the accountable
	// role (Holder, Delegated) or the role the request escalated to
	// (Escalated). Nil when denied.
	Role *governance.Role
	// Delegation is the delegation that allows the person (Reason
	// Delegated); its delegator stays accountable and is recorded as such.
	Delegation *Delegation
	// Gap says why nobody has authority (Reason NoAuthority).
	Gap *NoAuthorityError

	x       *Index
	req     Request
	reached int // escalation steps that count: Request.Escalations, at most to the top role
}

// Authorize answers whether r.Person may make the decision r describes.
// Unknown ids, a NaN measure and a negative number of escalations are
// antares.EINVALID errors; every other answer is a Verdict.
func (x *Index) Authorize(r Request) (Verdict, error) {
	di, mi, err := x.lookup(r.Decision, r.Domain, r.Measure)
	if err != nil {
		return Verdict{}, err
	}
	pi, ok := x.people[r.Person]
	if !ok {
		return Verdict{}, antares.Errorf(antares.EINVALID, "unknown person %q%s", r.Person, x.suggest(r.Person, "person"))
	}
	if r.Escalations < 0 {
		return Verdict{}, antares.Errorf(antares.EINVALID, "escalations is %d: give how many steps the request has escalated, 0 or more", r.Escalations)
	}
	p := &x.persons[pi]
	v := Verdict{Person: p.p, x: x, req: r}
	res, gap := x.resolve(di, mi, r.Measure)
	if gap != nil {
		v.Reason, v.Gap = NoAuthority, gap
		return v, nil
	}
	v.Resolution = res
	if len(res.chain) > 0 {
		v.reached = min(r.Escalations, len(res.chain)-1)
	}
	sod := res.Decision.SeparationOfDuties && r.RequestedBy != ""
	switch {
	case !p.active:
		v.Reason = Departed
		return v, nil
	case sod && r.RequestedBy == r.Person:
		v.Reason = SeparationOfDuties
		return v, nil
	}
	for k, ri := range res.chain[:min(len(res.chain), v.reached+1)] {
		if p.holds(ri) {
			v.Allowed, v.Reason, v.Role = true, Holder, x.parties[ri].Role
			if k > 0 {
				v.Reason = Escalated
			}
			return v, nil
		}
	}
	if len(res.chain) > 0 && !r.At.IsZero() {
		at := r.At.UnixMilli()
		for i := range x.grants[pi] {
			g := &x.grants[pi][i]
			if g.covers(di, mi, r.Measure, at) && x.persons[g.delegator].holds(res.chain[0]) &&
				!(sod && r.RequestedBy == g.src.Delegator) {
				v.Allowed, v.Reason, v.Role, v.Delegation = true, Delegated, res.Accountable.Role, g.src
				return v, nil
			}
		}
	}
	v.Reason = NotEntitled
	return v, nil
}

func (p *person) holds(role int32) bool {
	for _, r := range p.held {
		if r == role {
			return true
		}
	}
	return false
}

// Escalations returns how many escalation steps counted: the request's,
// capped at the top of the escalation path.
func (v Verdict) Escalations() int { return v.reached }

// OnBehalfOf returns the accountable person a delegate decides for: the
// delegator of a Delegated verdict, else nil.
func (v Verdict) OnBehalfOf() *governance.Person {
	if v.Delegation == nil {
		return nil
	}
	return v.x.model.Person(v.Delegation.Delegator)
}

// Instead returns who else may decide the request, in the order of the
// escalation path: holders of the accountable role and of each role the
// request escalated to, then delegates in force at the request's time;
// never the person asking, nor the requester under separation of duties.
func (v Verdict) Instead() []*governance.Person {
	res := v.Resolution
	if res == nil || len(res.eligible) == 0 {
		return nil
	}
	r := v.req
	sod := res.Decision.SeparationOfDuties && r.RequestedBy != ""
	var out []*governance.Person
	seen := map[string]bool{r.Person: true}
	if sod {
		seen[r.RequestedBy] = true
	}
	add := func(p *governance.Person) {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for _, p := range res.eligible[v.reached] {
		add(p)
	}
	if r.At.IsZero() {
		return out
	}
	di, mi := v.x.decisions[res.Decision.ID], v.x.domains[res.Domain.ID]
	for pi, gs := range v.x.grants {
		for i := range gs {
			g := &gs[i]
			if v.x.persons[pi].active && g.covers(di, mi, r.Measure, r.At.UnixMilli()) &&
				v.x.persons[g.delegator].holds(res.chain[0]) && !(sod && r.RequestedBy == g.src.Delegator) {
				add(v.x.persons[pi].p)
			}
		}
	}
	return out
}

// Message explains the verdict in a sentence or two, naming roles and
// people.
func (v Verdict) Message() string {
	r, res := v.req, v.Resolution
	who := personName(v.Person)
	switch v.Reason {
	case NoAuthority:
		return fmt.Sprintf("%s may not decide: %s.", who, v.Gap.Error())
	case Departed:
		return fmt.Sprintf("%s has departed and holds no authority.", who)
	case SeparationOfDuties:
		return fmt.Sprintf("%s requested this %s, and it requires separation of duties: the requester may not decide it.", who, res.Decision.ID)
	case Holder:
		return fmt.Sprintf("%s may decide: they hold %s, accountable for %s.", who, roleName(v.Role), tierName(res))
	case Escalated:
		return fmt.Sprintf("%s may decide: the request escalated %s to %s, which they hold (%s is accountable for %s).",
			who, steps(v.reached), roleName(v.Role), roleName(res.Accountable.Role), tierName(res))
	case Delegated:
		d := v.Delegation
		return fmt.Sprintf("%s may decide: %s delegated it to them until %s; %s remains accountable as holder of %s, accountable for %s.",
			who, personName(v.OnBehalfOf()), d.Until.UTC().Format(time.RFC3339), personName(v.OnBehalfOf()), roleName(v.Role), tierName(res))
	}
	if res.Accountable.Role == nil {
		return fmt.Sprintf("%s may not decide: the domain %s has no owner, so nobody holds %s.", who, res.Domain.ID, tierName(res))
	}
	roles := make([]string, 0, v.reached+1)
	for _, ri := range res.chain[:v.reached+1] {
		roles = append(roles, roleName(v.x.parties[ri].Role))
	}
	msg := fmt.Sprintf("%s may not decide: %s is decided by %s", who, tierName(res), roles[0])
	if v.reached > 0 {
		msg += fmt.Sprintf(" or, after %s of escalation, %s", steps(v.reached), strings.Join(roles[1:], " or "))
	}
	msg += ", which they do not hold"
	if r.Escalations == 0 && len(res.Escalation) > 0 {
		msg += fmt.Sprintf("; a superior decides only once the request escalates, first to %s", roleName(res.Escalation[0].Role))
	}
	return msg + "."
}

func steps(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}

func personName(p *governance.Person) string {
	if p.Name == "" {
		return p.ID
	}
	return fmt.Sprintf("%s (%s)", p.Name, p.ID)
}

func roleName(r *governance.Role) string {
	if r.Title == "" {
		return r.ID
	}
	return fmt.Sprintf("%s (%s)", r.ID, r.Title)
}

// tierName describes a resolution's tier: "risk-acceptance in identity,
// tier 2 (above 50000 up to 500000)".
func tierName(res *Resolution) string {
	s := fmt.Sprintf("%s in %s, tier %d", res.Decision.ID, res.Domain.ID, res.Level)
	if r := res.Range(); r != "" {
		s += " (" + r + ")"
	}
	return s
}

// Range describes the measures the tier takes: "up to 50000", "above 50000
// up to 500000", "above 500000"; "" for a tier that takes every measure.
func (r *Resolution) Range() string {
	var parts []string
	if r.Above != nil {
		parts = append(parts, "above "+formatNumber(*r.Above))
	}
	if r.Tier.UpTo != nil {
		parts = append(parts, "up to "+formatNumber(*r.Tier.UpTo))
	}
	return strings.Join(parts, " ")
}
