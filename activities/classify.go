package activities

import (
	"errors"

	"github.com/uptrace/bun/driver/pgdriver"
	"go.temporal.io/sdk/temporal"

	"certflow/workflows/steps"
)

// Classify turns an activity's error into what Temporal should do with it: errors that
// retrying may fix (the database is down, a serialization conflict) stay retryable; errors
// about the data itself become non-retryable application errors of type steps.ErrDataRefused. The
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
		return temporal.NewNonRetryableApplicationError("the database refused the data (SQLSTATE "+code+")", steps.ErrDataRefused, nil)
	}
	return err
}
