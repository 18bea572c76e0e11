package workflows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"certflow/workflows/steps"
)

// fakeRegistry pages through n registrations as the store would, recording the calls.
type fakeRegistry struct {
	mu       sync.Mutex
	ids      []string // sorted by (valid_to, id): here the ids sort that way
	begun    []steps.SweepStart
	pages    []steps.SweepPageRequest
	finished []steps.SweepFinish
	failPage int // the page (1-based) that fails for good; 0 for none
}

func newFakeRegistry(n int) *fakeRegistry {
	f := &fakeRegistry{}
	for i := range n {
		f.ids = append(f.ids, fmt.Sprintf("reg-%04d", i))
	}
	return f
}

func (f *fakeRegistry) begin(_ context.Context, s steps.SweepStart) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.begun = append(f.begun, s)
	return nil
}

func (f *fakeRegistry) page(_ context.Context, req steps.SweepPageRequest) (steps.SweepPageResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, req)
	if len(f.pages) == f.failPage {
		return steps.SweepPageResult{}, temporal.NewNonRetryableApplicationError("refused", steps.ErrDataRefused, nil)
	}
	start := 0
	if req.After != nil {
		for start < len(f.ids) && f.ids[start] <= req.After.ID {
			start++
		}
	}
	end := min(start+req.Limit, len(f.ids))
	res := steps.SweepPageResult{Scanned: int64(end - start), Reminders30: int64(end - start), Done: end-start < req.Limit}
	if end > start {
		res.Next = &steps.SweepCursor{ValidTo: "2026-04-01", ID: f.ids[end-1]}
	}
	return res, nil
}

func (f *fakeRegistry) finish(_ context.Context, req steps.SweepFinish) (steps.SweepTotals, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finished = append(f.finished, req)
	var scanned int64
	for _, p := range f.pages {
		lo := 0
		if p.After != nil {
			for lo < len(f.ids) && f.ids[lo] <= p.After.ID {
				lo++
			}
		}
		scanned += int64(min(lo+p.Limit, len(f.ids)) - lo)
	}
	status := "succeeded"
	if req.Failed {
		status = "failed"
	}
	return steps.SweepTotals{SweepID: req.SweepID, Status: status, Scanned: scanned}, nil
}

// sweepRun is one run of the sweep workflow: its result, or the input it continued with.
type sweepRun struct {
	totals    steps.SweepTotals
	continued *SweepInput
	err       error
}

// runSweepOnce runs one run of the sweep workflow in a fresh test environment starting at start.
func runSweepOnce(t *testing.T, f *fakeRegistry, start time.Time, in SweepInput) sweepRun {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.RegisterWorkflowWithOptions(Sweep, workflow.RegisterOptions{Name: SweepWorkflowName})
	env.RegisterActivity(sweepActs)
	env.OnActivity(sweepActs.BeginSweep, mock.Anything, mock.Anything).Return(f.begin)
	env.OnActivity(sweepActs.SweepPage, mock.Anything, mock.Anything).Return(f.page)
	env.OnActivity(sweepActs.FinishSweep, mock.Anything, mock.Anything).Return(f.finish)
	env.ExecuteWorkflow(SweepWorkflowName, in)
	if !env.IsWorkflowCompleted() {
		t.Fatal("the sweep run did not complete")
	}
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); errors.As(err, &can) {
		if can.WorkflowType.Name != SweepWorkflowName {
			t.Fatalf("continued as %q", can.WorkflowType.Name)
		}
		var next SweepInput
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
			t.Fatal(err)
		}
		return sweepRun{continued: &next}
	} else if err != nil {
		return sweepRun{err: err}
	}
	var out sweepRun
	if err := env.GetWorkflowResult(&out.totals); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSweepPagesAndContinuesAsNew: 25 registrations in pages of 10 take three runs — each
// applies one page and continues as new with the position after it — then the sweep finishes.
// The first run picks the sweep id and today's date in Beijing (already the 2nd there at 17:30
// UTC on the 1st) and records the sweep once.
func TestSweepPagesAndContinuesAsNew(t *testing.T) {
	f := newFakeRegistry(25)
	start := time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC)
	in := SweepInput{PageSize: 10}
	var runs int
	var last sweepRun
	for {
		runs++
		if runs > 10 {
			t.Fatal("the sweep never finished")
		}
		last = runSweepOnce(t, f, start, in)
		if last.err != nil {
			t.Fatalf("run %d failed: %v", runs, last.err)
		}
		if last.continued == nil {
			break
		}
		in = *last.continued
	}
	if runs != 3 {
		t.Fatalf("%d runs, want 3 (one page each)", runs)
	}
	if len(f.begun) != 1 || f.begun[0].AsOf != "2026-03-02" || f.begun[0].Trigger != SweepTriggerSchedule || f.begun[0].SweepID == "" {
		t.Fatalf("sweep recorded as %+v, want once, as of 2026-03-02, by the schedule", f.begun)
	}
	if len(f.pages) != 3 {
		t.Fatalf("%d pages, want 3", len(f.pages))
	}
	wantAfter := []string{"", "reg-0009", "reg-0019"}
	for i, p := range f.pages {
		got := ""
		if p.After != nil {
			got = p.After.ID
		}
		if got != wantAfter[i] || p.Limit != 10 || p.SweepID != f.begun[0].SweepID || p.AsOf != "2026-03-02" {
			t.Fatalf("page %d asked %+v (after %q), want after %q", i+1, p, got, wantAfter[i])
		}
	}
	if len(f.finished) != 1 || f.finished[0].Failed || last.totals.Scanned != 25 || last.totals.Status != "succeeded" {
		t.Fatalf("finished %+v with %+v", f.finished, last.totals)
	}
}

// TestSweepPageRefusedFailsTheSweep: a page the database refuses for good marks the sweep
// failed and fails the workflow.
func TestSweepPageRefusedFailsTheSweep(t *testing.T) {
	f := newFakeRegistry(5)
	f.failPage = 1
	run := runSweepOnce(t, f, time.Date(2026, 3, 2, 1, 0, 0, 0, cst), SweepInput{SweepID: "s-1", AsOf: "2026-03-02", Trigger: SweepTriggerAPI})
	if run.err == nil {
		t.Fatal("the sweep succeeded")
	}
	if len(f.finished) != 1 || !f.finished[0].Failed || f.finished[0].SweepID != "s-1" {
		t.Fatalf("finished %+v, want s-1 failed", f.finished)
	}
}

// TestSweepHistoriesAreCommitted keeps recorded sweep runs — the first, which continues as
// new, and the last, which finishes — among the histories TestReplayCommittedHistories
// replays (record them again with `CERTFLOW_RECORD_HISTORIES=1 go test ./itest/ -run SweepContinues`).
func TestSweepHistoriesAreCommitted(t *testing.T) {
	for _, name := range []string{"sweep_first_page_continued_as_new", "sweep_last_page_finished"} {
		if _, err := os.Stat(filepath.Join("testdata", "histories", "sweep", name+".json")); err != nil {
			t.Errorf("no committed sweep history %s: %v", name, err)
		}
	}
}
