package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// SigningKey is a key that signs access tokens; PrivateKeyEnc is sealed with the PII key.
type SigningKey struct {
	bun.BaseModel `bun:"table:signing_keys,alias:k"`
	KID           string     `bun:"kid,pk"`
	PublicKey     []byte     `bun:"public_key"`
	PrivateKeyEnc []byte     `bun:"private_key_enc"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:clock_timestamp()"`
	RetireAt      *time.Time `bun:"retire_at"`
}

// AddSigningKey inserts a key and sets the retire time of every older key that has none to
// retireOthersAt, in one transaction.
func (s *Store) AddSigningKey(ctx context.Context, k *SigningKey, retireOthersAt time.Time) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*SigningKey)(nil)).Set("retire_at = ?", retireOthersAt).
			Where("retire_at IS NULL").Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(k).Returning("*").Exec(ctx)
		return err
	})
}

// SigningKeys lists the keys not retired at now, newest first.
func (s *Store) SigningKeys(ctx context.Context, now time.Time) ([]SigningKey, error) {
	var out []SigningKey
	err := s.DB.NewSelect().Model(&out).Where("retire_at IS NULL OR retire_at > ?", now).
		OrderExpr("created_at DESC, kid DESC").Scan(ctx)
	return out, err
}
