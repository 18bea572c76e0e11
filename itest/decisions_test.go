package itest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"certflow/domain"
)

// TestRepeatedActionGivesTheSameReceipt: a retried action with one Idempotency-Key is one
// decision; the key reused for another action is refused.
func TestRepeatedActionGivesTheSameReceipt(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	body := map[string]any{"action": "request_supplement", "comment": "请补充劳动合同"}
	first := w.provincial.postJSON("/api/v1/cases/"+id+"/actions", body, "Idempotency-Key", "click-1").expect(t, 202)
	second := w.provincial.postJSON("/api/v1/cases/"+id+"/actions", body, "Idempotency-Key", "click-1").expect(t, 202)
	d1, d2 := first.json(t)["decision"].(map[string]any), second.json(t)["decision"].(map[string]any)
	if d1["id"] != d2["id"] || d1["accepted_at"] != d2["accepted_at"] {
		t.Fatalf("the same key gave two receipts: %v / %v", d1, d2)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the replayed answer does not say so")
	}
	c := w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
	n := 0
	for _, e := range c["events"].([]any) {
		if strings.HasSuffix(e.(map[string]any)["action"].(string), "request_supplement") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d request_supplement entries on the timeline, want 1", n)
	}
	w.provincial.postJSON("/api/v1/cases/"+id+"/actions", map[string]any{"action": "reject", "comment": "x"},
		"Idempotency-Key", "click-1").problem(t, 422, "idempotency_key_reused")
	// Another reviewer's identical key is their own.
	other := as(t, domain.RoleProvincialReviewer, "prov-21-b", province("21"))
	other.postJSON("/api/v1/cases/"+id+"/actions", body, "Idempotency-Key", "click-1").problem(t, 409, "wrong_stage")
}

// TestDecisionOnAStaleViewIsRefused: If-Match carries the version the reviewer saw.
func TestDecisionOnAStaleViewIsRefused(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	view := w.provincial.get("/api/v1/cases/"+id).expect(t, 200)
	tag := view.Header.Get("ETag")
	if tag == "" || !strings.HasPrefix(tag, `"`) {
		t.Fatalf("case view ETag %q", tag)
	}
	// The applicant side adds evidence: the reviewer's view is now stale.
	w.ent.upload(id, "other", "late.pdf", pdfBytes(300)).expect(t, 201)
	w.provincial.postJSON("/api/v1/cases/"+id+"/actions", map[string]any{"action": "approve"}, "If-Match", tag).
		problem(t, 412, "stale_version")
	fresh := w.provincial.get("/api/v1/cases/"+id).expect(t, 200)
	if fresh.Header.Get("ETag") == tag {
		t.Fatal("an upload did not change the case's version")
	}
	r := w.provincial.postJSON("/api/v1/cases/"+id+"/actions", map[string]any{"action": "approve"},
		"If-Match", fresh.Header.Get("ETag")).expect(t, 202)
	if r.Header.Get("ETag") == "" {
		t.Fatal("the action answer has no ETag")
	}
}

// TestSupplementMustSupplySomething: a bare supplement is refused; new evidence or a comment
// is accepted, and the new evidence is attached to the decision.
func TestSupplementMustSupplySomething(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	w.provincial.act(id, domain.ActionRequestSupplement, "请补充").expect(t, 202)
	c := w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
	sla := c["sla"].(map[string]any)
	if sla["paused"] != true || sla["clock"] != "supplement" || sla["due_at"] == nil {
		t.Fatalf("supplement stage sla %v, want paused with the supplement clock", sla)
	}
	w.ent.act(id, domain.ActionSupplement, "").problem(t, 422, domain.CodeNothingSupplied)
	ev := w.ent.upload(id, "labour_contract", "new.pdf", pdfBytes(400)).expect(t, 201).json(t)
	r := w.ent.act(id, domain.ActionSupplement, "").expect(t, 202).json(t)
	if r["stage"] == "supplement" && r["decision"].(map[string]any)["outcome"] == "refused" {
		t.Fatalf("supplement with new evidence refused: %v", summary(r))
	}
	c = w.provincial.waitCase(id, "back to review", stageIs(domain.StageProvincialReview))
	found := false
	for _, e := range c["events"].([]any) {
		m := e.(map[string]any)
		if m["action"] == "supplement" {
			for _, eid := range m["evidence_ids"].([]any) {
				found = found || eid == ev["id"]
			}
		}
	}
	if !found {
		t.Fatalf("the supplement does not reference the new evidence: %v", summary(c))
	}
}

