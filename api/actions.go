package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"

	"certflow/domain"
	"certflow/intake"
	"certflow/store"
	"certflow/workflows"
)

type actionRequest struct {
	Action      domain.Action `json:"action"`
	Comment     string        `json:"comment" maxlen:"4000"`
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
	domain.CodeInvalidText:     http.StatusUnprocessableEntity,
	domain.CodeNothingSupplied: http.StatusUnprocessableEntity,
}

// caseAction checks a decision against role, scope, stage and the version the caller saw
// (If-Match), then signals it to the case's workflow. The signal is durable: once accepted here
// it reaches the workflow even if no worker is running now. The workflow checks it again and
// records a refusal on the timeline. With an Idempotency-Key, a repeated request gets the first
// request's receipt instead of becoming a second decision.
func (s *Server) caseAction(c *gin.Context) {
	p := principal(c)
	var req actionRequest
	if !bindJSON(c, &req) {
		return
	}
	if !req.Action.Valid() {
		fail(c, http.StatusUnprocessableEntity, domain.CodeUnknownAction,
			fmt.Sprintf("unknown action %s; expected one of %v", strings.TrimSpace(string(req.Action)), domain.Actions))
		return
	}
	key := idempotencyKey(c)
	cs, ok := s.findCase(c, p)
	if !ok {
		return
	}
	d, replayed, ok := s.decide(c, p, cs, req, key, true)
	if !ok {
		return
	}
	outcome := s.awaitDecision(c, cs.ID, d.ID)
	fresh, err := s.Store.GetCase(c.Request.Context(), cs.ID, store.Scope{All: true})
	if err != nil {
		s.internal(c, err)
		return
	}
	detail, err := s.detail(c.Request.Context(), p, fresh)
	if err != nil {
		s.internal(c, err)
		return
	}
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Header("Location", "/api/v1/cases/"+cs.ID)
	c.Header("ETag", etag(fresh.Version))
	c.JSON(http.StatusAccepted, actionResponse{caseDetail: detail,
		Decision: decisionJSON{ID: d.ID, Action: d.Action, AcceptedAt: d.At, Outcome: outcome}})
}

// decide checks a decision and hands it to the case's workflow, answering the caller itself
// (and returning ok=false) when it is refused. A request repeating an Idempotency-Key returns
// the first decision with replayed=true. withIfMatch honours the If-Match header.
func (s *Server) decide(c *gin.Context, p domain.Principal, cs *store.Case, req actionRequest, key string, withIfMatch bool) (d workflows.Decision, replayed, ok bool) {
	req.Comment = strings.TrimSpace(req.Comment)
	fingerprint := decisionFingerprint(cs.ID, req)
	if key != "" {
		held, err := s.Store.GetReceipt(c.Request.Context(), p.Key(), key)
		if err == nil {
			return s.replayReceipt(c, held, fingerprint)
		} else if !errors.Is(err, store.ErrNotFound) {
			s.internal(c, err)
			return d, false, false
		}
	}
	if withIfMatch && !ifMatches(c.GetHeader("If-Match"), cs.Version) {
		fail(c, http.StatusPreconditionFailed, "stale_version",
			"the case changed since you read it (it is now at version "+strconv.Itoa(cs.Version)+"); read it again and decide on what it shows now")
		return d, false, false
	}
	if req.Action == domain.ActionSupplement && req.Comment == "" && len(req.EvidenceIDs) == 0 {
		ids, err := s.Store.EvidenceSinceSupplementRequest(c.Request.Context(), cs.ID)
		if err != nil {
			s.internal(c, err)
			return d, false, false
		}
		req.EvidenceIDs = ids
	}
	if !s.checkDecision(c, p, cs, req) {
		return d, false, false
	}
	d = workflows.Decision{ID: uuid.NewString(), Action: req.Action, Principal: p, Comment: req.Comment,
		EvidenceIDs: req.EvidenceIDs, At: s.Now().UTC().Truncate(time.Microsecond)} // as stored
	if key != "" {
		r := &store.ActionReceipt{Principal: p.Key(), Key: key, CaseID: cs.ID, DecisionID: d.ID, Action: string(d.Action),
			Fingerprint: fingerprint, AcceptedAt: d.At}
		held, claimed, err := s.Store.ClaimReceipt(c.Request.Context(), r)
		if err != nil {
			s.internal(c, err)
			return d, false, false
		}
		if !claimed { // a concurrent request with the same key won
			return s.replayReceipt(c, held, fingerprint)
		}
	}
	submitting := req.Action == domain.ActionSubmit
	if submitting && !s.markSubmitted(c, cs, key, p) {
		return d, false, false
	}
	err := temporalCall(c.Request.Context(), func(ctx context.Context) error {
		return s.Temporal.SignalWorkflow(ctx, cs.ID, "", workflows.SignalDecision, d)
	})
	if err != nil && submitting {
		if uerr := s.Store.MarkSubmitted(context.WithoutCancel(c.Request.Context()), cs.ID, false); uerr != nil {
			s.Log.Error("undoing a submission mark failed", "case", cs.ID, "err", uerr)
		}
	}
	if err != nil && key != "" {
		// The decision did not reach the workflow: free the key for a retry.
		if rerr := s.Store.ReleaseReceipt(context.WithoutCancel(c.Request.Context()), p.Key(), key); rerr != nil {
			s.Log.Error("releasing an action receipt failed", "case", cs.ID, "err", rerr)
		}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		fail(c, http.StatusConflict, domain.CodeCaseClosed, "the case is closed; no further actions are possible")
		return d, false, false
	} else if err != nil {
		s.internal(c, err)
		return d, false, false
	}
	return d, false, true
}

