// Package assess diagnoses where a security program's decision system has
// broken down. Each break is a Finding with a stable code from the catalogue
// (docs/findings.md), ranked by the risk exposure it leaves open.
//
// Static findings come from the governance model alone (Static); dynamic
// findings, from what happened, need the ledger and are added by later work.
package assess

// Severities of findings, from most to least serious.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// SeverityRank orders severities: error 3, warning 2, info 1, anything else 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Pattern is one of the five ways a decision system breaks down.
type Pattern struct {
	Number int
	Name   string
	// Meaning says, for a board reader, what the pattern means.
	Meaning string
}

// Patterns lists the five failure patterns, by number.
var Patterns = []Pattern{
	{1, "No clear decision authority", "Nobody, or more than one person, can say they own these decisions: they stall, or get made by whoever is nearest."},
	{2, "Ownership without accountability", "Areas of the program have no owner held to measured outcomes and reviewed by someone above them."},
	{3, "Reactive posture", "Without a defined risk strategy the program decides when an incident, auditor or customer forces it to."},
	{4, "Accountability on paper", "The documented authority is not how decisions are really made."},
	{5, "Responsibility without authority", "People who do the work are held to outcomes they were never given the authority to own."},
}

// PatternByNumber returns the pattern with the given number (1..5).
func PatternByNumber(n int) Pattern {
	if n >= 1 && n <= len(Patterns) {
		return Patterns[n-1]
	}
	return Pattern{Number: n}
}

// Rule describes one finding code: what fires it and how to fix it.
type Rule struct {
	Code     string
	Pattern  int
	Static   bool // from the model alone (antares lint)
	Severity string
	Title    string
	// Description says when the finding fires.
	Description string
	// Help says what to change in the model or the practice.
	Help string
	Refs []string
}

// Framework references, as the findings spec requires them.
var (
	refsAuthority = []string{"NIST-CSF-2.0:GV.RR-02", "ISO-27001:2022:5.3", "ISO-27001:2022:A.5.2", "SOC2:CC1.3"}
	refsOwnership = []string{"NIST-CSF-2.0:GV.RR-01", "NIST-CSF-2.0:GV.OV-03", "ISO-27001:2022:9.3", "SOC2:CC1.5"}
	refsStrategy  = []string{"NIST-CSF-2.0:GV.RM-02"}
	refsPosture   = []string{"NIST-CSF-2.0:GV.RM-01", "NIST-CSF-2.0:GV.RM-04"}
	refsRisk      = []string{"NIST-CSF-2.0:GV.RM-04", "ISO-27001:2022:6.1.3.f"}
	refsConflate  = []string{"NIST-CSF-2.0:GV.RR-01", "NIST-CSF-2.0:GV.RR-03", "SOC2:CC1.5"}
)

// Catalogue lists every finding code, in the order of the findings spec.
var Catalogue = []Rule{
	{"authority.missing", 1, true, SeverityError, "No authority for a decision in a domain",
		"A decision type has no ladder for some domain: no tier of its authority applies there.",
		"Add a tier without `domains` (it applies everywhere the decision is made), or a tier naming the domain, or remove the domain from the decision's `domains`.", refsAuthority},
	{"authority.split", 1, true, SeverityError, "Split authority",
		"Two tiers of one ladder share the same `up_to`; or the accountable role is an individual role held by more than one active person; or it is a body without a chair.",
		"Give every tier of a ladder its own `up_to` (one uncapped tier at the top); give an individual role to exactly one active person; give a body a `chair`.", refsAuthority},
	{"authority.ceiling", 1, true, SeverityError, "Authority with a ceiling",
		"A ladder of a measured decision has no uncapped tier: above its highest `up_to` nobody may decide.",
		"Add a top tier without `up_to`, accountable for everything above the others (usually the CEO or the board).", refsAuthority},
	{"authority.vacant", 1, true, SeverityError, "Vacant authority",
		"An accountable role (or the `@owner` it resolves to) is held by no active person.",
		"Give the role to an active person (list it in their `roles`), or make another role accountable for the tier.", refsAuthority},
	{"decision.stalled", 1, false, SeverityWarning, "Stalled decision",
		"A decision request is open past its SLA.",
		"Decide the request, or escalate it on the record; check the accountable role is staffed.", refsAuthority},
	{"ownership.missing", 2, true, SeverityError, "Domain without an owner",
		"A domain has no owner, or its owner role is held by no active person.",
		"Set the domain's `owner` to a role held by one active person.", refsOwnership},
	{"ownership.no-outcomes", 2, true, SeverityWarning, "Owner held to no outcome",
		"A domain's owner is held to no outcome with a target.",
		"Add `outcomes` with measurable `target`s (\">= 99%\", \"== 0\") that the owner answers for.", refsOwnership},
	{"ownership.no-review", 2, true, SeverityWarning, "Ownership without review",
		"A domain has no review, or its reviewer is the owner itself or not above the owner on the `reports_to` path.",
		"Add `review: {every: 90d, by: ROLE}` with a role above the owner on its escalation path.", refsOwnership},
	{"review.overdue", 2, false, SeverityWarning, "Overdue review",
		"A domain's last recorded review is older than its cadence, or there never was one.",
		"Hold the review and record it (`antares review`).", refsOwnership},
	{"strategy.missing", 3, true, SeverityWarning, "No defined risk strategy",
		"The model defines no appetite, or a risk category in use has no tolerance.",
		"Add an `appetite` entry with a `tolerance` for every risk category the register uses.", refsStrategy},
	{"posture.reactive", 3, false, SeverityWarning, "Reactive posture",
		"In the assessed window, more than half of the decisions were triggered by an incident, audit, regulator or customer rather than planned.",
		"Plan decisions ahead: reviews, treatment decisions and renewals before they are forced.", refsPosture},
	{"risk.untreated", 3, false, SeverityError, "Untreated risk over appetite",
		"An open risk's exposure exceeds its category's tolerance and no treatment decision covers it.",
		"Decide a treatment (accept, mitigate, transfer, avoid) at the authority tier that covers the exposure.", refsRisk},
	{"acceptance.expired", 3, false, SeverityWarning, "Lapsed decision",
		"A decision has lapsed (its valid_until, given or from its type's valid_for, has passed) and was not made again.",
		"Decide again on the same subject, or let the risk return to treatment.", refsRisk},
	{"practice.shadow-decider", 4, false, SeverityError, "Shadow decider",
		"A decision was made by a person who did not hold its authority at that time.",
		"Route such decisions to the accountable role, delegate on the record, or change the model to match reality.", refsAuthority},
	{"practice.dormant-authority", 4, false, SeverityWarning, "Dormant authority",
		"The documented accountable role made none of the (at least 3) decisions of its tier in the window, while others did.",
		"Either the accountable role starts deciding, or the model is changed to name who really decides.", refsAuthority},
	{"conflation.outcomes-without-authority", 5, true, SeverityError, "Outcomes without authority",
		"A role is measured on a domain's outcomes but neither owns that domain nor is accountable for any decision in it.",
		"Measure the role on the work it performs, or give it the decision authority (a tier, or ownership) that the outcome needs.", refsConflate},
	{"conflation.operator-deciding", 5, false, SeverityError, "Operator deciding",
		"Decisions in a domain are being made by people whose only standing there is operational responsibility.",
		"Route the decisions to the accountable owner, or grant the operator that authority on the record.", refsConflate},
}

// RuleFor returns the catalogue entry of code, or false.
func RuleFor(code string) (Rule, bool) {
	for _, r := range Catalogue {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}
