package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/report"
	"github.com/antares-governance/antares/risk"
	"github.com/antares-governance/antares/store"
)

func riskImportCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv|FILE.xlsx",
		Short: "Import a risk register into the database, all or nothing",
		Long: `Import reads a risk register, a CSV file or the first sheet of an XLSX workbook with a
header row (see docs/risk.md), checks every row against the model and stores the risks:
a risk whose id is already stored is replaced. A file with any bad row stores nothing,
and every problem is reported with its line and column.

The register is the model's risks (which seed it) with the imported risks in place of
those of the same id.

Exit status: 0 imported, 2 the file or the model cannot be read.`,
		Example: `  antares risk import last-quarter.xlsx --model governance/ --db antares.db`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := a.loadModel("")
			if err != nil {
				return err
			}
			risks, err := readRegister(args[0], m)
			if err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				stored, err := s.Risks(ctx)
				if err != nil {
					return err
				}
				if err := s.ImportRisks(ctx, risks, clock()); err != nil {
					return err
				}
				replaced := 0
				var overrides []string
				for _, r := range risks {
					switch {
					case slices.ContainsFunc(stored, func(x risk.Registered) bool { return x.Risk.ID == r.ID }):
						replaced++
					case slices.ContainsFunc(m.Risks, func(x *governance.Risk) bool { return x.ID == r.ID }):
						overrides = append(overrides, r.ID)
					}
				}
				fmt.Fprintf(a.stdout, "Imported %d risks from %s: %d new, %d replaced", len(risks), args[0], len(risks)-replaced, replaced)
				if len(overrides) > 0 {
					fmt.Fprintf(a.stdout, "; in place of the model's: %s", strings.Join(overrides, ", "))
				}
				_, err = fmt.Fprintln(a.stdout, ".")
				return err
			})
		},
	}
}

// readRegister reads a register file by its extension.
func readRegister(path string, m *governance.Model) ([]*governance.Risk, error) {
	read := map[string]func(string, io.Reader, *governance.Model) ([]*governance.Risk, error){
		".csv": risk.ReadCSV, ".xlsx": risk.ReadXLSX,
	}[strings.ToLower(filepath.Ext(path))]
	if read == nil {
		return nil, antares.Errorf(antares.EINVALID, "%s: give a .csv file or an .xlsx workbook", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "%v", err)
	}
	defer f.Close()
	risks, err := read(path, f, m)
	if err != nil {
		return nil, nothingImported(path, err)
	}
	return risks, nil
}

// register is the risk register, with the ledger its risks' standing
// comes from.
type register struct {
	model   *governance.Model
	risks   []risk.Registered
	entries []*ledger.Entry
	figures []risk.TreatmentFigures
	now     time.Time
}

