package workflows

// Cancellation runs a 注销注册 case, filed by the holder, the enterprise or an investigator:
//
//	draft ──submit──▶ precheck ──▶ provincial_review ──▶ applying ──▶ closed
//	                  (registration    (5 working days;
//	                   still active)    the province decides)
//
// Applying ends the registration (cancelled); its history stays.

import (
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
)

// Cancellation is the workflow of a cancellation case; its ID is the case ID.
func Cancellation(ctx workflow.Context, in CaseInput) (Outcome, error) {
	return runLifecycle(ctx, in, cancellation, Cancellation)
}

var cancellation = lifecycleType(domain.CancellationDefinition, lifecycle{
	precheck:      acts.PrecheckCancellation,
	apply:         acts.CancelRegistration,
	afterPrecheck: provincialReview,
	ministry:      provinceDecides,
})
