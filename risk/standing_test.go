package risk

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
)

const standingModel = `apiVersion: antares/v1
organization: {name: Test, currency: USD}
roles: [{id: ciso, title: CISO}]
people: [{id: raj.patel, name: Raj Patel, roles: [ciso]}]
domains: [{id: identity, name: Identity, owner: ciso}]
risk_treatment: risk-acceptance
decisions:
  - id: risk-acceptance
    measure: exposure
    authority: [{accountable: ciso}]
  - id: policy-exception
    authority: [{accountable: ciso}]
appetite:
  - {category: data-breach, tolerance: 250000}
`

func parseModel(t *testing.T, text string) *governance.Model {
	t.Helper()
	m, err := governance.Parse("model.yaml", governance.Source{Name: "model.yaml", Data: []byte(text)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * day) }

// standingRisk has an exposure of about 400,000: four events a year of
// exactly 100,000.
func standingRisk(id, category, status string) *governance.Risk {
	return &governance.Risk{ID: id, Domain: "identity", Category: category, Status: status,
		Estimate: governance.Estimate{Frequency: &governance.Frequency{Rate: 4}, Magnitude: &governance.Magnitude{PERT: &governance.PERT{Min: 1e5, Likely: 1e5, Max: 1e5}}}}
}

func treatment(seq int64, risk, decision, outcome string, at time.Time, validUntil *time.Time) *ledger.Entry {
	return &ledger.Entry{Seq: seq, Time: at, Kind: ledger.KindDecision, Decision: decision, Domain: "identity", Subject: Subject(risk),
		Outcome: outcome, DecidedBy: "raj.patel", Role: "ciso", ModelDigest: "sha256:0", Authorized: true, ValidUntil: validUntil}
}

func TestStand(t *testing.T) {
	m := parseModel(t, standingModel)
	in := func(d int) *time.Time { v := now.Add(time.Duration(d) * day); return &v }
	type want struct {
		status                string
		treated, lapsed, over bool
		residualFactor        float64 // residual / exposure
		next                  time.Time
		overdue, needsReview  bool
	}
	tests := []struct {
		name    string
		reg     Registered
		entries []*ledger.Entry
		figures []TreatmentFigures
		want    want
	}{
		{"a model risk never reviewed is due now",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)}, nil, nil,
			want{status: "open", over: true, residualFactor: 1, overdue: true, needsReview: true}},
		{"over tolerance: reviewed every 30 days after the import",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskMitigating), Imported: daysAgo(10)}, nil, nil,
			want{status: "mitigating", over: true, residualFactor: 1, next: daysAgo(10).Add(30 * day), needsReview: true}},
		{"a treatment after the import sets the status and reduces the residual",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen), Imported: daysAgo(20), LedgerSize: 1},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "accept", daysAgo(5), in(360))},
			[]TreatmentFigures{{Seq: 2, Risk: "R-1", Exposure: 400000, Reduction: 50}},
			want{status: "accepted", treated: true, residualFactor: 0.5, next: daysAgo(5).Add(90 * day), needsReview: true}},
		{"a small residual is reviewed yearly, or when its decision lapses",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "mitigate", daysAgo(5), in(200))},
			[]TreatmentFigures{{Seq: 2, Risk: "R-1", Exposure: 400000, Reduction: 80}},
			want{status: "mitigating", treated: true, residualFactor: 0.2, next: *in(200), needsReview: true}},
		{"a treatment before the import is history",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskMitigating), Imported: daysAgo(1), LedgerSize: 3},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "accept", daysAgo(5), nil)},
			[]TreatmentFigures{{Seq: 2, Risk: "R-1", Exposure: 400000, Reduction: 50}},
			want{status: "mitigating", over: true, residualFactor: 1, next: daysAgo(1).Add(30 * day), needsReview: true}},
		{"a lapsed acceptance returns the risk to review",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "accept", daysAgo(400), in(-35))},
			[]TreatmentFigures{{Seq: 2, Risk: "R-1", Exposure: 400000, Reduction: 50}},
			want{status: "open", treated: true, lapsed: true, over: true, residualFactor: 1, next: *in(-35), overdue: true, needsReview: true}},
		{"an avoided risk leaves no exposure and needs no review",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "avoid", daysAgo(5), nil)}, nil,
			want{status: "avoided", treated: true, residualFactor: 0}},
		{"an avoidance that lapses is reviewed when it does",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "avoid", daysAgo(5), in(60))}, nil,
			want{status: "avoided", treated: true, residualFactor: 0, next: *in(60), needsReview: true}},
		{"a closed risk needs no review",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskClosed), Imported: daysAgo(900)}, nil, nil,
			want{status: "closed", residualFactor: 0}},
		{"a category without appetite is reviewed every 90 days and never over it",
			Registered{Risk: standingRisk("R-1", "outage", governance.RiskOpen), Imported: daysAgo(100)}, nil, nil,
			want{status: "open", residualFactor: 1, next: daysAgo(10), overdue: true, needsReview: true}},
		{"a treatment recorded without figures reduces nothing",
			Registered{Risk: standingRisk("R-1", "data-breach", governance.RiskOpen)},
			[]*ledger.Entry{treatment(2, "R-1", "risk-acceptance", "transfer", daysAgo(5), nil)}, nil,
			want{status: "transferred", treated: true, over: true, residualFactor: 1, next: daysAgo(5).Add(30 * day), needsReview: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := Stand(m, []Registered{tt.reg}, Treatments(m, tt.entries, tt.figures), now, Config{Years: 2000}, DefaultCadence)
			if len(ss) != 1 {
				t.Fatalf("%d standings for one risk", len(ss))
			}
			s, w := ss[0], tt.want
			if s.Exposure.Mean < 350000 || s.Exposure.Mean > 450000 {
				t.Fatalf("exposure %v, want about 400000", s.Exposure.Mean)
			}
			got := want{status: s.Status, treated: s.Treatment != nil, lapsed: s.Lapsed, over: s.OverAppetite,
				residualFactor: math.Round(s.Residual.Mean/s.Exposure.Mean*1e9) / 1e9, next: s.NextReview, overdue: s.Overdue, needsReview: s.NeedsReview}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("got  %+v\nwant %+v", got, w)
			}
			if math.Abs(s.Residual.P99-s.Exposure.P99*w.residualFactor) > 1e-6 {
				t.Errorf("residual p99 %v is not %v of %v", s.Residual.P99, w.residualFactor, s.Exposure.P99)
			}
		})
	}
}

