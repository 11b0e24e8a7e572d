package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
)

// Source is a ledger's records, in the order they are stored: a database,
// or an exported JSON Lines file.
type Source interface {
	// Records calls fn with each record's canonical bytes, in order. fn
	// must not keep data after it returns.
	Records(ctx context.Context, fn func(data []byte) error) error
}

// HashSource is a Source that also keeps the Merkle tree's hashes, as a
// database does. Verify checks every stored hash against the records.
type HashSource interface {
	Source
	// StoredHashes calls fn with every stored tree hash, in increasing
	// order of index.
	StoredHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error
}

// Problem is why a ledger failed verification: the first bad entry and
// what is wrong with it. Its application code is antares.ECONFLICT: the
// ledger was read, and it does not hold what it should.
type Problem struct {
	// Seq is the first bad entry; 0 when no single entry is to blame (the
	// log was truncated, or rewritten from some point on).
	Seq     int64
	Message string
}

// Error names the first bad entry and says what is wrong with it.
func (p *Problem) Error() string {
	if p.Seq == 0 {
		return "ledger verification failed: " + p.Message
	}
	return fmt.Sprintf("ledger verification failed at entry %d: %s", p.Seq, p.Message)
}

// ErrorCode returns antares.ECONFLICT.
func (p *Problem) ErrorCode() string { return antares.ECONFLICT }

// Verify reads every record of src and recomputes the hash chain and the
// Merkle tree. It checks that the records are numbered 1, 2, 3... with no
// gap, that each links to the record hash of the one before, that every
// stored tree hash (when src is a HashSource) matches the records, and that
// the log still contains and agrees with every checkpoint given (signed
// trees whose signatures the caller has checked). It returns the tree of
// the whole log, or a *Problem naming the first bad entry.
func Verify(ctx context.Context, src Source, checkpoints []tlog.Tree) (tlog.Tree, error) {
	c := &chainCheck{}
	p := newPipeline(c)
	cur := p.batch(1)
	err := src.Records(ctx, func(data []byte) error {
		pos := cur.first + int64(len(cur.prevs))
		seq, prev, err := header(data)
		switch {
		case err != nil:
			return &Problem{pos, "cannot be read: " + err.Error()}
		case seq != pos:
			return &Problem{pos, fmt.Sprintf("the record in its place says it is entry %d: entries were removed or reordered", seq)}
		}
		cur.add(data, prev)
		if cur.full() {
			p.send(cur)
			cur = p.batch(pos + 1)
		}
		return nil
	})
	p.send(cur)
	p.close()
	if err != nil {
		return tlog.Tree{}, err
	}
	t := &c.tree
	tree, err := t.tree()
	if err != nil {
		return tlog.Tree{}, err
	}
	var bad *Problem
	if c.broken != 0 {
		bad = brokenLink(c.broken, t.n, c.brokenHash, c.nextLink)
	}
	if hs, ok := src.(HashSource); ok {
		if p := checkStored(ctx, hs, t.hashes); p != nil && (bad == nil || p.Seq == 0 || p.Seq < bad.Seq) {
			bad = p
		}
	}
	if bad != nil {
		return tlog.Tree{}, bad
	}
	for _, cp := range checkpoints {
		if cp.N > tree.N {
			return tlog.Tree{}, &Problem{0, fmt.Sprintf("the log holds %d entries but a checkpoint was issued for %d: it was truncated", tree.N, cp.N)}
		}
		h, err := tlog.TreeHash(cp.N, t.hashes)
		if err != nil {
			return tlog.Tree{}, err
		}
		if h != cp.Hash {
			return tlog.Tree{}, &Problem{0, fmt.Sprintf("entries 1 to %d do not match the checkpoint issued for them: entries were changed and the chain rewritten", cp.N)}
		}
	}
	return tree, nil
}

// batch is a run of consecutive records on their way through the
// pipeline: copied, their links read, their record hashes computed by a
// worker.
type batch struct {
	first  int64 // the sequence number of the first record
	data   []byte
	ends   []int // record i is data[ends[i-1]:ends[i]]
	prevs  []tlog.Hash
	hashes []tlog.Hash
	done   chan struct{}
}

const batchBytes = 256 << 10

