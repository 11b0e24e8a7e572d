// Package ledger is Antares' decision ledger: an append-only, tamper-evident
// log of who decided what, in which role, under which authority, why and
// until when.
//
// Every entry has a canonical encoding (compact JSON with a fixed field
// order). Each entry records the hash of the one before it, so the entries
// form a hash chain, and all of them are the leaves of an RFC 6962 Merkle
// tree (golang.org/x/mod/sumdb/tlog) whose root is signed in Ed25519
// checkpoints (golang.org/x/mod/sumdb/note). An inclusion proof lets an
// auditor check one entry with nothing but the proof, a checkpoint and the
// verifier key.
//
// Judge checks a decision against the authority engine and makes its
// entry; Delegate, Review and ImportHistory do the same for delegations,
// reviews and decision history; Overdue and Lapsed say which requests
// escalate and which decisions must be made again.
//
// The package keeps no state and touches no database: package store
// persists what Seal computes, and Verify reads any Source of records, a
// database or an exported JSON Lines file alike.
package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/antares-governance/antares/authority"
)

// Kinds of entry.
const (
	KindDecision   = "decision"   // a decision of a type of the model
	KindReview     = "review"     // a periodic review of a domain's outcomes
	KindDelegation = "delegation" // a delegation of authority
	KindEscalation = "escalation" // a request moved one step up reports_to
)

// Sweeper is the decided_by of entries Antares makes itself: escalations
// of requests whose deadline passed.
const Sweeper = "antares"

// Triggers say what prompted a decision.
var Triggers = []string{"planned", "incident", "audit", "regulator", "customer", "other"}

