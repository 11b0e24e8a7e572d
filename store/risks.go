package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/governance"
	"github.com/antares-governance/antares/risk"
)

// Register is the risk register a Store keeps: the risks imported from
// register files, and the figures of each risk treatment beside the ledger
// entry that records it.
type Register interface {
	// ImportRisks stores risks, replacing stored risks of the same ids, all
	// in one transaction: a batch with a risk that is not valid (or two
	// risks of one id) stores nothing and is an antares.EINVALID error.
	// Each risk is recorded as imported at at, when the ledger had the size
	// it has at the commit.
	ImportRisks(ctx context.Context, risks []*governance.Risk, at time.Time) error
	// Risks returns the stored risks, by id.
	Risks(ctx context.Context) ([]risk.Registered, error)
	// Risk returns the stored risk id (antares.ENOTFOUND when none is).
	Risk(ctx context.Context, id string) (risk.Registered, error)
	// RecordTreatment keeps the figures of a treatment beside the ledger
	// entry f.Seq, which must exist (antares.ENOTFOUND) and have none yet
	// (antares.ECONFLICT).
	RecordTreatment(ctx context.Context, f risk.TreatmentFigures) error
	// TreatmentFigures returns the figures of every treatment, by entry.
	TreatmentFigures(ctx context.Context) ([]risk.TreatmentFigures, error)
}

var riskColumns = append([]string{"id", "title", "domain", "category", "owner", "status"}, risk.EstimateColumns...)

var riskSelect = `SELECT ` + strings.Join(riskColumns, ", ") + `, source_file, source_line, imported, ledger_size FROM risks `

// checkRisk reports what makes r unfit for the register.
func checkRisk(r *governance.Risk) error {
	switch {
	case !governance.ValidRiskID(r.ID):
		return fmt.Errorf("risk id %q must be non-empty text without spaces", r.ID)
	case r.Domain == "":
		return fmt.Errorf("risk %s has no domain", r.ID)
	case !governance.ValidID(r.Category):
		return fmt.Errorf("risk %s: category %q is not a valid id", r.ID, r.Category)
	case !slices.Contains(governance.RiskStatuses, r.Status):
		return fmt.Errorf("risk %s: status %q is not one of %s", r.ID, r.Status, strings.Join(governance.RiskStatuses, ", "))
	}
	if err := r.Estimate.Check(); err != nil {
		return fmt.Errorf("risk %s: %v", r.ID, err)
	}
	return nil
}

// ImportRisks implements Register.
func (s *DB) ImportRisks(ctx context.Context, risks []*governance.Risk, at time.Time) error {
	seen := make(map[string]bool, len(risks))
	for _, r := range risks {
		if err := checkRisk(r); err != nil {
			return antares.Errorf(antares.EINVALID, "%v", err)
		}
		if seen[r.ID] {
			return antares.Errorf(antares.EINVALID, "risk %s is given twice", r.ID)
		}
		seen[r.ID] = true
	}
	var q strings.Builder
	q.WriteString("INSERT INTO risks (" + strings.Join(riskColumns, ", ") + ", source_file, source_line, imported, ledger_size) VALUES (")
	for i := range len(riskColumns) + 4 {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "$%d", i+1)
	}
	q.WriteString(") ON CONFLICT (id) DO UPDATE SET ")
	for i, c := range append(riskColumns[1:], "source_file", "source_line", "imported", "ledger_size") {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(c + " = excluded." + c)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM ledger_entries`).Scan(&size); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, q.String())
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range risks {
			args := []any{r.ID, r.Title, r.Domain, r.Category, r.Owner, r.Status}
			figures := risk.FiguresOf(r.Estimate)
			for _, c := range risk.EstimateColumns {
				v, ok := figures[c]
				args = append(args, sql.NullFloat64{Float64: v, Valid: ok})
			}
			args = append(args, r.Pos.File, r.Pos.Line, millis(at), size)
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Risks implements Register.
func (s *DB) Risks(ctx context.Context) ([]risk.Registered, error) {
	return s.risks(ctx, `ORDER BY id`)
}

// Risk implements Register.
func (s *DB) Risk(ctx context.Context, id string) (risk.Registered, error) {
	rs, err := s.risks(ctx, `WHERE id = $1`, id)
	if err != nil {
		return risk.Registered{}, err
	}
	if len(rs) == 0 {
		return risk.Registered{}, antares.Errorf(antares.ENOTFOUND, "the register has no risk %s", id)
	}
	return rs[0], nil
}

func (s *DB) risks(ctx context.Context, where string, args ...any) ([]risk.Registered, error) {
	rows, err := s.db.QueryContext(ctx, riskSelect+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []risk.Registered
	for rows.Next() {
		r := &governance.Risk{}
		figures := make([]sql.NullFloat64, len(risk.EstimateColumns))
		dest := []any{&r.ID, &r.Title, &r.Domain, &r.Category, &r.Owner, &r.Status}
		for i := range figures {
			dest = append(dest, &figures[i])
		}
		var imported, size int64
		dest = append(dest, &r.Pos.File, &r.Pos.Line, &imported, &size)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		f := risk.Figures{}
		for i, c := range risk.EstimateColumns {
			if figures[i].Valid {
				f[c] = figures[i].Float64
			}
		}
		if r.Estimate, err = f.Estimate(); err != nil {
			return nil, fmt.Errorf("stored risk %s: %v", r.ID, err)
		}
		if r.Pos.Line > 0 {
			r.Pos.Column = 1
		}
		out = append(out, risk.Registered{Risk: r, Imported: fromMillis(imported), LedgerSize: size})
	}
	return out, rows.Err()
}

// RecordTreatment implements Register.
func (s *DB) RecordTreatment(ctx context.Context, f risk.TreatmentFigures) error {
	switch {
	case !(f.Reduction >= 0 && f.Reduction <= 100):
		return antares.Errorf(antares.EINVALID, "a reduction is a percentage from 0 to 100, got %v", f.Reduction)
	case !(f.Exposure >= 0) || math.IsInf(f.Exposure, 1):
		return antares.Errorf(antares.EINVALID, "an exposure is a finite amount of 0 or more, got %v", f.Exposure)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE seq = $1`, f.Seq).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return antares.Errorf(antares.ENOTFOUND, "the ledger has no entry %d", f.Seq)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM risk_treatments WHERE seq = $1`, f.Seq).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return antares.Errorf(antares.ECONFLICT, "entry %d already has the figures of a treatment", f.Seq)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO risk_treatments (seq, risk_id, exposure, reduction) VALUES ($1, $2, $3, $4)`,
			f.Seq, f.Risk, f.Exposure, f.Reduction)
		return err
	})
}

// TreatmentFigures implements Register.
func (s *DB) TreatmentFigures(ctx context.Context) ([]risk.TreatmentFigures, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, risk_id, exposure, reduction FROM risk_treatments ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []risk.TreatmentFigures
	for rows.Next() {
		var f risk.TreatmentFigures
		if err := rows.Scan(&f.Seq, &f.Risk, &f.Exposure, &f.Reduction); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
