package authority_test

import (
	"fmt"
	"time"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
)

func ExampleIndex_Resolve() {
	m, err := governance.Load("testdata/model.yaml")
	if err != nil {
		panic(err)
	}
	x := authority.Compile(m)
	r, err := x.Resolve("risk-acceptance", "identity", 120000)
	if err != nil {
		panic(err)
	}
	fmt.Println("tier", r.Level, r.Range())
	fmt.Println("decides:", r.Accountable.Role.ID, r.Accountable.Holders[0].Name)
	for _, p := range r.Escalation {
		fmt.Println("escalates to:", p.Role.ID)
	}
	_, err = x.Resolve("policy-exception", "network", 0)
	fmt.Println(err)
	// Output:
	// tier 2 above 50000 up to 500000
	// decides: ciso Raj Patel
	// escalates to: ceo
	// escalates to: board
	// policy-exception has no ladder for domain network
}

func ExampleIndex_Authorize() {
	m, err := governance.Load("testdata/model.yaml")
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	x, err := authority.Compile(m).WithDelegations([]authority.Delegation{{
		Delegator: "sam.okafor", Delegate: "dev.rao", Decisions: []string{"risk-acceptance"}, Until: now.Add(24 * time.Hour),
	}})
	if err != nil {
		panic(err)
	}
	for _, person := range []string{"dev.rao", "raj.patel"} {
		v, err := x.Authorize(authority.Request{Person: person, Decision: "risk-acceptance", Domain: "identity", Measure: 20000, At: now})
		if err != nil {
			panic(err)
		}
		fmt.Println(person, v.Allowed, v.Reason)
		if p := v.OnBehalfOf(); p != nil {
			fmt.Println("  on behalf of", p.ID)
		}
		for _, p := range v.Instead() {
			fmt.Println("  instead:", p.ID)
		}
	}
	// Output:
	// dev.rao true delegated
	//   on behalf of sam.okafor
	//   instead: sam.okafor
	// raj.patel false not_entitled
	//   instead: sam.okafor
	//   instead: dev.rao
}
