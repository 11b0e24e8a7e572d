// Package report renders assessment reports: plain text for people (grouped
// by failure pattern, ranked by exposure), JSON in the findings spec's shape,
// and SARIF 2.1.0 for code-scanning tools in CI.
package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/antares-governance/antares/assess"
)

// TextOptions control the text rendering.
type TextOptions struct {
	// Color uses ANSI colours; set it only when writing to a terminal.
	Color bool
}

// Text writes the report for a person reading it: a summary line, then the
// findings grouped by failure pattern, the group with the most exposure
// first, each finding with its place in the model and how to fix it.
func Text(w io.Writer, r *assess.Report, opt TextOptions) error {
	p := &printer{w: w, color: opt.Color, currency: r.Model.Currency}
	if r.Model.Organization == "" {
		p.line("%s", p.bold("Antares: "+r.Model.Path))
	} else {
		p.line("%s %s", p.bold("Antares: "+r.Model.Organization), p.dim("("+r.Model.Path+")"))
	}
	if r.Model.Digest != "" {
		p.line("%s", p.dim("model "+r.Model.Digest))
	}
	if len(r.Errors) > 0 {
		p.line("")
		p.line("%s", p.red(fmt.Sprintf("The model could not be read: %d %s.", len(r.Errors), plural(len(r.Errors), "error", "errors"))))
		for _, e := range r.Errors {
			p.line("  %s", e.Error())
		}
		return p.err
	}
	p.line("")
	if len(r.Findings) == 0 {
		p.line("%s Every decision has a clear, staffed authority; every domain an owner held to outcomes and reviewed from above.", p.green("No findings."))
	} else {
		p.line("%s  %s", p.bold(count(r.Findings)), p.dim(fmt.Sprintf("register: %d live %s, %s annual loss exposure",
			r.Exposure.Risks, plural(r.Exposure.Risks, "risk", "risks"), p.money(r.Exposure.Total))))
	}
	for _, g := range groups(r.Findings) {
		pat := assess.PatternByNumber(g.pattern)
		p.line("")
		p.line("%s%s", p.bold(fmt.Sprintf("%d. %s", pat.Number, pat.Name)),
			p.dim(fmt.Sprintf(" · %s, up to %s exposure", severities(g.findings), p.money(g.findings[0].Exposure))))
		p.line("   %s", p.dim(pat.Meaning))
		helped := map[string]bool{}
		for _, f := range g.findings {
			p.line("")
			p.line("   %s %s  %s", p.severity(f.Severity), p.bold(f.Code), p.dim("exposure "+p.money(f.Exposure)))
			p.line("   %s", f.Message)
			if f.Location != nil {
				p.line("   %s", p.dim(fmt.Sprintf("at %s:%d:%d", f.Location.File, f.Location.Line, f.Location.Column)))
			}
			if rule, ok := assess.RuleFor(f.Code); ok && !helped[f.Code] {
				helped[f.Code] = true
				p.line("   %s", p.dim("fix: "+rule.Help))
			}
		}
	}
	p.line("")
	p.line("%s", p.dim("Exposure: the mean annual loss of the live risks in the domains a finding affects, "+method(r.Exposure)+"."))
	return p.err
}

func method(e assess.ExposureInfo) string {
	if e.Method == "monte-carlo" {
		return fmt.Sprintf("by Monte Carlo simulation (%s years per risk, seed %d)", grouped(float64(e.Years)), e.Seed)
	}
	return "by " + e.Method
}

type group struct {
	pattern  int
	findings []assess.Finding
}

// groups splits ranked findings by pattern, the group holding the most
// exposed finding first.
func groups(fs []assess.Finding) []group {
	var out []group
	for _, f := range fs {
		i := slices.IndexFunc(out, func(g group) bool { return g.pattern == f.Pattern })
		if i < 0 {
			out = append(out, group{pattern: f.Pattern})
			i = len(out) - 1
		}
		out[i].findings = append(out[i].findings, f)
	}
	slices.SortStableFunc(out, func(a, b group) int {
		return cmp.Or(cmp.Compare(b.findings[0].Exposure, a.findings[0].Exposure), cmp.Compare(a.pattern, b.pattern))
	})
	return out
}

// count writes "14 findings: 11 errors, 3 warnings".
func count(fs []assess.Finding) string {
	return fmt.Sprintf("%d %s: %s", len(fs), plural(len(fs), "finding", "findings"), severities(fs))
}

// severities writes "11 errors, 3 warnings".
func severities(fs []assess.Finding) string {
	by := map[string]int{}
	for _, f := range fs {
		by[f.Severity]++
	}
	var parts []string
	for _, s := range []string{assess.SeverityError, assess.SeverityWarning, assess.SeverityInfo} {
		if by[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", by[s], plural(by[s], s, s+"s")))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printer writes lines and remembers the first write error.
type printer struct {
	w        io.Writer
	color    bool
	currency string
	err      error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) bold(s string) string  { return p.paint("1", s) }
func (p *printer) dim(s string) string   { return p.paint("2", s) }
func (p *printer) red(s string) string   { return p.paint("31", s) }
func (p *printer) green(s string) string { return p.paint("32", s) }

func (p *printer) severity(s string) string {
	label := fmt.Sprintf("%-7s", s)
	switch s {
	case assess.SeverityError:
		return p.paint("1;31", label)
	case assess.SeverityWarning:
		return p.paint("1;33", label)
	}
	return p.paint("1;36", label)
}

// money writes an amount compactly for a reader: "USD 1.25M", "USD 40.4K".
func (p *printer) money(v float64) string {
	cur := p.currency
	if cur != "" {
		cur += " "
	}
	return cur + Compact(v)
}

// Compact writes a non-negative amount with three significant figures and a
// K, M or B suffix: 987, 40.4K, 1.25M, 3B.
func Compact(v float64) string {
	v = math.Round(v)
	if v >= 1000 {
		// Round to three significant figures first, so that 999,999 is
		// written 1M rather than 1000K.
		scale := math.Pow(10, math.Floor(math.Log10(v))-2)
		v = math.Round(v/scale) * scale
	}
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "K"}} {
		if v >= u.div {
			s := strconv.FormatFloat(v/u.div, 'f', 2, 64)
			return strings.TrimRight(strings.TrimRight(s, "0"), ".") + u.suffix
		}
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// grouped writes a whole number with thousands separators: 10,000.
func grouped(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
