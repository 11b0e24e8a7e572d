package assess_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/antares-governance/antares/assess"
	"github.com/antares-governance/antares/governance"
)

// healthy is a model without static findings; the cases change it.
const healthy = `apiVersion: antares/v1
organization: {name: Acme, currency: USD}
people:
  - {id: ann, roles: [ceo]}
  - {id: raj, roles: [ciso]}
  - {id: mia, roles: [risk-committee]}
  - {id: sam, roles: [secman]}
  - {id: sol, roles: [soc]}
  - {id: old, roles: [soc], status: departed}
roles:
  - {id: ceo}
  - {id: ciso, reports_to: ceo}
  - {id: risk-committee, kind: body, chair: mia, reports_to: ceo}
  - {id: secman, reports_to: ciso}
  - {id: soc, reports_to: secman}
domains:
  - id: identity
    owner: ciso
    outcomes: [{id: mfa, target: ">= 99%"}]
    review: {every: 90d, by: ceo}
  - id: endpoint
    owner: secman
    outcomes: [{id: edr, target: ">= 95%"}, {id: patching}]
    review: {every: 90d, by: ceo}
decisions:
  - id: risk-acceptance
    measure: exposure
    authority:
      - {up_to: 50000, accountable: secman}
      - {up_to: 500000, accountable: ciso}
      - {accountable: risk-committee}
  - id: firewall-change
    authority:
      - {accountable: "@owner"}
  - id: alert-disposition
    domains: [endpoint]
    authority:
      - {accountable: soc}
responsibilities:
  - {id: triage, responsible: [soc], measured_on: [endpoint.edr]}
  - {id: iam-ops, responsible: [ciso], measured_on: [identity.mfa]}
appetite:
  - {category: breach, tolerance: 100000}
risks:
  - {id: R-1, domain: identity, category: breach, frequency: 0.1, magnitude: {p5: 100000, p95: 1000000}}
  - {id: R-2, domain: endpoint, category: breach, likelihood: 2, impact: 3}
  - {id: R-3, domain: endpoint, category: breach, status: closed, likelihood: 5, impact: 5}
`

// exposures are fixed figures, so that exposure sums can be checked exactly.
var exposures = map[string]float64{"R-1": 40000, "R-2": 50000, "R-3": 1e9}

func static(t *testing.T, text string) []assess.Finding {
	t.Helper()
	m, err := governance.Parse("m.yaml", governance.Source{Name: "m.yaml", Data: []byte(text)})
	if err != nil {
		t.Fatalf("model does not load:\n%v", err)
	}
	return assess.Static(m, exposures)
}

// key names a finding by code and subject: "authority.vacant decision:risk-acceptance@identity#2".
func key(f assess.Finding) string {
	s := fmt.Sprintf("%s %s:%s", f.Code, f.Subject.Kind, f.Subject.ID)
	if f.Subject.Domain != "" {
		s += "@" + f.Subject.Domain
	}
	if f.Subject.Tier != 0 {
		s += fmt.Sprintf("#%d", f.Subject.Tier)
	}
	if f.Subject.Category != "" {
		s += "/" + f.Subject.Category
	}
	return s
}

func keys(fs []assess.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = key(f)
	}
	slices.Sort(out)
	return out
}

func apply(t *testing.T, edits ...string) string {
	t.Helper()
	text := healthy
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("healthy model has no %q", edits[i])
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	return text
}

func TestHealthyModelHasNoFindings(t *testing.T) {
	if fs := static(t, healthy); len(fs) != 0 {
		t.Fatalf("healthy model has findings: %v", keys(fs))
	}
}

