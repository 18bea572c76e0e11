package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// RegistrationRecord is a registration with its specialties, enterprise and holder, as the
// registration views show it.
type RegistrationRecord struct {
	ID               string    `bun:"id"`
	Number           string    `bun:"number"`
	Level            int       `bun:"level"`
	Specialties      []string  `bun:"specialties,array"`
	EnterpriseUSCC   string    `bun:"enterprise_uscc"`
	EnterpriseName   string    `bun:"enterprise_name"`
	PractitionerID   string    `bun:"practitioner_id"`
	PractitionerName string    `bun:"practitioner_name"`
	IDNumberEnc      []byte    `bun:"id_number_enc"`
	ValidFrom        time.Time `bun:"valid_from"`
	ValidTo          time.Time `bun:"valid_to"`
	Status           string    `bun:"status"`
	CreatedAt        time.Time `bun:"created_at"`
}

// RegistrationCase is one case in a registration's history.
type RegistrationCase struct {
	ID     string `bun:"id" json:"id"`
	Number string `bun:"number" json:"number"`
	Type   string `bun:"type" json:"type"`
	Status string `bun:"status" json:"status"`
}

// RegistrationFilter holds the filters of GET /registrations.
type RegistrationFilter struct {
	Status     string
	Enterprise string
	// ExpiringBefore keeps registrations valid to before this date (zero: no filter).
	ExpiringBefore time.Time
	Cursor         string
	Limit          int
}

// registrations selects registration records within scope: the holder, the registered
// enterprise, staff of the enterprise's province, or everyone for national staff.
func (s *Store) registrations(sc Scope) *bun.SelectQuery {
	q := s.DB.NewSelect().TableExpr("registrations AS r").
		ColumnExpr("r.id, r.number, r.level, r.enterprise_uscc, e.name AS enterprise_name, r.practitioner_id").
		ColumnExpr("p.name AS practitioner_name, p.id_number_enc, r.valid_from, r.valid_to, r.status, r.created_at").
		ColumnExpr(`(SELECT array_agg(x.specialty ORDER BY x.added_on, x.specialty) FROM registration_specialties x
			WHERE x.registration_id = r.id) AS specialties`).
		Join("JOIN enterprises AS e ON e.uscc = r.enterprise_uscc").
		Join("JOIN practitioners AS p ON p.id = r.practitioner_id")
	switch {
	case sc.All:
		return q
	case sc.Province != "":
		return q.Where("e.province_code = ?", sc.Province)
	case sc.Enterprise != "":
		return q.Where("r.enterprise_uscc = ?", sc.Enterprise)
	case sc.PractitionerID != "":
		return q.Where("r.practitioner_id = ?", sc.PractitionerID)
	}
	return q.Where("false")
}

// GetRegistration loads a registration by number within scope, with the cases of its history;
// out-of-scope and unknown numbers are both ErrNotFound.
func (s *Store) GetRegistration(ctx context.Context, number string, sc Scope) (*RegistrationRecord, []RegistrationCase, error) {
	rec := new(RegistrationRecord)
	if err := s.registrations(sc).Where("r.number = ?", number).Scan(ctx, rec); err != nil {
		return nil, nil, notFound(err)
	}
	cases := []RegistrationCase{}
	err := s.DB.NewSelect().TableExpr("cases AS c").ColumnExpr("c.id, c.number, c.type, c.status").
		Where("c.registration_id = ? OR c.id = (SELECT case_id FROM registrations WHERE id = ?)", rec.ID, rec.ID).
		OrderExpr("c.created_at, c.id").Scan(ctx, &cases)
	return rec, cases, err
}

// ListRegistrations returns one page of registrations in scope, newest first, and the cursor
// of the next page.
func (s *Store) ListRegistrations(ctx context.Context, sc Scope, f RegistrationFilter) ([]RegistrationRecord, string, error) {
	q := s.registrations(sc)
	if f.Status != "" {
		q = q.Where("r.status = ?", f.Status)
	}
	if f.Enterprise != "" {
		q = q.Where("r.enterprise_uscc = ?", f.Enterprise)
	}
	if !f.ExpiringBefore.IsZero() {
		q = q.Where("r.valid_to < ?", f.ExpiringBefore)
	}
	limit, err := paginate(q, "r", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	out := []RegistrationRecord{}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r RegistrationRecord) (time.Time, string) { return r.CreatedAt, r.ID })
	return out, next, nil
}
