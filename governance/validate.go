package governance

import (
	"fmt"
	"strings"
)

// validate checks what no single file can: required top-level keys, unique
// ids, references, and reports_to cycles. It also builds the model's lookup
// maps.
func (l *loader) validate() {
	m := l.m
	top := Pos{}
	if len(m.Files) > 0 {
		top = Pos{File: m.Files[0], Line: 1, Column: 1}
	}
	if l.apiVersionPos.File == "" {
		l.errorAt(top, "the model has no apiVersion: add apiVersion: %s to one of its files", APIVersion)
	}
	if l.orgPos.File == "" {
		l.errorAt(top, "the model has no organization: add organization: {name: ..., currency: USD} to one of its files")
	}

	m.people = unique(l, "person", m.People, func(p *Person) (string, Pos) { return p.ID, p.Pos })
	m.roles = unique(l, "role", m.Roles, func(r *Role) (string, Pos) { return r.ID, r.Pos })
	m.domains = unique(l, "domain", m.Domains, func(d *Domain) (string, Pos) { return d.ID, d.Pos })
	m.decisions = unique(l, "decision", m.Decisions, func(d *Decision) (string, Pos) { return d.ID, d.Pos })
	unique(l, "responsibility", m.Responsibilities, func(r *Responsibility) (string, Pos) { return r.ID, r.Pos })
	m.appetite = unique(l, "appetite category", m.Appetite, func(a *Appetite) (string, Pos) { return a.Category, a.Pos })
	unique(l, "risk", m.Risks, func(r *Risk) (string, Pos) { return r.ID, r.Pos })
	emails := map[string]*Person{}
	for _, p := range m.People {
		if p.Email == "" {
			continue
		}
		key := strings.ToLower(p.Email)
		if first, dup := emails[key]; dup {
			l.errorAt(p.Pos, "person %s has the email %s of person %s: emails identify people and must be unique", p.ID, p.Email, first.ID)
			continue
		}
		emails[key] = p
	}
	for _, d := range m.Domains {
		unique(l, "outcome of domain "+d.ID, d.Outcomes, func(o *Outcome) (string, Pos) { return o.ID, o.Pos })
	}

	m.holders = map[string][]*Person{}
	for _, p := range m.People {
		for _, r := range p.Roles {
			if len(m.holders[r]) > 0 && m.holders[r][len(m.holders[r])-1] == p {
				continue
			}
			m.holders[r] = append(m.holders[r], p)
		}
	}
	l.checkRefs()
	l.checkCycles()
	if d := m.decisions[m.RiskTreatment]; d != nil && d.Measure != MeasureExposure {
		l.errorAt(m.RiskTreatmentPos, "risk_treatment names decision %s, which is measured by %s: a risk treatment is sized by its residual exposure, so its decision type needs measure: exposure", d.ID, d.Measure)
	}
}

// unique indexes items by id, reporting every repeated id with where it was
// first defined.
func unique[T any](l *loader, kind string, items []T, key func(T) (string, Pos)) map[string]T {
	out := make(map[string]T, len(items))
	first := make(map[string]Pos, len(items))
	for _, it := range items {
		id, pos := key(it)
		if id == "" {
			continue
		}
		if p, dup := first[id]; dup {
			l.errorAt(pos, "%s %q is defined twice: first at %s:%d:%d", kind, id, p.File, p.Line, p.Column)
			continue
		}
		first[id], out[id] = pos, it
	}
	return out
}

func (l *loader) errorAt(p Pos, format string, args ...any) {
	l.errs = append(l.errs, Error{Pos: p, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) checkRefs() {
	m := l.m
	ids := func(kind string) []string {
		var out []string
		switch kind {
		case "person":
			for _, p := range m.People {
				out = append(out, p.ID)
			}
		case "role":
			for _, r := range m.Roles {
				out = append(out, r.ID)
			}
		case "domain":
			for _, d := range m.Domains {
				out = append(out, d.ID)
			}
		case "decision":
			for _, d := range m.Decisions {
				out = append(out, d.ID)
			}
		case "outcome":
			for _, d := range m.Domains {
				for _, o := range d.Outcomes {
					out = append(out, o.Ref(d.ID))
				}
			}
		}
		return out
	}
	cache := map[string][]string{}
	for _, r := range l.refs {
		if r.id == "" || l.exists(r.kind, r.id) {
			continue
		}
		if cache[r.kind] == nil {
			cache[r.kind] = ids(r.kind)
		}
		l.errorAt(r.pos, "unknown %s %q in %s%s", r.kind, r.id, r.in, DidYouMean(r.id, cache[r.kind]))
	}
}

func (l *loader) exists(kind, id string) bool {
	m := l.m
	switch kind {
	case "person":
		return m.people[id] != nil
	case "role":
		return m.roles[id] != nil
	case "domain":
		return m.domains[id] != nil
	case "decision":
		return m.decisions[id] != nil
	case "outcome":
		dom, out, _ := strings.Cut(id, ".")
		if d := m.domains[dom]; d != nil {
			for _, o := range d.Outcomes {
				if o.ID == out {
					return true
				}
			}
		}
	}
	return false
}

// checkCycles reports each reports_to cycle once, at the role of the cycle
// written first, naming the whole loop.
func (l *loader) checkCycles() {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	for _, start := range l.m.Roles {
		var path []*Role
		r := start
		for r != nil && state[r.ID] == unvisited {
			state[r.ID] = visiting
			path = append(path, r)
			r = l.m.roles[r.ReportsTo]
		}
		if r != nil && state[r.ID] == visiting {
			var loop []string
			at := 0
			for i, p := range path {
				if p.ID == r.ID {
					at = i
				}
			}
			for _, p := range path[at:] {
				loop = append(loop, p.ID)
			}
			loop = append(loop, r.ID)
			l.errorAt(r.Pos, "reports_to forms a cycle: %s; every escalation path must end at a top role without reports_to", strings.Join(loop, " -> "))
		}
		for _, p := range path {
			state[p.ID] = done
		}
	}
}
