// Command synth writes a synthetic governance model to standard output, for
// tests, benchmarks and demonstrations:
//
//	go run ./synth/cmd/synth -people 10000 -roles 500 -domains 200 -decisions 100 -risks 1000 -seed 1 > model.yaml
//
// The same flags always give the same model.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/antares-governance/antares/synth"
)

func main() {
	var s synth.Size
	flag.IntVar(&s.People, "people", 200, "number of people")
	flag.IntVar(&s.Roles, "roles", 40, "number of roles (at least 1)")
	flag.IntVar(&s.Domains, "domains", 12, "number of domains (at least 1)")
	flag.IntVar(&s.Decisions, "decisions", 10, "number of decision types")
	flag.IntVar(&s.Risks, "risks", 50, "number of risks in the register")
	seed := flag.Uint64("seed", 1, "random seed: the same seed and sizes give the same model")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "synth: unexpected argument %q\n", flag.Arg(0))
		flag.Usage()
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(synth.Generate(s, *seed)); err != nil {
		fmt.Fprintf(os.Stderr, "synth: %v\n", err)
		os.Exit(1)
	}
}
