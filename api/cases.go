package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"certflow/domain"
	"certflow/intake"
	"certflow/store"
	"certflow/workflows"
)

// createCase opens a case of any type and starts its workflow. The request is checked against
// the type's definition and the registry by package intake; the Idempotency-Key header maps to
// exactly one case per principal.
func (s *Server) createCase(c *gin.Context) {
	p := principal(c)
	key := idempotencyKey(c)
	var req intake.Request
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	if key != "" {
		held, err := s.Store.CaseByIdempotencyKey(ctx, p.Key(), key)
		if err == nil {
			s.replayCase(c, p, held, req)
			return
		} else if !errors.Is(err, store.ErrNotFound) {
			s.internal(c, err)
			return
		}
	}
	row, err := intake.Prepare(ctx, intake.Deps{Store: s.Store, Policies: s.Policies, Now: s.Now()}, p, req)
	if s.intakeFailed(c, err) {
		return
	}
	if key != "" {
		row.IdempotencyKey = &key
	}
	started := false
	out, created, err := s.Store.CreateCase(ctx, row, func(cs *store.Case) error {
		if err := s.startWorkflow(ctx, cs); err != nil {
			return err
		}
		started = true
		return nil
	})
	if err != nil {
		if started { // the row did not commit: do not leave a workflow without its case
			_ = s.Temporal.TerminateWorkflow(context.WithoutCancel(ctx), row.ID, "", "case record was not written")
		}
		s.internal(c, err)
		return
	}
	if !created {
		s.replayCase(c, p, out, req)
		return
	}
	d, err := s.detail(ctx, p, out)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

// replayCase answers a repeated Idempotency-Key with the case it created, or 422 when the key
// was used for another request.
func (s *Server) replayCase(c *gin.Context, p domain.Principal, held *store.Case, req intake.Request) {
	if !sameRequest(held, req) {
		fail(c, http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was already used for a different case")
		return
	}
	d, err := s.detail(c.Request.Context(), p, held)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.Header("Idempotent-Replayed", "true")
	c.JSON(http.StatusCreated, d)
}

// sameRequest reports whether a case was filed with this request: by its fingerprint, or for
// cases filed before fingerprints were kept, by the registration request's fields.
func sameRequest(held *store.Case, req intake.Request) bool {
	if held.RequestHash != "" {
		return held.RequestHash == req.Fingerprint()
	}
	return held.Type == strings.TrimSpace(req.Type) && held.PractitionerID == strings.TrimSpace(req.PractitionerID) &&
		held.EnterpriseUSCC == strings.ToUpper(strings.TrimSpace(req.EnterpriseUSCC)) && held.Specialty == strings.TrimSpace(req.Specialty)
}

// intakeFailed answers a request intake refused (a *intake.Problem) or could not check.
func (s *Server) intakeFailed(c *gin.Context, err error) bool {
	var prob *intake.Problem
	switch {
	case err == nil:
		return false
	case errors.As(err, &prob):
		fields := make([]FieldError, len(prob.Fields))
		for i, f := range prob.Fields {
			fields[i] = FieldError{f.Field, f.Detail}
		}
		fail(c, prob.Status, prob.Code, prob.Detail, fields...)
	default:
		s.internal(c, err)
	}
	return true
}

// startWorkflow starts the case's workflow; the workflow ID is the case ID.
func (s *Server) startWorkflow(ctx context.Context, cs *store.Case) error {
	def, ok := domain.DefinitionOf(domain.CaseType(cs.Type))
	if !ok {
		return fmt.Errorf("case type %q has no definition", cs.Type)
	}
	in := workflows.CaseInput{
		CaseID: cs.ID, Number: cs.Number, Type: domain.CaseType(cs.Type), Level: cs.Level,
		FiledBy:  domain.Role(cs.FiledByRole),
		Facts:    factsOf(cs),
		Policy:   s.Policies[domain.CaseType(cs.Type)],
		Calendar: s.Calendar,
	}
	return temporalCall(ctx, func(ctx context.Context) error {
		_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       cs.ID,
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			TypedSearchAttributes:    workflows.StartSearchAttributes(cs.Type, cs.Stage, cs.Status, cs.Province),
		}, def.Workflow, in)
		return err
	})
}

// getCase shows one case within scope. A client waiting for the case to change sends
// ?after=VERSION&wait=30s: the answer comes as soon as the version passes VERSION, or when the
// wait ends with 304. If-None-Match with the current ETag answers 304 too.
func (s *Server) getCase(c *gin.Context) {
	p := principal(c)
	after, wait, ok := waitParams(c)
	if !ok {
		return
	}
	cs, ok := s.findCase(c, p)
	if !ok {
		return
	}
	if after >= 0 && wait > 0 {
		fresh, err := s.awaitVersion(c.Request.Context(), cs, after, wait)
		if err != nil {
			s.internal(c, err)
			return
		}
		cs = fresh
	}
	c.Header("ETag", etag(cs.Version))
	if (after >= 0 && cs.Version <= after) || ifNoneMatch(c.GetHeader("If-None-Match"), cs.Version) {
		c.Status(http.StatusNotModified)
		return
	}
	d, err := s.detail(c.Request.Context(), p, cs)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// listCases lists cases in scope with filters and cursor pagination.
func (s *Server) listCases(c *gin.Context) {
	p := principal(c)
	f := store.CaseFilter{Type: c.Query("type"), Status: c.Query("status"), Stage: c.Query("stage"),
		Cursor: c.Query("cursor"), Now: s.Now()}
	var errs []FieldError
	if f.Type != "" && !domain.CaseType(f.Type).Valid() {
		errs = append(errs, FieldError{"type", fmt.Sprintf("must be one of %v", domain.CaseTypes)})
	}
	if f.Status != "" && !domain.Status(f.Status).Valid() {
		errs = append(errs, FieldError{"status", "unknown status"})
	}
	if f.Stage != "" && !domain.Stage(f.Stage).Valid() {
		errs = append(errs, FieldError{"stage", "unknown stage"})
	}
	if v := c.Query("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, FieldError{"overdue", "must be true or false"})
		}
		f.Overdue = b
	}
	switch c.Query("assignee") {
	case "":
	case "me":
		f.AssigneeRole, f.AssigneeSub, f.AssigneeEnterprise = string(p.Role), p.Subject, p.Enterprise
	default:
		errs = append(errs, FieldError{"assignee", `only "me" is supported`})
	}
	if v := c.Query("stuck"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, FieldError{"stuck", "must be true or false"})
		}
		f.Stuck = &b
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	var ok bool
	if f.Limit, ok = limitParam(c); !ok {
		return
	}
	cases, next, err := s.Store.ListCases(c.Request.Context(), scopeOf(p), f)
	if s.listFailed(c, err) {
		return
	}
	items := make([]caseSummary, len(cases))
	for i := range cases {
		items[i] = summarize(&cases[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}
