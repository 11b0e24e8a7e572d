package assess

import (
	"cmp"
	"slices"

	"github.com/antares-governance/antares/governance"
)

// Subject kinds.
const (
	SubjectDecision     = "decision"
	SubjectDomain       = "domain"
	SubjectRole         = "role"
	SubjectPerson       = "person"
	SubjectRisk         = "risk"
	SubjectRequest      = "request"
	SubjectOrganization = "organization"
)

// Finding is one place where the decision system has broken down.
type Finding struct {
	Code     string  `json:"code"`
	Pattern  int     `json:"pattern"`
	Severity string  `json:"severity"`
	Subject  Subject `json:"subject"`
	Message  string  `json:"message"`
	// Exposure is the annualized loss exposure of the live risks in the
	// domains the finding affects (all live risks for an organization-wide
	// finding; the category's risks for a category's missing tolerance).
	Exposure float64         `json:"exposure"`
	Refs     []string        `json:"refs"`
	Location *governance.Pos `json:"location,omitempty"`
	Evidence []string        `json:"evidence"`
}

// Subject is what a finding is about.
type Subject struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Domain string `json:"domain,omitempty"`
	// Tier is the 1-based position of the tier in the decision's authority
	// list as written, for findings about a tier.
	Tier int `json:"tier,omitempty"`
	// Category is the risk category, for findings about a category.
	Category string `json:"category,omitempty"`
}

// Rank orders findings as they are shown: by exposure (highest first), then
// severity, then code, then where they were written.
func Rank(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Exposure, a.Exposure),
			cmp.Compare(SeverityRank(b.Severity), SeverityRank(a.Severity)),
			cmp.Compare(a.Code, b.Code),
			comparePos(a.Location, b.Location),
			cmp.Compare(a.Subject.ID, b.Subject.ID),
			cmp.Compare(a.Subject.Domain, b.Subject.Domain),
		)
	})
}

func comparePos(a, b *governance.Pos) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// AtOrAbove reports whether any finding has a severity at or above min.
func AtOrAbove(fs []Finding, min string) bool {
	for _, f := range fs {
		if SeverityRank(f.Severity) >= SeverityRank(min) {
			return true
		}
	}
	return false
}
