package authority

import (
	"strings"
	"testing"
	"time"

	"github.com/antares-governance/antares"
)

func TestParseDelegations(t *testing.T) {
	ds, err := ParseDelegations("d.json", []byte(`[
  {"id": "cover", "delegator": "raj.patel", "delegate": "li.wei", "decisions": ["risk-acceptance"],
   "domains": ["identity"], "ceiling": 250000, "since": "2026-06-01T00:00:00Z", "until": "2026-06-15T00:00:00+02:00"}
]`))
	if err != nil {
		t.Fatal(err)
	}
	d := ds[0]
	if len(ds) != 1 || d.ID != "cover" || d.Delegator != "raj.patel" || d.Delegate != "li.wei" || d.Decisions[0] != "risk-acceptance" ||
		d.Domains[0] != "identity" || *d.Ceiling != 250000 || !d.Since.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) ||
		!d.Until.Equal(time.Date(2026, 6, 14, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDelegations = %+v", ds)
	}

	const hint = `; write a JSON array of objects with "delegator", "delegate", "decisions", "until" and optionally "id", "domains", "ceiling", "since"`
	tests := []struct{ in, want string }{
		{``, "d.json:1:1: the file is empty" + hint},
		{`{}`, "d.json:1:2: object is not a list of delegations" + hint},
		{`[{"delegator": 1}]`, "d.json:1:17: delegator must be a string, not a number"},
		{"[\n {\"decisions\": \"a\"}]", "d.json:2:19: decisions must be a list, not a string"},
		{`[{"ceiling": "x"}]`, "d.json:1:17: ceiling must be a number, not a string"},
		{`[{"until": "2026"}]`, `d.json:1:20: since and until must be RFC 3339 times in quotes, such as "2026-12-31T18:00:00Z"`},
		{`[{"since": 5}]`, `d.json:1:15: since and until must be RFC 3339 times in quotes, such as "2026-12-31T18:00:00Z"`},
		{`[{"until": "2026-01-01T00:00:00Z", "bogus": 1}]`, `d.json:1:48: unknown field "bogus"` + hint},
		{`[] []`, "d.json:1:4: more than one JSON value" + hint},
		{`[{`, "d.json:1:1: unexpected EOF" + hint},
		{"[\n  {\"id\": x}]", "d.json:2:10: invalid character 'x' looking for beginning of value" + hint},
	}
	for _, tt := range tests {
		_, err := ParseDelegations("d.json", []byte(tt.in))
		if antares.ErrorCode(err) != antares.EINVALID || antares.ErrorMessage(err) != tt.want {
			t.Errorf("ParseDelegations(%q) error =\n%v\nwant\n%s", tt.in, err, tt.want)
		}
	}
}

// FuzzParseDelegations checks that any input gives delegations or an
// invalid-input error naming the file and a position, never a panic; and
// that what parses can be given to an index without a panic.
func FuzzParseDelegations(f *testing.F) {
	for _, s := range []string{
		``, `[]`, `{}`, `[{"delegator": 1}]`, `[{"until": "2026"}]`,
		`[{"delegator": "raj.patel", "delegate": "li.wei", "decisions": ["risk-acceptance"], "until": "2026-06-15T00:00:00Z"}]`,
		`[{"delegator": "raj.patel", "delegate": "raj.patel", "decisions": [], "domains": ["x"], "ceiling": -1e308, "since": "2030-01-01T00:00:00Z", "until": "2026-06-15T00:00:00Z"}]`,
	} {
		f.Add([]byte(s))
	}
	x := loadIndex(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ParseDelegations("d.json", data)
		if err != nil {
			if antares.ErrorCode(err) != antares.EINVALID || !strings.HasPrefix(err.Error(), "d.json:") {
				t.Fatalf("error %v is not an invalid-input error with a position", err)
			}
			return
		}
		y, err := x.WithDelegations(ds)
		if err != nil {
			if antares.ErrorCode(err) != antares.EINVALID {
				t.Fatalf("WithDelegations error %v is not invalid input", err)
			}
			return
		}
		if _, err := y.Authorize(Request{Person: "li.wei", Decision: "risk-acceptance", Domain: "identity", Measure: 1e5, At: now}); err != nil {
			t.Fatal(err)
		}
	})
}
