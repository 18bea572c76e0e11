package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Sweep is one run of the expiry sweep over the active registrations.
type Sweep struct {
	bun.BaseModel `bun:"table:sweeps,alias:s"`
	ID            string    `bun:"id,pk,type:uuid"`
	AsOf          time.Time `bun:"as_of,type:date"`
	// Status is running, succeeded or failed.
	Status string `bun:"status"`
	// Trigger is schedule (the daily Temporal schedule) or api (POST /sweeps).
	Trigger     string `bun:"trigger"`
	Scanned     int64  `bun:"scanned"`
	Reminders90 int64  `bun:"reminders_90"`
	Reminders30 int64  `bun:"reminders_30"`
	Reminders7  int64  `bun:"reminders_7"`
	Expired     int64  `bun:"expired"`
	// CursorValidTo and CursorID are the keyset position after the last page applied.
	CursorValidTo *time.Time `bun:"cursor_valid_to,type:date"`
	CursorID      *string    `bun:"cursor_id,type:uuid"`
	Pages         int        `bun:"pages"`
	StartedAt     time.Time  `bun:"started_at,nullzero,default:now()"`
	FinishedAt    *time.Time `bun:"finished_at"`
}

// Sweep statuses.
const (
	SweepRunning   = "running"
	SweepSucceeded = "succeeded"
	SweepFailed    = "failed"
)

// CreateSweep inserts a running sweep and calls start (which starts its workflow) in the same
// transaction: if start fails, nothing is written.
func (s *Store) CreateSweep(ctx context.Context, sw *Sweep, start func() error) error {
	sw.Status = SweepRunning
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(sw).Returning("*").Exec(ctx); err != nil {
			return err
		}
		return start()
	})
}

// BeginSweep records a sweep the schedule started (the API records its own first); a sweep
// already recorded is left as it is.
func (s *Store) BeginSweep(ctx context.Context, sw *Sweep) error {
	sw.Status = SweepRunning
	_, err := s.DB.NewInsert().Model(sw).On("CONFLICT (id) DO NOTHING").Exec(ctx)
	return err
}

// GetSweep loads one sweep.
func (s *Store) GetSweep(ctx context.Context, id string) (*Sweep, error) {
	sw := new(Sweep)
	err := s.DB.NewSelect().Model(sw).Where("s.id = ?", id).Scan(ctx)
	return sw, notFound(err)
}

// FinishSweep marks a running sweep succeeded or failed and returns it.
func (s *Store) FinishSweep(ctx context.Context, id, status string) (*Sweep, error) {
	_, err := s.DB.NewUpdate().Model((*Sweep)(nil)).
		Set("status = ?, finished_at = coalesce(s.finished_at, now())", status).
		Where("s.id = ? AND s.status = ?", id, SweepRunning).Exec(ctx)
	if err != nil {
		return nil, err
	}
	return s.GetSweep(ctx, id)
}

// SweepCursor is a keyset position in the registrations ordered by (valid_to, id).
type SweepCursor struct {
	ValidTo time.Time
	ID      string
}

// SweepPage is what applying one page did.
type SweepPage struct {
	Scanned, Reminders90, Reminders30, Reminders7, Expired int64
	// Next is the position after the page (nil when the page was empty: the sweep is done).
	Next *SweepCursor
	// Replayed is set when the page had already been applied (a retried activity): nothing
	// was done again, and Next is where the sweep stands.
	Replayed bool
}

// ReminderHorizon is the largest reminder window in days: registrations further from their
// valid_to need nothing from a sweep, so a sweep reads only up to as_of + ReminderHorizon.
const ReminderHorizon = 90

