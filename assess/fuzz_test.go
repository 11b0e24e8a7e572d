package assess_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/antares-governance/antares/assess"
	"github.com/antares-governance/antares/governance"
)

// FuzzStatic runs every static check on whatever model the loader accepts:
// no input may make lint panic, and every finding must be well formed.
func FuzzStatic(f *testing.F) {
	f.Add([]byte(healthy))
	files, _ := filepath.Glob("../examples/*/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := governance.Parse("fuzz.yaml", governance.Source{Name: "fuzz.yaml", Data: data})
		if err != nil {
			return
		}
		exposures := map[string]float64{}
		for i, r := range m.Risks {
			exposures[r.ID] = float64(i+1) * 1000
		}
		for _, fd := range assess.Static(m, exposures) {
			if _, ok := assess.RuleFor(fd.Code); !ok || fd.Message == "" || fd.Subject.Kind == "" || math.IsNaN(fd.Exposure) {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
	})
}
