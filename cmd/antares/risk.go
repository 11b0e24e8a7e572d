package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/report"
	"github.com/antares-governance/antares/risk"
)

// riskCommands lists the constructors of the subcommands of `antares risk`,
// in help order.
var riskCommands = []func(*app) *cobra.Command{riskImportCommand, riskListCommand, riskShowCommand, riskTreatCommand, riskQuantifyCommand}

// riskCommand returns the parent command of the risk subcommands.
func riskCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "risk",
		Short: "The risk register: import, list, show and treat risks, quantified by Monte Carlo simulation",
		Long: `The risk commands work with the risk register: the model's risks, with the risks
imported into the database (--db) in place of those of the same id. Each risk's exposure
is its mean annual loss, simulated year by year from the analysts' estimate of how often
a loss event happens and how much one costs; its treatments (accept, mitigate, transfer,
avoid) are decisions that go through the authority ladder into the ledger. See
docs/risk.md.`,
	}
	for _, c := range riskCommands {
		cmd.AddCommand(c(a))
	}
	return cmd
}

// maxQuantifyYears bounds --years: every simulated year takes 8 bytes.
const maxQuantifyYears = 10_000_000

// figureFlags describes the flag of each estimate column.
var figureFlags = map[string]string{
	"likelihood":  "likelihood score 1-5, with --impact (mapped through the model's scales, or the default scales)",
	"impact":      "impact score 1-5, with --likelihood",
	"freq":        "loss events per year (a fixed Poisson rate)",
	"freq_min":    "fewest loss events per year (a PERT range, with --freq-likely and --freq-max)",
	"freq_likely": "most likely loss events per year",
	"freq_max":    "most loss events per year",
	"loss_min":    "smallest loss of one event (PERT, with --loss-likely and --loss-max)",
	"loss_likely": "most likely loss of one event",
	"loss_max":    "largest loss of one event",
	"loss_p5":     "5th percentile of the loss of one event (a lognormal, with --loss-p95)",
	"loss_p95":    "95th percentile of the loss of one event",
}

// figureFlag is the flag of an estimate column: loss_p5 is --loss-p5.
func figureFlag(column string) string { return strings.ReplaceAll(column, "_", "-") }

