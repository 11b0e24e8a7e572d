package ledger

import (
	"encoding/json"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
)

// Proof shows that one entry is in the ledger a checkpoint signs. It is
// self-contained: an auditor checks it with the checkpoint and the verifier
// key alone.
type Proof struct {
	// Record is the entry's canonical encoding.
	Record string `json:"record"`
	// Index is the entry's leaf index in the tree (its Seq - 1).
	Index int64 `json:"index"`
	// TreeSize is the size of the tree the proof is for.
	TreeSize int64 `json:"tree_size"`
	// Hashes is the RFC 6962 inclusion proof.
	Hashes tlog.RecordProof `json:"hashes"`
	// Checkpoint is the signed checkpoint the proof was made against.
	Checkpoint string `json:"checkpoint"`
}

// Prove makes the inclusion proof of record (the entry numbered seq) in
// the tree that cp signs, reading tree hashes from r.
func Prove(record []byte, seq int64, cp *Checkpoint, r tlog.HashReader) (*Proof, error) {
	if seq < 1 || seq > cp.Tree.N {
		return nil, antares.Errorf(antares.ENOTFOUND, "entry %d is not in the checkpoint of %d entries", seq, cp.Tree.N)
	}
	p, err := tlog.ProveRecord(cp.Tree.N, seq-1, r)
	if err != nil {
		return nil, err
	}
	return &Proof{Record: string(record), Index: seq - 1, TreeSize: cp.Tree.N, Hashes: p, Checkpoint: string(cp.Note)}, nil
}

// ParseProof reads a proof written by Proof's JSON encoding.
func ParseProof(data []byte) (*Proof, error) {
	var p Proof
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, antares.Errorf(antares.EINVALID, "not a ledger proof: %v", err)
	}
	return &p, nil
}

// Check verifies that the proof's entry is in the ledger that cp (whose
// signature the caller has checked) signs, and returns the entry.
func (p *Proof) Check(cp *Checkpoint) (*Entry, error) {
	if p.TreeSize != cp.Tree.N {
		return nil, antares.Errorf(antares.EINVALID, "the proof is for a ledger of %d entries but the checkpoint is for %d: ask for a proof against this checkpoint", p.TreeSize, cp.Tree.N)
	}
	e, err := Decode([]byte(p.Record))
	if err != nil {
		return nil, antares.Errorf(antares.ECONFLICT, "proof record: %v", err)
	}
	if e.Seq != p.Index+1 {
		return nil, antares.Errorf(antares.ECONFLICT, "the proof's record is entry %d but the proof is for entry %d", e.Seq, p.Index+1)
	}
	if err := tlog.CheckRecord(p.Hashes, cp.Tree.N, cp.Tree.Hash, p.Index, tlog.RecordHash([]byte(p.Record))); err != nil {
		return nil, antares.Errorf(antares.ECONFLICT, "entry %d is not in the ledger the checkpoint signs: %v", e.Seq, err)
	}
	return e, nil
}
