package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"certflow/activities"
	"certflow/domain"
	"certflow/metrics"
	"certflow/notify"
	"certflow/store"
	"certflow/workflows/steps"
)

// StuckAfter is the attempt after which a case whose activity keeps failing is flagged stuck
// (with the default backoff, about half a minute of failures).
const StuckAfter = 5

// failureWatch is an activity interceptor shared by every activity: it makes errors about the
// data non-retryable (activities.Classify), counts failures, and flags a case whose activity
// keeps failing as stuck and tells the supervisors, so no case freezes silently.
type failureWatch struct {
	interceptor.WorkerInterceptorBase
	store *store.Store
	// notifier tells supervisors of stuck cases.
	notifier notify.Notifier
	log      *slog.Logger
}

func (w *failureWatch) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	a := &activityWatch{watch: w}
	a.Next = next
	return a
}

type activityWatch struct {
	interceptor.ActivityInboundInterceptorBase
	watch *failureWatch
}

func (a *activityWatch) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := a.Next.ExecuteActivity(ctx, in)
	if err == nil {
		return res, nil
	}
	err = activities.Classify(err)
	info := activity.GetInfo(ctx)
	name := info.ActivityType.Name
	kind := "retryable"
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NonRetryable() {
		kind = "final"
	}
	metrics.ActivityFailures.WithLabelValues(name, kind).Inc()
	if kind == "retryable" && info.Attempt >= StuckAfter {
		a.flag(ctx, in.Args, name, info)
	}
	return res, err
}

// flag marks the activity's case stuck and, the first time, notifies the supervisors.
func (a *activityWatch) flag(ctx context.Context, args []any, name string, info activity.Info) {
	caseID := ""
	for _, arg := range args {
		if ref, ok := arg.(steps.CaseRef); ok {
			caseID = ref.CaseRef()
		}
	}
	if caseID == "" || a.watch.store == nil {
		return
	}
	reason := fmt.Sprintf("%s has failed %d times and is still retrying", name, info.Attempt)
	newly, err := a.watch.store.MarkStuck(ctx, caseID, reason)
	if err != nil {
		a.watch.log.Warn("cannot flag a stuck case", "case", caseID, "activity", name, "err", err)
		return
	}
	if !newly {
		return
	}
	metrics.CasesStuck.WithLabelValues(name).Inc()
	a.watch.log.Error("case stuck", "case", caseID, "activity", name, "attempt", info.Attempt)
	err = a.watch.notifier.Send(ctx, []notify.Notification{{CaseID: caseID,
		Key: "stuck-" + info.WorkflowExecution.RunID + "-" + info.ActivityID, Kind: steps.KindStuck,
		Role: domain.RoleSupervisor, Message: "case is stuck: " + reason, At: info.StartedTime.UTC()}})
	if err != nil {
		a.watch.log.Warn("cannot notify supervisors of a stuck case", "case", caseID, "err", err)
	}
}
