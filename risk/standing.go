package risk

import (
	"cmp"
	"slices"
	"time"

	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
)

// Actions are the treatments of a risk, as `antares risk treat --action`
// takes them and the ledger records them in an entry's outcome.
var Actions = []string{"accept", "mitigate", "transfer", "avoid"}

var actionStatus = map[string]string{
	"accept":   governance.RiskAccepted,
	"mitigate": governance.RiskMitigating,
	"transfer": governance.RiskTransferred,
	"avoid":    governance.RiskAvoided,
}

// StatusAfter returns the status of a risk treated with action, and false
// when action is not one of Actions.
func StatusAfter(action string) (string, bool) {
	s, ok := actionStatus[action]
	return s, ok
}

// Subject returns the ledger subject of decisions about the risk id:
// "risk:" and the id.
func Subject(id string) string { return "risk:" + id }

// Registered is a risk of the register and where it comes from.
type Registered struct {
	Risk *governance.Risk
	// Imported is when the risk was last imported into the database; zero
	// for a risk the model gives.
	Imported time.Time
	// LedgerSize is the size of the ledger when the risk was imported.
	// Treatments recorded after it (entries with a greater Seq) set the
	// risk's status; those before it are history. 0 for the model's risks.
	LedgerSize int64
}

// Merge returns the register: the model's risks, each replaced by the
// stored risk of the same id if there is one, and the stored risks the
// model does not have, ordered by id. The model seeds the register; an
// import overrides it risk by risk.
func Merge(model []*governance.Risk, stored []Registered) []Registered {
	byID := make(map[string]Registered, len(model)+len(stored))
	for _, r := range model {
		byID[r.ID] = Registered{Risk: r}
	}
	for _, r := range stored {
		byID[r.Risk.ID] = r
	}
	out := make([]Registered, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Registered) int { return cmp.Compare(a.Risk.ID, b.Risk.ID) })
	return out
}

// TreatmentFigures are what the register keeps beside a treatment's ledger
// entry: the risk's exposure when it was decided and the reduction the
// treatment states. The entry's measure is the residual exposure.
type TreatmentFigures struct {
	Seq       int64   // the ledger entry
	Risk      string  // the risk's id
	Exposure  float64 // mean annual loss before the treatment
	Reduction float64 // percent, 0 to 100
}

// Treatment is a decision on a risk, as the ledger records it, with the
// figures the register keeps beside it.
type Treatment struct {
	Entry  *ledger.Entry
	Action string
	// Figures are the register's figures of the treatment; nil for a
	// treatment recorded without them (with antares decide, or imported
	// history), which states no reduction.
	Figures *TreatmentFigures
}

// Reduction returns the reduction the treatment states, in percent.
func (t Treatment) Reduction() float64 {
	if t.Figures == nil {
		return 0
	}
	return t.Figures.Reduction
}

// Lapsed reports whether the treatment's decision has lapsed at now.
func (t Treatment) Lapsed(now time.Time) bool {
	return t.Entry.ValidUntil != nil && !now.Before(*t.Entry.ValidUntil)
}

// Treatments picks from the ledger entries (in ledger order) the
// treatments of risks: authorized decisions of the model's risk_treatment
// decision type whose subject is a risk ("risk:R-12") and whose outcome is
// one of Actions. figures adds the register's figures by entry. The result
// maps each risk id to its treatments, oldest first.
func Treatments(m *governance.Model, entries []*ledger.Entry, figures []TreatmentFigures) map[string][]Treatment {
	bySeq := make(map[int64]*TreatmentFigures, len(figures))
	for i := range figures {
		bySeq[figures[i].Seq] = &figures[i]
	}
	out := map[string][]Treatment{}
	for _, e := range entries {
		id, ok := cutSubject(e.Subject)
		if !ok || m.RiskTreatment == "" || e.Kind != ledger.KindDecision || e.Decision != m.RiskTreatment || !e.Authorized {
			continue
		}
		if _, ok := StatusAfter(e.Outcome); !ok {
			continue
		}
		t := Treatment{Entry: e, Action: e.Outcome}
		if f := bySeq[e.Seq]; f != nil && f.Risk == id {
			t.Figures = f
		}
		out[id] = append(out[id], t)
	}
	return out
}

func cutSubject(s string) (string, bool) {
	const prefix = "risk:"
	if len(s) <= len(prefix) || s[:len(prefix)] != prefix {
		return "", false
	}
	return s[len(prefix):], true
}

// Cadence is how often a risk must be reviewed, by its residual exposure
// against its category's tolerance.
type Cadence struct {
	OverTolerance time.Duration // residual above the tolerance
	OverHalf      time.Duration // above half the tolerance
	Within        time.Duration // at most half the tolerance
	NoAppetite    time.Duration // the category has no tolerance
}

const day = 24 * time.Hour

// DefaultCadence reviews a risk every 30 days while its residual exposure
// is above its category's tolerance, every 90 days while above half of it,
// every 365 days otherwise, and every 90 days when the model states no
// tolerance for its category.
var DefaultCadence = Cadence{OverTolerance: 30 * day, OverHalf: 90 * day, Within: 365 * day, NoAppetite: 90 * day}

