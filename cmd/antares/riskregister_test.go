package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/risk"
)

// northwind selects the Northwind example model, which names a
// risk_treatment decision type; given after the ledger environment's own
// --model (a snapshot without it), it takes its place.
var northwind = []string{"--model", "../../examples/northwind"}

func nw(args ...string) []string { return append(append([]string{}, northwind...), args...) }

// listed decodes the JSON of risk list.
func listed(t *testing.T, out string) map[string]riskJSON {
	t.Helper()
	var rs []riskJSON
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("risk list --format json: %v\n%s", err, out)
	}
	byID := map[string]riskJSON{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	return byID
}

// TestRiskRegisterSession imports a register, lists it, has a treatment
// refused and then allowed, shows the risk, lets the acceptance lapse and
// renews it, and verifies the ledger, against a real SQLite database.
func TestRiskRegisterSession(t *testing.T) {
	e := newLedgerEnv(t)
	var transcript strings.Builder
	step := func(out string) { transcript.WriteString(out) }

	// A bad file stores nothing, and names every bad row by line and column.
	msg := e.fails(2, nw("risk", "import", "testdata/risk/bad-register.csv")...)
	golden(t, "risk-import-errors.txt", msg)
	if out := e.ok(nw("risk", "list", "-f", "json")...); len(listed(t, out)) != 16 {
		t.Fatalf("a bad import changed the register: %d risks", len(listed(t, out)))
	}
	if msg := e.fails(2, nw("risk", "import", "testdata/risk/register.txt")...); !strings.Contains(msg, "give a .csv file or an .xlsx workbook") {
		t.Errorf("unknown extension: %s", msg)
	}

	step(e.ok(nw("risk", "import", "../../examples/risks/register.csv")...))
	step(e.ok(nw("risk", "list")...))
	over := e.ok(nw("risk", "list", "--over-appetite", "--format", "json")...)
	golden(t, "risk-list-over-appetite.json", over)
	for id, r := range listed(t, over) {
		if !r.OverAppetite || r.Tolerance == nil || r.Residual <= *r.Tolerance {
			t.Errorf("%s is listed over appetite with residual %v, tolerance %v", id, r.Residual, r.Tolerance)
		}
	}
	if _, ok := listed(t, over)["R-12"]; !ok {
		t.Fatalf("R-12 (373K against a data-breach tolerance of 250K) is not over appetite")
	}

	// R-12's exposure is over appetite: the GRC manager's tier (up to 50K)
	// does not cover it, the CISO's (up to 500K) does.
	msg = e.fails(1, nw("risk", "treat", "R-12", "--by", "lena.fischer", "--action", "accept", "--rationale", "night cover from Q3")...)
	if !strings.Contains(msg, "refused: Lena Fischer (lena.fischer) may not decide") || !strings.Contains(msg, "May decide instead: Raj Patel (raj.patel).") {
		t.Errorf("refusal: %s", msg)
	}
	step(e.ok(nw("risk", "treat", "R-12", "--by", "raj.patel", "--action", "accept", "--rationale", "night cover from Q3")...))
	// R-05 (1.48M, ransomware tolerance 500K) is beyond the CISO: the risk
	// committee decides, recorded by its chair.
	e.fails(1, nw("risk", "treat", "R-05", "--by", "raj.patel", "--action", "accept", "--rationale", "segmentation next year")...)
	step(e.ok(nw("risk", "treat", "R-05", "--by", "maria.chen", "--action", "accept", "--rationale", "segmentation next year")...))
	// A stated reduction lowers the residual, and with it the tier: 60%
	// off R-21's 86.8K leaves 34.7K, within the GRC manager's reach.
	step(e.ok(nw("risk", "treat", "R-21", "--by", "lena.fischer", "--action", "mitigate", "--reduction", "60",
		"--valid-until", "2026-09-30", "--rationale", "number matching for MFA pushes")...))

	after := listed(t, e.ok(nw("risk", "list", "-f", "json")...))
	want := map[string]struct {
		status   string
		residual float64 // as a share of the exposure
		over     bool
		next     string
	}{
		"R-12": {"accepted", 1, true, "2026-04-01"},      // over tolerance: 30 days
		"R-05": {"accepted", 1, true, "2026-04-01"},      // accepted above appetite, by the committee
		"R-21": {"mitigating", 0.4, false, "2026-09-30"}, // 365 days, but the decision lapses first
	}
	for id, w := range want {
		r := after[id]
		if r.Status != w.status || r.OverAppetite != w.over || r.NextReview == nil || r.NextReview.Format(time.DateOnly) != w.next ||
			r.Residual/r.Exposure < w.residual-1e-9 || r.Residual/r.Exposure > w.residual+1e-9 || r.Treatment == nil {
			t.Errorf("%s after treatment: %+v, want %+v", id, r, w)
		}
	}
	step(e.ok(nw("risk", "show", "R-21")...))
	var shown riskShowJSON
	if err := json.Unmarshal([]byte(e.ok(nw("risk", "show", "R-12", "-f", "json")...)), &shown); err != nil {
		t.Fatal(err)
	}
	if len(shown.History) != 1 || shown.History[0].Measure == nil || *shown.History[0].Measure != shown.Exposure ||
		shown.History[0].Outcome != "accept" || shown.History[0].Subject != "risk:R-12" || shown.History[0].Role != "ciso" ||
		shown.ExposureFigures.Mean != shown.Exposure || len(shown.ExposureFigures.Curve) != len(risk.CurveProbabilities) {
		t.Errorf("risk show R-12 -f json: %+v", shown)
	}
	e.fails(1, nw("risk", "show", "R-99")...)

	// A year on, the acceptances have lapsed: the risks are open and due
	// for review; a sweep asks for each decision again, and a treatment
	// answers that request.
	e.now = e.now.AddDate(1, 0, 1)
	step(e.ok(nw("risk", "list", "--overdue")...))
	lapsed := listed(t, e.ok(nw("risk", "list", "--overdue", "-f", "json")...))
	if r := lapsed["R-12"]; r.Status != "open" || !r.Lapsed || !r.Overdue {
		t.Errorf("R-12 a year after its acceptance: %+v", r)
	}
	step(e.ok(nw("escalate")...))
	step(e.ok(nw("risk", "treat", "R-12", "--by", "raj.patel", "--action", "mitigate", "--reduction", "50", "--rationale", "MDR contract signed")...))
	step(e.ok(nw("request", "list")...))

	// An import after a treatment restates the risk: its status is the file's.
	step(e.ok(nw("risk", "import", "testdata/risk/register-update.csv")...))
	updated := listed(t, e.ok(nw("risk", "list", "-f", "json")...))
	if r := updated["R-12"]; r.Status != "mitigating" || r.Treatment != nil || r.Source != "testdata/risk/register-update.csv:2" || r.Residual != r.Exposure {
		t.Errorf("R-12 after a new import: %+v", r)
	}

	step(e.ok(nw("ledger", "verify")...))
	golden(t, "risk-session.txt", transcript.String())
}