func (b *batch) reset(first int64) {
	b.first, b.data, b.ends, b.prevs, b.hashes = first, b.data[:0], b.ends[:0], b.prevs[:0], b.hashes[:0]
}

func (b *batch) add(data []byte, prev tlog.Hash) {
	b.data = append(b.data, data...)
	b.ends = append(b.ends, len(b.data))
	b.prevs = append(b.prevs, prev)
}

func (b *batch) full() bool { return len(b.data) >= batchBytes }

func (b *batch) hash(l *leafHasher) {
	start := 0
	for _, end := range b.ends {
		b.hashes = append(b.hashes, l.hash(b.data[start:end]))
		start = end
	}
}

// pipeline computes record hashes on every processor while one goroutine
// takes the batches in order through a chainCheck. Batches are reused.
type pipeline struct {
	work, ordered chan *batch
	workers       sync.WaitGroup
	consumed      chan struct{}
	free          chan *batch
}

// batch returns an empty batch starting at record first.
func (p *pipeline) batch(first int64) *batch {
	select {
	case b := <-p.free:
		b.reset(first)
		return b
	default:
		return &batch{first: first, data: make([]byte, 0, batchBytes+batchBytes/4)}
	}
}

func newPipeline(c *chainCheck) *pipeline {
	n := runtime.GOMAXPROCS(0)
	p := &pipeline{work: make(chan *batch, n), ordered: make(chan *batch, 2*n), consumed: make(chan struct{}),
		free: make(chan *batch, 4*n)}
	for range n {
		p.workers.Go(func() {
			l := newLeafHasher()
			for b := range p.work {
				b.hash(l)
				close(b.done)
			}
		})
	}
	go func() {
		defer close(p.consumed)
		for b := range p.ordered {
			<-b.done
			c.add(b)
			select {
			case p.free <- b:
			default:
			}
		}
	}()
	return p
}

func (p *pipeline) send(b *batch) {
	if len(b.ends) == 0 {
		return
	}
	b.done = make(chan struct{})
	p.work <- b
	p.ordered <- b
}

// close waits for every batch sent to be checked.
func (p *pipeline) close() {
	close(p.work)
	close(p.ordered)
	<-p.consumed
	p.workers.Wait()
}

// chainCheck follows the hash chain and builds the tree, record by record.
type chainCheck struct {
	tree treeBuilder
	last tlog.Hash // the record hash of the entry before
	// broken is the first entry whose link does not match, 0 if none;
	// brokenHash is its record hash, nextLink the link of the entry after.
	broken               int64
	brokenHash, nextLink tlog.Hash
}

func (c *chainCheck) add(b *batch) {
	for i, h := range b.hashes {
		pos := b.first + int64(i)
		switch prev := b.prevs[i]; {
		case c.broken == 0 && prev != c.last:
			c.broken, c.brokenHash = pos, h
		case c.broken != 0 && pos == c.broken+1:
			c.nextLink = prev
		}
		c.last = h
		c.tree.add(h)
	}
}

// leafHasher computes RFC 6962 record hashes, as tlog.RecordHash does,
// reusing one SHA-256 state.
type leafHasher struct {
	h   hash.Hash
	sum []byte
}

var leafPrefix = []byte{0}

func newLeafHasher() *leafHasher {
	return &leafHasher{h: sha256.New(), sum: make([]byte, 0, sha256.Size)}
}

func (l *leafHasher) hash(data []byte) tlog.Hash {
	l.h.Reset()
	l.h.Write(leafPrefix)
	l.h.Write(data)
	var out tlog.Hash
	copy(out[:], l.h.Sum(l.sum[:0]))
	return out
}

// treeBuilder computes every stored hash of the Merkle tree, record by
// record, in the order tlog stores them: the record hash, then the hash of
// each complete subtree the record completes. It keeps the roots of the
// complete subtrees so far on a stack.
type treeBuilder struct {
	n      int64
	hashes hashList
	stack  []tlog.Hash
}

func (t *treeBuilder) add(h tlog.Hash) {
	t.hashes.add(h)
	for k := t.n; k&1 == 1; k >>= 1 {
		h = tlog.NodeHash(t.stack[len(t.stack)-1], h)
		t.stack = t.stack[:len(t.stack)-1]
		t.hashes.add(h)
	}
	t.stack = append(t.stack, h)
	t.n++
}

