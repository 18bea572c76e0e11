package activities

import (
	"context"
	"errors"
	"io"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"certflow/evidence"
	"certflow/imports"
	"certflow/store"
	"certflow/workflows/steps"
)

// The worker registers Imports for the Import workflow's steps.ImportStubs.
var _ steps.ImportActivities = (*Imports)(nil)

// DefaultImportBatch is how many rows an import commits at a time.
const DefaultImportBatch = 1000

// Imports are the Import workflow's activities: they read the uploaded file from the object
// store and write the registry.
type Imports struct {
	Store   *store.Store
	Objects *evidence.Store
	// BatchSize is how many rows are committed at a time (DefaultImportBatch when 0).
	BatchSize int
}

// RunImport streams the import's file from its committed position to the end: rows are read
// with encoding/csv straight from the object reader (memory does not grow with the file),
// parsed and checked, and committed a batch at a time together with the new position and counts
// (store.ApplyImportBatch). After each batch it heartbeats the progress. A retried attempt
// starts from the position in the imports row — the database, not the heartbeat, is the
// truth — so nothing is skipped or counted twice. A file it cannot read further fails with the
// non-retryable steps.ErrImportFailed, after committing the rows before the failure.
func (a *Imports) RunImport(ctx context.Context, req steps.ImportRequest) (steps.ImportResult, error) {
	im, err := a.Store.GetImport(ctx, req.ImportID)
	if err != nil {
		return steps.ImportResult{}, err
	}
	prog := im.Progress()
	if im.Status != store.ImportRunning {
		return steps.ImportResult{Progress: prog}, nil // finished already: nothing to redo
	}
	if activity.HasHeartbeatDetails(ctx) {
		var last imports.Progress
		if activity.GetHeartbeatDetails(ctx, &last) == nil && last != prog {
			activity.GetLogger(ctx).Info("import resumes from its committed position", "import", req.ImportID,
				"line", prog.Line, "heartbeat_line", last.Line)
		}
	}
	rc, _, err := a.Objects.OpenAt(ctx, req.ObjectKey, prog.Offset)
	if err != nil {
		return steps.ImportResult{Progress: prog}, err
	}
	defer rc.Close()
	rd, err := imports.NewReader(rc, req.Kind, prog.Position)
	if err != nil {
		return steps.ImportResult{Progress: prog}, failed(err)
	}
	size := a.BatchSize
	if size <= 0 {
		size = DefaultImportBatch
	}
	for {
		batch := imports.NewBatch(req.Kind)
		var readErr error
		for batch.Rows < int64(size) {
			rec, err := rd.Next()
			if err != nil {
				readErr = err
				break
			}
			batch.Add(rec)
		}
		batch.End = rd.Position()
		if batch.Rows > 0 {
			if prog, err = a.Store.ApplyImportBatch(ctx, req.ImportID, prog, batch); err != nil {
				if errors.Is(err, store.ErrStaleImport) {
					// Another attempt committed this batch: this one is outdated.
					return steps.ImportResult{Progress: prog}, temporal.NewApplicationError("another attempt of the import moved on", "StaleImport")
				}
				return steps.ImportResult{Progress: prog}, err
			}
			activity.RecordHeartbeat(ctx, prog)
		}
		switch {
		case readErr == io.EOF:
			return steps.ImportResult{Progress: prog}, nil
		case readErr != nil:
			return steps.ImportResult{Progress: prog}, failed(readErr)
		}
	}
}

// failed makes a *imports.Failure non-retryable (its message is safe to keep); other errors
// (the object store, the network) stay retryable.
func failed(err error) error {
	var f *imports.Failure
	if errors.As(err, &f) {
		return temporal.NewNonRetryableApplicationError(f.Error(), steps.ErrImportFailed, nil)
	}
	return err
}

// FinishImport records how the import ended (once; again changes nothing) and deletes the
// uploaded file.
func (a *Imports) FinishImport(ctx context.Context, out steps.ImportOutcome) error {
	if out.Status != store.ImportSucceeded && out.Status != store.ImportFailed {
		return temporal.NewNonRetryableApplicationError("unknown import status "+out.Status, steps.ErrDataRefused, nil)
	}
	activity.GetLogger(ctx).Info("import finished", "import", out.ImportID, "status", out.Status)
	// The file holds resident IDs in plain text: once the import has ended nothing reads it
	// again, so it is deleted (before the outcome is recorded, so an ended import has no file).
	im, err := a.Store.GetImport(ctx, out.ImportID)
	if err != nil {
		return err
	}
	if err := a.Objects.Remove(ctx, im.ObjectKey); err != nil {
		return err
	}
	return a.Store.FinishImport(ctx, out.ImportID, out.Status, out.Failure, out.At)
}
