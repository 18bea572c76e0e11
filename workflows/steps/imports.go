package steps

import (
	"context"
	"time"

	"certflow/imports"
)

// ImportRequest names an import for its activities: the imports row and its file in the object
// store. It carries no personal data (the file is referenced, never copied).
type ImportRequest struct {
	ImportID  string       `json:"import_id"`
	Kind      imports.Kind `json:"kind"`
	ObjectKey string       `json:"object_key"`
}

// ImportResult is an import's committed progress when its file was read to the end.
type ImportResult struct {
	Progress imports.Progress `json:"progress"`
}

// ImportOutcome is how an import ended: succeeded, or failed with a reason (a code and a
// sentence without personal data).
type ImportOutcome struct {
	ImportID string    `json:"import_id"`
	Status   string    `json:"status"`
	Failure  string    `json:"failure,omitempty"`
	At       time.Time `json:"at"`
}

// ErrImportFailed is the application error type of RunImport when the file cannot be imported
// any further (a wrong header, a record too long): not retried; its message is the reason.
const ErrImportFailed = "ImportFailed"

// ImportActivities are the activities of the Import workflow. Package activities implements
// them (activities.Imports); the worker registers that implementation.
type ImportActivities interface {
	// RunImport streams the file from the import's committed position to its end, committing
	// batches of rows with the position and counts, and heartbeating its progress.
	RunImport(ctx context.Context, req ImportRequest) (ImportResult, error)
	// FinishImport records how the import ended.
	FinishImport(ctx context.Context, out ImportOutcome) error
}

// ImportStubs names the import activities for workflow code, as Stubs does for the cases.
type ImportStubs struct{}

var _ ImportActivities = (*ImportStubs)(nil)

// RunImport names the activity of that name.
func (*ImportStubs) RunImport(context.Context, ImportRequest) (ImportResult, error) {
	return ImportResult{}, stub("RunImport")
}

// FinishImport names the activity of that name.
func (*ImportStubs) FinishImport(context.Context, ImportOutcome) error { return stub("FinishImport") }
