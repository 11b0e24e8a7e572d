package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/antares-governance/antares"
	"github.com/antares-governance/antares/ledger"
)

const requestColumns = `id, decision, domain, subject, measure, requested_by, opened, deadline, escalations, decided_in, renews`

// OpenRequest implements Store.
func (s *DB) OpenRequest(ctx context.Context, r *ledger.Request) (bool, error) {
	opened := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		if r.Renews != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE renews = $1`, r.Renews).Scan(&n); err != nil || n > 0 {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM requests`).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO requests (`+requestColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)`,
			id, r.Decision, r.Domain, r.Subject, r.Measure, r.RequestedBy, millis(r.Opened), millis(r.Deadline), r.Escalations, nullZero(r.Renews))
		if err != nil {
			return err
		}
		r.ID, opened = id, true
		return nil
	})
	return opened, err
}

// Request implements Store.
func (s *DB) Request(ctx context.Context, id int64) (*ledger.Request, error) {
	rs, err := s.requests(ctx, `WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, antares.Errorf(antares.ENOTFOUND, "there is no request %d", id)
	}
	return rs[0], nil
}

// Requests implements Store.
func (s *DB) Requests(ctx context.Context) ([]*ledger.Request, error) {
	return s.requests(ctx, `ORDER BY id`)
}

func (s *DB) requests(ctx context.Context, where string, args ...any) ([]*ledger.Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM requests `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ledger.Request
	for rows.Next() {
		var r ledger.Request
		var measure sql.NullFloat64
		var opened, deadline int64
		var decided, renews sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Decision, &r.Domain, &r.Subject, &measure, &r.RequestedBy, &opened, &deadline,
			&r.Escalations, &decided, &renews); err != nil {
			return nil, err
		}
		if measure.Valid {
			r.Measure = &measure.Float64
		}
		r.Opened, r.Deadline = fromMillis(opened), fromMillis(deadline)
		r.DecidedIn, r.Renews = decided.Int64, renews.Int64
		out = append(out, &r)
	}
	return out, rows.Err()
}

// Escalate implements Store.
func (s *DB) Escalate(ctx context.Context, step ledger.Step) (bool, error) {
	done := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE requests SET escalations = $1, deadline = $2
			WHERE id = $3 AND escalations = $4 AND decided_in IS NULL`,
			step.Step, millis(step.Deadline), step.Request, step.Step-1)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO request_escalations (request_id, step, at, to_role) VALUES ($1, $2, $3, $4)`,
			step.Request, step.Step, millis(step.At), step.To)
		if err != nil {
			return err
		}
		if err := appendEntries(ctx, tx, []*ledger.Entry{step.Entry}); err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func nullZero(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }
