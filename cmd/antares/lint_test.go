package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/antares-governance/antares/assess"
)

func TestLintGolden(t *testing.T) {
	for _, c := range []struct {
		model string
		code  int
	}{
		{"testdata/acme.yaml", 1},
		{"testdata/broken.yaml", 2},
		{"testdata/healthy.yaml", 0},
		{"../../examples/northwind", 1},
		{"../../examples/findings-tour", 1},
	} {
		for _, format := range []string{"text", "json", "sarif"} {
			name := strings.TrimSuffix(filepath.Base(c.model), ".yaml") + "." + format
			if format == "sarif" && strings.HasPrefix(c.model, "../") {
				continue // the examples' SARIF adds nothing their JSON does not pin
			}
			t.Run(name, func(t *testing.T) {
				out, errs, code := runCLI(t, "lint", c.model, "--format", format)
				if code != c.code {
					t.Errorf("exit status %d, want %d (stderr %q)", code, c.code, errs)
				}
				golden(t, name, out)
			})
		}
	}
}

func TestLintJSONShape(t *testing.T) {
	out, _, _ := runCLI(t, "lint", "testdata/acme.yaml", "--format", "json")
	var rep assess.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not the report JSON: %v", err)
	}
	if rep.Model.Path != "testdata/acme.yaml" || !strings.HasPrefix(rep.Model.Digest, "sha256:") {
		t.Errorf("model %+v", rep.Model)
	}
	if len(rep.Findings) == 0 || rep.Errors == nil {
		t.Fatalf("want findings and an empty errors list, got %d findings, errors %v", len(rep.Findings), rep.Errors)
	}
	var raw struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"code", "pattern", "severity", "subject", "message", "exposure", "refs", "location", "evidence"} {
		if _, ok := raw.Findings[0][key]; !ok {
			t.Errorf("finding lacks %q: %v", key, raw.Findings[0])
		}
	}
	for i := 1; i < len(rep.Findings); i++ {
		if rep.Findings[i-1].Exposure < rep.Findings[i].Exposure {
			t.Errorf("findings not ranked by exposure at %d", i)
		}
	}
}

// TestLintSARIFIsValid validates the SARIF output against the OASIS SARIF
// 2.1.0 schema (testdata/sarif-schema-2.1.0.json, the errata01 schema
// published by OASIS at docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/).
func TestLintSARIFIsValid(t *testing.T) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"testdata/acme.yaml", "testdata/broken.yaml"} {
		out, _, _ := runCLI(t, "lint", model, "--format", "sarif")
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: not JSON: %v", model, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Fatalf("%s: SARIF does not validate against the 2.1.0 schema: %v", model, err)
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct{ Rules []struct{ ID string } }
				}
				Results []struct {
					RuleID    string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine int }
						}
					}
				}
				Invocations []struct {
					ExecutionSuccessful        bool
					ToolExecutionNotifications []any
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &log); err != nil {
			t.Fatal(err)
		}
		run := log.Runs[0]
		if len(run.Tool.Driver.Rules) != len(assess.Catalogue) {
			t.Errorf("%d rules, want one per catalogue code (%d)", len(run.Tool.Driver.Rules), len(assess.Catalogue))
		}
		for _, r := range run.Results {
			loc := r.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI != model || loc.Region.StartLine < 1 {
				t.Errorf("result %s at %s:%d, want in %s", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine, model)
			}
		}
		if model == "testdata/broken.yaml" && (len(run.Results) != 0 || len(run.Invocations[0].ToolExecutionNotifications) != 3 || run.Invocations[0].ExecutionSuccessful) {
			t.Errorf("a broken model must give no results and its 3 errors as failed-execution notifications")
		}
	}
}

func TestLintExitStatus(t *testing.T) {
	cases := []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{"lint", "testdata/healthy.yaml"}, 0, ""},
		{[]string{"lint", "testdata/healthy.yaml", "--fail-on", "warning"}, 1, ""},
		{[]string{"lint", "testdata/acme.yaml", "--fail-on", "error"}, 1, ""},
		{[]string{"lint", "testdata/broken.yaml", "--fail-on", "info"}, 2, ""},
		{[]string{"lint", "testdata/healthy.yaml", "--format", "xml"}, 2, `--format "xml": use text, json or sarif`},
		{[]string{"lint", "testdata/healthy.yaml", "--fail-on", "never"}, 2, `--fail-on "never": use error, warning or info`},
		{[]string{"lint"}, 2, "no model given: pass --model PATH"},
		{[]string{"lint", "testdata/nothing-here.yaml"}, 2, ""},
		{[]string{"lint", "a", "b"}, 2, "accepts at most 1 arg"},
		{[]string{"lnt"}, 2, `unknown command "lnt"`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Setenv("ANTARES_MODEL", "")
			out, errs, code := runCLI(t, c.args...)
			if code != c.code {
				t.Errorf("exit status %d, want %d\nstdout %s\nstderr %s", code, c.code, out, errs)
			}
			if !strings.Contains(errs, c.message) {
				t.Errorf("stderr %q, want it to say %q", errs, c.message)
			}
		})
	}
}

func TestLintModelFromEnvironment(t *testing.T) {
	t.Setenv("ANTARES_MODEL", "testdata/healthy.yaml")
	out, errs, code := runCLI(t, "lint", "--format", "json")
	if code != 0 || !strings.Contains(out, `"path": "testdata/healthy.yaml"`) {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errs)
	}
}

func TestSchemaCommand(t *testing.T) {
	out, _, code := runCLI(t, "schema")
	var doc map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc["title"] != "Antares governance model (antares/v1)" {
		t.Fatalf("exit %d, output is not the model schema: %.200s", code, out)
	}
}

// TestHelpGroupsEveryCommand keeps `antares --help` organized: every
// command of Antares sits under one of the groups, none under cobra's
// "Additional Commands" beside help and completion.
func TestHelpGroupsEveryCommand(t *testing.T) {
	out, _, code := runCLI(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, g := range groups {
		if !strings.Contains(out, g.Title) {
			t.Errorf("help lacks the group %q", g.Title)
		}
	}
	_, extra, _ := strings.Cut(out, "Additional Commands:")
	extra, _, _ = strings.Cut(extra, "Flags:")
	for _, line := range strings.Split(strings.TrimSpace(extra), "\n") {
		if name := strings.Fields(line); len(name) > 0 && name[0] != "help" && name[0] != "completion" {
			t.Errorf("command %q is in no group", name[0])
		}
	}
}
