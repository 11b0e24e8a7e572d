package governance_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// base is a small valid model; the cases below change one thing in it.
const base = `apiVersion: antares/v1
organization: {name: Acme, currency: USD}
people:
  - {id: ann, name: Ann Lee, roles: [ceo]}
  - {id: raj, name: Raj Patel, roles: [ciso], email: raj@acme.example}
  - {id: mia, name: Mia Wong, roles: [risk-committee]}
roles:
  - {id: ceo, title: Chief Executive Officer}
  - {id: ciso, title: CISO, reports_to: ceo}
  - {id: risk-committee, kind: body, chair: mia, reports_to: ceo}
domains:
  - id: identity
    owner: ciso
    outcomes: [{id: mfa, target: ">= 99%"}]
    review: {every: 90d, by: ceo}
  - id: vendor
    owner: ciso
decisions:
  - id: risk-acceptance
    measure: exposure
    sla: 10d
    authority:
      - {up_to: 50000, accountable: ciso}
      - {accountable: ceo, domains: [identity]}
      - {accountable: risk-committee}
responsibilities:
  - {id: access-reviews, responsible: [ciso], measured_on: [identity.mfa]}
appetite:
  - {category: data-breach, tolerance: 250000}
risks:
  - {id: R-1, domain: identity, category: data-breach, frequency: 0.1, magnitude: {p5: 100000, p95: 1000000}}
`

func parse(t *testing.T, files ...string) (*governance.Model, governance.Errors) {
	t.Helper()
	var srcs []governance.Source
	for i, f := range files {
		srcs = append(srcs, governance.Source{Name: []string{"a.yaml", "b.yaml", "c.yaml"}[i], Data: []byte(f)})
	}
	m, err := governance.Parse("model", srcs...)
	if err == nil {
		return m, nil
	}
	var errs governance.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse returned %T %v, want governance.Errors", err, err)
	}
	if antares.ErrorCode(err) != antares.EINVALID {
		t.Fatalf("error code %q, want invalid", antares.ErrorCode(err))
	}
	return nil, errs
}

