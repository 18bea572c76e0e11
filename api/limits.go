package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Lockout: failed passwords and codes of a username within lockoutWindow; lockoutLimit of them
// lock it for lockoutFor, whether or not the username exists.
const (
	lockoutLimit  = 5
	lockoutWindow = 15 * time.Minute
	lockoutFor    = 15 * time.Minute
)

// DefaultAuthRateLimit is how many requests a client address may send to the sign-in
// endpoints per minute.
const DefaultAuthRateLimit = 30

// lockoutKey is a username's key in the counters.
func lockoutKey(username string) string { return "login:" + strings.ToLower(username) }

// tooMany answers 429 with Retry-After (whole seconds, at least 1).
func (s *Server) tooMany(c *gin.Context, until time.Time, code, detail string) {
	secs := int(math.Ceil(until.Sub(s.Now()).Seconds()))
	if secs < 1 {
		secs = 1
	}
	c.Header("Retry-After", strconv.Itoa(secs))
	fail(c, http.StatusTooManyRequests, code, detail)
}

// accountLocked answers a locked username alike whether or not it exists.
func (s *Server) accountLocked(c *gin.Context, until time.Time) {
	s.tooMany(c, until, "locked", "too many failed sign-ins for this username; try again after Retry-After seconds")
}

// checkLockout answers 429 when a username is locked, and reports whether the request may go on.
func (s *Server) checkLockout(c *gin.Context, username string) bool {
	until, err := s.Store.LockedUntil(c.Request.Context(), lockoutKey(username), s.Now())
	if err != nil {
		s.internal(c, err)
		return false
	}
	if !until.IsZero() {
		s.accountLocked(c, until)
		return false
	}
	return true
}

// countFailure counts a failed password or code of a username; it answers 429 itself when
// this locks the username and reports whether it answered.
func (s *Server) countFailure(c *gin.Context, username string) bool {
	until, err := s.Store.CountEvent(c.Request.Context(), lockoutKey(username), s.Now(), lockoutWindow, lockoutLimit, lockoutFor)
	if err != nil {
		s.internal(c, err)
		return true
	}
	if until.IsZero() {
		return false
	}
	s.audit(c, SecurityEvent{Action: "lockout", Target: strings.ToLower(username), Outcome: "failure",
		Detail: "until " + until.UTC().Format(time.RFC3339)})
	s.accountLocked(c, until)
	return true
}

// rateLimited limits the requests of a client address to the sign-in endpoints (AuthRateLimit
// a minute; DefaultAuthRateLimit when 0, none when negative).
func (s *Server) rateLimited(c *gin.Context) {
	limit := s.AuthRateLimit
	if limit == 0 {
		limit = DefaultAuthRateLimit
	}
	if limit < 0 {
		c.Next()
		return
	}
	until, err := s.Store.CountEvent(c.Request.Context(), "addr:"+c.ClientIP(), s.Now(), time.Minute, limit+1, time.Minute)
	if err != nil {
		s.internal(c, err)
		return
	}
	if !until.IsZero() {
		s.tooMany(c, until, "rate_limited", "too many sign-in requests from this address; try again after Retry-After seconds")
		return
	}
	c.Next()
}
