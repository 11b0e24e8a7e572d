package authority_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/authority/authoritytest"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/synth"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	// -equivalence sets how many random requests each generated model is
	// checked with; the proof runs it at 100000.
	equivalence = flag.Int("equivalence", 3000, "random requests per generated model in the equivalence tests")
)

var epoch = authoritytest.Epoch

func testIndex(t testing.TB) *authority.Index {
	t.Helper()
	m, err := governance.Load("testdata/model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/delegations.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := authority.ParseDelegations("testdata/delegations.json", data)
	if err != nil {
		t.Fatal(err)
	}
	x, err := authority.Compile(m).WithDelegations(ds)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
	}
}

func TestExportCedarGolden(t *testing.T) {
	policies, entities, err := authority.ExportCedar(testIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "cedar/policies.cedar", policies)
	golden(t, "cedar/entities.json", entities)
	if _, err := authoritytest.LoadCedar(policies, entities); err != nil {
		t.Fatalf("cedar-go cannot load the export: %v", err)
	}
}

func TestExportRegoGolden(t *testing.T) {
	module, data, err := authority.ExportRego(testIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rego/authority.rego", module)
	golden(t, "rego/data.json", data)
}

func TestExportErrors(t *testing.T) {
	src := `apiVersion: antares/v1
organization: {name: T, currency: USD}
people: [{id: a, roles: [r]}, {id: b}]
roles: [{id: r}]
domains: [{id: d, owner: r}]
decisions:
  - id: x
    measure: amount
    authority:
      - {up_to: 0.00001, accountable: r}
      - {accountable: r}
`
	m, err := governance.Parse("m.yaml", governance.Source{Name: "m.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	want := "cannot export: up_to of tier 1 of decision x 0.00001 is not a Cedar decimal: give at most 4 digits after the point, and at most 922337203685477"
	if _, _, err := authority.ExportCedar(authority.Compile(m)); antares.ErrorCode(err) != antares.EINVALID || err.Error() != want {
		t.Errorf("ExportCedar error = %v, want %q", err, want)
	}
	huge := 1e300
	x, err := authority.Compile(m).WithDelegations([]authority.Delegation{{Delegator: "a", Delegate: "b", Decisions: []string{"x"}, Ceiling: &huge, Until: epoch}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := authority.ExportRego(x); err != nil {
		t.Errorf("ExportRego: %v (Rego numbers are exact: no limit)", err)
	}
}

// TestCedarEquivalence checks that cedar-go, evaluating the Cedar export,
// allows exactly what Authorize allows, on the hand-written model and on
// generated ones with random delegations.
func TestCedarEquivalence(t *testing.T) {
	type model struct {
		name string
		x    *authority.Index
	}
	models := []model{{"testdata/model.yaml", testIndex(t)}}
	for seed := range uint64(3) {
		size := synth.Size{People: 80, Roles: 30, Domains: 12, Decisions: 10}
		m, err := governance.Parse("synth.yaml", governance.Source{Name: "synth.yaml", Data: synth.Generate(size, seed)})
		if err != nil {
			t.Fatalf("synth model %d: %v", seed, err)
		}
		x, err := authority.Compile(m).WithDelegations(authoritytest.Delegations(m, 40, seed))
		if err != nil {
			t.Fatalf("synth delegations %d: %v", seed, err)
		}
		models = append(models, model{"synth seed " + string(rune('0'+seed)), x})
	}
	for _, mod := range models {
		c, err := authoritytest.NewCedar(mod.x)
		if err != nil {
			t.Fatalf("%s: %v", mod.name, err)
		}
		counts := map[authority.Reason]int{}
		for _, r := range authoritytest.Requests(mod.x, *equivalence, 7) {
			v, err := mod.x.Authorize(r)
			if err != nil {
				t.Fatalf("%s: Authorize(%+v): %v", mod.name, r, err)
			}
			req, err := authoritytest.CedarRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			ok, err := c.Allowed(req)
			if err != nil {
				t.Fatalf("%s: %+v: %v", mod.name, r, err)
			}
			if ok != v.Allowed {
				t.Fatalf("%s: %+v: antares allowed=%v (%s), cedar allowed=%v", mod.name, r, v.Allowed, v.Message(), ok)
			}
			counts[v.Reason]++
		}
		// The requests must exercise every way to be allowed or denied,
		// or agreement proves little.
		for r := authority.Holder; r <= authority.NotEntitled; r++ {
			if counts[r] == 0 && *equivalence >= 3000 && mod.name != "testdata/model.yaml" {
				t.Errorf("%s: no request was answered %v: %v", mod.name, r, counts)
			}
		}
		t.Logf("%s: %d requests agree: %v", mod.name, *equivalence, counts)
	}
}

// TestZeroAllocationsGenerated checks the hot path on a generated model
// with delegations, over requests of every kind.
func TestZeroAllocationsGenerated(t *testing.T) {
	m, err := governance.Parse("synth.yaml", governance.Source{Name: "synth.yaml", Data: synth.Generate(synth.Size{People: 150, Roles: 40, Domains: 20, Decisions: 15}, 9)})
	if err != nil {
		t.Fatal(err)
	}
	x, err := authority.Compile(m).WithDelegations(authoritytest.Delegations(m, 60, 9))
	if err != nil {
		t.Fatal(err)
	}
	reqs := authoritytest.Requests(x, 500, 9)
	i := 0
	if n := testing.AllocsPerRun(len(reqs), func() {
		r := reqs[i%len(reqs)]
		i++
		_, _ = x.Resolve(r.Decision, r.Domain, r.Measure)
		if _, err := x.Authorize(r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Resolve and Authorize allocate %v times per request", n)
	}
}
