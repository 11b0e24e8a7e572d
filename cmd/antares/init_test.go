package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// runInit runs the command line and returns its exit status and output.
func runInit(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestInitWritesAStarterModelThatLoadsAndLintsClean(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "governance") // does not exist yet
	code, stdout, stderr := runInit(t, "init", dir)
	if code != antares.ExitOK {
		t.Fatalf("init exited %d: %s", code, stderr)
	}
	path := filepath.Join(dir, "antares.yaml")
	if !strings.Contains(stdout, path) {
		t.Errorf("init output %q does not name %s", stdout, path)
	}
	m, err := governance.Load(path)
	if err != nil {
		t.Fatalf("the starter model does not load:\n%v", err)
	}
	if len(m.Roles) == 0 || len(m.Domains) == 0 || len(m.Decisions) == 0 || len(m.Appetite) == 0 || m.Routing == nil {
		t.Errorf("the starter model lacks a part of the format: %d roles, %d domains, %d decisions, %d appetite entries, routing %v",
			len(m.Roles), len(m.Domains), len(m.Decisions), len(m.Appetite), m.Routing)
	}
	code, stdout, stderr = runInit(t, "lint", "--fail-on", "info", path)
	if code != antares.ExitOK {
		t.Errorf("antares lint of the starter model exited %d, want a clean model:\n%s%s", code, stdout, stderr)
	}
}

func TestInitDefaultsToTheCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, stderr := runInit(t, "init"); code != antares.ExitOK {
		t.Fatalf("init exited %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "antares.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, starterModel) {
		t.Error("init wrote something other than the starter model")
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "antares.yaml")
	mine := []byte("# my own model\n")
	if err := os.WriteFile(path, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runInit(t, "init", dir)
	if code != antares.ExitNegative {
		t.Errorf("init over an existing model exited %d, want %d (a conflict)", code, antares.ExitNegative)
	}
	if want := "antares: " + path + " already exists"; !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr = %q, want it to start with %q", stderr, want)
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, mine) {
		t.Errorf("init changed the existing file: %q", data)
	}
}

func TestInitReportsAnUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runInit(t, "init", file)
	if code != antares.ExitInvalid || !strings.Contains(stderr, "creating "+file) {
		t.Errorf("init into a file exited %d with %q, want %d and a message naming it", code, stderr, antares.ExitInvalid)
	}
}
