package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// CreateCase inserts a new case, unless the filer already created one with the same
// idempotency key, in which case that case is returned with created=false. start runs inside
// the transaction (it starts the workflow): if it fails, nothing is written.
func (s *Store) CreateCase(ctx context.Context, c *Case, start func(*Case) error) (out *Case, created bool, err error) {
	if c.IdempotencyKey != nil {
		if existing, err := s.caseByKey(ctx, c.FiledBySub, *c.IdempotencyKey); err == nil {
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
		c.Number = fmt.Sprintf("REG-%d-%06d", time.Now().UTC().Year(), seq)
		if _, err := tx.NewInsert().Model(c).Returning("*").Exec(ctx); err != nil {
			return err
		}
		return start(c)
	})
	if isUnique(err, "") && c.IdempotencyKey != nil {
		existing, err := s.caseByKey(ctx, c.FiledBySub, *c.IdempotencyKey)
		return existing, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return c, true, nil
}

func (s *Store) caseByKey(ctx context.Context, sub, key string) (*Case, error) {
	c := new(Case)
	err := s.DB.NewSelect().Model(c).Where("filed_by_sub = ? AND idempotency_key = ?", sub, key).Scan(ctx)
	return c, notFound(err)
}

// Scope limits which cases a caller may see. The zero Scope sees nothing.
type Scope struct {
	All            bool
	Province       string
	Enterprise     string
	PractitionerID string
}

// apply adds the scope's condition to a query on cases aliased "c".
func (sc Scope) apply(q *bun.SelectQuery) *bun.SelectQuery {
	switch {
	case sc.All:
		return q
	case sc.Province != "":
		return q.Where("c.province = ?", sc.Province)
	case sc.Enterprise != "":
		return q.Where("c.enterprise_uscc = ?", sc.Enterprise)
	case sc.PractitionerID != "":
		return q.Where("c.practitioner_id = ?", sc.PractitionerID)
	}
	return q.Where("false")
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
	// AssigneeRole/AssigneeSub select cases waiting on the caller (assignee=me).
	AssigneeRole, AssigneeSub string
	Cursor                    string
	Limit                     int
	Now                       time.Time
}

// ErrBadCursor is returned for a cursor this API did not produce.
var ErrBadCursor = errors.New("invalid cursor")

// ListCases returns one page of cases in scope, newest first, and the cursor of the next page.
func (s *Store) ListCases(ctx context.Context, sc Scope, f CaseFilter) ([]Case, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
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
	if f.Overdue {
		q = q.Where("c.status = 'open' AND (c.sla_breached OR (NOT c.sla_paused AND c.sla_due_at < ?))", f.Now)
	}
	if f.AssigneeRole != "" {
		q = q.Where("c.status = 'open' AND c.assignee_role = ? AND (c.assignee_sub = '' OR c.assignee_sub = ?)", f.AssigneeRole, f.AssigneeSub)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("(c.created_at, c.id) < (?, ?)", at, id)
	}
	err := q.OrderExpr("c.created_at DESC, c.id DESC").Limit(int64(f.Limit + 1)).Scan(ctx)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(cases) > f.Limit {
		cases = cases[:f.Limit]
		last := cases[len(cases)-1]
		next = encodeCursor(last.CreatedAt, last.ID)
	}
	return cases, next, nil
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(cur string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	if _, err := uuid.Parse(id); err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	return at, id, nil
}

// CaseEvents returns a case's timeline, oldest first.
func (s *Store) CaseEvents(ctx context.Context, caseID string) ([]CaseEvent, error) {
	var evs []CaseEvent
	err := s.DB.NewSelect().Model(&evs).Where("case_id = ?", caseID).Order("id").Scan(ctx)
	return evs, err
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

// ApplyTransition writes the event and, if it is new, the projection, in one transaction.
// A retried write with the same key changes nothing.
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
			Column("stage", "status", "assignee_role", "assignee_sub", "sla_due_at", "sla_paused",
				"sla_breached", "provincial_reviewer", "extended").
			Set("updated_at = now()").
			WherePK().Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: case %s", ErrNotFound, c.ID)
		}
		return nil
	})
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
