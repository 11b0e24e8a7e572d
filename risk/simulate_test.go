package risk

import (
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

func rate(r float64) *governance.Frequency { return &governance.Frequency{Rate: r} }

func rateRange(min, likely, max float64) *governance.Frequency {
	return &governance.Frequency{Range: &governance.PERT{Min: min, Likely: likely, Max: max}}
}

func pert(min, likely, max float64) *governance.Magnitude {
	return &governance.Magnitude{PERT: &governance.PERT{Min: min, Likely: likely, Max: max}}
}

func lognormal(p5, p95 float64) *governance.Magnitude {
	return &governance.Magnitude{Lognormal: &governance.Interval90{P5: p5, P95: p95}}
}

func quant(f *governance.Frequency, m *governance.Magnitude) governance.Estimate {
	return governance.Estimate{Frequency: f, Magnitude: m}
}

func within(t *testing.T, what string, got, want, relTol float64) {
	t.Helper()
	if math.Abs(got-want) > relTol*math.Abs(want) {
		t.Errorf("%s = %.6g, want %.6g within %.2g%%", what, got, want, relTol*100)
	}
}

// TestCrossCheck pins the exposure of the published reference: 0.1 events
// per year, a loss whose 90% interval is 100,000 to 1,000,000: the lognormal
// mean times the rate, about 40,400.
func TestCrossCheck(t *testing.T) {
	e := quant(rate(0.1), lognormal(100000, 1000000))
	got := Simulate(e, governance.DefaultScales, Config{Years: 1000000})
	within(t, "mean annual loss", got.Mean, 40400, 0.02)
	// The exact figure: mu and sigma of the fitted lognormal.
	mu := (math.Log(1e5) + math.Log(1e6)) / 2
	sigma := (math.Log(1e6) - math.Log(1e5)) / (2 * 1.6448536269514722)
	exact := 0.1 * math.Exp(mu+sigma*sigma/2)
	within(t, "mean against the exact lognormal mean", got.Mean, exact, 0.02)
	if d := math.Abs(got.Mean - exact); d > 4*got.StdErr {
		t.Errorf("mean %.0f is %.1f standard errors (%.0f) from %.0f", got.Mean, d/got.StdErr, got.StdErr, exact)
	}
}

// TestMagnitudeMoments checks the sample mean of each loss distribution
// against its analytic mean, and the lognormal's 90% interval.
func TestMagnitudeMoments(t *testing.T) {
	tests := []struct {
		name string
		d    dist
		mean float64
	}{
		{"pert symmetric", newPERT(0, 50, 100), 50},
		{"pert skewed", newPERT(200000, 900000, 4000000), (200000 + 4*900000 + 4000000) / 6.0},
		{"pert likely at min", newPERT(10, 10, 1000), (10 + 40 + 1000) / 6.0},
		{"pert likely at max", newPERT(10, 1000, 1000), (10 + 4000 + 1000) / 6.0},
		{"pert degenerate", newPERT(500, 500, 500), 500},
		{"lognormal", newLognormal(1000, 100000), 0},
		{"qualitative impact", lognormalWithMean(500000, qualitativeSigma), 500000},
	}
	const n = 400000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			draws := make([]float64, n)
			var sum float64
			for i := range draws {
				draws[i] = tt.d.draw(r)
				sum += draws[i]
			}
			want := tt.mean
			if want == 0 {
				want = tt.d.mean
			}
			within(t, "sample mean", sum/n, want, 0.01)
			within(t, "analytic mean", tt.d.mean, want, 1e-12)
			slices.Sort(draws)
			if tt.d.pert {
				if draws[0] < tt.d.min || draws[n-1] > tt.d.min+tt.d.span {
					t.Errorf("draws span [%v, %v], outside [%v, %v]", draws[0], draws[n-1], tt.d.min, tt.d.min+tt.d.span)
				}
				return
			}
			if tt.name == "lognormal" {
				within(t, "5th percentile", draws[n/20], 1000, 0.02)
				within(t, "95th percentile", draws[n*19/20], 100000, 0.02)
			}
		})
	}
}

