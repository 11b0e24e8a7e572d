package governance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antares-governance/antares/governance"
)

// FuzzParse feeds arbitrary bytes to the loader: it must never panic, every
// error must name the file and a plausible position, and a model it accepts
// must answer the queries later packages make of it.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(""))
	f.Add([]byte("apiVersion: antares/v1\norganization: {name: x}\nroles: [{id: a, reports_to: a}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("people: [{id: a, roles: *r}]\n"))
	for _, pattern := range []string{"../examples/*/*.yaml", "testdata/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := governance.Parse("fuzz.yaml", governance.Source{Name: "fuzz.yaml", Data: data})
		if err != nil {
			lines := strings.Count(string(data), "\n") + 1
			for _, e := range err.(governance.Errors) {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Line > lines+1 || e.Message == "" {
					t.Fatalf("error %q has a bad position or no message (input has %d lines)", e.Error(), lines)
				}
			}
			return
		}
		if m.Digest() == "" {
			t.Fatal("a loaded model has no digest")
		}
		for _, d := range m.Decisions {
			for _, dom := range m.DecisionDomains(d) {
				for _, tier := range m.Ladder(d, dom.ID) {
					m.Holders(m.AccountableRole(tier, dom.ID))
				}
			}
		}
		for _, r := range m.Roles {
			if len(m.Chain(r.ID)) > len(m.Roles) {
				t.Fatalf("escalation path of %s is longer than the roles: a cycle got through", r.ID)
			}
		}
	})
}
