package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"

	"certflow/domain"
	"certflow/store"
	"certflow/workflows"
)

type actionRequest struct {
	Action      domain.Action `json:"action"`
	Comment     string        `json:"comment"`
	EvidenceIDs []string      `json:"evidence_ids"`
}

// refusalStatus maps a decision refusal to its HTTP status.
var refusalStatus = map[string]int{
	domain.CodeCaseClosed:      http.StatusConflict,
	domain.CodeWrongStage:      http.StatusConflict,
	domain.CodeNotAllowed:      http.StatusForbidden,
	domain.CodeFourEyes:        http.StatusForbidden,
	domain.CodeReasonRequired:  http.StatusUnprocessableEntity,
	domain.CodeAlreadyExtended: http.StatusConflict,
	domain.CodeUnknownAction:   http.StatusUnprocessableEntity,
}

// caseAction checks a decision against role, scope and stage, then signals it to the case's
// workflow. The signal is durable: once accepted here it reaches the workflow even if no worker
// is running now. The workflow checks it again and records a refusal on the timeline.
func (s *Server) caseAction(c *gin.Context) {
	p := principal(c)
	var req actionRequest
	if !bindJSON(c, &req) {
		return
	}
	req.Comment = strings.TrimSpace(req.Comment)
	if !req.Action.Valid() {
		fail(c, http.StatusUnprocessableEntity, domain.CodeUnknownAction,
			"unknown action "+strings.TrimSpace(string(req.Action))+"; expected one of submit, confirm, approve, reject, request_supplement, supplement, extend, object, withdraw")
		return
	}
	if len(req.Comment) > 4000 {
		invalid(c, []FieldError{{"comment", "must be at most 4000 characters"}})
		return
	}
	cs, ok := s.findCase(c, p, req.Action == domain.ActionObject)
	if !ok {
		return
	}
	if err := domain.CheckDecision(factsOf(cs), p, req.Action, req.Comment); err != nil {
		var r *domain.Refusal
		if errors.As(err, &r) {
			status, ok := refusalStatus[r.Code]
			if !ok {
				status = http.StatusConflict
			}
			fail(c, status, r.Code, r.Message)
			return
		}
		s.internal(c, err)
		return
	}
	if len(req.EvidenceIDs) > 0 {
		n, err := s.Store.CountEvidence(c, cs.ID, req.EvidenceIDs)
		if err != nil {
			s.internal(c, err)
			return
		}
		if n != len(req.EvidenceIDs) {
			invalid(c, []FieldError{{"evidence_ids", "every id must be evidence uploaded to this case"}})
			return
		}
	}
	d := workflows.Decision{ID: uuid.NewString(), Action: req.Action, Principal: p, Comment: req.Comment,
		EvidenceIDs: req.EvidenceIDs, At: s.Now().UTC()}
	err := s.Temporal.SignalWorkflow(c, cs.ID, "", workflows.SignalDecision, d)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		fail(c, http.StatusConflict, domain.CodeCaseClosed, "the case is closed; no further actions are possible")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	c.Header("Location", "/api/v1/cases/"+cs.ID)
	outcome := s.awaitDecision(c, cs.ID, d.ID)
	if fresh, err := s.Store.GetCase(c, cs.ID, store.Scope{All: true}); err == nil {
		cs = fresh
	}
	detail, err := s.detail(c, p, cs)
	if err != nil {
		s.internal(c, err)
		return
	}
	if _, err := s.Store.GetCase(c, cs.ID, caseScope(p)); err != nil {
		// An objector outside the case's scope learns only what the public notice shows.
		detail.Evidence, detail.Events, detail.AllowedActions = []evidenceJSON{}, []eventJSON{}, []domain.Action{}
	}
	c.JSON(http.StatusAccepted, actionResponse{caseDetail: detail,
		Decision: decisionJSON{ID: d.ID, Action: d.Action, AcceptedAt: d.At, Outcome: outcome}})
}

// actionResponse is the case after an action, with the decision's receipt.
type actionResponse struct {
	*caseDetail
	Decision decisionJSON `json:"decision"`
}

// decisionJSON is the receipt of a decision: "recorded" once the workflow wrote it to the
// timeline, "refused" if it recorded a refusal, "pending" if no worker has processed it yet
// (it will be, since signals are durable).
type decisionJSON struct {
	ID         string        `json:"id"`
	Action     domain.Action `json:"action"`
	AcceptedAt time.Time     `json:"accepted_at"`
	Outcome    string        `json:"outcome"`
}

// awaitDecision waits briefly for the workflow to record the decision, so the response shows
// its effect when workers are up; it never fails the request.
func (s *Server) awaitDecision(c *gin.Context, caseID, decisionID string) string {
	deadline := time.Now().Add(3 * time.Second)
	for {
		ev, err := s.Store.EventByKey(c, caseID, "d-"+decisionID)
		if err == nil {
			if strings.HasPrefix(ev.Action, "refused_") {
				return "refused"
			}
			return "recorded"
		}
		if time.Now().After(deadline) || c.Request.Context().Err() != nil {
			return "pending"
		}
		time.Sleep(15 * time.Millisecond)
	}
}
