package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchLog is a ledger of realistic entries for the verify benchmarks.
func benchLog(b *testing.B, n int) (*memLog, int64) {
	m := &memLog{}
	batch := make([]*Entry, 0, 1000)
	for i := 1; i <= n; i++ {
		e := entry(i)
		e.Rationale = fmt.Sprintf("residual risk %d within appetite after compensating controls: MFA enforced, quarterly access review", i)
		batch = append(batch, e)
		if len(batch) == cap(batch) {
			m.append(b, batch...)
			batch = batch[:0]
		}
	}
	m.append(b, batch...)
	var size int64
	for _, r := range m.records {
		size += int64(len(r))
	}
	return m, size
}

// BenchmarkVerify compares Verify (chain, every tree hash recomputed and
// compared with the stored ones) with a plain SHA-256 pass over the same
// record bytes, in the same run: each iteration times one of each, so that
// both see the same machine, and the benchmark reports both throughputs and
// their ratio (verify-%-of-sha256). Sub-benchmark export does the same for
// an exported JSON Lines file.
func BenchmarkVerify(b *testing.B) {
	const n = 100000
	m, size := benchLog(b, n)
	var export bytes.Buffer
	WriteJSONL(context.Background(), &export, m)
	for _, bc := range []struct {
		name string
		src  func() Source
	}{
		{"stored", func() Source { return m }},
		{"export", func() Source { return JSONL{bytes.NewReader(export.Bytes())} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			runtime.GC()
			var tv, ts time.Duration
			for b.Loop() {
				start := time.Now()
				tree, err := Verify(context.Background(), bc.src(), nil)
				if err != nil || tree.N != n {
					b.Fatal(tree, err)
				}
				mid := time.Now()
				h := sha256.New()
				for _, r := range m.records {
					h.Write(r)
				}
				h.Sum(nil)
				tv, ts = tv+mid.Sub(start), ts+time.Since(mid)
			}
			mb := float64(size) * float64(b.N) / 1e6
			b.ReportMetric(mb/tv.Seconds(), "verify-MB/s")
			b.ReportMetric(mb/ts.Seconds(), "sha256-MB/s")
			b.ReportMetric(100*ts.Seconds()/tv.Seconds(), "verify-%-of-sha256")
		})
	}
}
