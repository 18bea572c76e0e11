package store

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/imports"
)

// Import is one uploaded registry file and how far its processing got. The committed position
// and the counts change together with each batch of rows, in one transaction.
type Import struct {
	bun.BaseModel `bun:"table:imports,alias:i"`
	ID            string `bun:"id,pk,type:uuid"`
	Kind          string `bun:"kind"`
	// Status is running, succeeded or failed.
	Status     string `bun:"status"`
	ObjectKey  string `bun:"object_key"`
	Filename   string `bun:"filename"`
	Size       int64  `bun:"size"`
	SHA256     string `bun:"sha256"`
	CreatedBy  string `bun:"created_by"`
	ByteOffset int64  `bun:"byte_offset"`
	Line       int64  `bun:"line"`
	RowsRead   int64  `bun:"rows_read"`
	Imported   int64  `bun:"imported"`
	Duplicates int64  `bun:"duplicates"`
	Rejected   int64  `bun:"rejected"`
	// Errors are the first imports.MaxErrors rejected rows.
	Errors []imports.RowError `bun:"errors,type:jsonb"`
	// Failure says why a failed import stopped ("" otherwise).
	Failure    string     `bun:"failure"`
	CreatedAt  time.Time  `bun:"created_at,nullzero,default:now()"`
	FinishedAt *time.Time `bun:"finished_at"`
}

// The statuses of an import.
const (
	ImportRunning   = "running"
	ImportSucceeded = "succeeded"
	ImportFailed    = "failed"
)

// ErrStaleImport is returned when a batch is committed from a position the import has left
// (another attempt of the activity committed it first) or to an import no longer running.
var ErrStaleImport = errors.New("the import has moved on from this position")

// Progress is the import's committed position and counts.
func (i *Import) Progress() imports.Progress {
	return imports.Progress{Position: imports.Position{Offset: i.ByteOffset, Line: i.Line},
		Counts: imports.Counts{RowsRead: i.RowsRead, Imported: i.Imported, Duplicates: i.Duplicates, Rejected: i.Rejected}}
}

// CreateImport records a new running import.
func (s *Store) CreateImport(ctx context.Context, im *Import) error {
	im.Status = ImportRunning
	if im.Errors == nil {
		im.Errors = []imports.RowError{}
	}
	_, err := s.DB.NewInsert().Model(im).Returning("created_at").Exec(ctx)
	return err
}

// DeleteImport removes an import that never started (its workflow could not be started).
func (s *Store) DeleteImport(ctx context.Context, id string) error {
	_, err := s.DB.NewDelete().Model((*Import)(nil)).Where("id = ? AND rows_read = 0", id).Exec(ctx)
	return err
}

// GetImport loads one import.
func (s *Store) GetImport(ctx context.Context, id string) (*Import, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	im := new(Import)
	err := s.DB.NewSelect().Model(im).Where("i.id = ?", id).Scan(ctx)
	return im, notFound(err)
}

// ListImports returns one page of imports, newest first, and the cursor of the next page.
func (s *Store) ListImports(ctx context.Context, cursor string, limit int) ([]Import, string, error) {
	var out []Import
	q := s.DB.NewSelect().Model(&out)
	limit, err := paginate(q, "i", cursor, limit)
	if err != nil {
		return nil, "", err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(im Import) (time.Time, string) { return im.CreatedAt, im.ID })
	return out, next, nil
}

// FinishImport ends a running import as succeeded or failed (with the reason); finishing an
// import that has already ended changes nothing.
func (s *Store) FinishImport(ctx context.Context, id, status, failure string, at time.Time) error {
	_, err := s.DB.NewUpdate().Model((*Import)(nil)).
		Set("status = ?, failure = ?, finished_at = ?", status, failure, at).
		Where("id = ? AND status = ?", id, ImportRunning).Exec(ctx)
	return err
}
