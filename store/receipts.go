package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// ActionReceipt is the receipt of a decision taken with an Idempotency-Key: the same principal
// and key always get this receipt back instead of a second decision.
type ActionReceipt struct {
	bun.BaseModel `bun:"table:action_receipts"`
	Principal     string `bun:"principal,pk"`
	Key           string `bun:"key,pk"`
	CaseID        string `bun:"case_id,type:uuid"`
	DecisionID    string `bun:"decision_id,type:uuid"`
	Action        string `bun:"action"`
	// Fingerprint identifies the request (case, action, comment, evidence), so a key reused
	// for another request is told apart from a retry.
	Fingerprint string    `bun:"fingerprint"`
	AcceptedAt  time.Time `bun:"accepted_at"`
}

// ClaimReceipt stores r unless the principal already used the key; it returns the receipt that
// holds the key and whether it is r (claimed=true) or an earlier one.
func (s *Store) ClaimReceipt(ctx context.Context, r *ActionReceipt) (held *ActionReceipt, claimed bool, err error) {
	res, err := s.DB.NewInsert().Model(r).On("CONFLICT (principal, key) DO NOTHING").Exec(ctx)
	if err != nil {
		return nil, false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return r, true, nil
	}
	held = new(ActionReceipt)
	err = s.DB.NewSelect().Model(held).Where("principal = ? AND key = ?", r.Principal, r.Key).Scan(ctx)
	return held, false, notFound(err)
}

// ReleaseReceipt deletes a claimed receipt whose decision could not be handed to the workflow,
// so a retry with the same key can try again.
func (s *Store) ReleaseReceipt(ctx context.Context, principal, key string) error {
	_, err := s.DB.NewDelete().Model((*ActionReceipt)(nil)).Where("principal = ? AND key = ?", principal, key).Exec(ctx)
	return err
}

// GetReceipt finds the receipt a principal's key holds (ErrNotFound when none).
func (s *Store) GetReceipt(ctx context.Context, principal, key string) (*ActionReceipt, error) {
	r := new(ActionReceipt)
	err := s.DB.NewSelect().Model(r).Where("principal = ? AND key = ?", principal, key).Scan(ctx)
	return r, notFound(err)
}
