// Package sqlite opens Antares' store in an SQLite database file
// (modernc.org/sqlite, no cgo): the embedded default, for one machine.
//
// The database runs in WAL mode with synchronous=FULL, so an append is on
// disk before it is acknowledged, and every writing transaction begins
// IMMEDIATE, so appenders in several processes take turns instead of
// failing.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	driver "modernc.org/sqlite" // also registers the database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/store"
)

// Open opens (creating it if needed) the SQLite database at path, a file
// path or a "sqlite:" URL ("sqlite:antares.db", "sqlite:///var/lib/antares.db"),
// and brings its schema up to date.
func Open(ctx context.Context, path string) (*store.DB, error) {
	path = Path(path)
	if path == "" {
		return nil, antares.Errorf(antares.EINVALID, "no SQLite database file given")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// Reads map the file instead of copying each page through a 2 MB
	// cache: verifying a ledger reads every page, and takes a sixth less time.
	q.Add("_pragma", "mmap_size(268435456)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "opening SQLite database %s: %v", path, err)
	}
	// Switching a new database to WAL takes a lock that the busy timeout
	// does not wait for: another process opening it at the same moment
	// can hold it briefly.
	err = db.PingContext(ctx)
	for wait := 20 * time.Millisecond; busy(err) && wait < 2*time.Second; wait *= 2 {
		time.Sleep(wait)
		err = db.PingContext(ctx)
	}
	if err != nil {
		db.Close()
		return nil, antares.Errorf(antares.EINVALID, "opening SQLite database %s: %v", path, err)
	}
	return store.Open(ctx, db, store.Dialect{Goose: goose.DialectSQLite3})
}

// busy reports whether err is SQLite's SQLITE_BUSY (or one of its
// extended codes).
func busy(err error) bool {
	var e *driver.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Path returns the file path a --db value names: the value itself, or
// what follows "sqlite:" (and an optional "//").
func Path(db string) string {
	if rest, ok := strings.CutPrefix(db, "sqlite:"); ok {
		db = strings.TrimPrefix(rest, "//")
	}
	return db
}
