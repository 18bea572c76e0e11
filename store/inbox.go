package store

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Recipient is who reads an inbox: notifications addressed to their role (and to them, or to
// everyone in the role) about cases in their scope, or about registrations addressed to them.
type Recipient struct {
	Role    string
	Subject string
	// Principal keys the recipient's read marks.
	Principal string
	// Scope limits the cases (a province, an enterprise, an applicant, or all).
	Scope Scope
}

// InboxItem is one notification as its recipient sees it. CaseID is empty for a notification
// about a registration alone (an expiry reminder).
type InboxItem struct {
	ID                 int64      `bun:"id"`
	Kind               string     `bun:"kind"`
	CaseID             string     `bun:"case_id"`
	RegistrationNumber string     `bun:"registration_number"`
	Message            string     `bun:"message"`
	At                 time.Time  `bun:"at"`
	ReadAt             *time.Time `bun:"read_at"`
}

// inbox selects a recipient's notifications, newest first.
func (s *Store) inbox(r Recipient) *bun.SelectQuery {
	q := s.DB.NewSelect().TableExpr("notifications AS n").
		ColumnExpr("n.id, n.kind, coalesce(CAST(n.case_id AS text), '') AS case_id, n.message, n.at").
		ColumnExpr(`coalesce(g.number, (SELECT cg.number FROM registrations cg WHERE cg.case_id = n.case_id),
			c.details->>'registration_number', '') AS registration_number`).
		ColumnExpr("(SELECT rd.read_at FROM notification_reads rd WHERE rd.notification_id = n.id AND rd.principal = ?) AS read_at", r.Principal).
		Join("LEFT JOIN cases AS c ON c.id = n.case_id").
		Join("LEFT JOIN registrations AS g ON g.id = n.registration_id")
	if r.Role != "admin" {
		q = q.Where("n.role = ? AND (n.subject = '' OR n.subject = ?)", r.Role, r.Subject)
	}
	return r.Scope.applyInbox(q)
}

// applyInbox limits a query on notifications "n" (with their case "c" and registration "g")
// to the scope: a case's notifications by the case's scope; a registration's by its recipient
// — the practitioner, the enterprise — or, for a province, the registration's enterprise's
// province.
func (sc Scope) applyInbox(q *bun.SelectQuery) *bun.SelectQuery {
	if sc.All {
		return q
	}
	if sc.Enterprise != "" { // a notice addressed to one enterprise reaches that one only
		q = q.Where("(n.enterprise_uscc IS NULL OR n.enterprise_uscc = ?)", sc.Enterprise)
	}
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.WhereGroup(" OR ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return sc.apply(q.Where("n.case_id IS NOT NULL"))
		})
		switch {
		case sc.Province != "":
			return q.WhereOr(`n.registration_id IS NOT NULL AND EXISTS (SELECT 1 FROM enterprises ge
				WHERE ge.uscc = g.enterprise_uscc AND ge.province_code = ?)`, sc.Province)
		case sc.Enterprise != "":
			return q.WhereOr("n.registration_id IS NOT NULL AND n.enterprise_uscc = ?", sc.Enterprise)
		case sc.PractitionerID != "":
			return q.WhereOr("n.registration_id IS NOT NULL AND n.practitioner_id = ?", sc.PractitionerID)
		}
		return q
	})
}

// Inbox returns one page of a recipient's notifications, newest first, and the next cursor.
func (s *Store) Inbox(ctx context.Context, r Recipient, cursor string, limit int) ([]InboxItem, string, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	q := s.inbox(r)
	if cursor != "" {
		at, id, err := decodeInboxCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("(n.at, n.id) < (?, ?)", at, id)
	}
	items := []InboxItem{}
	if err := q.OrderExpr("n.at DESC, n.id DESC").Limit(int64(limit+1)).Scan(ctx, &items); err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(last.At.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(last.ID, 10)))
	}
	return items, next, nil
}

func decodeInboxCursor(cur string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return time.Time{}, 0, ErrBadCursor
	}
	ts, idText, ok := strings.Cut(string(b), "|")
	at, err1 := time.Parse(time.RFC3339Nano, ts)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, ErrBadCursor
	}
	return at, id, nil
}

// MarkRead marks one of a recipient's notifications read (once) and returns it; ErrNotFound
// when it is not theirs.
func (s *Store) MarkRead(ctx context.Context, r Recipient, id int64) (*InboxItem, error) {
	item := new(InboxItem)
	if err := s.inbox(r).Where("n.id = ?", id).Scan(ctx, item); err != nil {
		return nil, notFound(err)
	}
	if item.ReadAt == nil {
		if _, err := s.DB.NewRaw(`INSERT INTO notification_reads (notification_id, principal) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, id, r.Principal).Exec(ctx); err != nil {
			return nil, err
		}
		if err := s.inbox(r).Where("n.id = ?", id).Scan(ctx, item); err != nil {
			return nil, notFound(err)
		}
	}
	return item, nil
}