// riskQuantifyCommand returns `antares risk quantify`: the figures of one
// estimate given as flags.
func riskQuantifyCommand(a *app) *cobra.Command {
	var (
		format string
		cfg    risk.Config
	)
	values := map[string]*float64{}
	cmd := &cobra.Command{
		Use:   "quantify",
		Short: "Simulate the annual loss of one estimate",
		Long: `Quantify simulates the annual loss of a risk from an estimate given as flags, the
same figures a register row gives: a frequency (--freq, or --freq-min, --freq-likely
and --freq-max) and a loss per event (--loss-min, --loss-likely and --loss-max, or
--loss-p5 and --loss-p95), or --likelihood and --impact scores. It prints the
exposure (the mean annual loss), percentiles of the annual loss and the loss
exceedance curve. The same figures and seed always give the same result.`,
		Example: `  antares risk quantify --freq 0.1 --loss-p5 100000 --loss-p95 1000000
  antares risk quantify --freq-min 0.05 --freq-likely 0.2 --freq-max 0.5 \
      --loss-min 200000 --loss-likely 900000 --loss-max 4000000 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return antares.Errorf(antares.EINVALID, "--format %q: use text or json", format)
			}
			if cfg.Years < 1 || cfg.Years > maxQuantifyYears {
				return antares.Errorf(antares.EINVALID, "--years %d: simulate from 1 to %d years", cfg.Years, maxQuantifyYears)
			}
			figures := risk.Figures{}
			for col, v := range values {
				if cmd.Flags().Changed(figureFlag(col)) {
					figures[col] = *v
				}
			}
			e, err := figures.Estimate()
			if err != nil {
				return figureFlagErrors(err)
			}
			scales := governance.DefaultScales
			if e.Qualitative() && a.modelPath != "" {
				m, err := a.loadModel("")
				if err != nil {
					return err
				}
				scales = m.Scales
			}
			cfg = cfg.WithDefaults()
			res := risk.Simulate(e, scales, cfg)
			if format == "json" {
				return writeQuantifyJSON(a.stdout, quantifyJSON{Figures: figures, Seed: cfg.Seed, Result: res})
			}
			return writeQuantify(a.stdout, e, scales, cfg.Seed, res)
		},
	}
	for _, col := range risk.EstimateColumns {
		values[col] = cmd.Flags().Float64(figureFlag(col), 0, figureFlags[col])
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	cmd.Flags().IntVar(&cfg.Years, "years", risk.DefaultYears, "simulated years")
	cmd.Flags().Uint64Var(&cfg.Seed, "seed", risk.DefaultSeed, "seed of the simulation (the same seed gives the same figures; 0 means the default)")
	return cmd
}

// figureColumn matches an estimate column's name in a message.
var figureColumn = regexp.MustCompile(`\b(` + strings.Join(risk.EstimateColumns, "|") + `)\b`)

// figureFlagErrors words the estimate's problems in terms of flags: loss_p5 as
// --loss-p5.
func figureFlagErrors(err error) error {
	msg := figureColumn.ReplaceAllStringFunc(err.Error(), func(c string) string { return "--" + figureFlag(c) })
	return antares.Errorf(antares.EINVALID, "%s", msg)
}

// quantifyJSON is the JSON output of risk quantify.
type quantifyJSON struct {
	Figures risk.Figures `json:"figures"`
	Seed    uint64       `json:"seed"`
	Result  risk.Result  `json:"result"`
}

// writeQuantifyJSON writes the JSON output of risk quantify.
func writeQuantifyJSON(w io.Writer, v quantifyJSON) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return antares.Errorf(antares.EINTERNAL, "writing JSON: %v", err)
	}
	return nil
}

// writeQuantify writes the figures of a simulation for a reader.
func writeQuantify(w io.Writer, e governance.Estimate, s governance.Scales, seed uint64, r risk.Result) error {
	var b strings.Builder
	freq, loss := describeEstimate(e, s)
	fmt.Fprintf(&b, "Frequency  %s\nLoss       %s\n", freq, loss)
	fmt.Fprintf(&b, "Simulated  %d years, seed %d\n\n", r.Years, seed)
	fmt.Fprintf(&b, "Exposure (mean annual loss)  %s  (standard error %s)\n", report.Compact(r.Mean), report.Compact(r.StdErr))
	fmt.Fprintf(&b, "Years with a loss            %s\n", chance(r.AnyLoss))
	fmt.Fprintf(&b, "Annual loss                  p10 %s   p50 %s   p90 %s   p99 %s\n\n",
		report.Compact(r.P10), report.Compact(r.P50), report.Compact(r.P90), report.Compact(r.P99))
	b.WriteString("Loss exceedance curve: the annual loss exceeded with each probability\n")
	top := r.Curve[len(r.Curve)-1].Loss
	for _, p := range r.Curve {
		line := fmt.Sprintf("  %5s  %6s  %s", chance(p.Probability), report.Compact(p.Loss), lossBar(p.Loss, top, 40))
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return antares.Errorf(antares.EINTERNAL, "writing the result: %v", err)
	}
	return nil
}

// describeEstimate words the frequency and the loss of an estimate.
func describeEstimate(e governance.Estimate, s governance.Scales) (freq, loss string) {
	if e.Qualitative() {
		return fmt.Sprintf("likelihood %d: %s loss events a year", e.Likelihood, num(s.LikelihoodPerYear[e.Likelihood-1])),
			fmt.Sprintf("impact %d: %s per event on average (lognormal)", e.Impact, report.Compact(s.Impact[e.Impact-1]))
	}
	if r := e.Frequency.Range; r != nil {
		freq = fmt.Sprintf("%s to %s loss events a year, most likely %s (PERT)", num(r.Min), num(r.Max), num(r.Likely))
	} else {
		freq = fmt.Sprintf("%s loss events a year", num(e.Frequency.Rate))
	}
	if p := e.Magnitude.PERT; p != nil {
		loss = fmt.Sprintf("%s to %s per event, most likely %s (PERT)", report.Compact(p.Min), report.Compact(p.Max), report.Compact(p.Likely))
	} else {
		l := e.Magnitude.Lognormal
		loss = fmt.Sprintf("%s to %s per event, 90%% interval (lognormal)", report.Compact(l.P5), report.Compact(l.P95))
	}
	return freq, loss
}

// num writes a number as briefly as it can be read back: 0.05, 2e+06.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// chance writes a probability as a percentage: 50%, 0.1%, 9.07%.
func chance(p float64) string {
	return strconv.FormatFloat(math.Round(p*1e4)/100, 'g', -1, 64) + "%"
}

// lossBar draws v as a horizontal bar of at most width cells, scaled so
// that top fills them, in eighths of a cell.
func lossBar(v, top float64, width int) string {
	if top <= 0 || v <= 0 {
		return ""
	}
	eighths := int(math.Round(v / top * float64(width*8)))
	partial := []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}
	return strings.Repeat("█", eighths/8) + partial[eighths%8]
}
