package governance

import (
	"fmt"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// RiskStatuses lists the statuses a risk may have.
var RiskStatuses = []string{RiskOpen, RiskMitigating, RiskAccepted, RiskTransferred, RiskAvoided, RiskClosed}

// ValidRiskID reports whether s can be a risk id: non-empty, without
// whitespace. Risk ids are kept as the source register writes them.
func ValidRiskID(s string) bool {
	return s != "" && strings.IndexFunc(s, unicode.IsSpace) < 0
}

// ValidID reports whether s can be an identifier of the model (a person,
// role, domain, decision, responsibility or risk category):
// ^[a-z0-9][a-z0-9._-]{0,63}$.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Bounds of the figures of an estimate. They keep every simulated figure
// finite and every simulation quick; no real estimate comes near them.
const (
	MaxRate   = 1e6  // loss events per year
	MaxLoss   = 1e15 // loss of one event, in the model's currency
	MaxSpread = 1e9  // ratio p95/p5 of a lognormal magnitude
)

// Check reports what is wrong with an estimate, or nil: it must give either
// a frequency and a magnitude, or a likelihood and an impact score, with
// ordered, non-negative figures within MaxRate, MaxLoss and MaxSpread.
func (e Estimate) Check() error {
	quant := e.Frequency != nil || e.Magnitude != nil
	qual := e.Likelihood != 0 || e.Impact != 0
	switch {
	case quant && qual:
		return fmt.Errorf("give either frequency and magnitude, or likelihood and impact, not both")
	case !quant && !qual:
		return fmt.Errorf("no estimate: give frequency and magnitude (or likelihood and impact scores 1..5)")
	case qual && (e.Likelihood < 1 || e.Likelihood > 5 || e.Impact < 1 || e.Impact > 5):
		return fmt.Errorf("likelihood and impact must both be scores from 1 to 5")
	case quant && e.Frequency == nil:
		return fmt.Errorf("magnitude without frequency: give the loss events per year too")
	case quant && e.Magnitude == nil:
		return fmt.Errorf("frequency without magnitude: give the loss per event too")
	}
	if !quant {
		return nil
	}
	rates := []float64{e.Frequency.Rate}
	if f := e.Frequency; f.Range != nil {
		if err := f.Range.check("frequency"); err != nil {
			return err
		}
		rates = []float64{f.Range.Min, f.Range.Likely, f.Range.Max}
	} else if !(f.Rate >= 0) {
		return fmt.Errorf("frequency must be 0 or more events per year, got %v", f.Rate)
	}
	var losses []float64
	switch m := e.Magnitude; {
	case m.PERT != nil:
		if err := m.PERT.check("magnitude"); err != nil {
			return err
		}
		losses = []float64{m.PERT.Min, m.PERT.Likely, m.PERT.Max}
	case m.Lognormal != nil:
		l := m.Lognormal
		if !(l.P5 > 0 && l.P95 > l.P5) {
			return fmt.Errorf("magnitude needs 0 < p5 < p95 (a 90%% interval of the loss), got p5 %v, p95 %v", l.P5, l.P95)
		}
		if l.P95/l.P5 > MaxSpread {
			return fmt.Errorf("magnitude p95 is more than %g times p5 (p5 %v, p95 %v): narrow the interval", MaxSpread, l.P5, l.P95)
		}
		losses = []float64{l.P5, l.P95}
	default:
		return fmt.Errorf("magnitude needs {min, likely, max} or {p5, p95}")
	}
	for _, v := range rates {
		if !(v <= MaxRate) {
			return fmt.Errorf("frequency must be at most %g events per year, got %v", MaxRate, v)
		}
	}
	for _, v := range losses {
		if !(v <= MaxLoss) {
			return fmt.Errorf("a loss must be at most %g, got %v", MaxLoss, v)
		}
	}
	return nil
}

func (p *PERT) check(what string) error {
	if !(p.Min >= 0 && p.Min <= p.Likely && p.Likely <= p.Max && p.Max > 0) {
		return fmt.Errorf("%s needs 0 <= min <= likely <= max and max > 0, got min %v, likely %v, max %v", what, p.Min, p.Likely, p.Max)
	}
	return nil
}

func (l *loader) risk(d *decoder, n node) {
	r := &Risk{Status: RiskOpen, Pos: d.pos(n)}
	e := &r.Estimate
	before := len(*d.errs)
	if !d.object(n, "a risk",
		field{name: "id", required: true, set: func(v node) {
			r.ID = d.str(v, "risk id")
			if !ValidRiskID(r.ID) && isScalar(v) {
				d.errorf(v, "risk id %q must be non-empty text without spaces, e.g. R-12", r.ID)
			}
		}},
		field{name: "title", set: func(v node) { r.Title = d.text(v, "title") }},
		field{name: "domain", required: true, set: func(v node) {
			r.Domain = d.id(v, "domain")
			l.refs = append(l.refs, ref{kind: "domain", id: r.Domain, pos: d.pos(v), in: "risk " + r.ID})
		}},
		field{name: "category", required: true, set: func(v node) { r.Category = d.id(v, "category") }},
		field{name: "owner", set: func(v node) {
			r.Owner = d.id(v, "owner")
			l.refs = append(l.refs, ref{kind: "role", id: r.Owner, pos: d.pos(v), in: "owner of risk " + r.ID})
		}},
		field{name: "status", set: func(v node) { r.Status = d.oneOf(v, "status", RiskStatuses...) }},
		field{name: "frequency", set: func(v node) { e.Frequency = d.frequency(v) }},
		field{name: "magnitude", set: func(v node) { e.Magnitude = d.magnitude(v) }},
		field{name: "likelihood", set: func(v node) { e.Likelihood, _ = d.integer(v, "likelihood", 1, 5) }},
		field{name: "impact", set: func(v node) { e.Impact, _ = d.integer(v, "impact", 1, 5) }},
	) {
		return
	}
	if err := e.Check(); err != nil && len(*d.errs) == before {
		d.errorAt(r.Pos, "risk %s: %v", r.ID, err)
	}
	l.m.Risks = append(l.m.Risks, r)
}

func (d *decoder) frequency(v node) *Frequency {
	if v != nil && v.Kind == yaml.MappingNode {
		p := d.pert(v, "frequency")
		if p == nil {
			return nil
		}
		return &Frequency{Range: p}
	}
	f, ok := d.positive(v, "frequency (events per year)", true)
	if !ok {
		return nil
	}
	return &Frequency{Rate: f}
}

func (d *decoder) pert(v node, what string) *PERT {
	p := &PERT{}
	ok := true
	num := func(into *float64, name string) field {
		return field{name: name, required: true, set: func(v node) {
			f, good := d.positive(v, what+" "+name, true)
			*into, ok = f, ok && good
		}}
	}
	if !d.object(v, what, num(&p.Min, "min"), num(&p.Likely, "likely"), num(&p.Max, "max")) || !ok {
		return nil
	}
	return p
}

func (d *decoder) magnitude(v node) *Magnitude {
	if v == nil || v.Kind != yaml.MappingNode {
		d.errorf(v, "magnitude must be {min, likely, max} or {p5, p95}, not %s", kindOf(v))
		return nil
	}
	for k := range d.pairs(v) {
		if isScalar(k) && (k.Value == "p5" || k.Value == "p95") {
			ln := &Interval90{}
			ok := true
			num := func(into *float64, name string) field {
				return field{name: name, required: true, set: func(v node) {
					f, good := d.positive(v, "magnitude "+name, false)
					*into, ok = f, ok && good
				}}
			}
			if !d.object(v, "magnitude", num(&ln.P5, "p5"), num(&ln.P95, "p95")) || !ok {
				return nil
			}
			return &Magnitude{Lognormal: ln}
		}
	}
	if p := d.pert(v, "magnitude"); p != nil {
		return &Magnitude{PERT: p}
	}
	return nil
}
