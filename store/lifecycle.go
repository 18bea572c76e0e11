package store

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"certflow/domain"
)

// LifecycleFacts is what the pre-checks of renewal, change, addition and cancellation read.
type LifecycleFacts struct {
	Case Case
	// Registration is nil for a case about an enterprise alone.
	Registration *Registration
	Specialties  []string
	// Practitioner is nil for a case about an enterprise alone.
	Practitioner *Practitioner
	// Enterprise is the enterprise named in the case (the new one of a change of employer);
	// nil when it does not exist.
	Enterprise    *Enterprise
	EvidenceKinds []string
	// PeriodHours are the continuing-education hours completed within the registration's
	// current validity period; TotalHours all of them (with the hours recorded on the person).
	PeriodHours, TotalHours int
	// BadRecords still blocking at the check time.
	BadRecords []BadRecord
}

// LifecycleFacts gathers the facts for a lifecycle case's pre-check at time at.
func (s *Store) LifecycleFacts(ctx context.Context, caseID string, at time.Time) (*LifecycleFacts, error) {
	f := new(LifecycleFacts)
	if err := s.DB.NewSelect().Model(&f.Case).Where("id = ?", caseID).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	if e, err := s.GetEnterprise(ctx, f.Case.EnterpriseUSCC); err == nil {
		f.Enterprise = e
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err := s.DB.NewSelect().Model((*Evidence)(nil)).Column("kind").Distinct().
		Where("case_id = ?", caseID).Scan(ctx, &f.EvidenceKinds); err != nil {
		return nil, err
	}
	if f.Case.RegistrationID != "" {
		f.Registration = new(Registration)
		if err := s.DB.NewSelect().Model(f.Registration).Where("id = ?", f.Case.RegistrationID).Scan(ctx); err != nil {
			return nil, err
		}
		if err := s.DB.NewSelect().Model((*RegistrationSpecialty)(nil)).Column("specialty").
			Where("registration_id = ?", f.Case.RegistrationID).Order("specialty").Scan(ctx, &f.Specialties); err != nil {
			return nil, err
		}
	}
	if f.Case.PractitionerID == "" {
		return f, nil
	}
	f.Practitioner = new(Practitioner)
	if err := s.DB.NewSelect().Model(f.Practitioner).Where("id = ?", f.Case.PractitionerID).Scan(ctx); err != nil {
		return nil, err
	}
	var hours struct {
		Period int `bun:"period"`
		Total  int `bun:"total"`
	}
	from, to := time.Time{}, time.Time{}
	if f.Registration != nil {
		from, to = f.Registration.ValidFrom, f.Registration.ValidTo
	}
	if err := s.DB.NewRaw(`SELECT coalesce(sum(hours) FILTER (WHERE completed_on BETWEEN ? AND ?), 0) AS period,
		coalesce(sum(hours), 0) AS total FROM education_records WHERE practitioner_id = ?`,
		from, to, f.Case.PractitionerID).Scan(ctx, &hours); err != nil {
		return nil, err
	}
	f.PeriodHours, f.TotalHours = hours.Period, hours.Total+f.Practitioner.EducationHours
	if err := s.DB.NewSelect().Model(&f.BadRecords).
		Where("practitioner_id = ? AND blocks_until > ?", f.Case.PractitionerID, at).Scan(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// ErrRegistrationChanged is returned when an approved lifecycle case no longer fits its
// registration: another case moved or ended it first.
var ErrRegistrationChanged = errors.New("the registration changed since the case was filed")

// RegistrationChange is what one approved lifecycle case changed; its case id keys it, so a
// case is applied once.
type RegistrationChange struct {
	bun.BaseModel  `bun:"table:registration_changes"`
	CaseID         string         `bun:"case_id,pk,type:uuid"`
	RegistrationID string         `bun:"registration_id,type:uuid,nullzero"`
	Kind           string         `bun:"kind"`
	Before         map[string]any `bun:"before,type:jsonb"`
	After          map[string]any `bun:"after,type:jsonb"`
	At             time.Time      `bun:"at"`
}

// applyOnce runs change inside a transaction with the case and its registration locked,
// unless the case was applied already; either way it returns the registration as it is now
// (nil for a case about an enterprise alone).
func (s *Store) applyOnce(ctx context.Context, caseID string, at time.Time,
	change func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error)) (*Registration, error) {
	var out *Registration
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var c Case
		if err := tx.NewSelect().Model(&c).Where("id = ?", caseID).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err)
		}
		if c.RegistrationID != "" {
			out = new(Registration)
			if err := tx.NewSelect().Model(out).Where("id = ?", c.RegistrationID).For("UPDATE").Scan(ctx); err != nil {
				return err
			}
		}
		done, err := tx.NewSelect().Model((*RegistrationChange)(nil)).Where("case_id = ?", caseID).Exists(ctx)
		if err != nil || done {
			return err
		}
		rc, err := change(tx, &c, out)
		if err != nil {
			return err
		}
		rc.CaseID, rc.RegistrationID, rc.At = caseID, c.RegistrationID, at
		if _, err := tx.NewInsert().Model(rc).Exec(ctx); err != nil {
			return err
		}
		if out != nil {
			return tx.NewSelect().Model(out).WherePK().Scan(ctx)
		}
		return nil
	})
	return out, err
}

