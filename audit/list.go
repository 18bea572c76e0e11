package audit

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
)

// Entry is one audit log row.
type Entry struct {
	ID        int64     `bun:"id" json:"id"`
	At        time.Time `bun:"at" json:"at"`
	Actor     string    `bun:"actor" json:"actor"`
	ActorRole string    `bun:"actor_role" json:"actor_role"`
	Address   string    `bun:"address" json:"address"`
	Action    string    `bun:"action" json:"action"`
	Target    string    `bun:"target" json:"target"`
	Outcome   string    `bun:"outcome" json:"outcome"`
	PrevHash  string    `bun:"prev_hash" json:"prev_hash"`
	Hash      string    `bun:"hash" json:"hash"`
}

// Filter selects audit rows: by actor and action (exact), at or after From, before To.
type Filter struct {
	Actor, Action string
	From, To      time.Time
	Cursor        string
	// Limit is the page size (1 to 100, default 20).
	Limit int
}

// ErrBadCursor is returned for a cursor List did not produce.
var ErrBadCursor = errors.New("invalid cursor")

// List reads one page of the audit log, newest first, and the cursor of the next page ("" on
// the last).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	q := l.DB.NewSelect().Table("audit_log").Column("id", "at", "actor", "actor_role", "address", "action",
		"target", "outcome", "prev_hash", "hash")
	if f.Actor != "" {
		q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q.Where("at < ?", f.To)
	}
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		id, perr := strconv.ParseInt(string(b), 10, 64)
		if err != nil || perr != nil || id <= 0 {
			return nil, "", ErrBadCursor
		}
		q.Where("id < ?", id)
	}
	var items []Entry
	if err := q.OrderExpr("id DESC").Limit(int64(f.Limit+1)).Scan(ctx, &items); err != nil {
		return nil, "", err
	}
	if len(items) <= f.Limit {
		return items, "", nil
	}
	items = items[:f.Limit]
	return items, base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(items[f.Limit-1].ID, 10))), nil
}