func TestPoissonMoments(t *testing.T) {
	for _, lambda := range []float64{0, 0.05, 0.5, 3, 9.99, 10, 42, 1000, 250000} {
		p := newPoisson(lambda)
		r := rand.New(rand.NewPCG(3, 4))
		const n = 200000
		var sum, squares float64
		for range n {
			k := p.draw(r)
			if k < 0 || k != math.Trunc(k) {
				t.Fatalf("lambda %v: drew %v, not a count", lambda, k)
			}
			sum += k
			squares += k * k
		}
		mean := sum / n
		variance := squares/n - mean*mean
		if lambda == 0 {
			if sum != 0 {
				t.Errorf("lambda 0: drew %v events", sum)
			}
			continue
		}
		// Five standard errors of the mean; the variance within 3%.
		if se := math.Sqrt(lambda / n); math.Abs(mean-lambda) > 5*se {
			t.Errorf("lambda %v: mean %v, more than 5 standard errors (%v) off", lambda, mean, se)
		}
		within(t, "variance", variance, lambda, 0.03)
	}
}

func TestSimulateMeans(t *testing.T) {
	s := governance.DefaultScales
	tests := []struct {
		name string
		e    governance.Estimate
		want float64
	}{
		{"fixed rate, pert loss", quant(rate(2), pert(1000, 5000, 30000)), 2 * (1000 + 20000 + 30000) / 6.0},
		{"pert rate", quant(rateRange(0.05, 0.2, 0.5), pert(200000, 900000, 4000000)),
			(0.05 + 0.8 + 0.5) / 6 * (200000 + 3600000 + 4000000) / 6},
		{"pert rate above the inversion threshold", quant(rateRange(8, 20, 60), pert(0, 100, 200)), (8 + 80 + 60) / 6.0 * 100},
		{"high frequency summed by the normal approximation", quant(rate(5000), pert(0, 0, 600)), 5000 * 100},
		{"zero rate", quant(rate(0), pert(1, 2, 3)), 0},
		{"qualitative", governance.Estimate{Likelihood: 3, Impact: 4}, s.LikelihoodPerYear[2] * s.Impact[3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Simulate(tt.e, s, Config{Years: 200000})
			if tt.want == 0 {
				if got.Mean != 0 || got.P99 != 0 || got.AnyLoss != 0 {
					t.Errorf("got %+v, want no loss", got)
				}
				return
			}
			within(t, "mean", got.Mean, tt.want, 0.03)
			if d := math.Abs(got.Mean - tt.want); d > 5*got.StdErr {
				t.Errorf("mean %v is %.1f standard errors from %v", got.Mean, d/got.StdErr, tt.want)
			}
		})
	}
}

func TestScalesMapQualitativeScores(t *testing.T) {
	s := governance.Scales{LikelihoodPerYear: [5]float64{1, 2, 3, 4, 5}, Impact: [5]float64{10, 20, 30, 40, 50}}
	got := Simulate(governance.Estimate{Likelihood: 2, Impact: 5}, s, Config{Years: 200000})
	within(t, "mean", got.Mean, 2*50, 0.02)
}