// Renew extends the case's registration by years from its old valid_to, once.
func (s *Store) Renew(ctx context.Context, caseID string, at time.Time, years int) (*Registration, error) {
	return s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error) {
		if r.Status == "cancelled" {
			return nil, ErrRegistrationChanged
		}
		to := r.ValidTo.AddDate(years, 0, 0)
		if _, err := tx.NewUpdate().Model(r).Set("valid_to = ?, status = 'active'", to).WherePK().Exec(ctx); err != nil {
			return nil, err
		}
		return &RegistrationChange{Kind: "renewal", Before: map[string]any{"valid_to": r.ValidTo.Format(time.DateOnly)},
			After: map[string]any{"valid_to": to.Format(time.DateOnly)}}, nil
	})
}

// ChangeEmployer moves the case's registration from the previous to the new enterprise in one
// statement — never active with two enterprises, never with none — once, and only while it is
// still active with the previous one. The person is linked to the new enterprise and no longer
// to the old.
func (s *Store) ChangeEmployer(ctx context.Context, caseID string, at time.Time) (*Registration, error) {
	return s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error) {
		if r.Status != "active" || r.EnterpriseUSCC != c.PreviousEnterpriseUSCC {
			return nil, ErrRegistrationChanged
		}
		if _, err := tx.NewUpdate().Model(r).Set("enterprise_uscc = ?", c.EnterpriseUSCC).WherePK().Exec(ctx); err != nil {
			return nil, err
		}
		if _, err := tx.NewRaw(`INSERT INTO practitioner_links (practitioner_id, enterprise_uscc) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, r.PractitionerID, c.EnterpriseUSCC).Exec(ctx); err != nil {
			return nil, err
		}
		if _, err := tx.NewRaw(`DELETE FROM practitioner_links WHERE practitioner_id = ? AND enterprise_uscc = ?`,
			r.PractitionerID, c.PreviousEnterpriseUSCC).Exec(ctx); err != nil {
			return nil, err
		}
		return &RegistrationChange{Kind: "employer", Before: map[string]any{"enterprise_uscc": c.PreviousEnterpriseUSCC},
			After: map[string]any{"enterprise_uscc": c.EnterpriseUSCC}}, nil
	})
}

// RenameEnterprise gives the case's enterprise its new name, once; every registration with it
// shows the new name, since registrations name the enterprise by credit code.
func (s *Store) RenameEnterprise(ctx context.Context, caseID string, at time.Time) error {
	_, err := s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, _ *Registration) (*RegistrationChange, error) {
		var old string
		if err := tx.NewSelect().Model((*Enterprise)(nil)).Column("name").Where("uscc = ?", c.EnterpriseUSCC).
			For("UPDATE").Scan(ctx, &old); err != nil {
			return nil, err
		}
		if _, err := tx.NewUpdate().Model((*Enterprise)(nil)).Set("name = ?", c.Details.NewName).
			Where("uscc = ?", c.EnterpriseUSCC).Exec(ctx); err != nil {
			return nil, err
		}
		return &RegistrationChange{Kind: "enterprise_name", Before: map[string]any{"name": old},
			After: map[string]any{"name": c.Details.NewName}}, nil
	})
	return err
}

// RenamePerson gives the case's practitioner their new name, once. The names are not copied
// into the change record.
func (s *Store) RenamePerson(ctx context.Context, caseID string, at time.Time) (*Registration, error) {
	return s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error) {
		if r.Status != "active" {
			return nil, ErrRegistrationChanged
		}
		if _, err := tx.NewUpdate().Model((*Practitioner)(nil)).Set("name = ?", c.Details.NewName).
			Where("id = ?", c.PractitionerID).Exec(ctx); err != nil {
			return nil, err
		}
		return &RegistrationChange{Kind: "person_name", Before: map[string]any{}, After: map[string]any{}}, nil
	})
}

// AddSpecialty adds the case's specialty to its registration, once.
func (s *Store) AddSpecialty(ctx context.Context, caseID string, at time.Time) (*Registration, error) {
	return s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error) {
		if r.Status != "active" {
			return nil, ErrRegistrationChanged
		}
		res, err := tx.NewInsert().Model(&RegistrationSpecialty{RegistrationID: r.ID, Specialty: c.Specialty, AddedOn: domain.CalendarDate(at)}).
			On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, ErrRegistrationChanged
		}
		return &RegistrationChange{Kind: "addition", Before: map[string]any{}, After: map[string]any{"specialty": c.Specialty}}, nil
	})
}

// CancelRegistration ends the case's registration (cancelled), once; its history stays.
func (s *Store) CancelRegistration(ctx context.Context, caseID string, at time.Time) (*Registration, error) {
	return s.applyOnce(ctx, caseID, at, func(tx bun.Tx, c *Case, r *Registration) (*RegistrationChange, error) {
		if r.Status == "cancelled" {
			return nil, ErrRegistrationChanged
		}
		if _, err := tx.NewUpdate().Model(r).Set("status = 'cancelled'").WherePK().Exec(ctx); err != nil {
			return nil, err
		}
		return &RegistrationChange{Kind: "cancellation", Before: map[string]any{"status": r.Status},
			After: map[string]any{"status": "cancelled", "reason": c.Details.Reason}}, nil
	})
}

// RegistrationByNumber loads a registration by its number (no scope: callers decide).
func (s *Store) RegistrationByNumber(ctx context.Context, number string) (*Registration, error) {
	r := new(Registration)
	err := s.DB.NewSelect().Model(r).Where("number = ?", number).Scan(ctx)
	return r, notFound(err)
}

// RegistrationSpecialties lists a registration's specialties.
func (s *Store) RegistrationSpecialties(ctx context.Context, registrationID string) ([]string, error) {
	var out []string
	err := s.DB.NewSelect().Model((*RegistrationSpecialty)(nil)).Column("specialty").
		Where("registration_id = ?", registrationID).Order("added_on", "specialty").Scan(ctx, &out)
	return out, err
}

// OpenSubmittedCase finds the submitted open case of a registration, if any.
func (s *Store) OpenSubmittedCase(ctx context.Context, registrationID string) (*Case, error) {
	c := new(Case)
	err := s.DB.NewSelect().Model(c).Where("c.registration_id = ? AND c.status = 'open' AND c.submitted", registrationID).
		Limit(1).Scan(ctx)
	return c, notFound(err)
}

// ErrCaseOpen is returned when submitting a case whose registration already has a submitted
// open case (the database's partial unique index decides).
var ErrCaseOpen = errors.New("the registration already has a submitted open case")

// MarkSubmitted records that a case was submitted, or undoes it (on=false, while it is still a
// draft). Marking a second case of one registration fails with ErrCaseOpen.
func (s *Store) MarkSubmitted(ctx context.Context, caseID string, on bool) error {
	q := s.DB.NewUpdate().Model((*Case)(nil)).Set("submitted = ?", on).Where("c.id = ?", caseID)
	if !on {
		q = q.Where("c.stage = 'draft'")
	}
	_, err := q.Exec(ctx)
	if isUnique(err, "cases_one_open_per_registration") {
		return ErrCaseOpen
	}
	return err
}

// CaseByIdempotencyKey finds the case a principal filed with an Idempotency-Key.
func (s *Store) CaseByIdempotencyKey(ctx context.Context, principal, key string) (*Case, error) {
	return s.caseByKey(ctx, principal, key)
}
