package risk

import (
	"fmt"
	"math"
	"strings"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// EstimateColumns are the columns of a register that make up an estimate,
// in the order of Columns.
var EstimateColumns = []string{
	"likelihood", "impact",
	"freq", "freq_min", "freq_likely", "freq_max",
	"loss_min", "loss_likely", "loss_max", "loss_p5", "loss_p95",
}

// Figures are the numbers given for an estimate, by estimate column (see
// EstimateColumns). A column that is not in the map was not given.
type Figures map[string]float64

// FieldError is a problem with the figures of one or more columns.
type FieldError struct {
	Column  string // one column, several joined by ", ", or "" for none in particular
	Message string
}

// FieldErrors lists the problems of a set of figures. It is an
// antares.EINVALID error.
type FieldErrors []FieldError

// Error returns one "column: message" per line.
func (es FieldErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Message
		if e.Column != "" {
			lines[i] = e.Column + ": " + e.Message
		}
	}
	return strings.Join(lines, "\n")
}

// ErrorCode returns antares.EINVALID.
func (es FieldErrors) ErrorCode() string { return antares.EINVALID }

// Estimate returns the estimate the figures give: a frequency (freq, or
// freq_min, freq_likely and freq_max) and a magnitude (loss_min,
// loss_likely and loss_max, or loss_p5 and loss_p95), or likelihood and
// impact scores. It reports every problem, by column, as FieldErrors,
// including what Check rejects.
func (f Figures) Estimate() (governance.Estimate, error) {
	var errs FieldErrors
	fail := func(column, format string, args ...any) {
		errs = append(errs, FieldError{Column: column, Message: fmt.Sprintf(format, args...)})
	}
	for _, col := range EstimateColumns {
		if v, ok := f[col]; ok && !(v >= 0) {
			fail(col, "must be 0 or more, got %v", v)
		}
	}
	if len(errs) > 0 {
		return governance.Estimate{}, errs
	}
	score := func(col string) int {
		v, ok := f[col]
		if ok && (v != math.Trunc(v) || v < 1 || v > 5) {
			fail(col, "%v is not a score: give a whole number from 1 to 5", v)
			return 0
		}
		return int(v)
	}
	// group returns the figures of columns that go together, nil when none
	// is given; it reports the missing ones when only some are.
	group := func(what string, columns ...string) []float64 {
		var given, missing []string
		values := make([]float64, len(columns))
		for i, col := range columns {
			v, ok := f[col]
			if !ok {
				missing = append(missing, col)
				continue
			}
			given = append(given, col)
			values[i] = v
		}
		switch {
		case len(given) == 0:
			return nil
		case len(missing) > 0:
			fail(strings.Join(missing, ", "), "%s needs %s; only %s given", what, strings.Join(columns, ", "), strings.Join(given, ", "))
			return nil
		}
		return values
	}

	e := governance.Estimate{Likelihood: score("likelihood"), Impact: score("impact")}
	rate, hasRate := f["freq"]
	rng := group("a frequency range", "freq_min", "freq_likely", "freq_max")
	switch {
	case hasRate && rng != nil:
		fail("freq", "give freq (a rate) or freq_min, freq_likely, freq_max (a range), not both")
	case hasRate:
		e.Frequency = &governance.Frequency{Rate: rate}
	case rng != nil:
		e.Frequency = &governance.Frequency{Range: &governance.PERT{Min: rng[0], Likely: rng[1], Max: rng[2]}}
	}
	loss := group("a PERT loss", "loss_min", "loss_likely", "loss_max")
	interval := group("a lognormal loss", "loss_p5", "loss_p95")
	switch {
	case loss != nil && interval != nil:
		fail("loss_p5", "give loss_min, loss_likely, loss_max (PERT) or loss_p5, loss_p95 (a 90%% interval), not both")
	case loss != nil:
		e.Magnitude = &governance.Magnitude{PERT: &governance.PERT{Min: loss[0], Likely: loss[1], Max: loss[2]}}
	case interval != nil:
		e.Magnitude = &governance.Magnitude{Lognormal: &governance.Interval90{P5: interval[0], P95: interval[1]}}
	}
	if len(errs) > 0 {
		return governance.Estimate{}, errs
	}
	if err := e.Check(); err != nil {
		var given []string
		for _, col := range EstimateColumns {
			if _, ok := f[col]; ok {
				given = append(given, col)
			}
		}
		fail(strings.Join(given, ", "), "%v", err)
		return governance.Estimate{}, errs
	}
	return e, nil
}

// FiguresOf returns the figures that give the estimate e, by estimate
// column: the inverse of Figures.Estimate.
func FiguresOf(e governance.Estimate) Figures {
	f := Figures{}
	if e.Qualitative() {
		f["likelihood"], f["impact"] = float64(e.Likelihood), float64(e.Impact)
		return f
	}
	if fr := e.Frequency; fr != nil && fr.Range != nil {
		f["freq_min"], f["freq_likely"], f["freq_max"] = fr.Range.Min, fr.Range.Likely, fr.Range.Max
	} else if fr != nil {
		f["freq"] = fr.Rate
	}
	if mg := e.Magnitude; mg != nil && mg.PERT != nil {
		f["loss_min"], f["loss_likely"], f["loss_max"] = mg.PERT.Min, mg.PERT.Likely, mg.PERT.Max
	} else if mg != nil && mg.Lognormal != nil {
		f["loss_p5"], f["loss_p95"] = mg.Lognormal.P5, mg.Lognormal.P95
	}
	return f
}
