package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

func delegateCommand(a *app) *cobra.Command {
	var (
		d                  authority.Delegation
		ceiling            float64
		since, until, note string
	)
	cmd := &cobra.Command{
		Use:   "delegate --from PERSON --to PERSON --decision D [--decision D...] --until DATE",
		Short: "Delegate decisions to someone, recorded in the ledger",
		Long: `Delegate lets a person decide what the delegator has the authority to decide: decisions of
the listed types, in the listed domains (default every domain), up to a ceiling (default
none), until a time. The delegator must hold the accountable role of a tier of each
decision at that moment, stays accountable, and is named in every decision made under the
delegation. The delegation is recorded in the ledger (entry N, delegation id DN) and
counts for decide, request list --for and import from then on.`,
		Example: `  antares delegate --from raj.patel --to lena.fischer --decision risk-acceptance --domain identity \
      --ceiling 100000 --until 2026-09-30 --note "while the CISO is on leave"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if d.Until, err = parseTime(until); err != nil {
				return antares.Errorf(antares.EINVALID, "--until %q: give an RFC 3339 time or a date such as 2026-09-30", until)
			}
			if since != "" {
				if d.Since, err = parseTime(since); err != nil {
					return antares.Errorf(antares.EINVALID, "--since %q: give an RFC 3339 time or a date such as 2026-06-01", since)
				}
			}
			if cmd.Flags().Changed("ceiling") {
				if err := checkMeasure(ceiling); err != nil {
					return err
				}
				d.Ceiling = &ceiling
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				e, err := ledger.Delegate(x, d, clock(), note)
				if err != nil {
					return err
				}
				if err := s.Append(ctx, e); err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.stdout, "Recorded entry %d: %s delegated %v%s to %s until %s (delegation D%d).\n",
					e.Seq, d.Delegator, d.Decisions, inDomainsText(d.Domains), d.Delegate, d.Until.UTC().Format(time.RFC3339), e.Seq)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.Delegator, "from", "", "the person delegating (required)")
	f.StringVar(&d.Delegate, "to", "", "the person receiving the delegation (required)")
	f.StringArrayVar(&d.Decisions, "decision", nil, "a decision type delegated (required, repeatable)")
	f.StringArrayVarP(&d.Domains, "domain", "d", nil, "a domain the delegation is limited to (repeatable; default every domain)")
	f.Float64Var(&ceiling, "ceiling", 0, "the largest measure delegated (default no limit)")
	f.StringVar(&since, "since", "", "when the delegation starts (default at once)")
	f.StringVar(&until, "until", "", "when the delegation ends, RFC 3339 or YYYY-MM-DD (required)")
	f.StringVar(&note, "note", "", "why the delegation is made")
	for _, name := range []string{"from", "to", "decision", "until"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func inDomainsText(domains []string) string {
	if len(domains) == 0 {
		return ""
	}
	return fmt.Sprintf(" in %v", domains)
}
