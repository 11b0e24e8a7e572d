package authority_test

import (
	"sync"
	"testing"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/authority/authoritytest"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/synth"
)

// benchSize is the target model: 500 roles, 200 domains, 100
// decision types.
var benchSize = synth.Size{People: 2000, Roles: 500, Domains: 200, Decisions: 100}

var benchIndex = sync.OnceValues(func() (*authority.Index, error) {
	m, err := governance.Parse("synth.yaml", governance.Source{Name: "synth.yaml", Data: synth.Generate(benchSize, 1)})
	if err != nil {
		return nil, err
	}
	return authority.Compile(m).WithDelegations(authoritytest.Delegations(m, 400, 1))
})

func BenchmarkCompile(b *testing.B) {
	m, err := governance.Parse("synth.yaml", governance.Source{Name: "synth.yaml", Data: synth.Generate(benchSize, 1)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		authority.Compile(m)
	}
}

func BenchmarkResolve(b *testing.B) {
	x, err := benchIndex()
	if err != nil {
		b.Fatal(err)
	}
	reqs := authoritytest.Requests(x, 4096, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := reqs[i%len(reqs)]
		_, _ = x.Resolve(r.Decision, r.Domain, r.Measure)
		i++
	}
}

func BenchmarkAuthorize(b *testing.B) {
	x, err := benchIndex()
	if err != nil {
		b.Fatal(err)
	}
	reqs := authoritytest.Requests(x, 4096, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := x.Authorize(reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkAuthorizeParallel(b *testing.B) {
	x, err := benchIndex()
	if err != nil {
		b.Fatal(err)
	}
	reqs := authoritytest.Requests(x, 4096, 1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := x.Authorize(reqs[i%len(reqs)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
