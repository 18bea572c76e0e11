package api

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/domain"
)

// SecurityEvent is one security-relevant event — an account created or changed, a role
// granted, an activation code issued or used, a sign-in — for the audit trail.
type SecurityEvent struct {
	// Action names the event: user_created, user_changed, role_granted, activation_reset,
	// account_activated, activation_failed.
	Action string
	// Actor is the subject of the caller's token ("" for anonymous callers) and Role its role.
	Actor string
	Role  domain.Role
	// Address is the client's address.
	Address string
	// Target is what the event is about (a user id or a username).
	Target string
	// Outcome is success or failure.
	Outcome string
	// Detail says more (e.g. the role granted), never a secret or personal data.
	Detail string
	At     time.Time
}

// Auditor records security events. The API server's Auditor is a no-op until the audit trail
// is wired in; recording must not fail the request it describes (failures are logged).
type Auditor interface {
	Record(ctx context.Context, e SecurityEvent) error
}

// NoAuditor discards security events.
type NoAuditor struct{}

// Record implements Auditor.
func (NoAuditor) Record(context.Context, SecurityEvent) error { return nil }

// audit records a security event of this request, filling in the caller, address and time.
func (s *Server) audit(c *gin.Context, e SecurityEvent) {
	if v, ok := c.Get(principalKey); ok {
		p := v.(domain.Principal)
		e.Actor, e.Role = p.Subject, p.Role
	}
	e.Address, e.At = c.ClientIP(), s.Now().UTC()
	if err := s.Auditor.Record(c.Request.Context(), e); err != nil {
		s.Log.Error("security event not recorded", "action", e.Action, "target", e.Target, "err", err)
	}
}
