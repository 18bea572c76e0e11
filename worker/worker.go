// Package worker wires the case workflows and their activities onto the task queue.
package worker

import (
	"context"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"certflow/activities"
	"certflow/workflows"
)

// Register adds every workflow and activity of certflow to a worker (or a replayer's registry).
func Register(r interface {
	RegisterWorkflowWithOptions(interface{}, workflow.RegisterOptions)
	RegisterActivity(interface{})
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Registration, workflow.RegisterOptions{Name: "Registration"})
	r.RegisterActivity(acts)
}

// New builds a worker polling the case task queue.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	Register(w, acts)
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
