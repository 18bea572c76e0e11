package store

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// LoginChallenge is a sign-in waiting for its second factor.
type LoginChallenge struct {
	bun.BaseModel  `bun:"table:login_challenges,alias:lc"`
	ID             string     `bun:"id,pk,type:uuid"`
	UserID         string     `bun:"user_id,type:uuid"`
	TokenHash      string     `bun:"token_hash"`
	EnrolSecretEnc []byte     `bun:"enrol_secret_enc"`
	Failures       int        `bun:"failures"`
	ExpiresAt      time.Time  `bun:"expires_at"`
	UsedAt         *time.Time `bun:"used_at"`
	CreatedAt      time.Time  `bun:"created_at,nullzero,default:now()"`
}

// MaxChallengeFailures is how many wrong codes end a sign-in.
const MaxChallengeFailures = 5

// Session is a signed-in person's session.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:se"`
	ID            string     `bun:"id,pk,type:uuid"`
	UserID        string     `bun:"user_id,type:uuid"`
	Address       string     `bun:"address"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()"`
	LastUsedAt    time.Time  `bun:"last_used_at,nullzero,default:now()"`
	EndedAt       *time.Time `bun:"ended_at"`
	EndReason     string     `bun:"end_reason"`
}

type refreshToken struct {
	bun.BaseModel `bun:"table:refresh_tokens,alias:rt"`
	TokenHash     string     `bun:"token_hash,pk"`
	SessionID     string     `bun:"session_id,type:uuid"`
	CreatedAt     time.Time  `bun:"created_at,nullzero,default:now()"`
	UsedAt        *time.Time `bun:"used_at"`
}

// UserByUsername loads a user by username, without case.
func (s *Store) UserByUsername(ctx context.Context, username string) (*User, error) {
	u := new(User)
	err := s.DB.NewSelect().Model(u).Where("lower(u.username) = lower(?)", username).Scan(ctx)
	return u, notFound(err)
}

// CreateChallenge stores a sign-in waiting for its second factor.
func (s *Store) CreateChallenge(ctx context.Context, ch *LoginChallenge) error {
	ch.ID = uuid.NewString()
	_, err := s.DB.NewInsert().Model(ch).Exec(ctx)
	return err
}

// OpenChallenge loads the unused, unexpired sign-in with this token hash that has fewer than
// MaxChallengeFailures wrong codes, with its user; ErrNotFound otherwise.
func (s *Store) OpenChallenge(ctx context.Context, tokenHash string, now time.Time) (*LoginChallenge, *User, error) {
	ch := new(LoginChallenge)
	err := s.DB.NewSelect().Model(ch).Where("token_hash = ?", tokenHash).Where("used_at IS NULL").
		Where("expires_at > ?", now).Where("failures < ?", MaxChallengeFailures).Scan(ctx)
	if err != nil {
		return nil, nil, notFound(err)
	}
	u, err := s.GetUser(ctx, ch.UserID)
	return ch, u, err
}

// FailChallenge counts a wrong code against a sign-in.
func (s *Store) FailChallenge(ctx context.Context, id string) error {
	_, err := s.DB.NewUpdate().Model((*LoginChallenge)(nil)).Set("failures = failures + 1").Where("id = ?", id).Exec(ctx)
	return err
}

// UseTOTPStep records that an account used the code of a time step; false when it was used
// before (a replay).
func (s *Store) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := s.DB.NewRaw("INSERT INTO totp_used_steps (user_id, step) VALUES (?, ?) ON CONFLICT DO NOTHING", userID, step).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ErrSpent is returned when a sign-in or a refresh token was used already.
var ErrSpent = errors.New("used already")

