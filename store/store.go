// Package store keeps Antares' state in a database: the decision ledger,
// its tree hashes and checkpoints, the decision requests and their
// escalations, and an index of the delegations the ledger records.
//
// Store is the interface the rest of Antares uses. DB implements it over
// database/sql with one set of SQL statements and one set of migrations for
// every backend; package store/sqlite (the embedded default) and package
// store/postgres (for several replicas) open a DB with their driver and
// Dialect. Package store/storetest is the behavioural test suite both pass.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/ledger"
)

// Store is where Antares keeps its ledger and requests. Every method is
// safe for concurrent use, also by several processes sharing one database.
type Store interface {
	ledger.HashSource

	// Append appends entries to the ledger, in order and together: it sets
	// their Seq and Prev, and returns once they are durably stored. A batch
	// with an entry that fails Check stores nothing.
	Append(ctx context.Context, entries ...*ledger.Entry) error
	// Size returns the number of entries in the ledger.
	Size(ctx context.Context) (int64, error)
	// Record returns the canonical record of entry seq (ENOTFOUND when the
	// ledger has no such entry).
	Record(ctx context.Context, seq int64) ([]byte, error)
	// ReadHashes reads stored tree hashes by stored hash index.
	ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error)
	// AddCheckpoint keeps a signed checkpoint (one per tree size).
	AddCheckpoint(ctx context.Context, cp *ledger.Checkpoint) error
	// Checkpoints returns the signed checkpoints kept, by increasing size.
	Checkpoints(ctx context.Context) ([][]byte, error)
	// OpenRequest stores a new decision request and sets its ID. A
	// request that renews a lapsed entry is opened once: OpenRequest
	// reports false, storing nothing, when another request renews it.
	OpenRequest(ctx context.Context, r *ledger.Request) (bool, error)
	// Request returns a request by id (ENOTFOUND when there is none).
	Request(ctx context.Context, id int64) (*ledger.Request, error)
	// Requests returns every request, oldest first.
	Requests(ctx context.Context) ([]*ledger.Request, error)
	// Escalate records an escalation step, appends its Entry to the
	// ledger and moves the request's deadline, in one transaction. It is
	// idempotent: it reports false, changing nothing, when the step was
	// already made (by another sweep, another process) or the request is
	// decided.
	Escalate(ctx context.Context, step ledger.Step) (bool, error)

	// Delegations returns the delegations the ledger records, oldest
	// first; each has the id "D" and the number of its entry.
	Delegations(ctx context.Context) ([]authority.Delegation, error)

	// Register is the risk register (see risks.go).
	Register

	// Close stops accepting appends and closes the database.
	Close() error
}

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is what differs between the SQL databases DB supports.
type Dialect struct {
	// Goose is the migration tool's name for the database.
	Goose goose.Dialect
	// LockWrites is run first in every writing transaction to serialize
	// writers, across processes too; empty when every transaction of the
	// database already excludes other writers (SQLite's BEGIN IMMEDIATE).
	LockWrites string
	// MigrationLocker serializes migrations across processes, when the
	// database needs one.
	MigrationLocker func() (lock.SessionLocker, error)
}

// maxBatch bounds how many entries one appending transaction commits.
const maxBatch = 1024

// DB is a Store over database/sql. Concurrent Appends are committed
// together, in one transaction (group commit): while one transaction is
// being made durable the next batch gathers, so a durable append costs a
// share of one commit, not a commit of its own.
type DB struct {
	db      *sql.DB
	dialect Dialect

	appends chan *appendRequest
	quit    chan struct{}
	done    sync.WaitGroup
	close   sync.Once
}

type appendRequest struct {
	entries []*ledger.Entry
	err     chan error
}

// Open migrates db to the current schema and returns a DB over it. The DB
// owns db and closes it in Close.
func Open(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	if err := migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, err
	}
	s := &DB{db: db, dialect: d, appends: make(chan *appendRequest), quit: make(chan struct{})}
	s.done.Add(1)
	go s.commitLoop()
	return s, nil
}

func migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	var opts []goose.ProviderOption
	if d.MigrationLocker != nil {
		l, err := d.MigrationLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(l))
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(d.Goose, db, fsys, append(opts, goose.WithDisableGlobalRegistry(true))...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	_, err = p.Up(ctx)
	// Without a migration lock, processes opening a new database together
	// race to migrate it: the loser's migration fails and is rolled back,
	// and once the winner is done there is nothing left to do.
	for wait := 20 * time.Millisecond; err != nil && d.MigrationLocker == nil && wait < 2*time.Second; wait *= 2 {
		time.Sleep(wait)
		_, err = p.Up(ctx)
	}
	if err != nil {
		return antares.Errorf(antares.EINVALID, "cannot bring the database up to date: %v", err)
	}
	return nil
}

// Close stops accepting appends, waits for the batch being committed and
// closes the database.
func (s *DB) Close() error {
	s.close.Do(func() { close(s.quit) })
	s.done.Wait()
	return s.db.Close()
}

var errClosed = errors.New("store: closed")

// Append implements Store.
func (s *DB) Append(ctx context.Context, entries ...*ledger.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	req := &appendRequest{entries: entries, err: make(chan error, 1)}
	select {
	case s.appends <- req:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once taken, a request is committed or refused whatever the caller's
	// context says: the answer tells whether it is stored.
	return <-req.err
}

func (s *DB) commitLoop() {
	defer s.done.Done()
	for {
		var first *appendRequest
		select {
		case first = <-s.appends:
		case <-s.quit:
			return
		}
		batch, n := []*appendRequest{first}, len(first.entries)
	gather:
		for n < maxBatch {
			select {
			case r := <-s.appends:
				batch, n = append(batch, r), n+len(r.entries)
			default:
				break gather
			}
		}
		err := s.commit(batch)
		if err != nil && len(batch) > 1 {
			// One request's bad entry must not fail the others: commit
			// each on its own.
			for _, r := range batch {
				r.err <- s.commit([]*appendRequest{r})
			}
			continue
		}
		for _, r := range batch {
			r.err <- err
		}
	}
}

// commit appends the entries of a batch of requests in one transaction.
func (s *DB) commit(batch []*appendRequest) error {
	ctx := context.Background()
	var entries []*ledger.Entry
	for _, r := range batch {
		entries = append(entries, r.entries...)
	}
	return s.write(ctx, func(tx *sql.Tx) error { return appendEntries(ctx, tx, entries) })
}

// write runs fn in a transaction that excludes every other writer, in
// every process.
func (s *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect.LockWrites != "" {
		if _, err := tx.ExecContext(ctx, s.dialect.LockWrites); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// appendEntries appends entries to the ledger, closes the requests their
// decisions answer and indexes the delegations they record.
func appendEntries(ctx context.Context, tx *sql.Tx, entries []*ledger.Entry) error {
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM ledger_entries`).Scan(&size); err != nil {
		return err
	}
	sealed, err := ledger.Seal(size, tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		return readHashes(ctx, tx, indexes)
	}), entries)
	if err != nil {
		return err
	}
	rows := make([][]any, len(sealed.Records))
	for i, r := range sealed.Records {
		rows[i] = []any{size + int64(i) + 1, string(r)}
	}
	if err := insert(ctx, tx, "ledger_entries (seq, data)", rows); err != nil {
		return err
	}
	rows = make([][]any, len(sealed.Hashes))
	for i, h := range sealed.Hashes {
		rows[i] = []any{h.Index, h.Hash.String()}
	}
	if err := insert(ctx, tx, "ledger_hashes (idx, hash)", rows); err != nil {
		return err
	}
	for _, e := range entries {
		if e.Grant != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO delegation_entries (seq) VALUES ($1)`, e.Seq); err != nil {
				return err
			}
		}
		if e.Request == 0 || e.Kind != ledger.KindDecision {
			continue
		}
		res, err := tx.ExecContext(ctx, `UPDATE requests SET decided_in = $1 WHERE id = $2 AND decided_in IS NULL`, e.Seq, e.Request)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return antares.Errorf(antares.ECONFLICT, "request %d was decided meanwhile", e.Request)
		}
	}
	return nil
}

