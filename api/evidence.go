package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"certflow/domain"
	"certflow/evidence"
	"certflow/store"
	"certflow/workflows"
)

// EvidenceKinds are the kinds of evidence a case accepts.
var EvidenceKinds = []string{"id_card", "qualification_certificate", "labour_contract", "other"}

// multipartOverhead is the room allowed beyond the file limit for multipart framing and fields.
const multipartOverhead = 64 << 10

// uploadEvidence streams one multipart file to MinIO (memory does not grow with the file),
// records its hash, size and sniffed type, and links it to the case. On any failure nothing
// stays stored.
func (s *Server) uploadEvidence(c *gin.Context) {
	p := principal(c)
	// Objectors outside the case's scope may attach evidence during public notice.
	cs, ok := s.findCase(c, p, true)
	if !ok {
		return
	}
	if !canUploadEvidence(p, factsOf(cs)) {
		fail(c, http.StatusForbidden, "forbidden", "evidence can be added by the applicant side while the case is open, or by an objector during public notice")
		return
	}
	if c.Request.ContentLength > s.MaxUpload+multipartOverhead {
		tooLarge(c, s.MaxUpload)
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, http.StatusBadRequest, "invalid_multipart", "send the file as multipart/form-data with fields \"file\" and \"kind\"")
		return
	}
	id := uuid.NewString()
	key := fmt.Sprintf("cases/%s/%s", cs.ID, id)
	var (
		kind, filename string
		up             *evidence.Upload
	)
	cleanup := func() {
		if up != nil {
			_ = s.Evidence.Remove(context.WithoutCancel(c), key)
		}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			cleanup()
			fail(c, http.StatusBadRequest, "invalid_multipart", "the multipart body is malformed: "+err.Error())
			return
		}
		switch part.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			kind = string(b)
		case "file":
			if kind != "" && !slices.Contains(EvidenceKinds, kind) {
				cleanup()
				invalid(c, []FieldError{{"kind", "must be one of id_card, qualification_certificate, labour_contract, other"}})
				return
			}
			if up != nil {
				cleanup()
				fail(c, http.StatusBadRequest, "invalid_multipart", "send exactly one file per request")
				return
			}
			filename = part.FileName()
			u, err := s.Evidence.Put(c, key, part, s.MaxUpload)
			switch {
			case errors.Is(err, evidence.ErrTooLarge):
				tooLarge(c, s.MaxUpload)
				return
			case errors.Is(err, evidence.ErrUnsupportedType):
				fail(c, http.StatusUnsupportedMediaType, "unsupported_file_type",
					"evidence must be a PDF, JPEG or PNG file (decided by its content, not its name)")
				return
			case err != nil:
				s.internal(c, err)
				return
			}
			up = &u
		}
		part.Close()
	}
	if up == nil {
		invalid(c, []FieldError{{"file", "is required"}})
		return
	}
	if !slices.Contains(EvidenceKinds, kind) {
		cleanup()
		invalid(c, []FieldError{{"kind", "must be one of id_card, qualification_certificate, labour_contract, other"}})
		return
	}
	rec := &store.Evidence{ID: id, CaseID: cs.ID, Kind: kind, ObjectKey: key, SHA256: up.SHA256, Size: up.Size,
		ContentType: up.ContentType, Filename: filename, UploadedBy: p.Subject, UploadedRole: string(p.Role)}
	ev := &store.CaseEvent{CaseID: cs.ID, Key: "evidence-" + id, ActorSub: p.Subject, ActorRole: string(p.Role),
		Action: "evidence_uploaded", FromStage: cs.Stage, ToStage: cs.Stage, Comment: kind,
		EvidenceIDs: []string{id}, At: s.Now().UTC()}
	if err := s.Store.AddEvidenceWithEvent(c, rec, ev); err != nil {
		cleanup()
		s.internal(c, err)
		return
	}
	if cs.Stage == string(domain.StageDraft) {
		// Work on a draft keeps it alive; a lost touch only risks an earlier abandonment notice.
		if err := s.Temporal.SignalWorkflow(c, cs.ID, "", workflows.SignalTouch, nil); err != nil {
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
	cs, ok := s.findCase(c, principal(c), false)
	if !ok {
		return
	}
	e, err := s.Store.GetEvidence(c, cs.ID, c.Param("evidence_id"))
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
	if presign {
		const ttl = 5 * time.Minute
		u, err := s.Evidence.PresignGet(c, e.ObjectKey, e.Filename, ttl)
		if err != nil {
			s.internal(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"url": u.String(), "expires_at": s.Now().Add(ttl).UTC()})
		return
	}
	rc, size, err := s.Evidence.Open(c, e.ObjectKey)
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
