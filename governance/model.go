// Package governance reads an organization's governance model (format
// antares/v1, see docs/model.md): its people, roles, domains, decision types
// with their delegation-of-authority ladders, operational responsibilities,
// risk appetite, scales, alert routing and risk register.
//
// Load decodes strictly and validates references; every problem is reported
// with its file, line and column, all of them in one run. A loaded *Model is
// never modified afterwards: the authority engine, the risk register and the
// assessment read it concurrently.
package governance

// APIVersion is the only model format version this package reads.
const APIVersion = "antares/v1"

// Pos is where something was written in the model.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Model is a loaded, validated governance model. Lists keep the order in
// which they were written (files of a directory in lexical order).
type Model struct {
	// Path is the file or directory the model was loaded from.
	Path string
	// Files lists the files that made up the model, in load order.
	Files []string

	APIVersion       string
	Organization     Organization
	People           []*Person
	Roles            []*Role
	Domains          []*Domain
	Decisions        []*Decision
	Responsibilities []*Responsibility
	Appetite         []*Appetite
	// AppetitePos is where the first appetite list was written; zero when the
	// model has none.
	AppetitePos Pos
	Scales      Scales
	Routing     *Routing
	Risks       []*Risk
	// RiskTreatment is the decision type under which risk treatments
	// (accept, mitigate, transfer, avoid) are decided, sized by the residual
	// exposure; "" when the model names none.
	RiskTreatment    string
	RiskTreatmentPos Pos

	people    map[string]*Person
	roles     map[string]*Role
	domains   map[string]*Domain
	decisions map[string]*Decision
	appetite  map[string]*Appetite
	holders   map[string][]*Person // role id -> people listing it, in model order
	digest    string
}

// Organization names the organization and the currency of every amount.
type Organization struct {
	Name     string
	Currency string
	Pos      Pos
}

// Person statuses.
const (
	StatusActive   = "active"
	StatusDeparted = "departed"
)

// Person is someone who may hold roles.
type Person struct {
	ID     string
	Name   string
	Email  string
	Roles  []string
	Status string // StatusActive or StatusDeparted
	Pos    Pos
}

// Active reports whether p can hold authority at all.
func (p *Person) Active() bool { return p.Status != StatusDeparted }

// DisplayName returns the person's name, or their id when the model gives none.
func (p *Person) DisplayName() string { return orID(p.Name, p.ID) }

// Role kinds.
const (
	KindIndividual = "individual"
	KindBody       = "body"
)

// Role is a position in the organization; people hold it through
// Person.Roles. A body decides collectively and records through its chair.
type Role struct {
	ID        string
	Title     string
	Kind      string // KindIndividual or KindBody
	Chair     string // a person id; bodies only
	ReportsTo string // a role id; "" for a top role
	Pos       Pos
	ChairPos  Pos
}

// DisplayName returns the role's title, or its id when the model gives none.
func (r *Role) DisplayName() string { return orID(r.Title, r.ID) }

// IsBody reports whether the role is a committee that decides collectively.
func (r *Role) IsBody() bool { return r.Kind == KindBody }

// Domain is an area of the security program with one owning role.
type Domain struct {
	ID       string
	Name     string
	Owner    string // a role id; "" when the model gives none (a finding)
	Outcomes []*Outcome
	Review   *Review // nil when the model gives none (a finding)
	Pos      Pos
	OwnerPos Pos
}

// DisplayName returns the domain's name, or its id when the model gives none.
func (d *Domain) DisplayName() string { return orID(d.Name, d.ID) }

// Outcome is a measurable result a domain owner is held to.
type Outcome struct {
	ID     string
	Name   string
	Target *Target // nil when the outcome has no target
	Pos    Pos
}

// Ref returns the outcome's reference as written elsewhere: "domain.outcome".
func (o *Outcome) Ref(domain string) string { return domain + "." + o.ID }

// Target is an operator and a number: ">= 99%", "== 0".
type Target struct {
	Op      string // one of >=, <=, >, <, ==
	Value   float64
	Percent bool
}

// Met reports whether a measured value meets the target.
func (t Target) Met(v float64) bool {
	switch t.Op {
	case ">=":
		return v >= t.Value
	case "<=":
		return v <= t.Value
	case ">":
		return v > t.Value
	case "<":
		return v < t.Value
	default:
		return v == t.Value
	}
}

// Review is the periodic review of a domain's outcomes.
type Review struct {
	Every Duration
	By    string // a role id
	Pos   Pos
}

// Measures a decision type may be sized by.
const (
	MeasureNone     = "none"
	MeasureExposure = "exposure"
	MeasureAmount   = "amount"
	MeasureSeverity = "severity"
)

// OwnerRole is the accountable value that stands for the owner role of the
// domain a decision is about.
const OwnerRole = "@owner"

// Decision is a kind of decision the program must make, with its
// delegation-of-authority ladder(s).
type Decision struct {
	ID                 string
	Name               string
	Domains            []string // nil: every domain
	Measure            string   // one of the Measure constants
	SLA                Duration // zero: none
	ValidFor           Duration // zero: decisions do not lapse by type
	SeparationOfDuties bool
	Authority          []*Tier
	Pos                Pos
}

