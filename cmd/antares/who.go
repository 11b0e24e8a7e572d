package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

func whoCommand(a *app) *cobra.Command {
	var (
		domain, format string
		measure        float64
	)
	cmd := &cobra.Command{
		Use:   "who DECISION --domain DOMAIN [--measure N]",
		Short: "Say who must make a decision, who to consult and inform, and where it escalates",
		Long: `Who answers, from the governance model, who must make a decision of a given type in a
domain and at a given size: the tier of the decision's ladder, the accountable role and the
people holding it (for a committee, its chair), the roles to consult before and to inform
after, and the escalation path up reports_to. Without --measure, a decision sized by a
measure shows its whole ladder.

Exit status: 0 someone holds the authority, 1 nobody does (no ladder for the domain, no tier
for the size, or the accountable role is vacant), 2 bad input.`,
		Example: `  antares who risk-acceptance --domain identity --measure 120000 --model examples/northwind
  antares who alert-disposition --domain endpoint --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			x, err := a.authorityIndex("")
			if err != nil {
				return err
			}
			var tiers []authority.Resolution
			if cmd.Flags().Changed("measure") {
				if err := checkMeasure(measure); err != nil {
					return err
				}
				r, err := x.Resolve(args[0], domain, measure)
				if err != nil {
					return err
				}
				tiers = []authority.Resolution{*r}
			} else if tiers, err = x.Ladder(args[0], domain); err != nil {
				return err
			}
			var m *float64
			if cmd.Flags().Changed("measure") {
				m = &measure
			}
			if format == "json" {
				err = writeAnswerJSON(a.stdout, whoJSON(tiers, m))
			} else {
				err = writeWho(a.stdout, tiers, m)
			}
			if err != nil {
				return antares.Errorf(antares.EINTERNAL, "writing the answer: %v", err)
			}
			return vacancy(tiers)
		},
	}
	cmd.Flags().StringVarP(&domain, "domain", "d", "", "the domain the decision is about (required)")
	cmd.Flags().Float64Var(&measure, "measure", 0, "the decision's size: its exposure, amount or severity")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	_ = cmd.MarkFlagRequired("domain")
	return cmd
}

// authorityIndex compiles the model named by --model, with the delegations
// of the file at delegations when it is not "".
func (a *app) authorityIndex(delegations string) (*authority.Index, error) {
	m, err := a.loadModel("")
	if err != nil {
		return nil, err
	}
	x := authority.Compile(m)
	if delegations == "" {
		return x, nil
	}
	data, err := os.ReadFile(delegations)
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "delegations: %v", err)
	}
	ds, err := authority.ParseDelegations(delegations, data)
	if err != nil {
		return nil, err
	}
	return x.WithDelegations(ds)
}

func checkAnswerFormat(format string) error {
	if format != "text" && format != "json" {
		return antares.Errorf(antares.EINVALID, "--format %q: use text or json", format)
	}
	return nil
}

func checkMeasure(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return antares.Errorf(antares.EINVALID, "--measure %v: give the decision's size as a finite number", v)
	}
	return nil
}

// vacancy is the negative answer when nobody holds a tier's accountable
// role: the text already shows it, the exit status says it again.
func vacancy(tiers []authority.Resolution) error {
	var problems []string
	for _, r := range tiers {
		switch {
		case r.Accountable.Role == nil:
			problems = append(problems, fmt.Sprintf("tier %d is for the owner of %s, and it has none", r.Level, r.Domain.ID))
		case len(r.Accountable.Holders) > 0:
		case len(r.Escalation) > 0:
			problems = append(problems, fmt.Sprintf("nobody holds %s (tier %d): the request can only escalate, to %s", r.Accountable.Role.ID, r.Level, r.Escalation[0].Role.ID))
		default:
			problems = append(problems, fmt.Sprintf("nobody holds %s (tier %d), a top role", r.Accountable.Role.ID, r.Level))
		}
	}
	if problems == nil {
		return nil
	}
	return antares.Errorf(antares.ENOTFOUND, "%s", strings.Join(problems, "; "))
}

func writeWho(w io.Writer, tiers []authority.Resolution, measure *float64) error {
	first := tiers[0]
	d := first.Decision
	fmt.Fprintf(w, "%s (%s) in %s (%s)", d.DisplayName(), d.ID, first.Domain.DisplayName(), first.Domain.ID)
	if measure != nil && d.Measured() {
		fmt.Fprintf(w, ", %s %s", d.Measure, formatMeasure(*measure))
	}
	fmt.Fprintln(w)
	var notes []string
	if d.SeparationOfDuties {
		notes = append(notes, "separation of duties: the requester may not decide")
	}
	if !d.SLA.IsZero() {
		notes = append(notes, fmt.Sprintf("escalates one step up per %s without a decision", d.SLA))
	}
	if notes != nil {
		fmt.Fprintf(w, "(%s)\n", strings.Join(notes, "; "))
	}
	for _, r := range tiers {
		fmt.Fprintf(w, "\nTier %d", r.Level)
		if rng := r.Range(); rng != "" {
			fmt.Fprintf(w, ", %s %s", d.Measure, rng)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		if r.Accountable.Role == nil {
			fmt.Fprintf(tw, "  decides\tnobody: %s has no owner\n", r.Domain.ID)
		} else {
			fmt.Fprintf(tw, "  decides\t%s\n", partyLine(r.Accountable))
		}
		rows := []struct {
			label   string
			parties []authority.Party
		}{{"consult", r.Consulted}, {"inform", r.Informed}, {"escalates to", r.Escalation}}
		for _, row := range rows {
			for i, p := range row.parties {
				label := row.label
				if i > 0 {
					label = ""
				}
				fmt.Fprintf(tw, "  %s\t%s\n", label, partyLine(p))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// partyLine writes a role and who holds it: "ciso (Chief Information
// Security Officer): Raj Patel".
func partyLine(p authority.Party) string {
	s := p.Role.ID
	if p.Role.Title != "" {
		s += " (" + p.Role.Title + ")"
	}
	if len(p.Holders) == 0 {
		return s + ": nobody (vacant)"
	}
	names := make([]string, len(p.Holders))
	for i, h := range p.Holders {
		names[i] = h.DisplayName()
		if p.Role.IsBody() {
			names[i] += ", chair"
		}
	}
	return s + ": " + strings.Join(names, ", ")
}

func formatMeasure(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}

type personJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

type partyJSON struct {
	Role    string       `json:"role"`
	Title   string       `json:"title"`
	Kind    string       `json:"kind"`
	Holders []personJSON `json:"holders"`
}

type tierJSON struct {
	Level       int         `json:"level"`
	Index       int         `json:"index"`
	Above       *float64    `json:"above,omitempty"`
	UpTo        *float64    `json:"up_to,omitempty"`
	Accountable *partyJSON  `json:"accountable"`
	Consulted   []partyJSON `json:"consulted"`
	Informed    []partyJSON `json:"informed"`
	Escalation  []partyJSON `json:"escalation"`
}

type whoAnswer struct {
	Decision           idName     `json:"decision"`
	Domain             idName     `json:"domain"`
	Measure            *float64   `json:"measure,omitempty"`
	MeasureKind        string     `json:"measure_kind"`
	SeparationOfDuties bool       `json:"separation_of_duties"`
	SLA                string     `json:"sla,omitempty"`
	Tiers              []tierJSON `json:"tiers"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func whoJSON(tiers []authority.Resolution, measure *float64) whoAnswer {
	d, dom := tiers[0].Decision, tiers[0].Domain
	out := whoAnswer{
		Decision:           idName{d.ID, d.DisplayName()},
		Domain:             idName{dom.ID, dom.DisplayName()},
		Measure:            measure,
		MeasureKind:        d.Measure,
		SeparationOfDuties: d.SeparationOfDuties,
		SLA:                d.SLA.String(),
	}
	for _, r := range tiers {
		t := tierJSON{Level: r.Level, Index: r.Tier.Index, Above: r.Above, UpTo: r.Tier.UpTo,
			Consulted: partiesJSON(r.Consulted), Informed: partiesJSON(r.Informed), Escalation: partiesJSON(r.Escalation)}
		if r.Accountable.Role != nil {
			p := partiesJSON([]authority.Party{r.Accountable})[0]
			t.Accountable = &p
		}
		out.Tiers = append(out.Tiers, t)
	}
	return out
}

func partiesJSON(ps []authority.Party) []partyJSON {
	out := make([]partyJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, partyJSON{Role: p.Role.ID, Title: p.Role.DisplayName(), Kind: p.Role.Kind, Holders: peopleJSON(p.Holders)})
	}
	return out
}

func peopleJSON(ps []*governance.Person) []personJSON {
	out := make([]personJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, personJSON{ID: p.ID, Name: p.DisplayName(), Email: p.Email})
	}
	return out
}

func writeAnswerJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
