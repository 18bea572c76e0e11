package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"certflow/audit"
	"certflow/domain"
	"certflow/evidence"
	"certflow/store"
	"certflow/workflows"
)

// errStorageUnavailable marks an object store that cannot be reached (503).
var errStorageUnavailable = evidence.ErrUnavailable

// EvidenceKinds are the kinds of evidence a case accepts: those the case definitions require,
// and "other".
var EvidenceKinds = domain.EvidenceKinds()

// multipartOverhead is the room allowed beyond the file limit for multipart framing and fields.
const multipartOverhead = 64 << 10

// uploadEvidence streams one multipart file to MinIO (memory does not grow with the file),
// records its hash, size and sniffed type, and links it to the case. On any failure nothing
// stays stored.
func (s *Server) uploadEvidence(c *gin.Context) {
	p := principal(c)
	// A declared-oversize upload is answered before anything else, so its body is drained once
	// and the answer (413, which tells nothing about the case) reaches the client.
	if c.Request.ContentLength > s.MaxUpload+multipartOverhead {
		drainOversize(c, s.MaxUpload+multipartOverhead)
		tooLarge(c, s.MaxUpload)
		return
	}
	cs, ok := s.findCase(c, p)
	if !ok {
		return
	}
	if !canUploadEvidence(p, factsOf(cs)) {
		fail(c, http.StatusForbidden, "forbidden", "evidence can be added by the applicant side while the case is open, or with an objection during public notice")
		return
	}
	id := uuid.NewString()
	key := fmt.Sprintf("cases/%s/%s", cs.ID, id)
	form, cleanup, ok := s.receiveForm(c, evidenceForm, key, func(r io.Reader) (evidence.Upload, error) {
		return s.Evidence.Put(c.Request.Context(), key, r, s.MaxUpload)
	}, func() { tooLarge(c, s.MaxUpload) })
	if !ok {
		return
	}
	kind, filename, up := form.kind, form.filename, form.stored
	rec := &store.Evidence{ID: id, CaseID: cs.ID, Kind: kind, ObjectKey: key, SHA256: up.SHA256, Size: up.Size,
		ContentType: up.ContentType, Filename: filename, UploadedBy: p.Subject, UploadedRole: string(p.Role),
		VersionID: up.VersionID}
	ev := &store.CaseEvent{CaseID: cs.ID, Key: "evidence-" + id, ActorSub: p.Subject, ActorRole: string(p.Role),
		Action: "evidence_uploaded", FromStage: cs.Stage, ToStage: cs.Stage, Comment: kind,
		EvidenceIDs: []string{id}, At: s.Now().UTC()}
	if err := s.Store.AddEvidenceWithEvent(c.Request.Context(), rec, ev); err != nil {
		cleanup()
		s.internal(c, err)
		return
	}
	s.retainEvidence(c.Request.Context(), rec)
	if cs.Stage == string(domain.StageDraft) {
		// Work on a draft keeps it alive; a lost touch only risks an earlier abandonment notice.
		err := temporalCall(c.Request.Context(), func(ctx context.Context) error {
			return s.Temporal.SignalWorkflow(ctx, cs.ID, "", workflows.SignalTouch, nil)
		})
		if err != nil {
			s.Log.Warn("touch signal failed", "case", cs.ID, "err", err)
		}
	}
	c.JSON(http.StatusCreated, toEvidenceJSON(rec))
}

func tooLarge(c *gin.Context, limit int64) {
	fail(c, http.StatusRequestEntityTooLarge, "file_too_large",
		fmt.Sprintf("evidence files may be at most %d bytes (%d MiB)", limit, limit>>20))
}

// downloadEvidence streams a file to a caller who may see the case, or with ?presign=true
// returns a short-lived presigned URL.
func (s *Server) downloadEvidence(c *gin.Context) {
	cs, ok := s.findCase(c, principal(c))
	if !ok {
		return
	}
	e, err := s.Store.GetEvidence(c.Request.Context(), cs.ID, c.Param("evidence_id"))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "evidence")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	presign := false
	if v := c.Query("presign"); v != "" {
		var err error
		if presign, err = strconv.ParseBool(v); err != nil {
			invalid(c, []FieldError{{"presign", "must be true or false"}})
			return
		}
	}
	// Every download (or download link) is in the audit log before the file leaves.
	if err := s.recordAudit(c, audit.ActionEvidenceDownloaded, "case/"+cs.ID+"/evidence/"+e.ID); err != nil {
		s.internal(c, err)
		return
	}
	if presign {
		const ttl = 5 * time.Minute
		u, err := s.Evidence.PresignGet(c.Request.Context(), e.ObjectKey, e.Filename, ttl)
		if err != nil {
			s.internal(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"url": u.String(), "expires_at": s.Now().Add(ttl).UTC()})
		return
	}
	rc, size, err := s.Evidence.Open(c.Request.Context(), e.ObjectKey)
	if err != nil {
		s.internal(c, err)
		return
	}
	defer rc.Close()
	name := e.Filename
	if name == "" {
		name = e.ID
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("X-Content-SHA256", e.SHA256)
	c.DataFromReader(http.StatusOK, size, e.ContentType, rc, nil)
}
