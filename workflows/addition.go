package workflows

// Addition runs a 增项注册 case, which adds a specialty to a registration (valid_to unchanged):
//
//	draft ──submit──▶ precheck ──▶ enterprise_confirmation ──▶ provincial_review ──▶ ministry_review ──▶ applying ──▶ closed
//	                  (specialty valid   (skipped when the        (5 working days)     (一级 only, 10)
//	                   and not held;      enterprise filed)
//	                   education when the
//	                   qualification is old)

import (
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
)

// Addition is the workflow of an addition case; its ID is the case ID.
func Addition(ctx workflow.Context, in CaseInput) (Outcome, error) {
	return runLifecycle(ctx, in, addition, Addition)
}

var addition = lifecycleType(domain.AdditionDefinition, lifecycle{
	precheck:      acts.PrecheckAddition,
	apply:         acts.AddSpecialty,
	afterPrecheck: confirmationUnlessEnterpriseFiled,
	ministry:      firstLevel,
})
