package workflows

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// TestReplayCommittedHistories replays every committed history (recorded from real cases by
// `CERTFLOW_RECORD_HISTORIES=1 go test ./itest/`) against today's workflow code. A change that
// breaks determinism for running cases fails here and needs workflow.GetVersion.
//
// Temporal's replayer alone does not notice a changed route: every transition is the same
// activity (RecordTransition), and activity inputs are not compared. So the test also records
// every activity the code schedules during replay and compares it, in order, with the ones the
// history scheduled: the activity type and, for transitions, from stage, to stage, action and
// the case status.
func TestReplayCommittedHistories(t *testing.T) {
	// One folder per workflow version that had running cases: v0-initial before the hardening
	// change (replayed on the old rules through workflow.GetVersion), v1-hardening after it,
	// v2-lifecycle with the lifecycle types (renewal, change, addition, cancellation).
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("expected committed histories for each outcome, found %d", len(files))
	}
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			hist, want := loadHistory(t, f)
			if len(want) == 0 {
				t.Fatalf("%s schedules no activities", f)
			}
			rec := &stepRecorder{}
			r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				Interceptors: []interceptor.WorkerInterceptor{rec},
			})
			if err != nil {
				t.Fatal(err)
			}
			for t, wf := range ByType {
				r.RegisterWorkflowWithOptions(wf, workflow.RegisterOptions{Name: domain.Definitions[t].Workflow})
			}
			r.RegisterWorkflowWithOptions(Import, workflow.RegisterOptions{Name: ImportWorkflowName})
			r.RegisterWorkflowWithOptions(Sweep, workflow.RegisterOptions{Name: SweepWorkflowName})
			replayErr := r.ReplayWorkflowHistory(logger, hist)
			if i, ok := firstDifference(want, rec.steps); ok {
				t.Errorf("%s: the workflow code takes another route than the recorded case at activity %d:\n"+
					"  recorded: %s\n  replayed: %s\nrecorded route:\n%s\nreplayed route:\n%s",
					f, i+1, stepAt(want, i), stepAt(rec.steps, i), listSteps(want), listSteps(rec.steps))
			}
			if replayErr != nil {
				t.Errorf("%s: replay failed: %v", f, replayErr)
			}
		})
	}
}

// step is one activity a workflow scheduled; for RecordTransition also the route it records.
type step struct {
	activity         string
	from, to, action string
	status           string
}

func (s step) String() string {
	if s.activity != "RecordTransition" {
		return s.activity
	}
	return fmt.Sprintf("RecordTransition %s → %s by %s (status %s)", s.from, s.to, s.action, s.status)
}

func transitionStep(rec steps.TransitionRecord) step {
	return step{activity: "RecordTransition", from: string(rec.Event.FromStage), to: string(rec.Event.ToStage),
		action: rec.Event.Action, status: string(rec.Projection.Status)}
}

// loadHistory reads a history file and the activities it scheduled, in order.
func loadHistory(t *testing.T, path string) (*historypb.History, []step) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	hist, err := client.HistoryFromJSON(fh, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var route []step
	for _, ev := range hist.GetEvents() {
		a := ev.GetActivityTaskScheduledEventAttributes()
		if a == nil {
			continue
		}
		name := a.GetActivityType().GetName()
		if name != "RecordTransition" {
			route = append(route, step{activity: name})
			continue
		}
		var rec steps.TransitionRecord
		if err := converter.GetDefaultDataConverter().FromPayloads(a.GetInput(), &rec); err != nil {
			t.Fatalf("%s: event %d: decoding the RecordTransition input: %v", path, ev.GetEventId(), err)
		}
		route = append(route, transitionStep(rec))
	}
	return hist, route
}

// firstDifference returns the index of the first step where the two routes differ.
func firstDifference(want, got []step) (int, bool) {
	for i := 0; i < len(want) || i < len(got); i++ {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			return i, true
		}
	}
	return 0, false
}

func stepAt(route []step, i int) string {
	if i >= len(route) {
		return "(nothing)"
	}
	return route[i].String()
}

func listSteps(route []step) string {
	s := ""
	for i, st := range route {
		s += fmt.Sprintf("  %2d. %s\n", i+1, st)
	}
	return s
}

// stepRecorder is a worker interceptor that records every activity the workflow schedules.
type stepRecorder struct {
	interceptor.WorkerInterceptorBase
	steps []step
}

func (r *stepRecorder) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &recordingInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, r: r}
}

type recordingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	r *stepRecorder
}

func (i *recordingInbound) Init(out interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&recordingOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: out}, r: i.r})
}

type recordingOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	r *stepRecorder
}

func (o *recordingOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	s := step{activity: activityType}
	if len(args) == 1 {
		if rec, ok := args[0].(steps.TransitionRecord); ok {
			s = transitionStep(rec)
		}
	}
	o.r.steps = append(o.r.steps, s)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}
