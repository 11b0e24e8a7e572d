package main

import (
	"strings"
	"testing"
)

const authorityDelegations = "../../authority/testdata/delegations.json"

func TestCan(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"can-holder.text", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "120000"}, 0, ""},
		{"can-superior.text", []string{"olivia.grant", "risk-acceptance", "--domain", "identity", "--measure", "120000"}, 1, ""},
		{"can-escalated.text", []string{"olivia.grant", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--escalations", "1"}, 0, ""},
		{"can-requester.text", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "120000", "--requested-by", "raj.patel", "--escalations", "1"}, 1, ""},
		{"can-departed.text", []string{"old.hand", "risk-acceptance", "--domain", "identity", "--measure", "1"}, 1, ""},
		{"can-delegated.json", []string{"dev.rao", "risk-acceptance", "--domain", "identity", "--measure", "15000",
			"--delegations", authorityDelegations, "--at", "2026-06-01T12:00:00Z", "--format", "json"}, 0, ""},
		{"can-expired.json", []string{"dev.rao", "risk-acceptance", "--domain", "identity", "--measure", "15000",
			"--delegations", authorityDelegations, "--at", "2026-06-03", "--format", "json"}, 1, ""},
		{"can-no-ladder.text", []string{"raj.patel", "policy-exception", "--domain", "network"}, 1, ""},
		{"", []string{"raj.patel", "risk-acceptance", "--domain", "identity"}, 2,
			"antares: risk-acceptance is sized by exposure: give --measure N, since who may decide depends on it\n"},
		{"", []string{"raj.patl", "risk-acceptance", "--domain", "identity", "--measure", "1"}, 2,
			"antares: unknown person \"raj.patl\" (did you mean \"raj.patel\"?)\n"},
		{"", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "1", "--at", "tomorrow"}, 2,
			"antares: --at \"tomorrow\": give an RFC 3339 time such as 2026-06-01T12:00:00Z, or a date such as 2026-06-01\n"},
		{"", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "1", "--escalations", "-2"}, 2,
			"antares: escalations is -2: give how many steps the request has escalated, 0 or more\n"},
		{"", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "1", "--delegations", "nonexistent.json"}, 2,
			"antares: delegations: open nonexistent.json: no such file or directory\n"},
		{"", []string{"raj.patel", "risk-acceptance", "--domain", "identity", "--measure", "1", "--delegations", authorityModel}, 2,
			"antares: " + authorityModel + ":1:1: invalid character 'a' looking for beginning of value; write a JSON array of objects with \"delegator\", \"delegate\", \"decisions\", \"until\" and optionally \"id\", \"domains\", \"ceiling\", \"since\"\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, code := runCLI(t, append([]string{"can", "--model", authorityModel}, tt.args...)...)
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