// Interval returns the time between reviews of a risk with the given
// residual exposure under the appetite a (nil: none).
func (c Cadence) Interval(residual float64, a *governance.Appetite) time.Duration {
	switch {
	case a == nil:
		return c.NoAppetite
	case residual > a.Tolerance:
		return c.OverTolerance
	case residual > a.Tolerance/2:
		return c.OverHalf
	}
	return c.Within
}

// Standing is where a risk of the register stands at a moment: its status
// after the treatments recorded since it was imported, its exposure and
// residual exposure, how they compare with its category's appetite, and
// when it is next reviewed.
type Standing struct {
	Registered
	// Status is the risk's status: the register's, or the status set by
	// the latest treatment recorded since, or open once that treatment
	// lapsed.
	Status string
	// Treatment is the latest treatment recorded since the risk was
	// imported; nil when there is none.
	Treatment *Treatment
	// Lapsed reports whether Treatment's decision has lapsed: the risk is
	// open again and due for review.
	Lapsed bool
	// Exposure is the simulated annual loss of the risk's estimate.
	Exposure Result
	// Residual is Exposure after the reduction of the treatment in force;
	// zero for a closed or avoided risk, which leaves no exposure.
	Residual Result
	// Appetite is the category's appetite; nil when the model states none.
	Appetite *governance.Appetite
	// OverAppetite reports whether the residual exposure of a live risk
	// exceeds its category's tolerance.
	OverAppetite bool
	// LastReview is the latest of the risk's import and its latest
	// treatment; zero when neither happened.
	LastReview time.Time
	// NextReview is when the risk is due for review: LastReview plus the
	// cadence's interval for its residual exposure, or earlier when the
	// treatment in force lapses earlier; when it lapsed, the moment it did.
	// Zero when the risk is due now, never having been reviewed, or needs
	// no review (NeedsReview false).
	NextReview time.Time
	// NeedsReview is false for a closed risk and an avoided one whose
	// decision does not lapse.
	NeedsReview bool
	// Overdue reports whether the review is due at the moment of the
	// standing.
	Overdue bool
}

// Live reports whether the risk still leaves exposure open at its status:
// it is neither closed nor avoided.
func (s Standing) Live() bool {
	return s.Status != governance.RiskClosed && s.Status != governance.RiskAvoided
}

// Stand returns where each risk of the register stands at now, in the
// order of reg. treatments are the risks' treatments as Treatments picks
// them; cfg is the simulation of every risk's exposure (see Quantify).
func Stand(m *governance.Model, reg []Registered, treatments map[string][]Treatment, now time.Time, cfg Config, c Cadence) []Standing {
	risks := make([]*governance.Risk, len(reg))
	for i, r := range reg {
		risks[i] = r.Risk
	}
	results := Quantify(&governance.Model{Risks: risks, Scales: m.Scales}, cfg)
	out := make([]Standing, len(reg))
	for i, r := range reg {
		s := Standing{Registered: r, Status: r.Risk.Status, Exposure: results[r.Risk.ID], LastReview: r.Imported}
		s.Appetite = m.AppetiteFor(r.Risk.Category)
		ts := treatments[r.Risk.ID]
		if n := len(ts); n > 0 && ts[n-1].Entry.Seq > r.LedgerSize {
			t := ts[n-1]
			s.Treatment = &t
			s.Status, _ = StatusAfter(t.Action)
			s.Lapsed = t.Lapsed(now)
			if s.Lapsed {
				s.Status = governance.RiskOpen
			}
			if t.Entry.Time.After(s.LastReview) {
				s.LastReview = t.Entry.Time
			}
		}
		live := s.Live()
		reduction := 0.0
		switch {
		case !live:
			reduction = 100
		case s.Treatment != nil && !s.Lapsed:
			reduction = s.Treatment.Reduction()
		}
		// Reductions are checked when a treatment is recorded: one out of
		// range can only come from a tampered database, and counts as none.
		if res, err := Residual(s.Exposure, reduction); err == nil {
			s.Residual = res
		} else {
			s.Residual = s.Exposure
		}
		s.OverAppetite = live && s.Appetite != nil && s.Residual.Mean > s.Appetite.Tolerance
		var lapses *time.Time
		if s.Treatment != nil {
			lapses = s.Treatment.Entry.ValidUntil
		}
		switch {
		case s.Lapsed: // due since the decision lapsed
			s.NeedsReview, s.NextReview = true, *lapses
		case live:
			s.NeedsReview = true
			if !s.LastReview.IsZero() {
				s.NextReview = s.LastReview.Add(c.Interval(s.Residual.Mean, s.Appetite))
				if lapses != nil && lapses.Before(s.NextReview) {
					s.NextReview = *lapses
				}
			}
		case lapses != nil: // avoided, until the decision lapses
			s.NeedsReview, s.NextReview = true, *lapses
		}
		s.Overdue = s.NeedsReview && (s.NextReview.IsZero() || !now.Before(s.NextReview))
		out[i] = s
	}
	return out
}