// sweepPageSQL applies one page in one statement, set-based: it reads the next page of active
// registrations by (valid_to, id) up to the horizon; expires those past valid_to without an
// open submitted renewal case; claims the reminder of the smallest window each remaining one
// is in, unless the same or a smaller window was already claimed for this valid_to; and
// reports the counts and the page's last position. The verbs are the horizon and the keyset
// condition; the placeholders as_of, as_of, the keyset's values (if any), limit, sweep id.
const sweepPageSQL = `
WITH page AS (
	SELECT r.id, r.valid_to, r.valid_to - CAST(? AS date) AS days_left
	FROM registrations r
	WHERE r.status = 'active' AND r.valid_to <= CAST(? AS date) + %d %s
	ORDER BY r.valid_to, r.id
	LIMIT ?
), expired AS (
	-- by primary key (= ANY): a join with the page may plan a scan of the whole table
	UPDATE registrations r SET status = 'expired'
	WHERE r.status = 'active' AND r.id = ANY(ARRAY(
		SELECT p.id FROM page p
		WHERE p.days_left < 0
		  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.registration_id = p.id
		                  AND c.type = 'renewal' AND c.status = 'open' AND c.submitted)))
	RETURNING r.id
), due AS (
	SELECT p.id, p.valid_to, CASE WHEN p.days_left <= 7 THEN 7 WHEN p.days_left <= 30 THEN 30 ELSE 90 END AS w
	FROM page p
	WHERE p.days_left >= 0
), claimed AS (
	INSERT INTO expiry_reminders (registration_id, window_days, valid_to, sweep_id)
	SELECT d.id, d.w, d.valid_to, ?
	FROM due d
	WHERE NOT EXISTS (SELECT 1 FROM expiry_reminders e
	                  WHERE e.registration_id = d.id AND e.valid_to = d.valid_to AND e.window_days <= d.w)
	ON CONFLICT DO NOTHING
	RETURNING window_days
), last AS (
	SELECT valid_to, id FROM page ORDER BY valid_to DESC, id DESC LIMIT 1
)
SELECT (SELECT count(*) FROM page) AS scanned,
	(SELECT count(*) FROM expired) AS expired,
	(SELECT count(*) FROM claimed WHERE window_days = 90) AS reminders_90,
	(SELECT count(*) FROM claimed WHERE window_days = 30) AS reminders_30,
	(SELECT count(*) FROM claimed WHERE window_days = 7) AS reminders_7,
	(SELECT to_char(valid_to, 'YYYY-MM-DD') FROM last) AS last_valid_to,
	(SELECT id FROM last) AS last_id`

// sweepPageRow is the answer of sweepPageSQL.
type sweepPageRow struct {
	Scanned     int64          `bun:"scanned"`
	Expired     int64          `bun:"expired"`
	Reminders90 int64          `bun:"reminders_90"`
	Reminders30 int64          `bun:"reminders_30"`
	Reminders7  int64          `bun:"reminders_7"`
	LastValidTo sql.NullString `bun:"last_valid_to"`
	LastID      sql.NullString `bun:"last_id"`
}

// ApplySweepPage applies the page of sweep id that starts after `after` (nil: the first page),
// at most limit registrations, and adds its counts to the sweep, in one transaction. It is
// idempotent: when the sweep already stands past `after` (a retry of a page that committed),
// it changes nothing and reports where the sweep stands.
func (s *Store) ApplySweepPage(ctx context.Context, id string, asOf time.Time, after *SweepCursor, limit int) (SweepPage, error) {
	var out SweepPage
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		sw := new(Sweep)
		if err := tx.NewSelect().Model(sw).Where("s.id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			return notFound(err)
		}
		if !sameCursor(sw, after) {
			out = SweepPage{Next: &SweepCursor{ValidTo: *sw.CursorValidTo, ID: *sw.CursorID}, Replayed: true}
			return nil
		}
		day := asOf.Format(time.DateOnly)
		keyset, args := "", []any{day, day}
		if after != nil {
			keyset = "AND (r.valid_to, r.id) > (CAST(? AS date), CAST(? AS uuid))"
			args = append(args, after.ValidTo.Format(time.DateOnly), after.ID)
		}
		args = append(args, limit, id)
		var row sweepPageRow
		if err := tx.NewRaw(fmt.Sprintf(sweepPageSQL, ReminderHorizon, keyset), args...).Scan(ctx, &row); err != nil {
			return err
		}
		out = SweepPage{Scanned: row.Scanned, Expired: row.Expired, Reminders90: row.Reminders90,
			Reminders30: row.Reminders30, Reminders7: row.Reminders7}
		upd := tx.NewUpdate().Model((*Sweep)(nil)).
			Set("scanned = s.scanned + ?, expired = s.expired + ?", row.Scanned, row.Expired).
			Set("reminders_90 = s.reminders_90 + ?, reminders_30 = s.reminders_30 + ?, reminders_7 = s.reminders_7 + ?",
				row.Reminders90, row.Reminders30, row.Reminders7).
			Set("pages = s.pages + 1").
			Where("s.id = ?", id)
		if row.LastID.Valid {
			validTo, err := time.Parse(time.DateOnly, row.LastValidTo.String)
			if err != nil {
				return err
			}
			out.Next = &SweepCursor{ValidTo: validTo, ID: row.LastID.String}
			upd = upd.Set("cursor_valid_to = ?, cursor_id = ?", out.Next.ValidTo.Format(time.DateOnly), out.Next.ID)
		}
		_, err := upd.Exec(ctx)
		return err
	})
	return out, err
}

// sameCursor reports whether the sweep stands at after (nil: before its first page).
func sameCursor(sw *Sweep, after *SweepCursor) bool {
	if sw.CursorID == nil || sw.CursorValidTo == nil {
		return after == nil
	}
	return after != nil && after.ID == *sw.CursorID && after.ValidTo.Format(time.DateOnly) == sw.CursorValidTo.Format(time.DateOnly)
}
