# Decision rights exported by Antares (antares export rego): who may make a
# decision of the security program, exactly as `antares can` answers.
#
# Query data.antares.authority.allow with input like
#   {"person": "raj.patel", "decision": "risk-acceptance", "domain": "identity",
#    "measure": 120000, "escalations": 0, "at": "2026-06-01T12:00:00Z",
#    "requested_by": "sam.okafor"}
# (measure 0 for decisions without one; requested_by may be left out). The
# rules read the model from data.antares.model, written next to this module
# as data.json.
package antares.authority

import rego.v1

model := data.antares.model

default allow := false

# A holder of the accountable role, or of a role the request escalated to.
allow if {
	not requester_deciding
	some role in deciding_roles
	role in model.people[input.person].roles
}

# A delegate of a holder of the accountable role.
allow if {
	not requester_deciding
	model.people[input.person].active
	some d in object.get(model.delegations, input.person, [])
	delegation_applies(d)
}

# tier is the tier of the decision's ladder in the domain that the measure
# falls in: tiers are ordered and their ranges (above, up_to] do not overlap.
tier := t if {
	some t in model.ladders[model.decisions[input.decision].ladders[input.domain]]
	above_ok(t)
	up_to_ok(t)
}

above_ok(t) if not "above" in object.keys(t)

above_ok(t) if input.measure > t.above

up_to_ok(t) if not "up_to" in object.keys(t)

up_to_ok(t) if input.measure <= t.up_to

# accountable is the tier's accountable role; "@owner" is the domain's owner.
accountable := model.domains[input.domain].owner if tier.accountable == "@owner"

accountable := tier.accountable if tier.accountable != "@owner"

# deciding_roles are the accountable role and each role the request escalated
# to, one step up reports_to per escalation.
deciding_roles contains role if {
	some k, role in model.roles[accountable].chain
	k <= input.escalations
}

# Separation of duties: the requester may not decide.
requester_deciding if requested_by(input.person)

requested_by(p) if {
	model.decisions[input.decision].separation_of_duties
	input.requested_by == p
}

delegation_applies(d) if {
	input.decision in d.decisions
	domain_ok(d)
	ceiling_ok(d)
	at := time.parse_rfc3339_ns(input.at)
	since_ok(d, at)
	at < d.until_ns
	accountable in model.people[d.delegator].roles
	not requested_by(d.delegator)
}

domain_ok(d) if not "domains" in object.keys(d)

domain_ok(d) if input.domain in d.domains

ceiling_ok(d) if not "ceiling" in object.keys(d)

ceiling_ok(d) if input.measure <= d.ceiling

since_ok(d, _) if not "since_ns" in object.keys(d)

since_ok(d, at) if at >= d.since_ns
