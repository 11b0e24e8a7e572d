package synth_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/synth"
)

func load(t testing.TB, s synth.Size, seed uint64) *governance.Model {
	t.Helper()
	m, err := governance.Parse("synthetic.yaml", governance.Source{Name: "synthetic.yaml", Data: synth.Generate(s, seed)})
	if err != nil {
		t.Fatalf("Generate(%+v, %d) does not load:\n%v", s, seed, err)
	}
	return m
}

func TestGenerateLoadsWithTheRequestedCounts(t *testing.T) {
	sizes := []synth.Size{
		{People: 1, Roles: 1, Domains: 1, Decisions: 1},
		{Roles: 1, Domains: 1},
		{People: 3, Roles: 2, Domains: 1, Decisions: 12, Risks: 5},
		{People: 12, Roles: 10, Domains: 3, Decisions: 3, Risks: 1},
		{People: 200, Roles: 40, Domains: 12, Decisions: 10, Risks: 50},
		{People: 2000, Roles: 300, Domains: 40, Decisions: 25, Risks: 400},
	}
	for _, s := range sizes {
		seeds := uint64(20) // many seeds, so that rare branches of small models are taken
		if s.People > 1000 {
			seeds = 2
		}
		for seed := range seeds {
			m := load(t, s, seed)
			got := synth.Size{People: len(m.People), Roles: len(m.Roles), Domains: len(m.Domains), Decisions: len(m.Decisions), Risks: len(m.Risks)}
			if got != s {
				t.Fatalf("Generate(%+v, %d) has %+v", s, seed, got)
			}
		}
	}
}