// loadRegister reads the register of model m: its risks with the stored ones
// in their place, and the ledger's treatments of them.
func loadRegister(ctx context.Context, s store.Store, m *governance.Model) (*register, error) {
	stored, err := s.Risks(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := readEntries(ctx, s)
	if err != nil {
		return nil, err
	}
	figures, err := s.TreatmentFigures(ctx)
	if err != nil {
		return nil, err
	}
	return &register{model: m, risks: risk.Merge(m.Risks, stored), entries: entries, figures: figures, now: clock().UTC()}, nil
}

// stand returns where the risks stand now.
func (r *register) stand(risks []risk.Registered) []risk.Standing {
	return risk.Stand(r.model, risks, risk.Treatments(r.model, r.entries, r.figures), r.now, risk.Config{}, risk.DefaultCadence)
}

// standing returns where the risk id stands now, simulating it alone, or an
// ENOTFOUND error.
func (r *register) standing(id string) (risk.Standing, error) {
	ids := make([]string, len(r.risks))
	for i, x := range r.risks {
		if x.Risk.ID == id {
			return r.stand(r.risks[i : i+1])[0], nil
		}
		ids[i] = x.Risk.ID
	}
	return risk.Standing{}, antares.Errorf(antares.ENOTFOUND, "the register has no risk %q%s", id, governance.DidYouMean(id, ids))
}

func riskListCommand(a *app) *cobra.Command {
	var (
		format                string
		overAppetite, overdue bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the register: exposure, residual, appetite and next review of each risk",
		Long: `List shows every risk of the register (the model's risks, with imported ones in place of
those of the same id): its status after the treatments the ledger records, its exposure
and residual exposure simulated now, its category's tolerance, whether the residual is
over it, and when the risk is next due for review. See docs/risk.md.`,
		Example: `  antares risk list --over-appetite
  antares risk list --overdue --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			m, err := a.loadModel("")
			if err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				reg, err := loadRegister(ctx, s, m)
				if err != nil {
					return err
				}
				var picked []risk.Standing
				for _, st := range reg.stand(reg.risks) {
					if (!overAppetite || st.OverAppetite) && (!overdue || st.Overdue) {
						picked = append(picked, st)
					}
				}
				if format == "json" {
					out := make([]riskJSON, len(picked))
					for i, st := range picked {
						out[i] = newRiskJSON(st)
					}
					return writeAnswerJSON(a.stdout, out)
				}
				return writeRiskList(a.stdout, picked)
			})
		},
	}
	cmd.Flags().BoolVar(&overAppetite, "over-appetite", false, "only risks whose residual exposure exceeds their category's tolerance")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only risks due for review")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

// treatmentJSON is the treatment a risk's status comes from.
type treatmentJSON struct {
	Entry      int64      `json:"entry"`
	Action     string     `json:"action"`
	DecidedBy  string     `json:"decided_by"`
	Time       time.Time  `json:"time"`
	Reduction  float64    `json:"reduction"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
}

// riskJSON is a risk as risk list and risk show write it in JSON.
type riskJSON struct {
	ID           string         `json:"id"`
	Title        string         `json:"title,omitempty"`
	Domain       string         `json:"domain"`
	Category     string         `json:"category"`
	Owner        string         `json:"owner,omitempty"`
	Status       string         `json:"status"`
	Source       string         `json:"source"`
	Exposure     float64        `json:"exposure"`
	Residual     float64        `json:"residual"`
	Tolerance    *float64       `json:"tolerance"`
	OverAppetite bool           `json:"over_appetite"`
	Treatment    *treatmentJSON `json:"treatment,omitempty"`
	Lapsed       bool           `json:"lapsed"`
	LastReview   *time.Time     `json:"last_review"`
	NeedsReview  bool           `json:"needs_review"`
	NextReview   *time.Time     `json:"next_review"`
	Overdue      bool           `json:"overdue"`
}

func newRiskJSON(s risk.Standing) riskJSON {
	r := s.Risk
	out := riskJSON{
		ID: r.ID, Title: r.Title, Domain: r.Domain, Category: r.Category, Owner: r.Owner, Status: s.Status,
		Source: riskSource(s), Exposure: s.Exposure.Mean, Residual: s.Residual.Mean, OverAppetite: s.OverAppetite,
		Lapsed: s.Lapsed, LastReview: timeOrNil(s.LastReview), NeedsReview: s.NeedsReview, NextReview: timeOrNil(s.NextReview), Overdue: s.Overdue,
	}
	if s.Appetite != nil {
		out.Tolerance = &s.Appetite.Tolerance
	}
	if t := s.Treatment; t != nil {
		out.Treatment = &treatmentJSON{Entry: t.Entry.Seq, Action: t.Action, DecidedBy: t.Entry.DecidedBy,
			Time: t.Entry.Time.UTC(), Reduction: t.Reduction(), ValidUntil: t.Entry.ValidUntil}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// riskSource says where a risk of the register comes from: "model" or the
// register file and line it was imported from.
func riskSource(s risk.Standing) string {
	if s.Imported.IsZero() {
		return "model"
	}
	return fmt.Sprintf("%s:%d", s.Risk.Pos.File, s.Risk.Pos.Line)
}

func isoDate(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// statusText is a risk's status for people: "open (lapsed)" once its
// treatment lapsed.
func statusText(s risk.Standing) string {
	if s.Lapsed {
		return s.Status + " (lapsed)"
	}
	return s.Status
}

// reviewText says when a risk is next due for review.
func reviewText(s risk.Standing) string {
	switch {
	case !s.NeedsReview:
		return "-"
	case s.NextReview.IsZero():
		return "now (never reviewed)"
	case s.Overdue:
		return isoDate(s.NextReview) + " overdue"
	}
	return isoDate(s.NextReview)
}

// appetiteText compares a risk's residual exposure with its tolerance.
func appetiteText(s risk.Standing) string {
	switch {
	case !s.Live():
		return "-"
	case s.Appetite == nil:
		return "none stated"
	case s.OverAppetite:
		return "over"
	}
	return "within"
}

func writeRiskList(w io.Writer, ss []risk.Standing) error {
	if len(ss) == 0 {
		_, err := fmt.Fprintln(w, "No risk matches.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tEXPOSURE\tRESIDUAL\tTOLERANCE\tAPPETITE\tNEXT REVIEW\tDOMAIN\tCATEGORY\tTITLE")
	over, overdue := 0, 0
	for _, s := range ss {
		tolerance := "-"
		if s.Appetite != nil {
			tolerance = report.Compact(s.Appetite.Tolerance)
		}
		if s.OverAppetite {
			over++
		}
		if s.Overdue {
			overdue++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Risk.ID, statusText(s), report.Compact(s.Exposure.Mean),
			report.Compact(s.Residual.Mean), tolerance, appetiteText(s), reviewText(s), s.Risk.Domain, s.Risk.Category, orDash(s.Risk.Title))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d risks: %d over appetite, %d due for review.\n", len(ss), over, overdue)
	return err
}

func riskShowCommand(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one risk: its figures, loss exceedance curve, treatments and next review",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkAnswerFormat(format); err != nil {
				return err
			}
			m, err := a.loadModel("")
			if err != nil {
				return err
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				reg, err := loadRegister(ctx, s, m)
				if err != nil {
					return err
				}
				st, err := reg.standing(args[0])
				if err != nil {
					return err
				}
				history := reg.history(st.Risk.ID)
				if format == "json" {
					return writeAnswerJSON(a.stdout, riskShowJSON{
						riskJSON: newRiskJSON(st), Figures: risk.FiguresOf(st.Risk.Estimate), Seed: risk.Config{}.ForRisk(st.Risk.ID).Seed,
						ExposureFigures: st.Exposure, ResidualFigures: st.Residual, History: history,
					})
				}
				return writeRiskShow(a.stdout, reg.model, st, history)
			})
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

// historyJSON is a ledger entry about a risk, with the figures the
// register keeps for a treatment.
type historyJSON struct {
	*ledger.Entry
	ExposureBefore *float64 `json:"exposure_before,omitempty"`
	Reduction      *float64 `json:"reduction,omitempty"`
}

// riskShowJSON is the JSON output of risk show.
type riskShowJSON struct {
	riskJSON
	Figures risk.Figures `json:"figures"`
	// Seed is the seed the risk is simulated from: its id mixed into the
	// default seed, so that risk quantify --seed reproduces its figures.
	Seed            uint64        `json:"seed"`
	ExposureFigures risk.Result   `json:"exposure_figures"`
	ResidualFigures risk.Result   `json:"residual_figures"`
	History         []historyJSON `json:"history"`
}

// history returns the ledger's entries about the risk id, oldest first,
// with the figures kept for treatments.
func (r *register) history(id string) []historyJSON {
	out := []historyJSON{}
	for _, e := range r.entries {
		if e.Subject != risk.Subject(id) {
			continue
		}
		h := historyJSON{Entry: e}
		for _, f := range r.figures {
			if f.Seq == e.Seq && f.Risk == id {
				h.ExposureBefore, h.Reduction = &f.Exposure, &f.Reduction
			}
		}
		out = append(out, h)
	}
	return out
}

func writeRiskShow(w io.Writer, m *governance.Model, s risk.Standing, history []historyJSON) error {
	r := s.Risk
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Risk\t%s  %s\n", r.ID, orDash(r.Title))
	fmt.Fprintf(tw, "Domain\t%s\n", r.Domain)
	fmt.Fprintf(tw, "Category\t%s\n", r.Category)
	fmt.Fprintf(tw, "Owner\t%s\n", orDash(r.Owner))
	if s.Imported.IsZero() {
		fmt.Fprintf(tw, "Source\tthe model\n")
	} else {
		fmt.Fprintf(tw, "Source\t%s, imported %s\n", riskSource(s), isoDate(s.Imported))
	}
	status := statusText(s)
	if t := s.Treatment; t != nil {
		status += fmt.Sprintf(" by %s in entry %d on %s", personText(m, t.Entry.DecidedBy), t.Entry.Seq, isoDate(t.Entry.Time))
		if t.Entry.ValidUntil != nil {
			verb := "valid until"
			if s.Lapsed {
				verb = "lapsed on"
			}
			status += fmt.Sprintf(", %s %s", verb, isoDate(*t.Entry.ValidUntil))
		}
	}
	fmt.Fprintf(tw, "Status\t%s\n", status)
	fmt.Fprintf(tw, "Residual\t%s\n", residualText(s))
	review := reviewText(s)
	if !s.LastReview.IsZero() {
		review += ", last reviewed " + isoDate(s.LastReview)
	}
	fmt.Fprintf(tw, "Next review\t%s\n\n", review)
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := writeQuantify(w, r.Estimate, m.Scales, risk.Config{}.ForRisk(r.ID).Seed, s.Exposure); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTreatments and decisions in the ledger")
	if len(history) == 0 {
		_, err := fmt.Fprintln(w, "  none")
		return err
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEQ\tTIME\tDECISION\tOUTCOME\tDECIDED BY\tROLE\tEXPOSURE\tREDUCTION\tMEASURE\tVALID UNTIL\tAUTHORIZED")
	for _, h := range history {
		e := h.Entry
		exposure, reduction, measure, until := "-", "-", "-", "-"
		if h.ExposureBefore != nil {
			exposure, reduction = report.Compact(*h.ExposureBefore), num(*h.Reduction)+"%"
		}
		if e.Measure != nil {
			measure = report.Compact(*e.Measure)
		}
		if e.ValidUntil != nil {
			until = isoDate(*e.ValidUntil)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, isoDate(e.Time), orDash(e.Decision), orDash(e.Outcome),
			e.DecidedBy, orDash(e.Role), exposure, reduction, measure, until, yesNo(e.Authorized))
	}
	return tw.Flush()
}

// residualText states a risk's residual exposure against its appetite.
func residualText(s risk.Standing) string {
	if !s.Live() {
		return fmt.Sprintf("none: the risk is %s and leaves no exposure", s.Status)
	}
	out := report.Compact(s.Residual.Mean)
	if s.Treatment != nil && !s.Lapsed && s.Treatment.Reduction() > 0 {
		out += fmt.Sprintf(" after a %s%% reduction", num(s.Treatment.Reduction()))
	}
	switch {
	case s.Appetite == nil:
		return out + fmt.Sprintf("; the model states no tolerance for %s", s.Risk.Category)
	case s.OverAppetite:
		return out + fmt.Sprintf(": OVER the %s tolerance of %s", s.Risk.Category, report.Compact(s.Appetite.Tolerance))
	}
	return out + fmt.Sprintf(": within the %s tolerance of %s", s.Risk.Category, report.Compact(s.Appetite.Tolerance))
}

// personText names a person of the model: "Raj Patel (raj.patel)".
func personText(m *governance.Model, id string) string {
	if p := m.Person(id); p != nil {
		return fmt.Sprintf("%s (%s)", p.DisplayName(), p.ID)
	}
	return id
}

func riskTreatCommand(a *app) *cobra.Command {
	var (
		d                  ledger.Decision
		reduction          float64
		validUntil, action string
	)
	cmd := &cobra.Command{
		Use:   "treat ID --by PERSON --action accept|mitigate|transfer|avoid --rationale TEXT",
		Short: "Record a risk treatment in the ledger, if the person has the authority for its residual exposure",
		Long: `Treat records a decision to accept, mitigate, transfer or avoid a risk. It is a decision of
the type the model names in risk_treatment, about the subject "risk:ID", in the risk's
domain, and its measure is the residual exposure: the exposure simulated now, reduced by
--reduction percent. That residual picks the tier of the decision's ladder, so a large
residual (one over the category's tolerance, say) needs the tier that covers it. A
person without that authority is refused, as antares decide refuses, naming who may
decide instead.

The entry records the residual exposure as its measure; the register keeps the exposure
and the reduction beside it. The risk's status becomes accepted, mitigating,
transferred or avoided until the decision lapses (--valid-until, by default the
decision type's valid_for), when the risk is open again and due for review. An open
request to decide the risk's treatment (one antares escalate opened when an earlier
treatment lapsed, say) is answered by the entry.

Exit status: 0 recorded, 1 refused, 2 bad input.`,
		Example: `  antares risk treat R-21 --by raj.patel --action mitigate --reduction 60 \
      --rationale "number matching for MFA pushes, rolled out in April"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			status, ok := risk.StatusAfter(action)
			if !ok {
				return antares.Errorf(antares.EINVALID, "--action %q: use one of %s", action, strings.Join(risk.Actions, ", "))
			}
			if !(reduction >= 0 && reduction <= 100) {
				return antares.Errorf(antares.EINVALID, "--reduction %v: give the reduction the treatment achieves as a percentage from 0 to 100", reduction)
			}
			if validUntil != "" {
				t, err := parseTime(validUntil)
				if err != nil {
					return antares.Errorf(antares.EINVALID, "--valid-until %q: give an RFC 3339 time or a date such as 2027-06-30", validUntil)
				}
				d.ValidUntil = &t
			}
			return a.withStore(func(ctx context.Context, s store.Store) error {
				x, err := a.decisionIndex(ctx, s)
				if err != nil {
					return err
				}
				m := x.Model()
				if m.RiskTreatment == "" {
					return antares.Errorf(antares.EINVALID, "the model names no decision type for risk treatments: add risk_treatment: DECISION (a decision measured by exposure) to it; see docs/model.md#risk_treatment")
				}
				reg, err := loadRegister(ctx, s, m)
				if err != nil {
					return err
				}
				st, err := reg.standing(args[0])
				if err != nil {
					return err
				}
				residual, err := risk.Residual(st.Exposure, reduction)
				if err != nil {
					return err
				}
				d.Decision, d.Domain, d.Subject = m.RiskTreatment, st.Risk.Domain, risk.Subject(st.Risk.ID)
				d.Measure, d.Outcome, d.At = &residual.Mean, action, clock()
				if err := answerOpenRequest(ctx, s, &d); err != nil {
					return err
				}
				e, err := record(ctx, s, x, d)
				if err != nil {
					return err
				}
				figures := risk.TreatmentFigures{Seq: e.Seq, Risk: st.Risk.ID, Exposure: st.Exposure.Mean, Reduction: reduction}
				if err := s.RecordTreatment(ctx, figures); err != nil {
					return antares.Errorf(antares.EINTERNAL, "entry %d is recorded, but the register could not keep its exposure and reduction: %v", e.Seq, err)
				}
				if err := writeRecorded(a.stdout, m, e); err != nil {
					return err
				}
				reg.entries, reg.figures = append(reg.entries, e), append(reg.figures, figures)
				now, err := reg.standing(st.Risk.ID)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.stdout, "Risk %s is %s: exposure %s, residual %s.\nNext review %s.\n",
					st.Risk.ID, status, report.Compact(st.Exposure.Mean), residualText(now), reviewText(now))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.By, "by", "", "the person deciding (required)")
	f.StringVar(&action, "action", "", "the treatment: accept, mitigate, transfer or avoid (required)")
	f.StringVar(&d.Rationale, "rationale", "", "why (required)")
	f.Float64Var(&reduction, "reduction", 0, "the percentage by which the treatment reduces the annual loss, 0 to 100")
	f.StringVar(&validUntil, "valid-until", "", "when the decision lapses, RFC 3339 or YYYY-MM-DD (default: the decision type's valid_for)")
	f.StringVar(&d.Trigger, "trigger", "planned", "what prompted it: planned, incident, audit, regulator, customer or other")
	for _, name := range []string{"by", "action", "rationale"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// answerOpenRequest makes d answer the oldest open request for the same
// decision, domain and subject, if there is one.
func answerOpenRequest(ctx context.Context, s store.Store, d *ledger.Decision) error {
	requests, err := s.Requests(ctx)
	if err != nil {
		return err
	}
	for _, r := range requests {
		if r.Open() && r.Decision == d.Decision && r.Domain == d.Domain && r.Subject == d.Subject {
			d.Request = r.ID
			return fromRequest(ctx, s, d)
		}
	}
	return nil
}