// CompleteLogin spends a sign-in, makes its enrolled TOTP secret the account's (when it has
// one), and opens a session with its first refresh token, in one transaction. ErrSpent when the
// sign-in was completed meanwhile.
func (s *Store) CompleteLogin(ctx context.Context, ch *LoginChallenge, address, refreshHash string) (*Session, error) {
	se := &Session{ID: uuid.NewString(), UserID: ch.UserID, Address: address}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*LoginChallenge)(nil)).Set("used_at = now()").
			Where("id = ?", ch.ID).Where("used_at IS NULL").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrSpent
		}
		if ch.EnrolSecretEnc != nil {
			if _, err := tx.NewUpdate().Model((*User)(nil)).Set("totp_secret_enc = ?", ch.EnrolSecretEnc).
				Where("id = ?", ch.UserID).Exec(ctx); err != nil {
				return err
			}
		}
		if _, err := tx.NewInsert().Model(se).Returning("*").Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(&refreshToken{TokenHash: refreshHash, SessionID: se.ID}).Exec(ctx)
		return err
	})
	return se, err
}

// ErrSessionEnded is returned when a refresh token's session has ended.
var ErrSessionEnded = errors.New("the session has ended")

// RotateRefresh spends a refresh token and stores its successor in the same session, returning
// the session's user. A token used before ends its session (reuse detection) and gives
// ErrSpent; a token of an ended session gives ErrSessionEnded; a user no longer active ends the
// session and gives ErrSessionEnded; an unknown token gives ErrNotFound.
func (s *Store) RotateRefresh(ctx context.Context, oldHash, newHash string) (*User, *Session, error) {
	var u *User
	se := new(Session)
	var outcome error
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		rt := new(refreshToken)
		if err := tx.NewSelect().Model(rt).Where("token_hash = ?", oldHash).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err)
		}
		if err := tx.NewSelect().Model(se).Where("id = ?", rt.SessionID).For("UPDATE").Scan(ctx); err != nil {
			return err
		}
		u = new(User)
		if err := tx.NewSelect().Model(u).Where("u.id = ?", se.UserID).Scan(ctx); err != nil {
			return err
		}
		switch {
		case se.EndedAt != nil:
			outcome = ErrSessionEnded
			return nil
		case rt.UsedAt != nil:
			outcome = ErrSpent
			return endSession(ctx, tx, se, "refresh_reuse")
		case u.Status != UserActive:
			outcome = ErrSessionEnded
			return endSession(ctx, tx, se, "user_"+u.Status)
		}
		if _, err := tx.NewUpdate().Model(rt).Set("used_at = now()").WherePK().Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model(se).Set("last_used_at = now()").WherePK().Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(&refreshToken{TokenHash: newHash, SessionID: se.ID}).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return u, se, outcome
}

func endSession(ctx context.Context, db bun.IDB, se *Session, reason string) error {
	_, err := db.NewUpdate().Model(se).Set("ended_at = now(), end_reason = ?", reason).
		WherePK().Where("ended_at IS NULL").Exec(ctx)
	return err
}

// EndSession ends a user's session (no error when it has ended already or is not theirs).
func (s *Store) EndSession(ctx context.Context, userID, sessionID, reason string) error {
	if _, err := uuid.Parse(sessionID); err != nil {
		return nil
	}
	_, err := s.DB.NewUpdate().Model((*Session)(nil)).Set("ended_at = now(), end_reason = ?", reason).
		Where("id = ?", sessionID).Where("user_id = ?", userID).Where("ended_at IS NULL").Exec(ctx)
	return err
}

// UserSessions lists a user's last 100 sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]Session, error) {
	out := []Session{}
	if _, err := uuid.Parse(userID); err != nil {
		return out, nil
	}
	err := s.DB.NewSelect().Model(&out).Where("user_id = ?", userID).
		OrderExpr("created_at DESC, id DESC").Limit(100).Scan(ctx)
	return out, err
}

// EndUserSessions ends every open session of a user and reports how many.
func (s *Store) EndUserSessions(ctx context.Context, userID, reason string) (int, error) {
	res, err := s.DB.NewUpdate().Model((*Session)(nil)).Set("ended_at = now(), end_reason = ?", reason).
		Where("user_id = ?", userID).Where("ended_at IS NULL").Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
