package store

import (
	"context"
	"errors"
	"time"
)

// PrecheckFacts is everything the automated pre-check reads about a case.
type PrecheckFacts struct {
	Case         Case
	Practitioner Practitioner
	// Enterprise is nil when the named enterprise does not exist.
	Enterprise *Enterprise
	// EvidenceKinds are the kinds of evidence uploaded so far.
	EvidenceKinds []string
	// ActiveRegistrations are the practitioner's active registrations.
	ActiveRegistrations []Registration
	// OtherApplications are the practitioner's other open, submitted cases.
	OtherApplications []Case
	// BadRecords still blocking at the check time.
	BadRecords []BadRecord
	// EducationHours are the continuing-education hours recorded on the person plus those of
	// their education records (imported course by course).
	EducationHours int
}

// PrecheckFacts gathers the facts for a case's pre-check at time at.
func (s *Store) PrecheckFacts(ctx context.Context, caseID string, at time.Time) (*PrecheckFacts, error) {
	f := new(PrecheckFacts)
	if err := s.DB.NewSelect().Model(&f.Case).Where("id = ?", caseID).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	if err := s.DB.NewSelect().Model(&f.Practitioner).Where("id = ?", f.Case.PractitionerID).Scan(ctx); err != nil {
		return nil, err
	}
	e, err := s.GetEnterprise(ctx, f.Case.EnterpriseUSCC)
	switch {
	case err == nil:
		f.Enterprise = e
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	if err := s.DB.NewSelect().Model((*Evidence)(nil)).Column("kind").Distinct().
		Where("case_id = ?", caseID).Scan(ctx, &f.EvidenceKinds); err != nil {
		return nil, err
	}
	if err := s.DB.NewSelect().Model(&f.ActiveRegistrations).
		Where("practitioner_id = ? AND status = 'active'", f.Case.PractitionerID).Scan(ctx); err != nil {
		return nil, err
	}
	if err := s.DB.NewSelect().Model(&f.OtherApplications).
		Where("practitioner_id = ? AND id <> ? AND status = 'open' AND stage <> 'draft'", f.Case.PractitionerID, caseID).
		Scan(ctx); err != nil {
		return nil, err
	}
	if err := s.DB.NewSelect().Model(&f.BadRecords).
		Where("practitioner_id = ? AND blocks_until > ?", f.Case.PractitionerID, at).Scan(ctx); err != nil {
		return nil, err
	}
	var recorded int
	if err := s.DB.NewRaw("SELECT coalesce(sum(hours), 0) FROM education_records WHERE practitioner_id = ?",
		f.Case.PractitionerID).Scan(ctx, &recorded); err != nil {
		return nil, err
	}
	f.EducationHours = f.Practitioner.EducationHours + recorded
	return f, nil
}
