// Package storetest is the behavioural test suite every store backend
// passes: the same tests run against SQLite and PostgreSQL.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store"
)

// Backend gives each test a database of its own: open opens a new Store
// on it (call it twice for two processes sharing the database), raw is a
// plain connection to it, for tampering.
type Backend func(t *testing.T) (open func() store.Store, raw *sql.DB)

// Run runs the suite against a backend.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"AppendAndRead", testAppendAndRead},
		{"ConcurrentAppends", testConcurrentAppends},
		{"LargeBatch", testLargeBatch},
		{"TwoProcesses", testTwoProcesses},
		{"BadEntryRefusedAlone", testBadEntryRefusedAlone},
		{"Checkpoints", testCheckpoints},
		{"VerifyFindsTampering", testVerifyFindsTampering},
		{"Reopen", testReopen},
		{"Requests", testRequests},
		{"DecisionClosesRequest", testDecisionClosesRequest},
		{"ConcurrentEscalation", testConcurrentEscalation},
		{"ConcurrentSweeps", testConcurrentSweeps},
		{"RenewOnce", testRenewOnce},
		{"Delegations", testDelegations},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

var t0 = time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)

// Entry returns a valid decision entry numbered i in its subject.
func Entry(i int) *ledger.Entry {
	return &ledger.Entry{
		Time: t0.Add(time.Duration(i) * time.Minute), Kind: ledger.KindDecision, Decision: "risk-acceptance",
		Domain: "identity", Subject: fmt.Sprintf("risk:R-%d", i), Outcome: "accept", DecidedBy: "raj.patel",
		Role: "ciso", Authority: ledger.Authority{Tier: 2, Accountable: "ciso"}, Trigger: "planned",
		Rationale: "residual risk within appetite", ModelDigest: "sha256:0123", Authorized: true,
	}
}

func opened(t *testing.T, open func() store.Store) store.Store {
	s := open()
	t.Cleanup(func() { s.Close() })
	return s
}

func verify(t *testing.T, s store.Store) tlog.Tree {
	t.Helper()
	tree, err := ledger.Verify(context.Background(), s, nil)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return tree
}

// subjects returns the subjects of the stored entries, in order.
func subjects(t *testing.T, s store.Store) []string {
	t.Helper()
	var out []string
	err := s.Records(context.Background(), func(data []byte) error {
		e, err := ledger.Decode(data)
		if err != nil {
			return err
		}
		out = append(out, e.Subject)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testAppendAndRead(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	if n, err := s.Size(ctx); err != nil || n != 0 {
		t.Fatalf("Size of a new store = %d, %v", n, err)
	}
	e1, e2, e3 := Entry(1), Entry(2), Entry(3)
	if err := s.Append(ctx, e1); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, e2, e3); err != nil {
		t.Fatal(err)
	}
	if e1.Seq != 1 || e2.Seq != 2 || e3.Seq != 3 {
		t.Fatalf("appended entries numbered %d %d %d", e1.Seq, e2.Seq, e3.Seq)
	}
	if n, err := s.Size(ctx); err != nil || n != 3 {
		t.Fatalf("Size = %d, %v; want 3", n, err)
	}
	data, err := s.Record(ctx, 2)
	if err != nil || string(data) != string(e2.Encode()) {
		t.Fatalf("Record(2) = %s, %v; want %s", data, err, e2.Encode())
	}
	if _, err := s.Record(ctx, 4); antares.ErrorCode(err) != antares.ENOTFOUND {
		t.Fatalf("Record(4) = %v, want not found", err)
	}
	tree := verify(t, s)
	hashes, err := s.ReadHashes(ctx, []int64{tlog.StoredHashIndex(0, 2), tlog.StoredHashIndex(1, 0)})
	if err != nil || hashes[0] != tlog.RecordHash(e3.Encode()) {
		t.Fatalf("ReadHashes = %v, %v", hashes, err)
	}
	root, err := tlog.TreeHash(3, tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) { return s.ReadHashes(ctx, ix) }))
	if err != nil || root != tree.Hash {
		t.Fatalf("stored tree hash %v, recomputed %v (%v)", root, tree.Hash, err)
	}
	if _, err := s.ReadHashes(ctx, []int64{999}); err == nil {
		t.Fatal("ReadHashes of a hash never stored succeeded")
	}
}

