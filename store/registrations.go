package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/ident"
)

// ErrAlreadyRegistered is returned when issuing would give a practitioner a second active
// registration; the database's partial unique index decides.
var ErrAlreadyRegistered = errors.New("the practitioner already holds an active registration")

// IssueRegistration assigns the registration number of an approved case and activates the
// registration, in one transaction. Issuing the same case again returns the first result.
func (s *Store) IssueRegistration(ctx context.Context, caseID string, at time.Time, validityYears int) (*Registration, error) {
	reg := new(Registration)
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewSelect().Model(reg).Where("case_id = ?", caseID).Scan(ctx)
		if found, err := rowExists(err); err != nil || found {
			return err
		}
		var c Case
		if err := tx.NewSelect().Model(&c).Where("id = ?", caseID).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err)
		}
		var p Practitioner
		if err := tx.NewSelect().Model(&p).Where("id = ?", c.PractitionerID).Scan(ctx); err != nil {
			return err
		}
		cst := time.FixedZone("CST", 8*3600)
		day := at.In(cst)
		var serial int
		err = tx.NewRaw(`INSERT INTO registration_serials (province, year, last) VALUES (?, ?, 1)
			ON CONFLICT (province, year) DO UPDATE SET last = registration_serials.last + 1 RETURNING last`,
			c.Province, day.Year()).Scan(ctx, &serial)
		if err != nil {
			return err
		}
		obtained := p.ObtainedOn.Year()
		if p.ObtainedOn.IsZero() { // imported without certificate data: the year of issue stands in
			obtained = day.Year()
		}
		number, err := ident.FormatRegistrationNumber(c.Province, c.Level, obtained, day.Year(), serial)
		if err != nil {
			return err
		}
		from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		*reg = Registration{
			ID:             uuid.NewString(),
			Number:         number,
			CaseID:         caseID,
			PractitionerID: c.PractitionerID,
			EnterpriseUSCC: c.EnterpriseUSCC,
			Level:          c.Level,
			Specialty:      c.Specialty,
			ValidFrom:      from,
			ValidTo:        from.AddDate(validityYears, 0, -1),
			Status:         "active",
		}
		_, err = tx.NewInsert().Model(reg).Exec(ctx)
		if isUnique(err, "registrations_one_active") {
			return ErrAlreadyRegistered
		}
		if err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(&RegistrationSpecialty{RegistrationID: reg.ID, Specialty: reg.Specialty, AddedOn: from}).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return reg, nil
}

// ActiveRegistrations counts a practitioner's active registrations (0 or 1 by construction).
func (s *Store) ActiveRegistrations(ctx context.Context, practitionerID string) (int, error) {
	n, err := s.DB.NewSelect().Model((*Registration)(nil)).
		Where("practitioner_id = ? AND status = 'active'", practitionerID).Count(ctx)
	return int(n), err
}

// PublicRegistration is the public view of a registration, as the national platform shows it:
// the resident ID masked, dates as calendar dates.
type PublicRegistration struct {
	Name               string `json:"name"`
	IDNumberMasked     string `json:"id_number_masked"`
	Category           string `json:"category"`
	Level              int    `json:"level"`
	RegistrationNumber string `json:"registration_number"`
	// Specialties are all the registration's specialties, the first first.
	Specialties    []string `json:"specialties"`
	Enterprise     string   `json:"enterprise"`
	EnterpriseUSCC string   `json:"enterprise_uscc"`
	ValidFrom      string   `json:"valid_from"`
	ValidTo        string   `json:"valid_to"`
	Status         string   `json:"status"`
}

// publicRegistrationRow is what the public query reads.
type publicRegistrationRow struct {
	Name           string    `bun:"name"`
	IDNumberEnc    []byte    `bun:"id_number_enc"`
	Level          int       `bun:"level"`
	Number         string    `bun:"number"`
	Specialties    []string  `bun:"specialties,array"`
	Enterprise     string    `bun:"enterprise"`
	EnterpriseUSCC string    `bun:"enterprise_uscc"`
	ValidFrom      time.Time `bun:"valid_from"`
	ValidTo        time.Time `bun:"valid_to"`
	Status         string    `bun:"status"`
}

// Category is the public name of a registration level.
func Category(level int) string {
	if level == 1 {
		return "一级注册建造师"
	}
	return "二级注册建造师"
}

// PublicRegistrations finds registrations by number or by the holder's name (at most 50).
func (s *Store) PublicRegistrations(ctx context.Context, number, name string) ([]PublicRegistration, error) {
	if number == "" && name == "" {
		return nil, fmt.Errorf("need a registration number or a name")
	}
	var rows []publicRegistrationRow
	q := s.DB.NewSelect().TableExpr("registrations AS r").
		ColumnExpr("p.name, p.id_number_enc, r.level, r.number, e.name AS enterprise, r.enterprise_uscc, r.valid_from, r.valid_to, r.status").
		ColumnExpr(`coalesce((SELECT array_agg(x.specialty ORDER BY x.added_on, x.specialty) FROM registration_specialties x
			WHERE x.registration_id = r.id), ARRAY[r.specialty]) AS specialties`).
		Join("JOIN practitioners AS p ON p.id = r.practitioner_id").
		Join("JOIN enterprises AS e ON e.uscc = r.enterprise_uscc")
	if number != "" {
		q = q.Where("r.number = ?", number)
	}
	if name != "" {
		q = q.Where("p.name = ?", name)
	}
	if err := q.OrderExpr("r.created_at DESC").Limit(50).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make([]PublicRegistration, len(rows))
	for i, r := range rows {
		masked, err := s.MaskedIDNumber(&Practitioner{IDNumberEnc: r.IDNumberEnc})
		if err != nil {
			return nil, err
		}
		out[i] = PublicRegistration{Name: r.Name, IDNumberMasked: masked, Category: Category(r.Level), Level: r.Level,
			RegistrationNumber: r.Number, Specialties: r.Specialties, Enterprise: r.Enterprise, EnterpriseUSCC: r.EnterpriseUSCC,
			ValidFrom: r.ValidFrom.Format(time.DateOnly), ValidTo: r.ValidTo.Format(time.DateOnly), Status: r.Status}
	}
	return out, nil
}
