// Package synth generates large, realistic synthetic governance models for
// tests and benchmarks.
//
// A generated model has the shape of a real security program, at any size: a
// role tree with a few top roles and a fan-out of about five, committees with
// chairs, operational staff roles held by many people, domains with owners,
// outcomes and reviews, decision types with two to four tier ladders,
// responsibilities, a risk appetite, alert routing and a risk register using
// every estimate form. It loads without error, and, like a real program, it
// has a sprinkling of gaps that produce static findings: a few vacant or
// shared roles, departed people, domains without an owner or a proper review,
// ladders without an uncapped tier, a risk category without tolerance, staff
// measured on outcomes they have no authority over.
package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// Size is how many of each thing a generated model holds. People, Decisions
// and Risks may be zero; Roles and Domains are at least one (a smaller value
// is raised to one), since decisions need an accountable role and risks a
// domain.
type Size struct {
	People, Roles, Domains, Decisions, Risks int
}

// pcgStream is the second PCG seed word; the caller's seed is the first.
const pcgStream = 0x9e3779b97f4a7c15

// Generate returns one model file (format antares/v1) of size s. The same
// size and seed always give the same bytes.
func Generate(s Size, seed uint64) []byte {
	s.People = max(s.People, 0)
	s.Roles = max(s.Roles, 1)
	s.Domains = max(s.Domains, 1)
	s.Decisions = max(s.Decisions, 0)
	s.Risks = max(s.Risks, 0)
	g := &gen{size: s, rng: rand.New(rand.NewPCG(seed, pcgStream))}
	g.makeRoles()
	g.makePeople()
	g.makeDomains()
	g.makeDecisions()
	g.makeResponsibilities()
	g.makeRisks()
	return g.write(seed)
}

// gen holds the model being generated. Entities refer to each other by index.
type gen struct {
	size Size
	rng  *rand.Rand

	roles            []*role
	leaders          []int // individual roles that are not staff roles: owners and deciders
	staff            []int // operational roles held by many people
	people           []*person
	domains          []*domain
	decisions        []*decision
	responsibilities []*responsibility
	categories       []string
	appetite         int // categories[:appetite] have a tolerance
	risks            []*risk
}

type role struct {
	id, title string
	parent    int // -1 for a top role
	level     int // how far below a chief officer the role is
	body      bool
	staff     bool
	chair     int // a person index; -1 for none
}

type person struct {
	id, name, email string
	roles           []int
	departed        bool
}

type outcome struct{ id, name, target string }

type domain struct {
	id, name string
	owner    int // -1 for none
	outcomes []outcome
	reviewBy int // -1 for no review
	every    string
}

type tier struct {
	upTo        float64 // 0: uncapped
	accountable string  // a role id or "@owner"
	consulted   []int
	informed    []int
	domains     []int
}

type decision struct {
	id, name      string
	domains       []int // nil: every domain
	measure       string
	sla, validFor string
	sod           bool
	tiers         []tier
}

type responsibility struct {
	id, name    string
	domains     []int // nil: every domain
	responsible []int
	measuredOn  []string
}

type risk struct {
	id, title, category, status string
	domain, owner               int // owner -1 for none
	form                        int // which estimate form, see estimateForms
	fMin, fLikely, fMax         float64
	mMin, mLikely, mMax         float64
	likelihood, impact          int
}

// chance reports true with the given probability in percent.
func (g *gen) chance(percent int) bool { return g.rng.IntN(100) < percent }

