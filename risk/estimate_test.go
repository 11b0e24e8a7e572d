package risk

import (
	"reflect"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

func TestFiguresEstimate(t *testing.T) {
	tests := []struct {
		name    string
		figures Figures
		want    governance.Estimate
		err     string
	}{
		{"rate and interval", Figures{"freq": 0.1, "loss_p5": 1e5, "loss_p95": 1e6}, quant(rate(0.1), lognormal(1e5, 1e6)), ""},
		{"range and pert", Figures{"freq_min": 0, "freq_likely": 1, "freq_max": 2, "loss_min": 1, "loss_likely": 1, "loss_max": 5},
			quant(rateRange(0, 1, 2), pert(1, 1, 5)), ""},
		{"scores", Figures{"likelihood": 5, "impact": 1}, governance.Estimate{Likelihood: 5, Impact: 1}, ""},
		{"zero rate", Figures{"freq": 0, "loss_p5": 1, "loss_p95": 2}, quant(rate(0), lognormal(1, 2)), ""},
		{"nothing", Figures{}, governance.Estimate{}, "no estimate: give frequency and magnitude (or likelihood and impact scores 1..5)"},
		{"fractional score", Figures{"likelihood": 2.5, "impact": 0}, governance.Estimate{},
			"likelihood: 2.5 is not a score: give a whole number from 1 to 5\nimpact: 0 is not a score: give a whole number from 1 to 5"},
		{"half an interval", Figures{"freq": 1, "loss_p95": 2}, governance.Estimate{},
			"loss_p5: a lognormal loss needs loss_p5, loss_p95; only loss_p95 given"},
		{"max below min", Figures{"freq": 1, "loss_min": 5, "loss_likely": 3, "loss_max": 4}, governance.Estimate{},
			"freq, loss_min, loss_likely, loss_max: magnitude needs 0 <= min <= likely <= max and max > 0, got min 5, likely 3, max 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.figures.Estimate()
			if tt.err == "" {
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Estimate() = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.err {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tt.err)
			}
			if antares.ErrorCode(err) != antares.EINVALID || !reflect.DeepEqual(got, governance.Estimate{}) {
				t.Errorf("code %q and estimate %+v, want %q and none", antares.ErrorCode(err), got, antares.EINVALID)
			}
		})
	}
}
