package governance

import (
	"errors"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/antares-governance/antares"
)

// Source is one model file's name and content.
type Source struct {
	Name string
	Data []byte
}

// MaxFileSize is the largest model file Load reads.
const MaxFileSize = 64 << 20

// Load reads the model at path: one YAML file, or a directory whose *.yaml
// and *.yml files (not recursive) are merged. A model with problems returns
// an Errors listing all of them.
func Load(path string) (*Model, error) {
	srcs, err := readSources(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, srcs...)
}

func readSources(path string) ([]Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, antares.Errorf(antares.EINVALID, "model %s: no such file or directory", path)
		}
		return nil, antares.Errorf(antares.EINVALID, "model %s: %v", path, err)
	}
	names := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, antares.Errorf(antares.EINVALID, "model %s: %v", path, err)
		}
		names = names[:0]
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
		if len(names) == 0 {
			return nil, antares.Errorf(antares.EINVALID, "model %s: the directory has no .yaml or .yml files", path)
		}
	}
	srcs := make([]Source, 0, len(names))
	for _, name := range names {
		data, err := readFile(name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, Source{Name: name, Data: data})
	}
	return srcs, nil
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "model %s: %v", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, antares.Errorf(antares.EINVALID, "model %s: %v", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, antares.Errorf(antares.EINVALID, "model %s: file is larger than %d MiB", name, MaxFileSize>>20)
	}
	return data, nil
}

// Parse builds a model from sources, as Load does from files; path names the
// model in messages and in Model.Path.
func Parse(path string, srcs ...Source) (*Model, error) {
	l := &loader{m: &Model{Path: path, Scales: DefaultScales}}
	for _, src := range srcs {
		l.file(src)
	}
	if len(l.errs) == 0 || l.decoded {
		l.validate()
	}
	if len(l.errs) > 0 {
		return nil, l.errs.sorted()
	}
	l.m.digest = digest(l.m)
	return l.m, nil
}

// loader accumulates a model from its files, and the references to check
// once every file is read.
type loader struct {
	m       *Model
	errs    Errors
	refs    []ref
	decoded bool // at least one file decoded, so references can be checked

	apiVersionPos Pos
	orgPos        Pos
	scalesPos     Pos
	routingPos    Pos
}

// ref is a reference to an id of some kind, checked after every file is read.
type ref struct {
	kind string // person, role, domain, decision, outcome
	id   string
	pos  Pos
	in   string // where it was written, for the message: "accountable of tier 2 of risk-acceptance"
}

func (l *loader) file(src Source) {
	l.m.Files = append(l.m.Files, src.Name)
	docs, perr := parseYAML(src.Name, src.Data)
	if perr != nil {
		l.errs = append(l.errs, *perr)
		return
	}
	d := &decoder{file: src.Name, errs: &l.errs}
	if len(docs) == 0 {
		d.errorAt(Pos{File: src.Name, Line: 1, Column: 1}, "the file is empty: a model file is a mapping with keys such as apiVersion, people, roles, domains and decisions")
		return
	}
	if len(docs) > 1 {
		d.errorf(docs[1], "a model file holds one YAML document; split the others into files of their own")
	}
	l.decoded = true
	root := docs[0]
	d.object(root, "the model file",
		field{name: "apiVersion", set: func(v node) { l.apiVersion(d, v) }},
		field{name: "organization", set: func(v node) { l.organization(d, v) }},
		field{name: "people", set: func(v node) { d.list(v, "people", func(n node) { l.person(d, n) }) }},
		field{name: "roles", set: func(v node) { d.list(v, "roles", func(n node) { l.role(d, n) }) }},
		field{name: "domains", set: func(v node) { d.list(v, "domains", func(n node) { l.domain(d, n) }) }},
		field{name: "decisions", set: func(v node) { d.list(v, "decisions", func(n node) { l.decision(d, n) }) }},
		field{name: "responsibilities", set: func(v node) {
			d.list(v, "responsibilities", func(n node) { l.responsibility(d, n) })
		}},
		field{name: "appetite", set: func(v node) {
			if l.m.AppetitePos.Line == 0 {
				l.m.AppetitePos = d.pos(v)
			}
			d.list(v, "appetite", func(n node) { l.appetite(d, n) })
		}},
		field{name: "scales", set: func(v node) { l.scales(d, v) }},
		field{name: "routing", set: func(v node) { l.routing(d, v) }},
		field{name: "risks", set: func(v node) { d.list(v, "risks", func(n node) { l.risk(d, n) }) }},
		field{name: "risk_treatment", set: func(v node) {
			if l.once(d, v, "risk_treatment", &l.m.RiskTreatmentPos) {
				l.m.RiskTreatment = d.id(v, "risk_treatment")
				l.refs = append(l.refs, ref{kind: "decision", id: l.m.RiskTreatment, pos: d.pos(v), in: "risk_treatment"})
			}
		}},
	)
}

