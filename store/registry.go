package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/ident"
)

// CreateEnterprise inserts an enterprise; ErrConflict when the credit code exists.
func (s *Store) CreateEnterprise(ctx context.Context, e *Enterprise) error {
	_, err := s.DB.NewInsert().Model(e).Returning("*").Exec(ctx)
	if isUnique(err, "") {
		return fmt.Errorf("%w: enterprise %s already exists", ErrConflict, e.USCC)
	}
	return err
}

// GetEnterprise loads one enterprise by credit code.
func (s *Store) GetEnterprise(ctx context.Context, uscc string) (*Enterprise, error) {
	e := new(Enterprise)
	err := s.DB.NewSelect().Model(e).Where("uscc = ?", uscc).Scan(ctx)
	return e, notFound(err)
}

// NewPractitioner is what a caller supplies to register a practitioner; IDNumber and Phone are
// plaintext here and never leave this package unencrypted.
type NewPractitioner struct {
	IDNumber       ident.ResidentID
	Name           string
	Phone          string
	Level          int
	Specialty      string
	CertificateNo  string
	ObtainedOn     time.Time
	EducationHours int
	// Enterprise, when set, is the enterprise registering its employee: the practitioner is
	// linked to it (practitioner_links).
	Enterprise string
	CreatedBy  string
}

// CreatePractitioner encrypts the personal data and inserts the practitioner, linked to
// in.Enterprise when set. When a practitioner with the same resident ID exists already it
// writes nothing but that link and returns the existing record with existed=true, so callers
// can answer alike whether or not the person was known.
func (s *Store) CreatePractitioner(ctx context.Context, in NewPractitioner) (p *Practitioner, existed bool, err error) {
	idEnc, err := s.Sealer.Seal(in.IDNumber.Number)
	if err != nil {
		return nil, false, err
	}
	p = &Practitioner{
		ID:             uuid.NewString(),
		IDNumberEnc:    idEnc,
		IDNumberIndex:  s.Sealer.Index(in.IDNumber.Number),
		Name:           in.Name,
		Level:          in.Level,
		Specialty:      in.Specialty,
		CertificateNo:  in.CertificateNo,
		ObtainedOn:     in.ObtainedOn,
		EducationHours: in.EducationHours,
		CreatedBy:      in.CreatedBy,
	}
	if in.Phone != "" {
		if p.PhoneEnc, err = s.Sealer.Seal(in.Phone); err != nil {
			return nil, false, err
		}
		p.PhoneMasked = ident.MaskPhone(in.Phone)
	}
	if in.Enterprise != "" {
		creator := in.Enterprise // a copy: scanning an existing row into p writes through this pointer
		p.CreatedByEnterprise = &creator
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(p).On("CONFLICT (id_number_index) DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			existed = true
			if err := tx.NewSelect().Model(p).Where("id_number_index = ?", p.IDNumberIndex).Scan(ctx); err != nil {
				return err
			}
		}
		if in.Enterprise == "" {
			return nil
		}
		_, err = tx.NewInsert().Model(&practitionerLink{PractitionerID: p.ID, EnterpriseUSCC: in.Enterprise}).
			On("CONFLICT DO NOTHING").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return p, existed, nil
}

// practitionerLink says an enterprise declared a practitioner its employee.
type practitionerLink struct {
	bun.BaseModel  `bun:"table:practitioner_links"`
	PractitionerID string    `bun:"practitioner_id,type:uuid,pk"`
	EnterpriseUSCC string    `bun:"enterprise_uscc,pk"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
}

// GetPractitioner loads one practitioner by id, within scope (ErrNotFound outside it).
func (s *Store) GetPractitioner(ctx context.Context, id string, sc Scope) (*Practitioner, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	p := new(Practitioner)
	err := sc.applyPractitioners(s.DB.NewSelect().Model(p).Where("p.id = ?", id)).Scan(ctx)
	return p, notFound(err)
}

// PractitionerByIndex finds a practitioner by the blind index of their resident ID.
func (s *Store) PractitionerByIndex(ctx context.Context, index string) (*Practitioner, error) {
	p := new(Practitioner)
	err := s.DB.NewSelect().Model(p).Where("id_number_index = ?", index).Scan(ctx)
	return p, notFound(err)
}

// EmployedBy reports whether the enterprise declared the practitioner its employee or holds
// their active registration: the enterprises that may file cases for them.
func (s *Store) EmployedBy(ctx context.Context, practitionerID, uscc string) (bool, error) {
	return s.DB.NewSelect().TableExpr("practitioners AS p").Where("p.id = ?", practitionerID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("EXISTS (SELECT 1 FROM practitioner_links l WHERE l.practitioner_id = p.id AND l.enterprise_uscc = ?)", uscc).
				WhereOr("EXISTS (SELECT 1 FROM registrations r WHERE r.practitioner_id = p.id AND r.enterprise_uscc = ? AND r.status = 'active')", uscc)
		}).Exists(ctx)
}

// PractitionerFilter holds the list filters of GET /practitioners.
type PractitionerFilter struct {
	Name   string
	Cursor string
	Limit  int
}

// ListPractitioners returns one page of practitioners in scope, newest first, and the cursor
// of the next page.
func (s *Store) ListPractitioners(ctx context.Context, sc Scope, f PractitionerFilter) ([]Practitioner, string, error) {
	var out []Practitioner
	q := sc.applyPractitioners(s.DB.NewSelect().Model(&out))
	if f.Name != "" {
		q = q.Where("p.name = ?", f.Name)
	}
	limit, err := paginate(q, "p", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(p Practitioner) (time.Time, string) { return p.CreatedAt, p.ID })
	return out, next, nil
}

// MaskedIDNumber derives the displayed form of a practitioner's resident ID (first 6 and last
// 4 characters) from the encrypted number.
func (s *Store) MaskedIDNumber(p *Practitioner) (string, error) {
	id, err := s.Sealer.Open(p.IDNumberEnc)
	if err != nil {
		return "", err
	}
	return ident.MaskResidentID(id), nil
}

// RevealIDNumber decrypts a practitioner's resident ID (for pre-checks only; never returned).
func (s *Store) RevealIDNumber(p *Practitioner) (string, error) {
	return s.Sealer.Open(p.IDNumberEnc)
}

// AddBadRecord records a blocking bad record.
func (s *Store) AddBadRecord(ctx context.Context, r *BadRecord) error {
	_, err := s.DB.NewInsert().Model(r).Exec(ctx)
	return err
}
