// Package pgtest gives a test a PostgreSQL schema of its own, in the
// database that ANTARES_TEST_POSTGRES names, and skips the test with a clear
// message when the variable is not set, so that `go test ./...` passes on a
// machine without PostgreSQL while CI, which sets it, always runs the tests.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
)

// Env is the variable that names the test database.
const Env = "ANTARES_TEST_POSTGRES"

// Schema creates a schema of the test's own, dropped when the test ends. It
// returns a URL whose search_path selects the schema, and a connection
// working in it (one session, so that its search_path holds).
func Schema(t testing.TB) (dsn string, raw *sql.DB) {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		t.Skip(Env + " is not set: set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	ctx := context.Background()
	raw, err = sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	schema := fmt.Sprintf("antares_test_%d", rand.Uint64())
	if _, err := raw.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		raw.Close()
	})
	if _, err := raw.ExecContext(ctx, "SET search_path TO "+schema); err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), raw
}
