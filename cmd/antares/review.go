package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

func reviewCommand(a *app) *cobra.Command {
	var by, note string
	var outcomes []string
	cmd := &cobra.Command{
		Use:   "review DOMAIN --by PERSON [--outcome ID=VALUE ...] --note TEXT",
		Short: "Record a periodic review of a domain's outcomes in the ledger",
		Long: `Review records that the domain's reviewer (a holder of the role its review names) reviewed
how its owner meets the domain's outcomes: the measured value of each outcome, whether it
met its target, and what the review found. Anyone else is refused, naming who may review.`,
		Example: `  antares review identity --by raj.patel --outcome mfa-coverage=99.4 --outcome orphaned-accounts=2 \
      --note "orphaned accounts from the March reorganization; cleanup due in April"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			values := map[string]float64{}
			for _, o := range outcomes {
				id, v, ok := strings.Cut(o, "=")
				f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
				if !ok || err != nil || checkMeasure(f) != nil {
					return antares.Errorf(antares.EINVALID, "--outcome %q: write OUTCOME=VALUE, e.g. mfa-coverage=99.4", o)
				}
				values[strings.TrimSpace(id)] = f
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				e, err := ledger.Review(x, args[0], by, clock(), note, values)
				if err != nil {
					return err
				}
				if err := s.Append(ctx, e); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Recorded entry %d: %s reviewed %s as %s.\n", e.Seq, e.DecidedBy, e.Domain, e.Role)
				for _, m := range e.Measurements {
					status := "no target"
					if m.Met != nil {
						status = map[bool]string{true: "met", false: "NOT met"}[*m.Met]
					}
					fmt.Fprintf(a.stdout, "  %s = %s (%s)\n", m.Outcome, num(m.Value), status)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "the reviewer (required)")
	cmd.Flags().StringArrayVar(&outcomes, "outcome", nil, "an outcome's measured value, OUTCOME=VALUE (repeatable)")
	cmd.Flags().StringVar(&note, "note", "", "what the review found (required)")
	_ = cmd.MarkFlagRequired("by")
	_ = cmd.MarkFlagRequired("note")
	return cmd
}
