package governance

import (
	"cmp"
	"slices"
	"strings"
)

// Person returns the person with the given id, or nil.
func (m *Model) Person(id string) *Person { return m.people[id] }

// Role returns the role with the given id, or nil.
func (m *Model) Role(id string) *Role { return m.roles[id] }

// Domain returns the domain with the given id, or nil.
func (m *Model) Domain(id string) *Domain { return m.domains[id] }

// Decision returns the decision type with the given id, or nil.
func (m *Model) Decision(id string) *Decision { return m.decisions[id] }

// AppetiteFor returns the tolerance entry of a risk category, or nil.
func (m *Model) AppetiteFor(category string) *Appetite { return m.appetite[category] }

// PersonByEmail returns the person with the given email (case-insensitive), or nil.
func (m *Model) PersonByEmail(email string) *Person {
	for _, p := range m.People {
		if p.Email != "" && strings.EqualFold(p.Email, email) {
			return p
		}
	}
	return nil
}

// Members returns the people who list role among their roles, active or not,
// in model order.
func (m *Model) Members(role string) []*Person { return m.holders[role] }

// Holders returns the active people who can act for role: for an individual
// role, its active members; for a body, its chair when the chair is active
// (a body's decisions are recorded by its chair).
func (m *Model) Holders(role string) []*Person {
	r := m.roles[role]
	if r == nil {
		return nil
	}
	if r.IsBody() {
		if c := m.people[r.Chair]; c != nil && c.Active() {
			return []*Person{c}
		}
		return nil
	}
	var out []*Person
	for _, p := range m.holders[role] {
		if p.Active() {
			out = append(out, p)
		}
	}
	return out
}

// Chain returns the escalation path above role: the role it reports to, that
// role's superior, and so on up to a top role. Load guarantees it is finite.
func (m *Model) Chain(role string) []*Role {
	var out []*Role
	for r := m.roles[role]; r != nil && r.ReportsTo != ""; {
		r = m.roles[r.ReportsTo]
		if r == nil {
			break
		}
		out = append(out, r)
	}
	return out
}

// Above reports whether role superior is on the reports_to path above role.
func (m *Model) Above(superior, role string) bool {
	for _, r := range m.Chain(role) {
		if r.ID == superior {
			return true
		}
	}
	return false
}

// DecisionDomains returns the domains decisions of type d are made in, in
// model order.
func (m *Model) DecisionDomains(d *Decision) []*Domain {
	if d.Domains == nil {
		return m.Domains
	}
	out := make([]*Domain, 0, len(d.Domains))
	for _, id := range d.Domains {
		if dom := m.domains[id]; dom != nil {
			out = append(out, dom)
		}
	}
	return out
}

// Ladder returns the tiers that form decision d's ladder in domain, ordered
// by up_to (the uncapped tier last): the tiers naming the domain if any do,
// otherwise the tiers without domains. It returns nil when d is not made in
// domain or no tier applies there.
func (m *Model) Ladder(d *Decision, domain string) []*Tier {
	if !d.AppliesTo(domain) {
		return nil
	}
	var named, general []*Tier
	for _, t := range d.Authority {
		switch {
		case t.Domains == nil:
			general = append(general, t)
		case t.Covers(domain):
			named = append(named, t)
		}
	}
	ladder := general
	if named != nil {
		ladder = named
	}
	return SortTiers(ladder)
}

// SortTiers returns a copy of tiers ordered by up_to, uncapped tiers last,
// ties in the order written.
func SortTiers(tiers []*Tier) []*Tier {
	out := slices.Clone(tiers)
	slices.SortStableFunc(out, func(a, b *Tier) int {
		switch {
		case a.UpTo == nil && b.UpTo == nil:
			return 0
		case a.UpTo == nil:
			return 1
		case b.UpTo == nil:
			return -1
		}
		return cmp.Compare(*a.UpTo, *b.UpTo)
	})
	return out
}

// AccountableRole resolves a tier's accountable role in domain: the role
// itself, or for "@owner" the domain's owner ("" when it has none).
func (m *Model) AccountableRole(t *Tier, domain string) string {
	if t.Accountable != OwnerRole {
		return t.Accountable
	}
	if d := m.domains[domain]; d != nil {
		return d.Owner
	}
	return ""
}

// Digest returns the model's canonical digest, "sha256:<hex>". It depends on
// what the model says, not on how it was written: file order, list order of
// identified entries, whitespace, comments and key order do not change it.
func (m *Model) Digest() string { return m.digest }
