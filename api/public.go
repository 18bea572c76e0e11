package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/store"
)

// publicRegistrations answers the public query by registration number or name, masked.
func (s *Server) publicRegistrations(c *gin.Context) {
	number := strings.TrimSpace(c.Query("registration_number"))
	name := strings.TrimSpace(c.Query("name"))
	if number == "" && name == "" {
		fail(c, http.StatusBadRequest, "query_required", "give registration_number or name")
		return
	}
	regs, err := s.Store.PublicRegistrations(c.Request.Context(), number, name)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": regs})
}

// noticeJSON is a case under public notice (公示) as the national platform publishes it.
type noticeJSON struct {
	Number         string    `json:"number"`
	Name           string    `json:"name"`
	IDNumberMasked string    `json:"id_number_masked"`
	Enterprise     string    `json:"enterprise"`
	EnterpriseUSCC string    `json:"enterprise_uscc"`
	Category       string    `json:"category"`
	Level          int       `json:"level"`
	Specialty      string    `json:"specialty"`
	NoticeStart    time.Time `json:"notice_start"`
	NoticeEnd      time.Time `json:"notice_end"`
}

// publicNotices lists the cases now under public notice, for anyone to read (and object to).
func (s *Server) publicNotices(c *gin.Context) {
	limit, ok := limitParam(c)
	if !ok {
		return
	}
	list, next, err := s.Store.PublicNotices(c.Request.Context(), c.Query("cursor"), limit)
	if s.listFailed(c, err) {
		return
	}
	items := make([]noticeJSON, len(list))
	for i, n := range list {
		masked, err := s.Store.MaskedIDNumber(&store.Practitioner{IDNumberEnc: n.IDNumberEnc})
		if err != nil {
			s.internal(c, err)
			return
		}
		items[i] = noticeJSON{Number: n.Number, Name: n.Name, IDNumberMasked: masked, Enterprise: n.Enterprise,
			EnterpriseUSCC: n.EnterpriseUSCC, Category: store.Category(n.Level), Level: n.Level, Specialty: n.Specialty,
			NoticeStart: n.NoticeStart.UTC(), NoticeEnd: n.NoticeEnd.UTC()}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

type objectionRequest struct {
	Comment string `json:"comment" maxlen:"4000"`
}

// objectToNotice records an objection to a case under public notice, named by its case
// number, from anyone signed in. The answer carries the receipt and nothing else of the case.
func (s *Server) objectToNotice(c *gin.Context) {
	p := principal(c)
	var req objectionRequest
	if !bindJSON(c, &req) {
		return
	}
	key := idempotencyKey(c)
	cs, err := s.Store.CaseByNumber(c.Request.Context(), strings.TrimSpace(c.Param("number")))
	if errors.Is(err, store.ErrNotFound) || (err == nil && cs.Stage != string(domain.StagePublicNotice) && !s.mayReplay(c, p, key)) {
		notFound(c, "case under public notice")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	d, _, ok := s.decide(c, p, cs, actionRequest{Action: domain.ActionObject, Comment: req.Comment}, key, false)
	if !ok {
		return
	}
	outcome := s.awaitDecision(c, cs.ID, d.ID)
	stage := cs.Stage
	if fresh, err := s.Store.GetCase(c.Request.Context(), cs.ID, store.Scope{All: true}); err == nil {
		stage = fresh.Stage
	}
	c.JSON(http.StatusAccepted, gin.H{
		"decision": decisionJSON{ID: d.ID, Action: d.Action, AcceptedAt: d.At, Outcome: outcome},
		"number":   cs.Number,
		"stage":    stage,
	})
}

// mayReplay reports whether a request carries an Idempotency-Key the principal already used,
// so a retried objection is answered with its receipt after the notice moved on.
func (s *Server) mayReplay(c *gin.Context, p domain.Principal, key string) bool {
	if key == "" {
		return false
	}
	_, err := s.Store.GetReceipt(c.Request.Context(), p.Key(), key)
	return err == nil
}
