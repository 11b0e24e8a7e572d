package ledger

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
)

var update = flag.Bool("update", false, "rewrite golden files")

// hashReader reads stored hashes from a slice indexed by stored hash index.
func hashReader(hashes []tlog.Hash) tlog.HashReaderFunc {
	return func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(hashes)) {
				return nil, fmt.Errorf("ledger: tree hash %d is beyond the tree", x)
			}
			out[i] = hashes[x]
		}
		return out, nil
	}
}

// memLog is an in-memory log: what a store keeps, without a database.
type memLog struct {
	records [][]byte
	hashes  []tlog.Hash
}

func (m *memLog) append(t testing.TB, entries ...*Entry) {
	t.Helper()
	s, err := Seal(int64(len(m.records)), hashReader(m.hashes), entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range s.Hashes {
		if h.Index != int64(len(m.hashes)) {
			t.Fatalf("Seal returned hash index %d, want %d", h.Index, len(m.hashes))
		}
		m.hashes = append(m.hashes, h.Hash)
	}
	m.records = append(m.records, s.Records...)
}

func (m *memLog) Records(_ context.Context, fn func([]byte) error) error {
	for _, r := range m.records {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (m *memLog) StoredHashes(_ context.Context, fn func(int64, tlog.Hash) error) error {
	for i, h := range m.hashes {
		if err := fn(int64(i), h); err != nil {
			return err
		}
	}
	return nil
}

func (m *memLog) clone() *memLog {
	c := &memLog{hashes: append([]tlog.Hash(nil), m.hashes...)}
	for _, r := range m.records {
		c.records = append(c.records, bytes.Clone(r))
	}
	return c
}

// chainOnly hides the stored hashes, as an export does.
type chainOnly struct{ m *memLog }

func (c chainOnly) Records(ctx context.Context, fn func([]byte) error) error {
	return c.m.Records(ctx, fn)
}

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

func entry(i int) *Entry {
	m := float64(1000 * i)
	until := t0.AddDate(1, 0, 0)
	return &Entry{
		Time: t0.Add(time.Duration(i) * time.Hour), Kind: KindDecision, Decision: "risk-acceptance",
		Domain: "identity", Subject: fmt.Sprintf("risk:R-%d", i), Measure: &m, Outcome: "accept",
		DecidedBy: "raj.patel", Role: "ciso", Authority: Authority{Tier: 2, Accountable: "ciso"},
		Consulted: []Consulted{{Role: "cfo", People: []string{"ana.cfo"}}}, Trigger: "planned", Rationale: "compensating controls <in place> & tested",
		ValidUntil: &until, ModelDigest: "sha256:abc", Authorized: true,
	}
}

func buildLog(t testing.TB, n int) *memLog {
	m := &memLog{}
	for i := 1; i <= n; i++ {
		m.append(t, entry(i))
	}
	return m
}

func TestEncodeGolden(t *testing.T) {
	e := entry(7)
	e.Seq = 7
	e.Time = e.Time.In(time.FixedZone("CET", 3600))
	got := e.Encode()
	golden := filepath.Join("testdata", "entry.golden")
	if *update {
		os.WriteFile(golden, append(got, '\n'), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.TrimSuffix(want, []byte("\n"))) {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
	back, err := Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Encode(), got) || !back.Time.Equal(e.Time) || *back.Measure != 7000 {
		t.Errorf("Decode(Encode(e)) = %+v", back)
	}
}

func TestDecodeRefusesOtherForms(t *testing.T) {
	canon := entry(1).Encode()
	for name, data := range map[string][]byte{
		"space":         bytes.Replace(canon, []byte(`"kind":`), []byte(`"kind": `), 1),
		"unknown field": bytes.Replace(canon, []byte(`{"seq":0,`), []byte(`{"seq":0,"x":1,`), 1),
		"field order":   bytes.Replace(canon, []byte(`"decision":"risk-acceptance","domain":"identity"`), []byte(`"domain":"identity","decision":"risk-acceptance"`), 1),
		"trailing":      append(bytes.Clone(canon), ` {}`...),
		"escaped html":  bytes.Replace(canon, []byte(`<in place>`), []byte(`\u003cin place\u003e`), 1),
		"not json":      []byte(`seq=1`),
		"empty":         nil,
	} {
		if bytes.Equal(data, canon) {
			t.Fatalf("%s: test case did not change the encoding", name)
		}
		if _, err := Decode(data); err == nil {
			t.Errorf("%s: Decode(%s) succeeded", name, data)
		}
	}
}

func TestCheck(t *testing.T) {
	inf := math.Inf(1)
	for name, tc := range map[string]struct {
		edit func(*Entry)
		want string
	}{
		"kind":        {func(e *Entry) { e.Kind = "vote" }, "entry kind"},
		"no decision": {func(e *Entry) { e.Decision = "" }, "no decision type"},
		"no domain":   {func(e *Entry) { e.Domain = "" }, "no domain"},
		"nobody":      {func(e *Entry) { e.DecidedBy = "" }, "nobody"},
		"digest":      {func(e *Entry) { e.ModelDigest = "" }, "model digest"},
		"time":        {func(e *Entry) { e.Time = time.Time{} }, "time"},
		"measure":     {func(e *Entry) { e.Measure = &inf }, "finite"},
		"trigger":     {func(e *Entry) { e.Trigger = "whim" }, "trigger"},
		"review ok":   {func(e *Entry) { e.Kind, e.Decision = KindReview, "" }, ""},
	} {
		e := entry(1)
		tc.edit(e)
		err := e.Check()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Check() = %v, want %q", name, err, tc.want)
		}
	}
}

func TestSealBatchesEqualSingles(t *testing.T) {
	single := buildLog(t, 37)
	batched := &memLog{}
	for i, size := 1, 1; i <= 37; size++ {
		var batch []*Entry
		for j := 0; j < size && i <= 37; j++ {
			batch = append(batch, entry(i))
			i++
		}
		batched.append(t, batch...)
	}
	if len(batched.hashes) != len(single.hashes) || int64(len(single.hashes)) != tlog.StoredHashCount(37) {
		t.Fatalf("stored %d and %d hashes, want %d", len(batched.hashes), len(single.hashes), tlog.StoredHashCount(37))
	}
	for i := range single.hashes {
		if single.hashes[i] != batched.hashes[i] {
			t.Fatalf("hash %d differs between batched and single appends", i)
		}
	}
	var prev tlog.Hash
	for i, r := range single.records {
		e, err := Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) || e.Prev != prev {
			t.Fatalf("record %d: seq %d prev %v, want %d %v", i, e.Seq, e.Prev, i+1, prev)
		}
		prev = tlog.RecordHash(r)
	}
	// The tree over the records, computed independently of Seal.
	var ind []tlog.Hash
	for i, r := range single.records {
		hs, err := tlog.StoredHashes(int64(i), r, hashReader(ind))
		if err != nil {
			t.Fatal(err)
		}
		ind = append(ind, hs...)
	}
	want, _ := tlog.TreeHash(37, hashReader(ind))
	tree, err := Verify(context.Background(), single, nil)
	if err != nil || tree.N != 37 || tree.Hash != want {
		t.Fatalf("Verify = %v, %v; want size 37 hash %v", tree, err, want)
	}
}

func TestSealRefusesBadBatch(t *testing.T) {
	bad := entry(2)
	bad.Domain = ""
	first := entry(1)
	if _, err := Seal(0, hashReader(nil), []*Entry{first, bad}); err == nil || !strings.Contains(err.Error(), "entry 2 of the batch") {
		t.Fatalf("Seal = %v, want an error naming entry 2", err)
	}
}

// tamper changes one byte of the record inside its rationale, so that the
// record still reads as an entry.
func tamper(r []byte) []byte {
	r = bytes.Clone(r)
	i := bytes.Index(r, []byte("compensating"))
	r[i] = 'C'
	return r
}

func TestVerifyLocatesTampering(t *testing.T) {
	ctx := context.Background()
	const n = 20
	good := buildLog(t, n)
	full, err := Verify(ctx, good, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp12, _ := tlog.TreeHash(12, hashReader(good.hashes))
	checkpoints := []tlog.Tree{{N: 12, Hash: cp12}, full}

	type tc struct {
		name      string
		edit      func(m *memLog) Source
		seq       int64  // the first bad entry
		msg       string // part of the problem's message
		withoutCP bool   // detected without checkpoints too
	}
	rewrite := func(m *memLog, from int) {
		// Re-seal everything from entry from on, as an attacker with write
		// access to the database would: the chain and the stored hashes
		// agree again, and only a checkpoint can tell.
		var entries []*Entry
		for _, r := range m.records[from-1:] {
			e, err := Decode(r)
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		entries[0].Rationale = "rewritten"
		m.records = m.records[:from-1]
		m.hashes = m.hashes[:tlog.StoredHashCount(int64(from-1))]
		m.append(t, entries...)
	}
	cases := []tc{
		{"byte changed in the middle", func(m *memLog) Source { m.records[6] = tamper(m.records[6]); return m }, 7, "bytes were changed", true},
		{"byte changed in the last entry", func(m *memLog) Source { m.records[n-1] = tamper(m.records[n-1]); return m }, n, "bytes were changed", true},
		{"byte changed, export", func(m *memLog) Source { m.records[6] = tamper(m.records[6]); return chainOnly{m} }, 7, "entry 8 records", true},
		{"link changed, export", func(m *memLog) Source {
			e, _ := Decode(m.records[9])
			e.Prev = tlog.RecordHash([]byte("x"))
			m.records[9] = e.Encode()
			return chainOnly{m}
		}, 10, "link to the entry before", true},
		{"byte changed in the last entry, export", func(m *memLog) Source { m.records[n-1] = tamper(m.records[n-1]); return chainOnly{m} }, 0, "do not match the checkpoint", false},
		{"entry removed", func(m *memLog) Source { m.records = append(m.records[:4], m.records[5:]...); return m }, 5, "removed or reordered", true},
		{"entries swapped", func(m *memLog) Source { m.records[3], m.records[4] = m.records[4], m.records[3]; return m }, 4, "removed or reordered", true},
		{"truncated", func(m *memLog) Source {
			m.records = m.records[:10]
			m.hashes = m.hashes[:tlog.StoredHashCount(10)]
			return m
		}, 0, "truncated", false},
		{"stored tree hash changed", func(m *memLog) Source { m.hashes[tlog.StoredHashIndex(2, 1)][0] ^= 1; return m }, 5, "entries 5 to 8", true},
		{"stored record hash changed", func(m *memLog) Source { m.hashes[tlog.StoredHashIndex(0, 2)][0] ^= 1; return m }, 3, "bytes were changed", true},
		{"stored hashes removed", func(m *memLog) Source { m.hashes = m.hashes[:len(m.hashes)-1]; return m }, 0, "hashes were removed", true},
		{"unreadable record", func(m *memLog) Source { m.records[2] = []byte("garbage"); return m }, 3, "cannot be read", true},
		{"rewritten from entry 9", func(m *memLog) Source { rewrite(m, 9); return m }, 0, "do not match the checkpoint", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.edit(good.clone())
			_, err := Verify(ctx, src, checkpoints)
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Verify = %v, want a *Problem", err)
			}
			if p.Seq != c.seq || !strings.Contains(p.Message, c.msg) {
				t.Errorf("Verify = %q (entry %d), want entry %d and %q", p.Message, p.Seq, c.seq, c.msg)
			}
			if antares.ErrorCode(err) != antares.ECONFLICT {
				t.Errorf("code %q, want %q", antares.ErrorCode(err), antares.ECONFLICT)
			}
			_, err = Verify(ctx, c.edit(good.clone()), nil)
			if (err != nil) != c.withoutCP {
				t.Errorf("without checkpoints: Verify = %v, want detected=%v", err, c.withoutCP)
			}
		})
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	tree, err := Verify(context.Background(), &memLog{}, nil)
	if err != nil || tree.N != 0 {
		t.Fatalf("Verify(empty) = %v, %v", tree, err)
	}
	if _, err := Verify(context.Background(), &memLog{}, []tlog.Tree{{N: 1}}); err == nil {
		t.Fatal("Verify(empty) accepted a checkpoint of 1 entry")
	}
}

func TestJSONLRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := buildLog(t, 9)
	var buf bytes.Buffer
	if err := WriteJSONL(ctx, &buf, m); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "\n"); got != 9 {
		t.Fatalf("export has %d lines, want 9", got)
	}
	want, _ := Verify(ctx, m, nil)
	got, err := Verify(ctx, JSONL{&buf}, []tlog.Tree{want})
	if err != nil || got != want {
		t.Fatalf("Verify(export) = %v, %v; want %v", got, err, want)
	}
}

// TestVerifyAcrossBatches tampers entries of a ledger large enough to go
// through Verify's pipeline in several batches, around their boundaries.
func TestVerifyAcrossBatches(t *testing.T) {
	ctx := context.Background()
	const n = 2000
	good := buildLog(t, n)
	var total int
	for _, r := range good.records {
		total += len(r)
	}
	if total < 3*batchBytes {
		t.Fatalf("the ledger is %d bytes, too small for several batches", total)
	}
	full, err := Verify(ctx, good, nil)
	if err != nil || full.N != n {
		t.Fatalf("Verify = %v, %v", full, err)
	}
	// The first entry of the second batch, and its neighbours.
	size, boundary := 0, 0
	for i, r := range good.records {
		size += len(r)
		if size >= batchBytes {
			boundary = i + 2
			break
		}
	}
	for _, k := range []int{1, boundary - 1, boundary, boundary + 1, n - 1} {
		m := good.clone()
		m.records[k-1] = tamper(m.records[k-1])
		for name, src := range map[string]Source{"stored": m, "export": chainOnly{m}} {
			_, err := Verify(ctx, src, []tlog.Tree{full})
			var p *Problem
			if !errors.As(err, &p) || p.Seq != int64(k) {
				t.Errorf("%s, entry %d changed: Verify = %v", name, k, err)
			}
		}
	}
}
