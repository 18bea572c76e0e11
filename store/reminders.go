package store

import (
	"context"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"
)

// PendingReminder is an expiry reminder a sweep claimed and the notifier has not taken yet,
// with what its notifications need.
type PendingReminder struct {
	RegistrationID     string    `bun:"registration_id"`
	WindowDays         int       `bun:"window_days"`
	ValidTo            time.Time `bun:"valid_to"`
	RegistrationNumber string    `bun:"number"`
	PractitionerID     string    `bun:"practitioner_id"`
	EnterpriseUSCC     string    `bun:"enterprise_uscc"`
}

// PendingReminders returns up to limit reminders of a sweep not yet sent.
func (s *Store) PendingReminders(ctx context.Context, sweepID string, limit int) ([]PendingReminder, error) {
	out := []PendingReminder{}
	err := s.DB.NewSelect().TableExpr("expiry_reminders AS e").
		ColumnExpr("e.registration_id, e.window_days, e.valid_to, g.number, g.practitioner_id, g.enterprise_uscc").
		Join("JOIN registrations AS g ON g.id = e.registration_id").
		Where("e.sweep_id = ? AND e.sent_at IS NULL", sweepID).
		OrderExpr("e.registration_id").Limit(int64(limit)).Scan(ctx, &out)
	return out, err
}

// MarkRemindersSent records that the notifier took a sweep's reminders of these registrations.
func (s *Store) MarkRemindersSent(ctx context.Context, sweepID string, registrationIDs []string) error {
	_, err := s.DB.NewRaw(`UPDATE expiry_reminders e SET sent_at = now()
		FROM unnest(CAST(? AS uuid[])) AS u(id)
		WHERE e.registration_id = u.id AND e.sweep_id = ? AND e.sent_at IS NULL`,
		pgdialect.Array(registrationIDs), sweepID).Exec(ctx)
	return err
}

// AddNotifications stores notifications in one statement; one already stored (the same case
// or registration and key) is kept as it was.
func (s *Store) AddNotifications(ctx context.Context, ns []Notification) error {
	if len(ns) == 0 {
		return nil
	}
	_, err := s.DB.NewInsert().Model(&ns).On("CONFLICT DO NOTHING").Returning("NULL").Exec(ctx)
	return err
}
