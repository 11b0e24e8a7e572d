package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

func canCommand(a *app) *cobra.Command {
	var (
		req                     authority.Request
		at, format, delegations string
	)
	cmd := &cobra.Command{
		Use:   "can PERSON DECISION --domain DOMAIN [--measure N]",
		Short: "Say whether a person may make a decision, and if not, who may",
		Long: `Can answers whether a person may make a decision of a given type in a domain at a given
size, and why: they hold the accountable role; the request escalated to a role they hold;
or a holder of the accountable role delegated it to them. Departed people hold nothing,
a superior decides only once the request has escalated to them, and where the decision
type requires separation of duties the requester may not decide. A refusal names who may
decide instead.

Delegations come from a JSON file (--delegations): an array of objects with delegator,
delegate, decisions, until and optionally id, domains, ceiling and since.

Exit status: 0 allowed, 1 denied, 2 bad input.`,
		Example: `  antares can raj.patel risk-acceptance --domain identity --measure 120000
  antares can li.wei risk-acceptance --domain identity --measure 20000 --requested-by sam.okafor \
      --delegations delegations.json --at 2026-06-01T12:00:00Z`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			if err := checkMeasure(req.Measure); err != nil {
				return err
			}
			req.Person, req.Decision = args[0], args[1]
			req.At = time.Now()
			if at != "" {
				t, err := parseTime(at)
				if err != nil {
					return err
				}
				req.At = t
			}
			x, err := a.authorityIndex(delegations)
			if err != nil {
				return err
			}
			if d := x.Model().Decision(req.Decision); d != nil && d.Measured() && !cmd.Flags().Changed("measure") {
				return antares.Errorf(antares.EINVALID, "%s is sized by %s: give --measure N, since who may decide depends on it", d.ID, d.Measure)
			}
			v, err := x.Authorize(req)
			if err != nil {
				return err
			}
			if format == "json" {
				err = writeAnswerJSON(a.stdout, canJSON(v))
			} else {
				err = writeCan(a.stdout, v)
			}
			if err != nil {
				return antares.Errorf(antares.EINTERNAL, "writing the answer: %v", err)
			}
			if !v.Allowed {
				return exitError{antares.ExitNegative}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&req.Domain, "domain", "d", "", "the domain the decision is about (required)")
	cmd.Flags().Float64Var(&req.Measure, "measure", 0, "the decision's size: its exposure, amount or severity (required when the decision has a measure)")
	cmd.Flags().StringVar(&req.RequestedBy, "requested-by", "", "the person who requested the decision (for separation of duties)")
	cmd.Flags().IntVar(&req.Escalations, "escalations", 0, "how many steps up reports_to the request has escalated")
	cmd.Flags().StringVar(&at, "at", "", "when the decision is made, RFC 3339 or YYYY-MM-DD (default now): delegations count only while in force")
	cmd.Flags().StringVar(&delegations, "delegations", "", "a JSON file of delegations in force")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	_ = cmd.MarkFlagRequired("domain")
	return cmd
}

// parseTime reads --at: an RFC 3339 time, or a date (midnight UTC).
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, antares.Errorf(antares.EINVALID, "--at %q: give an RFC 3339 time such as 2026-06-01T12:00:00Z, or a date such as 2026-06-01", s)
}

func writeCan(w io.Writer, v authority.Verdict) error {
	verdict := "denied"
	if v.Allowed {
		verdict = "allowed"
	}
	if _, err := fmt.Fprintf(w, "%s: %s\n", verdict, v.Message()); err != nil {
		return err
	}
	if v.Allowed {
		return nil
	}
	instead := v.Instead()
	if len(instead) == 0 {
		if v.Resolution != nil {
			_, err := fmt.Fprintln(w, "Nobody else may decide it as things stand: escalate the request.")
			return err
		}
		return nil
	}
	names := make([]string, len(instead))
	for i, p := range instead {
		names[i] = fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID)
	}
	_, err := fmt.Fprintf(w, "May decide instead: %s\n", strings.Join(names, ", "))
	return err
}

type canAnswer struct {
	Allowed     bool             `json:"allowed"`
	Reason      authority.Reason `json:"reason"`
	Message     string           `json:"message"`
	Person      personJSON       `json:"person"`
	Role        string           `json:"role,omitempty"`
	OnBehalfOf  *personJSON      `json:"on_behalf_of,omitempty"`
	Delegation  string           `json:"delegation,omitempty"`
	Tier        int              `json:"tier,omitempty"`
	Escalations int              `json:"escalations"`
	Instead     []personJSON     `json:"instead"`
}

func canJSON(v authority.Verdict) canAnswer {
	out := canAnswer{
		Allowed:     v.Allowed,
		Reason:      v.Reason,
		Message:     v.Message(),
		Person:      peopleJSON([]*governance.Person{v.Person})[0],
		Escalations: v.Escalations(),
		Instead:     []personJSON{},
	}
	if !v.Allowed {
		out.Instead = peopleJSON(v.Instead())
	}
	if v.Role != nil {
		out.Role = v.Role.ID
	}
	if p := v.OnBehalfOf(); p != nil {
		out.OnBehalfOf = &peopleJSON([]*governance.Person{p})[0]
		out.Delegation = v.Delegation.ID
	}
	if v.Resolution != nil {
		out.Tier = v.Resolution.Level
	}
	return out
}
