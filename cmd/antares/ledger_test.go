package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antares-governance/antares/ledger"
	"github.com/antares-governance/antares/store/postgres/pgtest"
)

// ledgerEnv runs commands against a fresh SQLite database and the test
// model, with the clock stopped at *now.
type ledgerEnv struct {
	t   *testing.T
	dir string
	db  string
	now time.Time
}

func newLedgerEnv(t *testing.T) *ledgerEnv {
	dir := t.TempDir()
	e := &ledgerEnv{t: t, dir: dir, db: filepath.Join(dir, "antares.db"), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	saved := clock
	clock = func() time.Time { return e.now }
	t.Cleanup(func() { clock = saved })
	t.Setenv("ANTARES_LEDGER_KEY", "")
	return e
}

func (e *ledgerEnv) run(args ...string) (string, string, int) {
	e.t.Helper()
	return runCLI(e.t, append([]string{"--db", e.db, "--model", "testdata/ledger/model.yaml"}, args...)...)
}

// ok runs a command that must succeed and returns its output.
func (e *ledgerEnv) ok(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("antares %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// fails runs a command that must fail with code and returns its stderr.
func (e *ledgerEnv) fails(code int, args ...string) string {
	e.t.Helper()
	out, errOut, got := e.run(args...)
	if got != code {
		e.t.Fatalf("antares %s: exit %d, want %d\n%s%s", strings.Join(args, " "), got, code, out, errOut)
	}
	return errOut
}

func TestDecideAndLedgerCommands(t *testing.T) {
	e := newLedgerEnv(t)
	var transcript strings.Builder
	step := func(out string) { transcript.WriteString(out) }

	step(e.ok("decide", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "raj.patel",
		"--outcome", "accept", "--subject", "risk:R-12", "--rationale", "compensating controls in place"))

	// The wrong person is refused, told who may decide, and nothing is recorded.
	msg := e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "lena.fischer",
		"--outcome", "accept", "--rationale", "x")
	if !strings.Contains(msg, "refused: Lena Fischer (lena.fischer) may not decide") || !strings.Contains(msg, "May decide instead: Raj Patel (raj.patel).") {
		t.Errorf("refusal: %s", msg)
	}
	for _, bad := range [][]string{
		{"decide", "risk-acceptance", "--domain", "identity", "--by", "raj.patel", "--outcome", "a", "--rationale", "r"},
		{"decide", "risk-acceptance", "--domain", "identity", "--measure", "1", "--by", "raj.patel", "--outcome", "a", "--rationale", "r", "--trigger", "whim"},
		{"decide", "risk-acceptance", "--domain", "identity", "--measure", "1", "--by", "raj.patel", "--outcome", "a", "--rationale", "r", "--valid-until", "soon"},
		{"decide", "risk-acceptance", "--domain", "identity", "--measure", "1", "--by", "raj.patel", "--outcome", "a"},
	} {
		e.fails(2, bad...)
	}

	// A request: routed, decided by someone else than the requester, closed.
	step(e.ok("request", "open", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "lena.fischer", "--subject", "risk:R-20"))
	step(e.ok("decide", "risk-acceptance", "--domain", "identity", "--by", "raj.patel", "--outcome", "accept",
		"--rationale", "within appetite", "--request", "1"))
	if msg := e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--by", "raj.patel", "--outcome", "accept",
		"--rationale", "again", "--request", "1"); !strings.Contains(msg, "request 1 was already decided in entry 2") {
		t.Errorf("deciding a decided request: %s", msg)
	}

	// Separation of duties: the requester may not decide; after a missed
	// SLA the request escalates, and the CEO may.
	step(e.ok("request", "open", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "raj.patel", "--subject", "risk:R-21"))
	if msg := e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--by", "raj.patel", "--outcome", "accept",
		"--rationale", "mine", "--request", "2"); !strings.Contains(msg, "separation of duties") {
		t.Errorf("separation of duties: %s", msg)
	}
	e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--by", "daniel.harper", "--outcome", "accept",
		"--rationale", "not yet mine", "--request", "2")
	e.now = e.now.Add(11 * 24 * time.Hour)
	step(e.ok("request", "list"))
	step(e.ok("escalate"))
	if out := e.ok("escalate"); out != "" {
		t.Errorf("a second sweep escalated again: %s", out)
	}
	step(e.ok("request", "list", "--for", "daniel.harper"))
	step(e.ok("decide", "risk-acceptance", "--domain", "identity", "--by", "daniel.harper", "--outcome", "reject",
		"--rationale", "too much exposure", "--request", "2", "--trigger", "audit"))

	// History, each row judged against the authority of its date.
	step(e.ok("import", "decisions", "testdata/ledger/history.csv"))
	msg = e.fails(2, "import", "decisions", "testdata/ledger/bad-history.csv")
	golden(t, "ledger-import-errors.txt", msg)

	// Entry 4 (imported, valid until 2025-07-10) lapsed: a sweep asks for it again, once.
	step(e.ok("escalate"))
	if out := e.ok("escalate"); out != "" {
		t.Errorf("a second sweep reopened again: %s", out)
	}
	step(e.ok("request", "list", "--open"))

	// A delegation: recorded, then honoured; the delegate decides on the
	// delegator's authority, within its ceiling only.
	e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--measure", "80000", "--by", "samuel.adeyemi",
		"--outcome", "accept", "--rationale", "before the delegation")
	step(e.ok("delegate", "--from", "raj.patel", "--to", "samuel.adeyemi", "--decision", "risk-acceptance", "--domain", "identity",
		"--ceiling", "100000", "--until", "2026-06-30", "--note", "CISO on leave"))
	step(e.ok("decide", "risk-acceptance", "--domain", "identity", "--measure", "80000", "--by", "samuel.adeyemi",
		"--outcome", "accept", "--rationale", "under the delegation"))
	e.fails(1, "decide", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "samuel.adeyemi",
		"--outcome", "accept", "--rationale", "above the ceiling")
	if msg := e.fails(1, "delegate", "--from", "samuel.adeyemi", "--to", "lena.fischer", "--decision", "risk-acceptance",
		"--until", "2026-06-30"); !strings.Contains(msg, "nothing of it to delegate") {
		t.Errorf("delegating what one does not hold: %s", msg)
	}

	// A review by the domain's reviewer, with outcome measurements.
	step(e.ok("review", "identity", "--by", "raj.patel", "--outcome", "mfa-coverage=99.4", "--outcome", "orphaned-accounts=2",
		"--note", "orphaned accounts from the reorganization"))
	if msg := e.fails(1, "review", "identity", "--by", "hana.suzuki", "--note", "self-review"); !strings.Contains(msg, "may review it: Raj Patel") {
		t.Errorf("review by the owner: %s", msg)
	}
	e.fails(2, "review", "identity", "--by", "raj.patel", "--outcome", "mfa-coverage", "--note", "n")

	step(e.ok("ledger", "list"))
	step(e.ok("ledger", "list", "--unauthorized"))
	step(e.ok("ledger", "show", "3"))
	step(e.ok("ledger", "show", "4"))
	step(e.ok("ledger", "show", "9"))
	step(e.ok("ledger", "show", "11"))
	golden(t, "ledger-session.txt", transcript.String())

	var listed []ledger.Entry
	if err := json.Unmarshal([]byte(e.ok("ledger", "list", "--format", "json", "--by", "raj.patel")), &listed); err != nil || len(listed) != 6 {
		t.Fatalf("list --format json: %d entries, %v", len(listed), err)
	}
	if record := e.ok("ledger", "show", "1", "--format", "json"); !strings.HasPrefix(record, `{"seq":1,"prev":"AAAA`) {
		t.Errorf("show --format json: %s", record)
	}
	e.fails(1, "ledger", "show", "99")
	e.fails(2, "ledger", "show", "first")
}

