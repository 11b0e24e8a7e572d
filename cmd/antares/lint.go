package main

import (
	"errors"
	"io"
	"os"
	"slices"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/assess"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/report"
	"github.com/antares-governance/antares/risk"
)

func lintCommand(a *app) *cobra.Command {
	var (
		format, failOn string
		cfg            risk.Config
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH]",
		Short: "Check a governance model and report where its decision system breaks down",
		Long: `Lint loads a governance model (a YAML file or a directory of them), reports every
error in it at its file, line and column, and the static findings: decisions nobody
clearly owns, domains without accountable owners, a missing risk strategy, people held
to outcomes they have no authority over. Findings are ranked by the risk exposure they
leave open, computed by Monte Carlo simulation over the model's risk register.

Exit status: 0 no finding at or above --fail-on, 1 such findings, 2 the model could
not be read.`,
		Example: `  antares lint examples/northwind
  antares lint --format sarif --fail-on warning governance/ > antares.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains([]string{"text", "json", "sarif"}, format) {
				return antares.Errorf(antares.EINVALID, "--format %q: use text, json or sarif", format)
			}
			if assess.SeverityRank(failOn) == 0 {
				return antares.Errorf(antares.EINVALID, "--fail-on %q: use error, warning or info", failOn)
			}
			path := a.modelPath
			if len(args) == 1 {
				path = args[0]
			}
			if path == "" {
				return errNoModel
			}
			rep, m := lint(a, path, cfg)
			if err := write(a.stdout, format, rep, m); err != nil {
				return antares.Errorf(antares.EINTERNAL, "writing the report: %v", err)
			}
			switch {
			case len(rep.Errors) > 0:
				return exitError{antares.ExitInvalid}
			case assess.AtOrAbove(rep.Findings, failOn):
				return exitError{antares.ExitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or sarif")
	cmd.Flags().StringVar(&failOn, "fail-on", assess.SeverityError, "exit 1 when a finding is at or above this severity: error, warning or info")
	cmd.Flags().IntVar(&cfg.Years, "years", risk.DefaultYears, "simulated years per risk for exposure")
	cmd.Flags().Uint64Var(&cfg.Seed, "seed", risk.DefaultSeed, "seed of the exposure simulation (the same seed gives the same figures)")
	return cmd
}

// lint loads the model at path and computes its static findings. A model
// that cannot be read gives a report with its errors and no findings, and a
// nil model.
func lint(a *app, path string, cfg risk.Config) (*assess.Report, *governance.Model) {
	rep := &assess.Report{
		Model:    assess.ModelInfo{Path: path},
		Findings: []assess.Finding{},
		Errors:   []governance.Error{},
	}
	m, err := a.loadModel(path)
	if err != nil {
		var errs governance.Errors
		if !errors.As(err, &errs) {
			errs = governance.Errors{{Pos: governance.Pos{File: path}, Message: antares.ErrorMessage(err)}}
		}
		rep.Errors = errs
		return rep, nil
	}
	rep.Model = assess.ModelInfo{Path: path, Digest: m.Digest(), Organization: m.Organization.Name, Currency: m.Organization.Currency}
	results := risk.Quantify(m, cfg)
	exposures := make(map[string]float64, len(results))
	rep.Exposure = assess.ExposureInfo{Method: "monte-carlo", Years: cfg.Years, Seed: cfg.Seed}
	for _, r := range m.Risks {
		exposures[r.ID] = results[r.ID].Mean
		if r.Live() {
			rep.Exposure.Total += results[r.ID].Mean
			rep.Exposure.Risks++
		}
	}
	rep.Findings = assess.Static(m, exposures)
	return rep, m
}

// write renders rep in format to w; text is coloured only on a terminal
// without NO_COLOR.
func write(w io.Writer, format string, rep *assess.Report, m *governance.Model) error {
	switch format {
	case "json":
		return report.JSON(w, rep)
	case "sarif":
		opt := report.SARIFOptions{Version: version()}
		if m != nil {
			opt.Fallback = m.Organization.Pos
		} else {
			opt.Fallback = governance.Pos{File: rep.Model.Path}
		}
		return report.SARIF(w, rep, opt)
	}
	return report.Text(w, rep, report.TextOptions{Color: isTerminal(w)})
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && isatty.IsTerminal(f.Fd())
}