// markSubmitted records the submission before it is signalled: a registration has at most one
// submitted open case, so a second answers 409 case_open (and frees the receipt it claimed).
func (s *Server) markSubmitted(c *gin.Context, cs *store.Case, key string, p domain.Principal) bool {
	ctx := c.Request.Context()
	err := s.Store.MarkSubmitted(ctx, cs.ID, true)
	if err == nil {
		return true
	}
	if key != "" {
		if rerr := s.Store.ReleaseReceipt(context.WithoutCancel(ctx), p.Key(), key); rerr != nil {
			s.Log.Error("releasing an action receipt failed", "case", cs.ID, "err", rerr)
		}
	}
	if errors.Is(err, store.ErrCaseOpen) {
		number := "another case"
		if open, oerr := s.Store.OpenSubmittedCase(ctx, cs.RegistrationID); oerr == nil {
			number = open.Number
		}
		prob := intake.CaseOpen(number)
		fail(c, prob.Status, prob.Code, prob.Detail)
		return false
	}
	s.internal(c, err)
	return false
}

// checkDecision applies the decision rule and the content rule, and checks that referenced
// evidence belongs to the case; it answers the refusal itself.
func (s *Server) checkDecision(c *gin.Context, p domain.Principal, cs *store.Case, req actionRequest) bool {
	err := domain.CheckDecision(factsOf(cs), p, req.Action, req.Comment)
	if err == nil {
		err = domain.CheckDecisionContent(req.Action, req.Comment, req.EvidenceIDs)
	}
	var r *domain.Refusal
	if errors.As(err, &r) {
		status, ok := refusalStatus[r.Code]
		if !ok {
			status = http.StatusConflict
		}
		fail(c, status, r.Code, r.Message)
		return false
	} else if err != nil {
		s.internal(c, err)
		return false
	}
	if len(req.EvidenceIDs) > 0 {
		n, err := s.Store.CountEvidence(c.Request.Context(), cs.ID, req.EvidenceIDs)
		if err != nil {
			s.internal(c, err)
			return false
		}
		if n != len(req.EvidenceIDs) {
			invalid(c, []FieldError{{"evidence_ids", "every id must be evidence uploaded to this case"}})
			return false
		}
	}
	return true
}

// replayReceipt answers a repeated Idempotency-Key with the first decision, or 422 when the key
// was used for a different request.
func (s *Server) replayReceipt(c *gin.Context, held *store.ActionReceipt, fingerprint string) (workflows.Decision, bool, bool) {
	if held.Fingerprint != fingerprint {
		fail(c, http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was already used for a different action")
		return workflows.Decision{}, false, false
	}
	return workflows.Decision{ID: held.DecisionID, Action: domain.Action(held.Action), At: held.AcceptedAt.UTC()}, true, true
}

// decisionFingerprint identifies a request for the Idempotency-Key check.
func decisionFingerprint(caseID string, req actionRequest) string {
	h := sha256.New()
	for _, part := range append([]string{caseID, string(req.Action), strings.TrimSpace(req.Comment)}, req.EvidenceIDs...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ifMatches reports whether an If-Match header admits the case version: absent or "*" admit
// any; otherwise one of the listed entity tags must be the version's.
func ifMatches(header string, version int) bool {
	header = strings.TrimSpace(header)
	if header == "" || header == "*" {
		return true
	}
	want := strconv.Itoa(version)
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if strings.Trim(tag, `"`) == want {
			return true
		}
	}
	return false
}

// ifNoneMatch reports whether an If-None-Match header names the case version (or is "*").
func ifNoneMatch(header string, version int) bool {
	return strings.TrimSpace(header) != "" && ifMatches(header, version)
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
	changed, stop := s.Changes.Subscribe(caseID)
	defer stop()
	deadline := time.NewTimer(3 * time.Second)
	defer deadline.Stop()
	every := decisionFallback
	if s.Changes != nil { // a change wakes it at once; the read is only a safety net
		every = store.FallbackInterval
	}
	fallback := time.NewTicker(every)
	defer fallback.Stop()
	for {
		ev, err := s.Store.EventByKey(c.Request.Context(), caseID, "d-"+decisionID)
		if err == nil {
			if strings.HasPrefix(ev.Action, "refused_") {
				return "refused"
			}
			return "recorded"
		}
		select {
		case <-changed:
		case <-fallback.C:
		case <-deadline.C:
			return "pending"
		case <-c.Request.Context().Done():
			return "pending"
		}
	}
}

// decisionFallback is how often an action re-reads its decision when no watcher announces case
// changes (with one, a change wakes it at once and it re-reads only every
// store.FallbackInterval).
const decisionFallback = 100 * time.Millisecond
