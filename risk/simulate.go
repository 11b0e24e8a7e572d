// Package risk quantifies the risk register: a seeded Monte Carlo simulation
// of each risk's annual loss from its analysts' estimate, portfolio totals
// per domain and category, residual exposure after treatment, the reading
// of register files (CSV, XLSX), and where each risk of the register stands
// after its treatments: status, residual against appetite, next review.
//
// A risk's exposure is its mean simulated annual loss. Each simulated year
// draws the number of loss events from a Poisson distribution, and each
// event's loss from the estimate's magnitude; see docs/risk.md for the
// distributions and how qualitative scores are mapped. The package imports
// no storage and no HTTP.
package risk

import (
	"cmp"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/antares-governance/antares/governance"

	"github.com/antares-governance/antares"
)

// DefaultYears is the number of simulated years per risk when Config.Years
// is zero.
const DefaultYears = 10000

// DefaultSeed is the seed used when Config.Seed is zero: the bytes of
// "antares". Any fixed seed gives the same figures on every run and machine.
const DefaultSeed uint64 = 0x616e7461726573

// Config sets up a simulation. The zero Config simulates DefaultYears years
// from DefaultSeed.
type Config struct {
	Years int    // simulated years per risk; 0 or less means DefaultYears
	Seed  uint64 // 0 means DefaultSeed
}

// WithDefaults returns c with DefaultYears and DefaultSeed in place of zero
// (or, for Years, negative) values: the configuration a simulation runs.
func (c Config) WithDefaults() Config {
	if c.Years <= 0 {
		c.Years = DefaultYears
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return c
}

// ForRisk returns the configuration Quantify simulates the risk with the
// given id under: the same years, and a seed derived from c's seed and the
// id alone, so that a risk's figures depend neither on the order nor on the
// set of the other risks.
func (c Config) ForRisk(id string) Config {
	c = c.WithDefaults()
	h := fnv.New64a()
	h.Write([]byte(id))
	c.Seed = mix(c.Seed ^ mix(h.Sum64()))
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return c
}

// mix is the SplitMix64 finalizer: it spreads the bits of x.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// Point is one point of a loss exceedance curve: in a simulated year, the
// annual loss exceeds Loss with probability at most Probability.
type Point struct {
	Probability float64 `json:"probability"`
	Loss        float64 `json:"loss"`
}

// CurveProbabilities are the exceedance probabilities of every loss
// exceedance curve, from the median year to the one-in-a-thousand year.
var CurveProbabilities = [...]float64{0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001}

// Result is the simulated annual loss of a risk or of a group of risks.
// Percentiles are nearest-rank percentiles of the simulated years.
type Result struct {
	Years   int     `json:"years"`    // simulated years
	Mean    float64 `json:"mean"`     // mean annual loss: the exposure
	StdErr  float64 `json:"std_err"`  // Monte Carlo standard error of Mean
	AnyLoss float64 `json:"any_loss"` // fraction of years with a loss
	P10     float64 `json:"p10"`
	P50     float64 `json:"p50"`
	P90     float64 `json:"p90"`
	P99     float64 `json:"p99"`
	Curve   []Point `json:"curve"` // at CurveProbabilities
}

// sampler is an estimate compiled for simulation.
type sampler struct {
	freq frequency
	loss dist
}

// compile precomputes the distributions of e. For an estimate that
// Estimate.Check rejects, or scores whose scales are out of bounds, it returns the zero
// sampler, which draws no event.
func compile(e governance.Estimate, s governance.Scales) sampler {
	if e.Check() != nil {
		return sampler{}
	}
	if e.Qualitative() {
		rate, mean := s.LikelihoodPerYear[e.Likelihood-1], s.Impact[e.Impact-1]
		if !(rate >= 0 && rate <= governance.MaxRate && mean >= 0 && mean <= governance.MaxLoss) {
			return sampler{}
		}
		return sampler{
			freq: frequency{rate: newPoisson(rate)},
			loss: lognormalWithMean(mean, qualitativeSigma),
		}
	}
	var sm sampler
	if r := e.Frequency.Range; r != nil {
		sm.freq = frequency{varies: true, pert: newPERT(r.Min, r.Likely, r.Max)}
	} else {
		sm.freq = frequency{rate: newPoisson(e.Frequency.Rate)}
	}
	if p := e.Magnitude.PERT; p != nil {
		sm.loss = newPERT(p.Min, p.Likely, p.Max)
	} else {
		sm.loss = newLognormal(e.Magnitude.Lognormal.P5, e.Magnitude.Lognormal.P95)
	}
	return sm
}

// run fills losses with simulated annual losses drawn from seed.
func (sm *sampler) run(seed uint64, losses []float64) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for y := range losses {
		losses[y] = sm.loss.total(r, sm.freq.draw(r))
	}
}