func TestGenerateRaisesRolesAndDomainsToOne(t *testing.T) {
	m := load(t, synth.Size{Decisions: 2, Risks: 2}, 1)
	if len(m.Roles) != 1 || len(m.Domains) != 1 || len(m.Decisions) != 2 || len(m.Risks) != 2 {
		t.Fatalf("got %d roles, %d domains, %d decisions, %d risks; want 1, 1, 2, 2", len(m.Roles), len(m.Domains), len(m.Decisions), len(m.Risks))
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	s := synth.Size{People: 500, Roles: 60, Domains: 20, Decisions: 12, Risks: 80}
	if a, b := synth.Generate(s, 42), synth.Generate(s, 42); !bytes.Equal(a, b) {
		t.Fatal("the same size and seed gave different models")
	}
}

func TestGenerateDependsOnTheSeed(t *testing.T) {
	s := synth.Size{People: 50, Roles: 12, Domains: 5, Decisions: 4, Risks: 10}
	seen := map[string]uint64{}
	for seed := range uint64(10) {
		// Compare digests, which ignore the comment naming the seed.
		d := load(t, s, seed).Digest()
		if other, dup := seen[d]; dup {
			t.Fatalf("seeds %d and %d gave the same model", other, seed)
		}
		seen[d] = seed
	}
}

// TestGenerateHasARealisticShape checks that a generated program is mostly
// healthy, with a sprinkling of every kind of gap the static findings name.
func TestGenerateHasARealisticShape(t *testing.T) {
	m := load(t, synth.Size{People: 3000, Roles: 300, Domains: 80, Decisions: 40, Risks: 500}, 7)
	count := map[string]int{}
	accountable := map[string]bool{}
	for _, d := range m.Decisions {
		for _, t := range d.Authority {
			accountable[t.Accountable] = true
			if t.Accountable == governance.OwnerRole {
				count["@owner tier"]++
			}
			if t.Domains != nil {
				count["domain tier"]++
			}
			if len(t.Informed) > 0 {
				count["informed"]++
			}
		}
		missing, ceiling := false, false
		for _, dom := range m.DecisionDomains(d) {
			ladder := m.Ladder(d, dom.ID)
			missing = missing || ladder == nil
			ceiling = ceiling || ladder != nil && d.Measured() && !ladder[len(ladder)-1].Uncapped()
		}
		if missing {
			count["decision without a ladder in a domain"]++
		}
		if ceiling {
			count["decision with a ladder without uncapped tier"]++
		}
		count["measure "+d.Measure]++
	}
	for _, r := range m.Roles {
		switch holders := len(m.Holders(r.ID)); {
		case r.IsBody() && r.Chair == "":
			count["body without chair"]++
		case r.IsBody():
			count["body with chair"]++
		case !accountable[r.ID]:
		case holders == 0:
			count["vacant accountable role"]++
		case holders == 1:
			count["accountable role with one holder"]++
		default:
			count["shared accountable role"]++
		}
	}
	for _, p := range m.People {
		if !p.Active() {
			count["departed"]++
		}
	}
	for _, d := range m.Domains {
		switch {
		case d.Owner == "":
			count["domain without owner"]++
		case d.Review == nil:
			count["domain without review"]++
		case d.Review.By == d.Owner:
			count["review by owner"]++
		case !m.Above(d.Review.By, d.Owner):
			count["review by a role not above"]++
		default:
			count["review by a superior"]++
		}
		if len(d.Outcomes) == 0 {
			count["domain without outcomes"]++
		}
	}
	for _, r := range m.Responsibilities {
		if len(r.MeasuredOn) > 0 {
			count["measured responsibility"]++
		}
	}
	categories := map[string]bool{}
	for _, r := range m.Risks {
		e := r.Estimate
		switch {
		case e.Qualitative():
			count["qualitative"]++
		case e.Frequency.Range != nil && e.Magnitude.PERT != nil:
			count["PERT frequency, PERT magnitude"]++
		case e.Frequency.Range != nil:
			count["PERT frequency, lognormal magnitude"]++
		case e.Magnitude.PERT != nil:
			count["fixed rate, PERT magnitude"]++
		default:
			count["fixed rate, lognormal magnitude"]++
		}
		if !categories[r.Category] && m.AppetiteFor(r.Category) == nil {
			count["category without tolerance"]++
		}
		categories[r.Category] = true
	}
	if m.Routing == nil || m.Routing.DefaultDomain == "" || len(m.Routing.Rules) == 0 {
		t.Errorf("routing = %+v, want a default domain and rules", m.Routing)
	}
	for _, want := range []string{
		"@owner tier", "domain tier", "informed", "decision without a ladder in a domain", "decision with a ladder without uncapped tier",
		"measure exposure", "measure amount", "measure severity", "measure none",
		"body without chair", "body with chair", "vacant accountable role", "shared accountable role", "departed",
		"domain without owner", "domain without review", "review by owner", "review by a role not above",
		"domain without outcomes", "measured responsibility", "qualitative", "PERT frequency, PERT magnitude",
		"PERT frequency, lognormal magnitude", "fixed rate, PERT magnitude", "fixed rate, lognormal magnitude",
		"category without tolerance",
	} {
		if count[want] == 0 {
			t.Errorf("no %s in %v", want, count)
		}
	}
	// Mostly healthy: gaps are the exception.
	if one, all := count["accountable role with one holder"], count["accountable role with one holder"]+count["vacant accountable role"]+count["shared accountable role"]; one*10 < all*7 {
		t.Errorf("%d of %d accountable roles have exactly one active holder, want at least 70%%", one, all)
	}
	if good := count["review by a superior"]; good*10 < len(m.Domains)*7 {
		t.Errorf("%d of %d domains are reviewed by a superior of the owner, want at least 70%%", good, len(m.Domains))
	}
}

func ExampleGenerate() {
	model := synth.Generate(synth.Size{People: 40, Roles: 12, Domains: 6, Decisions: 5, Risks: 20}, 1)
	m, err := governance.Parse("synthetic.yaml", governance.Source{Name: "synthetic.yaml", Data: model})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(m.People), "people,", len(m.Roles), "roles,", len(m.Risks), "risks")
	// Output: 40 people, 12 roles, 20 risks
}

// BenchmarkLoad measures loading a large model: 10,000 people, 500 roles,
// 200 domains, 100 decision types and 1,000 risks in one file.
func BenchmarkLoad(b *testing.B) {
	data := synth.Generate(synth.Size{People: 10000, Roles: 500, Domains: 200, Decisions: 100, Risks: 1000}, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := governance.Parse("synthetic.yaml", governance.Source{Name: "synthetic.yaml", Data: data}); err != nil {
			b.Fatal(err)
		}
	}
}
