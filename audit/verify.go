package audit

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"certflow/store"
)

// Break is a row whose chain does not recompute: the first broken row of its chain.
type Break struct {
	Table string
	ID    int64
	// CaseID names the case of a broken timeline ("" for the audit log).
	CaseID string
	Reason string
}

func (b *Break) String() string {
	if b.CaseID != "" {
		return fmt.Sprintf("%s row %d (case %s): %s", b.Table, b.ID, b.CaseID, b.Reason)
	}
	return fmt.Sprintf("%s row %d: %s", b.Table, b.ID, b.Reason)
}

// Report is what Verify walked and the first broken row of each broken chain.
type Report struct {
	AuditRows, Cases, Events int
	Breaks                   []Break
}

// batch is how many rows Verify reads per query.
const batch = 5000

// Verify walks the audit log and every case timeline in id order, recomputing each row's hash.
func Verify(ctx context.Context, db bun.IDB) (*Report, error) {
	r := &Report{}
	if err := verifyLog(ctx, db, r); err != nil {
		return nil, err
	}
	if err := verifyTimelines(ctx, db, r); err != nil {
		return nil, err
	}
	return r, nil
}

func verifyLog(ctx context.Context, db bun.IDB, r *Report) error {
	prev, after, broken := Genesis, int64(0), false
	for {
		var rows []Entry
		err := db.NewSelect().Table("audit_log").Column("id", "at", "actor", "actor_role", "address", "action",
			"target", "outcome", "prev_hash", "hash").Where("id > ?", after).OrderExpr("id").Limit(int64(batch)).Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		for i := range rows {
			e := &rows[i]
			r.AuditRows++
			if b := check("audit_log", e.ID, "", prev, e.PrevHash, e.Hash, e.Content()); b != nil && !broken {
				r.Breaks, broken = append(r.Breaks, *b), true
			}
			prev, after = e.Hash, e.ID
		}
		if len(rows) < batch {
			return nil
		}
	}
}

func verifyTimelines(ctx context.Context, db bun.IDB, r *Report) error {
	var (
		afterCase = "00000000-0000-0000-0000-000000000000"
		afterID   int64
		cur       string
		events    []store.CaseEvent
	)
	flush := func() {
		if len(events) == 0 {
			return
		}
		r.Cases++
		if b := VerifyTimeline(events); b != nil {
			r.Breaks = append(r.Breaks, *b)
		}
		events = events[:0]
	}
	for {
		var rows []store.CaseEvent
		err := db.NewSelect().Table("case_events").Column("id", "key", "actor_sub", "actor_role", "action",
			"from_stage", "to_stage", "comment", "evidence_ids", "at", "prev_hash", "hash").
			ColumnExpr("case_id::text AS case_id").
			Where("(case_id, id) > (?::uuid, ?)", afterCase, afterID).OrderExpr("case_id, id").Limit(int64(batch)).Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("case timelines: %w", err)
		}
		for _, e := range rows {
			r.Events++
			if e.CaseID != cur {
				flush()
				cur = e.CaseID
			}
			events = append(events, e)
			afterCase, afterID = e.CaseID, e.ID
		}
		if len(rows) < batch {
			flush()
			return nil
		}
	}
}