func TestLedgerProofsAndVerification(t *testing.T) {
	e := newLedgerEnv(t)
	for _, who := range []string{"raj.patel", "raj.patel", "samuel.adeyemi"} {
		e.run("decide", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", who, "--outcome", "accept", "--rationale", "r")
	}
	e.ok("import", "decisions", "testdata/ledger/history.csv")
	keyFile := e.db + ".key"
	if fi, err := os.Stat(keyFile); err == nil {
		t.Fatalf("the key was created before it was needed: %v", fi.Mode())
	}
	cpFile := filepath.Join(e.dir, "cp.txt")
	cp := e.ok("ledger", "checkpoint", "-o", cpFile)
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("signing key %s: %v", keyFile, err)
	}
	note, _ := os.ReadFile(cpFile)
	if cp != "" || !strings.HasPrefix(string(note), "go.sum database tree\n6\n") || !strings.Contains(string(note), "time 2026-03-02T09:00:00Z\n\n— antares-ledger ") {
		t.Fatalf("checkpoint:\n%s", note)
	}
	if again := e.ok("ledger", "checkpoint"); again != string(note) {
		t.Errorf("a checkpoint of an unchanged ledger differs:\n%s", again)
	}
	vkey := strings.TrimSpace(e.ok("ledger", "key"))
	pub, _ := os.ReadFile(keyFile + ".pub")
	if vkey != strings.TrimSpace(string(pub)) || !strings.HasPrefix(vkey, "antares-ledger+") {
		t.Fatalf("ledger key = %q, .pub = %q", vkey, pub)
	}

	// An auditor checks a proof with the proof, the checkpoint and the
	// verifier key alone: no database, no signing key.
	proofFile := filepath.Join(e.dir, "proof.json")
	e.ok("ledger", "proof", "2", "-o", proofFile)
	auditor := func(args ...string) (string, string, int) {
		return runCLI(t, append([]string{"ledger", "check-proof", proofFile, "--checkpoint", cpFile, "--key", "/nonexistent/key"}, args...)...)
	}
	out, errOut, code := auditor("--verifier", vkey)
	if code != 0 || out != "entry 2 is in the ledger of 6 entries signed at 2026-03-02T09:00:00Z: risk-acceptance in identity by raj.patel, accept\n" {
		t.Fatalf("check-proof: %d %s%s", code, out, errOut)
	}
	if _, errOut, code := auditor("--verifier", keyFile+".pub"); code != 0 {
		t.Fatalf("check-proof with the verifier key file: %s", errOut)
	}
	if _, _, code := auditor(); code != 2 {
		t.Fatalf("check-proof without a verifier key: exit %d, want 2", code)
	}
	other := filepath.Join(e.dir, "other.key")
	k, err := ledger.LoadKey(other)
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := auditor("--verifier", k.VerifierKey); code != 2 || !strings.Contains(errOut, "valid signature") {
		t.Fatalf("check-proof with another key: %d %s", code, errOut)
	}
	proof, _ := os.ReadFile(proofFile)
	os.WriteFile(proofFile, []byte(strings.Replace(string(proof), `\"outcome\":\"accept\"`, `\"outcome\":\"reject\"`, 1)), 0o644)
	if _, errOut, code := auditor("--verifier", vkey); code != 1 || !strings.Contains(errOut, "not in the ledger") {
		t.Fatalf("check-proof of a changed entry: %d %s", code, errOut)
	}

	// The export verifies against the checkpoint.
	export := filepath.Join(e.dir, "ledger.jsonl")
	e.ok("ledger", "export", "-o", export)
	if out := e.ok("ledger", "verify", "--file", export, "--checkpoint", cpFile); !strings.HasPrefix(out, "ledger verified: 6 entries") {
		t.Fatalf("verify --file: %s", out)
	}
	if out := e.ok("ledger", "verify"); !strings.Contains(out, "6 entries") || !strings.Contains(out, "1 checkpoint(s)") {
		t.Fatalf("verify: %s", out)
	}

	// A changed byte in the database is caught and located.
	raw, err := sql.Open("sqlite", e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.Exec(`UPDATE ledger_checkpoints SET note = replace(note, 'time 2026', 'time 2027')`)
	if msg := e.fails(1, "ledger", "verify"); !strings.Contains(msg, "stored checkpoint 1 of 1") {
		t.Fatalf("verify with a changed stored checkpoint: %s", msg)
	}
	raw.Exec(`UPDATE ledger_checkpoints SET note = replace(note, 'time 2027', 'time 2026')`)
	e.ok("ledger", "verify")
	if _, err := raw.Exec(`UPDATE ledger_entries SET data = replace(data, '"outcome":"accept"', '"outcome":"reject"') WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	if msg := e.fails(1, "ledger", "verify"); !strings.Contains(msg, "ledger verification failed at entry 3: its bytes were changed") {
		t.Fatalf("verify after tampering: %s", msg)
	}
	// Truncation below the auditor's checkpoint is caught even when the
	// stored checkpoints and hashes go with it.
	raw.Exec(`DELETE FROM ledger_entries WHERE seq >= 3`)
	raw.Exec(`DELETE FROM ledger_hashes WHERE idx >= 3`)
	raw.Exec(`DELETE FROM ledger_checkpoints`)
	if msg := e.fails(1, "ledger", "verify", "--checkpoint", cpFile); !strings.Contains(msg, "truncated") {
		t.Fatalf("verify after truncation: %s", msg)
	}
}

func TestLedgerNeedsADatabase(t *testing.T) {
	t.Setenv("ANTARES_DB", "")
	_, errOut, code := runCLI(t, "ledger", "list")
	if code != 2 || !strings.Contains(errOut, "no database given") {
		t.Fatalf("ledger list without --db: %d %s", code, errOut)
	}
}

// TestLedgerOnPostgres runs the ledger commands against PostgreSQL, in a
// schema of the test's own.
func TestLedgerOnPostgres(t *testing.T) {
	dsn, _ := pgtest.Schema(t)
	e := newLedgerEnv(t)
	e.db = dsn
	t.Setenv("ANTARES_LEDGER_KEY", filepath.Join(e.dir, "pg.key"))
	e.ok("decide", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--by", "raj.patel",
		"--outcome", "accept", "--rationale", "r")
	e.ok("import", "decisions", "testdata/ledger/history.csv")
	e.ok("ledger", "checkpoint")
	if out := e.ok("ledger", "verify"); !strings.HasPrefix(out, "ledger verified: 5 entries") {
		t.Fatalf("verify: %s", out)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "pg.key")); err != nil {
		t.Fatalf("the signing key is not where ANTARES_LEDGER_KEY says: %v", err)
	}
}

func TestWriteOutputLeavesNothingHalfWritten(t *testing.T) {
	dir := t.TempDir()
	a := &app{}
	path := filepath.Join(dir, "proof.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := a.writeOutput(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("a failed write must fail")
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("file holds %q after a failed write, want the old content", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := a.writeOutput(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	err = a.writeOutput(filepath.Join(dir, "no", "such", "x.jsonl"), func(io.Writer) error { return nil })
	if err == nil || err.Error() != "cannot write "+filepath.Join(dir, "no", "such", "x.jsonl")+": no such file or directory" {
		t.Errorf("error %v, want it to name the path and the cause", err)
	}
}

// TestLedgerDocsShowTheImportErrors holds docs/ledger.md to what antares
// import decisions really prints for a bad file (the golden output, with
// the file named as the docs name it).
func TestLedgerDocsShowTheImportErrors(t *testing.T) {
	want, err := os.ReadFile("testdata/golden/ledger-import-errors.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/ledger.md")
	if err != nil {
		t.Fatal(err)
	}
	shown := strings.ReplaceAll(string(want), "testdata/ledger/bad-history.csv", "history.csv")
	if !strings.Contains(string(doc), shown) {
		t.Errorf("docs/ledger.md does not show the output of a bad import:\n%s", shown)
	}
}
