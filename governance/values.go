package governance

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

var durationPattern = regexp.MustCompile(`^([0-9]{1,6})(m|h|d|w)$`)

type durationUnit struct {
	suffix string
	d      time.Duration
}

var durationUnits = []durationUnit{
	{"w", 7 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
}

// ParseDuration reads a model duration: a whole number and a unit, m
// (minutes), h (hours), d (days) or w (weeks), greater than zero.
func ParseDuration(s string) (Duration, error) {
	m := durationPattern.FindStringSubmatch(s)
	if m == nil {
		return Duration{}, fmt.Errorf("%q is not a duration: write a whole number and a unit m, h, d or w, e.g. 30m, 4h, 10d, 2w", s)
	}
	n, _ := strconv.Atoi(m[1])
	if n == 0 {
		return Duration{}, fmt.Errorf("duration %q must be greater than zero", s)
	}
	i := slices.IndexFunc(durationUnits, func(u durationUnit) bool { return u.suffix == m[2] })
	return Duration{time.Duration(n) * durationUnits[i].d}, nil
}

// Duration is a model duration: a whole number of minutes, hours, days or
// weeks.
type Duration struct{ time.Duration }

// IsZero reports whether no duration was given.
func (d Duration) IsZero() bool { return d.Duration == 0 }

// String returns the duration in its canonical form, the largest unit that
// divides it: 14d is "2w", 48h is "2d". The zero duration is "".
func (d Duration) String() string {
	if d.Duration <= 0 {
		return ""
	}
	for _, u := range durationUnits {
		if d.Duration%u.d == 0 {
			return strconv.FormatInt(int64(d.Duration/u.d), 10) + u.suffix
		}
	}
	return d.Duration.String()
}

// MarshalText writes the canonical form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

var targetPattern = regexp.MustCompile(`^\s*(>=|<=|==|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(%?)\s*$`)

// ParseTarget reads an outcome target: an operator (>=, <=, >, <, ==) and a
// number, optionally with %.
func ParseTarget(s string) (Target, error) {
	m := targetPattern.FindStringSubmatch(s)
	if m == nil {
		return Target{}, fmt.Errorf("%q is not a target: write an operator (>=, <=, >, <, ==) and a number, optionally with %%, e.g. \">= 99%%\" or \"== 0\"", s)
	}
	v, err := strconv.ParseFloat(m[2], 64)
	if err != nil {
		return Target{}, fmt.Errorf("%q is not a target: %v", s, err)
	}
	if m[3] == "%" && (v < 0 || v > 100) {
		return Target{}, fmt.Errorf("target %q is a percentage outside 0..100", s)
	}
	return Target{Op: m[1], Value: v, Percent: m[3] == "%"}, nil
}

// String returns the target as it is written: ">= 99%".
func (t Target) String() string {
	s := t.Op + " " + strconv.FormatFloat(t.Value, 'f', -1, 64)
	if t.Percent {
		s += "%"
	}
	return s
}

// MarshalText writes the target as it is written.
func (t Target) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
