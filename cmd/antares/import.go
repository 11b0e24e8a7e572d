package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"

	"github.com/antares-governance/antares/table"
)

// importCommands are the subcommands of import, one per kind of data.
var importCommands = []func(*app) *cobra.Command{importDecisionsCommand}

func importCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import history from other systems",
	}
	for _, c := range importCommands {
		cmd.AddCommand(c(a))
	}
	return cmd
}

func importDecisionsCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "decisions FILE.csv",
		Short: "Import past decisions (from tickets, minutes, email) into the ledger",
		Long: `Import decisions reads a decision-history CSV (columns in docs/model.md: decided_at,
decision, domain, decided_by required; measure, outcome, trigger, subject, requested_at,
requested_by, valid_until, id optional) and records each row in the ledger, checked
against the authority of its date: an entry says whether the person who decided held the
authority, and if not, why. When requested_at is given and the decision came after one
or more SLA periods, the request counts as escalated one step per full period. A row
whose decision is "review" records a periodic review of the domain.

A file with any row that cannot be read stores nothing: every bad line is listed, with
its column.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return antares.Errorf(antares.EINVALID, "%v", err)
			}
			defer f.Close()
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				entries, err := ledger.ImportHistory(x, args[0], f)
				if err != nil {
					return nothingImported(args[0], err)
				}
				if err := s.Append(ctx, entries...); err != nil {
					return err
				}
				var unauthorized []*ledger.Entry
				for _, e := range entries {
					if !e.Authorized {
						unauthorized = append(unauthorized, e)
					}
				}
				if len(entries) == 0 {
					_, err := fmt.Fprintf(a.stdout, "%s holds no decisions: nothing imported.\n", args[0])
					return err
				}
				fmt.Fprintf(a.stdout, "Imported %d decision(s) from %s as entries %d to %d: %d authorized, %d not.\n",
					len(entries), args[0], entries[0].Seq, entries[len(entries)-1].Seq, len(entries)-len(unauthorized), len(unauthorized))
				for _, e := range unauthorized {
					fmt.Fprintf(a.stdout, "  entry %d (%s): %s\n", e.Seq, e.Source, e.Note)
				}
				return nil
			})
		},
	}
}

// nothingImported presents the problems of a file an import refused: how
// many there are, that nothing was stored, and each at its line and column.
// Other errors pass through unchanged.
func nothingImported(file string, err error) error {
	var es table.Errors
	if !errors.As(err, &es) {
		return err
	}
	problems := "problems"
	if len(es) == 1 {
		problems = "problem"
	}
	return antares.Errorf(antares.EINVALID, "%s: %d %s, nothing imported:\n%v", file, len(es), problems, es)
}
