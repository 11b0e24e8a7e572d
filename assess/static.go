package assess

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/antares-governance/antares/governance"
)

// Static returns the findings the model alone shows (the static findings of
// the catalogue), with their exposure computed from exposures (risk id ->
// annualized loss exposure; a risk missing from it counts as 0), ranked.
func Static(m *governance.Model, exposures map[string]float64) []Finding {
	c := &checker{m: m, exposures: exposures, findings: []Finding{}}
	c.authority()
	c.ownership()
	c.strategy()
	c.conflation()
	Rank(c.findings)
	return c.findings
}

type checker struct {
	m         *governance.Model
	exposures map[string]float64
	findings  []Finding
}

func (c *checker) add(code string, subject Subject, pos *governance.Pos, exposure float64, format string, args ...any) {
	r, _ := RuleFor(code)
	if pos != nil && pos.Line == 0 {
		pos = nil
	}
	c.findings = append(c.findings, Finding{
		Code:     code,
		Pattern:  r.Pattern,
		Severity: r.Severity,
		Subject:  subject,
		Message:  fmt.Sprintf(format, args...),
		Exposure: exposure,
		Refs:     r.Refs,
		Location: pos,
		Evidence: []string{},
	})
}

// exposure sums the exposure of the live risks for which keep is true.
func (c *checker) exposure(keep func(*governance.Risk) bool) float64 {
	var sum float64
	for _, r := range c.m.Risks {
		if r.Live() && keep(r) {
			sum += c.exposures[r.ID]
		}
	}
	return sum
}

func (c *checker) domainsExposure(domains []string) float64 {
	return c.exposure(func(r *governance.Risk) bool { return slices.Contains(domains, r.Domain) })
}

func (c *checker) orgExposure() float64 {
	return c.exposure(func(*governance.Risk) bool { return true })
}

// ladder is a decision's effective ladder in a set of domains: the same tiers
// apply in each of them.
type ladder struct {
	tiers   []*governance.Tier // sorted by up_to
	domains []string
}

// ladders groups the domains of decision d by the tiers that form its ladder
// there, in the order the domains are written. Domains where no tier applies
// are returned separately.
func (c *checker) ladders(d *governance.Decision) (ls []*ladder, missing []*governance.Domain) {
	byKey := map[string]*ladder{}
	for _, dom := range c.m.DecisionDomains(d) {
		tiers := c.m.Ladder(d, dom.ID)
		if len(tiers) == 0 {
			missing = append(missing, dom)
			continue
		}
		key := tierKey(tiers)
		l := byKey[key]
		if l == nil {
			l = &ladder{tiers: tiers}
			byKey[key] = l
			ls = append(ls, l)
		}
		l.domains = append(l.domains, dom.ID)
	}
	return ls, missing
}

func tierKey(tiers []*governance.Tier) string {
	var b strings.Builder
	for _, t := range tiers {
		b.WriteString(strconv.Itoa(t.Index))
		b.WriteByte(',')
	}
	return b.String()
}

// upTo describes a tier's bound: "up to 50000", "up to severity 2".
func upTo(d *governance.Decision, t *governance.Tier) string {
	switch {
	case t.UpTo == nil:
		return "without limit"
	case d.Measure == governance.MeasureSeverity:
		return "up to severity " + strconv.FormatFloat(*t.UpTo, 'f', -1, 64)
	}
	return "up to " + strconv.FormatFloat(*t.UpTo, 'f', -1, 64)
}

func domainSubject(domains []string) string {
	if len(domains) == 1 {
		return domains[0]
	}
	return ""
}

