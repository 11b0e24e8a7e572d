package antares_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/antares-governance/antares"
)

// coded is an error type of another package that carries its own code, as
// governance.Errors does.
type coded struct{}

func (coded) Error() string     { return "three problems" }
func (coded) ErrorCode() string { return antares.EINVALID }

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		code    string
		message string
		exit    int
	}{
		{"nil", nil, "", "", antares.ExitOK},
		{"invalid", antares.Errorf(antares.EINVALID, "bad %s", "input"), antares.EINVALID, "bad input", antares.ExitInvalid},
		{"not found", antares.Errorf(antares.ENOTFOUND, "no entry 9"), antares.ENOTFOUND, "no entry 9", antares.ExitNegative},
		{"forbidden", antares.Errorf(antares.EFORBIDDEN, "refused"), antares.EFORBIDDEN, "refused", antares.ExitNegative},
		{"conflict", antares.Errorf(antares.ECONFLICT, "decided meanwhile"), antares.ECONFLICT, "decided meanwhile", antares.ExitNegative},
		{"unauthorized", antares.Errorf(antares.EUNAUTHORIZED, "sign in"), antares.EUNAUTHORIZED, "sign in", antares.ExitNegative},
		{"wrapped", fmt.Errorf("importing: %w", antares.Errorf(antares.EINVALID, "line 3")), antares.EINVALID, "line 3", antares.ExitInvalid},
		{"coded by another package", fmt.Errorf("loading: %w", coded{}), antares.EINVALID, "loading: three problems", antares.ExitInvalid},
		{"plain error is internal and hidden", errors.New("pq: connection reset"), antares.EINTERNAL, "internal error", antares.ExitInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := antares.ErrorCode(c.err); got != c.code {
				t.Errorf("ErrorCode = %q, want %q", got, c.code)
			}
			if got := antares.ErrorMessage(c.err); got != c.message {
				t.Errorf("ErrorMessage = %q, want %q", got, c.message)
			}
			if got := antares.ExitCode(c.err); got != c.exit {
				t.Errorf("ExitCode = %d, want %d", got, c.exit)
			}
		})
	}
}
