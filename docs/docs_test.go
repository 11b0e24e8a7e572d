// Package docs_test checks that the documentation and the example models
// say what Antares does: every complete model in docs/model.md loads, its
// error example prints the errors shown, and the example models load and
// show the findings their comments announce.
package docs_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/antares-governance/antares/assess"
	"github.com/antares-governance/antares/governance"
)

// block is a fenced code block of a Markdown file.
type block struct {
	info string // the info string: "yaml", "yaml broken", "text"
	line int    // the line of the opening fence
	text string
}

func blocks(t *testing.T, path string) []block {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out  []block
		cur  *block
		body strings.Builder
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{info: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: n}
			body.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.text = body.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: the code block is not closed", path, cur.line)
	}
	return out
}

// complete reports whether a YAML block is a whole model rather than a
// fragment: its first line that is not a comment gives the apiVersion. (The
// outline of the top level, which starts so too, is marked "yaml outline".)
func complete(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			return strings.HasPrefix(line, "apiVersion:")
		}
	}
	return false
}

func parse(name, text string) (*governance.Model, error) {
	return governance.Parse(name, governance.Source{Name: name, Data: []byte(text)})
}

func TestModelDocCompleteExamplesLoad(t *testing.T) {
	n := 0
	for _, b := range blocks(t, "model.md") {
		if b.info != "yaml" || !complete(b.text) {
			continue
		}
		n++
		if _, err := parse("antares.yaml", b.text); err != nil {
			t.Errorf("model.md:%d: the example model does not load:\n%v", b.line, err)
		}
	}
	if n < 2 {
		t.Errorf("model.md has %d complete example models, want the first model and the ladder example at least", n)
	}
}

// TestModelDocErrorExample checks that each broken example (a block marked
// "yaml broken") fails with exactly the errors of the text block after it.
func TestModelDocErrorExample(t *testing.T) {
	bs := blocks(t, "model.md")
	n := 0
	for i, b := range bs {
		if b.info != "yaml broken" {
			continue
		}
		n++
		if i+1 == len(bs) || bs[i+1].info != "text" {
			t.Errorf("model.md:%d: a broken example must be followed by a text block of its errors", b.line)
			continue
		}
		_, err := parse("antares.yaml", b.text)
		if err == nil {
			t.Errorf("model.md:%d: the broken example loads without error", b.line)
			continue
		}
		if got, want := err.Error(), strings.TrimSpace(bs[i+1].text); got != want {
			t.Errorf("model.md:%d: the loader reports\n%s\nbut model.md:%d shows\n%s", b.line, got, bs[i+1].line, want)
		}
	}
	if n == 0 {
		t.Error("model.md has no broken example")
	}
}

// schemaKeys returns every property name of the loader's JSON Schema: every
// key a model file may have.
func schemaKeys(t *testing.T) []string {
	t.Helper()
	var schema any
	if err := json.Unmarshal(governance.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for k := range props {
					keys[k] = true
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(schema)
	if len(keys) < 40 {
		t.Fatalf("the schema has %d property names; the walk no longer finds them", len(keys))
	}
	out := slices.Collect(maps.Keys(keys))
	slices.Sort(out)
	return out
}

func TestModelDocNamesEveryKey(t *testing.T) {
	doc, err := os.ReadFile("model.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range schemaKeys(t) {
		if !strings.Contains(string(doc), "`"+k+"`") && !strings.Contains(string(doc), k+":") {
			t.Errorf("model.md never mentions the key %q", k)
		}
	}
}

// TestNorthwindUsesEveryKey checks that the mid-size example shows every key
// of the format in use.
func TestNorthwindUsesEveryKey(t *testing.T) {
	files, err := filepath.Glob("../examples/northwind/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example files: %v", err)
	}
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if code, _, _ := strings.Cut(line, "#"); strings.TrimSpace(code) != "" {
				all.WriteString(code + "\n")
			}
		}
	}
	used := regexp.MustCompile(`(?:^|[\s{,])"?([A-Za-z_][A-Za-z0-9_]*)"?:`).FindAllStringSubmatch(all.String(), -1)
	seen := map[string]bool{}
	for _, m := range used {
		seen[m[1]] = true
	}
	for _, k := range schemaKeys(t) {
		if !seen[k] {
			t.Errorf("examples/northwind never uses the key %q", k)
		}
	}
	for _, v := range []string{"status: departed", "kind: body", "kind: individual", `"@owner"`,
		"measure: exposure", "measure: amount", "measure: severity", "measure: none"} {
		if !strings.Contains(all.String(), v) {
			t.Errorf("examples/northwind never writes %s", v)
		}
	}
}

func lint(t *testing.T, path string) []assess.Finding {
	t.Helper()
	m, err := governance.Load(path)
	if err != nil {
		t.Fatalf("%s does not load:\n%v", path, err)
	}
	return assess.Static(m, nil)
}

func TestNorthwindShowsItsFewGaps(t *testing.T) {
	var got []string
	for _, f := range lint(t, "../examples/northwind") {
		got = append(got, fmt.Sprintf("%s %s/%s", f.Code, f.Subject.ID, f.Subject.Domain))
	}
	slices.Sort(got)
	want := []string{
		"authority.vacant policy-exception/application-security", // the appsec lead departed
		"conflation.outcomes-without-authority soc-analyst/security-operations",
		"ownership.missing application-security/",
		"ownership.no-review data-protection/", // the DPO reviews herself
		"strategy.missing Northwind Health/",   // no tolerance for patient-safety
	}
	if !slices.Equal(got, want) {
		t.Errorf("examples/northwind findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var findingComment = regexp.MustCompile(`#.*\bFINDING ([a-z]+\.[a-z-]+)`)

// TestFindingsTourShowsWhatItsCommentsSay checks the tour comment by
// comment: each finding is located under a "FINDING code" comment naming
// its code, with no other FINDING comment between them, and every such
// comment has its finding. Lines without one (the near misses) have none.
func TestFindingsTourShowsWhatItsCommentsSay(t *testing.T) {
	path := "../examples/findings-tour/model.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	announced := map[int]string{} // line -> code
	for i, line := range strings.Split(string(data), "\n") {
		if m := findingComment.FindStringSubmatch(line); m != nil {
			if _, ok := assess.RuleFor(m[1]); !ok {
				t.Errorf("%s:%d: FINDING %s is not a code of the catalogue", path, i+1, m[1])
			}
			announced[i+1] = m[1]
		}
	}
	shown := map[int]bool{}
	codes := map[string]bool{}
	for _, f := range lint(t, path) {
		codes[f.Code] = true
		if f.Location == nil || filepath.Base(f.Location.File) != "model.yaml" {
			t.Errorf("%s (%s) has no location in the tour", f.Code, f.Message)
			continue
		}
		at := 0
		for line := range announced {
			if line < f.Location.Line && line > at {
				at = line
			}
		}
		if announced[at] != f.Code {
			t.Errorf("%s:%d: %s (%s), but the comment above announces %q", path, f.Location.Line, f.Code, f.Message, announced[at])
			continue
		}
		shown[at] = true
	}
	for line, code := range announced {
		if !shown[line] {
			t.Errorf("%s:%d: FINDING %s is announced but not shown", path, line, code)
		}
	}
	for _, code := range []string{"authority.missing", "authority.split", "authority.ceiling", "authority.vacant",
		"ownership.missing", "ownership.no-outcomes", "ownership.no-review", "strategy.missing",
		"conflation.outcomes-without-authority"} {
		if !codes[code] {
			t.Errorf("the tour shows no %s", code)
		}
	}
}
