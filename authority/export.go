package authority

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
)

// exportLadder is one ladder as the exports write it: the tiers of a
// decision that apply together, and the domains where they form the ladder.
type exportLadder struct {
	id       string
	decision *governance.Decision
	tiers    []*Resolution // reachable tiers, resolved in the first domain
	domains  []*governance.Domain
	// depth is how far up reports_to an "@owner" tier can escalate in any
	// of the domains.
	depth int
}

// exportLadders groups each decision's domains by the tiers that form their
// ladder, in model order. A decision's general tiers form the ladder named
// after the decision; tiers naming domains form "decision/tiers-4-5".
func (x *Index) exportLadders() []*exportLadder {
	var out []*exportLadder
	n := len(x.model.Domains)
	for di, d := range x.model.Decisions {
		byKey := map[string]*exportLadder{}
		for mi, dom := range x.model.Domains {
			l := &x.ladders[di*n+mi]
			if len(l.tiers) == 0 {
				continue
			}
			var idx []string
			for _, r := range l.tiers {
				idx = append(idx, strconv.Itoa(r.Tier.Index))
			}
			key := strings.Join(idx, "-")
			el := byKey[key]
			if el == nil {
				el = &exportLadder{id: d.ID, decision: d}
				if l.tiers[0].Tier.Domains != nil {
					el.id += "/tiers-" + key
				}
				for i := range l.tiers {
					el.tiers = append(el.tiers, &l.tiers[i])
				}
				byKey[key] = el
				out = append(out, el)
			}
			el.domains = append(el.domains, dom)
			for _, r := range l.tiers {
				if r.Tier.Accountable == governance.OwnerRole {
					el.depth = max(el.depth, len(r.Escalation))
				}
			}
		}
	}
	return out
}

// exportError reports what a model or delegation holds that an export
// cannot say exactly.
func exportError(format string, args ...any) error {
	return antares.Errorf(antares.EINVALID, "cannot export: "+format, args...)
}

// maxDecimal is the largest whole number a Cedar decimal holds.
const maxDecimal = 922337203685477

// cedarDecimal writes v as a Cedar decimal literal's argument: at most four
// digits after the point, within Cedar's 64-bit range.
func cedarDecimal(v float64, what string) (string, error) {
	s := formatNumber(v)
	_, frac, _ := strings.Cut(s, ".")
	if len(frac) > 4 || !(math.Abs(v) <= maxDecimal) {
		return "", exportError("%s %s is not a Cedar decimal: give at most 4 digits after the point, and at most %d", what, s, maxDecimal)
	}
	if frac == "" {
		s += ".0"
	}
	return s, nil
}

// millis writes t at the millisecond, the precision the engine and the
// exports compare times at.
func millis(t time.Time) string {
	return time.UnixMilli(t.UnixMilli()).UTC().Format("2006-01-02T15:04:05.000Z")
}

func delegationLabel(d *Delegation, i int) string {
	if d.ID != "" {
		return d.ID
	}
	return fmt.Sprint(i + 1)
}
