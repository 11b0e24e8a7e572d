package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/store"
	"github.com/antares-governance/antares/store/postgres"
	"github.com/antares-governance/antares/store/postgres/pgtest"
	"github.com/antares-governance/antares/store/storetest"
)

const dsnEnv = "ANTARES_STORETEST_DSN"

func TestMain(m *testing.M) {
	storetest.AppendChild(func() (store.Store, error) {
		return postgres.Open(context.Background(), os.Getenv(dsnEnv))
	})
	os.Exit(m.Run())
}

// newSchema gives the test a schema of its own (see pgtest.Schema), with
// Antares' tables migrated into it, and a function opening a store over it.
func newSchema(t testing.TB) (dsn string, open func() store.Store, raw *sql.DB) {
	dsn, raw = pgtest.Schema(t)
	open = func() store.Store {
		s, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	open().Close()
	return dsn, open, raw
}

// Backend gives each test a schema of its own.
func Backend(t *testing.T) (func() store.Store, *sql.DB) {
	_, open, raw := newSchema(t)
	return open, raw
}

func TestStore(t *testing.T) { storetest.Run(t, Backend) }

func TestRisks(t *testing.T) { storetest.RunRisks(t, Backend) }

// TestCrash kills a process with SIGKILL during a burst of appends: every
// acknowledged entry survives.
func TestCrash(t *testing.T) {
	dsn, open, _ := newSchema(t)
	storetest.Crash(t, open, []string{dsnEnv + "=" + dsn})
}

// TestProcesses appends from two processes at once to one database: one
// chain without gaps.
func TestProcesses(t *testing.T) {
	dsn, open, _ := newSchema(t)
	storetest.Processes(t, open, []string{dsnEnv + "=" + dsn})
}

func TestOpenFailsClearly(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"); err == nil {
		t.Fatal("connected to a server that is not there")
	}
}

func BenchmarkAppend(b *testing.B) {
	m, err := governance.Load("../../examples/northwind")
	if err != nil {
		b.Fatal(err)
	}
	_, open, _ := newSchema(b)
	storetest.BenchmarkAppend(b, open, authority.Compile(m))
}

func BenchmarkVerify(b *testing.B) {
	_, open, _ := newSchema(b)
	storetest.BenchmarkVerify(b, open)
}