// once reports whether a singular top-level key is seen for the first time,
// and reports the repeat otherwise.
func (l *loader) once(d *decoder, v node, key string, first *Pos) bool {
	if first.File != "" {
		d.errorf(v, "%s is already given at %s:%d:%d: it may appear in one file only", key, first.File, first.Line, first.Column)
		return false
	}
	*first = d.pos(v)
	return true
}

func (l *loader) apiVersion(d *decoder, v node) {
	s := d.str(v, "apiVersion")
	if s != APIVersion && isScalar(v) {
		d.errorf(v, "apiVersion %q is not supported: this version of Antares reads %q", s, APIVersion)
		return
	}
	if l.apiVersionPos.File == "" {
		l.apiVersionPos = d.pos(v)
		l.m.APIVersion = s
	}
}

func (l *loader) organization(d *decoder, v node) {
	if !l.once(d, v, "organization", &l.orgPos) {
		return
	}
	o := &l.m.Organization
	o.Pos = d.pos(v)
	d.object(v, "organization",
		field{name: "name", required: true, set: func(v node) { o.Name = d.text(v, "organization name") }},
		field{name: "currency", set: func(v node) {
			o.Currency = d.str(v, "currency")
			if len(o.Currency) != 3 || strings.ToUpper(o.Currency) != o.Currency {
				d.errorf(v, "currency %q must be an ISO 4217 code of three capital letters, e.g. USD, EUR", o.Currency)
			}
		}},
	)
}

func (l *loader) person(d *decoder, n node) {
	p := &Person{Status: StatusActive, Pos: d.pos(n)}
	if !d.object(n, "a person",
		field{name: "id", required: true, set: func(v node) { p.ID = d.id(v, "person id") }},
		field{name: "name", set: func(v node) { p.Name = d.text(v, "name") }},
		field{name: "email", set: func(v node) {
			p.Email = d.str(v, "email")
			if at := strings.IndexByte(p.Email, '@'); at <= 0 || at == len(p.Email)-1 || strings.ContainsAny(p.Email, " \t") {
				d.errorf(v, "email %q is not an email address", p.Email)
			}
		}},
		field{name: "roles", set: func(v node) {
			d.list(v, "roles", func(n node) {
				id := d.id(n, "role")
				p.Roles = append(p.Roles, id)
				l.refs = append(l.refs, ref{kind: "role", id: id, pos: d.pos(n), in: "roles of person " + p.ID})
			})
		}},
		field{name: "status", set: func(v node) { p.Status = d.oneOf(v, "status", StatusActive, StatusDeparted) }},
	) {
		return
	}
	l.m.People = append(l.m.People, p)
}

func (l *loader) role(d *decoder, n node) {
	r := &Role{Kind: KindIndividual, Pos: d.pos(n)}
	var chair node
	if !d.object(n, "a role",
		field{name: "id", required: true, set: func(v node) { r.ID = d.id(v, "role id") }},
		field{name: "title", set: func(v node) { r.Title = d.text(v, "title") }},
		field{name: "kind", set: func(v node) { r.Kind = d.oneOf(v, "kind", KindIndividual, KindBody) }},
		field{name: "chair", set: func(v node) { chair = v; r.Chair = d.id(v, "chair") }},
		field{name: "reports_to", set: func(v node) {
			r.ReportsTo = d.id(v, "reports_to")
			l.refs = append(l.refs, ref{kind: "role", id: r.ReportsTo, pos: d.pos(v), in: "reports_to of role " + r.ID})
		}},
	) {
		return
	}
	if chair != nil {
		r.ChairPos = d.pos(chair)
		if r.Kind != KindBody {
			d.errorf(chair, "role %s has a chair but is not a body: add kind: body, or remove the chair", r.ID)
		} else if r.Chair != "" {
			l.refs = append(l.refs, ref{kind: "person", id: r.Chair, pos: r.ChairPos, in: "chair of role " + r.ID})
		}
	}
	l.m.Roles = append(l.m.Roles, r)
}