// DisplayName returns the decision's name, or its id when the model gives none.
func (d *Decision) DisplayName() string { return orID(d.Name, d.ID) }

// Measured reports whether the decision is sized by a measure.
func (d *Decision) Measured() bool { return d.Measure != MeasureNone }

// AppliesTo reports whether decisions of this type are made in domain.
func (d *Decision) AppliesTo(domain string) bool {
	if d.Domains == nil {
		return true
	}
	for _, id := range d.Domains {
		if id == domain {
			return true
		}
	}
	return false
}

// Tier is one rung of a decision's ladder.
type Tier struct {
	// Index is the tier's 1-based position in the decision's authority list,
	// as written.
	Index int
	// UpTo is the highest measure this tier decides; nil for the uncapped tier.
	UpTo        *float64
	Accountable string   // a role id or OwnerRole
	Consulted   []string // role ids
	Informed    []string // role ids
	Domains     []string // nil: the tier applies to every domain of the decision
	Pos         Pos
}

// Uncapped reports whether the tier has no upper bound.
func (t *Tier) Uncapped() bool { return t.UpTo == nil }

// Covers reports whether the tier names domain (only meaningful for tiers
// with Domains).
func (t *Tier) Covers(domain string) bool {
	for _, id := range t.Domains {
		if id == domain {
			return true
		}
	}
	return false
}

// Responsibility is operational responsibility: who performs the work and
// which outcomes they are measured on.
type Responsibility struct {
	ID          string
	Name        string
	Domains     []string // nil: every domain
	Responsible []string // role ids
	MeasuredOn  []OutcomeRef
	Pos         Pos
}

// OutcomeRef is a "domain.outcome" reference with where it was written.
type OutcomeRef struct {
	Domain  string
	Outcome string
	Pos     Pos
}

// String returns the reference as written: "domain.outcome".
func (r OutcomeRef) String() string { return r.Domain + "." + r.Outcome }

// Appetite is the tolerance for one risk category.
type Appetite struct {
	Category  string
	Tolerance float64
	Statement string
	Pos       Pos
}

// Scales maps qualitative scores 1..5 to quantities.
type Scales struct {
	LikelihoodPerYear [5]float64
	Impact            [5]float64
}

// DefaultScales are used when the model gives none.
var DefaultScales = Scales{
	LikelihoodPerYear: [5]float64{0.05, 0.1, 0.3, 1, 3},
	Impact:            [5]float64{10000, 100000, 500000, 2000000, 10000000},
}

// Routing says how incoming alerts find their domain.
type Routing struct {
	Decision      string
	MinSeverity   int
	DefaultDomain string
	Rules         []*RoutingRule
	Pos           Pos
}

// RoutingRule routes alerts matching every entry of Match to Domain.
type RoutingRule struct {
	Match  []Match // in the order written
	Domain string
	Pos    Pos
}

// Match is one condition of a routing rule: a dotted path into the event
// ("resources[].type") and a case-insensitive glob.
type Match struct {
	Path string
	Glob string
}

// Risk statuses.
const (
	RiskOpen        = "open"
	RiskMitigating  = "mitigating"
	RiskAccepted    = "accepted"
	RiskTransferred = "transferred"
	RiskAvoided     = "avoided"
	RiskClosed      = "closed"
)

// Risk is an entry of the risk register.
type Risk struct {
	ID       string
	Title    string
	Domain   string
	Category string
	Owner    string // a role id
	Status   string // one of the Risk* statuses
	Estimate Estimate
	Pos      Pos
}

// Live reports whether the risk still leaves exposure open: every status but
// closed and avoided (an accepted or transferred risk still carries its
// residual exposure).
func (r *Risk) Live() bool { return r.Status != RiskClosed && r.Status != RiskAvoided }

// Estimate is a risk's quantitative or qualitative estimate. Exactly one of
// (Frequency and Magnitude) or (Likelihood and Impact) is set.
type Estimate struct {
	Frequency  *Frequency
	Magnitude  *Magnitude
	Likelihood int // 1..5, 0 when not qualitative
	Impact     int // 1..5, 0 when not qualitative
}

// Qualitative reports whether the estimate is given as scores.
func (e Estimate) Qualitative() bool { return e.Likelihood != 0 }

// Frequency is the rate of loss events per year: a fixed Poisson rate
// (Rate), or a PERT distribution of that rate (Range).
type Frequency struct {
	Rate  float64
	Range *PERT
}

// Magnitude is the loss of one event: a PERT distribution, or a lognormal
// given by its 5th and 95th percentiles.
type Magnitude struct {
	PERT      *PERT
	Lognormal *Interval90
}

// PERT is a three-point estimate.
type PERT struct {
	Min, Likely, Max float64
}

// Interval90 is a 90% confidence interval.
type Interval90 struct {
	P5, P95 float64
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
