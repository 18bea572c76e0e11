package workflows

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"certflow/imports"
	"certflow/workflows/steps"
)

// importRun runs the Import workflow with run as RunImport and returns the outcome
// FinishImport recorded.
func importRun(t *testing.T, run func(context.Context, steps.ImportRequest) (steps.ImportResult, error)) (steps.ImportOutcome, steps.ImportResult) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(Import, workflow.RegisterOptions{Name: ImportWorkflowName})
	env.RegisterActivityWithOptions(run, activity.RegisterOptions{Name: "RunImport"})
	var outcomes []steps.ImportOutcome
	env.RegisterActivityWithOptions(func(_ context.Context, out steps.ImportOutcome) error {
		outcomes = append(outcomes, out)
		return nil
	}, activity.RegisterOptions{Name: "FinishImport"})
	env.ExecuteWorkflow(ImportWorkflowName, steps.ImportRequest{ImportID: "im-1", Kind: imports.KindRegistrations, ObjectKey: "imports/im-1"})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow completed %t: %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	var res steps.ImportResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != 1 || outcomes[0].ImportID != "im-1" {
		t.Fatalf("FinishImport calls %+v, want one for im-1", outcomes)
	}
	return outcomes[0], res
}

func TestImportSucceeds(t *testing.T) {
	done := imports.Progress{Position: imports.Position{Offset: 900, Line: 11}, Counts: imports.Counts{RowsRead: 10, Imported: 9, Rejected: 1}}
	out, res := importRun(t, func(context.Context, steps.ImportRequest) (steps.ImportResult, error) {
		return steps.ImportResult{Progress: done}, nil
	})
	if out.Status != ImportSucceeded || out.Failure != "" || res.Progress != done {
		t.Fatalf("outcome %+v, result %+v", out, res)
	}
}

// A failing attempt (a database outage, a worker that died) is retried; the activity resumes
// from the committed position itself.
func TestImportRetriesAnAttemptThatFails(t *testing.T) {
	attempts := 0
	out, _ := importRun(t, func(ctx context.Context, _ steps.ImportRequest) (steps.ImportResult, error) {
		attempts++
		if attempts < 3 {
			return steps.ImportResult{}, errors.New("the database is unavailable")
		}
		return steps.ImportResult{}, nil
	})
	if out.Status != ImportSucceeded || attempts != 3 {
		t.Fatalf("outcome %+v after %d attempts", out, attempts)
	}
}

// A file that cannot be imported further fails the import at once with the activity's reason.
func TestImportFailsWithTheReason(t *testing.T) {
	attempts := 0
	out, _ := importRun(t, func(context.Context, steps.ImportRequest) (steps.ImportResult, error) {
		attempts++
		return steps.ImportResult{}, temporal.NewNonRetryableApplicationError("wrong_header: the first line must be …", steps.ErrImportFailed, nil)
	})
	if out.Status != ImportFailed || out.Failure != "wrong_header: the first line must be …" || attempts != 1 {
		t.Fatalf("outcome %+v after %d attempts", out, attempts)
	}
}

// Other errors that end the activity are reported without their text, which may name values.
func TestImportFailureHidesOtherErrors(t *testing.T) {
	out, _ := importRun(t, func(context.Context, steps.ImportRequest) (steps.ImportResult, error) {
		return steps.ImportResult{}, temporal.NewNonRetryableApplicationError("value 210102… refused", steps.ErrDataRefused, nil)
	})
	if out.Status != ImportFailed || out.Failure == "" || out.Failure == "value 210102… refused" {
		t.Fatalf("outcome %+v", out)
	}
}