// insert inserts rows into table (written with its column list) with as
// few statements as the databases' parameter limits allow.
func insert(ctx context.Context, tx *sql.Tx, table string, rows [][]any) error {
	const perStatement = 500
	for len(rows) > 0 {
		chunk := rows[:min(perStatement, len(rows))]
		rows = rows[len(chunk):]
		var q strings.Builder
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		q.WriteString("INSERT INTO " + table + " VALUES ")
		for i, row := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					q.WriteByte(',')
				}
				args = append(args, v)
				fmt.Fprintf(&q, "$%d", len(args))
			}
			q.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readHashes(ctx context.Context, q queryer, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	var sb strings.Builder
	args := make([]any, len(indexes))
	sb.WriteString("SELECT idx, hash FROM ledger_hashes WHERE idx IN (")
	for i, x := range indexes {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "$%d", i+1)
		args[i] = x
	}
	sb.WriteByte(')')
	rows, err := q.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var text string
		if err := rows.Scan(&idx, &text); err != nil {
			return nil, err
		}
		h, err := tlog.ParseHash(text)
		if err != nil {
			return nil, fmt.Errorf("stored tree hash %d: %v", idx, err)
		}
		found[idx] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("tree hash %d is not stored", x)
		}
		out[i] = h
	}
	return out, nil
}

// ReadHashes implements Store.
func (s *DB) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, s.db, indexes)
}

// Size implements Store.
func (s *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM ledger_entries`).Scan(&n)
	return n, err
}

// Record implements Store.
func (s *DB) Record(ctx context.Context, seq int64) ([]byte, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM ledger_entries WHERE seq = $1`, seq).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, antares.Errorf(antares.ENOTFOUND, "the ledger has no entry %d", seq)
	}
	return []byte(data), err
}

// Records implements ledger.Source.
func (s *DB) Records(ctx context.Context, fn func(data []byte) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM ledger_entries ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var data sql.RawBytes // valid until the next row: fn must not keep it
	for rows.Next() {
		if err := rows.Scan(&data); err != nil {
			return err
		}
		if err := fn(data); err != nil {
			return err
		}
	}
	return rows.Err()
}

// StoredHashes implements ledger.HashSource.
func (s *DB) StoredHashes(ctx context.Context, fn func(index int64, h tlog.Hash) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT idx, hash FROM ledger_hashes ORDER BY idx`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var idx int64
	var text sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&idx, &text); err != nil {
			return err
		}
		// A hash that does not even decode was changed: it is reported as
		// a hash that does not match (the zero hash).
		h, _ := tlog.ParseHash(string(text))
		if err := fn(idx, h); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AddCheckpoint implements Store.
func (s *DB) AddCheckpoint(ctx context.Context, cp *ledger.Checkpoint) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO ledger_checkpoints (size, note) VALUES ($1, $2) ON CONFLICT (size) DO NOTHING`,
		cp.Tree.N, string(cp.Note))
	return err
}

// Checkpoints implements Store.
func (s *DB) Checkpoints(ctx context.Context) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT note FROM ledger_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var note []byte
		if err := rows.Scan(&note); err != nil {
			return nil, err
		}
		out = append(out, note)
	}
	return out, rows.Err()
}

// Delegations implements Store. It reads the grants from the ledger
// entries that record them.
func (s *DB) Delegations(ctx context.Context) ([]authority.Delegation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.seq, e.data FROM delegation_entries d
		JOIN ledger_entries e ON e.seq = d.seq ORDER BY e.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []authority.Delegation
	for rows.Next() {
		var seq int64
		var data []byte
		if err := rows.Scan(&seq, &data); err != nil {
			return nil, err
		}
		e, err := ledger.Decode(data)
		if err != nil || e.Grant == nil || e.Seq != seq {
			return nil, antares.Errorf(antares.ECONFLICT, "entry %d, listed as a delegation, does not record one: run antares ledger verify", seq)
		}
		d := *e.Grant
		d.ID = fmt.Sprintf("D%d", seq)
		out = append(out, d)
	}
	return out, rows.Err()
}