func (t *treeBuilder) tree() (tlog.Tree, error) {
	root, err := tlog.TreeHash(t.n, t.hashes)
	return tlog.Tree{N: t.n, Hash: root}, err
}

// hashList is a growing list of hashes kept in fixed-size chunks, so that
// growing it never copies what it holds.
type hashList struct {
	chunks [][]tlog.Hash
	n      int64
}

const chunkSize = 1 << 16

func (l *hashList) add(h tlog.Hash) {
	if l.n%chunkSize == 0 {
		l.chunks = append(l.chunks, make([]tlog.Hash, 0, chunkSize))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, h)
	l.n++
}

func (l *hashList) at(i int64) tlog.Hash { return l.chunks[i/chunkSize][i%chunkSize] }

// ReadHashes implements tlog.HashReader.
func (l hashList) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= l.n {
			return nil, fmt.Errorf("ledger: tree hash %d is beyond the tree", x)
		}
		out[i] = l.at(x)
	}
	return out, nil
}

// header reads the sequence number and link at the start of a canonical
// record, without decoding the rest: {"seq":N,"prev":"<base64>",...
func header(data []byte) (seq int64, prev tlog.Hash, err error) {
	const seqKey, prevKey = `{"seq":`, `,"prev":"`
	rest, ok := bytes.CutPrefix(data, []byte(seqKey))
	if !ok {
		return 0, prev, fmt.Errorf("it does not start with %s", seqKey)
	}
	i := bytes.IndexByte(rest, ',')
	if i < 0 {
		return 0, prev, fmt.Errorf("no sequence number")
	}
	seq, err = strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil || seq < 1 {
		return 0, prev, fmt.Errorf("bad sequence number %q", rest[:i])
	}
	rest, ok = bytes.CutPrefix(rest[i:], []byte(prevKey))
	const n = 44 // base64 of a 32-byte hash
	if !ok || len(rest) < n+1 || rest[n] != '"' {
		return 0, prev, fmt.Errorf("no link to the previous entry")
	}
	var buf [n]byte
	if k, err := base64.StdEncoding.Decode(buf[:], rest[:n]); err != nil || k != len(prev) {
		return 0, prev, fmt.Errorf("bad link to the previous entry %q", rest[:n])
	}
	copy(prev[:], buf[:])
	return seq, prev, nil
}

// brokenLink says which entry was changed when entry k's link does not
// match the record hash of entry k-1: when entry k's own hash still
// matches the link of entry k+1 (nextLink), entry k-1 was changed;
// otherwise entry k itself was. n is the number of entries.
func brokenLink(k, n int64, hash, nextLink tlog.Hash) *Problem {
	if k > 1 && (k == n || nextLink == hash) {
		return &Problem{k - 1, fmt.Sprintf("its bytes were changed: its hash no longer matches the one entry %d records for it", k)}
	}
	return &Problem{k, "it was changed: its link to the entry before does not match that entry's hash"}
}

// checkStored compares the stored tree hashes with the recomputed ones.
func checkStored(ctx context.Context, src HashSource, hashes hashList) *Problem {
	var bad *Problem
	var count int64
	err := src.StoredHashes(ctx, func(index int64, h tlog.Hash) error {
		count++
		if index < 0 || index >= hashes.n {
			bad = &Problem{0, fmt.Sprintf("tree hash %d is stored for entries the log does not hold: entries were removed", index)}
			return errStop
		}
		if h == hashes.at(index) {
			return nil
		}
		level, k := tlog.SplitStoredHashIndex(index)
		if level == 0 {
			bad = &Problem{k + 1, "its bytes were changed: they no longer match the record hash stored when it was appended"}
		} else {
			first, last := k<<level+1, (k+1)<<level
			bad = &Problem{first, fmt.Sprintf("the stored tree hash over entries %d to %d does not match them", first, last)}
		}
		return errStop
	})
	switch {
	case bad != nil:
		return bad
	case err != nil:
		return &Problem{0, "reading the stored tree hashes: " + err.Error()}
	case count != hashes.n:
		return &Problem{0, fmt.Sprintf("%d tree hashes are stored where the entries need %d: hashes were removed", count, hashes.n)}
	}
	return nil
}

var errStop = errors.New("stop")