func (l *loader) domain(d *decoder, n node) {
	dom := &Domain{Pos: d.pos(n)}
	if !d.object(n, "a domain",
		field{name: "id", required: true, set: func(v node) { dom.ID = d.id(v, "domain id") }},
		field{name: "name", set: func(v node) { dom.Name = d.text(v, "name") }},
		field{name: "owner", set: func(v node) {
			dom.Owner, dom.OwnerPos = d.id(v, "owner"), d.pos(v)
			l.refs = append(l.refs, ref{kind: "role", id: dom.Owner, pos: dom.OwnerPos, in: "owner of domain " + dom.ID})
		}},
		field{name: "outcomes", set: func(v node) {
			d.list(v, "outcomes", func(n node) {
				o := &Outcome{Pos: d.pos(n)}
				if d.object(n, "an outcome",
					field{name: "id", required: true, set: func(v node) { o.ID = d.id(v, "outcome id") }},
					field{name: "name", set: func(v node) { o.Name = d.text(v, "name") }},
					field{name: "target", set: func(v node) {
						t, err := ParseTarget(d.str(v, "target"))
						if err != nil {
							if isScalar(v) {
								d.errorf(v, "%v", err)
							}
							return
						}
						o.Target = &t
					}},
				) {
					dom.Outcomes = append(dom.Outcomes, o)
				}
			})
		}},
		field{name: "review", set: func(v node) {
			r := &Review{Pos: d.pos(v)}
			if d.object(v, "review",
				field{name: "every", required: true, set: func(v node) { r.Every = d.duration(v, "review every") }},
				field{name: "by", required: true, set: func(v node) {
					r.By = d.id(v, "review by")
					l.refs = append(l.refs, ref{kind: "role", id: r.By, pos: d.pos(v), in: "review of domain " + dom.ID})
				}},
			) {
				dom.Review = r
			}
		}},
	) {
		return
	}
	l.m.Domains = append(l.m.Domains, dom)
}

func (d *decoder) duration(v node, what string) Duration {
	s := d.str(v, what)
	if !isScalar(v) {
		return Duration{}
	}
	dur, err := ParseDuration(s)
	if err != nil {
		d.errorf(v, "%s: %v", what, err)
	}
	return dur
}

// domainList reads a list of domain ids where ["*"] (or omitting the key)
// means every domain; it returns nil for every domain.
func (l *loader) domainList(d *decoder, v node, in string, star bool) []string {
	ids := []string{}
	var starNode node
	d.list(v, "domains", func(n node) {
		s := d.str(n, "domain")
		if s == "*" {
			if !star {
				d.errorf(n, "\"*\" (every domain) is for a decision's or a responsibility's domains; a tier names domain ids, or omits domains to apply everywhere")
				return
			}
			starNode = n
			return
		}
		s = d.id(n, "domain")
		ids = append(ids, s)
		l.refs = append(l.refs, ref{kind: "domain", id: s, pos: d.pos(n), in: in})
	})
	switch {
	case starNode != nil && len(ids) > 0:
		d.errorf(starNode, "\"*\" means every domain: list either \"*\" alone or domain ids")
		return nil
	case starNode != nil:
		return nil
	case len(ids) == 0 && isList(v):
		d.errorf(v, "domains is empty: list domain ids%s", map[bool]string{true: `, or "*" for every domain`}[star])
	}
	return ids
}

