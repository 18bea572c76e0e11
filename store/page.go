package store

import (
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// ErrBadCursor is returned for a cursor this API did not produce.
var ErrBadCursor = errors.New("invalid cursor")

// paginate makes q one page of keyset pagination over (alias.created_at, alias.id), newest
// first: it continues after cursor (if any) and fetches one row more than the page size, so
// nextPage can tell whether another page follows. It returns the page size (1 to 100, default
// 20).
func paginate(q *bun.SelectQuery, alias, cursor string, limit int) (int, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if cursor != "" {
		at, id, err := decodeCursor(cursor)
		if err != nil {
			return 0, err
		}
		q.Where("("+alias+".created_at, "+alias+".id) < (?, ?)", at, id)
	}
	q.OrderExpr(alias + ".created_at DESC, " + alias + ".id DESC").Limit(int64(limit + 1))
	return limit, nil
}

// nextPage trims a page fetched by paginate and returns the cursor of the next page ("" on
// the last one).
func nextPage[T any](items []T, limit int, key func(T) (time.Time, string)) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, encodeCursor(key(items[limit-1]))
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(cur string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	if _, err := uuid.Parse(id); err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	return at, id, nil
}
