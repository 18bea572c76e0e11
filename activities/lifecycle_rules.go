package activities

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"certflow/domain"
	"certflow/ident"
	"certflow/store"
	"certflow/workflows/steps"
)

// The pre-check rules of the lifecycle types. Each is pure: the same facts give the same
// result. idNumber is the holder's decrypted resident ID ("" for a case about an enterprise).

// findings collects a pre-check's results.
type findings struct{ steps.PrecheckResult }

func (f *findings) refuse(rule, format string, args ...any) {
	f.Refusal = append(f.Refusal, steps.Finding{Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (f *findings) fix(rule, format string, args ...any) {
	f.Fixable = append(f.Fixable, steps.Finding{Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// evidence asks for the kinds of the case's variant that were not uploaded.
func (f *findings) evidence(facts *store.LifecycleFacts, pol domain.Policy) {
	def, _ := domain.DefinitionOf(domain.CaseType(facts.Case.Type))
	var missing []string
	for _, kind := range pol.Evidence(def, facts.Case.Details.ChangeKind) {
		if !slices.Contains(facts.EvidenceKinds, kind) {
			missing = append(missing, kind)
		}
	}
	if len(missing) > 0 {
		f.fix("missing_evidence", "required evidence missing: %s", strings.Join(missing, ", "))
	}
}

// activeRegistration refuses a case whose registration is no longer active.
func (f *findings) activeRegistration(facts *store.LifecycleFacts) bool {
	if r := facts.Registration; r == nil || r.Status != "active" {
		status := "missing"
		if r != nil {
			status = r.Status
		}
		f.refuse("registration_not_active", "the registration is %s", status)
		return false
	}
	return true
}

// record refuses while a bad record blocks the person.
func (f *findings) record(facts *store.LifecycleFacts) {
	for _, b := range facts.BadRecords {
		f.refuse(b.Rule, "%s (blocks registration until %s)", b.Reason, b.BlocksUntil.Format(time.DateOnly))
	}
}

// age refuses a person over the policy's age limit.
func (f *findings) age(idNumber string, at time.Time, pol domain.Policy) {
	id, err := ident.ParseResidentID(idNumber)
	if err != nil {
		f.refuse("invalid_resident_id", "the resident ID is not valid: %v", err)
		return
	}
	if pol.MaxAge > 0 && id.AgeAt(at) > pol.MaxAge {
		f.refuse("age_limit", "the practitioner is %d, over the age limit of %d", id.AgeAt(at), pol.MaxAge)
	}
}

// EvaluateRenewal: the registration is active, the renewal is inside its window, the period's
// continuing education is complete (120 hours, +60 per added specialty), no bad record blocks,
// the holder is within the age limit, the evidence is there.
func EvaluateRenewal(facts *store.LifecycleFacts, idNumber string, at time.Time, pol domain.Policy) steps.PrecheckResult {
	var f findings
	if f.activeRegistration(facts) {
		r := facts.Registration
		if !pol.InRenewalWindow(r.ValidTo, at) {
			opens, closes := pol.RenewalWindow(r.ValidTo)
			f.refuse("renewal_window", "a renewal of a registration valid to %s may be filed from %s to %s",
				r.ValidTo.Format(time.DateOnly), opens.Format(time.DateOnly), closes.Format(time.DateOnly))
		}
		if need := pol.RenewalHours(len(facts.Specialties)); facts.PeriodHours < need {
			f.fix("continuing_education", "%d hours of continuing education are missing: %d required in the period %s to %s, %d recorded",
				need-facts.PeriodHours, need, r.ValidFrom.Format(time.DateOnly), r.ValidTo.Format(time.DateOnly), facts.PeriodHours)
		}
	}
	f.record(facts)
	f.age(idNumber, at, pol)
	f.evidence(facts, pol)
	return f.PrecheckResult
}

// EvaluateChange: for a change of employer, the registration is still active with the
// enterprise the case leaves and the new enterprise is qualified (proof that the old contract
// ended makes the release unnecessary); for a change of person name, the registration is
// active; for a change of enterprise name, the enterprise exists. The evidence of the kind is
// there.
func EvaluateChange(facts *store.LifecycleFacts, pol domain.Policy) steps.PrecheckResult {
	var f findings
	switch facts.Case.Details.ChangeKind {
	case domain.ChangeEmployer:
		if f.activeRegistration(facts) && facts.Registration.EnterpriseUSCC != facts.Case.PreviousEnterpriseUSCC {
			f.refuse("registration_changed", "the registration is no longer with the enterprise this change leaves")
		}
		if facts.Enterprise == nil || !facts.Enterprise.QualificationValid {
			f.refuse("enterprise_unqualified", "the new enterprise does not hold a valid qualification")
		}
		if slices.Contains(facts.EvidenceKinds, "contract_termination") {
			f.Skip = append(f.Skip, domain.StageRelease)
		}
	case domain.ChangePersonName:
		f.activeRegistration(facts)
	case domain.ChangeEnterpriseName:
		if facts.Enterprise == nil {
			f.refuse("enterprise_unknown", "the enterprise is not in the registry")
		}
	default:
		f.refuse("change_kind", "unknown change kind %q", facts.Case.Details.ChangeKind)
	}
	f.evidence(facts, pol)
	return f.PrecheckResult
}

// EvaluateAddition: the registration is active, the specialty exists at its level and is not
// held yet, continuing education is complete when the qualification is older than the
// policy's years (or its date is unknown), no bad record blocks, the evidence is there.
func EvaluateAddition(facts *store.LifecycleFacts, at time.Time, pol domain.Policy) steps.PrecheckResult {
	var f findings
	if f.activeRegistration(facts) {
		sp := facts.Case.Specialty
		if !domain.ValidSpecialty(facts.Registration.Level, sp) {
			f.refuse("specialty_invalid", "%s is not a specialty of level %d", sp, facts.Registration.Level)
		} else if slices.Contains(facts.Specialties, sp) {
			f.refuse("specialty_held", "the registration already has the specialty %s", sp)
		}
	}
	if p := facts.Practitioner; p != nil && pol.EducationHours > 0 &&
		(p.ObtainedOn.IsZero() || p.ObtainedOn.AddDate(pol.EducationAfterYears, 0, 0).Before(at)) &&
		facts.TotalHours < pol.EducationHours {
		f.fix("continuing_education", "the qualification is older than %d years: %d hours of continuing education are required, %d recorded",
			pol.EducationAfterYears, pol.EducationHours, facts.TotalHours)
	}
	f.record(facts)
	f.evidence(facts, pol)
	return f.PrecheckResult
}

// EvaluateCancellation: the registration has not been cancelled already.
func EvaluateCancellation(facts *store.LifecycleFacts) steps.PrecheckResult {
	var f findings
	if r := facts.Registration; r == nil || r.Status == "cancelled" {
		f.refuse("registration_not_active", "the registration is already cancelled")
	}
	return f.PrecheckResult
}
