package authority

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/antares-governance/antares"
)

// Delegation lets Delegate decide what Delegator has the authority to
// decide: decisions of the listed types, in the listed domains (every
// domain when Domains is empty), up to Ceiling (no limit when nil), from
// Since (no start when zero) until Until. The delegator stays accountable.
//
// A delegation passes on only the delegator's own authority, as a holder of
// the tier's accountable role: a delegate cannot delegate further, and a
// delegator who has departed or no longer holds that role passes on
// nothing. Under separation of duties a delegation from the requester grants
// nothing either. Times are compared to the millisecond.
//
// Delegations are plain data: the ledger stores them, the index takes them
// (WithDelegations).
type Delegation struct {
	// ID identifies the delegation in records and exported policies:
	// letters, digits, '.', '_', ':' and '-'; optional.
	ID        string    `json:"id,omitempty"`
	Delegator string    `json:"delegator"`
	Delegate  string    `json:"delegate"`
	Decisions []string  `json:"decisions"`
	Domains   []string  `json:"domains,omitempty"`
	Ceiling   *float64  `json:"ceiling,omitempty"`
	Since     time.Time `json:"since,omitzero"`
	Until     time.Time `json:"until"`
}

// delegationID is what a delegation id may be: plain enough to name the
// delegation in exported policies as it is.
var delegationID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// grant is a compiled delegation, filed under its delegate.
type grant struct {
	delegator    int32
	decisions    []int32 // sorted
	domains      []int32 // sorted; nil: every domain
	ceiling      float64 // +Inf: none
	since, until int64   // Unix milliseconds; since is MinInt64 when not given
	src          *Delegation
}

func (g *grant) covers(di, mi int32, measure float64, at int64) bool {
	if at < g.since || at >= g.until || measure > g.ceiling {
		return false
	}
	if _, ok := slices.BinarySearch(g.decisions, di); !ok {
		return false
	}
	if g.domains == nil {
		return true
	}
	_, ok := slices.BinarySearch(g.domains, mi)
	return ok
}

// WithDelegations returns an index that also honours ds (replacing any
// delegations x had). It shares everything else with x. Every problem with
// ds is reported in one antares.EINVALID error, one line per problem.
func (x *Index) WithDelegations(ds []Delegation) (*Index, error) {
	y := *x
	y.dels = slices.Clone(ds)
	y.grants = make([][]grant, len(x.persons))
	var problems []string
	for i := range y.dels {
		d := &y.dels[i]
		g, errs := x.compileGrant(d)
		name := strconv.Itoa(i + 1)
		if d.ID != "" {
			name = strconv.Quote(d.ID)
		}
		for _, e := range errs {
			problems = append(problems, fmt.Sprintf("delegation %s: %s", name, e))
		}
		if errs == nil {
			delegate := x.people[d.Delegate]
			y.grants[delegate] = append(y.grants[delegate], g)
		}
	}
	if problems != nil {
		return nil, antares.Errorf(antares.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return &y, nil
}

// Delegations returns the delegations the index honours. Do not modify them.
func (x *Index) Delegations() []Delegation { return x.dels }

func (x *Index) compileGrant(d *Delegation) (grant, []string) {
	var errs []string
	g := grant{src: d, ceiling: math.Inf(1), since: math.MinInt64, until: d.Until.UnixMilli()}
	person := func(id, what string) int32 {
		pi, ok := x.people[id]
		if !ok {
			if id == "" {
				errs = append(errs, fmt.Sprintf("no %s: name the person by id", what))
			} else {
				errs = append(errs, fmt.Sprintf("unknown %s %q%s", what, id, x.suggest(id, "person")))
			}
		}
		return pi
	}
	g.delegator = person(d.Delegator, "delegator")
	person(d.Delegate, "delegate")
	if d.Delegator != "" && d.Delegator == d.Delegate {
		errs = append(errs, fmt.Sprintf("%s delegates to themselves: name another person as delegate", d.Delegate))
	}
	if len(d.Decisions) == 0 {
		errs = append(errs, "no decisions: list the decision types delegated")
	}
	for _, id := range d.Decisions {
		if di, ok := x.decisions[id]; ok {
			g.decisions = append(g.decisions, di)
		} else {
			errs = append(errs, fmt.Sprintf("unknown decision %q%s", id, x.suggest(id, "decision")))
		}
	}
	for _, id := range d.Domains {
		if mi, ok := x.domains[id]; ok {
			g.domains = append(g.domains, mi)
		} else {
			errs = append(errs, fmt.Sprintf("unknown domain %q%s", id, x.suggest(id, "domain")))
		}
	}
	if d.Ceiling != nil {
		if math.IsNaN(*d.Ceiling) {
			errs = append(errs, "the ceiling is not a number: give the highest measure delegated, or none")
		}
		g.ceiling = *d.Ceiling
	}
	if d.ID != "" && !delegationID.MatchString(d.ID) {
		errs = append(errs, "the id may hold only letters, digits, '.', '_', ':' and '-', at most 128 of them")
	}
	switch {
	case d.Until.IsZero():
		errs = append(errs, "no until: a delegation must end; give the time it expires")
	case !d.Since.IsZero() && !d.Since.Before(d.Until):
		errs = append(errs, fmt.Sprintf("since %s is not before until %s", d.Since.Format(time.RFC3339), d.Until.Format(time.RFC3339)))
	}
	if !d.Since.IsZero() {
		g.since = d.Since.UnixMilli()
	}
	slices.Sort(g.decisions)
	slices.Sort(g.domains)
	return g, errs
}

// ParseDelegations reads delegations written as a JSON array of Delegation
// objects; name is the file's name for error messages. Unknown keys are
// errors. It does not check the ids: WithDelegations does.
func ParseDelegations(name string, data []byte) ([]Delegation, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ds []Delegation
	err := dec.Decode(&ds)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return ds, nil
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		parse  *time.ParseError
		at     = dec.InputOffset()
		hint   = `; write a JSON array of objects with "delegator", "delegate", "decisions", "until" and optionally "id", "domains", "ceiling", "since"`
	)
	switch {
	case errors.As(err, &syntax):
		at = syntax.Offset - 1 // the offending byte, not the one after it
	case errors.As(err, &typ) && typ.Field == "":
		at, err = typ.Offset, fmt.Errorf("%s is not a list of delegations", typ.Value)
	case errors.As(err, &typ):
		at, hint = typ.Offset, ""
		err = fmt.Errorf("%s must be %s, not a %s", typ.Field, jsonKind(typ.Type.Kind()), typ.Value)
	case errors.As(err, &parse) || strings.Contains(err.Error(), "Time.UnmarshalJSON"):
		hint = ""
		err = errors.New("since and until must be RFC 3339 times in quotes, such as \"2026-12-31T18:00:00Z\"")
	case errors.Is(err, io.EOF):
		err = errors.New("the file is empty")
	}
	line, col := position(data, at)
	return nil, antares.Errorf(antares.EINVALID, "%s:%d:%d: %s%s", name, line, col, strings.TrimPrefix(err.Error(), "json: "), hint)
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Slice:
		return "a list"
	case reflect.Float64, reflect.Pointer:
		return "a number"
	case reflect.Struct:
		return "an RFC 3339 time string"
	}
	return "a string"
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (int, int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, int(offset) - bytes.LastIndexByte(before, '\n')
}
