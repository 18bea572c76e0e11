package bench

import (
	"context"
	"time"
)

// dbWrites is a snapshot of PostgreSQL's counters for the certflow database: committed
// transactions, rows written (inserted, updated, deleted), and timeline entries.
type dbWrites struct {
	commits, rows, events int64
}

// snapshotWrites reads the counters. The statistics are flushed by each backend shortly after
// its transactions, so a snapshot after a run waits a moment first.
func snapshotWrites(ctx context.Context) (dbWrites, error) {
	var w dbWrites
	time.Sleep(1500 * time.Millisecond)
	if _, err := sys.Store.DB.NewRaw("SELECT pg_stat_force_next_flush()").Exec(ctx); err != nil {
		return w, err
	}
	err := sys.Store.DB.NewRaw(`SELECT xact_commit, tup_inserted + tup_updated + tup_deleted,
		(SELECT count(*) FROM case_events) FROM pg_stat_database WHERE datname = current_database()`).
		Scan(ctx, &w.commits, &w.rows, &w.events)
	return w, err
}

// perTransition divides the writes between two snapshots by the timeline entries written.
func perTransition(before, after dbWrites) (commits, rows float64) {
	n := float64(after.events - before.events)
	if n == 0 {
		return 0, 0
	}
	return float64(after.commits-before.commits) / n, float64(after.rows-before.rows) / n
}