// Simulate runs the Monte Carlo simulation of one estimate, mapping
// qualitative scores through s. The figures depend only on e, s and cfg.
// An estimate that Check rejects, or scores whose scales are negative or
// beyond governance.MaxRate and governance.MaxLoss, has no simulated loss: Simulate returns
// figures of zero for it.
func Simulate(e governance.Estimate, s governance.Scales, cfg Config) Result {
	cfg = cfg.WithDefaults()
	losses := make([]float64, cfg.Years)
	sm := compile(e, s)
	sm.run(cfg.Seed, losses)
	return summarize(losses)
}

// summarize computes the figures of simulated annual losses. It reorders
// losses.
func summarize(losses []float64) Result {
	n := len(losses)
	res := Result{Years: n}
	if n == 0 {
		return res
	}
	var sum, squares float64
	for _, v := range losses {
		sum += v
		squares += v * v
	}
	res.Mean = sum / float64(n)
	if n > 1 {
		variance := max(0, (squares-sum*res.Mean)/float64(n-1))
		res.StdErr = math.Sqrt(variance / float64(n))
	}
	// Most years of a rare risk have no loss: move the losses to the end and
	// zeros to the front, then select the ranks wanted among the losses.
	w := n - 1
	for i := n - 1; i >= 0; i-- {
		if losses[i] != 0 {
			losses[w] = losses[i]
			w--
		}
	}
	zeros := w + 1
	clear(losses[:zeros])
	res.AnyLoss = float64(n-zeros) / float64(n)
	percentiles := [...]float64{0.10, 0.50, 0.90, 0.99}
	var ranks [len(percentiles) + len(CurveProbabilities)]int
	for i, p := range percentiles {
		ranks[i] = rank(p, n)
	}
	for i, p := range CurveProbabilities {
		ranks[len(percentiles)+i] = rank(1-p, n)
	}
	ordered := ranks
	slices.Sort(ordered[:])
	lo := zeros
	for _, k := range ordered {
		if k >= lo {
			nth(losses[lo:], k-lo)
			lo = k + 1
		}
	}
	res.P10, res.P50, res.P90, res.P99 = losses[ranks[0]], losses[ranks[1]], losses[ranks[2]], losses[ranks[3]]
	res.Curve = make([]Point, len(CurveProbabilities))
	for i, p := range CurveProbabilities {
		res.Curve[i] = Point{Probability: p, Loss: losses[ranks[len(percentiles)+i]]}
	}
	return res
}

// rank returns the index of the nearest-rank p-quantile of n sorted values.
func rank(p float64, n int) int {
	return max(0, min(int(math.Ceil(p*float64(n)-1e-9))-1, n-1))
}

// nth reorders x so that x[k] holds the value sorting would put there, with
// no greater value before it and no smaller one after it: Hoare's selection,
// in time linear in len(x) on average.
func nth(x []float64, k int) {
	lo, hi := 0, len(x)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // x[j+1:i] all equal the pivot
		}
	}
	slices.Sort(x[lo : hi+1])
}

// Quantify simulates every risk of m.Risks, in parallel on GOMAXPROCS
// workers, and returns the results by risk id. Each risk is simulated under
// cfg.ForRisk(id). Quantify reads only m.Risks and m.Scales, so a caller can
// quantify risks of its own with &governance.Model{Risks: rs, Scales: s}.
func Quantify(m *governance.Model, cfg Config) map[string]Result {
	return quantify(m, cfg, nil)
}

// Portfolio is the joint simulation of a model's risks.
type Portfolio struct {
	Risks map[string]Result `json:"risks"` // every risk, by id
	// Domains, Categories and Total sum, year by year, the simulated annual
	// losses of the live risks (Risk.Live) of each domain, each category and
	// all of them: the same simulated years, so a total's percentiles are
	// those of the joint loss, not sums of percentiles. A risk without a
	// domain or category counts in the Total only.
	Domains    map[string]Result `json:"domains"`
	Categories map[string]Result `json:"categories"`
	Total      Result            `json:"total"`
}

