package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/antares-governance/antares/risk"
	"github.com/antares-governance/antares/synth"
)

// BenchmarkLint measures what `antares lint` does on a large organization:
// read and decode the YAML, validate it, quantify its risk register by Monte
// Carlo, compute every static finding and render the text report. The model
// has 10,000 people, 500 roles, 200 domains, 100 decision types and 200
// risks. See docs/benchmarks.md.
func BenchmarkLint(b *testing.B) {
	path := filepath.Join(b.TempDir(), "model.yaml")
	data := synth.Generate(synth.Size{People: 10000, Roles: 500, Domains: 200, Decisions: 100, Risks: 200}, 1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	a := &app{stdout: io.Discard, stderr: io.Discard}
	a.log = slog.New(slog.DiscardHandler)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rep, m := lint(a, path, risk.Config{})
		if m == nil || len(rep.Errors) > 0 {
			b.Fatalf("synthetic model does not load: %v", rep.Errors)
		}
		if err := write(io.Discard, "text", rep, m); err != nil {
			b.Fatal(err)
		}
	}
}
