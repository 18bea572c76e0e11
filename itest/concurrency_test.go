package itest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"certflow/domain"
)

// TestOneActiveRegistrationUnderConcurrentCases drives two cases for one person at the same
// time; the database's partial unique index lets exactly one registration become active.
func TestOneActiveRegistrationUnderConcurrentCases(t *testing.T) {
	w := newWorld(t)
	ids := []string{w.fileCase(t, w.ent, "first")["id"].(string), w.fileCase(t, w.ent, "second")["id"].(string)}
	for _, id := range ids {
		w.uploadAll(t, w.ent, id)
	}
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func(id string, ministry caller) {
			defer wg.Done()
			w.ent.act(id, domain.ActionSubmit, "")
			w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
			w.provincial.act(id, domain.ActionApprove, "")
			ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
			ministry.act(id, domain.ActionApprove, "")
		}(id, as(t, domain.RoleMinistryReviewer, "ministry-"+string(rune('x'+i))))
	}
	wg.Wait()
	statuses := map[string]int{}
	for _, id := range ids {
		c := w.ent.waitCase(id, "closed", stageIs(domain.StageClosed))
		statuses[c["status"].(string)]++
		if c["status"] == "rejected" {
			recordHistory(t, id, "registration_rejected_already_registered")
			events := c["events"].([]any)
			last := events[len(events)-1].(map[string]any)
			if !strings.Contains(last["comment"].(string), "already_registered") {
				t.Fatalf("second case rejected for another reason: %v", last)
			}
		}
	}
	if statuses["approved"] != 1 || statuses["rejected"] != 1 {
		t.Fatalf("outcomes %v, want one approved and one rejected", statuses)
	}
	n, err := sys.Store.ActiveRegistrations(context.Background(), w.pracID)
	if err != nil || n != 1 {
		t.Fatalf("active registrations %d (%v), want 1", n, err)
	}
}

// TestDecisionAcceptedWhileNoWorkerRunsIsNotLost stops the worker, sends a decision, and
// checks the case applies it once a worker is back.
func TestDecisionAcceptedWhileNoWorkerRunsIsNotLost(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created event", func(m map[string]any) bool { return len(m["events"].([]any)) >= 1 })
	sys.Worker.Stop()
	restarted := false
	defer func() {
		if !restarted {
			_ = sys.StartWorker()
		}
	}()
	r := w.ent.act(id, domain.ActionWithdraw, "changed plans").expect(t, 202).json(t)
	if d := r["decision"].(map[string]any); d["outcome"] != "pending" {
		t.Fatalf("with no worker the decision cannot be recorded yet, got %v", d["outcome"])
	}
	if err := sys.StartWorker(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	c := w.ent.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
	if c["stage"] != "closed" {
		t.Fatalf("case %v", summary(c))
	}
	recordHistory(t, id, "registration_withdrawn")
}