// pick returns a random element of xs, which must not be empty.
func pick[T any](g *gen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// numbered returns the i-th name of a pool: the pool's names first, then the
// same names with a suffix, "identity", ..., "identity-2", ...
func numbered(pool []string, i int) string {
	if i < len(pool) {
		return pool[i]
	}
	return pool[i%len(pool)] + "-" + strconv.Itoa(i/len(pool)+1)
}

var (
	areas = []string{"Security", "Identity", "Cloud", "Network", "Privacy", "Risk", "Compliance",
		"Infrastructure", "Applications", "Operations", "Clinical Systems", "Data", "Procurement", "Finance"}
	ranks      = []string{"Director", "Head", "Manager", "Lead", "Principal"} // by level below a chief
	staffRanks = []string{"Analyst", "Engineer", "Administrator"}
)

// makeRoles builds the role tree: a few top roles (the first a board when
// there are enough roles), each role reporting to one about a fifth of the way
// back, so fan-out is about five; every fiftieth role is a committee; the last
// sixth of the roles are staff roles, leaves held by many people.
func (g *gen) makeRoles() {
	n := g.size.Roles
	top := min(3, 1+n/250)
	for i := range n {
		r := &role{parent: -1, chair: -1}
		if i >= top {
			p := min(max((i-top)/5+g.rng.IntN(3)-1, 0), i-1)
			if g.roles[p].body && g.roles[p].parent >= 0 {
				p = g.roles[p].parent
			}
			r.parent, r.level = p, g.roles[p].level+1
		}
		r.body = n >= 10 && (i == 0 || i%50 == 25)
		r.staff = n >= 7 && !r.body && i >= n-n/6
		area := areas[i%len(areas)]
		switch {
		case i == 0 && r.body:
			r.id, r.title = "board", "Board of Directors"
		case r.body:
			r.id, r.title = "committee-"+strconv.Itoa(i), area+" Committee"
		case r.staff:
			rank := staffRanks[i%len(staffRanks)]
			r.id, r.title = slug(area+" "+rank)+"-"+strconv.Itoa(i), area+" "+rank
		case r.parent < 0 || g.roles[r.parent].body: // a top role, or one reporting to the board
			r.id, r.title, r.level = "chief-"+slug(area)+"-officer-"+strconv.Itoa(i), "Chief "+area+" Officer", 0
		default:
			rank := ranks[min(r.level-1, len(ranks)-1)]
			r.id, r.title = slug(area+" "+rank)+"-"+strconv.Itoa(i), area+" "+rank
		}
		g.roles = append(g.roles, r)
		switch {
		case r.staff:
			g.staff = append(g.staff, i)
		case !r.body:
			g.leaders = append(g.leaders, i)
		}
	}
}

var (
	firstNames = []string{"amelia", "noah", "olivia", "liam", "maya", "ethan", "sofia", "lucas", "aisha", "daniel",
		"grace", "omar", "chloe", "mateo", "priya", "samuel", "hannah", "kenji", "zoe", "isaac", "fatima", "leo",
		"nora", "david", "elena", "james", "mei", "arjun", "lucia", "thomas"}
	lastNames = []string{"hughes", "patel", "chen", "garcia", "okafor", "kowalski", "nguyen", "schmidt", "rossi",
		"kim", "silva", "novak", "murphy", "haddad", "tanaka", "johansson", "dubois", "mensah", "ortiz", "walsh",
		"ahmed", "berg", "costa", "fischer", "ivanova", "lopez", "moreau", "reddy", "stone", "weber"}
)

// makePeople gives most individual roles one active holder, some two, some
// none, some only a departed one (with or without a successor); committees
// get members from the leadership and usually a chair; everyone else works
// in a staff role.
func (g *gen) makePeople() {
	seen := map[string]int{}
	for i := range g.size.People {
		first, last := pick(g, firstNames), pick(g, lastNames)
		id := first + "." + last
		if seen[id]++; seen[id] > 1 {
			id += strconv.Itoa(seen[id])
		}
		p := &person{id: id, name: title(first) + " " + title(last)}
		if i%20 != 7 {
			p.email = id + "@synthetic.example"
		}
		g.people = append(g.people, p)
	}
	next := 0
	hire := func(r int, departed bool) {
		if next < len(g.people) {
			g.people[next].roles = append(g.people[next].roles, r)
			g.people[next].departed = departed
			next++
		}
	}
	for _, r := range g.leaders {
		switch x := g.rng.IntN(100); {
		case x < 85:
			hire(r, false)
		case x < 90: // shared: two active holders
			hire(r, false)
			hire(r, false)
		case x < 94: // vacant
		case x < 97: // vacant: its only holder has left
			hire(r, true)
		default: // the leaver is still listed next to the successor
			hire(r, true)
			hire(r, false)
		}
	}
	leadership := next
	bodies := 0
	for i, r := range g.roles {
		if !r.body || len(g.people) == 0 {
			continue
		}
		pool := leadership
		if pool == 0 {
			pool = len(g.people)
		}
		members := 3 + g.rng.IntN(4)
		for range members {
			p := g.people[g.rng.IntN(pool)]
			if !slices.Contains(p.roles, i) {
				p.roles = append(p.roles, i)
			}
		}
		if bodies%4 != 3 { // every fourth committee has no chair
			r.chair = g.rng.IntN(pool)
			if p := g.people[r.chair]; !slices.Contains(p.roles, i) {
				p.roles = append(p.roles, i)
			}
		}
		bodies++
	}
	for ; next < len(g.people) && len(g.staff) > 0; next++ {
		p := g.people[next]
		p.roles = append(p.roles, pick(g, g.staff))
		p.departed = g.chance(2)
	}
}

var (
	domainPool = []string{"identity", "endpoint", "network", "cloud", "application-security", "data-protection",
		"vendor-risk", "security-operations", "vulnerability-management", "awareness", "privacy", "continuity",
		"physical-security", "medical-devices", "email-security", "ot-security"}
	outcomePool = []outcome{
		{"coverage", "Coverage of in-scope assets", ">= 95%"},
		{"critical-mttr", "Days to remediate critical findings", "<= 14"},
		{"expired-exceptions", "Policy exceptions past expiry", "== 0"},
		{"training", "Staff who completed training", ">= 98%"},
		{"material-incidents", "Material incidents per quarter", "< 2"},
		{"control-tests", "Key controls tested this year", ">= 90%"},
	}
	cadences = []string{"30d", "90d", "90d", "180d", "26w"}
)

// makeDomains gives most domains an owner from the leadership, held to one
// to four outcomes with targets and reviewed by the role the owner reports
// to; a few have no owner, no outcomes, an outcome without target, no review,
// a review by the owner itself or by a role that is not above the owner.
func (g *gen) makeDomains() {
	owners := g.leaders
	if len(owners) > 1 {
		owners = slices.DeleteFunc(slices.Clone(owners), func(r int) bool { return g.roles[r].parent < 0 })
	}
	if len(owners) == 0 {
		owners = []int{0}
	}
	for i := range g.size.Domains {
		d := &domain{id: numbered(domainPool, i), owner: -1, reviewBy: -1, every: pick(g, cadences)}
		d.name = title(d.id)
		if !g.chance(4) {
			d.owner = pick(g, owners)
		}
		if !g.chance(4) {
			n := 1 + g.rng.IntN(4)
			for _, k := range g.rng.Perm(len(outcomePool))[:n] {
				o := outcomePool[k]
				if g.chance(4) {
					o.target = ""
				}
				d.outcomes = append(d.outcomes, o)
			}
		}
		switch x := g.rng.IntN(100); {
		case d.owner < 0:
			if x < 50 {
				d.reviewBy = pick(g, owners)
			}
		case x < 90:
			d.reviewBy = d.owner
			if p := g.roles[d.owner].parent; p >= 0 {
				d.reviewBy = p
			}
		case x < 93: // no review
		case x < 96: // reviewed by the owner itself
			d.reviewBy = d.owner
		default: // reviewed by a role not above the owner
			d.reviewBy = g.rng.IntN(len(g.roles))
			if g.above(d.reviewBy, d.owner) {
				d.reviewBy = d.owner
			}
		}
		g.domains = append(g.domains, d)
	}
}

// above reports whether role sup is on the reports_to path above role r.
func (g *gen) above(sup, r int) bool {
	for p := g.roles[r].parent; p >= 0; p = g.roles[p].parent {
		if p == sup {
			return true
		}
	}
	return false
}

type decisionKind struct {
	id, name, measure string
}

var (
	decisionPool = []decisionKind{
		{"risk-acceptance", "Accept a residual risk", "exposure"},
		{"policy-exception", "Grant a policy exception", "severity"},
		{"vendor-onboarding", "Onboard a vendor", "amount"},
		{"firewall-change", "Change a firewall rule", "none"},
		{"access-grant", "Grant privileged access", "none"},
		{"alert-disposition", "Dispose of a security alert", "severity"},
		{"security-budget", "Commit security budget", "amount"},
		{"data-sharing", "Share data with a third party", "exposure"},
		{"incident-disposition", "Close a security incident", "severity"},
		{"emergency-change", "Approve an emergency change", "none"},
	}
	caps = map[string][]float64{
		"exposure": {25000, 100000, 500000, 2000000},
		"amount":   {10000, 50000, 250000, 1000000},
		"severity": {2, 3, 4, 5},
	}
	slas = []string{"", "4h", "1d", "3d", "5d", "10d"}
)

// makeDecisions gives each decision type a ladder climbing the role tree from
// a manager towards the top: two to four tiers for a measured decision, one
// for an unmeasured one. A few ladders start at "@owner", lack their uncapped
// tier, repeat an up_to, or have a domain-specific ladder beside the general
// one (rarely instead of it, leaving the other domains without authority).
func (g *gen) makeDecisions() {
	for i := range g.size.Decisions {
		kind := decisionPool[i%len(decisionPool)]
		dec := &decision{id: numbered(decisionPoolIDs, i), name: kind.name, measure: kind.measure, sla: pick(g, slas)}
		if i >= len(decisionPool) {
			dec.name += " (" + strconv.Itoa(i/len(decisionPool)+1) + ")"
		}
		// Every thirteenth decision has only a ladder for one of its domains,
		// leaving the others without authority.
		onlySpecific := i%13 == 12 && len(g.domains) > 1
		if onlySpecific || g.chance(35) {
			n := 1 + g.rng.IntN(min(4, len(g.domains)))
			if onlySpecific {
				n = max(n, 2)
			}
			dec.domains = g.rng.Perm(len(g.domains))[:n]
		}
		switch dec.measure {
		case "exposure":
			dec.validFor, dec.sod = "365d", true
		case "amount":
			dec.sod = g.chance(50)
		case "none":
			if g.chance(30) {
				dec.validFor = "90d"
			}
		}
		dec.tiers = g.ladder(dec, nil, g.chance(12))
		if onlySpecific || g.chance(15) {
			d := pick(g, g.decisionDomains(dec))
			specific := g.ladder(dec, []int{d}, false)
			if owner := g.domains[d].owner; owner >= 0 {
				specific[0].accountable = g.roles[owner].id
			}
			if onlySpecific {
				dec.tiers = nil
			}
			dec.tiers = append(dec.tiers, specific...)
		}
		g.decisions = append(g.decisions, dec)
	}
}

var decisionPoolIDs = func() []string {
	ids := make([]string, len(decisionPool))
	for i, k := range decisionPool {
		ids[i] = k.id
	}
	return ids
}()

// decisionDomains returns the indexes of the domains dec is made in.
func (g *gen) decisionDomains(dec *decision) []int {
	if dec.domains != nil {
		return dec.domains
	}
	all := make([]int, len(g.domains))
	for i := range all {
		all[i] = i
	}
	return all
}

// ladder returns the tiers of one ladder of dec, for domains (nil: the
// decision's general ladder).
func (g *gen) ladder(dec *decision, domains []int, owner bool) []tier {
	chain := []int{pick(g, g.leaders)}
	for p := g.roles[chain[0]].parent; p >= 0; p = g.roles[p].parent {
		chain = append(chain, p)
	}
	n := 1
	if dec.measure != "none" {
		n = 2 + g.rng.IntN(3)
	} else if g.chance(3) {
		n = 2 // two uncapped tiers: a split authority
	}
	tiers := make([]tier, n)
	for j := range tiers {
		t := &tiers[j]
		t.domains = domains
		t.accountable = g.roles[chain[min(j, len(chain)-1)]].id
		if dec.measure != "none" && (j < n-1 || g.chance(8)) { // the top tier is sometimes capped
			t.upTo = caps[dec.measure][j]
		}
		for range g.rng.IntN(3) {
			if c := pick(g, g.leaders); g.roles[c].id != t.accountable && !slices.Contains(t.consulted, c) {
				t.consulted = append(t.consulted, c)
			}
		}
		inform := -1
		if top := chain[len(chain)-1]; j == n-1 {
			inform = top
		} else if g.chance(30) {
			inform = pick(g, g.leaders)
		}
		if inform >= 0 && g.roles[inform].id != t.accountable {
			t.informed = append(t.informed, inform)
		}
	}
	if n > 2 && g.chance(4) {
		tiers[1].upTo = tiers[0].upTo // a repeated up_to: a split authority
	}
	if owner {
		tiers[0].accountable = "@owner"
	}
	return tiers
}

var workPool = []string{"Operate controls", "Triage alerts", "Patch systems", "Review access",
	"Run awareness campaigns", "Assess vendors", "Test backups", "Monitor configurations"}

// makeResponsibilities gives each domain a responsibility performed by staff
// roles. About half are measured on the domain's outcomes: then the owner is
// responsible too, and a few times a staff role is measured alongside it.
func (g *gen) makeResponsibilities() {
	workers := g.staff
	if len(workers) == 0 {
		workers = g.leaders
	}
	for i, d := range g.domains {
		r := &responsibility{id: "resp-" + d.id, name: workPool[i%len(workPool)] + " in " + d.name}
		if g.chance(5) {
			r.id = "resp-all-" + strconv.Itoa(i)
		} else {
			r.domains = []int{i}
		}
		if len(d.outcomes) > 0 && g.chance(50) {
			for _, o := range d.outcomes[:1+g.rng.IntN(len(d.outcomes))] {
				r.measuredOn = append(r.measuredOn, d.id+"."+o.id)
			}
			if d.owner >= 0 {
				r.responsible = append(r.responsible, d.owner)
			}
			if d.owner < 0 || g.chance(15) {
				r.responsible = append(r.responsible, pick(g, workers))
			}
		} else {
			for range 1 + g.rng.IntN(2) {
				if w := pick(g, workers); !slices.Contains(r.responsible, w) {
					r.responsible = append(r.responsible, w)
				}
			}
		}
		g.responsibilities = append(g.responsibilities, r)
	}
}

var (
	categoryPool = []string{"data-breach", "ransomware", "service-outage", "fraud", "regulatory",
		"third-party", "patient-safety", "privacy", "insider", "reputation"}
	threats  = []string{"Ransomware", "Credential theft", "Data exfiltration", "Misconfiguration", "Insider misuse", "Supplier compromise", "Outage"}
	assets   = []string{"file servers", "EHR platform", "payroll", "cloud storage", "email", "imaging archive", "VPN", "billing system"}
	statuses = []string{"open", "open", "open", "open", "open", "open", "mitigating", "mitigating", "accepted", "transferred", "avoided", "closed"}
)

// Estimate forms of a risk.
const (
	pertPERT = iota
	rateLognormal
	pertLognormal
	ratePERT
	qualitative
	estimateForms
)

// makeRisks fills the register with risks of every estimate form, and the
// appetite with a tolerance for every category in use but, when there are
// five or more, the last one.
func (g *gen) makeRisks() {
	g.categories = categoryPool[:min(len(categoryPool), 2+g.size.Risks/150)]
	g.appetite = len(g.categories)
	if g.appetite >= 5 {
		g.appetite--
	}
	for i := range g.size.Risks {
		k := &risk{
			id:       "R-" + strconv.Itoa(i+1),
			title:    pick(g, threats) + " on " + pick(g, assets),
			domain:   g.rng.IntN(len(g.domains)),
			category: pick(g, g.categories),
			status:   pick(g, statuses),
			owner:    -1,
			form:     g.rng.IntN(estimateForms),
		}
		if g.chance(80) {
			k.owner = g.domains[k.domain].owner
		}
		// Rates in thousandths of an event per year, so they print exactly.
		fMin := 1 + g.rng.IntN(300)
		fLikely := fMin + g.rng.IntN(500)
		fMax := fLikely + 1 + g.rng.IntN(2000)
		k.fMin, k.fLikely, k.fMax = float64(fMin)/1000, float64(fLikely)/1000, float64(fMax)/1000
		k.mMin = float64(1000 * (5 + g.rng.IntN(200)))
		k.mLikely = k.mMin + float64(1000*g.rng.IntN(800))
		k.mMax = k.mLikely + float64(1000*(1+g.rng.IntN(5000)))
		k.likelihood, k.impact = 1+g.rng.IntN(5), 1+g.rng.IntN(5)
		g.risks = append(g.risks, k)
	}
}