// edit returns base with old replaced by new, failing when old is absent.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestBaseLoads(t *testing.T) {
	m, errs := parse(t, base)
	if errs != nil {
		t.Fatalf("base does not load:\n%v", errs)
	}
	if len(m.People) != 3 || len(m.Roles) != 3 || len(m.Decisions) != 1 || len(m.Decisions[0].Authority) != 3 {
		t.Fatalf("unexpected counts: %d people, %d roles, %d decisions", len(m.People), len(m.Roles), len(m.Decisions))
	}
	if got := m.Decision("risk-acceptance").SLA.String(); got != "10d" {
		t.Errorf("sla = %q, want 10d", got)
	}
	if ladder := m.Ladder(m.Decision("risk-acceptance"), "vendor"); len(ladder) != 2 || ladder[1].Accountable != "risk-committee" {
		t.Errorf("vendor ladder = %v, want the two general tiers", ladder)
	}
	if ladder := m.Ladder(m.Decision("risk-acceptance"), "identity"); len(ladder) != 1 || ladder[0].Accountable != "ceo" {
		t.Errorf("identity ladder = %v, want only the tier naming identity", ladder)
	}
	if h := m.Holders("risk-committee"); len(h) != 1 || h[0].ID != "mia" {
		t.Errorf("holders of the body = %v, want its chair", h)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name     string
		old, new string // the edit to base that must fail
		want     string // "line:column: message substring"
		nearMiss string // an edit of the same place that must load
	}{
		{"unknown top-level key", "people:\n", "peple:\n", `3:1: unknown key "peple" in the model file (did you mean "people"?)`, "people:\n"},
		{"unknown person key", "roles: [ceo]}", "rols: [ceo]}", `4:30: unknown key "rols" in a person (did you mean "roles"?)`, "roles: [ceo], status: active}"},
		{"repeated key", "name: Ann Lee,", "name: Ann Lee, name: Ann,", `4:30: key "name" is repeated in a person`, "name: Ann Lee,"},
		{"duplicate person id", "{id: mia, name: Mia", "{id: raj, name: Mia", `6:5: person "raj" is defined twice: first at a.yaml:5:5`, "{id: mia, name: Mia"},
		{"unknown role reference", "roles: [ciso], email", "roles: [cisco], email", `5:40: unknown role "cisco" in roles of person raj (did you mean "ciso"?)`, "roles: [ciso, ceo], email"},
		{"unknown reviewer", "by: ceo}", "by: cfo}", `15:30: unknown role "cfo" in review of domain identity (did you mean "ceo"?)`, "by: ciso}"},
		{"unknown tier domain", "domains: [identity]}", "domains: [identty]}", `24:38: unknown domain "identty" in domains of tier 2 of decision risk-acceptance (did you mean "identity"?)`, "domains: [vendor]}"},
		{"unknown outcome", "measured_on: [identity.mfa]", "measured_on: [identity.mfaa]", `27:61: unknown outcome "identity.mfaa" in measured_on of access-reviews (did you mean "identity.mfa"?)`, "measured_on: []"},
		{"reports_to cycle", "{id: ceo, title: Chief Executive Officer}", "{id: ceo, title: Chief Executive Officer, reports_to: ciso}", `8:5: reports_to forms a cycle: ceo -> ciso -> ceo`, "{id: ceo, title: CEO}"},
		{"bad duration unit", "every: 90d", "every: 90x", `15:21: review every: "90x" is not a duration`, "every: 13w"},
		{"zero duration", "sla: 10d", "sla: 0d", `21:10: sla: duration "0d" must be greater than zero`, "sla: 240h"},
		{"fractional duration", "sla: 10d", "sla: 1.5d", `21:10: sla: "1.5d" is not a duration`, "sla: 30m"},
		{"target without operator", `target: ">= 99%"`, `target: "99%"`, `14:34: "99%" is not a target: write an operator`, `target: "== 0"`},
		{"target percentage over 100", `target: ">= 99%"`, `target: ">= 120%"`, `14:34: target ">= 120%" is a percentage outside 0..100`, `target: ">= 120"`},
		{"quoted number", "up_to: 50000", `up_to: "50,000"`, `23:17: up_to must be a plain number without quotes or separators, e.g. 50000`, "up_to: 5e4"},
		{"negative number", "up_to: 50000", "up_to: -1", `23:17: up_to must be greater than 0, not -1`, "up_to: 0.5"},
		{"text for a number", "tolerance: 250000", "tolerance: lots", `29:40: tolerance must be a number, not text`, "tolerance: 0"},
		{"invalid id", "{id: ann,", "{id: Ann Lee,", `4:10: person id "Ann Lee" is not a valid id`, "{id: ann-lee,"},
		{"invalid status", "roles: [ceo]}", "roles: [ceo], status: gone}", `4:52: status "gone" is not one of active, departed`, "roles: [ceo], status: departed}"},
		{"chair on an individual role", "{id: ciso, title: CISO,", "{id: ciso, title: CISO, chair: raj,", `9:36: role ciso has a chair but is not a body`, "{id: ciso, title: CISO, kind: individual,"},
		{"unknown chair", "chair: mia,", "chair: mai,", `10:45: unknown person "mai" in chair of role risk-committee (did you mean "mia"?)`, "chair: ann,"},
		{"up_to without a measure", "measure: exposure\n", "measure: none\n", `23:9: tier 1 of decision risk-acceptance has up_to, but the decision has no measure`, "measure: amount\n"},
		{"tier domain outside the decision", "- id: risk-acceptance\n", "- id: risk-acceptance\n    domains: [vendor]\n", `25:37: tier 2 names domain identity, but decision risk-acceptance is not made there`, "- id: risk-acceptance\n    domains: [vendor, identity]\n"},
		{"star mixed with ids", "- id: risk-acceptance\n", "- id: risk-acceptance\n    domains: [\"*\", vendor]\n", `20:15: "*" means every domain`, "- id: risk-acceptance\n    domains: [\"*\"]\n"},
		{"star in a tier", "{accountable: ceo, domains: [identity]}", "{accountable: ceo, domains: [\"*\"]}", `24:38: "*" (every domain) is for a decision's or a responsibility's domains`, "{accountable: ceo}"},
		{"risk_treatment names an unknown decision", "appetite:\n", "risk_treatment: risk-acceptnce\nappetite:\n", `28:17: unknown decision "risk-acceptnce" in risk_treatment (did you mean "risk-acceptance"?)`, "risk_treatment: risk-acceptance\nappetite:\n"},
		{"tier without accountable", "{accountable: risk-committee}", "{informed: [risk-committee]}", `25:9: a tier has no accountable`, "{accountable: risk-committee, informed: [ceo]}"},
		{"scalar for a list", "roles: [ceo]}", "roles: ceo}", `4:37: roles must be a list`, "roles: [ceo]}"},
		{"wrong apiVersion", "apiVersion: antares/v1", "apiVersion: antares/v2", `1:13: apiVersion "antares/v2" is not supported`, "apiVersion: antares/v1"},
		{"missing apiVersion", "apiVersion: antares/v1\n", "", `1:1: the model has no apiVersion`, "apiVersion: 'antares/v1'\n"},
		{"missing organization name", "{name: Acme, currency: USD}", "{currency: USD}", `2:15: organization has no name`, "{name: Acme}"},
		{"bad currency", "currency: USD}", "currency: dollars}", `2:38: currency "dollars" must be an ISO 4217 code`, "currency: EUR}"},
		{"duplicate email", "{id: mia, name: Mia Wong,", "{id: mia, name: Mia Wong, email: RAJ@acme.example,", `6:5: person mia has the email RAJ@acme.example of person raj`, "{id: mia, name: Mia Wong, email: mia@acme.example,"},
		{"bad email", "email: raj@acme.example", "email: raj", `5:54: email "raj" is not an email address`, "email: r@x"},
		{"both estimate forms", "frequency: 0.1,", "likelihood: 2, frequency: 0.1,", `31:5: risk R-1: give either frequency and magnitude, or likelihood and impact, not both`, "frequency: 0.2,"},
		{"magnitude without frequency", "frequency: 0.1, ", "", `31:5: risk R-1: magnitude without frequency`, "frequency: {min: 0.1, likely: 0.2, max: 0.5}, "},
		{"unordered PERT", "frequency: 0.1,", "frequency: {min: 1, likely: 0.5, max: 2},", `31:5: risk R-1: frequency needs 0 <= min <= likely <= max`, "frequency: {min: 0.5, likely: 0.5, max: 2},"},
		{"inverted interval", "{p5: 100000, p95: 1000000}", "{p5: 1000000, p95: 100000}", `31:5: risk R-1: magnitude needs 0 < p5 < p95`, "{min: 1000, likely: 5000, max: 90000}"},
		{"risk id with a space", "{id: R-1,", "{id: R 1,", `31:10: risk id "R 1" must be non-empty text without spaces`, "{id: RISK-0042,"},
		{"qualitative score out of range", "frequency: 0.1, magnitude: {p5: 100000, p95: 1000000}", "likelihood: 6, impact: 2", `31:68: likelihood must be a whole number from 1 to 5, not 6`, "likelihood: 5, impact: 2"},
		{"merge key", "{id: ann, name: Ann Lee, roles: [ceo]}", "{<<: {id: ann}, name: Ann Lee, roles: [ceo]}", `4:6: merge keys (<<) are not supported`, "&ann {id: ann, name: Ann Lee, roles: [ceo]}"},
		{"mapping where text is expected", "{id: ann, name: Ann Lee,", "{id: ann, name: {first: Ann},", `4:21: name must be text, not a mapping`, "{id: ann, name: '2024',"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := parse(t, edit(t, c.old, c.new))
			if errs == nil {
				t.Fatalf("model loaded; want error %q", c.want)
			}
			want := "a.yaml:" + c.want
			found := false
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), want) {
					found = true
				}
			}
			if !found {
				t.Errorf("errors:\n%v\nwant one starting %q", errs, want)
			}
			if _, errs := parse(t, edit(t, c.old, c.nearMiss)); errs != nil {
				t.Errorf("near miss %q does not load:\n%v", c.nearMiss, errs)
			}
		})
	}
}