func (c *checker) authority() {
	for _, d := range c.m.Decisions {
		ladders, missing := c.ladders(d)
		for _, dom := range missing {
			why := "no tier of its authority applies there"
			if len(d.Authority) == 0 {
				why = "it has no authority tiers at all"
			}
			c.add("authority.missing", Subject{Kind: SubjectDecision, ID: d.ID, Domain: dom.ID}, &d.Pos,
				c.domainsExposure([]string{dom.ID}),
				"Nobody has authority to decide %s in domain %s: %s.", d.ID, dom.ID, why)
		}
		// Domains where each tier is part of the ladder, for per-tier findings.
		tierDomains := map[*governance.Tier][]string{}
		splitPairs := map[[2]int]*[]string{}
		var pairOrder [][2]int
		for _, l := range ladders {
			for _, t := range l.tiers {
				tierDomains[t] = append(tierDomains[t], l.domains...)
			}
			top := l.tiers[len(l.tiers)-1]
			if d.Measured() && !top.Uncapped() {
				c.add("authority.ceiling", Subject{Kind: SubjectDecision, ID: d.ID, Domain: domainSubject(l.domains), Tier: top.Index},
					&top.Pos, c.domainsExposure(l.domains),
					"Above %v nobody may decide %s%s: its ladder has no uncapped top tier.",
					*top.UpTo, d.ID, inDomains(l.domains))
			}
			for i := 1; i < len(l.tiers); i++ {
				a, b := l.tiers[i-1], l.tiers[i]
				if sameUpTo(a, b) {
					key := [2]int{min(a.Index, b.Index), max(a.Index, b.Index)}
					if splitPairs[key] == nil {
						splitPairs[key] = &[]string{}
						pairOrder = append(pairOrder, key)
					}
					*splitPairs[key] = append(*splitPairs[key], l.domains...)
				}
			}
		}
		for _, key := range pairOrder {
			second := d.Authority[key[1]-1]
			domains := *splitPairs[key]
			c.add("authority.split", Subject{Kind: SubjectDecision, ID: d.ID, Domain: domainSubject(domains), Tier: second.Index},
				&second.Pos, c.domainsExposure(domains),
				"Tiers %d and %d of %s both decide %s%s: which of them is accountable is ambiguous.",
				key[0], key[1], d.ID, upTo(d, second), inDomains(domains))
		}
		for _, t := range d.Authority {
			domains := tierDomains[t]
			if len(domains) == 0 {
				continue // the tier applies nowhere; nobody is affected by who holds it
			}
			if t.Accountable != governance.OwnerRole {
				c.holders(d, t, t.Accountable, "", domains)
				continue
			}
			for _, dom := range domains {
				c.holders(d, t, c.m.Domain(dom).Owner, dom, []string{dom})
			}
		}
	}
}

func sameUpTo(a, b *governance.Tier) bool {
	if a.UpTo == nil || b.UpTo == nil {
		return a.UpTo == nil && b.UpTo == nil
	}
	return *a.UpTo == *b.UpTo
}

func inDomains(domains []string) string {
	switch n := len(domains); {
	case n == 1:
		return " in domain " + domains[0]
	case n <= 3:
		return " in domains " + strings.Join(domains, ", ")
	default:
		return fmt.Sprintf(" in %d domains", n)
	}
}

// holders reports a tier whose accountable role (resolved to role; for an
// @owner tier, in domain owner) is vacant or split.
func (c *checker) holders(d *governance.Decision, t *governance.Tier, role, owner string, domains []string) {
	subject := Subject{Kind: SubjectDecision, ID: d.ID, Domain: domainSubject(domains), Tier: t.Index}
	exposure := c.domainsExposure(domains)
	what := fmt.Sprintf("%s %s", d.ID, upTo(d, t))
	if owner != "" {
		what += " in domain " + owner
	}
	if role == "" {
		c.add("authority.vacant", subject, &t.Pos, exposure,
			"The owner of domain %s is accountable for %s, but the domain has no owner.", owner, what)
		return
	}
	r := c.m.Role(role)
	switch active := activeMembers(c.m, role); {
	case vacant(c.m, r):
		c.add("authority.vacant", subject, &t.Pos, exposure,
			"Role %q is accountable for %s but no active person holds it%s.", role, what, vacancyReason(c.m, r))
	case r.IsBody() && r.Chair == "":
		c.add("authority.split", subject, &t.Pos, exposure,
			"Body %q is accountable for %s but has no chair to record its decisions: any of its %d active members could.", role, what, len(active))
	case !r.IsBody() && len(active) > 1:
		c.add("authority.split", subject, &t.Pos, exposure,
			"Role %q is accountable for %s but %d active people hold it (%s): each could decide alone.",
			role, what, len(active), names(active))
	}
}

// activeMembers returns the active people who list role among their roles.
func activeMembers(m *governance.Model, role string) []*governance.Person {
	var out []*governance.Person
	for _, p := range m.Members(role) {
		if p.Active() {
			out = append(out, p)
		}
	}
	return out
}

// vacant reports whether no active person holds role: an individual role
// without active members; a body whose chair has departed, or without a
// chair and without active members.
func vacant(m *governance.Model, r *governance.Role) bool {
	if r.IsBody() && r.Chair != "" {
		return len(m.Holders(r.ID)) == 0
	}
	return len(activeMembers(m, r.ID)) == 0
}

