package itest

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"certflow/api"
	"certflow/audit"
	"certflow/domain"
	"certflow/store"
	"certflow/store/migrations"
)

// caseEvidence files a case with its evidence and returns the case id and one evidence id.
func caseEvidence(t *testing.T, w *world) (string, string) {
	t.Helper()
	id := w.fileCase(t, w.ent, "")["id"].(string)
	r := w.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	return id, r.json(t)["id"].(string)
}

// auditRows lists the audit log as an admin, filtered by actor and action.
func auditRows(t *testing.T, actor, action string) []any {
	t.Helper()
	admin := as(t, domain.RoleAdmin, "admin-audit")
	q := url.Values{"actor": {actor}, "action": {action}}
	return admin.get("/api/v1/audit?"+q.Encode()).expect(t, 200).json(t)["items"].([]any)
}

// TestAuditLogScope: admins and supervisors read the audit log, other roles get 403.
func TestAuditLogScope(t *testing.T) {
	t.Parallel()
	for role, want := range map[domain.Role]int{
		domain.RoleAdmin: 200, domain.RoleSupervisor: 200, domain.RoleApplicant: 403, domain.RoleEnterprise: 403,
		domain.RoleProvincialReviewer: 403, domain.RoleMinistryReviewer: 403, domain.RoleInvestigator: 403,
	} {
		var opts []func(*api.Claims)
		switch role {
		case domain.RoleEnterprise:
			opts = append(opts, enterprise("91110108MA01ABCDEN"))
		case domain.RoleApplicant:
			opts = append(opts, practitioner(newResidentID(t)))
		case domain.RoleProvincialReviewer:
			opts = append(opts, province("21"))
		}
		as(t, role, "audit-scope-"+string(role), opts...).get("/api/v1/audit").expect(t, want)
	}
	admin := as(t, domain.RoleAdmin, "admin-audit")
	admin.get("/api/v1/audit?from=yesterday").problem(t, 422, "invalid_input")
	admin.get("/api/v1/audit?cursor=bm90LWEtbnVtYmVy").problem(t, 422, "invalid_input")
}

// TestAuditRecordsDownloadsAndStaffViews: a download and a staff view of a practitioner's
// record are audited, with ids only; the person's enterprise viewing it is not.
func TestAuditRecordsDownloadsAndStaffViews(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	caseID, evID := caseEvidence(t, w)
	w.ent.get("/api/v1/cases/"+caseID+"/evidence/"+evID).expect(t, 200)
	entSub := "ent-user-" + w.uscc
	rows := auditRows(t, entSub, audit.ActionEvidenceDownloaded)
	if len(rows) != 1 {
		t.Fatalf("download audit rows = %v, want 1", rows)
	}
	row := rows[0].(map[string]any)
	if row["target"] != "case/"+caseID+"/evidence/"+evID || row["actor_role"] != "enterprise" ||
		row["outcome"] != "success" || row["address"] == "" || len(row["hash"].(string)) != 64 {
		t.Fatalf("download audit row = %v", row)
	}

	staffSub := "ministry-audit-" + w.uscc
	as(t, domain.RoleMinistryReviewer, staffSub).get("/api/v1/practitioners/"+w.pracID).expect(t, 200)
	rows = auditRows(t, staffSub, audit.ActionPractitionerViewed)
	if len(rows) != 1 || rows[0].(map[string]any)["target"] != "practitioner/"+w.pracID {
		t.Fatalf("staff view audit rows = %v", rows)
	}
	w.ent.get("/api/v1/practitioners/"+w.pracID).expect(t, 200)
	if rows := auditRows(t, entSub, audit.ActionPractitionerViewed); len(rows) != 0 {
		t.Fatalf("an enterprise's view was audited: %v", rows)
	}
}

