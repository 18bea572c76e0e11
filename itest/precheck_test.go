package itest

import (
	"context"
	"strings"
	"testing"
	"time"

	"certflow/domain"
	"certflow/store"
)

// TestPrecheckOverHTTP checks both pre-check outcomes on real data: missing evidence returns
// the case to the filer, and a blocking bad record rejects it naming the rule.
func TestPrecheckOverHTTP(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	w.ent.act(id, domain.ActionSubmit, "").expect(t, 202)
	c := w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
	if c["sla"].(map[string]any)["due_at"] == nil || c["assignee_role"] != "enterprise" {
		t.Fatalf("supplement without a reply deadline for the filer: sla %v, assignee %v", c["sla"], c["assignee_role"])
	}
	events := c["events"].([]any)
	last := events[len(events)-1].(map[string]any)
	if last["action"] != "precheck_returned" || !strings.Contains(last["comment"].(string), "labour_contract") {
		t.Fatalf("returned without naming the missing evidence: %v", last)
	}

	if err := sys.Store.AddBadRecord(context.Background(), &store.BadRecord{PractitionerID: w.pracID,
		Rule: "revoked_recently", Reason: "registration revoked (吊销) in 2025", BlocksUntil: time.Now().AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	w.ent.upload(id, "qualification_certificate", "cert.pdf", pdfBytes(500)).expect(t, 201)
	w.ent.upload(id, "labour_contract", "contract.jpg", jpegBytes(t)).expect(t, 201)
	w.ent.act(id, domain.ActionSupplement, "all evidence uploaded").expect(t, 202)
	c = w.ent.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	events = c["events"].([]any)
	last = events[len(events)-1].(map[string]any)
	if last["action"] != "precheck_refused" || !strings.Contains(last["comment"].(string), "revoked_recently") {
		t.Fatalf("rejected without naming the rule: %v", last)
	}
}
