package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

func requestCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "request",
		Short: "Open and list decision requests",
		Long: `A decision request asks for a decision. It is routed to the people accountable for the
decision's tier, is due within the decision type's SLA, escalates one step up reports_to
per missed deadline (antares escalate), and is closed by the decision that answers it
(antares decide --request ID).`,
	}
	cmd.AddCommand(requestOpenCommand(a), requestListCommand(a))
	return cmd
}

func requestOpenCommand(a *app) *cobra.Command {
	var r ledger.Request
	var measure float64
	cmd := &cobra.Command{
		Use:     "open DECISION --domain D [--measure N] --by PERSON --subject S",
		Short:   "Open a decision request",
		Example: `  antares request open risk-acceptance --domain identity --measure 120000 --by lena.fischer --subject risk:R-12`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Decision = args[0]
			if cmd.Flags().Changed("measure") {
				if err := checkMeasure(measure); err != nil {
					return err
				}
				r.Measure = &measure
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				m := x.Model()
				if m.Person(r.RequestedBy) == nil {
					return antares.Errorf(antares.EINVALID, "unknown person %q", r.RequestedBy)
				}
				if d := m.Decision(r.Decision); d != nil && d.Measured() && r.Measure == nil {
					return antares.Errorf(antares.EINVALID, "%s is sized by %s: give --measure N, since who decides depends on it", d.ID, d.Measure)
				}
				res, err := x.Resolve(r.Decision, r.Domain, measureOf(r.Measure))
				if err != nil {
					return err
				}
				r.Opened = clock().UTC()
				if sla := res.Decision.SLA; !sla.IsZero() {
					r.Deadline = r.Opened.Add(sla.Duration)
				}
				if _, err := s.OpenRequest(ctx, &r); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Opened request %d: %s in %s (%s), tier %d; routed to %s", r.ID, r.Decision, r.Domain, r.Subject,
					res.Tier.Index, personList(deciders(res, 0)))
				if !r.Deadline.IsZero() {
					fmt.Fprintf(a.stdout, "; due %s", r.Deadline.Format(time.RFC3339))
				}
				fmt.Fprintln(a.stdout, ".")
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&r.Domain, "domain", "d", "", "the domain the decision is about (required)")
	f.Float64Var(&measure, "measure", 0, "the decision's size (required when the decision has a measure)")
	f.StringVar(&r.RequestedBy, "by", "", "the person asking for the decision (required)")
	f.StringVar(&r.Subject, "subject", "", `what the decision is about: "risk:R-12", a ticket id (required)`)
	for _, name := range []string{"domain", "by", "subject"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func measureOf(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// deciders returns who may decide a request of resolution res that
// escalated esc steps: the holders of the accountable role and of each
// role it escalated to.
func deciders(res *authority.Resolution, esc int) []*governance.Person {
	out := slices.Clone(res.Accountable.Holders)
	for _, p := range res.Escalation[:min(esc, len(res.Escalation))] {
		for _, h := range p.Holders {
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
}

func personList(ps []*governance.Person) string {
	if len(ps) == 0 {
		return "nobody (the tier is vacant)"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID)
	}
	return strings.Join(names, ", ")
}

func requestListCommand(a *app) *cobra.Command {
	var open bool
	var forPerson string
	cmd := &cobra.Command{
		Use:   "list [--open] [--for PERSON]",
		Short: "List decision requests, with who may decide each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				if forPerson != "" && x.Model().Person(forPerson) == nil {
					return antares.Errorf(antares.EINVALID, "unknown person %q", forPerson)
				}
				all, err := s.Requests(ctx)
				if err != nil {
					return err
				}
				now := clock()
				var rows []requestRow
				for _, r := range all {
					if (open || forPerson != "") && !r.Open() {
						continue
					}
					row := requestRow{r: r}
					if res, err := x.Resolve(r.Decision, r.Domain, measureOf(r.Measure)); err == nil && r.Open() {
						row.deciders = deciders(res, r.Escalations)
					}
					if forPerson != "" {
						v, err := x.Authorize(authority.Request{Person: forPerson, Decision: r.Decision, Domain: r.Domain,
							Measure: measureOf(r.Measure), RequestedBy: r.RequestedBy, Escalations: r.Escalations, At: now})
						if err != nil || !v.Allowed {
							continue
						}
					}
					rows = append(rows, row)
				}
				return writeRequests(a.stdout, rows, now)
			})
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, "only requests still waiting for their decision")
	cmd.Flags().StringVar(&forPerson, "for", "", "only open requests this person may decide now")
	return cmd
}

type requestRow struct {
	r        *ledger.Request
	deciders []*governance.Person
}

func writeRequests(w io.Writer, rows []requestRow, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tOPENED\tDECISION\tDOMAIN\tSUBJECT\tREQUESTED BY\tDUE\tESCALATIONS\tSTATUS\tMAY DECIDE")
	for _, row := range rows {
		r := row.r
		due, status := "-", "open"
		if !r.Deadline.IsZero() {
			due = r.Deadline.Format(time.RFC3339)
			if r.Open() && !now.Before(r.Deadline) {
				status = "overdue"
			}
		}
		if !r.Open() {
			status = fmt.Sprintf("decided (entry %d)", r.DecidedIn)
		}
		ids := make([]string, len(row.deciders))
		for i, p := range row.deciders {
			ids[i] = p.ID
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", r.ID, r.Opened.Format(time.RFC3339), r.Decision, r.Domain,
			orDash(r.Subject), r.RequestedBy, due, r.Escalations, status, orDash(strings.Join(ids, ", ")))
	}
	return tw.Flush()
}
