package store

import (
	"context"
	"time"
)

// PublicNotice is a case under public notice (公示) as the national platform publishes it.
type PublicNotice struct {
	Number         string    `bun:"number"`
	Name           string    `bun:"name"`
	IDNumberEnc    []byte    `bun:"id_number_enc"`
	Enterprise     string    `bun:"enterprise"`
	EnterpriseUSCC string    `bun:"enterprise_uscc"`
	Level          int       `bun:"level"`
	Specialty      string    `bun:"specialty"`
	NoticeStart    time.Time `bun:"notice_start"`
	NoticeEnd      time.Time `bun:"notice_end"`
	CreatedAt      time.Time `bun:"created_at"`
	ID             string    `bun:"id"`
}

// PublicNotices returns one page of the cases now under public notice, newest first, and the
// cursor of the next page.
func (s *Store) PublicNotices(ctx context.Context, cursor string, limit int) ([]PublicNotice, string, error) {
	out := []PublicNotice{}
	q := s.DB.NewSelect().TableExpr("cases AS c").
		ColumnExpr("c.id, c.number, c.created_at, p.name, p.id_number_enc, e.name AS enterprise, c.enterprise_uscc, c.level, c.specialty, c.sla_due_at AS notice_end").
		ColumnExpr("(SELECT min(ev.at) FROM case_events ev WHERE ev.case_id = c.id AND ev.to_stage = 'public_notice') AS notice_start").
		Join("JOIN practitioners AS p ON p.id = c.practitioner_id").
		Join("JOIN enterprises AS e ON e.uscc = c.enterprise_uscc").
		Where("c.stage = 'public_notice' AND c.status = 'open' AND c.sla_due_at IS NOT NULL")
	limit, err := paginate(q, "c", cursor, limit)
	if err != nil {
		return nil, "", err
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(n PublicNotice) (time.Time, string) { return n.CreatedAt, n.ID })
	return out, next, nil
}
