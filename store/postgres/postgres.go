// Package postgres opens Antares' store in a PostgreSQL database (pgx),
// for organizations that run several Antares replicas on one database.
//
// Appends from every replica are serialized by a transaction-scoped
// advisory lock, so they form one chain without gaps; migrations take a
// session-scoped advisory lock, so replicas starting together migrate once.
package postgres

import (
	"context"
	"database/sql"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/store"
)

// Open connects to the PostgreSQL database at url ("postgres://...") and
// brings its schema up to date. A search_path parameter in the URL selects
// the schema Antares keeps its tables in.
func Open(ctx context.Context, url string) (*store.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "PostgreSQL URL: %v", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, antares.Errorf(antares.EINVALID, "connecting to PostgreSQL: %v", err)
	}
	return store.Open(ctx, db, store.Dialect{
		Goose: goose.DialectPostgres,
		// The advisory lock key is "antares" in ASCII.
		LockWrites: "SELECT pg_advisory_xact_lock(x'616e7461726573'::bigint)",
		MigrationLocker: func() (lock.SessionLocker, error) {
			return lock.NewPostgresSessionLocker()
		},
	})
}