func TestResultShape(t *testing.T) {
	estimates := map[string]governance.Estimate{
		"rare":        quant(rate(0.05), lognormal(10000, 5000000)),
		"frequent":    quant(rate(12), pert(100, 2000, 9000)),
		"pert rate":   quant(rateRange(0, 1, 4), lognormal(1, 10)),
		"qualitative": {Likelihood: 5, Impact: 1},
	}
	for name, e := range estimates {
		t.Run(name, func(t *testing.T) {
			r := Simulate(e, governance.DefaultScales, Config{})
			if r.Years != DefaultYears {
				t.Errorf("years = %d, want %d", r.Years, DefaultYears)
			}
			if !(0 <= r.P10 && r.P10 <= r.P50 && r.P50 <= r.P90 && r.P90 <= r.P99) {
				t.Errorf("percentiles out of order: p10 %v p50 %v p90 %v p99 %v", r.P10, r.P50, r.P90, r.P99)
			}
			if r.Mean <= 0 || r.AnyLoss <= 0 || r.AnyLoss > 1 {
				t.Errorf("mean %v, any loss %v", r.Mean, r.AnyLoss)
			}
			if len(r.Curve) != len(CurveProbabilities) {
				t.Fatalf("curve has %d points, want %d", len(r.Curve), len(CurveProbabilities))
			}
			for i, p := range r.Curve {
				if p.Probability != CurveProbabilities[i] {
					t.Errorf("point %d at probability %v, want %v", i, p.Probability, CurveProbabilities[i])
				}
				if i > 0 && p.Loss < r.Curve[i-1].Loss {
					t.Errorf("curve falls from %v to %v at probability %v", r.Curve[i-1].Loss, p.Loss, p.Probability)
				}
			}
			if r.Curve[0].Loss != r.P50 || r.Curve[4].Loss != r.P90 || r.Curve[7].Loss != r.P99 {
				t.Errorf("curve %v disagrees with p50 %v, p90 %v, p99 %v", r.Curve, r.P50, r.P90, r.P99)
			}
		})
	}
}

func TestSummarizeNearestRank(t *testing.T) {
	losses := make([]float64, 100)
	for i := range losses {
		losses[i] = float64(100 - i) // 100 down to 1
	}
	losses[3], losses[7] = 0, 0 // two loss-free years: 0, 0, 1, 2, ...
	r := summarize(losses)
	sum := 5050.0 - 97 - 93
	if r.Mean != sum/100 || r.AnyLoss != 0.98 {
		t.Errorf("mean %v any loss %v, want %v and 0.98", r.Mean, r.AnyLoss, sum/100)
	}
	// Sorted: 0, 0, 1, 2, 3, ..., 92, 94, 95, 96, 98, 99, 100 (93 and 97 replaced by zeros).
	if r.P10 != 8 || r.P50 != 48 || r.P90 != 88 || r.P99 != 99 {
		t.Errorf("p10 %v p50 %v p90 %v p99 %v, want 8 48 88 99", r.P10, r.P50, r.P90, r.P99)
	}
	if empty := summarize(nil); !reflect.DeepEqual(empty, Result{}) {
		t.Errorf("summarize(nil) = %+v", empty)
	}
}

func TestReproducible(t *testing.T) {
	e := quant(rateRange(0.1, 0.5, 2), pert(1000, 20000, 500000))
	a := Simulate(e, governance.DefaultScales, Config{Seed: 7})
	b := Simulate(e, governance.DefaultScales, Config{Seed: 7})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different figures:\n%+v\n%+v", a, b)
	}
	c := Simulate(e, governance.DefaultScales, Config{Seed: 8})
	if a.Mean == c.Mean || a.P90 == c.P90 {
		t.Errorf("seeds 7 and 8 give the same figures: %+v", a)
	}
	if d := Simulate(e, governance.DefaultScales, Config{}); !reflect.DeepEqual(d, Simulate(e, governance.DefaultScales, Config{Seed: DefaultSeed, Years: DefaultYears})) {
		t.Error("the zero Config does not simulate DefaultYears from DefaultSeed")
	}
}

func TestSimulateInvalidEstimate(t *testing.T) {
	for name, e := range map[string]governance.Estimate{
		"empty":        {},
		"negative":     quant(rate(-1), pert(1, 2, 3)),
		"NaN loss":     quant(rate(1), lognormal(math.NaN(), 10)),
		"infinite max": quant(rate(1), pert(1, 2, math.Inf(1))),
	} {
		r := Simulate(e, governance.DefaultScales, Config{Years: 100})
		if r.Years != 100 || r.Mean != 0 || r.P99 != 0 || r.AnyLoss != 0 {
			t.Errorf("%s: got %+v, want 100 years of zero loss", name, r)
		}
	}
	bad := governance.Scales{LikelihoodPerYear: [5]float64{1, 1, 1, 1, math.NaN()}, Impact: [5]float64{-1, 0, 1, 1, 1}}
	for _, e := range []governance.Estimate{{Likelihood: 5, Impact: 3}, {Likelihood: 1, Impact: 1}, {Likelihood: 1, Impact: 2}} {
		if r := Simulate(e, bad, Config{Years: 100}); r.Mean != 0 || r.P99 != 0 {
			t.Errorf("scores %d/%d on scales %v: got %+v, want zero loss", e.Likelihood, e.Impact, bad, r)
		}
	}
}