func TestRiskTreatErrors(t *testing.T) {
	e := newLedgerEnv(t)
	// The ledger tests' model names no risk_treatment.
	if msg := e.fails(2, "risk", "treat", "R-02", "--by", "raj.patel", "--action", "accept", "--rationale", "r"); !strings.Contains(msg, "the model names no decision type for risk treatments: add risk_treatment") {
		t.Errorf("without risk_treatment: %s", msg)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"R-02", "--by", "raj.patel", "--action", "ignore", "--rationale", "r"}, 2, `--action "ignore": use one of accept, mitigate, transfer, avoid`},
		{[]string{"R-02", "--by", "raj.patel", "--action", "mitigate", "--reduction", "120", "--rationale", "r"}, 2, "--reduction 120: give the reduction"},
		{[]string{"R-02", "--by", "raj.patel", "--action", "accept", "--valid-until", "next year", "--rationale", "r"}, 2, `--valid-until "next year"`},
		{[]string{"R-02", "--by", "raj.patel", "--action", "accept"}, 2, `"rationale" not set`},
		{[]string{"R-02", "--by", "nobody", "--action", "accept", "--rationale", "r"}, 2, `nobody`},
		{[]string{"R-2", "--by", "raj.patel", "--action", "accept", "--rationale", "r"}, 1, `the register has no risk "R-2"`},
	} {
		if msg := e.fails(tt.code, nw(append([]string{"risk", "treat"}, tt.args...)...)...); !strings.Contains(msg, tt.want) {
			t.Errorf("risk treat %v: %s, want it to say %s", tt.args, msg, tt.want)
		}
	}
	if out := e.ok(nw("ledger", "list", "-f", "json")...); strings.TrimSpace(out) != "[]" {
		t.Errorf("refused treatments reached the ledger: %s", out)
	}
}

// TestRiskImportXLSX imports a workbook, and a CSV file in its place
// replaces its risks.
func TestRiskImportXLSX(t *testing.T) {
	e := newLedgerEnv(t)
	path := filepath.Join(e.dir, "register.xlsx")
	writeXLSX(t, path, [][]any{
		{"id", "title", "domain", "category", "freq", "loss_p5", "loss_p95"},
		{"R-02", "Phished credentials, restated", "identity", "data-breach", 0.2, 50000, 1500000},
		{"R-50", "Lost backup tape", "data-protection", "regulatory", 0.1, 10000, 400000},
	})
	if out := e.ok(nw("risk", "import", path)...); out != "Imported 2 risks from "+path+": 2 new, 0 replaced; in place of the model's: R-02.\n" {
		t.Errorf("import: %s", out)
	}
	rs := listed(t, e.ok(nw("risk", "list", "-f", "json")...))
	if r := rs["R-02"]; r.Title != "Phished credentials, restated" || r.Source != path+":2" {
		t.Errorf("R-02 from the workbook: %+v", r)
	}
	m, err := governance.Load("../../examples/northwind")
	if err != nil {
		t.Fatal(err)
	}
	want := risk.Simulate(governance.Estimate{Frequency: &governance.Frequency{Rate: 0.1},
		Magnitude: &governance.Magnitude{Lognormal: &governance.Interval90{P5: 10000, P95: 400000}}}, m.Scales, risk.Config{}.ForRisk("R-50"))
	if r := rs["R-50"]; r.Exposure != want.Mean || r.Residual != want.Mean || r.Status != "open" || len(rs) != 17 {
		t.Errorf("R-50: %+v, want exposure %v; %d risks", r, want.Mean, len(rs))
	}
	if out := e.ok(nw("risk", "import", path)...); !strings.Contains(out, "0 new, 2 replaced") {
		t.Errorf("import again: %s", out)
	}
	os.WriteFile(filepath.Join(e.dir, "damaged.xlsx"), []byte("PK not a workbook"), 0o644)
	if msg := e.fails(2, nw("risk", "import", filepath.Join(e.dir, "damaged.xlsx"))...); !strings.Contains(msg, "not an XLSX workbook") {
		t.Errorf("damaged workbook: %s", msg)
	}
}

// writeXLSX writes rows to the first sheet of a new workbook at path.
func writeXLSX(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
