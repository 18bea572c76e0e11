// Package worker wires the case workflows and their activities onto the task queue.
package worker

import (
	"context"
	"log/slog"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"certflow/activities"
	"certflow/domain"
	"certflow/notify"
	"certflow/workflows"
)

// Register adds every workflow and activity of certflow to a worker (or a replayer's registry).
func Register(r interface {
	RegisterWorkflowWithOptions(interface{}, workflow.RegisterOptions)
	RegisterActivity(interface{})
}, acts *activities.Activities) {
	for t, wf := range workflows.ByType {
		r.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: domain.Definitions[t].Workflow})
	}
	r.RegisterWorkflowWithOptions(workflows.Import, workflow.RegisterOptions{Name: workflows.ImportWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.Sweep, workflow.RegisterOptions{Name: workflows.SweepWorkflowName})
	r.RegisterActivity(acts)
}

// New builds a worker polling the case task queue, with the import activities when given
// (a worker without them leaves imports to workers that have them). Every activity runs under
// the failure watch: data errors are not retried, and a case whose activity keeps failing is
// flagged stuck and reported to supervisors.
func New(c client.Client, acts *activities.Activities, imports ...*activities.Imports) sdkworker.Worker {
	var notifier notify.Notifier = notify.Inbox{Store: acts.Store}
	if acts.Notifier != nil {
		notifier = acts.Notifier
	}
	watch := &failureWatch{store: acts.Store, notifier: notifier, log: slog.Default()}
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{Interceptors: []interceptor.WorkerInterceptor{watch}})
	Register(w, acts)
	for _, ia := range imports {
		w.RegisterActivity(ia)
	}
	return w
}

// Run runs a worker until ctx ends.
func Run(ctx context.Context, c client.Client, acts *activities.Activities) error {
	w := New(c, acts)
	if err := w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	w.Stop()
	return nil
}
