package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"certflow/evidence"
	"certflow/imports"
	"certflow/store"
	"certflow/workflows"
	"certflow/workflows/steps"
)

// DefaultMaxImport is the size limit of an import file when Server.MaxImport is not set.
const DefaultMaxImport = 2 << 30

// importKinds are the values of an import's "kind" field.
var importKinds = func() []string {
	out := make([]string, len(imports.Kinds))
	for i, k := range imports.Kinds {
		out[i] = string(k)
	}
	return out
}()

// importForm is the form of an import upload.
var importForm = formSpec{kinds: importKinds,
	kindRefusal: &formRefusal{status: http.StatusUnprocessableEntity, code: "invalid_input",
		detail: "kind: must be one of " + strings.Join(importKinds, ", "),
		fields: []FieldError{{"kind", "must be one of " + strings.Join(importKinds, ", ")}}},
	unsupported: "an import must be a UTF-8 CSV text file (no NUL bytes or executable content)"}

// importJSON is an import as the API shows it.
type importJSON struct {
	ID         string             `json:"id"`
	Kind       string             `json:"kind"`
	Status     string             `json:"status"`
	Filename   string             `json:"filename"`
	Size       int64              `json:"size"`
	SHA256     string             `json:"sha256"`
	BytesRead  int64              `json:"bytes_read"`
	RowsRead   int64              `json:"rows_read"`
	Imported   int64              `json:"imported"`
	Duplicates int64              `json:"duplicates"`
	Rejected   int64              `json:"rejected"`
	Errors     []imports.RowError `json:"errors"`
	Failure    string             `json:"failure"`
	CreatedAt  time.Time          `json:"created_at"`
	FinishedAt *time.Time         `json:"finished_at"`
}

func toImportJSON(im *store.Import) importJSON {
	out := importJSON{ID: im.ID, Kind: im.Kind, Status: im.Status, Filename: im.Filename, Size: im.Size,
		SHA256: im.SHA256, BytesRead: im.ByteOffset, RowsRead: im.RowsRead, Imported: im.Imported, Duplicates: im.Duplicates,
		Rejected: im.Rejected, Errors: im.Errors, Failure: im.Failure, CreatedAt: im.CreatedAt.UTC()}
	if out.Errors == nil {
		out.Errors = []imports.RowError{}
	}
	if im.FinishedAt != nil {
		t := im.FinishedAt.UTC()
		out.FinishedAt = &t
	}
	return out
}

// maxImport is the import size limit.
func (s *Server) maxImport() int64 {
	if s.MaxImport > 0 {
		return s.MaxImport
	}
	return DefaultMaxImport
}

// createImport stores an uploaded CSV file of the registry (streamed to MinIO; memory does
// not grow with the file) and starts the Import workflow that reads it (admin only). The answer
// is 202 with the running import; GET /imports/{id} shows its progress. On any refusal nothing
// stays stored.
func (s *Server) createImport(c *gin.Context) {
	limit := s.maxImport()
	if c.Request.ContentLength > limit+multipartOverhead {
		drainOversize(c, limit+multipartOverhead)
		importTooLarge(c, limit)
		return
	}
	p := principal(c)
	if !canImport(p) {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may import the registry")
		return
	}
	ctx := c.Request.Context()
	id := uuid.NewString()
	key := "imports/" + id
	form, cleanup, ok := s.receiveForm(c, importForm, key, func(r io.Reader) (evidence.Upload, error) {
		return s.Evidence.PutText(ctx, key, r, limit)
	}, func() { importTooLarge(c, limit) })
	if !ok {
		return
	}
	im := &store.Import{ID: id, Kind: form.kind, ObjectKey: key, Filename: form.filename, Size: form.stored.Size,
		SHA256: form.stored.SHA256, CreatedBy: p.Subject}
	if err := s.Store.CreateImport(ctx, im); err != nil {
		cleanup()
		s.internal(c, err)
		return
	}
	req := steps.ImportRequest{ImportID: id, Kind: imports.Kind(form.kind), ObjectKey: key}
	err := temporalCall(ctx, func(ctx context.Context) error {
		_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       workflows.ImportWorkflowID(id),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		}, workflows.ImportWorkflowName, req)
		return err
	})
	if err != nil {
		if derr := s.Store.DeleteImport(context.WithoutCancel(ctx), id); derr != nil {
			s.Log.Warn("cannot remove an import that did not start", "import", id, "err", derr)
		}
		cleanup()
		s.internal(c, err)
		return
	}
	c.Header("Location", "/api/v1/imports/"+id)
	c.JSON(http.StatusAccepted, toImportJSON(im))
}

func importTooLarge(c *gin.Context, limit int64) {
	fail(c, http.StatusRequestEntityTooLarge, "file_too_large",
		fmt.Sprintf("import files may be at most %d bytes (%d MiB)", limit, limit>>20))
}

// getImport shows one import's progress, counts and first errors (admin only).
func (s *Server) getImport(c *gin.Context) {
	if !canImport(principal(c)) {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may read imports")
		return
	}
	im, err := s.Store.GetImport(c.Request.Context(), c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "import")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, toImportJSON(im))
}

// listImports lists the imports, newest first, with cursor pagination (admin only).
func (s *Server) listImports(c *gin.Context) {
	if !canImport(principal(c)) {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may list imports")
		return
	}
	limit, ok := limitParam(c)
	if !ok {
		return
	}
	items, next, err := s.Store.ListImports(c.Request.Context(), c.Query("cursor"), limit)
	if s.listFailed(c, err) {
		return
	}
	out := make([]importJSON, len(items))
	for i := range items {
		out[i] = toImportJSON(&items[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": next})
}
