package domain

import (
	"encoding/json"
	"fmt"
	"os"
)

// Policy holds the configurable numbers of one case type: stage limits, waiting periods and
// pre-check thresholds. It travels in the workflow input so replays see the numbers a case
// started with.
type Policy struct {
	// StageLimits are review limits in working days, per human stage.
	StageLimits map[Stage]int `json:"stage_limits"`
	// MinistryExtensionDays is the one-time extension of the ministry review, in working days.
	MinistryExtensionDays int `json:"ministry_extension_days"`
	// ReminderDays is how many working days before a deadline the assignee is reminded.
	ReminderDays int `json:"reminder_days"`
	// DraftAbandonDays: a draft untouched this many calendar days is abandoned.
	DraftAbandonDays int `json:"draft_abandon_days"`
	// SupplementDays: calendar days the applicant has to answer a supplement request.
	SupplementDays int `json:"supplement_days"`
	// PublicNoticeDays: calendar days of public notice (公示) before issuing.
	PublicNoticeDays int `json:"public_notice_days"`
	// MaxAge is the age limit for registration (不予注册 over it).
	MaxAge int `json:"max_age"`
	// EducationHours are the continuing-education hours required when the qualification is
	// older than EducationAfterYears.
	EducationHours      int `json:"education_hours"`
	EducationAfterYears int `json:"education_after_years"`
	// RequiredEvidence lists the evidence kinds a submission must include.
	RequiredEvidence []string `json:"required_evidence"`
	// ValidityYears is how long an issued registration is valid (a renewal adds as much).
	ValidityYears int `json:"validity_years"`
	// EducationPerSpecialty are the extra hours per added specialty a renewal needs.
	EducationPerSpecialty int `json:"education_per_specialty,omitempty"`
	// RenewalOpensDays and RenewalClosesDays bound the renewal window: from this many
	// calendar days before valid_to, to this many.
	RenewalOpensDays  int `json:"renewal_opens_days,omitempty"`
	RenewalClosesDays int `json:"renewal_closes_days,omitempty"`
}

// Evidence returns the evidence kinds a variant's submission must include: the policy's list
// when it sets one, else the definition's.
func (p Policy) Evidence(def CaseDefinition, variant string) []string {
	if len(p.RequiredEvidence) > 0 {
		return p.RequiredEvidence
	}
	v, _ := def.Variant(variant)
	return v.Evidence
}

// lifecyclePolicy are the numbers of renewal, change and addition: 153号令 limits (province 5,
// ministry 10 working days), 5 days for each enterprise, 120 hours of continuing education a
// period plus 60 per added specialty, a renewal window from 90 to 30 days before expiry.
func lifecyclePolicy() Policy {
	return Policy{
		StageLimits: map[Stage]int{
			StageRelease:                5,
			StageEnterpriseConfirmation: 5,
			StageProvincialReview:       5,
			StageMinistryReview:         10,
		},
		ReminderDays:          2,
		DraftAbandonDays:      30,
		SupplementDays:        30,
		PublicNoticeDays:      7,
		MaxAge:                65,
		EducationHours:        120,
		EducationAfterYears:   3,
		EducationPerSpecialty: 60,
		ValidityYears:         3,
		RenewalOpensDays:      90,
		RenewalClosesDays:     30,
	}
}

// Policies maps each case type to its policy.
type Policies map[CaseType]Policy

// DefaultPolicies returns the numbers of domain.md: 153号令 limits, 7-day notice, 30-day
// supplement window, age 65, 120 hours of continuing education.
func DefaultPolicies() Policies {
	return Policies{
		CaseRegistration: {
			StageLimits: map[Stage]int{
				StageEnterpriseConfirmation: 5,
				StageProvincialReview:       20,
				StageMinistryReview:         20,
				StageObjectionReview:        20,
			},
			MinistryExtensionDays: 10,
			ReminderDays:          3,
			DraftAbandonDays:      30,
			SupplementDays:        30,
			PublicNoticeDays:      7,
			MaxAge:                65,
			EducationHours:        120,
			EducationAfterYears:   3,
			RequiredEvidence:      RegistrationDefinition.Variants[0].Evidence,
			ValidityYears:         3,
		},
		CaseRenewal:      lifecyclePolicy(),
		CaseChange:       lifecyclePolicy(),
		CaseAddition:     lifecyclePolicy(),
		CaseCancellation: lifecyclePolicy(),
	}
}

// LoadPolicies returns the defaults, overlaid with a JSON file when path is not empty. The file
// maps case types to partial policies; fields it leaves out keep their defaults.
func LoadPolicies(path string) (Policies, error) {
	p := DefaultPolicies()
	if path == "" {
		return p, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy file: %w", err)
	}
	var raw map[CaseType]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("policy file %s: %w", path, err)
	}
	for ct, msg := range raw {
		base, ok := p[ct]
		if !ok {
			return nil, fmt.Errorf("policy file %s: unknown case type %q", path, ct)
		}
		if err := json.Unmarshal(msg, &base); err != nil {
			return nil, fmt.Errorf("policy file %s, %s: %w", path, ct, err)
		}
		if err := base.validate(); err != nil {
			return nil, fmt.Errorf("policy file %s, %s: %w", path, ct, err)
		}
		p[ct] = base
	}
	return p, nil
}

// validate rejects numbers no case could run with.
func (p Policy) validate() error {
	for s, d := range p.StageLimits {
		if d <= 0 {
			return fmt.Errorf("stage limit for %s must be positive, got %d", s, d)
		}
	}
	if p.DraftAbandonDays <= 0 || p.SupplementDays <= 0 || p.PublicNoticeDays <= 0 || p.ValidityYears <= 0 {
		return fmt.Errorf("waiting periods and validity must be positive")
	}
	return nil
}
