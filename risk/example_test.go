package risk_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/risk"
)

// The published reference: 0.1 loss events a year, each costing between
// 100,000 and 1,000,000 with 90% confidence.
func ExampleSimulate() {
	e := governance.Estimate{
		Frequency: &governance.Frequency{Rate: 0.1},
		Magnitude: &governance.Magnitude{Lognormal: &governance.Interval90{P5: 100000, P95: 1000000}},
	}
	r := risk.Simulate(e, governance.DefaultScales, risk.Config{Years: 1000000})
	fmt.Printf("exposure about %.0fK, within 2%% of 40.4K: %v\n", r.Mean/1000, math.Abs(r.Mean-40400) < 0.02*40400)
	fmt.Printf("years with a loss: %.1f%%\n", r.AnyLoss*100)
	// Output:
	// exposure about 41K, within 2% of 40.4K: true
	// years with a loss: 9.5%
}

func ExampleReadCSV() {
	m := &governance.Model{} // a model without domains: every domain is unknown
	_, err := risk.ReadCSV("register.csv", strings.NewReader(
		"id,domain,category,freq,loss_p5,loss_p95\nR-1,identity,data-breach,0.2,5000,\n"), m)
	fmt.Println(err)
	// Output:
	// register.csv:2: domain: unknown domain "identity"
	// register.csv:2: loss_p95: a lognormal loss needs loss_p5, loss_p95; only loss_p5 given
}

func ExampleAggregate() {
	m := &governance.Model{Scales: governance.DefaultScales, Risks: []*governance.Risk{
		{ID: "R-1", Domain: "identity", Category: "data-breach", Status: governance.RiskOpen,
			Estimate: governance.Estimate{Likelihood: 3, Impact: 3}},
		{ID: "R-2", Domain: "endpoint", Category: "data-breach", Status: governance.RiskOpen,
			Estimate: governance.Estimate{Likelihood: 2, Impact: 4}},
	}}
	p := risk.Aggregate(m, risk.Config{})
	sumP99 := p.Risks["R-1"].P99 + p.Risks["R-2"].P99
	fmt.Println("total mean is the sum of means:", math.Abs(p.Total.Mean-(p.Risks["R-1"].Mean+p.Risks["R-2"].Mean)) < 1e-6)
	fmt.Println("total p99 below the sum of p99s:", p.Total.P99 < sumP99)
	fmt.Println("categories:", len(p.Categories), "domains:", len(p.Domains))
	// Output:
	// total mean is the sum of means: true
	// total p99 below the sum of p99s: true
	// categories: 1 domains: 2
}
