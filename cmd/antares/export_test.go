package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestExport checks that the command writes the same files as the
// authority package's golden exports of the same model and delegations.
func TestExport(t *testing.T) {
	for format, files := range map[string][]string{
		"cedar": {"policies.cedar", "entities.json"},
		"rego":  {"authority.rego", "data.json"},
	} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			out, errs, code := runCLI(t, "export", format, "--model", authorityModel, "--delegations", authorityDelegations, "-o", dir)
			want := "wrote " + filepath.Join(dir, files[0]) + "\nwrote " + filepath.Join(dir, files[1]) + "\n"
			if code != 0 || errs != "" || out != want {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			for _, f := range files {
				got, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				golden, err := os.ReadFile(filepath.Join("../../authority/testdata", format, f))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, golden) {
					t.Errorf("%s differs from authority/testdata/%s/%s", f, format, f)
				}
			}
		})
	}
	_, errs, code := runCLI(t, "export", "xacml", "--model", authorityModel)
	if code != 2 || errs != "antares: cannot export as \"xacml\": use cedar or rego\n" {
		t.Errorf("export xacml: exit %d, stderr %q", code, errs)
	}
}
