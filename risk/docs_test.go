package risk

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// fence is a fenced code block of a Markdown file.
type fence struct {
	info string // the info string: "csv", "csv broken", "text"
	line int
	text string
}

func fences(t *testing.T, path string) []fence {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out []fence
		cur *fence
	)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &fence{info: strings.TrimPrefix(line, "```"), line: n}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return out
}

// TestDocsRegister checks docs/risk.md against what the reader does: its
// example register is examples/risks/register.csv, which reads against the
// Northwind model, and each broken register prints the errors shown after it.
func TestDocsRegister(t *testing.T) {
	m := loadModel(t, "../examples/northwind")
	example, err := os.ReadFile("../examples/risks/register.csv")
	if err != nil {
		t.Fatal(err)
	}
	risks, err := ReadCSV("register.csv", strings.NewReader(string(example)), m)
	if err != nil || len(risks) != 6 {
		t.Fatalf("examples/risks/register.csv: %d risks, error %v", len(risks), err)
	}
	var shown, broken int
	fs := fences(t, "../docs/risk.md")
	for i, f := range fs {
		switch f.info {
		case "csv":
			shown++
			if f.text != string(example) {
				t.Errorf("docs/risk.md:%d: the example register is not examples/risks/register.csv", f.line)
			}
		case "csv broken":
			broken++
			if i+1 == len(fs) || fs[i+1].info != "text" {
				t.Fatalf("docs/risk.md:%d: a broken register is not followed by its errors in a text block", f.line)
			}
			_, err := ReadCSV("register.csv", strings.NewReader(f.text), m)
			if err == nil || err.Error()+"\n" != fs[i+1].text {
				t.Errorf("docs/risk.md:%d: the register reads with errors\n%v\nnot those shown:\n%s", f.line, err, fs[i+1].text)
			}
		}
	}
	if shown != 1 || broken != 2 {
		t.Errorf("docs/risk.md shows %d example registers and %d broken ones, want 1 and 2", shown, broken)
	}
}