func testConcurrentAppends(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	const workers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if err := s.Append(ctx, Entry(w*each+i)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if tree := verify(t, s); tree.N != workers*each {
		t.Fatalf("ledger holds %d entries, want %d", tree.N, workers*each)
	}
	seen := map[string]bool{}
	for _, subj := range subjects(t, s) {
		if seen[subj] {
			t.Fatalf("entry %s stored twice", subj)
		}
		seen[subj] = true
	}
}

// testLargeBatch appends a batch larger than one INSERT statement takes,
// as an import does, in one transaction.
func testLargeBatch(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	s.Append(ctx, Entry(0))
	batch := make([]*ledger.Entry, 1234)
	for i := range batch {
		batch[i] = Entry(i + 1)
	}
	if err := s.Append(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	if batch[0].Seq != 2 || batch[1233].Seq != 1235 {
		t.Fatalf("batch numbered %d to %d, want 2 to 1235", batch[0].Seq, batch[1233].Seq)
	}
	if tree := verify(t, s); tree.N != 1235 {
		t.Fatalf("ledger holds %d entries, want 1235", tree.N)
	}
}

// testTwoProcesses appends through two stores on one database, as two
// processes (or two replicas) do: they must produce one chain.
func testTwoProcesses(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	a, c := opened(t, open), opened(t, open)
	const each = 60
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for k, s := range []store.Store{a, c} {
		wg.Go(func() {
			for i := range each {
				var wg2 sync.WaitGroup
				for j := range 2 {
					wg2.Go(func() {
						if err := s.Append(ctx, Entry(k*10000+i*2+j)); err != nil {
							errs <- err
						}
					})
				}
				wg2.Wait()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, s := range []store.Store{a, c} {
		if tree := verify(t, s); tree.N != 4*each {
			t.Fatalf("ledger holds %d entries, want %d", tree.N, 4*each)
		}
	}
}

func testBadEntryRefusedAlone(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	const n = 20
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Go(func() {
			e := Entry(i)
			if i == 7 {
				e.Domain = ""
			}
			results[i] = s.Append(ctx, e)
		})
	}
	wg.Wait()
	for i, err := range results {
		if (err != nil) != (i == 7) {
			t.Errorf("append %d: %v", i, err)
		}
	}
	if code := antares.ErrorCode(results[7]); code != antares.EINVALID {
		t.Errorf("bad entry refused with code %q, want %q", code, antares.EINVALID)
	}
	if tree := verify(t, s); tree.N != n-1 {
		t.Fatalf("ledger holds %d entries, want %d", tree.N, n-1)
	}
	if err := s.Append(ctx, Entry(100), &ledger.Entry{}); err == nil {
		t.Fatal("a batch with a bad entry was stored")
	}
	if size, _ := s.Size(ctx); size != n-1 {
		t.Fatalf("half a bad batch was stored: size %d", size)
	}
}

func testCheckpoints(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	k, err := ledger.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		s.Append(ctx, Entry(i))
	}
	cp5, _ := ledger.SignCheckpoint(verify(t, s), t0, k)
	s.Append(ctx, Entry(5))
	cp6, _ := ledger.SignCheckpoint(verify(t, s), t0, k)
	for _, cp := range []*ledger.Checkpoint{cp6, cp5, cp6} {
		if err := s.AddCheckpoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := s.Checkpoints(ctx)
	if err != nil || len(notes) != 2 || string(notes[0]) != string(cp5.Note) || string(notes[1]) != string(cp6.Note) {
		t.Fatalf("Checkpoints = %q, %v", notes, err)
	}
}

// testKey is a signing key made for these tests.
const testKey = "PRIVATE+KEY+antares-ledger+1f22e7e1+AdjInGBLxuTS8F0nSfBnGMItyrHo9xUrRR6GOcSpZ2BE"

func testVerifyFindsTampering(t *testing.T, b Backend) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		sql  string
		seq  int64
		msg  string
	}{
		{"byte changed", `UPDATE ledger_entries SET data = replace(data, 'within', 'WITHIN') WHERE seq = 6`, 6, "bytes were changed"},
		{"entry removed", `DELETE FROM ledger_entries WHERE seq = 4`, 4, "removed or reordered"},
		{"entries reordered", `UPDATE ledger_entries SET seq = 100 - seq WHERE seq IN (3, 5)`, 3, "removed or reordered"},
		{"truncated", `DELETE FROM ledger_entries WHERE seq > 8`, 0, "entries were removed"},
		{"tree hash changed", `UPDATE ledger_hashes SET hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' WHERE idx = 2`, 1, "entries 1 to 2"},
		{"record hash garbled", `UPDATE ledger_hashes SET hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE idx = 0`, 1, "bytes were changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open, raw := b(t)
			s := opened(t, open)
			for i := range 10 {
				if err := s.Append(ctx, Entry(i)); err != nil {
					t.Fatal(err)
				}
			}
			verify(t, s)
			if _, err := raw.ExecContext(ctx, tc.sql); err != nil {
				t.Fatal(err)
			}
			_, err := ledger.Verify(ctx, s, nil)
			var p *ledger.Problem
			if !errors.As(err, &p) || p.Seq != tc.seq || !strings.Contains(p.Message, tc.msg) {
				t.Fatalf("Verify = %v, want entry %d and %q", err, tc.seq, tc.msg)
			}
		})
	}
}

func testReopen(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := open()
	for i := range 7 {
		s.Append(ctx, Entry(i))
	}
	want := verify(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(ctx, Entry(8)); err == nil {
		t.Fatal("Append on a closed store succeeded")
	}
	s = opened(t, open)
	if got := verify(t, s); got != want {
		t.Fatalf("after reopening: %v, want %v", got, want)
	}
	if err := s.Append(ctx, Entry(8)); err != nil {
		t.Fatal(err)
	}
}

func request(i int) *ledger.Request {
	m := float64(1000 * i)
	return &ledger.Request{Decision: "risk-acceptance", Domain: "identity", Subject: fmt.Sprintf("risk:R-%d", i),
		Measure: &m, RequestedBy: "lena.fischer", Opened: t0, Deadline: t0.Add(240 * time.Hour)}
}

func testRequests(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	r1, r2 := request(1), request(2)
	r2.Measure, r2.Deadline = nil, time.Time{}
	for _, r := range []*ledger.Request{r1, r2} {
		if ok, err := s.OpenRequest(ctx, r); !ok || err != nil {
			t.Fatalf("OpenRequest = %v, %v", ok, err)
		}
	}
	if r1.ID != 1 || r2.ID != 2 {
		t.Fatalf("request ids %d %d, want 1 2", r1.ID, r2.ID)
	}
	got, err := s.Request(ctx, 1)
	if err != nil || got.Subject != r1.Subject || *got.Measure != 1000 || !got.Opened.Equal(t0) || !got.Deadline.Equal(r1.Deadline) || !got.Open() {
		t.Fatalf("Request(1) = %+v, %v", got, err)
	}
	if got, _ := s.Request(ctx, 2); got.Measure != nil || !got.Deadline.IsZero() {
		t.Fatalf("Request(2) = %+v: measure and deadline should be absent", got)
	}
	if _, err := s.Request(ctx, 3); antares.ErrorCode(err) != antares.ENOTFOUND {
		t.Fatalf("Request(3) = %v, want not found", err)
	}
	all, err := s.Requests(ctx)
	if err != nil || len(all) != 2 || all[0].ID != 1 || all[1].ID != 2 {
		t.Fatalf("Requests = %v, %v", all, err)
	}
}

func testDecisionClosesRequest(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	s := opened(t, open)
	r := request(1)
	s.OpenRequest(ctx, r)
	s.Append(ctx, Entry(1))
	e := Entry(2)
	e.Request = r.ID
	if err := s.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Request(ctx, r.ID); got.DecidedIn != 2 || got.Open() {
		t.Fatalf("request after its decision: %+v", got)
	}
	again := Entry(3)
	again.Request = r.ID
	if err := s.Append(ctx, again); antares.ErrorCode(err) != antares.ECONFLICT {
		t.Fatalf("deciding a decided request: %v, want a conflict", err)
	}
	missing := Entry(4)
	missing.Request = 99
	if err := s.Append(ctx, missing); antares.ErrorCode(err) != antares.ECONFLICT {
		t.Fatalf("deciding a request that does not exist: %v, want a conflict", err)
	}
	if n, _ := s.Size(ctx); n != 2 {
		t.Fatalf("ledger holds %d entries after refused decisions, want 2", n)
	}
	if ok, _ := s.Escalate(ctx, escalation(r.ID, 1)); ok {
		t.Fatal("a decided request escalated")
	}
}

// escalation returns step n of request id, moving its deadline n hours.
func escalation(id int64, n int) ledger.Step {
	e := Entry(n)
	e.Kind, e.DecidedBy, e.Role, e.Request, e.Authority.Escalations = ledger.KindEscalation, ledger.Sweeper, "ceo", id, n
	return ledger.Step{Request: id, Step: n, To: "ceo", At: t0, Deadline: t0.Add(time.Duration(n) * time.Hour), Entry: e}
}

// testConcurrentEscalation runs sweeps at once, through two stores on one
// database: every step is recorded exactly once.
func testConcurrentEscalation(t *testing.T, b Backend) {
	ctx := context.Background()
	open, raw := b(t)
	stores := []store.Store{opened(t, open), opened(t, open)}
	const requests, steps = 5, 3
	for i := range requests {
		if _, err := stores[0].OpenRequest(ctx, request(i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := map[[2]int64]int{}
	for sweep := range 4 {
		wg.Go(func() {
			s := stores[sweep%2]
			for id := int64(1); id <= requests; id++ {
				for step := 1; step <= steps; step++ {
					ok, err := s.Escalate(ctx, escalation(id, step))
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						made[[2]int64{id, int64(step)}]++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	for id := int64(1); id <= requests; id++ {
		for step := 1; step <= steps; step++ {
			if n := made[[2]int64{id, int64(step)}]; n != 1 {
				t.Errorf("request %d step %d made %d times, want once", id, step, n)
			}
		}
		r, _ := stores[1].Request(ctx, id)
		if r.Escalations != steps || !r.Deadline.Equal(t0.Add(steps*time.Hour)) {
			t.Errorf("request %d: escalations %d deadline %v", id, r.Escalations, r.Deadline)
		}
	}
	var rows int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_escalations`).Scan(&rows); err != nil || rows != requests*steps {
		t.Fatalf("%d escalations recorded (%v), want %d", rows, err, requests*steps)
	}
	if tree := verify(t, stores[0]); tree.N != requests*steps {
		t.Fatalf("the ledger holds %d escalation entries, want %d", tree.N, requests*steps)
	}
}

func testRenewOnce(t *testing.T, b Backend) {
	ctx := context.Background()
	open, _ := b(t)
	stores := []store.Store{opened(t, open), opened(t, open)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	openedCount := 0
	for i := range 6 {
		wg.Go(func() {
			r := request(i)
			r.Renews = 42
			ok, err := stores[i%2].OpenRequest(ctx, r)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				openedCount++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	all, _ := stores[0].Requests(ctx)
	if openedCount != 1 || len(all) != 1 || all[0].Renews != 42 {
		t.Fatalf("renewing entry 42 six times at once opened %d requests (%d stored), want 1", openedCount, len(all))
	}
}

func testDelegations(t *testing.T, b Backend) {
	ctx := context.Background()
	open, raw := b(t)
	s := opened(t, open)
	ceiling := 50000.0
	grant := &authority.Delegation{Delegator: "raj.patel", Delegate: "lena.fischer", Decisions: []string{"risk-acceptance"},
		Domains: []string{"identity"}, Ceiling: &ceiling, Until: t0.AddDate(0, 1, 0)}
	d := &ledger.Entry{Time: t0, Kind: ledger.KindDelegation, DecidedBy: "raj.patel", ModelDigest: "sha256:0123", Authorized: true, Grant: grant}
	if err := s.Append(ctx, Entry(1), d); err != nil {
		t.Fatal(err)
	}
	got, err := s.Delegations(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("Delegations = %v, %v", got, err)
	}
	g := got[0]
	if g.ID != "D2" || g.Delegate != "lena.fischer" || *g.Ceiling != ceiling || !g.Until.Equal(grant.Until) || g.Domains[0] != "identity" {
		t.Fatalf("Delegations()[0] = %+v", g)
	}
	verify(t, s)

	// A row pointing at an entry that is no delegation grants nothing.
	if _, err := raw.ExecContext(ctx, `INSERT INTO delegation_entries (seq) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delegations(ctx); antares.ErrorCode(err) != antares.ECONFLICT {
		t.Fatalf("Delegations with a forged index row = %v, want a conflict", err)
	}
}

// sweepModel is a small model for escalation: risk-acceptance (SLA 1d) is
// decided by the ciso, who reports to the ceo, who reports to the board.
const sweepModel = `apiVersion: antares/v1
organization: {name: Sweep, currency: USD}
people:
  - {id: ana, roles: [ciso]}
  - {id: ben, roles: [ceo]}
  - {id: cy, roles: [board]}
  - {id: lena.fischer, roles: [analyst]}
roles:
  - {id: board}
  - {id: ceo, reports_to: board}
  - {id: ciso, reports_to: ceo}
  - {id: analyst, reports_to: ciso}
domains:
  - {id: identity, owner: ciso}
decisions:
  - id: risk-acceptance
    measure: exposure
    sla: 1d
    authority:
      - accountable: ciso
`

// testConcurrentSweeps runs escalation sweeps at once, through two stores
// on one database, as two processes or replicas would: each request
// escalates exactly once per missed deadline, never twice for a step.
func testConcurrentSweeps(t *testing.T, b Backend) {
	ctx := context.Background()
	m, err := governance.Parse("sweep.yaml", governance.Source{Name: "sweep.yaml", Data: []byte(sweepModel)})
	if err != nil {
		t.Fatal(err)
	}
	x := authority.Compile(m)
	open, raw := b(t)
	stores := []store.Store{opened(t, open), opened(t, open)}
	const requests = 8
	for i := range requests {
		r := request(i)
		r.Deadline = t0.Add(24 * time.Hour)
		if _, err := stores[0].OpenRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(24*time.Hour*2 + time.Hour) // two deadlines missed: ceo, then board
	var wg sync.WaitGroup
	var made atomic.Int64
	for sweep := range 6 {
		wg.Go(func() {
			s := stores[sweep%2]
			all, err := s.Requests(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			for _, step := range ledger.Overdue(x, all, now) {
				ok, err := s.Escalate(ctx, step)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					made.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if made.Load() != 2*requests {
		t.Fatalf("six concurrent sweeps made %d escalations, want %d", made.Load(), 2*requests)
	}
	var rows int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_escalations`).Scan(&rows); err != nil || rows != 2*requests {
		t.Fatalf("%d escalations recorded (%v), want %d", rows, err, 2*requests)
	}
	all, _ := stores[1].Requests(ctx)
	for _, r := range all {
		if r.Escalations != 2 || !r.Deadline.Equal(t0.Add(3*24*time.Hour)) {
			t.Errorf("request %d: %d escalations, deadline %v", r.ID, r.Escalations, r.Deadline)
		}
	}
	if steps := ledger.Overdue(x, all, now); len(steps) != 0 {
		t.Errorf("after the sweeps, %d steps are still due", len(steps))
	}
	if tree := verify(t, stores[0]); tree.N != 2*requests {
		t.Fatalf("the ledger holds %d escalation entries, want %d", tree.N, 2*requests)
	}
	for _, r := range all {
		if !r.Open() {
			t.Errorf("request %d was closed by its escalation", r.ID)
		}
	}
}