// TestPublicNoticesAndObjectionsByNumber: outsiders find the notice without a case id and
// object by number; the answer shows nothing else of the case.
func TestPublicNoticesAndObjectionsByNumber(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	c := w.ent.waitCase(id, "notice", stageIs(domain.StagePublicNotice))
	number := c["number"].(string)
	var notice map[string]any
	for cursor, pages := "", 0; notice == nil && pages < 50; pages++ {
		list := (caller{t: t}).get("/api/v1/public/notices?limit=100&cursor="+cursor).expect(t, 200).json(t)
		for _, it := range list["items"].([]any) {
			if m := it.(map[string]any); m["number"] == number {
				notice = m
			}
		}
		if cursor, _ = list["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if notice == nil {
		t.Fatal("the case under notice is not in the public list")
	}
	if notice["id_number_masked"] != w.idNumber[:6]+"********"+w.idNumber[14:] || notice["name"] != "李娜" {
		t.Fatalf("notice %v", notice)
	}
	outsider := newWorld(t).ent
	outsider.get("/api/v1/cases/"+id).problem(t, 404, "not_found")
	outsider.act(id, domain.ActionObject, "挂证嫌疑").problem(t, 404, "not_found")
	(caller{t: t}).postJSON("/api/v1/public/notices/"+number+"/objections", map[string]any{"comment": "x"}).
		problem(t, 401, "unauthenticated")
	r := outsider.postJSON("/api/v1/public/notices/"+number+"/objections", map[string]any{"comment": "挂证嫌疑"}).expect(t, 202)
	m := r.json(t)
	if len(m) != 3 || m["number"] != number || m["decision"] == nil || m["stage"] == nil {
		t.Fatalf("objection answer shows more than the receipt: %s", r.Body)
	}
	if strings.Contains(string(r.Body), w.pracID) || strings.Contains(string(r.Body), id) {
		t.Fatalf("objection answer leaks case internals: %s", r.Body)
	}
	w.provincial.waitCase(id, "objection review", stageIs(domain.StageObjectionReview))
	outsider.postJSON("/api/v1/public/notices/"+number+"/objections", map[string]any{"comment": "again"}).
		problem(t, 404, "not_found")
	outsider.postJSON("/api/v1/public/notices/REG-1999-000000/objections", map[string]any{"comment": "x"}).
		problem(t, 404, "not_found")
}

// TestDeadlinesShowBeijingTime: sla.due_at carries +08:00 and names its clock.
func TestDeadlinesShowBeijingTime(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	c := w.provincial.get("/api/v1/cases/"+id).expect(t, http.StatusOK).json(t)
	sla := c["sla"].(map[string]any)
	due, _ := sla["due_at"].(string)
	if !strings.HasSuffix(due, "+08:00") || sla["clock"] != "review" || sla["paused"] != false {
		t.Fatalf("review sla %v", sla)
	}
	list := w.provincial.get("/api/v1/cases?stuck=false&limit=5").expect(t, 200).json(t)
	if len(list["items"].([]any)) == 0 {
		t.Fatal("stuck=false listed nothing")
	}
}

// TestWaitingForACaseToChange: a long poll answers as soon as the case changes, 304 when the
// wait ends without a change; If-None-Match with the current ETag answers 304.
func TestWaitingForACaseToChange(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created", func(m map[string]any) bool { return len(m["events"].([]any)) >= 1 })
	view := w.ent.get("/api/v1/cases/"+id).expect(t, 200)
	version := int(view.json(t)["version"].(float64))
	w.ent.send(http.MethodGet, "/api/v1/cases/"+id, "", nil, "If-None-Match", view.Header.Get("ETag")).expect(t, 304)

	done := make(chan response, 1)
	start := time.Now()
	go func() {
		done <- w.ent.get(fmt.Sprintf("/api/v1/cases/%s?after=%d&wait=20s", id, version))
	}()
	time.Sleep(300 * time.Millisecond)
	w.ent.upload(id, "other", "x.pdf", pdfBytes(200)).expect(t, 201)
	r := <-done
	if r.Status != 200 || int(r.json(t)["version"].(float64)) <= version {
		t.Fatalf("long poll answered %d: %s", r.Status, r.Body)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("the long poll answered after %v, not when the case changed", took)
	}
	latest := int(r.json(t)["version"].(float64))
	start = time.Now()
	w.ent.get(fmt.Sprintf("/api/v1/cases/%s?after=%d&wait=1s", id, latest)).expect(t, 304)
	if took := time.Since(start); took < 900*time.Millisecond {
		t.Fatalf("a wait without a change ended after %v", took)
	}
	w.ent.get("/api/v1/cases/"+id+"?after=1&wait=2m").problem(t, 422, "invalid_input")
	w.ent.get("/api/v1/cases/"+id+"?wait=5s").problem(t, 422, "invalid_input")
}
