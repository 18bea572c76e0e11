package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/store"
)

// notificationJSON is one item of a caller's inbox; case_id is null for a notification about a
// registration alone (an expiry reminder), which names the registration_number.
type notificationJSON struct {
	ID                 int64      `json:"id"`
	Kind               string     `json:"kind"`
	CaseID             *string    `json:"case_id"`
	RegistrationNumber *string    `json:"registration_number"`
	Message            string     `json:"message"`
	CreatedAt          time.Time  `json:"created_at"`
	ReadAt             *time.Time `json:"read_at"`
}

func toNotificationJSON(it *store.InboxItem) notificationJSON {
	n := notificationJSON{ID: it.ID, Kind: it.Kind, Message: it.Message, CreatedAt: it.At.UTC()}
	if it.CaseID != "" { // an expiry reminder is about a registration alone
		n.CaseID = &it.CaseID
	}
	if it.RegistrationNumber != "" {
		n.RegistrationNumber = &it.RegistrationNumber
	}
	if it.ReadAt != nil {
		t := it.ReadAt.UTC()
		n.ReadAt = &t
	}
	return n
}

// recipientOf is whose inbox a principal reads: notifications to their role (or to them) about
// the cases in their scope.
func recipientOf(p domain.Principal) store.Recipient {
	return store.Recipient{Role: string(p.Role), Subject: p.Subject, Principal: p.Key(), Scope: scopeOf(p)}
}

// listNotifications shows the caller's inbox, newest first, with cursor pagination.
func (s *Server) listNotifications(c *gin.Context) {
	limit, ok := limitParam(c)
	if !ok {
		return
	}
	items, next, err := s.Store.Inbox(c.Request.Context(), recipientOf(principal(c)), c.Query("cursor"), limit)
	if s.listFailed(c, err) {
		return
	}
	out := make([]notificationJSON, len(items))
	for i := range items {
		out[i] = toNotificationJSON(&items[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": next})
}

// readNotification marks one of the caller's notifications read.
func (s *Server) readNotification(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		notFound(c, "notification")
		return
	}
	item, err := s.Store.MarkRead(c.Request.Context(), recipientOf(principal(c)), id)
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "notification")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, toNotificationJSON(item))
}