func TestAllErrorsInOneRun(t *testing.T) {
	text := strings.NewReplacer(
		"roles: [ciso], email", "roles: [cisco], email",
		"every: 90d", "every: soon",
		"peple", "people",
		"sla: 10d", "sla: 10days",
	).Replace(base) + "extra: true\n"
	_, errs := parse(t, text)
	if len(errs) != 4 {
		t.Fatalf("got %d errors, want 4 (one per problem):\n%v", len(errs), errs)
	}
	for i := 1; i < len(errs); i++ {
		if errs[i-1].Line > errs[i].Line {
			t.Errorf("errors not in line order:\n%v", errs)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"empty file", "", "a.yaml:1:1: the file is empty"},
		{"comment only", "# nothing yet\n", "a.yaml:1:1: the file is empty"},
		{"bad indentation", "apiVersion: antares/v1\npeople:\n  - id: a\n   name: b\n", "a.yaml:4:"},
		{"unclosed flow", "people: [{id: a\n", "a.yaml:"},
		{"two documents", base + "---\napiVersion: antares/v1\n", "a.yaml:33:1: a model file holds one YAML document"},
		{"not a mapping", "- just\n- a list\n", "a.yaml:1:1: the model file must be a mapping of keys, not a list"},
		{"tabs", "apiVersion: antares/v1\npeople:\n\t- id: a\n", "a.yaml:3:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := parse(t, c.text)
			if errs == nil || !strings.HasPrefix(errs[0].Error(), c.want) {
				t.Fatalf("errors %v, want first to start %q", errs, c.want)
			}
		})
	}
}

func TestDirectoryMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("org.yaml", "apiVersion: antares/v1\norganization: {name: Acme}\nroles: [{id: ceo}]\n")
	write("people.yml", "apiVersion: antares/v1\npeople: [{id: ann, roles: [ceo]}]\nroles: [{id: ciso, reports_to: ceo}]\n")
	write("notes.txt", "not a model file")
	m, err := governance.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(m.Roles) != 2 || m.Role("ciso") == nil || m.Person("ann") == nil || len(m.Files) != 2 {
		t.Fatalf("merged model has %d roles, files %v", len(m.Roles), m.Files)
	}

	write("z-more.yaml", "organization: {name: Other}\npeople: [{id: ann}]\n")
	_, err = governance.Load(dir)
	got := err.Error()
	for _, want := range []string{
		"z-more.yaml:1:15: organization is already given at " + filepath.Join(dir, "org.yaml") + ":2:15",
		"z-more.yaml:2:10: person \"ann\" is defined twice: first at " + filepath.Join(dir, "people.yml"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("error %q\nwant it to contain %q", got, want)
		}
	}
}

func TestLoadPathErrors(t *testing.T) {
	for name, path := range map[string]string{"missing": "no/such/model", "empty dir": t.TempDir()} {
		t.Run(name, func(t *testing.T) {
			_, err := governance.Load(path)
			if err == nil || antares.ErrorCode(err) != antares.EINVALID || !strings.Contains(err.Error(), path) {
				t.Fatalf("Load(%q) = %v, want an invalid error naming the path", path, err)
			}
		})
	}
}

