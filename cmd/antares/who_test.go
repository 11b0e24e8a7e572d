package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

const authorityModel = "../../authority/testdata/model.yaml"

func TestWho(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"who-ladder.text", []string{"risk-acceptance", "--domain", "identity"}, 0, ""},
		{"who-measure.text", []string{"risk-acceptance", "--domain", "vendor", "--measure", "120000"}, 0, ""},
		{"who-measure.json", []string{"risk-acceptance", "--domain", "identity", "--measure", "120000", "--format", "json"}, 0, ""},
		{"who-owner.text", []string{"access-exception", "--domain", "identity", "--measure", "2"}, 0, ""},
		{"who-no-owner.text", []string{"alert-disposition", "--domain", "network"}, 1,
			"antares: tier 1 is for the owner of network, and it has none\n"},
		{"", []string{"policy-exception", "--domain", "network"}, 1, "antares: policy-exception has no ladder for domain network\n"},
		{"", []string{"access-exception", "--domain", "identity", "--measure", "6"}, 1,
			"antares: access-exception has no authority above 5 in domain identity: its ladder there has no uncapped tier\n"},
		{"", []string{"risk-aceptance", "--domain", "identity"}, 2, "antares: unknown decision \"risk-aceptance\" (did you mean \"risk-acceptance\"?)\n"},
		{"", []string{"risk-acceptance", "--domain", "identity", "--format", "yaml"}, 2, "antares: --format \"yaml\": use text or json\n"},
		{"", []string{"risk-acceptance", "--domain", "identity", "--measure", "NaN"}, 2, "antares: --measure NaN: give the decision's size as a finite number\n"},
		{"", []string{"risk-acceptance"}, 2, "antares: required flag(s) \"domain\" not set\nRun 'antares --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, code := runCLI(t, append([]string{"who", "--model", authorityModel}, tt.args...)...)
			if code != tt.code || errs != tt.err {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr %q", code, errs, tt.code, tt.err)
			}
			if tt.name != "" {
				golden(t, "authority/"+tt.name, out)
			} else if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestWhoJSONShape(t *testing.T) {
	out, _, code := runCLI(t, "who", "--model", authorityModel, "risk-acceptance", "--domain", "identity", "--format", "json")
	var got whoAnswer
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if len(got.Tiers) != 3 || got.Tiers[1].Accountable.Role != "ciso" || *got.Tiers[1].Above != 50000 || *got.Tiers[1].UpTo != 500000 ||
		got.Tiers[2].UpTo != nil || got.Tiers[0].Accountable.Holders[0].ID != "sam.okafor" || !got.SeparationOfDuties {
		t.Errorf("who JSON = %+v", got)
	}
}

// TestDocsAuthority runs every console example of docs/authority.md and
// compares what the command prints with what the page shows.
func TestDocsAuthority(t *testing.T) {
	doc, err := os.ReadFile("../../docs/authority.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	t.Setenv("ANTARES_MODEL", "")
	block := regexp.MustCompile("(?s)```console\n(.*?)```")
	examples := 0
	for _, m := range block.FindAllStringSubmatch(string(doc), -1) {
		// A line "$ command" starts an example; the lines up to the next
		// one are what it prints.
		for _, ex := range strings.Split("\n"+m[1], "\n$ ")[1:] {
			cmdline, want, _ := strings.Cut(ex, "\n")
			args := strings.Fields(cmdline)
			if args[0] != "antares" {
				continue // another tool's command, shown for context
			}
			if args[1] == "export" {
				args = append(args, "-o", t.TempDir())
				want = "" // the paths written depend on -o
			}
			examples++
			t.Run(cmdline, func(t *testing.T) {
				out, errs, _ := runCLI(t, args[1:]...)
				if got := strings.TrimSuffix(out+errs, "\n"); want != "" && got != strings.TrimSuffix(want, "\n") {
					t.Errorf("docs/authority.md shows\n%s\nbut the command prints\n%s", want, out+errs)
				}
			})
		}
	}
	if examples < 5 {
		t.Errorf("docs/authority.md has %d runnable examples, want at least 5", examples)
	}
}
