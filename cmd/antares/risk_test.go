package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/report"
	"github.com/antares-governance/antares/risk"
)

func TestRiskQuantifyGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"risk-quantify-lognormal.txt", []string{"--freq", "0.1", "--loss-p5", "100000", "--loss-p95", "1000000"}},
		{"risk-quantify-lognormal.json", []string{"--freq", "0.1", "--loss-p5", "100000", "--loss-p95", "1000000", "--format", "json"}},
		{"risk-quantify-pert.txt", []string{"--freq-min", "0.05", "--freq-likely", "0.2", "--freq-max", "0.5",
			"--loss-min", "200000", "--loss-likely", "900000", "--loss-max", "4000000", "--years", "20000", "--seed", "42"}},
		{"risk-quantify-qualitative.txt", []string{"--likelihood", "3", "--impact", "4"}},
		{"risk-quantify-qualitative-model.json", []string{"--likelihood", "3", "--impact", "4", "--years", "1000", "-f", "json", "--model", "../../risk/testdata/scales.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, append([]string{"risk", "quantify"}, tt.args...)...)
			if code != antares.ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			golden(t, tt.name, stdout)
		})
	}
}

// TestRiskQuantifyJSON checks the JSON against the package's own figures,
// so that the golden file cannot drift from what the engine computes.
func TestRiskQuantifyJSON(t *testing.T) {
	stdout, _, code := runCLI(t, "risk", "quantify", "--freq", "2", "--loss-min", "10", "--loss-likely", "20", "--loss-max", "90", "--years", "500", "--seed", "7", "-f", "json")
	if code != antares.ExitOK {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Figures map[string]float64 `json:"figures"`
		Seed    uint64             `json:"seed"`
		Result  risk.Result        `json:"result"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	e := governance.Estimate{Frequency: &governance.Frequency{Rate: 2}, Magnitude: &governance.Magnitude{PERT: &governance.PERT{Min: 10, Likely: 20, Max: 90}}}
	want := risk.Simulate(e, governance.DefaultScales, risk.Config{Years: 500, Seed: 7})
	if got.Seed != 7 || got.Result.Mean != want.Mean || got.Result.P99 != want.P99 || len(got.Result.Curve) != len(want.Curve) {
		t.Errorf("got seed %d, %+v\nwant %+v", got.Seed, got.Result, want)
	}
	if len(got.Figures) != 4 || got.Figures["loss_max"] != 90 {
		t.Errorf("figures %v", got.Figures)
	}

	stdout, _, _ = runCLI(t, "risk", "quantify", "--freq", "2", "--loss-p5", "10", "--loss-p95", "20", "--years", "10", "--seed", "0", "-f", "json")
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Seed != risk.DefaultSeed {
		t.Errorf("--seed 0 ran with seed %d (%v), want the default %d", got.Seed, err, risk.DefaultSeed)
	}
}

func TestRiskQuantifyErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no estimate", nil,
			"antares: no estimate: give frequency and magnitude (or --likelihood and --impact scores 1..5)\n"},
		{"incomplete range", []string{"--freq-min", "1", "--loss-p5", "1", "--loss-p95", "2"},
			"antares: --freq-likely, --freq-max: a frequency range needs --freq-min, --freq-likely, --freq-max; only --freq-min given\n"},
		{"both losses", []string{"--freq", "1", "--loss-min", "1", "--loss-likely", "2", "--loss-max", "3", "--loss-p5", "1", "--loss-p95", "2"},
			"antares: --loss-p5: give --loss-min, --loss-likely, --loss-max (PERT) or --loss-p5, --loss-p95 (a 90% interval), not both\n"},
		{"negative and NaN", []string{"--freq", "-1", "--loss-p5", "NaN", "--loss-p95", "2"},
			"antares: --freq: must be 0 or more, got -1\n--loss-p5: must be 0 or more, got NaN\n"},
		{"interval reversed", []string{"--freq", "1", "--loss-p5", "10", "--loss-p95", "2"},
			"antares: --freq, --loss-p5, --loss-p95: magnitude needs 0 < p5 < p95 (a 90% interval of the loss), got p5 10, p95 2\n"},
		{"score", []string{"--likelihood", "7", "--impact", "2"},
			"antares: --likelihood: 7 is not a score: give a whole number from 1 to 5\n"},
		{"years", []string{"--freq", "1", "--loss-p5", "1", "--loss-p95", "2", "--years", "0"},
			"antares: --years 0: simulate from 1 to 10000000 years\n"},
		{"format", []string{"--freq", "1", "--loss-p5", "1", "--loss-p95", "2", "--format", "csv"},
			"antares: --format \"csv\": use text or json\n"},
		{"not a number", []string{"--freq", "often"},
			"antares: invalid argument \"often\" for \"--freq\" flag: strconv.ParseFloat: parsing \"often\": invalid syntax\n"},
		{"model for scales", []string{"--likelihood", "1", "--impact", "1", "--model", "testdata/missing.yaml"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, append([]string{"risk", "quantify"}, tt.args...)...)
			if code != antares.ExitInvalid || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit %d and no output", code, stdout, antares.ExitInvalid)
			}
			if tt.want == "" {
				if !strings.Contains(stderr, "testdata/missing.yaml") {
					t.Errorf("stderr %q does not name the model", stderr)
				}
				return
			}
			if stderr != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tt.want)
			}
		})
	}
}

// TestRiskDocs runs every `antares risk` command that docs/risk.md shows in a
// console block, in order, and compares what it prints (standard output,
// then standard error) with what the page shows. They run in a directory of
// their own, where examples/ is the repository's, with the clock stopped as
// in the ledger tests; a block "$ export NAME=VALUE ..." sets the
// environment of the blocks after it.
func TestRiskDocs(t *testing.T) {
	data, err := os.ReadFile("../../docs/risk.md")
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	dir := newLedgerEnv(t).dir
	if err := os.Symlink(examples, filepath.Join(dir, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var ran int
	for i, block := range strings.Split(string(data), "```console\n")[1:] {
		block, _, _ = strings.Cut(block, "```\n")
		cmdline, want, _ := strings.Cut(block, "\n")
		if vars, ok := strings.CutPrefix(cmdline, "$ export "); ok {
			for _, v := range strings.Fields(vars) {
				name, value, _ := strings.Cut(v, "=")
				t.Setenv(name, value)
			}
			continue
		}
		args, ok := strings.CutPrefix(cmdline, "$ antares ")
		if !ok || !strings.HasPrefix(args, "risk ") {
			continue
		}
		ran++
		stdout, stderr, _ := runCLI(t, shellWords(t, args)...)
		if got := stdout + stderr; got != want {
			t.Errorf("console block %d, %s:\n--- printed\n%s--- docs/risk.md shows\n%s", i+1, cmdline, got, want)
		}
	}
	if ran != 10 {
		t.Errorf("ran %d commands of docs/risk.md, want 10", ran)
	}

	// The page quotes the reference case at the default number of years.
	e := governance.Estimate{Frequency: &governance.Frequency{Rate: 0.1}, Magnitude: &governance.Magnitude{Lognormal: &governance.Interval90{P5: 100000, P95: 1000000}}}
	r := risk.Simulate(e, governance.DefaultScales, risk.Config{})
	quote := fmt.Sprintf("shows an exposure of %s with a standard error of %s", report.Compact(r.Mean), report.Compact(r.StdErr))
	if !strings.Contains(strings.Join(strings.Fields(string(data)), " "), quote) {
		t.Errorf("docs/risk.md does not say the reference case %s", quote)
	}
}

// shellWords splits a command line as a shell would split one without
// variables or escapes: at spaces, except inside double quotes.
func shellWords(t *testing.T, line string) []string {
	var (
		words  []string
		word   strings.Builder
		quoted bool
		inWord bool
	)
	for _, c := range line {
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %s", line)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}
