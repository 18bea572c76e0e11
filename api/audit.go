package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/audit"
	"certflow/domain"
	"certflow/store"
)

// auditLog is the audit log on the server's database.
func (s *Server) auditLog() *audit.Log { return audit.New(s.Store.DB) }

// recordAudit appends a successful action of the caller to the audit log.
func (s *Server) recordAudit(c *gin.Context, action, target string) error {
	p := principal(c)
	return s.auditLog().Record(c.Request.Context(), audit.Event{Actor: p.Subject, ActorRole: string(p.Role),
		Address: c.ClientIP(), Action: action, Target: target, Outcome: audit.OutcomeSuccess})
}

// canReadAudit: admins and supervisors read the audit log.
func canReadAudit(p domain.Principal) bool {
	return p.Role == domain.RoleAdmin || p.Role == domain.RoleSupervisor
}

// listAudit lists the audit log, newest first, filtered by actor, action and time, with
// cursor pagination.
func (s *Server) listAudit(c *gin.Context) {
	if !canReadAudit(principal(c)) {
		fail(c, http.StatusForbidden, "forbidden", "only admins and supervisors may read the audit log")
		return
	}
	f := audit.Filter{Actor: c.Query("actor"), Action: c.Query("action"), Cursor: c.Query("cursor")}
	var ok bool
	if f.Limit, ok = limitParam(c); !ok {
		return
	}
	if f.From, ok = timeParam(c, "from"); !ok {
		return
	}
	if f.To, ok = timeParam(c, "to"); !ok {
		return
	}
	items, next, err := s.auditLog().List(c.Request.Context(), f)
	if errors.Is(err, audit.ErrBadCursor) {
		err = store.ErrBadCursor
	}
	if s.listFailed(c, err) {
		return
	}
	if items == nil {
		items = []audit.Entry{}
	}
	for i := range items {
		items[i].At = items[i].At.UTC()
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// timeParam reads an optional RFC 3339 query parameter (zero when absent), answering 422 for
// another form.
func timeParam(c *gin.Context, name string) (time.Time, bool) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, true
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		invalid(c, []FieldError{{name, "must be an RFC 3339 date-time"}})
		return time.Time{}, false
	}
	return at, true
}
