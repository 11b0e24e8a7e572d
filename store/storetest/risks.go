package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/risk"
)

// RunRisks runs the register's part of the suite against a backend.
func RunRisks(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"ImportAndRead", testImportAndRead},
		{"ImportReplaces", testImportReplaces},
		{"BadBatchStoresNothing", testBadBatchStoresNothing},
		{"ConcurrentImports", testConcurrentImports},
		{"TreatmentFigures", testTreatmentFigures},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

// registerRisks returns one risk of each form of estimate.
func registerRisks() []*governance.Risk {
	pos := func(line int) governance.Pos { return governance.Pos{File: "register.csv", Line: line, Column: 1} }
	return []*governance.Risk{
		{ID: "R-2", Title: "Phishing", Domain: "identity", Category: "data-breach", Owner: "iam-lead", Status: governance.RiskOpen,
			Estimate: governance.Estimate{Frequency: &governance.Frequency{Rate: 0.3}, Magnitude: &governance.Magnitude{Lognormal: &governance.Interval90{P5: 40000, P95: 900000}}}, Pos: pos(2)},
		{ID: "R-1", Title: "Ransomware", Domain: "endpoint", Category: "ransomware", Status: governance.RiskMitigating,
			Estimate: governance.Estimate{
				Frequency: &governance.Frequency{Range: &governance.PERT{Min: 0.05, Likely: 0.15, Max: 0.4}},
				Magnitude: &governance.Magnitude{PERT: &governance.PERT{Min: 250000, Likely: 1200000, Max: 5000000}}}, Pos: pos(3)},
		{ID: "RISK 3", Domain: "data-protection", Category: "regulatory", Status: governance.RiskAccepted,
			Estimate: governance.Estimate{Likelihood: 3, Impact: 2}, Pos: pos(4)},
	}
}

func importedAt(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }

func testImportAndRead(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	in := registerRisks()
	in[2].ID = "R-3"
	if err := s.ImportRisks(ctx, in, importedAt(1)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Risks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []*governance.Risk{in[1], in[0], in[2]} // by id
	if len(got) != len(want) {
		t.Fatalf("%d risks stored, want %d", len(got), len(want))
	}
	for i, r := range got {
		if !reflect.DeepEqual(r.Risk, want[i]) {
			t.Errorf("risk %d reads back as\n%+v\nwant\n%+v", i, r.Risk, want[i])
		}
		if !r.Imported.Equal(importedAt(1)) || r.LedgerSize != 0 {
			t.Errorf("risk %s: imported %v at ledger size %d, want %v at 0", r.Risk.ID, r.Imported, r.LedgerSize, importedAt(1))
		}
	}
	one, err := s.Risk(ctx, "R-2")
	if err != nil || !reflect.DeepEqual(one.Risk, in[0]) {
		t.Errorf("Risk(R-2) = %+v, %v", one.Risk, err)
	}
	if _, err := s.Risk(ctx, "R-9"); antares.ErrorCode(err) != antares.ENOTFOUND {
		t.Errorf("Risk(R-9): %v, want a not-found error", err)
	}

	// The register outlives the process.
	s.Close()
	again, err := opened(t, open).Risks(ctx)
	if err != nil || len(again) != 3 {
		t.Errorf("after reopening: %d risks, %v", len(again), err)
	}
}

func testImportReplaces(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	in := registerRisks()[:2]
	if err := s.ImportRisks(ctx, in, importedAt(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, Entry(1), Entry(2)); err != nil {
		t.Fatal(err)
	}
	changed := *in[0]
	changed.Title, changed.Status, changed.Owner = "Phishing of administrators", governance.RiskAccepted, ""
	changed.Estimate = governance.Estimate{Likelihood: 5, Impact: 5}
	if err := s.ImportRisks(ctx, []*governance.Risk{&changed}, importedAt(2)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Risks(ctx)
	if err != nil || len(got) != 2 {
		t.Fatalf("%d risks, %v; want 2", len(got), err)
	}
	if r := got[1]; !reflect.DeepEqual(r.Risk, &changed) || !r.Imported.Equal(importedAt(2)) || r.LedgerSize != 2 {
		t.Errorf("the import did not replace R-2: %+v imported %v at ledger size %d", r.Risk, r.Imported, r.LedgerSize)
	}
	if r := got[0]; !reflect.DeepEqual(r.Risk, in[1]) || r.LedgerSize != 0 {
		t.Errorf("R-1, not in the second import, changed: %+v at ledger size %d", r.Risk, r.LedgerSize)
	}
}

func testBadBatchStoresNothing(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	if err := s.ImportRisks(ctx, registerRisks()[:1], importedAt(1)); err != nil {
		t.Fatal(err)
	}
	noEstimate := registerRisks()
	noEstimate[1].Estimate = governance.Estimate{}
	noEstimate[0].Title = "changed by a bad batch"
	twice := registerRisks()
	twice[2].ID = "R-2"
	badStatus := registerRisks()
	badStatus[1].Status = "ignored"
	for name, batch := range map[string][]*governance.Risk{
		"a risk without an estimate": noEstimate,
		"an id given twice":          twice,
		"an id with spaces":          registerRisks(),
		"an unknown status":          badStatus,
	} {
		if err := s.ImportRisks(ctx, batch, importedAt(2)); antares.ErrorCode(err) != antares.EINVALID {
			t.Errorf("%s: %v, want an invalid-input error", name, err)
		}
	}
	got, err := s.Risks(ctx)
	if err != nil || len(got) != 1 || got[0].Risk.Title != "Phishing" || !got[0].Imported.Equal(importedAt(1)) {
		t.Errorf("bad batches changed the register: %d risks, %v", len(got), err)
	}
}

func testConcurrentImports(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	stores := []interface {
		ImportRisks(context.Context, []*governance.Risk, time.Time) error
	}{opened(t, open), opened(t, open)}
	const perStore, batches = 20, 5
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*batches)
	for i, s := range stores {
		for j := range batches {
			wg.Go(func() {
				var batch []*governance.Risk
				for k := range perStore {
					r := *registerRisks()[0]
					r.ID = fmt.Sprintf("R-%d-%d-%d", i, j, k)
					batch = append(batch, &r)
				}
				errs <- s.ImportRisks(ctx, batch, importedAt(j))
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := opened(t, open).Risks(ctx)
	if err != nil || len(got) != len(stores)*batches*perStore {
		t.Errorf("%d risks after concurrent imports, %v; want %d", len(got), err, len(stores)*batches*perStore)
	}
}

func testTreatmentFigures(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	f := risk.TreatmentFigures{Seq: 1, Risk: "R-2", Exposure: 312000, Reduction: 40}
	if err := s.RecordTreatment(ctx, f); antares.ErrorCode(err) != antares.ENOTFOUND {
		t.Errorf("figures for an entry the ledger lacks: %v, want not found", err)
	}
	if err := s.Append(ctx, Entry(1), Entry(2)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []risk.TreatmentFigures{
		{Seq: 1, Risk: "R-2", Exposure: 1, Reduction: 101},
		{Seq: 1, Risk: "R-2", Exposure: 1, Reduction: -1},
		{Seq: 1, Risk: "R-2", Exposure: -5},
	} {
		if err := s.RecordTreatment(ctx, bad); antares.ErrorCode(err) != antares.EINVALID {
			t.Errorf("RecordTreatment(%+v): %v, want invalid", bad, err)
		}
	}
	g := risk.TreatmentFigures{Seq: 2, Risk: "R-1", Exposure: 90000}
	for _, x := range []risk.TreatmentFigures{g, f} {
		if err := s.RecordTreatment(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordTreatment(ctx, f); antares.ErrorCode(err) != antares.ECONFLICT {
		t.Errorf("figures recorded twice for entry 1: %v, want a conflict", err)
	}
	got, err := s.TreatmentFigures(ctx)
	if err != nil || !reflect.DeepEqual(got, []risk.TreatmentFigures{f, g}) {
		t.Errorf("TreatmentFigures = %+v, %v; want %+v", got, err, []risk.TreatmentFigures{f, g})
	}
}