func TestStaticFindings(t *testing.T) {
	cases := []struct {
		name     string
		edits    []string // old, new pairs applied to healthy
		want     []string // every finding, by key
		nearMiss []string // edits of the same place that must find nothing
	}{
		{"missing: a domain without ladder",
			[]string{`{accountable: "@owner"}`, `{accountable: ciso, domains: [identity]}`},
			[]string{"authority.missing decision:firewall-change@endpoint"},
			[]string{`{accountable: "@owner"}`, "{accountable: ciso, domains: [identity]}\n      - {accountable: secman, domains: [endpoint]}"}},
		{"missing: no tiers at all, once per domain",
			[]string{"    authority:\n      - {accountable: \"@owner\"}\n", ""},
			[]string{"authority.missing decision:firewall-change@endpoint", "authority.missing decision:firewall-change@identity"},
			[]string{"    authority:\n      - {accountable: \"@owner\"}\n", "    authority:\n      - {accountable: ciso}\n"}},
		{"split: two tiers share up_to",
			[]string{"up_to: 500000, accountable: ciso", "up_to: 50000, accountable: ciso"},
			[]string{"authority.split decision:risk-acceptance#2"},
			[]string{"up_to: 500000, accountable: ciso", "up_to: 50001, accountable: ciso"}},
		{"split: two uncapped tiers",
			[]string{"{accountable: risk-committee}", "{accountable: risk-committee}\n      - {accountable: ceo}"},
			[]string{"authority.split decision:risk-acceptance#4"},
			[]string{"{accountable: risk-committee}", "{accountable: risk-committee}\n      - {accountable: ceo, domains: [identity]}"}},
		{"split: an individual role held by two active people, per tier and per @owner domain",
			[]string{"{id: sam, roles: [secman]}", "{id: sam, roles: [secman, ciso]}"},
			[]string{"authority.split decision:firewall-change@identity#1", "authority.split decision:risk-acceptance#2"},
			[]string{"{id: sam, roles: [secman]}", "{id: sam, roles: [secman]}\n  - {id: zed, roles: [ciso], status: departed}"}},
		{"split: a body without a chair",
			[]string{"kind: body, chair: mia,", "kind: body,"},
			[]string{"authority.split decision:risk-acceptance#3"},
			[]string{"kind: body, chair: mia,", "kind: body, chair: ann,"}},
		{"ceiling: the general ladder, once for all its domains",
			[]string{"      - {accountable: risk-committee}\n", ""},
			[]string{"authority.ceiling decision:risk-acceptance#2"},
			[]string{"measure: exposure", "measure: severity"}},
		{"ceiling: a domain's own ladder",
			[]string{"{accountable: risk-committee}", "{accountable: risk-committee}\n      - {up_to: 1000, accountable: ciso, domains: [identity]}"},
			[]string{"authority.ceiling decision:risk-acceptance@identity#4"},
			[]string{"{accountable: risk-committee}", "{accountable: risk-committee}\n      - {up_to: 1000, accountable: ciso, domains: [identity]}\n      - {accountable: ceo, domains: [identity]}"}},
		{"vacant: the only holder departed",
			[]string{"{id: raj, roles: [ciso]}", "{id: raj, roles: [ciso], status: departed}"},
			[]string{"authority.vacant decision:firewall-change@identity#1", "authority.vacant decision:risk-acceptance#2", "ownership.missing domain:identity"},
			[]string{"{id: raj, roles: [ciso]}", "{id: raj, roles: [ciso]}\n  - {id: rex, roles: [ciso], status: departed}"}},
		{"vacant: a body whose chair departed",
			[]string{"{id: mia, roles: [risk-committee]}", "{id: mia, roles: [risk-committee], status: departed}"},
			[]string{"authority.vacant decision:risk-acceptance#3"},
			[]string{"{id: mia, roles: [risk-committee]}", "{id: mia, roles: []}"}},
		{"vacant, not split: a body without chair or active members",
			[]string{"kind: body, chair: mia,", "kind: body,", "{id: mia, roles: [risk-committee]}", "{id: mia, roles: [risk-committee], status: departed}"},
			[]string{"authority.vacant decision:risk-acceptance#3"},
			nil},
		{"vacant: @owner where the domain has no owner",
			[]string{"    owner: secman\n", ""},
			[]string{"authority.vacant decision:firewall-change@endpoint#1", "ownership.missing domain:endpoint"},
			[]string{"    owner: secman\n", "    owner: ciso\n    # no longer secman\n"}},
		{"ownership: owner role held by nobody active, and no other domain findings",
			[]string{"{id: sam, roles: [secman]}", "{id: sam, roles: []}", "review: {every: 90d, by: ceo}\ndecisions", "review: {every: 90d, by: secman}\ndecisions"},
			[]string{"authority.vacant decision:firewall-change@endpoint#1", "authority.vacant decision:risk-acceptance#1", "ownership.missing domain:endpoint"},
			nil},
		{"no-outcomes: outcomes without targets",
			[]string{`{id: mfa, target: ">= 99%"}`, `{id: mfa}`},
			[]string{"ownership.no-outcomes domain:identity"},
			[]string{`{id: mfa, target: ">= 99%"}`, `{id: mfa, target: "== 100%"}`}},
		{"no-outcomes: no outcomes at all",
			[]string{"    outcomes: [{id: mfa, target: \">= 99%\"}]\n", "", "measured_on: [identity.mfa]", "measured_on: []"},
			[]string{"ownership.no-outcomes domain:identity"},
			nil},
		{"no-review: none",
			[]string{"    review: {every: 90d, by: ceo}\n  - id: endpoint", "  - id: endpoint"},
			[]string{"ownership.no-review domain:identity"},
			nil},
		{"no-review: by the owner",
			[]string{"review: {every: 90d, by: ceo}\ndecisions", "review: {every: 90d, by: secman}\ndecisions"},
			[]string{"ownership.no-review domain:endpoint"},
			[]string{"review: {every: 90d, by: ceo}\ndecisions", "review: {every: 90d, by: ciso}\ndecisions"}},
		{"no-review: by someone not above the owner",
			[]string{"review: {every: 90d, by: ceo}\ndecisions", "review: {every: 90d, by: risk-committee}\ndecisions"},
			[]string{"ownership.no-review domain:endpoint"},
			nil},
		{"strategy: no appetite at all, once",
			[]string{"appetite:\n  - {category: breach, tolerance: 100000}\n", ""},
			[]string{"strategy.missing organization:Acme"},
			nil},
		{"strategy: a category in use without tolerance",
			[]string{"{id: R-2, domain: endpoint, category: breach", "{id: R-2, domain: endpoint, category: outage"},
			[]string{"strategy.missing organization:Acme/outage"},
			[]string{"{category: breach, tolerance: 100000}", "{category: breach, tolerance: 100000}\n  - {category: outage, tolerance: 0}\n  - {category: unused, tolerance: 1}"}},
		{"conflation: measured on a domain it neither owns nor decides in",
			[]string{"measured_on: [endpoint.edr]", "measured_on: [endpoint.edr, identity.mfa]"},
			[]string{"conflation.outcomes-without-authority role:soc@identity"},
			[]string{"measured_on: [endpoint.edr]", "measured_on: [endpoint.edr, endpoint.patching]"}},
		{"conflation: once per role and domain",
			[]string{"{id: iam-ops, responsible: [ciso], measured_on: [identity.mfa]}", "{id: iam-ops, responsible: [ciso, soc], measured_on: [identity.mfa]}\n  - {id: more, responsible: [soc], measured_on: [identity.mfa]}"},
			[]string{"conflation.outcomes-without-authority role:soc@identity"},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := keys(static(t, apply(t, c.edits...)))
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("findings\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if c.nearMiss != nil {
				if fs := static(t, apply(t, c.nearMiss...)); len(fs) != 0 {
					t.Errorf("near miss has findings: %v", keys(fs))
				}
			}
		})
	}
}

