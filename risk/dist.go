package risk

import (
	"math"
	"math/rand/v2"
)

// z95 is the standard normal quantile at 0.95: a lognormal's 5th and 95th
// percentiles lie z95 standard deviations either side of its median in log
// space.
const z95 = 1.6448536269514722

// qualitativeSigma is the log-space standard deviation of the loss of a
// qualitatively scored risk: a lognormal whose 90% interval spans a factor
// of ten (p95 = 10 × p5), the width analysts commonly give a calibrated
// estimate.
var qualitativeSigma = math.Log(10) / (2 * z95)

// exactEvents is the number of events in one simulated year up to which
// their losses are drawn one by one. Above it the year's total is drawn from
// the normal distribution of a sum of that many losses (central limit
// theorem), which keeps high-frequency risks fast.
const exactEvents = 1000

// dist draws a positive quantity, the loss of one event or the rate of
// events in a year: Beta-PERT or lognormal.
type dist struct {
	pert      bool
	min, span float64 // PERT: min + span × Beta(a, b)
	a, b      gamma   // PERT shapes
	mu, sigma float64 // lognormal, log space
	mean, sd  float64 // of one value, for sums of many events
}

// newPERT returns the Beta-PERT distribution (lambda 4) of a three-point
// estimate.
func newPERT(min, likely, max float64) dist {
	span := max - min
	mean := (min + 4*likely + max) / 6
	d := dist{pert: true, min: min, span: span, mean: mean}
	if span > 0 {
		a := 1 + 4*(likely-min)/span
		b := 1 + 4*(max-likely)/span
		d.a, d.b = newGamma(a), newGamma(b)
		d.sd = math.Sqrt((mean - min) * (max - mean) / 7)
	}
	return d
}

// newLognormal returns the lognormal whose 5th and 95th percentiles
// are p5 and p95.
func newLognormal(p5, p95 float64) dist {
	mu := (math.Log(p5) + math.Log(p95)) / 2
	sigma := (math.Log(p95) - math.Log(p5)) / (2 * z95)
	return lognormalWithMean(math.Exp(mu+sigma*sigma/2), sigma)
}

// lognormalWithMean returns the lognormal with the given mean and log-space
// standard deviation.
func lognormalWithMean(mean, sigma float64) dist {
	s2 := sigma * sigma
	return dist{
		mu:    math.Log(mean) - s2/2,
		sigma: sigma,
		mean:  mean,
		sd:    mean * math.Sqrt(math.Expm1(s2)),
	}
}

// draw returns one value.
func (d *dist) draw(r *rand.Rand) float64 {
	if !d.pert {
		return math.Exp(d.mu + d.sigma*r.NormFloat64())
	}
	if d.span == 0 {
		return d.min
	}
	x := d.a.draw(r)
	return d.min + d.span*x/(x+d.b.draw(r))
}

// total returns the summed loss of n events.
func (d *dist) total(r *rand.Rand, n float64) float64 {
	if n > exactEvents {
		return max(0, n*d.mean+math.Sqrt(n)*d.sd*r.NormFloat64())
	}
	var sum float64
	for range int(n) {
		sum += d.draw(r)
	}
	return sum
}

// gamma draws from the Gamma(shape, 1) distribution, shape >= 1, by
// Marsaglia and Tsang's method.
type gamma struct{ d, c float64 }

func newGamma(shape float64) gamma {
	d := shape - 1.0/3
	return gamma{d: d, c: 1 / math.Sqrt(9*d)}
}

func (g gamma) draw(r *rand.Rand) float64 {
	for {
		x := r.NormFloat64()
		v := 1 + g.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+g.d*(1-v+math.Log(v)) {
			return g.d * v
		}
	}
}

// frequency draws the number of events in one year: Poisson with a fixed
// rate, or with a rate drawn each year from a Beta-PERT.
type frequency struct {
	rate   poisson
	varies bool
	pert   dist // the rate's PERT when it varies
}

func (f *frequency) draw(r *rand.Rand) float64 {
	if !f.varies {
		return f.rate.draw(r)
	}
	p := newPoisson(f.pert.draw(r))
	return p.draw(r)
}

// poissonInversion is the rate below which Poisson counts are drawn by
// inversion; above it by Hörmann's transformed rejection (PTRS).
const poissonInversion = 10

// poisson draws Poisson counts for one rate, its constants precomputed.
type poisson struct {
	lambda, expNeg                    float64 // inversion
	logLambda, a, b, invAlpha, vr, lg float64 // PTRS
}

func newPoisson(lambda float64) poisson {
	p := poisson{lambda: lambda}
	if lambda < poissonInversion {
		p.expNeg = math.Exp(-lambda)
		return p
	}
	p.logLambda = math.Log(lambda)
	p.b = 0.931 + 2.53*math.Sqrt(lambda)
	p.a = -0.059 + 0.02483*p.b
	p.invAlpha = 1.1239 + 1.1328/(p.b-3.4)
	p.vr = 0.9277 - 3.6224/(p.b-2)
	p.lg = math.Log(p.invAlpha)
	return p
}

// draw returns a Poisson count, as a float64 so that very high rates do not
// overflow an int.
func (p *poisson) draw(r *rand.Rand) float64 {
	if p.lambda <= 0 {
		return 0
	}
	if p.lambda < poissonInversion {
		u := r.Float64()
		prob := p.expNeg
		cdf := prob
		k := 0.0
		for u > cdf && prob > 0 {
			k++
			prob *= p.lambda / k
			cdf += prob
		}
		return k
	}
	// W. Hörmann, "The transformed rejection method for generating Poisson
	// random variables", Insurance: Mathematics and Economics 12 (1993).
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*p.a/us+p.b)*u + p.lambda + 0.43)
		if us >= 0.07 && v <= p.vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lgk, _ := math.Lgamma(k + 1)
		if math.Log(v)+p.lg-math.Log(p.a/(us*us)+p.b) <= -p.lambda+k*p.logLambda-lgk {
			return k
		}
	}
}
