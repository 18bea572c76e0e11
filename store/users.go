package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/ident"
)

// User statuses.
const (
	UserActive   = "active"
	UserLocked   = "locked"
	UserDisabled = "disabled"
)

// User is a person's account. The phone is stored encrypted (PhoneEnc) with a masked form for
// display; the password is an argon2id hash (nil until the account is activated); the one-time
// activation code is stored as its hash, with its expiry.
type User struct {
	bun.BaseModel       `bun:"table:users,alias:u"`
	ID                  string     `bun:"id,pk,type:uuid"`
	Username            string     `bun:"username"`
	DisplayName         string     `bun:"display_name"`
	Role                string     `bun:"role"`
	EnterpriseUSCC      string     `bun:"enterprise_uscc"`
	ProvinceCode        string     `bun:"province_code"`
	PractitionerID      *string    `bun:"practitioner_id,type:uuid"`
	PhoneEnc            []byte     `bun:"phone_enc"`
	PhoneMasked         string     `bun:"phone_masked"`
	Status              string     `bun:"status"`
	PasswordHash        *string    `bun:"password_hash"`
	ActivationHash      *string    `bun:"activation_hash"`
	ActivationExpiresAt *time.Time `bun:"activation_expires_at"`
	ActivatedAt         *time.Time `bun:"activated_at"`
	TOTPSecretEnc       []byte     `bun:"totp_secret_enc"`
	CreatedBy           string     `bun:"created_by"`
	CreatedAt           time.Time  `bun:"created_at,nullzero,default:now()"`
	UpdatedAt           time.Time  `bun:"updated_at,nullzero,default:now()"`
}

// SetPhone encrypts a phone number into the user (empty clears it).
func (s *Store) SetPhone(u *User, phone string) error {
	if phone == "" {
		u.PhoneEnc, u.PhoneMasked = nil, ""
		return nil
	}
	enc, err := s.Sealer.Seal(phone)
	if err != nil {
		return err
	}
	u.PhoneEnc, u.PhoneMasked = enc, ident.MaskPhone(phone)
	return nil
}

// CreateUser inserts a user; ErrConflict when the username (in any case) or the practitioner's
// account exists already.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	_, err := s.DB.NewInsert().Model(u).Returning("*").Exec(ctx)
	switch {
	case isUnique(err, "users_username"):
		return fmt.Errorf("%w: the username %s is taken", ErrConflict, u.Username)
	case isUnique(err, "users_practitioner"):
		return fmt.Errorf("%w: the practitioner has an account already", ErrConflict)
	}
	return err
}

// GetUser loads a user by id.
func (s *Store) GetUser(ctx context.Context, id string) (*User, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	u := new(User)
	err := s.DB.NewSelect().Model(u).Where("u.id = ?", id).Scan(ctx)
	return u, notFound(err)
}

// UserFilter holds the list filters of GET /users.
type UserFilter struct {
	Role   string
	Status string
	Cursor string
	Limit  int
}

// ListUsers returns one page of users, newest first, and the cursor of the next page.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, string, error) {
	var out []User
	q := s.DB.NewSelect().Model(&out)
	if f.Role != "" {
		q = q.Where("u.role = ?", f.Role)
	}
	if f.Status != "" {
		q = q.Where("u.status = ?", f.Status)
	}
	limit, err := paginate(q, "u", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(u User) (time.Time, string) { return u.CreatedAt, u.ID })
	return out, next, nil
}

// UpdateUser writes a user's display name, role, scope and status; ErrNotFound when the user
// does not exist, ErrConflict when the practitioner has another account.
func (s *Store) UpdateUser(ctx context.Context, u *User) error {
	res, err := s.DB.NewUpdate().Model(u).
		Column("display_name", "role", "enterprise_uscc", "province_code", "practitioner_id", "status").
		Set("updated_at = now()").WherePK().Returning("*").Exec(ctx)
	if isUnique(err, "users_practitioner") {
		return fmt.Errorf("%w: the practitioner has an account already", ErrConflict)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ResetActivation gives a user a new activation code (by its hash) and clears their password,
// so the old password stops working and the person sets a new one with the code.
func (s *Store) ResetActivation(ctx context.Context, id, codeHash string, expires time.Time) (*User, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	u := new(User)
	err := s.DB.NewUpdate().Model(u).
		Set("activation_hash = ?, activation_expires_at = ?, password_hash = NULL, updated_at = now()", codeHash, expires).
		Where("u.id = ?", id).Returning("*").Scan(ctx)
	return u, notFound(err)
}

// Activate sets the password of the active user with this username whose unexpired activation
// code has this hash, and spends the code. ErrNotFound when there is no such user or code.
func (s *Store) Activate(ctx context.Context, username, codeHash, passwordHash string, now time.Time) (*User, error) {
	u := new(User)
	err := s.DB.NewUpdate().Model(u).
		Set("password_hash = ?, activation_hash = NULL, activation_expires_at = NULL, activated_at = ?, updated_at = now()", passwordHash, now).
		Where("lower(u.username) = lower(?)", username).Where("u.activation_hash = ?", codeHash).
		Where("u.activation_expires_at > ?", now).Where("u.status = ?", UserActive).
		Returning("*").Scan(ctx)
	return u, notFound(err)
}
