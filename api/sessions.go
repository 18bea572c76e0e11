package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/store"
)

// sessionJSON is one of the caller's sessions.
type sessionJSON struct {
	ID         string     `json:"id"`
	Address    string     `json:"address"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	EndReason  string     `json:"end_reason"`
	Current    bool       `json:"current"`
}

func toSessionJSON(se *store.Session, current string) sessionJSON {
	v := sessionJSON{ID: se.ID, Address: se.Address, CreatedAt: se.CreatedAt.UTC(), LastUsedAt: se.LastUsedAt.UTC(),
		EndReason: se.EndReason, Current: se.ID == current}
	if se.EndedAt != nil {
		at := se.EndedAt.UTC()
		v.EndedAt = &at
	}
	return v
}

// listSessions lists the caller's sessions, newest first (the last 100); a token of certflow
// token belongs to no account and has none.
func (s *Server) listSessions(c *gin.Context) {
	list, err := s.Store.UserSessions(c.Request.Context(), principal(c).Subject)
	if err != nil {
		s.internal(c, err)
		return
	}
	items := make([]sessionJSON, len(list))
	for i := range list {
		items[i] = toSessionJSON(&list[i], c.GetString(sessionKey))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// endUserSessions: an admin ends every open session of an account; its refresh tokens stop at
// once, its access tokens when they expire.
func (s *Server) endUserSessions(c *gin.Context) {
	if !userInPath(c) || !onlyAdmin(c, "end an account's sessions") {
		return
	}
	if _, err := s.Store.GetUser(c.Request.Context(), c.Param("id")); errors.Is(err, store.ErrNotFound) {
		notFound(c, "user")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	n, err := s.Store.EndUserSessions(c.Request.Context(), c.Param("id"), "ended_by_admin")
	if err != nil {
		s.internal(c, err)
		return
	}
	s.audit(c, SecurityEvent{Action: "sessions_ended", Target: c.Param("id"), Outcome: "success",
		Detail: fmt.Sprintf("%d by an admin", n)})
	c.Status(http.StatusNoContent)
}