func TestAnchorsAndAliases(t *testing.T) {
	text := edit(t, "roles: [ceo]}", "roles: &exec [ceo]}")
	text = strings.Replace(text, "{id: mia, name: Mia Wong, roles: [risk-committee]}", "{id: mia, name: Mia Wong, roles: *exec}", 1)
	m, errs := parse(t, text)
	if errs != nil {
		t.Fatalf("aliases should load: %v", errs)
	}
	if got := m.Person("mia").Roles; len(got) != 1 || got[0] != "ceo" {
		t.Errorf("alias roles = %v, want [ceo]", got)
	}
	_, errs = parse(t, strings.Replace(base, "roles: [ceo]}", "roles: *nothing}", 1))
	if errs == nil || !strings.Contains(errs.Error(), "nothing") {
		t.Errorf("an alias to no anchor must be an error, got %v", errs)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEstimateBounds(t *testing.T) {
	rate := func(r float64) *governance.Frequency { return &governance.Frequency{Rate: r} }
	pert := func(a, b, c float64) *governance.Magnitude {
		return &governance.Magnitude{PERT: &governance.PERT{Min: a, Likely: b, Max: c}}
	}
	lognormal := func(p5, p95 float64) *governance.Magnitude {
		return &governance.Magnitude{Lognormal: &governance.Interval90{P5: p5, P95: p95}}
	}
	for _, c := range []struct {
		name, want string
		e          governance.Estimate
	}{
		{"at the bounds", "", governance.Estimate{Frequency: rate(governance.MaxRate), Magnitude: lognormal(1, governance.MaxSpread)}},
		{"qualitative", "", governance.Estimate{Likelihood: 1, Impact: 5}},
		{"score out of range", "likelihood and impact must both be scores from 1 to 5", governance.Estimate{Likelihood: 6, Impact: 1}},
		{"NaN rate", "frequency must be 0 or more events per year, got NaN", governance.Estimate{Frequency: rate(math.NaN()), Magnitude: pert(1, 2, 3)}},
		{"rate too high", "frequency must be at most 1e+06", governance.Estimate{Frequency: &governance.Frequency{Range: &governance.PERT{Min: 1, Likely: 2, Max: 2e6}}, Magnitude: pert(1, 2, 3)}},
		{"infinite loss", "a loss must be at most 1e+15, got +Inf", governance.Estimate{Frequency: rate(1), Magnitude: pert(1, 2, math.Inf(1))}},
		{"NaN in a PERT", "magnitude needs 0 <= min <= likely <= max", governance.Estimate{Frequency: rate(1), Magnitude: pert(1, math.NaN(), 3)}},
		{"spread too wide", "more than 1e+09 times p5", governance.Estimate{Frequency: rate(1), Magnitude: lognormal(1, 2e9)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.Check()
			if c.want == "" && err != nil {
				t.Fatalf("Check: %v", err)
			}
			if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("Check = %v, want an error containing %q", err, c.want)
			}
		})
	}
	// The loader applies the bounds at the risk's line.
	_, errs := parse(t, edit(t, "{p5: 100000, p95: 1000000}", "{min: 1000, likely: 5000, max: 1e16}"))
	if errs == nil || !strings.Contains(errs.Error(), "a.yaml:31:5: risk R-1: a loss must be at most 1e+15") {
		t.Errorf("errors %v, want the bound at the risk", errs)
	}
}

func TestRiskTreatmentNeedsAnExposureDecision(t *testing.T) {
	text := strings.NewReplacer("appetite:\n", "risk_treatment: risk-acceptance\nappetite:\n", "measure: exposure\n", "measure: amount\n").Replace(base)
	_, errs := parse(t, text)
	if errs == nil || !strings.Contains(errs.Error(), "a.yaml:28:17: risk_treatment names decision risk-acceptance, which is measured by amount") {
		t.Fatalf("errors %v, want the measure refused at risk_treatment", errs)
	}
	m, errs := parse(t, edit(t, "appetite:\n", "risk_treatment: risk-acceptance\nappetite:\n"))
	if errs != nil || m.RiskTreatment != "risk-acceptance" {
		t.Fatalf("risk_treatment = %q, errors %v", m.RiskTreatment, errs)
	}
}
