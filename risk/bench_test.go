package risk

import (
	"fmt"
	"testing"

	"github.com/antares-governance/antares/governance"
)

// benchModel returns a register of n risks mixing every kind of estimate,
// at frequencies and losses typical of a security risk register.
func benchModel(n int) *governance.Model {
	m := &governance.Model{Scales: governance.DefaultScales}
	for i := range n {
		f := 0.05 + float64(i%40)*0.1 // 0.05 to 3.95 events per year
		var e governance.Estimate
		switch i % 4 {
		case 0:
			e = quant(rate(f), lognormal(10000, 1000000))
		case 1:
			e = quant(rateRange(f/2, f, 2*f), pert(5000, 50000, 2000000))
		case 2:
			e = quant(rate(f), pert(1000, 20000, 300000))
		default:
			e = governance.Estimate{Likelihood: 1 + i%5, Impact: 1 + (i/5)%5}
		}
		m.Risks = append(m.Risks, &governance.Risk{
			ID: fmt.Sprintf("R-%04d", i), Domain: fmt.Sprintf("d%d", i%7), Category: fmt.Sprintf("c%d", i%5),
			Status: governance.RiskOpen, Estimate: e,
		})
	}
	return m
}

// BenchmarkQuantify measures quantifying 1,000 risks × 10,000 simulated
// years on all cores.
func BenchmarkQuantify(b *testing.B) {
	m := benchModel(1000)
	for b.Loop() {
		Quantify(m, Config{})
	}
}

// BenchmarkAggregate measures the same register with its portfolio totals.
func BenchmarkAggregate(b *testing.B) {
	m := benchModel(1000)
	for b.Loop() {
		Aggregate(m, Config{})
	}
}

// BenchmarkSimulate measures one risk of 10,000 years.
func BenchmarkSimulate(b *testing.B) {
	e := quant(rateRange(0.5, 1, 2), pert(5000, 50000, 2000000))
	b.ReportAllocs()
	for b.Loop() {
		Simulate(e, governance.DefaultScales, Config{})
	}
}