func TestFindingShape(t *testing.T) {
	fs := static(t, apply(t, "{id: raj, roles: [ciso]}", "{id: raj, roles: [ciso], status: departed}"))
	var f assess.Finding
	for _, x := range fs {
		if key(x) == "authority.vacant decision:risk-acceptance#2" {
			f = x
		}
	}
	if f.Code == "" {
		t.Fatalf("no vacant finding for tier 2 among %v", keys(fs))
	}
	if f.Pattern != 1 || f.Severity != assess.SeverityError {
		t.Errorf("pattern %d severity %s, want 1 error", f.Pattern, f.Severity)
	}
	if f.Location == nil || f.Location.File != "m.yaml" || f.Location.Line != 30 || f.Location.Column != 9 {
		t.Errorf("location %+v, want m.yaml:30:9 (the tier)", f.Location)
	}
	if !strings.Contains(f.Message, `Role "ciso"`) || !strings.Contains(f.Message, "raj departed") {
		t.Errorf("message %q should name the role and who departed", f.Message)
	}
	if !slices.Contains(f.Refs, "NIST-CSF-2.0:GV.RR-02") || !slices.Contains(f.Refs, "ISO-27001:2022:5.3") {
		t.Errorf("refs %v lack GV.RR-02 and ISO 5.3", f.Refs)
	}
	if f.Evidence == nil {
		t.Error("evidence must be an empty list, not null")
	}
}