func TestResidual(t *testing.T) {
	r := Simulate(quant(rate(1), pert(100, 200, 900)), governance.DefaultScales, Config{Years: 1000})
	for _, pct := range []float64{0, 40, 100} {
		got, err := Residual(r, pct)
		if err != nil {
			t.Fatalf("Residual(%v): %v", pct, err)
		}
		f := 1 - pct/100
		if got.Mean != r.Mean*f || got.P50 != r.P50*f || got.P99 != r.P99*f || got.Curve[3].Loss != r.Curve[3].Loss*f {
			t.Errorf("Residual(%v) = %+v, want every figure of %+v times %v", pct, got, r, f)
		}
		if wantAny := r.AnyLoss * math.Ceil(f); got.AnyLoss != wantAny {
			t.Errorf("Residual(%v) any loss %v, want %v", pct, got.AnyLoss, wantAny)
		}
	}
	if r.Curve[3].Loss == 0 {
		t.Fatal("test estimate has no loss at the curve's fourth point")
	}
	if _, err := Residual(r, 50); err != nil || r.Curve[3].Loss == 0 {
		t.Error("Residual changed its argument's curve")
	}
	for _, pct := range []float64{-1, 100.5, math.NaN()} {
		if _, err := Residual(r, pct); antares.ErrorCode(err) != antares.EINVALID {
			t.Errorf("Residual(%v) error %v, want an invalid error", pct, err)
		}
	}
}

func testModel() *governance.Model {
	return &governance.Model{Scales: governance.DefaultScales, Risks: []*governance.Risk{
		{ID: "R-1", Domain: "endpoint", Category: "data-breach", Status: governance.RiskOpen, Estimate: quant(rateRange(0.05, 0.2, 0.5), pert(200000, 900000, 4000000))},
		{ID: "R-2", Domain: "identity", Category: "data-breach", Status: governance.RiskMitigating, Estimate: quant(rate(0.1), lognormal(100000, 1000000))},
		{ID: "R-3", Domain: "identity", Category: "outage", Status: governance.RiskAccepted, Estimate: governance.Estimate{Likelihood: 4, Impact: 2}},
		{ID: "R-4", Domain: "vendor", Category: "outage", Status: governance.RiskOpen, Estimate: quant(rate(3), pert(1000, 5000, 50000))},
		{ID: "R-5", Domain: "vendor", Category: "fraud", Status: governance.RiskClosed, Estimate: quant(rate(1), pert(1000, 5000, 50000))},
		{ID: "R-6", Status: governance.RiskOpen, Estimate: quant(rate(0.5), pert(0, 1000, 2000))},
	}}
}

func TestQuantifyIndependentOfOtherRisks(t *testing.T) {
	m := testModel()
	cfg := Config{Years: 5000, Seed: 99}
	all := Quantify(m, cfg)
	if len(all) != len(m.Risks) {
		t.Fatalf("%d results for %d risks", len(all), len(m.Risks))
	}
	for _, r := range m.Risks {
		if want := Simulate(r.Estimate, m.Scales, cfg.ForRisk(r.ID)); !reflect.DeepEqual(all[r.ID], want) {
			t.Errorf("%s: Quantify and Simulate under ForRisk differ", r.ID)
		}
	}
	reversed := &governance.Model{Scales: m.Scales, Risks: slices.Clone(m.Risks)}
	slices.Reverse(reversed.Risks)
	if got := Quantify(reversed, cfg); !reflect.DeepEqual(got, all) {
		t.Error("reversing the risks changed the figures")
	}
	alone := &governance.Model{Scales: m.Scales, Risks: m.Risks[2:3]}
	if got := Quantify(alone, cfg); !reflect.DeepEqual(got["R-3"], all["R-3"]) {
		t.Error("quantifying R-3 alone changed its figures")
	}
	if a, b := all["R-1"], all["R-4"]; a.Mean == b.Mean {
		t.Error("different risks, same figures")
	}
	if got := Quantify(&governance.Model{}, cfg); len(got) != 0 {
		t.Errorf("no risks, %d results", len(got))
	}
}

