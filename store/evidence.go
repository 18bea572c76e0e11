package store

import (
	"context"

	"github.com/uptrace/bun"
)

// GetEvidence loads one evidence record of a case.
func (s *Store) GetEvidence(ctx context.Context, caseID, id string) (*Evidence, error) {
	e := new(Evidence)
	err := s.DB.NewSelect().Model(e).Where("case_id = ? AND id::text = ?", caseID, id).Scan(ctx)
	return e, notFound(err)
}

// CountEvidence counts how many of ids belong to the case (to validate references).
func (s *Store) CountEvidence(ctx context.Context, caseID string, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	n, err := s.DB.NewSelect().Model((*Evidence)(nil)).
		Where("case_id = ? AND id::text IN (?)", caseID, bun.In(ids)).Count(ctx)
	return int(n), err
}

// AddEvidenceWithEvent records an upload and its timeline entry in one transaction, raising
// the case's version.
func (s *Store) AddEvidenceWithEvent(ctx context.Context, e *Evidence, ev *CaseEvent) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(e).Returning("*").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(ev).On("CONFLICT (case_id, key) DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*Case)(nil)).Set("version = c.version + 1, updated_at = now()").
			Where("c.id = ?", e.CaseID).Exec(ctx); err != nil {
			return err
		}
		return notifyCaseChanged(ctx, tx, e.CaseID)
	})
}

// EvidenceSinceSupplementRequest lists the ids of the evidence uploaded to a case since it was
// last sent to the supplement stage, oldest first.
func (s *Store) EvidenceSinceSupplementRequest(ctx context.Context, caseID string) ([]string, error) {
	ids := []string{}
	err := s.DB.NewSelect().Model((*Evidence)(nil)).Column("id").
		Where("case_id = ?", caseID).
		Where(`created_at > (SELECT max(at) FROM case_events
			WHERE case_id = ? AND to_stage = 'supplement' AND from_stage <> 'supplement')`, caseID).
		Order("created_at", "id").Scan(ctx, &ids)
	return ids, err
}
