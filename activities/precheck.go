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

// EvaluatePrecheck applies the registration pre-check rules (注册建造师管理规定 refusal grounds
// and completeness) to the gathered facts. idNumber is the decrypted resident ID. It is pure:
// the same facts give the same result.
func EvaluatePrecheck(f *store.PrecheckFacts, idNumber string, at time.Time, pol domain.Policy) steps.PrecheckResult {
	var res steps.PrecheckResult
	refuse := func(rule, format string, args ...any) {
		res.Refusal = append(res.Refusal, steps.Finding{Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	fix := func(rule, format string, args ...any) {
		res.Fixable = append(res.Fixable, steps.Finding{Rule: rule, Message: fmt.Sprintf(format, args...)})
	}

	id, err := ident.ParseResidentID(idNumber)
	if err != nil {
		refuse("invalid_resident_id", "the resident ID is not valid: %v", err)
	}
	if _, err := ident.ParseUSCC(f.Case.EnterpriseUSCC); err != nil {
		refuse("invalid_credit_code", "the enterprise credit code is not valid: %v", err)
	}
	switch {
	case f.Enterprise == nil:
		refuse("enterprise_unknown", "enterprise %s is not in the registry", f.Case.EnterpriseUSCC)
	case !f.Enterprise.QualificationValid:
		refuse("enterprise_unqualified", "enterprise %s does not hold a valid qualification", f.Enterprise.Name)
	}
	var missing []string
	for _, kind := range pol.RequiredEvidence {
		if !slices.Contains(f.EvidenceKinds, kind) {
			missing = append(missing, kind)
		}
	}
	if len(missing) > 0 {
		fix("missing_evidence", "required evidence missing: %s", strings.Join(missing, ", "))
	}
	for _, r := range f.ActiveRegistrations {
		refuse("already_registered", "the practitioner already holds active registration %s with enterprise %s", r.Number, r.EnterpriseUSCC)
	}
	for _, c := range f.OtherApplications {
		if c.EnterpriseUSCC != f.Case.EnterpriseUSCC {
			refuse("applying_elsewhere", "the practitioner is applying with another enterprise in case %s", c.Number)
		}
	}
	if err == nil && pol.MaxAge > 0 && id.AgeAt(at) > pol.MaxAge {
		refuse("age_limit", "the practitioner is %d, over the age limit of %d", id.AgeAt(at), pol.MaxAge)
	}
	if hours := max(f.EducationHours, f.Practitioner.EducationHours); pol.EducationHours > 0 &&
		f.Practitioner.ObtainedOn.AddDate(pol.EducationAfterYears, 0, 0).Before(at) && hours < pol.EducationHours {
		fix("continuing_education", "the qualification is older than %d years: %d hours of continuing education are required, %d recorded",
			pol.EducationAfterYears, pol.EducationHours, hours)
	}
	for _, b := range f.BadRecords {
		refuse(b.Rule, "%s (blocks registration until %s)", b.Reason, b.BlocksUntil.Format("2006-01-02"))
	}
	return res
}
