package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/antares-governance/antares/authority"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/store"
	"github.com/antares-governance/antares/store/sqlite"
	"github.com/antares-governance/antares/store/storetest"
)

const dbEnv = "ANTARES_STORETEST_DB"

func TestMain(m *testing.M) {
	storetest.AppendChild(func() (store.Store, error) {
		return sqlite.Open(context.Background(), os.Getenv(dbEnv))
	})
	os.Exit(m.Run())
}

// newDB creates a database file of the test's own.
func newDB(t testing.TB) (path string, open func() store.Store) {
	path = filepath.Join(t.TempDir(), "antares.db")
	open = func() store.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	open().Close() // create and migrate before anyone else opens it
	return path, open
}

// Backend gives each test a database file of its own.
func Backend(t *testing.T) (func() store.Store, *sql.DB) {
	path, open := newDB(t)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return open, raw
}

func TestStore(t *testing.T) { storetest.Run(t, Backend) }

func TestRisks(t *testing.T) { storetest.RunRisks(t, Backend) }

// TestCrash kills a process with SIGKILL during a burst of appends: every
// acknowledged entry survives.
func TestCrash(t *testing.T) {
	path, open := newDB(t)
	storetest.Crash(t, open, []string{dbEnv + "=" + path})
}

// TestProcesses appends from two processes at once.
func TestProcesses(t *testing.T) {
	path, open := newDB(t)
	storetest.Processes(t, open, []string{dbEnv + "=" + path})
}

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"antares.db":                  "antares.db",
		"/var/lib/antares/antares.db": "/var/lib/antares/antares.db",
		"sqlite:antares.db":           "antares.db",
		"sqlite:///var/lib/a.db":      "/var/lib/a.db",
	} {
		if got := sqlite.Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenFailsClearly(t *testing.T) {
	_, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "a.db"))
	if err == nil {
		t.Fatal("opened a database in a directory that does not exist")
	}
	if _, err := sqlite.Open(context.Background(), ""); err == nil {
		t.Fatal("opened a database without a path")
	}
}

func BenchmarkAppend(b *testing.B) {
	m, err := governance.Load("../../examples/northwind")
	if err != nil {
		b.Fatal(err)
	}
	_, open := newDB(b)
	storetest.BenchmarkAppend(b, open, authority.Compile(m))
}

func BenchmarkVerify(b *testing.B) {
	_, open := newDB(b)
	storetest.BenchmarkVerify(b, open)
}

// TestConcurrentFirstOpen opens a new database from several goroutines at
// once, as processes starting together do: each brings it up to date or
// finds it so.
func TestConcurrentFirstOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antares.db")
	errs := make(chan error, 6)
	for range 6 {
		go func() {
			s, err := sqlite.Open(context.Background(), path)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
