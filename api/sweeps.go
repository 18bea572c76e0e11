package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"certflow/calendar"
	"certflow/domain"
	"certflow/store"
	"certflow/workflows"
)

// sweepRequest asks for an expiry sweep; AsOf (YYYY-MM-DD) defaults to today in Asia/Shanghai
// when left out (an empty one is refused).
type sweepRequest struct {
	AsOf *string `json:"as_of" maxlen:"10"`
}

// sweepJSON is one sweep run as the API shows it.
type sweepJSON struct {
	ID         string           `json:"id"`
	AsOf       string           `json:"as_of"`
	Status     string           `json:"status"`
	Trigger    string           `json:"trigger"`
	Scanned    int64            `json:"scanned"`
	Reminders  map[string]int64 `json:"reminders"`
	Expired    int64            `json:"expired"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt *time.Time       `json:"finished_at"`
}

func toSweepJSON(sw *store.Sweep) sweepJSON {
	out := sweepJSON{ID: sw.ID, AsOf: sw.AsOf.Format(time.DateOnly), Status: sw.Status, Trigger: sw.Trigger,
		Scanned: sw.Scanned, Expired: sw.Expired, StartedAt: sw.StartedAt.UTC(),
		Reminders: map[string]int64{"90": sw.Reminders90, "30": sw.Reminders30, "7": sw.Reminders7}}
	if sw.FinishedAt != nil {
		t := sw.FinishedAt.UTC()
		out.FinishedAt = &t
	}
	return out
}

// adminOnly answers 403 (and returns false) unless the caller is an admin.
func adminOnly(c *gin.Context, what string) bool {
	if principal(c).Role != domain.RoleAdmin {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may "+what)
		return false
	}
	return true
}

// startSweep starts an expiry sweep for a day (today in Asia/Shanghai unless as_of names one)
// and answers 202 with the running sweep.
func (s *Server) startSweep(c *gin.Context) {
	if !adminOnly(c, "start expiry sweeps") {
		return
	}
	var req sweepRequest
	if !bindJSON(c, &req) {
		return
	}
	day := s.Now().In(calendar.CST).Format(time.DateOnly)
	if req.AsOf != nil {
		d, err := time.Parse(time.DateOnly, *req.AsOf)
		if err != nil || d.Year() < 2000 || d.Year() > 2099 {
			invalid(c, []FieldError{{"as_of", "must be a calendar date YYYY-MM-DD between 2000 and 2099"}})
			return
		}
		day = *req.AsOf
	}
	asOf, _ := time.Parse(time.DateOnly, day)
	sw := &store.Sweep{ID: uuid.NewString(), AsOf: asOf, Trigger: workflows.SweepTriggerAPI}
	in := workflows.SweepInput{SweepID: sw.ID, AsOf: day, Trigger: workflows.SweepTriggerAPI}
	err := s.Store.CreateSweep(c.Request.Context(), sw, func() error {
		return temporalCall(c.Request.Context(), func(ctx context.Context) error {
			_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID:                       "certflow-sweep-" + sw.ID,
				TaskQueue:                workflows.TaskQueue,
				WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
			}, workflows.SweepWorkflowName, in)
			return err
		})
	})
	if err != nil {
		s.internal(c, err)
		return
	}
	c.Header("Location", "/api/v1/sweeps/"+sw.ID)
	c.JSON(http.StatusAccepted, toSweepJSON(sw))
}

// getSweep shows one sweep run.
func (s *Server) getSweep(c *gin.Context) {
	if !adminOnly(c, "read expiry sweeps") {
		return
	}
	id, err := uuid.Parse(c.Param("id"))
	if err != nil || len(c.Param("id")) != 36 {
		notFound(c, "sweep")
		return
	}
	sw, err := s.Store.GetSweep(c.Request.Context(), id.String())
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "sweep")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, toSweepJSON(sw))
}
