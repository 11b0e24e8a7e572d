package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

// BenchmarkAppend measures sustained authorized appends: each operation
// checks a decision against the authority index x (risk-acceptance in
// identity by raj.patel, as in examples/northwind) and appends it, durably,
// from many goroutines at once, so that group commit can batch them.
func BenchmarkAppend(b *testing.B, open func() store.Store, x *authority.Index) {
	s := open()
	defer s.Close()
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(64)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			m := float64(60000 + i%400000)
			e, _, err := ledger.Judge(x, ledger.Decision{Decision: "risk-acceptance", Domain: "identity", Measure: &m,
				By: "raj.patel", At: time.Now(), Outcome: "accept", Subject: fmt.Sprintf("risk:R-%d", i),
				Trigger: "planned", Rationale: "residual risk within appetite after compensating controls"})
			if err != nil || !e.Authorized {
				b.Fatalf("not authorized: %v", err)
			}
			if err := s.Append(ctx, e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
}

// BenchmarkVerify measures ledger.Verify reading a ledger of 50,000
// entries from the store (records and stored tree hashes), against a
// plain SHA-256 pass over the same record bytes held in memory, timed in
// the same iteration; it reports both throughputs and their ratio.
func BenchmarkVerify(b *testing.B, open func() store.Store) {
	const n, batch = 50000, 1000
	s := open()
	defer s.Close()
	ctx := context.Background()
	for i := 0; i < n; i += batch {
		entries := make([]*ledger.Entry, batch)
		for j := range entries {
			entries[j] = Entry(i + j)
			entries[j].Rationale = fmt.Sprintf("residual risk %d within appetite after compensating controls: MFA enforced, quarterly access review", i+j)
		}
		if err := s.Append(ctx, entries...); err != nil {
			b.Fatal(err)
		}
	}
	var records [][]byte
	var size int64
	s.Records(ctx, func(data []byte) error {
		records = append(records, append([]byte(nil), data...))
		size += int64(len(data))
		return nil
	})
	var tv, ts time.Duration
	for b.Loop() {
		start := time.Now()
		if tree, err := ledger.Verify(ctx, s, nil); err != nil || tree.N != n {
			b.Fatal(tree, err)
		}
		mid := time.Now()
		h := sha256.New()
		for _, r := range records {
			h.Write(r)
		}
		h.Sum(nil)
		tv, ts = tv+mid.Sub(start), ts+time.Since(mid)
	}
	mb := float64(size) * float64(b.N) / 1e6
	b.ReportMetric(mb/tv.Seconds(), "verify-MB/s")
	b.ReportMetric(mb/ts.Seconds(), "sha256-MB/s")
	b.ReportMetric(100*ts.Seconds()/tv.Seconds(), "verify-%-of-sha256")
}