// Entry is one record of the ledger. Seq and Prev are assigned when the
// entry is appended (see Seal); everything else is given by whoever records
// the decision.
type Entry struct {
	// Seq is the entry's 1-based position in the ledger.
	Seq int64 `json:"seq"`
	// Prev is the record hash of the entry before (zero for the first).
	Prev tlog.Hash `json:"prev"`
	// Time is when the decision was made.
	Time time.Time `json:"time"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Decision is the decision type's id (empty for a review).
	Decision string `json:"decision,omitempty"`
	Domain   string `json:"domain"`
	// Subject is what the decision was about: "risk:R-12", a ticket id.
	Subject string `json:"subject,omitempty"`
	// Measure is the decision's size (exposure, amount, severity), if it has one.
	Measure *float64 `json:"measure,omitempty"`
	// Outcome is what was decided: accept, reject, approve, mitigate...
	Outcome string `json:"outcome,omitempty"`
	// DecidedBy is the id of the person who decided.
	DecidedBy string `json:"decided_by"`
	// Role is the role DecidedBy acted in; empty when they held none that
	// entitled them.
	Role string `json:"role,omitempty"`
	// Authority is what the decision was made under.
	Authority Authority `json:"authority"`
	// Consulted lists the roles whose input the decision's tier requires,
	// with the people who held them at Time.
	Consulted []Consulted `json:"consulted,omitempty"`
	// Trigger is one of Triggers.
	Trigger   string `json:"trigger,omitempty"`
	Rationale string `json:"rationale,omitempty"`
	// ValidUntil is when the decision lapses and must be made again.
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Request is the id of the decision request this entry answers.
	Request int64 `json:"request,omitempty"`
	// ModelDigest is the digest of the governance model the authority was
	// checked against.
	ModelDigest string `json:"model_digest"`
	// Authorized reports whether DecidedBy held the authority at Time.
	// Entries recorded through Antares are always authorized; imported
	// history keeps the answer for every row.
	Authorized bool `json:"authorized"`
	// Source says where imported history came from ("decisions.csv:12",
	// plus the source system's id); empty for decisions made in Antares.
	Source string `json:"source,omitempty"`
	// Note explains why an imported decision was not authorized.
	Note string `json:"note,omitempty"`
	// Grant is the delegation a delegation entry records.
	Grant *authority.Delegation `json:"grant,omitempty"`
	// Measurements are the outcome values a review found.
	Measurements []Measurement `json:"measurements,omitempty"`
}

// Measurement is the value a review measured for one of the domain's
// outcomes, and whether it met the outcome's target.
type Measurement struct {
	Outcome string  `json:"outcome"`
	Value   float64 `json:"value"`
	Met     *bool   `json:"met,omitempty"`
}

// Authority is the authority a decision was made under: the tier of the
// decision's ladder, and how the person came to hold it.
type Authority struct {
	// Tier is the tier's 1-based position in the decision's authority list,
	// as written in the model; 0 when no tier applies (reviews).
	Tier int `json:"tier,omitempty"`
	// Accountable is the role accountable for the tier in this domain.
	Accountable string `json:"accountable,omitempty"`
	// Delegation identifies the delegation the person decided under, if any.
	Delegation string `json:"delegation,omitempty"`
	// Escalations is how many steps up reports_to the request had escalated.
	Escalations int `json:"escalations,omitempty"`
}

// Consulted is a role to consult and the people holding it.
type Consulted struct {
	Role   string   `json:"role"`
	People []string `json:"people"`
}

// Encode returns the entry's canonical encoding: compact JSON, fields in
// the order of the struct, time in UTC, no HTML escaping, no newline. Equal
// entries have equal encodings, and Decode accepts only this form.
func (e *Entry) Encode() []byte {
	c := *e
	c.Time = c.Time.UTC()
	if c.ValidUntil != nil {
		v := c.ValidUntil.UTC()
		c.ValidUntil = &v
	}
	if c.Grant != nil {
		g := *c.Grant
		g.Since, g.Until = utc(g.Since), g.Until.UTC()
		c.Grant = &g
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		// An Entry is strings, numbers and times; only a NaN or infinite
		// measure or a time beyond year 9999 fails, and Check refuses both.
		panic("ledger: encode: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// utc returns t in UTC, keeping the zero time zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// Decode reads an entry from its canonical encoding. It refuses unknown
// fields and any other encoding of the same entry, so that an entry's bytes
// and its meaning cannot drift apart.
func Decode(data []byte) (*Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("not a ledger entry: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a ledger entry: text after the entry")
	}
	if !bytes.Equal(e.Encode(), data) {
		return nil, fmt.Errorf("not a ledger entry in canonical form")
	}
	return &e, nil
}

// Check reports what is missing or malformed in an entry about to be
// appended.
func (e *Entry) Check() error {
	switch {
	case !slices.Contains([]string{KindDecision, KindReview, KindDelegation, KindEscalation}, e.Kind):
		return fmt.Errorf("entry kind %q is not %s, %s, %s or %s", e.Kind, KindDecision, KindReview, KindDelegation, KindEscalation)
	case (e.Kind == KindDecision || e.Kind == KindEscalation) && e.Decision == "":
		return fmt.Errorf("a %s entry names no decision type", e.Kind)
	case e.Kind == KindEscalation && e.Request == 0:
		return fmt.Errorf("an escalation entry names no request")
	case (e.Kind == KindDelegation) != (e.Grant != nil):
		return fmt.Errorf("a delegation entry, and only one, records a grant")
	case e.Grant != nil && (e.Grant.Until.Year() > 9999 || e.Grant.Since.Year() > 9999):
		return fmt.Errorf("delegation times out of range")
	case e.Domain == "" && e.Kind != KindDelegation:
		return fmt.Errorf("entry names no domain")
	case e.DecidedBy == "":
		return fmt.Errorf("entry names nobody who decided")
	case e.ModelDigest == "":
		return fmt.Errorf("entry records no model digest")
	case e.Time.IsZero() || e.Time.Year() > 9999 || e.Time.Year() < 1:
		return fmt.Errorf("entry time %v is out of range", e.Time)
	case e.ValidUntil != nil && (e.ValidUntil.Year() > 9999 || e.ValidUntil.Year() < 1):
		return fmt.Errorf("valid_until %v is out of range", *e.ValidUntil)
	case e.Measure != nil && !finite(*e.Measure):
		return fmt.Errorf("measure %v is not a finite number", *e.Measure)
	case e.Trigger != "" && !slices.Contains(Triggers, e.Trigger):
		return fmt.Errorf("trigger %q is not one of %v", e.Trigger, Triggers)
	case e.Grant != nil && e.Grant.Ceiling != nil && !finite(*e.Grant.Ceiling):
		return fmt.Errorf("delegation ceiling %v is not a finite number", *e.Grant.Ceiling)
	}
	for _, m := range e.Measurements {
		if !finite(m.Value) {
			return fmt.Errorf("outcome %s: %v is not a finite number", m.Outcome, m.Value)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
