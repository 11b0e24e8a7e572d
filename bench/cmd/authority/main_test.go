package main

import (
	"testing"

	"github.com/antares-governance/antares/synth"
)

// TestAgreement runs the comparison on a small generated model: the
// native engine, cedar-go and OPA must agree on every answer (run fails
// otherwise). It is the only test of the Rego export under OPA, which the
// main module does not depend on.
func TestAgreement(t *testing.T) {
	for seed := range uint64(3) {
		if err := run(synth.Size{People: 120, Roles: 30, Domains: 12, Decisions: 10}, 40, 3000, seed); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}
