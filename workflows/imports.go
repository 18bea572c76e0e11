package workflows

// Import processes one uploaded registry file (registrations, enterprises or education
// records). The work is one long activity, RunImport, that streams the file from the object
// store and commits it in batches; the imports row holds the committed position and counts,
// written in the same transaction as each batch, so a retried attempt — after a worker crash,
// a timeout, a database outage — resumes exactly after the last committed batch, and no row is
// lost or counted twice. The activity heartbeats its progress so a dead worker is noticed within
// ImportHeartbeat. A file that cannot be imported further (a wrong header) fails the import
// without retries; FinishImport records the outcome either way. The history carries the
// import's id, kind and object key and the counts — never a row of the file.

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/workflows/steps"
)

// ImportWorkflowName is the name the Import workflow is registered and started under.
const ImportWorkflowName = "Import"

// ImportWorkflowID is the workflow ID of an import.
func ImportWorkflowID(importID string) string { return "import-" + importID }

const (
	// ImportHeartbeat is how long RunImport may go without a heartbeat before Temporal
	// retries it elsewhere.
	ImportHeartbeat = 20 * time.Second
	// importAttempt bounds one attempt of RunImport; a longer file continues in the next
	// attempt from its committed position.
	importAttempt = 2 * time.Hour
)

// The statuses an import ends with.
const (
	ImportSucceeded = "succeeded"
	ImportFailed    = "failed"
)

// Import is the workflow of one import; its ID is ImportWorkflowID(req.ImportID).
func Import(ctx workflow.Context, req steps.ImportRequest) (steps.ImportResult, error) {
	var acts *steps.ImportStubs
	runCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: importAttempt,
		HeartbeatTimeout:    ImportHeartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{steps.ErrImportFailed, steps.ErrDataRefused},
		},
	})
	var res steps.ImportResult
	err := workflow.ExecuteActivity(runCtx, acts.RunImport, req).Get(ctx, &res)
	out := steps.ImportOutcome{ImportID: req.ImportID, Status: ImportSucceeded, At: workflow.Now(ctx).UTC()}
	if err != nil {
		out.Status, out.Failure = ImportFailed, failureReason(err)
	}
	finishCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	if ferr := workflow.ExecuteActivity(finishCtx, acts.FinishImport, out).Get(ctx, nil); ferr != nil {
		return res, ferr
	}
	return res, nil
}

// failureReason is the sentence a failed import shows: the activity's own reason for a file it
// cannot import, a generic one otherwise (other errors may name values).
func failureReason(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == steps.ErrImportFailed {
		return appErr.Message()
	}
	return "the import stopped: the registry refused its data or the import could not go on; the rows committed before stay imported"
}
