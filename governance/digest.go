package governance

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// digest computes the canonical digest of a valid model: SHA-256 over a
// canonical JSON form in which identified entries are sorted by id, map keys
// are sorted, defaults are filled in and durations are normalized, and
// positions, comments and formatting play no part. Lists whose order means
// something (tiers, routing rules, outcomes, consulted roles) keep it.
func digest(m *Model) string {
	byID := func(items []map[string]any) []map[string]any {
		slices.SortFunc(items, func(a, b map[string]any) int { return cmp.Compare(a["id"].(string), b["id"].(string)) })
		return items
	}
	sorted := func(s []string) []string {
		if s == nil {
			return nil
		}
		s = slices.Clone(s)
		slices.Sort(s)
		return slices.Compact(s)
	}
	doc := map[string]any{
		"apiVersion":   m.APIVersion,
		"organization": map[string]any{"name": m.Organization.Name, "currency": m.Organization.Currency},
		"scales":       map[string]any{"likelihood_per_year": m.Scales.LikelihoodPerYear, "impact": m.Scales.Impact},
	}
	if m.RiskTreatment != "" {
		doc["risk_treatment"] = m.RiskTreatment
	}
	var people, roles, domains, decisions, resps, appetite, risks []map[string]any
	for _, p := range m.People {
		people = append(people, map[string]any{"id": p.ID, "name": p.Name, "email": p.Email, "roles": sorted(p.Roles), "status": p.Status})
	}
	for _, r := range m.Roles {
		roles = append(roles, map[string]any{"id": r.ID, "title": r.Title, "kind": r.Kind, "chair": r.Chair, "reports_to": r.ReportsTo})
	}
	for _, d := range m.Domains {
		var outcomes []map[string]any
		for _, o := range d.Outcomes {
			out := map[string]any{"id": o.ID, "name": o.Name}
			if o.Target != nil {
				out["target"] = o.Target.String()
			}
			outcomes = append(outcomes, out)
		}
		dom := map[string]any{"id": d.ID, "name": d.Name, "owner": d.Owner, "outcomes": outcomes}
		if d.Review != nil {
			dom["review"] = map[string]any{"every": d.Review.Every.String(), "by": d.Review.By}
		}
		domains = append(domains, dom)
	}
	for _, d := range m.Decisions {
		var tiers []map[string]any
		for _, t := range d.Authority {
			tiers = append(tiers, map[string]any{"up_to": t.UpTo, "accountable": t.Accountable,
				"consulted": t.Consulted, "informed": t.Informed, "domains": sorted(t.Domains)})
		}
		decisions = append(decisions, map[string]any{"id": d.ID, "name": d.Name, "domains": sorted(d.Domains),
			"measure": d.Measure, "sla": d.SLA.String(), "valid_for": d.ValidFor.String(),
			"separation_of_duties": d.SeparationOfDuties, "authority": tiers})
	}
	for _, r := range m.Responsibilities {
		var on []string
		for _, o := range r.MeasuredOn {
			on = append(on, o.String())
		}
		resps = append(resps, map[string]any{"id": r.ID, "name": r.Name, "domains": sorted(r.Domains),
			"responsible": sorted(r.Responsible), "measured_on": sorted(on)})
	}
	for _, a := range m.Appetite {
		appetite = append(appetite, map[string]any{"id": a.Category, "tolerance": a.Tolerance, "statement": a.Statement})
	}
	for _, r := range m.Risks {
		risks = append(risks, map[string]any{"id": r.ID, "title": r.Title, "domain": r.Domain, "category": r.Category,
			"owner": r.Owner, "status": r.Status, "estimate": r.Estimate})
	}
	doc["people"], doc["roles"], doc["domains"], doc["decisions"] = byID(people), byID(roles), byID(domains), byID(decisions)
	doc["responsibilities"], doc["appetite"], doc["risks"] = byID(resps), byID(appetite), byID(risks)
	if r := m.Routing; r != nil {
		var rules []map[string]any
		for _, rule := range r.Rules {
			rules = append(rules, map[string]any{"match": rule.Match, "domain": rule.Domain})
		}
		doc["routing"] = map[string]any{"decision": r.Decision, "min_severity": r.MinSeverity,
			"default_domain": r.DefaultDomain, "rules": rules}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		// Every value above is a plain string, number, bool or a struct of
		// them; json cannot fail on it.
		panic("governance: digest: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