func (l *loader) decision(d *decoder, n node) {
	dec := &Decision{Measure: MeasureNone, Pos: d.pos(n)}
	if !d.object(n, "a decision",
		field{name: "id", required: true, set: func(v node) { dec.ID = d.id(v, "decision id") }},
		field{name: "name", set: func(v node) { dec.Name = d.text(v, "name") }},
		field{name: "domains", set: func(v node) { dec.Domains = l.domainList(d, v, "domains of decision "+dec.ID, true) }},
		field{name: "measure", set: func(v node) {
			dec.Measure = d.oneOf(v, "measure", MeasureExposure, MeasureAmount, MeasureSeverity, MeasureNone)
		}},
		field{name: "sla", set: func(v node) { dec.SLA = d.duration(v, "sla") }},
		field{name: "valid_for", set: func(v node) { dec.ValidFor = d.duration(v, "valid_for") }},
		field{name: "separation_of_duties", set: func(v node) { dec.SeparationOfDuties = d.boolean(v, "separation_of_duties") }},
		field{name: "authority", set: func(v node) {
			d.list(v, "authority", func(n node) {
				if t := l.tier(d, n, dec, len(dec.Authority)+1); t != nil {
					dec.Authority = append(dec.Authority, t)
				}
			})
		}},
	) {
		return
	}
	if dec.Measure == "" {
		dec.Measure = MeasureNone
	}
	if !dec.Measured() {
		for _, t := range dec.Authority {
			if t.UpTo != nil {
				d.errorAt(t.Pos, "tier %d of decision %s has up_to, but the decision has no measure: add measure: exposure, amount or severity, or remove up_to", t.Index, dec.ID)
			}
		}
	}
	l.m.Decisions = append(l.m.Decisions, dec)
}

func (l *loader) tier(d *decoder, n node, dec *Decision, index int) *Tier {
	t := &Tier{Index: index, Pos: d.pos(n)}
	where := func(what string) string { return what + " of tier " + itoa(index) + " of decision " + dec.ID }
	roles := func(v node, what string) []string {
		var out []string
		d.list(v, what, func(n node) {
			id := d.id(n, "role")
			out = append(out, id)
			l.refs = append(l.refs, ref{kind: "role", id: id, pos: d.pos(n), in: where(what)})
		})
		return out
	}
	if !d.object(n, "a tier",
		field{name: "up_to", set: func(v node) {
			if f, ok := d.positive(v, "up_to", false); ok {
				t.UpTo = &f
			}
		}},
		field{name: "accountable", required: true, set: func(v node) {
			if s := d.str(v, "accountable"); s == OwnerRole {
				t.Accountable = s
				return
			}
			t.Accountable = d.id(v, "accountable")
			l.refs = append(l.refs, ref{kind: "role", id: t.Accountable, pos: d.pos(v), in: where("accountable")})
		}},
		field{name: "consulted", set: func(v node) { t.Consulted = roles(v, "consulted") }},
		field{name: "informed", set: func(v node) { t.Informed = roles(v, "informed") }},
		field{name: "domains", set: func(v node) {
			t.Domains = l.domainList(d, v, where("domains"), false)
			for _, id := range t.Domains {
				if !dec.AppliesTo(id) {
					d.errorf(v, "tier %d names domain %s, but decision %s is not made there: add it to the decision's domains", index, id, dec.ID)
				}
			}
		}},
	) {
		return nil
	}
	return t
}

func (l *loader) responsibility(d *decoder, n node) {
	r := &Responsibility{Pos: d.pos(n)}
	if !d.object(n, "a responsibility",
		field{name: "id", required: true, set: func(v node) { r.ID = d.id(v, "responsibility id") }},
		field{name: "name", set: func(v node) { r.Name = d.text(v, "name") }},
		field{name: "domains", set: func(v node) { r.Domains = l.domainList(d, v, "domains of responsibility "+r.ID, true) }},
		field{name: "responsible", required: true, set: func(v node) {
			d.list(v, "responsible", func(n node) {
				id := d.id(n, "role")
				r.Responsible = append(r.Responsible, id)
				l.refs = append(l.refs, ref{kind: "role", id: id, pos: d.pos(n), in: "responsible of " + r.ID})
			})
		}},
		field{name: "measured_on", set: func(v node) {
			d.list(v, "measured_on", func(n node) {
				s := d.str(n, "measured_on")
				dom, out, ok := strings.Cut(s, ".")
				if !ok || !idPattern.MatchString(dom) || !idPattern.MatchString(out) {
					if isScalar(n) {
						d.errorf(n, "measured_on %q must name an outcome as domain.outcome, e.g. identity.mfa-coverage", s)
					}
					return
				}
				or := OutcomeRef{Domain: dom, Outcome: out, Pos: d.pos(n)}
				r.MeasuredOn = append(r.MeasuredOn, or)
				l.refs = append(l.refs, ref{kind: "outcome", id: s, pos: or.Pos, in: "measured_on of " + r.ID})
			})
		}},
	) {
		return
	}
	l.m.Responsibilities = append(l.m.Responsibilities, r)
}

