package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/store"
)

const (
	// maxWait bounds a long poll on a case.
	maxWait = 60 * time.Second
)

// waitParams reads a long poll's ?after=VERSION&wait=DURATION (after < 0: no long poll),
// answering 422 itself when they are bad.
func waitParams(c *gin.Context) (after int, wait time.Duration, ok bool) {
	after = -1
	var errs []FieldError
	if v := c.Query("after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, FieldError{"after", "must be a case version (a number from 0)"})
		}
		after = n
	}
	if v := c.Query("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > maxWait {
			errs = append(errs, FieldError{"wait", "must be a duration up to 60s, e.g. 30s"})
		}
		wait = d
		if c.Query("after") == "" {
			errs = append(errs, FieldError{"after", "is required with wait: the version you have"})
		}
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return 0, 0, false
	}
	return after, wait, true
}

// awaitVersion waits, up to wait, until the case's version passes after, reading only the
// version when the case is announced as changed (or every store.FallbackInterval); it returns
// the case as it then is (or unchanged on time-out). The reads use the request's context, not
// the wait's deadline, so a read that meets the end of the wait is not mistaken for a database
// that does not answer.
func (s *Server) awaitVersion(ctx context.Context, cs *store.Case, after int, wait time.Duration) (*store.Case, error) {
	changed, stop := s.Changes.Subscribe(cs.ID)
	defer stop()
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	fallback := time.NewTicker(store.FallbackInterval)
	defer fallback.Stop()
	for recheck := cs.Version <= after; recheck; {
		// Read first: a change between the caller's read and the subscription is not missed.
		v, err := s.Store.CaseVersion(ctx, cs.ID)
		if err != nil {
			if ctx.Err() != nil { // the caller went away
				return cs, nil
			}
			return nil, err
		}
		if v > after {
			return s.Store.GetCase(ctx, cs.ID, store.Scope{All: true})
		}
		select {
		case <-ctx.Done():
			return cs, nil
		case <-timeout.C:
			return cs, nil
		case <-changed:
		case <-fallback.C:
		}
	}
	return cs, nil
}
