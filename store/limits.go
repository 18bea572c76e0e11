package store

import (
	"context"
	"time"
)

// Counters of failed sign-ins and of requests per client address live in auth_rate_limits, so
// every API replica agrees. A key counts events in a window; reaching the limit locks the key
// until a time.

// LockedUntil reports until when a key is locked (zero when it is not, at now).
func (s *Store) LockedUntil(ctx context.Context, key string, now time.Time) (time.Time, error) {
	var until []time.Time
	err := s.DB.NewRaw("SELECT locked_until FROM auth_rate_limits WHERE key = ? AND locked_until > ?", key, now).Scan(ctx, &until)
	if err != nil || len(until) == 0 {
		return time.Time{}, err
	}
	return until[0], nil
}

// CountEvent counts one event of a key in a window starting at its first event; when the count
// reaches limit the key is locked for lock (the count starts over after the lock). It returns
// until when the key is locked (zero when it is not).
func (s *Store) CountEvent(ctx context.Context, key string, now time.Time, window time.Duration, limit int, lock time.Duration) (time.Time, error) {
	var until []time.Time
	err := s.DB.NewRaw(`INSERT INTO auth_rate_limits AS r (key, count, window_start, locked_until)
		VALUES (?0, 1, ?1, CASE WHEN 1 >= ?3 THEN ?1::timestamptz + ?4 * interval '1 second' END)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN r.window_start <= ?1::timestamptz - ?2 * interval '1 second' OR r.locked_until <= ?1 THEN 1 ELSE r.count + 1 END,
			window_start = CASE WHEN r.window_start <= ?1::timestamptz - ?2 * interval '1 second' OR r.locked_until <= ?1 THEN ?1 ELSE r.window_start END,
			locked_until = CASE
				WHEN r.locked_until > ?1 THEN r.locked_until
				WHEN (CASE WHEN r.window_start <= ?1::timestamptz - ?2 * interval '1 second' OR r.locked_until <= ?1 THEN 1 ELSE r.count + 1 END) >= ?3
					THEN ?1::timestamptz + ?4 * interval '1 second'
				END
		RETURNING coalesce(locked_until, 'epoch'::timestamptz)`,
		key, now, window.Seconds(), limit, lock.Seconds()).Scan(ctx, &until)
	if err != nil || len(until) == 0 || !until[0].After(now) {
		return time.Time{}, err
	}
	return until[0], nil
}

// ClearEvents forgets a key's count (after a successful sign-in).
func (s *Store) ClearEvents(ctx context.Context, key string) error {
	_, err := s.DB.NewRaw("DELETE FROM auth_rate_limits WHERE key = ? AND (locked_until IS NULL OR locked_until <= now())", key).Exec(ctx)
	return err
}
