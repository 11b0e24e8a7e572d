package authority

import (
	_ "embed"
	"encoding/json"
	"strconv"
)

// regoModule decides like Authorize, reading the data ExportRego writes.
//
//go:embed authority.rego
var regoModule []byte

// ExportRego writes the index's decision rights as a Rego module (package
// antares.authority, Rego v1) and the data it reads (a JSON document to load
// as data, holding data.antares.model), so that OPA allows exactly what
// Authorize allows. Query data.antares.authority.allow with input
// {person, decision, domain, measure, escalations, at (RFC 3339),
// requested_by (optional)}.
func ExportRego(x *Index) (module, data []byte, err error) {
	type tier struct {
		Above       *float64 `json:"above,omitempty"`
		UpTo        *float64 `json:"up_to,omitempty"`
		Accountable string   `json:"accountable"`
	}
	type decision struct {
		SeparationOfDuties bool              `json:"separation_of_duties"`
		Ladders            map[string]string `json:"ladders"`
	}
	type delegation struct {
		ID        string      `json:"id,omitempty"`
		Delegator string      `json:"delegator"`
		Decisions []string    `json:"decisions"`
		Domains   []string    `json:"domains,omitempty"`
		Ceiling   *float64    `json:"ceiling,omitempty"`
		SinceNS   json.Number `json:"since_ns,omitempty"`
		UntilNS   json.Number `json:"until_ns"`
	}
	type person struct {
		Active bool     `json:"active"`
		Roles  []string `json:"roles"`
	}
	type role struct {
		Chain []string `json:"chain"`
	}
	type domain struct {
		Owner string `json:"owner,omitempty"`
	}
	model := struct {
		Digest      string                  `json:"digest"`
		People      map[string]person       `json:"people"`
		Roles       map[string]role         `json:"roles"`
		Domains     map[string]domain       `json:"domains"`
		Decisions   map[string]decision     `json:"decisions"`
		Ladders     map[string][]tier       `json:"ladders"`
		Delegations map[string][]delegation `json:"delegations"`
	}{
		Digest:      x.model.Digest(),
		People:      map[string]person{},
		Roles:       map[string]role{},
		Domains:     map[string]domain{},
		Decisions:   map[string]decision{},
		Ladders:     map[string][]tier{},
		Delegations: map[string][]delegation{},
	}
	for _, p := range x.persons {
		roles := []string{}
		for _, ri := range p.held {
			roles = append(roles, x.model.Roles[ri].ID)
		}
		model.People[p.p.ID] = person{Active: p.active, Roles: roles}
	}
	c := compiler{x: x, chains: map[int32][]int32{}}
	for ri, r := range x.model.Roles {
		var chain []string
		for _, up := range c.chain(int32(ri)) {
			chain = append(chain, x.model.Roles[up].ID)
		}
		model.Roles[r.ID] = role{Chain: chain}
	}
	for _, d := range x.model.Domains {
		model.Domains[d.ID] = domain{Owner: d.Owner}
	}
	for _, d := range x.model.Decisions {
		model.Decisions[d.ID] = decision{SeparationOfDuties: d.SeparationOfDuties, Ladders: map[string]string{}}
	}
	for _, l := range x.exportLadders() {
		for _, d := range l.domains {
			model.Decisions[l.decision.ID].Ladders[d.ID] = l.id
		}
		for _, r := range l.tiers {
			model.Ladders[l.id] = append(model.Ladders[l.id], tier{Above: r.Above, UpTo: r.Tier.UpTo, Accountable: r.Tier.Accountable})
		}
	}
	for _, d := range x.dels {
		e := delegation{ID: d.ID, Delegator: d.Delegator, Decisions: d.Decisions, Domains: d.Domains, Ceiling: d.Ceiling,
			UntilNS: nanos(d.Until.UnixMilli())}
		if !d.Since.IsZero() {
			e.SinceNS = nanos(d.Since.UnixMilli())
		}
		model.Delegations[d.Delegate] = append(model.Delegations[d.Delegate], e)
	}
	doc := map[string]any{"antares": map[string]any{"model": model}}
	data, err = json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return regoModule, append(data, '\n'), nil
}

// nanos writes a time in Unix milliseconds as exact nanoseconds, beyond
// int64's range if need be (JSON numbers are exact in OPA).
func nanos(ms int64) json.Number {
	if ms == 0 {
		return "0"
	}
	return json.Number(strconv.FormatInt(ms, 10) + "000000")
}