// TestAuditChainsDoNotForkUnderConcurrentInserts writes audit rows and timeline events of one
// case from many connections at once; every chain still verifies. It runs before the test that
// breaks the audit chain on purpose (neither is parallel).
func TestAuditChainsDoNotForkUnderConcurrentInserts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	caseID, _ := caseEvidence(t, w)
	var wg sync.WaitGroup
	errs := make(chan error, 80)
	for i := range 40 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- audit.New(sys.Store.DB).Record(ctx, audit.Event{Actor: "chain-test", Action: "test.concurrent",
				Target: "case/" + caseID, Address: "127.0.0.1"})
		}()
		go func() {
			defer wg.Done()
			_, err := sys.Store.DB.NewInsert().Model(&store.CaseEvent{CaseID: caseID, Key: fmt.Sprintf("chain-test-%d", i),
				ActorSub: "chain-test", Action: "comment", FromStage: "draft", ToStage: "draft", EvidenceIDs: []string{}, At: time.Now()}).Exec(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := audit.Verify(ctx, sys.Store.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaks) != 0 {
		t.Fatalf("chains broken by concurrent inserts: %+v", r.Breaks)
	}
	d := w.ent.get("/api/v1/cases/"+caseID).expect(t, 200).json(t)
	if d["timeline_verified"] != true || len(d["events"].([]any)) < 41 {
		t.Fatalf("timeline_verified = %v with %d events", d["timeline_verified"], len(d["events"].([]any)))
	}
}

// TestAuditVerifyCatchesEditedRows edits a timeline event and an audit row in PostgreSQL
// (past the append-only triggers) and proves the verification names both and the case view
// reports its timeline unverified.
func TestAuditVerifyCatchesEditedRows(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	caseID, evID := caseEvidence(t, w)
	w.ent.get("/api/v1/cases/"+caseID+"/evidence/"+evID).expect(t, 200)
	if v := w.ent.get("/api/v1/cases/"+caseID).expect(t, 200).json(t)["timeline_verified"]; v != true {
		t.Fatalf("timeline_verified = %v before any edit", v)
	}
	r, err := audit.Verify(ctx, sys.Store.DB)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaks) != 0 || r.AuditRows == 0 || r.Events == 0 {
		t.Fatalf("verify before any edit: %+v", r)
	}

	var eventID, auditID int64
	if err := sys.Store.DB.NewRaw(`SELECT max(id) FROM case_events WHERE case_id = ?`, caseID).Scan(ctx, &eventID); err != nil {
		t.Fatal(err)
	}
	if err := sys.Store.DB.NewRaw(`SELECT max(id) FROM audit_log WHERE target = ?`, "case/"+caseID+"/evidence/"+evID).Scan(ctx, &auditID); err != nil {
		t.Fatal(err)
	}
	// The append-only triggers refuse the edit...
	if _, err := sys.Store.DB.ExecContext(ctx, `UPDATE audit_log SET outcome = 'failure' WHERE id = ?`, auditID); err == nil {
		t.Fatal("audit_log accepted an update")
	}
	// ...so the tamperer disables them in their own transaction.
	tx, err := sys.Store.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SET LOCAL session_replication_role = replica`,
		`UPDATE case_events SET comment = 'nothing to see' WHERE id = ?`,
		`UPDATE audit_log SET outcome = 'failure' WHERE id = ?`} {
		var args []any
		switch {
		case q[7:18] == "case_events":
			args = []any{eventID}
		case q[7:16] == "audit_log":
			args = []any{auditID}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			_ = tx.Rollback()
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	if v := w.ent.get("/api/v1/cases/"+caseID).expect(t, 200).json(t)["timeline_verified"]; v != false {
		t.Fatalf("timeline_verified = %v after an edit", v)
	}
	if r, err = audit.Verify(ctx, sys.Store.DB); err != nil {
		t.Fatal(err)
	}
	want := map[audit.Break]bool{
		{Table: "case_events", ID: eventID, CaseID: caseID, Reason: "hash does not match the row's content"}: false,
		{Table: "audit_log", ID: auditID, Reason: "hash does not match the row's content"}:                   false,
	}
	for _, b := range r.Breaks {
		if _, ok := want[b]; ok {
			want[b] = true
		}
	}
	for b, found := range want {
		if !found {
			t.Errorf("verify did not name %s; breaks: %+v", b.String(), r.Breaks)
		}
	}
}

// TestAuditMigrationBackfillsChains undoes and redoes the audit migration on the suite's data,
// inside a transaction it rolls back: the existing timelines come out chained and verified.
func TestAuditMigrationBackfillsChains(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	caseEvidence(t, w)
	tx, err := sys.Store.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, name := range []string{"20261126000005_audit.down.sql", "20261126000005_audit.up.sql"} {
		sql, err := migrations.Files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, string(sql)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	r, err := audit.Verify(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Breaks) != 0 || r.Events == 0 || r.Cases == 0 {
		t.Fatalf("after the backfill: %+v", r)
	}
}
