package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

func escalateCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "escalate",
		Short: "Escalate overdue requests and reopen lapsed decisions (one sweep)",
		Long: `Escalate makes one sweep: each open request past its deadline moves one step up
reports_to per missed SLA, and the escalation is recorded in the ledger; each decision whose
valid_until has passed, and that was not made again since, gets a new request to decide
it again. A sweep is idempotent: sweeps running at once, in one process or in replicas
sharing a PostgreSQL database, never make the same step twice. Run it from cron or a
timer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				now := clock().UTC()
				requests, err := s.Requests(ctx)
				if err != nil {
					return err
				}
				for _, step := range ledger.Overdue(x, requests, now) {
					ok, err := s.Escalate(ctx, step)
					if err != nil {
						return err
					}
					if ok {
						fmt.Fprintf(a.stdout, "Request %d escalated to %s (step %d, entry %d); next deadline %s.\n",
							step.Request, step.To, step.Step, step.Entry.Seq, step.Deadline.Format(time.RFC3339))
					}
				}
				entries, err := readEntries(ctx, s)
				if err != nil {
					return err
				}
				for _, e := range ledger.Lapsed(entries, now) {
					r := &ledger.Request{Decision: e.Decision, Domain: e.Domain, Subject: e.Subject, Measure: e.Measure,
						RequestedBy: "antares", Opened: now, Renews: e.Seq}
					res, err := x.Resolve(e.Decision, e.Domain, measureOf(e.Measure))
					if err != nil {
						a.log.Warn("a lapsed decision cannot be requested again under the current model", "entry", e.Seq, "error", err)
						continue
					}
					if sla := res.Decision.SLA; !sla.IsZero() {
						r.Deadline = now.Add(sla.Duration)
					}
					ok, err := s.OpenRequest(ctx, r)
					if err != nil {
						return err
					}
					if ok {
						fmt.Fprintf(a.stdout, "Entry %d lapsed on %s: opened request %d to decide %s in %s (%s) again.\n",
							e.Seq, e.ValidUntil.UTC().Format(time.RFC3339), r.ID, e.Decision, e.Domain, orDash(e.Subject))
					}
				}
				return nil
			})
		},
	}
}

// readEntries decodes every entry of the ledger.
func readEntries(ctx context.Context, s store.Store) ([]*ledger.Entry, error) {
	var out []*ledger.Entry
	err := s.Records(ctx, func(data []byte) error {
		e, err := ledger.Decode(data)
		if err != nil {
			return antares.Errorf(antares.ECONFLICT, "entry %d cannot be read (%v): run antares ledger verify", len(out)+1, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
