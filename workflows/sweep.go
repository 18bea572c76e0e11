package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/calendar"
	"certflow/workflows/steps"
)

// The expiry sweep runs once a day (a Temporal Schedule, see package worker) or on an admin's
// request. It pages through the active registrations by (valid_to, id) with one set-based
// activity per page — no workflow per certificate, no loop per registration — and continues as
// new after every page, so its history stays a few events long however many registrations
// there are. Each page's activity is idempotent (the sweep row holds the keyset position), so a
// retried page is never applied twice, and reminders are claimed once per registration, window
// and valid_to in the database, so sweeping the same day again sends nothing new.

// SweepWorkflowName is the name the sweep workflow is registered and scheduled under.
const SweepWorkflowName = "ExpirySweep"

// SweepPageSize is how many registrations one page reads unless the input says otherwise. A
// page is one set-based statement, so its size costs the database, not the worker's memory;
// each continue-as-new costs the engine about a second on the dev server, so pages are large:
// a daily sweep of 1,000,000 registrations reads the ~90,000 within reach in one page.
const SweepPageSize = 100000

// Sweep triggers.
const (
	SweepTriggerSchedule = "schedule"
	SweepTriggerAPI      = "api"
)

// SweepInput starts a sweep (everything may be left empty by the schedule) and carries its
// position into the next run.
type SweepInput struct {
	// SweepID names the sweep; the first run picks one when empty.
	SweepID string `json:"sweep_id,omitempty"`
	// AsOf is the day swept for, YYYY-MM-DD in Asia/Shanghai; the first run takes today's.
	AsOf string `json:"as_of,omitempty"`
	// Trigger is schedule (the default) or api.
	Trigger string `json:"trigger,omitempty"`
	// PageSize is how many registrations a page reads (SweepPageSize when 0).
	PageSize int `json:"page_size,omitempty"`
	// After is where the next page starts (nil: at the beginning).
	After *steps.SweepCursor `json:"after,omitempty"`
	// Started is set once the sweep is recorded, for the runs that continue it.
	Started bool `json:"started,omitempty"`
}

// sweepActs names the sweep's activities (steps.SweepStubs) for workflow.ExecuteActivity.
var sweepActs *steps.SweepStubs

// sweepActivityOptions: a page may take a while on a large registry; database outages are
// retried for as long as they last, with backoff up to a minute.
var sweepActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
		MaximumInterval: time.Minute},
}

// Sweep applies one page of the expiry sweep and continues as new with the next, until a page
// comes back done; then it records the sweep's end and returns its totals.
func Sweep(ctx workflow.Context, in SweepInput) (steps.SweepTotals, error) {
	ctx = workflow.WithActivityOptions(ctx, sweepActivityOptions)
	if !in.Started {
		in = sweepDefaults(ctx, in)
		start := steps.SweepStart{SweepID: in.SweepID, AsOf: in.AsOf, Trigger: in.Trigger}
		if err := workflow.ExecuteActivity(ctx, sweepActs.BeginSweep, start).Get(ctx, nil); err != nil {
			return steps.SweepTotals{}, err
		}
		in.Started = true
	}
	var page steps.SweepPageResult
	req := steps.SweepPageRequest{SweepID: in.SweepID, AsOf: in.AsOf, After: in.After, Limit: in.PageSize}
	if err := workflow.ExecuteActivity(ctx, sweepActs.SweepPage, req).Get(ctx, &page); err != nil {
		_ = workflow.ExecuteActivity(ctx, sweepActs.FinishSweep, steps.SweepFinish{SweepID: in.SweepID, Failed: true}).Get(ctx, nil)
		return steps.SweepTotals{}, err
	}
	if !page.Done {
		next := in
		next.After = page.Next
		return steps.SweepTotals{}, workflow.NewContinueAsNewError(ctx, SweepWorkflowName, next)
	}
	var totals steps.SweepTotals
	err := workflow.ExecuteActivity(ctx, sweepActs.FinishSweep, steps.SweepFinish{SweepID: in.SweepID}).Get(ctx, &totals)
	return totals, err
}

// sweepDefaults fills what the schedule leaves empty: a new sweep id, today in Asia/Shanghai
// (a calendar date, whatever the SLA day length), the schedule trigger, the page size.
func sweepDefaults(ctx workflow.Context, in SweepInput) SweepInput {
	if in.SweepID == "" {
		_ = workflow.SideEffect(ctx, func(workflow.Context) any { return uuid.NewString() }).Get(&in.SweepID)
	}
	if in.AsOf == "" {
		in.AsOf = workflow.Now(ctx).In(calendar.CST).Format(time.DateOnly)
	}
	if in.Trigger == "" {
		in.Trigger = SweepTriggerSchedule
	}
	if in.PageSize <= 0 {
		in.PageSize = SweepPageSize
	}
	return in
}
