package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"certflow/domain"
	"certflow/store"
	"certflow/workflows"
)

type createCaseRequest struct {
	Type           string `json:"type"`
	PractitionerID string `json:"practitioner_id"`
	EnterpriseUSCC string `json:"enterprise_uscc"`
	Specialty      string `json:"specialty"`
}

// noSuchPractitioner is the one answer for a practitioner who does not exist and for one the
// caller may not file for, so filing reveals nothing about other enterprises' people.
var noSuchPractitioner = []FieldError{{"practitioner_id", "no practitioner you may file for has this id"}}

// createCase opens a case and starts its workflow; the Idempotency-Key header maps to exactly
// one case per principal.
func (s *Server) createCase(c *gin.Context) {
	p := principal(c)
	if p.Role != domain.RoleApplicant && p.Role != domain.RoleEnterprise {
		fail(c, http.StatusForbidden, "forbidden", "only applicants and enterprises may file cases")
		return
	}
	key := idempotencyKey(c)
	var req createCaseRequest
	if !bindJSON(c, &req) {
		return
	}
	req.EnterpriseUSCC = strings.ToUpper(strings.TrimSpace(req.EnterpriseUSCC))
	if req.Type != string(domain.CaseRegistration) {
		invalid(c, []FieldError{{"type", `must be "registration"`}})
		return
	}
	if !canFileCase(p, req.PractitionerID, req.EnterpriseUSCC) {
		fail(c, http.StatusForbidden, "forbidden", "you may file cases only for yourself or for your own enterprise")
		return
	}
	prac, err := s.Store.GetPractitioner(c.Request.Context(), req.PractitionerID, store.Scope{All: true})
	if errors.Is(err, store.ErrNotFound) {
		invalid(c, noSuchPractitioner)
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	if p.Role == domain.RoleEnterprise {
		// An enterprise files only for the people it employs or holds the registration of.
		if employed, err := s.Store.EmployedBy(c.Request.Context(), prac.ID, p.Enterprise); err != nil {
			s.internal(c, err)
			return
		} else if !employed {
			invalid(c, noSuchPractitioner)
			return
		}
	}
	ent, err := s.Store.GetEnterprise(c.Request.Context(), req.EnterpriseUSCC)
	if errors.Is(err, store.ErrNotFound) {
		invalid(c, []FieldError{{"enterprise_uscc", "no enterprise with this credit code is registered"}})
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	if req.Specialty != prac.Specialty || !domain.ValidSpecialty(prac.Level, req.Specialty) {
		invalid(c, []FieldError{{"specialty", "must be the specialty of the practitioner's qualification"}})
		return
	}
	row := &store.Case{
		Type: req.Type, Stage: string(domain.StageDraft), Status: string(domain.StatusOpen),
		Level: prac.Level, Specialty: req.Specialty, EnterpriseUSCC: ent.USCC, PractitionerID: prac.ID,
		Province: ent.ProvinceCode, FiledByRole: string(p.Role), FiledBySub: p.Subject,
		FiledByPrincipal: p.Key(), AssigneeRole: string(p.Role),
	}
	if key != "" {
		row.IdempotencyKey = &key
	}
	started := false
	out, created, err := s.Store.CreateCase(c.Request.Context(), row, func(cs *store.Case) error {
		if err := s.startWorkflow(c.Request.Context(), cs); err != nil {
			return err
		}
		started = true
		return nil
	})
	if err != nil {
		if started { // the row did not commit: do not leave a workflow without its case
			_ = s.Temporal.TerminateWorkflow(context.WithoutCancel(c.Request.Context()), row.ID, "", "case record was not written")
		}
		s.internal(c, err)
		return
	}
	if !created {
		if out.Type != req.Type || out.PractitionerID != req.PractitionerID || out.EnterpriseUSCC != req.EnterpriseUSCC || out.Specialty != req.Specialty {
			fail(c, http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was already used for a different case")
			return
		}
		c.Header("Idempotent-Replayed", "true")
	}
	d, err := s.detail(c.Request.Context(), p, out)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

// startWorkflow starts the case's workflow; the workflow ID is the case ID.
func (s *Server) startWorkflow(ctx context.Context, cs *store.Case) error {
	in := workflows.CaseInput{
		CaseID: cs.ID, Number: cs.Number, Type: domain.CaseType(cs.Type), Level: cs.Level,
		FiledBy: domain.Role(cs.FiledByRole),
		Facts: domain.CaseFacts{EnterpriseUSCC: cs.EnterpriseUSCC, PractitionerID: cs.PractitionerID,
			Province: cs.Province},
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
		}, workflows.Registration, in)
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
	if f.Type != "" && f.Type != string(domain.CaseRegistration) {
		errs = append(errs, FieldError{"type", `must be "registration"`})
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
		f.AssigneeRole, f.AssigneeSub = string(p.Role), p.Subject
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
