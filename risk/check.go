package risk

import (
	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// Bounds of an estimate that Check accepts. They keep every simulated
// figure finite and every simulation quick; no real estimate comes near.
const (
	MaxRate   = 1e6  // loss events per year
	MaxLoss   = 1e15 // loss of one event, in the model's currency
	MaxSpread = 1e9  // ratio p95/p5 of a lognormal magnitude
)

// Check reports what is wrong with an estimate, or nil: what
// governance.Estimate.Check reports, and figures that are not numbers or lie
// beyond MaxRate, MaxLoss or MaxSpread. The error has code antares.EINVALID.
func Check(e governance.Estimate) error {
	if err := e.Check(); err != nil {
		return antares.Errorf(antares.EINVALID, "%v", err)
	}
	if e.Qualitative() {
		return nil
	}
	f, m := e.Frequency, e.Magnitude
	rates := []float64{f.Rate}
	if f.Range != nil {
		rates = []float64{f.Range.Min, f.Range.Likely, f.Range.Max}
	}
	var losses []float64
	if m.PERT != nil {
		losses = []float64{m.PERT.Min, m.PERT.Likely, m.PERT.Max}
	} else {
		losses = []float64{m.Lognormal.P5, m.Lognormal.P95}
	}
	for _, v := range rates {
		if !(v <= MaxRate) {
			return invalidf("frequency must be at most %g events per year, got %v", MaxRate, v)
		}
	}
	for _, v := range losses {
		if !(v <= MaxLoss) {
			return invalidf("a loss must be at most %g, got %v", MaxLoss, v)
		}
	}
	if l := m.Lognormal; l != nil && l.P95/l.P5 > MaxSpread {
		return invalidf("magnitude p95 is more than %g times p5 (p5 %v, p95 %v): narrow the interval", MaxSpread, l.P5, l.P95)
	}
	return nil
}

func invalidf(format string, args ...any) error {
	return antares.Errorf(antares.EINVALID, format, args...)
}
