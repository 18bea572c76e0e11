package api

import (
	"context"
	"time"

	"certflow/store"
)

// DefaultEvidenceRetention is how long evidence stays write-once unless configured: 10 years.
const DefaultEvidenceRetention = 10 * 365 * 24 * time.Hour

// retainEvidence puts a committed evidence file's object version under compliance retention.
// It runs after the database commit, so a refused or failed upload (never committed) stays
// removable. A failure is logged, not answered: the evidence is recorded, and its version id
// in the evidence row lets an operator retain it later.
func (s *Server) retainEvidence(ctx context.Context, e *store.Evidence) {
	d := s.EvidenceRetention
	if d <= 0 {
		d = DefaultEvidenceRetention
	}
	if err := s.Evidence.Retain(context.WithoutCancel(ctx), e.ObjectKey, e.VersionID, s.Now().Add(d)); err != nil {
		s.Log.Error("evidence retention failed", "evidence", e.ID, "case", e.CaseID, "version", e.VersionID, "err", err)
	}
}
