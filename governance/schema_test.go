package governance_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/antares-governance/antares/governance"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(governance.Schema))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("antares.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("antares.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, text string) error {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		t.Fatalf("YAMLToJSON: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatalf("UnmarshalJSON: %v", err)
	}
	return s.Validate(v)
}

// TestSchemaAgreesWithLoader holds the editor schema and the loader together:
// what the loader accepts the schema accepts, and single-file mistakes the
// loader rejects the schema rejects too.
func TestSchemaAgreesWithLoader(t *testing.T) {
	s := compileSchema(t)
	valid := []string{base}
	files, _ := filepath.Glob("../examples/*/*.yaml")
	for _, name := range files {
		valid = append(valid, string(mustRead(t, name)))
	}
	for i, text := range valid {
		if err := validate(t, s, text); err != nil {
			t.Errorf("valid model %d rejected by the schema: %v", i, err)
		}
	}
	for _, c := range [][2]string{
		{"people:\n", "peple:\n"},
		{"roles: [ceo]}", "rols: [ceo]}"},
		{"every: 90d", "every: 90x"},
		{`target: ">= 99%"`, `target: "99%"`},
		{"up_to: 50000", `up_to: "50,000"`},
		{"up_to: 50000", "up_to: -1"},
		{"{id: ann,", "{id: Ann Lee,"},
		{"roles: [ceo]}", "roles: [ceo], status: gone}"},
		{"{accountable: risk-committee}", "{informed: [risk-committee]}"},
		{"apiVersion: antares/v1", "apiVersion: antares/v2"},
		{"frequency: 0.1,", "likelihood: 2, frequency: 0.1,"},
		{"measure: exposure", "measure: money"},
	} {
		text := edit(t, c[0], c[1])
		if _, errs := parse(t, text); errs == nil {
			t.Fatalf("loader accepts %q", c[1])
		}
		if err := validate(t, s, text); err == nil {
			t.Errorf("schema accepts %q, which the loader rejects", c[1])
		}
	}
}

func TestSchemaDescribesEveryTopLevelKey(t *testing.T) {
	var doc struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(governance.Schema, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range strings.Fields("apiVersion organization people roles domains decisions responsibilities appetite scales routing risks") {
		if _, ok := doc.Properties[key]; !ok {
			t.Errorf("schema lacks top-level key %s", key)
		}
	}
}