func TestTreatmentsPicksRiskDecisions(t *testing.T) {
	m := parseModel(t, standingModel)
	at := daysAgo(3)
	unauthorized := treatment(1, "R-1", "risk-acceptance", "accept", at, nil)
	unauthorized.Authorized = false
	review := treatment(3, "R-1", "", "", at, nil)
	review.Kind = ledger.KindReview
	ticket := treatment(4, "R-1", "risk-acceptance", "accept", at, nil)
	ticket.Subject = "INC-12"
	entries := []*ledger.Entry{
		unauthorized,
		treatment(2, "R-1", "policy-exception", "accept", at, nil), // another decision type
		review, ticket,
		treatment(5, "R-1", "risk-acceptance", "reject", at, nil), // not a treatment
		treatment(6, "R-1", "risk-acceptance", "accept", at, nil),
		treatment(7, "R-2", "risk-acceptance", "mitigate", at, nil),
		treatment(8, "R-1", "risk-acceptance", "transfer", at, nil),
	}
	figures := []TreatmentFigures{{Seq: 6, Risk: "R-1", Reduction: 30}, {Seq: 7, Risk: "R-9", Reduction: 50}}
	got := Treatments(m, entries, figures)
	seqs := map[string][]int64{}
	for id, ts := range got {
		for _, tr := range ts {
			seqs[id] = append(seqs[id], tr.Entry.Seq)
		}
	}
	if want := map[string][]int64{"R-1": {6, 8}, "R-2": {7}}; !reflect.DeepEqual(seqs, want) {
		t.Errorf("treatments %v, want %v", seqs, want)
	}
	if r := got["R-1"][0].Reduction(); r != 30 {
		t.Errorf("entry 6 reduces %v, want 30", r)
	}
	if r := got["R-2"][0].Reduction(); r != 0 {
		t.Errorf("entry 7 took the figures of another risk: reduction %v", r)
	}
	m.RiskTreatment = ""
	if got := Treatments(m, entries, figures); len(got) != 0 {
		t.Errorf("a model without risk_treatment has treatments %v", got)
	}
}

func TestMerge(t *testing.T) {
	model := []*governance.Risk{{ID: "R-2", Title: "model"}, {ID: "R-10", Title: "model"}}
	stored := []Registered{{Risk: &governance.Risk{ID: "R-2", Title: "stored"}, LedgerSize: 4}, {Risk: &governance.Risk{ID: "R-1", Title: "stored"}}}
	got := Merge(model, stored)
	var titles []string
	for _, r := range got {
		titles = append(titles, r.Risk.ID+" "+r.Risk.Title)
	}
	if want := []string{"R-1 stored", "R-10 model", "R-2 stored"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("Merge = %v, want %v", titles, want)
	}
	if got[2].LedgerSize != 4 {
		t.Errorf("the stored R-2 lost its ledger size")
	}
}

func TestFiguresOfRoundTrips(t *testing.T) {
	for _, e := range []governance.Estimate{
		quant(rate(0.3), lognormal(40000, 900000)),
		quant(rateRange(0.05, 0.15, 0.4), pert(250000, 1200000, 5000000)),
		{Likelihood: 3, Impact: 2},
	} {
		back, err := FiguresOf(e).Estimate()
		if err != nil || !reflect.DeepEqual(back, e) {
			t.Errorf("FiguresOf(%+v).Estimate() = %+v, %v", e, back, err)
		}
	}
}
