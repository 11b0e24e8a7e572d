package authority

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/antares-governance/antares/governance"
)

// ExportCedar writes the index's decision rights as Cedar policies and the
// entities they are evaluated against (Cedar's JSON entity format), so that
// a Cedar engine allows exactly what Authorize allows.
//
// A request to Cedar: principal Antares::Person::"<person>", action
// Antares::Action::"<decision>", resource Antares::Domain::"<domain>",
// context {measure: decimal (0.0 for decisions without a measure),
// escalations: Long, at: datetime, requester: Antares::Person (omitted when
// not known)}. People are members of the roles they act for (a body through
// its chair; a departed person of none); each domain is a member of the
// ladder of every decision made there; each tier is one permit; each
// delegation is a permit for its delegate per tier it reaches; separation
// of duties is one forbid.
func ExportCedar(x *Index) (policies, entities []byte, err error) {
	var b strings.Builder
	b.WriteString("// Decision rights of " + oneLine(x.model.Organization.Name) + ", exported by Antares.\n")
	b.WriteString("// Model digest: " + x.model.Digest() + "\n")
	ladders := x.exportLadders()
	for _, l := range ladders {
		for _, r := range l.tiers {
			measure, err := cedarRange(r)
			if err != nil {
				return nil, nil, err
			}
			fmt.Fprintf(&b, "\n// %s, tier %d in %s%s: %s\n", l.decision.ID, r.Level, domainList(l.domains), rangeNote(r), r.Tier.Accountable)
			fmt.Fprintf(&b, "@id(%q)\npermit (\n  principal,\n  action == %s,\n  resource in %s\n)\n",
				fmt.Sprintf("%s/%d", l.id, r.Level), cedarUID("Action", l.decision.ID), cedarUID("Ladder", l.id))
			if measure != "" {
				fmt.Fprintf(&b, "when { %s }\n", measure)
			}
			fmt.Fprintf(&b, "when {\n  %s\n};\n", cedarDeciders(l, r))
		}
	}
	var sod []string
	for _, d := range x.model.Decisions {
		if d.SeparationOfDuties {
			sod = append(sod, cedarUID("Action", d.ID))
		}
	}
	if sod != nil {
		fmt.Fprintf(&b, "\n// Separation of duties: the requester may not decide.\n@id(\"separation-of-duties\")\nforbid (\n  principal,\n  action in [%s],\n  resource\n)\nwhen { context has requester && principal == context.requester };\n",
			strings.Join(sod, ", "))
	}
	for i := range x.dels {
		if err := cedarDelegation(&b, x, ladders, &x.dels[i], i); err != nil {
			return nil, nil, err
		}
	}
	entities, err = json.MarshalIndent(cedarEntities(x, ladders), "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return []byte(b.String()), append(entities, '\n'), nil
}

// oneLine keeps text from the model on one line of a comment.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cedarUID(typ, id string) string { return fmt.Sprintf("Antares::%s::%q", typ, id) }

// cedarRange is the condition on context.measure of a tier; "" when the
// tier takes every measure.
func cedarRange(r *Resolution) (string, error) {
	var conds []string
	if r.Above != nil {
		v, err := cedarDecimal(*r.Above, fmt.Sprintf("up_to of decision %s", r.Decision.ID))
		if err != nil {
			return "", err
		}
		conds = append(conds, fmt.Sprintf("context.measure.greaterThan(decimal(%q))", v))
	}
	if r.Tier.UpTo != nil {
		v, err := cedarDecimal(*r.Tier.UpTo, fmt.Sprintf("up_to of tier %d of decision %s", r.Tier.Index, r.Decision.ID))
		if err != nil {
			return "", err
		}
		conds = append(conds, fmt.Sprintf("context.measure.lessThanOrEqual(decimal(%q))", v))
	}
	return strings.Join(conds, " && "), nil
}

func rangeNote(r *Resolution) string {
	if s := r.Range(); s != "" {
		return ", " + s
	}
	return ""
}

func domainList(doms []*governance.Domain) string {
	const most = 5
	var ids []string
	for _, d := range doms[:min(len(doms), most)] {
		ids = append(ids, d.ID)
	}
	if len(doms) > most {
		ids = append(ids, fmt.Sprintf("%d more", len(doms)-most))
	}
	return strings.Join(ids, ", ")
}

// cedarDeciders is the condition on the principal of a tier: a holder of
// the accountable role, or, once the request escalated j steps, of the
// role j steps above it.
func cedarDeciders(l *exportLadder, r *Resolution) string {
	var alts []string
	if r.Tier.Accountable != governance.OwnerRole {
		alts = append(alts, "principal in "+cedarUID("Role", r.Accountable.Role.ID))
		for j, p := range r.Escalation {
			alts = append(alts, fmt.Sprintf("(context.escalations >= %d && principal in %s)", j+1, cedarUID("Role", p.Role.ID)))
		}
		return strings.Join(alts, " ||\n  ")
	}
	path := "resource.owner"
	alts = append(alts, "principal in "+path)
	var has []string
	for j := 1; j <= l.depth; j++ {
		has = append(has, path+" has reports_to")
		path += ".reports_to"
		alts = append(alts, fmt.Sprintf("(context.escalations >= %d && %s && principal in %s)", j, strings.Join(has, " && "), path))
	}
	return "resource has owner && (\n  " + strings.Join(alts, " ||\n  ") + ")"
}

// cedarDelegation writes the permits of one delegation: one per tier of the
// delegated decisions' ladders in the delegated domains, each requiring the
// delegator to hold the tier's accountable role.
func cedarDelegation(b *strings.Builder, x *Index, ladders []*exportLadder, d *Delegation, i int) error {
	label := delegationLabel(d, i)
	var cond []string
	cond = append(cond, "principal.active")
	if !d.Since.IsZero() {
		cond = append(cond, fmt.Sprintf("context.at >= datetime(%q)", millis(d.Since)))
	}
	cond = append(cond, fmt.Sprintf("context.at < datetime(%q)", millis(d.Until)))
	if d.Ceiling != nil {
		v, err := cedarDecimal(*d.Ceiling, "the ceiling of delegation "+label)
		if err != nil {
			return err
		}
		cond = append(cond, fmt.Sprintf("context.measure.lessThanOrEqual(decimal(%q))", v))
	}
	var scope string
	if len(d.Domains) > 0 {
		var doms []string
		for _, id := range d.Domains {
			doms = append(doms, cedarUID("Domain", id))
		}
		scope = fmt.Sprintf("when { resource in [%s] }\n", strings.Join(doms, ", "))
	}
	delegator := cedarUID("Person", d.Delegator)
	for _, l := range ladders {
		if !containsString(d.Decisions, l.decision.ID) || !l.inAny(d.Domains) {
			continue
		}
		for _, r := range l.tiers {
			measure, err := cedarRange(r)
			if err != nil {
				return err
			}
			fmt.Fprintf(b, "\n// Delegation %s: %s decides for %s.\n@id(%q)\npermit (\n  principal == %s,\n  action == %s,\n  resource in %s\n)\n",
				label, d.Delegate, d.Delegator, fmt.Sprintf("delegation/%s/%s/%d", label, l.id, r.Level),
				cedarUID("Person", d.Delegate), cedarUID("Action", l.decision.ID), cedarUID("Ladder", l.id))
			if measure != "" {
				fmt.Fprintf(b, "when { %s }\n", measure)
			}
			fmt.Fprintf(b, "when { %s }\n%s", strings.Join(cond, " && "), scope)
			if r.Tier.Accountable == governance.OwnerRole {
				fmt.Fprintf(b, "when { resource has owner && %s in resource.owner }\n", delegator)
			} else {
				fmt.Fprintf(b, "when { %s in %s }\n", delegator, cedarUID("Role", r.Accountable.Role.ID))
			}
			if l.decision.SeparationOfDuties {
				fmt.Fprintf(b, "unless { context has requester && context.requester == %s }\n", delegator)
			}
			b.WriteString(";\n")
		}
	}
	return nil
}

// inAny reports whether the ladder applies in one of doms (none: every
// domain).
func (l *exportLadder) inAny(doms []string) bool {
	if len(doms) == 0 {
		return true
	}
	for _, d := range l.domains {
		if containsString(doms, d.ID) {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

type cedarRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type cedarEntity struct {
	UID     cedarRef       `json:"uid"`
	Attrs   map[string]any `json:"attrs"`
	Parents []cedarRef     `json:"parents"`
}

func ref(typ, id string) cedarRef { return cedarRef{Type: "Antares::" + typ, ID: id} }

func entityRef(typ, id string) map[string]cedarRef {
	return map[string]cedarRef{"__entity": ref(typ, id)}
}

func cedarEntities(x *Index, ladders []*exportLadder) []cedarEntity {
	var out []cedarEntity
	for _, p := range x.persons {
		e := cedarEntity{UID: ref("Person", p.p.ID), Attrs: map[string]any{"name": p.p.DisplayName(), "active": p.active}, Parents: []cedarRef{}}
		for _, ri := range p.held {
			e.Parents = append(e.Parents, ref("Role", x.model.Roles[ri].ID))
		}
		out = append(out, e)
	}
	for _, r := range x.model.Roles {
		e := cedarEntity{UID: ref("Role", r.ID), Attrs: map[string]any{"title": r.DisplayName()}, Parents: []cedarRef{}}
		if r.ReportsTo != "" {
			e.Attrs["reports_to"] = entityRef("Role", r.ReportsTo)
		}
		out = append(out, e)
	}
	parents := map[string][]cedarRef{}
	for _, l := range ladders {
		for _, d := range l.domains {
			parents[d.ID] = append(parents[d.ID], ref("Ladder", l.id))
		}
	}
	for _, d := range x.model.Domains {
		e := cedarEntity{UID: ref("Domain", d.ID), Attrs: map[string]any{"name": d.DisplayName()}, Parents: parents[d.ID]}
		if e.Parents == nil {
			e.Parents = []cedarRef{}
		}
		if d.Owner != "" {
			e.Attrs["owner"] = entityRef("Role", d.Owner)
		}
		out = append(out, e)
	}
	return out
}
