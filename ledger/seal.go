package ledger

import (
	"fmt"
	"math/bits"
	"slices"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
)

// StoredHash is one hash of the Merkle tree with its stored hash index (see
// tlog.StoredHashIndex).
type StoredHash struct {
	Index int64
	Hash  tlog.Hash
}

// Sealed is a batch of entries ready to be stored: their canonical records,
// in order, and the tree hashes that appending them adds.
type Sealed struct {
	Records [][]byte
	Hashes  []StoredHash
}

// Seal appends entries to a log that holds size entries: it numbers them
// from size+1, links each to the record hash of the one before, encodes
// them and computes the tree hashes to store. r reads the log's stored
// hashes; Seal asks it once, for at most 1 + log₂ size of them. Seal sets
// Seq and Prev of every entry; it refuses the whole batch, with an
// antares.EINVALID error, when one entry fails Check.
func Seal(size int64, r tlog.HashReader, entries []*Entry) (*Sealed, error) {
	for i, e := range entries {
		if err := e.Check(); err != nil {
			return nil, antares.Errorf(antares.EINVALID, "entry %d of the batch: %v", i+1, err)
		}
	}
	known, err := readEdge(size, r)
	if err != nil {
		return nil, err
	}
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := known[x]
			if !ok {
				return nil, fmt.Errorf("ledger: tree hash %d is not on the edge of the tree", x)
			}
			out[i] = h
		}
		return out, nil
	})
	s := &Sealed{Records: make([][]byte, len(entries))}
	var prev tlog.Hash
	if size > 0 {
		prev = known[tlog.StoredHashIndex(0, size-1)]
	}
	for i, e := range entries {
		n := size + int64(i)
		e.Seq, e.Prev = n+1, prev
		data := e.Encode()
		prev = tlog.RecordHash(data)
		hashes, err := tlog.StoredHashesForRecordHash(n, prev, reader)
		if err != nil {
			return nil, err
		}
		first := tlog.StoredHashIndex(0, n)
		for j, h := range hashes {
			known[first+int64(j)] = h
			s.Hashes = append(s.Hashes, StoredHash{first + int64(j), h})
		}
		s.Records[i] = data
	}
	return s, nil
}

// readEdge reads the hashes appending to a tree of size n needs: the roots
// of its maximal complete subtrees, and the record hash of its last entry.
func readEdge(n int64, r tlog.HashReader) (map[int64]tlog.Hash, error) {
	indexes := edge(n)
	if n > 0 {
		indexes = append(indexes, tlog.StoredHashIndex(0, n-1))
	}
	slices.Sort(indexes)
	indexes = slices.Compact(indexes)
	hashes, err := r.ReadHashes(indexes)
	if err != nil {
		return nil, err
	}
	if len(hashes) != len(indexes) {
		return nil, fmt.Errorf("ledger: read %d tree hashes, want %d", len(hashes), len(indexes))
	}
	known := make(map[int64]tlog.Hash, len(indexes)+64)
	for i, x := range indexes {
		known[x] = hashes[i]
	}
	return known, nil
}

// edge returns the stored hash indexes of the roots of the maximal complete
// subtrees of a tree of size n, left to right.
func edge(n int64) []int64 {
	var out []int64
	var lo int64
	for k := 63 - bits.LeadingZeros64(uint64(n)); k >= 0; k-- {
		if n&(1<<k) != 0 {
			out = append(out, tlog.StoredHashIndex(k, lo>>k))
			lo += 1 << k
		}
	}
	return out
}