// Aggregate quantifies every risk of m as Quantify does, and the portfolio
// totals of its live risks per domain, per category and overall. The totals
// depend neither on the order of the risks nor on the number of workers.
func Aggregate(m *governance.Model, cfg Config) Portfolio {
	years := cfg.WithDefaults().Years
	domains := map[string][]float64{}
	categories := map[string][]float64{}
	total := make([]float64, years)
	add := func(group map[string][]float64, key string, losses []float64) {
		if key == "" {
			return
		}
		acc := group[key]
		if acc == nil {
			acc = make([]float64, years)
			group[key] = acc
		}
		for y, v := range losses {
			acc[y] += v
		}
	}
	risks := quantify(m, cfg, func(r *governance.Risk, losses []float64) {
		if !r.Live() {
			return
		}
		add(domains, r.Domain, losses)
		add(categories, r.Category, losses)
		for y, v := range losses {
			total[y] += v
		}
	})
	summarizeAll := func(group map[string][]float64) map[string]Result {
		out := make(map[string]Result, len(group))
		for k, losses := range group {
			out[k] = summarize(losses)
		}
		return out
	}
	return Portfolio{
		Risks:      risks,
		Domains:    summarizeAll(domains),
		Categories: summarizeAll(categories),
		Total:      summarize(total),
	}
}

// quantify simulates the risks of m in batches, in parallel, and when sink
// is not nil hands it each risk's annual losses in simulated-year order,
// serially and in the order of risk ids, so that sums over them are the same
// whatever the model order and the scheduling.
func quantify(m *governance.Model, cfg Config, sink func(*governance.Risk, []float64)) map[string]Result {
	cfg = cfg.WithDefaults()
	risks := slices.Clone(m.Risks)
	slices.SortStableFunc(risks, func(a, b *governance.Risk) int { return cmp.Compare(a.ID, b.ID) })
	results := make([]Result, len(risks))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(risks)))
	scratch := make([][]float64, workers) // where each worker summarizes
	for w := range scratch {
		scratch[w] = make([]float64, cfg.Years)
	}
	// Without a sink a batch is every risk; with one, a batch's annual
	// losses are kept until the sink has them.
	batch := len(risks)
	var kept [][]float64
	if sink != nil {
		batch = min(batch, 8*workers)
		kept = make([][]float64, batch)
		for i := range kept {
			kept[i] = make([]float64, cfg.Years)
		}
	}
	for start := 0; start < len(risks); start += batch {
		end := min(start+batch, len(risks))
		var next atomic.Int64
		next.Store(int64(start))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < end; i = int(next.Add(1) - 1) {
					r := risks[i]
					losses := scratch[w]
					if sink != nil {
						losses = kept[i-start]
					}
					sm := compile(r.Estimate, m.Scales)
					sm.run(cfg.ForRisk(r.ID).Seed, losses)
					if sink != nil {
						copy(scratch[w], losses)
					}
					results[i] = summarize(scratch[w])
				}
			})
		}
		wg.Wait()
		if sink != nil {
			for i := start; i < end; i++ {
				sink(risks[i], kept[i-start])
			}
		}
	}
	out := make(map[string]Result, len(risks))
	for i, r := range risks {
		out[r.ID] = results[i]
	}
	return out
}

// Residual returns the figures of r after a treatment that reduces the
// annual loss by reductionPct percent (0 to 100): every simulated year's
// loss scaled by 1 - reductionPct/100, so the mean, the percentiles and the
// curve all shrink by that factor and the chance of a loss is unchanged.
func Residual(r Result, reductionPct float64) (Result, error) {
	if !(reductionPct >= 0 && reductionPct <= 100) {
		return Result{}, antares.Errorf(antares.EINVALID, "a reduction is a percentage from 0 to 100, got %v", reductionPct)
	}
	f := 1 - reductionPct/100
	out := r
	out.Mean, out.StdErr = r.Mean*f, r.StdErr*f
	out.P10, out.P50, out.P90, out.P99 = r.P10*f, r.P50*f, r.P90*f, r.P99*f
	if f == 0 {
		out.AnyLoss = 0
	}
	out.Curve = make([]Point, len(r.Curve))
	for i, p := range r.Curve {
		out.Curve[i] = Point{Probability: p.Probability, Loss: p.Loss * f}
	}
	return out, nil
}
