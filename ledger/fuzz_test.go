package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func FuzzDecode(f *testing.F) {
	f.Add(entry(1).Encode())
	e := entry(2)
	e.Kind, e.Decision, e.Measure, e.ValidUntil, e.Consulted = KindReview, "", nil, nil, nil
	f.Add(e.Encode())
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte(`{"seq":1,"prev":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","time":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Decode(data)
		if err != nil {
			return
		}
		if !bytes.Equal(e.Encode(), data) {
			t.Fatalf("Decode accepted a non-canonical form:\n%s\nre-encodes as\n%s", data, e.Encode())
		}
		// Verify reads the number and link of every canonical record
		// without decoding it: it must read what Decode reads.
		if e.Seq >= 1 {
			seq, prev, err := header(data)
			if err != nil || seq != e.Seq || prev != e.Prev {
				t.Fatalf("header(%s) = %d %v %v, entry says %d %v", data, seq, prev, err, e.Seq, e.Prev)
			}
		}
	})
}

// FuzzVerifyExport feeds arbitrary exports to Verify: it must answer, never
// panic, and accept only a log whose chain holds.
func FuzzVerifyExport(f *testing.F) {
	m := buildLog(f, 5)
	var buf bytes.Buffer
	WriteJSONL(context.Background(), &buf, m)
	f.Add(buf.Bytes())
	f.Add(tamper(buf.Bytes()))
	f.Add([]byte("{\"seq\":1,\"prev\":\"\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := Verify(context.Background(), JSONL{bytes.NewReader(data)}, nil)
		if err == nil && tree.N > 0 && bytes.Count(data, []byte("\n")) < int(tree.N)-1 {
			t.Fatalf("Verify counted %d entries in %d lines", tree.N, bytes.Count(data, []byte("\n")))
		}
	})
}

// FuzzCheckProof feeds arbitrary proof files and checkpoints, as an
// auditor might be handed, to the offline check: it must answer, never
// panic, and accept only the genuine proof.
func FuzzCheckProof(f *testing.F) {
	k, err := ParseKey("PRIVATE+KEY+antares-ledger+1f22e7e1+AdjInGBLxuTS8F0nSfBnGMItyrHo9xUrRR6GOcSpZ2BE")
	if err != nil {
		f.Fatal(err)
	}
	m := buildLog(f, 7)
	tree, err := Verify(context.Background(), m, nil)
	if err != nil {
		f.Fatal(err)
	}
	cp, err := SignCheckpoint(tree, t0, k)
	if err != nil {
		f.Fatal(err)
	}
	p, err := Prove(m.records[2], 3, cp, hashReader(m.hashes))
	if err != nil {
		f.Fatal(err)
	}
	genuine, _ := json.Marshal(p)
	f.Add(genuine, cp.Note)
	f.Add([]byte(`{"record":"{}","index":-1,"tree_size":-5,"hashes":["AAAA"]}`), cp.Note)
	f.Add(genuine, []byte("go.sum database tree\n7\nAAAA\n\n— antares-ledger AAAA\n"))
	f.Fuzz(func(t *testing.T, proof, note []byte) {
		c, err := OpenCheckpoint(note, k.VerifierKey)
		if err != nil {
			return
		}
		pp, err := ParseProof(proof)
		if err != nil {
			return
		}
		e, err := pp.Check(c)
		if err == nil && (!bytes.Equal(note, cp.Note) || pp.Record != string(m.records[e.Seq-1])) {
			t.Fatalf("accepted a proof of %q against %q", pp.Record, note)
		}
	})
}
