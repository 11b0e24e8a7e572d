package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

func decideCommand(a *app) *cobra.Command {
	var (
		d                ledger.Decision
		measure          float64
		validUntil, trig string
	)
	cmd := &cobra.Command{
		Use:   "decide DECISION --domain D [--measure N] --by PERSON --outcome WORD --rationale TEXT",
		Short: "Record a decision in the ledger, if the person has the authority to make it",
		Long: `Decide records a decision in the ledger after checking, at that moment and against the
model's digest, that the person has the authority to make it: they hold the accountable
role of the decision's tier, the request escalated to a role they hold, or a holder
delegated it to them. A decision by anyone else is refused, naming who may decide. The
entry records the role and tier it was decided under, the roles consulted and who held
them, the trigger, the rationale and until when the decision is valid (by default the
decision type's valid_for).

With --request, the decision answers an open request: its requester may not decide when
the decision type requires separation of duties, its escalations count, and the request
is closed by the entry.

Exit status: 0 recorded, 1 refused, 2 bad input.`,
		Example: `  antares decide risk-acceptance --domain identity --measure 120000 --by raj.patel \
      --outcome accept --subject risk:R-12 --rationale "compensating controls in place"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d.Decision = args[0]
			if d.Decision == ledger.ReviewDecision {
				return antares.Errorf(antares.EINVALID, "record reviews with antares review DOMAIN")
			}
			if cmd.Flags().Changed("measure") {
				if err := checkMeasure(measure); err != nil {
					return err
				}
				d.Measure = &measure
			}
			if validUntil != "" {
				t, err := parseTime(validUntil)
				if err != nil {
					return antares.Errorf(antares.EINVALID, "--valid-until %q: give an RFC 3339 time or a date such as 2027-06-30", validUntil)
				}
				d.ValidUntil = &t
			}
			d.Trigger = trig
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				if d.Request != 0 {
					if err := fromRequest(ctx, s, &d); err != nil {
						return err
					}
				}
				d.At = clock()
				e, err := record(ctx, s, x, d)
				if err != nil {
					return err
				}
				return writeRecorded(a.stdout, x.Model(), e)
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&d.Domain, "domain", "d", "", "the domain the decision is about (required)")
	f.Float64Var(&measure, "measure", 0, "the decision's size: its exposure, amount or severity (required when the decision has a measure)")
	f.StringVar(&d.By, "by", "", "the person deciding (required)")
	f.StringVar(&d.Outcome, "outcome", "", "what was decided: accept, reject, approve, mitigate... (required)")
	f.StringVar(&d.Rationale, "rationale", "", "why (required)")
	f.StringVar(&d.Subject, "subject", "", `what the decision is about: "risk:R-12", a ticket id`)
	f.StringVar(&trig, "trigger", "planned", "what prompted it: planned, incident, audit, regulator, customer or other")
	f.StringVar(&validUntil, "valid-until", "", "when the decision lapses, RFC 3339 or YYYY-MM-DD (default: the decision type's valid_for)")
	f.Int64Var(&d.Request, "request", 0, "the id of the request this decision answers")
	for _, name := range []string{"domain", "by", "outcome", "rationale"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// record judges d against x and appends its entry to the ledger; a person
// without the authority is refused, with who may decide instead.
func record(ctx context.Context, s store.Store, x *authority.Index, d ledger.Decision) (*ledger.Entry, error) {
	e, v, err := ledger.Judge(x, d)
	if err != nil {
		return nil, err
	}
	if !e.Authorized {
		return nil, antares.Errorf(antares.EFORBIDDEN, "refused: %s%s", v.Message(), instead(v))
	}
	if err := s.Append(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// fromRequest completes a decision from the open request it answers.
func fromRequest(ctx context.Context, s store.Store, d *ledger.Decision) error {
	r, err := s.Request(ctx, d.Request)
	if err != nil {
		return err
	}
	switch {
	case !r.Open():
		return antares.Errorf(antares.ECONFLICT, "request %d was already decided in entry %d", r.ID, r.DecidedIn)
	case r.Decision != d.Decision || r.Domain != d.Domain:
		return antares.Errorf(antares.EINVALID, "request %d asks for %s in %s, not %s in %s", r.ID, r.Decision, r.Domain, d.Decision, d.Domain)
	}
	if d.Measure == nil {
		d.Measure = r.Measure
	}
	if d.Subject == "" {
		d.Subject = r.Subject
	}
	d.RequestedBy, d.Escalations = r.RequestedBy, r.Escalations
	return nil
}

// decisionIndex compiles the model, with the delegations the ledger
// records, into the authority index decisions are checked against. A
// delegation the model no longer allows (a person left it) is skipped with
// a warning.
func (a *app) decisionIndex(ctx context.Context, s store.Store) (*authority.Index, error) {
	m, err := a.loadModel("")
	if err != nil {
		return nil, err
	}
	x := authority.Compile(m)
	ds, err := s.Delegations(ctx)
	if err != nil {
		return nil, err
	}
	valid := ds[:0]
	for _, d := range ds {
		if _, err := x.WithDelegations([]authority.Delegation{d}); err != nil {
			a.log.Warn("delegation ignored: the model no longer allows it", "delegation", d.ID, "error", err)
			continue
		}
		valid = append(valid, d)
	}
	return x.WithDelegations(valid)
}

// instead names who may decide in place of a refused person.
func instead(v authority.Verdict) string {
	people := v.Instead()
	if len(people) == 0 {
		return " Nobody else may decide it as things stand: escalate the request."
	}
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID)
	}
	return " May decide instead: " + strings.Join(names, ", ") + "."
}

func writeRecorded(w io.Writer, m *governance.Model, e *ledger.Entry) error {
	name := e.DecidedBy
	if p := m.Person(e.DecidedBy); p != nil {
		name = fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID)
	}
	what := e.Decision
	if e.Kind == ledger.KindReview {
		what = "the review"
	}
	fmt.Fprintf(w, "Recorded entry %d: %s decided %s in %s", e.Seq, name, what, e.Domain)
	if e.Subject != "" {
		fmt.Fprintf(w, " (%s)", e.Subject)
	}
	if e.Outcome != "" {
		fmt.Fprintf(w, ": %s", e.Outcome)
	}
	fmt.Fprintf(w, ", as %s", e.Role)
	if au := authorityText(e.Authority); au != "" {
		fmt.Fprintf(w, " (%s)", au)
	}
	fmt.Fprintln(w, ".")
	for _, c := range e.Consulted {
		fmt.Fprintf(w, "Consulted: %s.\n", consultedText(c))
	}
	if e.ValidUntil != nil {
		fmt.Fprintf(w, "Valid until %s.\n", e.ValidUntil.UTC().Format(time.RFC3339))
	}
	if e.Request != 0 {
		fmt.Fprintf(w, "Closes request %d.\n", e.Request)
	}
	return nil
}