func TestExposureAndRanking(t *testing.T) {
	fs := static(t, apply(t,
		"{id: raj, roles: [ciso]}", "{id: raj, roles: [ciso], status: departed}", // identity: R-1
		"review: {every: 90d, by: ceo}\ndecisions", "review: {every: 90d, by: secman}\ndecisions", // endpoint: R-2 (R-3 closed)
		"appetite:\n  - {category: breach, tolerance: 100000}\n", "", // organization: R-1 + R-2
	))
	byKey := map[string]float64{}
	for _, f := range fs {
		byKey[key(f)] = f.Exposure
	}
	for k, want := range map[string]float64{
		"strategy.missing organization:Acme":                   90000,
		"ownership.no-review domain:endpoint":                  50000,
		"authority.vacant decision:risk-acceptance#2":          90000, // the general ladder covers both domains
		"authority.vacant decision:firewall-change@identity#1": 40000,
		"ownership.missing domain:identity":                    40000,
	} {
		if got, ok := byKey[k]; !ok || got != want {
			t.Errorf("%s exposure = %v (present %v), want %v", k, got, ok, want)
		}
	}
	for i := 1; i < len(fs); i++ {
		a, b := fs[i-1], fs[i]
		if a.Exposure < b.Exposure || (a.Exposure == b.Exposure && assess.SeverityRank(a.Severity) < assess.SeverityRank(b.Severity)) {
			t.Errorf("not ranked by exposure then severity: %s (%v %s) before %s (%v %s)", key(a), a.Exposure, a.Severity, key(b), b.Exposure, b.Severity)
		}
	}
}

func TestCatalogueIsComplete(t *testing.T) {
	codes := map[string]bool{}
	for _, r := range assess.Catalogue {
		if codes[r.Code] {
			t.Errorf("code %s twice", r.Code)
		}
		codes[r.Code] = true
		if r.Pattern < 1 || r.Pattern > 5 || assess.SeverityRank(r.Severity) == 0 || r.Title == "" || r.Description == "" || r.Help == "" || len(r.Refs) == 0 {
			t.Errorf("rule %s is incomplete: %+v", r.Code, r)
		}
	}
	if len(codes) != 17 {
		t.Errorf("catalogue has %d codes, the findings spec 17", len(codes))
	}
}

// TestDocsDescribeEveryCode keeps docs/findings.md, the catalogue and the
// SARIF help links (which point at the page's anchors) in step.
func TestDocsDescribeEveryCode(t *testing.T) {
	data, err := os.ReadFile("../docs/findings.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, r := range assess.Catalogue {
		if !strings.Contains(doc, "\n### `"+r.Code+"`\n") {
			t.Errorf("docs/findings.md has no section for %s", r.Code)
		}
		anchor := "(#" + strings.ReplaceAll(r.Code, ".", "") + ")"
		if !strings.Contains(doc, anchor) {
			t.Errorf("docs/findings.md does not link %s as %s", r.Code, anchor)
		}
	}
}
