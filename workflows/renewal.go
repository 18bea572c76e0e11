package workflows

// Renewal runs a 延续注册 case, which extends a registration by 3 years from its old valid_to:
//
//	draft ──submit──▶ precheck ──▶ enterprise_confirmation ──▶ provincial_review ──▶ ministry_review ──▶ applying ──▶ closed
//	                  (window,      (skipped when the           (5 working days)     (一级 only, 10)
//	                   education,    enterprise filed)
//	                   record, age)
//
// Hours of continuing education short of the period's requirement send the case back to the
// applicant naming the hours missing; the shared lifecycle shape is in lifecycle.go.

import (
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
)

// Renewal is the workflow of a renewal case; its ID is the case ID.
func Renewal(ctx workflow.Context, in CaseInput) (Outcome, error) {
	return runLifecycle(ctx, in, renewal, Renewal)
}

var renewal = lifecycleType(domain.RenewalDefinition, lifecycle{
	precheck:      acts.PrecheckRenewal,
	apply:         acts.Renew,
	afterPrecheck: confirmationUnlessEnterpriseFiled,
	ministry:      firstLevel,
})
