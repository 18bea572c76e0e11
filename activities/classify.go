package activities

import (
	"errors"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.temporal.io/sdk/temporal"
)

// ErrDataRefused is the application error type of an activity whose data the database refused
// (a constraint, an invalid value, a statement it cannot run): retrying cannot fix it, so it
// is not retried and the workflow records the failure instead.
const ErrDataRefused = "DataRefused"

// Classify turns an activity's error into what Temporal should do with it: errors that
// retrying may fix (the database is down, a serialization conflict) stay retryable; errors
// about the data itself become non-retryable application errors of type ErrDataRefused. The
// message names only the SQLSTATE, never the refused values, so no personal data reaches the
// workflow history.
func Classify(err error) error {
	var appErr *temporal.ApplicationError
	if err == nil || errors.As(err, &appErr) {
		return err
	}
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) {
		return err
	}
	code := pgErr.Field('C')
	if len(code) < 2 {
		return err
	}
	switch code[:2] {
	case "22", "23", "42", "P0", "2F", "44":
		// data exception, integrity constraint, syntax or access rule, raised by a trigger,
		// routine exception, check-option violation
		return temporal.NewNonRetryableApplicationError("the database refused the data (SQLSTATE "+code+")", ErrDataRefused, nil)
	}
	return err
}

// CaseRef is implemented by every activity input that belongs to a case.
type CaseRef interface{ CaseRef() string }

// CaseRef names the case of a transition.
func (r TransitionRecord) CaseRef() string { return r.CaseID }

// CaseRef names the case of a pre-check.
func (r PrecheckRequest) CaseRef() string { return r.CaseID }

// CaseRef names the case being issued.
func (r IssueRequest) CaseRef() string { return r.CaseID }

// CaseRef names the case a notification is about.
func (n Notification) CaseRef() string { return n.CaseID }