func (l *loader) appetite(d *decoder, n node) {
	a := &Appetite{Pos: d.pos(n)}
	if d.object(n, "an appetite entry",
		field{name: "category", required: true, set: func(v node) { a.Category = d.id(v, "category") }},
		field{name: "tolerance", required: true, set: func(v node) { a.Tolerance, _ = d.positive(v, "tolerance", true) }},
		field{name: "statement", set: func(v node) { a.Statement = d.str(v, "statement") }},
	) {
		l.m.Appetite = append(l.m.Appetite, a)
	}
}

func (l *loader) scales(d *decoder, v node) {
	if !l.once(d, v, "scales", &l.scalesPos) {
		return
	}
	five := func(v node, what string, limit float64, into *[5]float64) {
		var vals []float64
		d.list(v, what, func(n node) {
			f, ok := d.positive(n, what, false)
			if ok && f > limit {
				d.errorf(n, "%s must be at most %g, not %v", what, limit, f)
				ok = false
			}
			if ok {
				vals = append(vals, f)
			}
		})
		if !isList(v) {
			return
		}
		if len(vals) != 5 {
			d.errorf(v, "%s must list 5 numbers, one per score from 1 to 5", what)
			return
		}
		for i := 1; i < 5; i++ {
			if vals[i] <= vals[i-1] {
				d.errorf(v, "%s must increase from score 1 to score 5", what)
				return
			}
		}
		copy(into[:], vals)
	}
	d.object(v, "scales",
		field{name: "likelihood_per_year", set: func(v node) { five(v, "likelihood_per_year", MaxRate, &l.m.Scales.LikelihoodPerYear) }},
		field{name: "impact", set: func(v node) { five(v, "impact", MaxLoss, &l.m.Scales.Impact) }},
	)
}

func (l *loader) routing(d *decoder, v node) {
	if !l.once(d, v, "routing", &l.routingPos) {
		return
	}
	r := &Routing{MinSeverity: 1, Pos: d.pos(v)}
	if !d.object(v, "routing",
		field{name: "decision", required: true, set: func(v node) {
			r.Decision = d.id(v, "routing decision")
			l.refs = append(l.refs, ref{kind: "decision", id: r.Decision, pos: d.pos(v), in: "routing"})
		}},
		field{name: "min_severity", set: func(v node) { r.MinSeverity, _ = d.integer(v, "min_severity (an OCSF severity_id)", 0, 6) }},
		field{name: "default_domain", set: func(v node) {
			r.DefaultDomain = d.id(v, "default_domain")
			l.refs = append(l.refs, ref{kind: "domain", id: r.DefaultDomain, pos: d.pos(v), in: "routing default_domain"})
		}},
		field{name: "rules", set: func(v node) {
			d.list(v, "rules", func(n node) {
				rule := &RoutingRule{Pos: d.pos(n)}
				if d.object(n, "a routing rule",
					field{name: "match", required: true, set: func(v node) { rule.Match = d.match(v) }},
					field{name: "domain", required: true, set: func(v node) {
						rule.Domain = d.id(v, "domain")
						l.refs = append(l.refs, ref{kind: "domain", id: rule.Domain, pos: d.pos(v), in: "routing rule"})
					}},
				) {
					r.Rules = append(r.Rules, rule)
				}
			})
		}},
	) {
		return
	}
	l.m.Routing = r
}

var matchPathPattern = regexp.MustCompile(`^[A-Za-z0-9_]+(\[\])?(\.[A-Za-z0-9_]+(\[\])?)*$`)

func (d *decoder) match(v node) []Match {
	if v == nil || v.Kind != yaml.MappingNode {
		d.errorf(v, "match must be a mapping of event paths to globs, e.g. {\"resources[].type\": \"AwsIam*\"}, not %s", kindOf(v))
		return nil
	}
	if len(v.Content) == 0 {
		d.errorf(v, "match is empty: a rule needs at least one condition")
	}
	var out []Match
	for k, val := range d.pairs(v) {
		path, ok := d.key(k)
		if !ok {
			continue
		}
		if !matchPathPattern.MatchString(path) {
			d.errorf(k, "match path %q must be a dotted path into the OCSF event, with [] for any element, e.g. resources[].type", path)
			continue
		}
		glob := d.str(d.resolve(val), "match value")
		if _, err := pathpkg.Match(glob, ""); err != nil {
			d.errorf(val, "match value %q is not a valid glob: %v", glob, err)
			continue
		}
		out = append(out, Match{Path: path, Glob: glob})
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
