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
