package steps

import (
	"context"
	"fmt"
)

// Activities is every activity the case workflows call, by name and signature. Package
// activities implements it; the worker registers that implementation.
type Activities interface {
	// RecordTransition writes a case's new projection and its timeline event, once per key.
	RecordTransition(ctx context.Context, rec TransitionRecord) error
	// Precheck runs the automated registration checks against the registry.
	Precheck(ctx context.Context, req PrecheckRequest) (PrecheckResult, error)
	// IssueRegistration assigns the registration number and activates the registration.
	IssueRegistration(ctx context.Context, req IssueRequest) (IssueResult, error)
	// Notify stores a reminder or escalation for its recipients.
	Notify(ctx context.Context, n Notification) error
	// FlagStuck marks a case stuck and tells the supervisors.
	FlagStuck(ctx context.Context, rep StuckReport) error

	// PrecheckRenewal checks a renewal: window, continuing education, bad records, age.
	PrecheckRenewal(ctx context.Context, req PrecheckRequest) (PrecheckResult, error)
	// Renew extends the registration's validity.
	Renew(ctx context.Context, req ApplyRequest) (ApplyResult, error)
	// PrecheckChange checks a change of employer, enterprise name or person name.
	PrecheckChange(ctx context.Context, req PrecheckRequest) (PrecheckResult, error)
	// ApplyChange carries out an approved change in one transaction.
	ApplyChange(ctx context.Context, req ApplyRequest) (ApplyResult, error)
	// PrecheckAddition checks an added specialty: valid for the level, not held, education.
	PrecheckAddition(ctx context.Context, req PrecheckRequest) (PrecheckResult, error)
	// AddSpecialty adds the specialty to the registration.
	AddSpecialty(ctx context.Context, req ApplyRequest) (ApplyResult, error)
	// PrecheckCancellation checks that the registration can still be cancelled.
	PrecheckCancellation(ctx context.Context, req PrecheckRequest) (PrecheckResult, error)
	// CancelRegistration ends the registration.
	CancelRegistration(ctx context.Context, req ApplyRequest) (ApplyResult, error)
}

// Stubs names the activities for workflow code: a workflow passes the method values of a nil
// *Stubs to workflow.ExecuteActivity, which checks the arguments against these signatures and
// schedules the activity of the same name. The methods are never run.
type Stubs struct{}

var _ Activities = (*Stubs)(nil)

func stub(name string) error {
	return fmt.Errorf("steps.Stubs.%s names an activity for workflows and must not be run; register activities.Activities", name)
}

// RecordTransition names the activity of that name.
func (*Stubs) RecordTransition(context.Context, TransitionRecord) error {
	return stub("RecordTransition")
}

// Precheck names the activity of that name.
func (*Stubs) Precheck(context.Context, PrecheckRequest) (PrecheckResult, error) {
	return PrecheckResult{}, stub("Precheck")
}

// IssueRegistration names the activity of that name.
func (*Stubs) IssueRegistration(context.Context, IssueRequest) (IssueResult, error) {
	return IssueResult{}, stub("IssueRegistration")
}

// Notify names the activity of that name.
func (*Stubs) Notify(context.Context, Notification) error { return stub("Notify") }

// FlagStuck names the activity of that name.
func (*Stubs) FlagStuck(context.Context, StuckReport) error { return stub("FlagStuck") }

// PrecheckRenewal names the activity of that name.
func (*Stubs) PrecheckRenewal(context.Context, PrecheckRequest) (PrecheckResult, error) {
	return PrecheckResult{}, stub("PrecheckRenewal")
}

// Renew names the activity of that name.
func (*Stubs) Renew(context.Context, ApplyRequest) (ApplyResult, error) {
	return ApplyResult{}, stub("Renew")
}

// PrecheckChange names the activity of that name.
func (*Stubs) PrecheckChange(context.Context, PrecheckRequest) (PrecheckResult, error) {
	return PrecheckResult{}, stub("PrecheckChange")
}

// ApplyChange names the activity of that name.
func (*Stubs) ApplyChange(context.Context, ApplyRequest) (ApplyResult, error) {
	return ApplyResult{}, stub("ApplyChange")
}

// PrecheckAddition names the activity of that name.
func (*Stubs) PrecheckAddition(context.Context, PrecheckRequest) (PrecheckResult, error) {
	return PrecheckResult{}, stub("PrecheckAddition")
}

// AddSpecialty names the activity of that name.
func (*Stubs) AddSpecialty(context.Context, ApplyRequest) (ApplyResult, error) {
	return ApplyResult{}, stub("AddSpecialty")
}

// PrecheckCancellation names the activity of that name.
func (*Stubs) PrecheckCancellation(context.Context, PrecheckRequest) (PrecheckResult, error) {
	return PrecheckResult{}, stub("PrecheckCancellation")
}

// CancelRegistration names the activity of that name.
func (*Stubs) CancelRegistration(context.Context, ApplyRequest) (ApplyResult, error) {
	return ApplyResult{}, stub("CancelRegistration")
}
