// Command authority compares the Antares authority engine with cedar-go on
// the engine's Cedar export and OPA on its Rego export: the same random
// requests against the same generated model, answered by all three, timed
// side by side, and checked for agreement on every answer.
//
// Run it from bench/:
//
//	go run ./cmd/authority
//
// It prints, last, one line:
//
//	authority: antares_ns=<n> cedar_ns=<n> opa_ns=<n> ratio_cedar=<x> ratio_opa=<x> agree=<k>/<k>
//
// and exits 1 if any answer differs.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/authority/authoritytest"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/synth"
)

func main() {
	var (
		size        synth.Size
		delegations int
		queries     int
		seed        uint64
	)
	flag.IntVar(&size.People, "people", 2000, "people in the generated model")
	flag.IntVar(&size.Roles, "roles", 500, "roles in the generated model")
	flag.IntVar(&size.Domains, "domains", 200, "domains in the generated model")
	flag.IntVar(&size.Decisions, "decisions", 100, "decision types in the generated model")
	flag.IntVar(&delegations, "delegations", 400, "random delegations in force")
	flag.IntVar(&queries, "queries", 100000, "random requests, each answered by all three engines")
	flag.Uint64Var(&seed, "seed", 1, "seed of the model, the delegations and the requests")
	flag.Parse()
	if err := run(size, delegations, queries, seed); err != nil {
		fmt.Fprintln(os.Stderr, "authority:", err)
		os.Exit(1)
	}
}

func run(size synth.Size, delegations, queries int, seed uint64) error {
	ctx := context.Background()
	start := time.Now()
	m, err := governance.Parse("synth.yaml", governance.Source{Name: "synth.yaml", Data: synth.Generate(size, seed)})
	if err != nil {
		return err
	}
	x, err := authority.Compile(m).WithDelegations(authoritytest.Delegations(m, delegations, seed))
	if err != nil {
		return err
	}
	fmt.Printf("model: %d people, %d roles, %d domains, %d decision types, %d delegations (generated and compiled in %v)\n",
		len(m.People), len(m.Roles), len(m.Domains), len(m.Decisions), len(x.Delegations()), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	ced, err := authoritytest.NewCedar(x)
	if err != nil {
		return err
	}
	policies, _, _ := authority.ExportCedar(x)
	fmt.Printf("cedar: %d policies (%d KiB) loaded in %v\n", bytes.Count(policies, []byte("@id(")), len(policies)>>10, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	module, data, err := authority.ExportRego(x)
	if err != nil {
		return err
	}
	store := inmem.NewFromReader(bytes.NewReader(data))
	pq, err := rego.New(
		rego.Query("data.antares.authority.allow"),
		rego.Module("authority.rego", string(module)),
		rego.Store(store),
	).PrepareForEval(ctx)
	if err != nil {
		return fmt.Errorf("opa: %w", err)
	}
	fmt.Printf("opa: module and %d KiB of data prepared in %v\n", len(data)>>10, time.Since(start).Round(time.Millisecond))

	reqs := authoritytest.Requests(x, queries, seed)
	cedarReqs := make([]cedar.Request, len(reqs))
	opaInputs := make([]ast.Value, len(reqs))
	for i, r := range reqs {
		if cedarReqs[i], err = authoritytest.CedarRequest(r); err != nil {
			return err
		}
		if opaInputs[i], err = opaInput(r); err != nil {
			return err
		}
	}

	native := make([]bool, len(reqs))
	runtime.GC()
	start = time.Now()
	for i, r := range reqs {
		v, err := x.Authorize(r)
		if err != nil {
			return err
		}
		native[i] = v.Allowed
	}
	antaresNS := perQuery(time.Since(start), len(reqs))

	viaCedar := make([]bool, len(reqs))
	runtime.GC()
	start = time.Now()
	for i, req := range cedarReqs {
		if viaCedar[i], err = ced.Allowed(req); err != nil {
			return err
		}
	}
	cedarNS := perQuery(time.Since(start), len(reqs))

	viaOPA := make([]bool, len(reqs))
	runtime.GC()
	start = time.Now()
	for i, in := range opaInputs {
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(in))
		if err != nil {
			return fmt.Errorf("opa: %w", err)
		}
		viaOPA[i] = rs.Allowed()
	}
	opaNS := perQuery(time.Since(start), len(reqs))

	agree, allowed, shown := 0, 0, 0
	for i, r := range reqs {
		if native[i] {
			allowed++
		}
		if native[i] == viaCedar[i] && native[i] == viaOPA[i] {
			agree++
			continue
		}
		if shown++; shown <= 5 {
			fmt.Printf("disagree: %+v: antares=%v cedar=%v opa=%v\n", r, native[i], viaCedar[i], viaOPA[i])
		}
	}
	fmt.Printf("requests: %d, %d allowed\n", len(reqs), allowed)
	fmt.Printf("authority: antares_ns=%.0f cedar_ns=%.0f opa_ns=%.0f ratio_cedar=%.0f ratio_opa=%.0f agree=%d/%d\n",
		antaresNS, cedarNS, opaNS, cedarNS/antaresNS, opaNS/antaresNS, agree, len(reqs))
	if agree != len(reqs) {
		return fmt.Errorf("%d answers differ", len(reqs)-agree)
	}
	return nil
}

func perQuery(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

// opaInput is r as the input document the Rego export reads.
func opaInput(r authority.Request) (ast.Value, error) {
	in := map[string]any{
		"person":      r.Person,
		"decision":    r.Decision,
		"domain":      r.Domain,
		"measure":     json.Number(strconv.FormatFloat(r.Measure, 'f', -1, 64)),
		"escalations": r.Escalations,
		"at":          r.At.UTC().Format(time.RFC3339Nano),
	}
	if r.RequestedBy != "" {
		in["requested_by"] = r.RequestedBy
	}
	return ast.InterfaceToValue(in)
}
