package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"certflow/workflows"
)

// SweepScheduleID names the Temporal Schedule of the daily expiry sweep.
const SweepScheduleID = "certflow-expiry-sweep"

// SweepTimeZone and SweepHour: the sweep runs every day at 01:00 Beijing time.
const (
	SweepTimeZone = "Asia/Shanghai"
	SweepHour     = 1
)

// sweepSchedule is the schedule as certflow wants it: daily at 01:00 Asia/Shanghai, starting
// the sweep workflow on the case task queue; a sweep still running skips the next one, and a
// run missed while Temporal was down is caught up within a day.
func sweepSchedule() (client.ScheduleSpec, *client.ScheduleWorkflowAction, *client.SchedulePolicies) {
	spec := client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Second:  []client.ScheduleRange{{Start: 0}},
			Minute:  []client.ScheduleRange{{Start: 0}},
			Hour:    []client.ScheduleRange{{Start: SweepHour}},
			Comment: "the daily expiry sweep",
		}},
		TimeZoneName: SweepTimeZone,
	}
	action := &client.ScheduleWorkflowAction{
		ID:        SweepScheduleID,
		Workflow:  workflows.SweepWorkflowName,
		Args:      []any{workflows.SweepInput{Trigger: workflows.SweepTriggerSchedule}},
		TaskQueue: workflows.TaskQueue,
	}
	policy := &client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: 24 * time.Hour}
	return spec, action, policy
}

// EnsureSweepSchedule creates the sweep's schedule, or updates it to today's definition when
// it exists: every worker calls it at start-up, and any number of calls leave one schedule.
func EnsureSweepSchedule(ctx context.Context, c client.Client) error {
	spec, action, policy := sweepSchedule()
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: SweepScheduleID, Spec: spec, Action: action,
		Overlap: policy.Overlap, CatchupWindow: policy.CatchupWindow})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		if err != nil {
			return fmt.Errorf("creating the sweep schedule: %w", err)
		}
		return nil
	}
	err = c.ScheduleClient().GetHandle(ctx, SweepScheduleID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action, s.Policy = &spec, action, policy
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("updating the sweep schedule: %w", err)
	}
	return nil
}