func TestAggregate(t *testing.T) {
	m := testModel()
	cfg := Config{Years: 20000}
	p := Aggregate(m, cfg)
	if !reflect.DeepEqual(p.Risks, Quantify(m, cfg)) {
		t.Error("Aggregate's risks differ from Quantify's")
	}
	groups := []struct {
		name string
		got  Result
		ids  []string
	}{
		{"total", p.Total, []string{"R-1", "R-2", "R-3", "R-4", "R-6"}}, // R-5 is closed
		{"domain identity", p.Domains["identity"], []string{"R-2", "R-3"}},
		{"domain vendor", p.Domains["vendor"], []string{"R-4"}},
		{"category data-breach", p.Categories["data-breach"], []string{"R-1", "R-2"}},
		{"category outage", p.Categories["outage"], []string{"R-3", "R-4"}},
	}
	for _, g := range groups {
		var mean, p99 float64
		for _, id := range g.ids {
			mean += p.Risks[id].Mean
			p99 += p.Risks[id].P99
		}
		within(t, g.name+" mean against the sum of means", g.got.Mean, mean, 1e-9)
		if g.got.P99 > p99 {
			t.Errorf("%s: p99 %v above the sum of p99s %v", g.name, g.got.P99, p99)
		}
		if g.got.Years != cfg.Years {
			t.Errorf("%s: %d years", g.name, g.got.Years)
		}
	}
	if len(p.Domains) != 3 || len(p.Categories) != 2 {
		t.Errorf("domains %v, categories %v: want endpoint, identity, vendor and data-breach, outage", keys(p.Domains), keys(p.Categories))
	}
	reversed := &governance.Model{Scales: m.Scales, Risks: slices.Clone(m.Risks)}
	slices.Reverse(reversed.Risks)
	if !reflect.DeepEqual(Aggregate(reversed, cfg), p) {
		t.Error("reversing the risks changed the portfolio")
	}
}

func keys(m map[string]Result) []string { return slices.Sorted(maps.Keys(m)) }

// TestSummarizeMatchesSort checks the selection of percentiles against a
// full sort, on losses with many zeros, many ties and none.
func TestSummarizeMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 17, 100, 1000, 10007} {
		for _, kind := range []string{"distinct", "ties", "mostly zero", "all zero"} {
			losses := make([]float64, n)
			for i := range losses {
				switch kind {
				case "distinct":
					losses[i] = r.ExpFloat64() * 1000
				case "ties":
					losses[i] = float64(r.IntN(4) * 250)
				case "mostly zero":
					if r.IntN(20) == 0 {
						losses[i] = r.Float64()
					}
				}
			}
			sorted := slices.Clone(losses)
			slices.Sort(sorted)
			got := summarize(losses)
			at := func(p float64) float64 { return sorted[rank(p, n)] }
			want := []float64{at(0.1), at(0.5), at(0.9), at(0.99)}
			for _, p := range CurveProbabilities {
				want = append(want, at(1-p))
			}
			have := []float64{got.P10, got.P50, got.P90, got.P99}
			for _, pt := range got.Curve {
				have = append(have, pt.Loss)
			}
			if !slices.Equal(have, want) {
				t.Errorf("%d %s losses: percentiles and curve %v, want %v", n, kind, have, want)
			}
		}
	}
}
