package workflows

// Change runs a 变更注册 case of one of three kinds:
//
//	employer:        draft ─▶ precheck ─▶ release ─▶ enterprise_confirmation ─▶ provincial_review ─▶ ministry_review ─▶ applying
//	                                      (old enterprise, 5 days;  (new enterprise confirms or
//	                                       skipped when the          refuses; skipped when it filed)
//	                                       applicant proved the contract ended)
//	person_name:     draft ─▶ precheck ─▶ provincial_review ─▶ ministry_review (一级) ─▶ applying
//	enterprise_name: draft ─▶ precheck ─▶ provincial_review ─▶ applying
//
// When the old enterprise does not release in time the applicant is asked for
// contract_termination evidence, which the provincial reviewer checks. Applying a change of
// employer moves the registration in one transaction, and only if it still is with the old
// enterprise: of two concurrent changes for one person exactly one wins.

import (
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// Change is the workflow of a change case; its ID is the case ID.
func Change(ctx workflow.Context, in CaseInput) (Outcome, error) {
	return runLifecycle(ctx, in, change, Change)
}

var change = lifecycleType(domain.ChangeDefinition, lifecycle{
	precheck:      acts.PrecheckChange,
	apply:         acts.ApplyChange,
	afterPrecheck: afterChangePrecheck,
	ministry: func(r *caseRun) bool {
		return r.in.Facts.Kind != domain.ChangeEnterpriseName && r.in.Level == 1
	},
})

// afterChangePrecheck: a change of employer waits for the old enterprise's release unless the
// contract's end is proved; name changes go to the province.
func afterChangePrecheck(r *caseRun, res steps.PrecheckResult) domain.Stage {
	if r.in.Facts.Kind != domain.ChangeEmployer {
		return domain.StageProvincialReview
	}
	if skips(res, domain.StageRelease) {
		return confirmationUnlessEnterpriseFiled(r, res)
	}
	return domain.StageRelease
}