// vacancyReason explains why a role has no active holder.
func vacancyReason(m *governance.Model, r *governance.Role) string {
	if r.IsBody() {
		if r.Chair == "" {
			return " (a body without a chair, and none of its members is active)"
		}
		return fmt.Sprintf(" (its chair %s has departed)", r.Chair)
	}
	var departed []*governance.Person
	for _, p := range m.Members(r.ID) {
		if !p.Active() {
			departed = append(departed, p)
		}
	}
	if len(departed) > 0 {
		return fmt.Sprintf(" (%s departed)", names(departed))
	}
	return ""
}

func names(ps []*governance.Person) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return strings.Join(out, ", ")
}

func (c *checker) ownership() {
	for _, d := range c.m.Domains {
		subject := Subject{Kind: SubjectDomain, ID: d.ID}
		exposure := c.domainsExposure([]string{d.ID})
		if d.Owner == "" {
			c.add("ownership.missing", subject, &d.Pos, exposure, "Domain %s has no owner.", d.ID)
			continue
		}
		if vacant(c.m, c.m.Role(d.Owner)) {
			c.add("ownership.missing", subject, &d.OwnerPos, exposure,
				"Domain %s is owned by role %q, which no active person holds%s.", d.ID, d.Owner, vacancyReason(c.m, c.m.Role(d.Owner)))
			continue
		}
		if !slices.ContainsFunc(d.Outcomes, func(o *governance.Outcome) bool { return o.Target != nil }) {
			why := "it lists no outcomes"
			if len(d.Outcomes) > 0 {
				why = "none of its outcomes has a target"
			}
			c.add("ownership.no-outcomes", subject, &d.Pos, exposure,
				"The owner of domain %s (%s) is held to no measurable outcome: %s.", d.ID, d.Owner, why)
		}
		switch r := d.Review; {
		case r == nil:
			c.add("ownership.no-review", subject, &d.Pos, exposure,
				"Nobody reviews the outcomes of domain %s: it has no review.", d.ID)
		case r.By == d.Owner:
			c.add("ownership.no-review", subject, &r.Pos, exposure,
				"Domain %s is reviewed by its own owner (%s): a review must come from above the owner.", d.ID, d.Owner)
		case !c.m.Above(r.By, d.Owner):
			c.add("ownership.no-review", subject, &r.Pos, exposure,
				"Domain %s is reviewed by %s, which is not above its owner %s on the reports_to path.", d.ID, r.By, d.Owner)
		}
	}
}

func (c *checker) strategy() {
	org := Subject{Kind: SubjectOrganization, ID: c.m.Organization.Name}
	if len(c.m.Appetite) == 0 {
		c.add("strategy.missing", org, &c.m.Organization.Pos, c.orgExposure(),
			"The model defines no risk appetite: no tolerance says which exposure is acceptable.")
		return
	}
	seen := map[string]bool{}
	for _, r := range c.m.Risks {
		if seen[r.Category] || c.m.AppetiteFor(r.Category) != nil {
			continue
		}
		seen[r.Category] = true
		subject := org
		subject.Category = r.Category
		category := r.Category
		c.add("strategy.missing", subject, &r.Pos,
			c.exposure(func(x *governance.Risk) bool { return x.Category == category }),
			"Risk category %q is in use (first by risk %s) but has no tolerance in the appetite.", category, r.ID)
	}
}

func (c *checker) conflation() {
	// accountable[domain] holds the roles accountable for some decision there.
	accountable := map[string]map[string]bool{}
	for _, d := range c.m.Decisions {
		for _, dom := range c.m.DecisionDomains(d) {
			for _, t := range c.m.Ladder(d, dom.ID) {
				if role := c.m.AccountableRole(t, dom.ID); role != "" {
					if accountable[dom.ID] == nil {
						accountable[dom.ID] = map[string]bool{}
					}
					accountable[dom.ID][role] = true
				}
			}
		}
	}
	seen := map[[2]string]bool{}
	for _, resp := range c.m.Responsibilities {
		for _, ref := range resp.MeasuredOn {
			dom := c.m.Domain(ref.Domain)
			for _, role := range resp.Responsible {
				key := [2]string{role, ref.Domain}
				if seen[key] || dom.Owner == role || accountable[ref.Domain][role] {
					continue
				}
				seen[key] = true
				c.add("conflation.outcomes-without-authority",
					Subject{Kind: SubjectRole, ID: role, Domain: ref.Domain}, &ref.Pos,
					c.domainsExposure([]string{ref.Domain}),
					"Role %q is measured on %s (through %s) but neither owns domain %s nor is accountable for any decision in it.",
					role, ref.String(), resp.ID, ref.Domain)
			}
		}
	}
}
