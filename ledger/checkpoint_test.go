package ledger

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

func testKey(t *testing.T) *Key {
	t.Helper()
	k, err := LoadKey(filepath.Join(t.TempDir(), "ledger.key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLoadKeyCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ledger.key")
	k, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	pub, err := os.ReadFile(path + ".pub")
	if err != nil || strings.TrimSpace(string(pub)) != k.VerifierKey || !strings.HasPrefix(k.VerifierKey, KeyName+"+") {
		t.Fatalf("verifier key file = %q, %v; want %q", pub, err, k.VerifierKey)
	}
	again, err := LoadKey(path)
	if err != nil || again.VerifierKey != k.VerifierKey {
		t.Fatalf("reloading the key gave %v, %v", again, err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("LoadKey(0644 file) = %v, want a refusal", err)
	}
	os.Chmod(path, 0o600)
	os.WriteFile(path, []byte("not a key\n"), 0o600)
	if _, err := LoadKey(path); err == nil || !strings.Contains(err.Error(), "not a signing key") {
		t.Fatalf("LoadKey(garbage) = %v", err)
	}
}

func TestCheckpointSignOpen(t *testing.T) {
	k, other := testKey(t), testKey(t)
	tree := tlog.Tree{N: 42, Hash: tlog.RecordHash([]byte("root"))}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cp, err := SignCheckpoint(tree, at, k)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(cp.Note, tlog.FormatTree(tree)) || !bytes.Contains(cp.Note, []byte("time 2026-05-01T12:00:00Z\n\n— "+KeyName+" ")) {
		t.Fatalf("checkpoint note:\n%s", cp.Note)
	}
	got, err := OpenCheckpoint(cp.Note, k.VerifierKey)
	if err != nil || got.Tree != tree || !got.Time.Equal(at) {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	if _, err := OpenCheckpoint(cp.Note, other.VerifierKey); err == nil {
		t.Fatal("a checkpoint opened with another key")
	}
	forged := bytes.Replace(cp.Note, []byte("\n42\n"), []byte("\n43\n"), 1)
	if _, err := OpenCheckpoint(forged, k.VerifierKey); err == nil {
		t.Fatal("a changed checkpoint opened")
	}
	if _, err := OpenCheckpoint(cp.Note, "garbage"); err == nil || !strings.Contains(err.Error(), "verifier key") {
		t.Fatalf("OpenCheckpoint(bad key) = %v", err)
	}
}

func TestProofs(t *testing.T) {
	k := testKey(t)
	m := buildLog(t, 13)
	for _, size := range []int64{1, 2, 7, 8, 13} {
		root, _ := tlog.TreeHash(size, hashReader(m.hashes))
		cp, err := SignCheckpoint(tlog.Tree{N: size, Hash: root}, t0, k)
		if err != nil {
			t.Fatal(err)
		}
		for seq := int64(1); seq <= size; seq++ {
			p, err := Prove(m.records[seq-1], seq, cp, hashReader(m.hashes))
			if err != nil {
				t.Fatal(err)
			}
			// Through the file format an auditor receives.
			data, _ := json.Marshal(p)
			back, err := ParseProof(data)
			if err != nil {
				t.Fatal(err)
			}
			opened, err := OpenCheckpoint([]byte(back.Checkpoint), k.VerifierKey)
			if err != nil {
				t.Fatal(err)
			}
			e, err := back.Check(opened)
			if err != nil || e.Seq != seq {
				t.Fatalf("size %d entry %d: Check = %v, %v", size, seq, e, err)
			}
			back.Record = string(tamper([]byte(back.Record)))
			if _, err := back.Check(opened); err == nil || !strings.Contains(err.Error(), "not in the ledger") {
				t.Fatalf("size %d entry %d: a changed record passed: %v", size, seq, err)
			}
		}
		if _, err := Prove(m.records[0], size+1, cp, hashReader(m.hashes)); err == nil {
			t.Fatalf("proved entry %d in a checkpoint of %d", size+1, size)
		}
	}
	root, _ := tlog.TreeHash(13, hashReader(m.hashes))
	cp13, _ := SignCheckpoint(tlog.Tree{N: 13, Hash: root}, t0, k)
	root, _ = tlog.TreeHash(12, hashReader(m.hashes))
	cp12, _ := SignCheckpoint(tlog.Tree{N: 12, Hash: root}, t0, k)
	p, _ := Prove(m.records[4], 5, cp12, hashReader(m.hashes))
	if _, err := p.Check(cp13); err == nil || !strings.Contains(err.Error(), "12 entries but the checkpoint is for 13") {
		t.Fatalf("Check against another checkpoint = %v", err)
	}
	p.Record = strings.Replace(p.Record, `"seq":5`, `"seq":6`, 1)
	if _, err := p.Check(cp12); err == nil {
		t.Fatal("a proof with a renumbered record passed")
	}
	if _, err := ParseProof([]byte("{")); err == nil {
		t.Fatal("ParseProof accepted a broken file")
	}
}
