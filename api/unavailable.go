package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"

	"certflow/store"
)

// temporalTimeout bounds every call the API makes to Temporal, so that an outage is answered
// with 503 quickly instead of after the client's own retries.
const temporalTimeout = 2500 * time.Millisecond

// retryAfter is the Retry-After (seconds) of a 503 answer.
const retryAfter = "5"

// errTemporalUnavailable wraps the errors of a Temporal server that cannot be reached.
var errTemporalUnavailable = errors.New("the workflow engine is unavailable")

// temporalCall runs one Temporal call with temporalTimeout and marks connectivity failures
// with errTemporalUnavailable.
func temporalCall(ctx context.Context, call func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, temporalTimeout)
	defer cancel()
	err := call(ctx)
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	if errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.Is(err, context.DeadlineExceeded) ||
		(err != nil && ctx.Err() != nil) {
		return fmt.Errorf("%w: %w", errTemporalUnavailable, err)
	}
	return err
}

// dependencyDown names the dependency an error says is unavailable, or "".
func dependencyDown(err error) string {
	switch {
	case errors.Is(err, store.ErrUnavailable):
		return "database"
	case errors.Is(err, errTemporalUnavailable):
		return "temporal"
	case errors.Is(err, errStorageUnavailable):
		return "storage"
	}
	return ""
}

// unavailable answers 503 with Retry-After and a code naming the dependency that is down.
func unavailable(c *gin.Context, dep string) {
	c.Header("Retry-After", retryAfter)
	fail(c, http.StatusServiceUnavailable, dep+"_unavailable",
		"the "+dep+" certflow depends on is unavailable; nothing was changed — try again in a few seconds")
}
