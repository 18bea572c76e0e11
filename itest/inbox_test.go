package itest

import (
	"fmt"
	"testing"
	"time"

	"certflow/domain"
)

// inboxItem finds the notification of a kind about a case in a caller's inbox.
func inboxItem(c caller, caseID, kind string) map[string]any {
	c.t.Helper()
	for _, it := range c.get("/api/v1/notifications?limit=100").expect(c.t, 200).json(c.t)["items"].([]any) {
		m := it.(map[string]any)
		if m["case_id"] == caseID && m["kind"] == kind {
			return m
		}
	}
	return nil
}

// TestInboxShowsEachRecipientTheirNotifications: the enterprise confirming an applicant's case
// gets the SLA reminder in its inbox, marks it read; other enterprises and other roles never
// see it.
func TestInboxShowsEachRecipientTheirNotifications(t *testing.T) {
	w, other := newWorld(t), newWorld(t)
	id := w.submitted(t, w.applicant, domain.StageEnterpriseConfirmation)
	var note map[string]any
	for deadline := time.Now().Add(20 * time.Second); note == nil; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no SLA reminder reached the enterprise's inbox")
		}
		note = inboxItem(w.ent, id, "sla_reminder")
	}
	if note["read_at"] != nil || note["registration_number"] != nil {
		t.Fatalf("new reminder %v", note)
	}
	for name, c := range map[string]caller{"another enterprise": other.ent, "the provincial reviewer": w.provincial,
		"the applicant": w.applicant, "the supervisor": as(t, domain.RoleSupervisor, "sup-1")} {
		if inboxItem(c, id, "sla_reminder") != nil {
			t.Fatalf("%s sees the enterprise's reminder", name)
		}
	}
	path := fmt.Sprintf("/api/v1/notifications/%d/read", int64(note["id"].(float64)))
	other.ent.postJSON(path, map[string]any{}).problem(t, 404, "not_found")
	read := w.ent.postJSON(path, map[string]any{}).expect(t, 200).json(t)
	if read["read_at"] == nil {
		t.Fatalf("marked read: %v", read)
	}
	if again := inboxItem(w.ent, id, "sla_reminder"); again["read_at"] != read["read_at"] {
		t.Fatalf("the inbox shows read_at %v, want %v", again["read_at"], read["read_at"])
	}
	w.ent.postJSON("/api/v1/notifications/0/read", map[string]any{}).problem(t, 404, "not_found")
	w.ent.get("/api/v1/notifications?cursor=bad").problem(t, 422, "invalid_input")
}
