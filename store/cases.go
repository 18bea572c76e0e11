package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/domain"
)

// CreateCase inserts a new case, unless the filer already created one with the same
// idempotency key, in which case that case is returned with created=false. start runs inside
// the transaction (it starts the workflow): if it fails, nothing is written.
func (s *Store) CreateCase(ctx context.Context, c *Case, start func(*Case) error) (out *Case, created bool, err error) {
	if c.IdempotencyKey != nil {
		if existing, err := s.caseByKey(ctx, c.FiledByPrincipal, *c.IdempotencyKey); err == nil {
			return existing, false, nil
		} else if !errors.Is(err, ErrNotFound) {
			return nil, false, err
		}
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var seq int64
		if err := tx.NewRaw("SELECT nextval('case_number_seq')").Scan(ctx, &seq); err != nil {
			return err
		}
		c.ID = uuid.NewString()
		prefix := "CASE"
		if def, ok := domain.DefinitionOf(domain.CaseType(c.Type)); ok {
			prefix = def.NumberPrefix
		}
		c.Number = fmt.Sprintf("%s-%d-%06d", prefix, time.Now().UTC().Year(), seq)
		c.Version = 1
		if _, err := tx.NewInsert().Model(c).Returning("*").Exec(ctx); err != nil {
			return err
		}
		return start(c)
	})
	if isUnique(err, "") && c.IdempotencyKey != nil {
		existing, err := s.caseByKey(ctx, c.FiledByPrincipal, *c.IdempotencyKey)
		return existing, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return c, true, nil
}

func (s *Store) caseByKey(ctx context.Context, principal, key string) (*Case, error) {
	c := new(Case)
	err := s.DB.NewSelect().Model(c).Where("filed_by_principal = ? AND idempotency_key = ?", principal, key).Scan(ctx)
	return c, notFound(err)
}

// GetCase loads a case within scope; out-of-scope and unknown ids are both ErrNotFound.
func (s *Store) GetCase(ctx context.Context, id string, sc Scope) (*Case, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	c := new(Case)
	err := sc.apply(s.DB.NewSelect().Model(c).Where("c.id = ?", id)).Scan(ctx)
	return c, notFound(err)
}

// CaseFilter holds the list filters of GET /cases.
type CaseFilter struct {
	Type, Status, Stage string
	Overdue             bool
	// Stuck selects cases whose activity keeps failing (true) or the others (false).
	Stuck *bool
	// AssigneeRole/AssigneeSub/AssigneeEnterprise select cases waiting on the caller
	// (assignee=me).
	AssigneeRole, AssigneeSub, AssigneeEnterprise string
	Cursor                                        string
	Limit                                         int
	Now                                           time.Time
}

// ListCases returns one page of cases in scope, newest first, and the cursor of the next page.
func (s *Store) ListCases(ctx context.Context, sc Scope, f CaseFilter) ([]Case, string, error) {
	var cases []Case
	q := sc.apply(s.DB.NewSelect().Model(&cases))
	if f.Type != "" {
		q = q.Where("c.type = ?", f.Type)
	}
	if f.Status != "" {
		q = q.Where("c.status = ?", f.Status)
	}
	if f.Stage != "" {
		q = q.Where("c.stage = ?", f.Stage)
	}
	if f.Stuck != nil {
		q = q.Where("c.stuck = ?", *f.Stuck)
	}
	if f.Overdue {
		q = q.Where("c.status = 'open' AND (c.sla_breached OR (NOT c.sla_paused AND c.sla_due_at < ?))", f.Now)
	}
	if f.AssigneeRole != "" {
		q = q.Where("c.status = 'open' AND c.assignee_role = ? AND (c.assignee_sub = '' OR c.assignee_sub = ?)", f.AssigneeRole, f.AssigneeSub).
			Where("(c.assignee_enterprise = '' OR c.assignee_enterprise = ?)", f.AssigneeEnterprise)
	}
	limit, err := paginate(q, "c", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", err
	}
	cases, next := nextPage(cases, limit, func(c Case) (time.Time, string) { return c.CreatedAt, c.ID })
	return cases, next, nil
}

// EventByKey finds one timeline entry by its key.
func (s *Store) EventByKey(ctx context.Context, caseID, key string) (*CaseEvent, error) {
	ev := new(CaseEvent)
	err := s.DB.NewSelect().Model(ev).Where("case_id = ? AND key = ?", caseID, key).Scan(ctx)
	return ev, notFound(err)
}

// Transition is one projection write with its event.
type Transition struct {
	Case  Case
	Event CaseEvent
}

// ApplyTransition writes the event and, if it is new, the projection, in one transaction,
// raising the case's version and clearing its stuck flag. A retried write with the same key
// changes nothing.
func (s *Store) ApplyTransition(ctx context.Context, t Transition) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(&t.Event).On("CONFLICT (case_id, key) DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		c := t.Case
		res, err = tx.NewUpdate().Model(&c).
			Column("stage", "status", "assignee_role", "assignee_sub", "assignee_enterprise", "sla_due_at", "sla_paused",
				"sla_breached", "sla_clock", "provincial_reviewer", "extended").
			Set("updated_at = now(), version = c.version + 1, stuck = false, stuck_reason = ''").
			WherePK().Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: case %s", ErrNotFound, c.ID)
		}
		return notifyCaseChanged(ctx, tx, c.ID)
	})
}

// MarkStuck flags a case whose activity keeps failing, with a reason for operators; it
// reports whether the flag was newly set. The next successful transition clears it.
func (s *Store) MarkStuck(ctx context.Context, caseID, reason string) (bool, error) {
	var n int64
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Case)(nil)).
			Set("stuck = true, stuck_reason = ?, version = c.version + 1", reason).
			Where("c.id = ? AND NOT c.stuck", caseID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		return notifyCaseChanged(ctx, tx, caseID)
	})
	return n > 0, err
}

// CaseByNumber loads a case by its human number (no scope: callers decide what to show).
func (s *Store) CaseByNumber(ctx context.Context, number string) (*Case, error) {
	c := new(Case)
	err := s.DB.NewSelect().Model(c).Where("c.number = ?", number).Scan(ctx)
	return c, notFound(err)
}

// AddNotification stores a notification once per key.
func (s *Store) AddNotification(ctx context.Context, n *Notification) error {
	_, err := s.DB.NewInsert().Model(n).On("CONFLICT (case_id, key) DO NOTHING").Exec(ctx)
	return err
}

// rowExists is a helper for existence checks that must distinguish errors.
func rowExists(err error) (bool, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// CaseVersion reads a case's version alone (the cheap check of a long poll).
func (s *Store) CaseVersion(ctx context.Context, id string) (int, error) {
	var v int
	err := s.DB.NewSelect().Model((*Case)(nil)).Column("version").Where("c.id = ?", id).Scan(ctx, &v)
	return v, notFound(err)
}
