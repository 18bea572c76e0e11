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
	IDNumber            ident.ResidentID
	Name                string
	Phone               string
	Level               int
	Specialty           string
	CertificateNo       string
	ObtainedOn          time.Time
	EducationHours      int
	CreatedByEnterprise string
	CreatedBy           string
}

// CreatePractitioner encrypts the personal data and inserts the practitioner; ErrConflict when
// a practitioner with the same resident ID exists.
func (s *Store) CreatePractitioner(ctx context.Context, in NewPractitioner) (*Practitioner, error) {
	idEnc, err := s.Sealer.Seal(in.IDNumber.Number)
	if err != nil {
		return nil, err
	}
	p := &Practitioner{
		ID:             uuid.NewString(),
		IDNumberEnc:    idEnc,
		IDNumberIndex:  s.Sealer.Index(in.IDNumber.Number),
		IDNumberMasked: ident.MaskResidentID(in.IDNumber.Number),
		Name:           in.Name,
		BirthDate:      in.IDNumber.Birth,
		Level:          in.Level,
		Specialty:      in.Specialty,
		CertificateNo:  in.CertificateNo,
		ObtainedOn:     in.ObtainedOn,
		EducationHours: in.EducationHours,
		CreatedBy:      in.CreatedBy,
	}
	if in.Phone != "" {
		if p.PhoneEnc, err = s.Sealer.Seal(in.Phone); err != nil {
			return nil, err
		}
		p.PhoneMasked = ident.MaskPhone(in.Phone)
	}
	if in.CreatedByEnterprise != "" {
		p.CreatedByEnterprise = &in.CreatedByEnterprise
	}
	_, err = s.DB.NewInsert().Model(p).Exec(ctx)
	if isUnique(err, "") {
		return nil, fmt.Errorf("%w: a practitioner with this resident ID is already registered", ErrConflict)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetPractitioner loads one practitioner by id.
func (s *Store) GetPractitioner(ctx context.Context, id string) (*Practitioner, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	p := new(Practitioner)
	err := s.DB.NewSelect().Model(p).Where("id = ?", id).Scan(ctx)
	return p, notFound(err)
}

// PractitionerByIDNumber finds a practitioner through the blind index of the resident ID.
func (s *Store) PractitionerByIDNumber(ctx context.Context, idNumber string) (*Practitioner, error) {
	p := new(Practitioner)
	err := s.DB.NewSelect().Model(p).Where("id_number_index = ?", s.Sealer.Index(idNumber)).Scan(ctx)
	return p, notFound(err)
}

// PractitionerLinkedTo reports whether a practitioner was registered by, or has a case or
// registration with, the enterprise (so the enterprise may see them).
func (s *Store) PractitionerLinkedTo(ctx context.Context, practitionerID, uscc string) (bool, error) {
	return s.DB.NewSelect().TableExpr("practitioners AS p").
		Where("p.id = ?", practitionerID).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("p.created_by_enterprise = ?", uscc).
				WhereOr("EXISTS (SELECT 1 FROM cases c WHERE c.practitioner_id = p.id AND c.enterprise_uscc = ?)", uscc).
				WhereOr("EXISTS (SELECT 1 FROM registrations r WHERE r.practitioner_id = p.id AND r.enterprise_uscc = ?)", uscc)
		}).Exists(ctx)
}

// PractitionerInProvince reports whether a practitioner has a case in the province.
func (s *Store) PractitionerInProvince(ctx context.Context, practitionerID, province string) (bool, error) {
	return s.DB.NewSelect().TableExpr("cases").
		Where("practitioner_id = ? AND province = ?", practitionerID, province).Exists(ctx)
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
