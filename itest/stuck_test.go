package itest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"certflow/domain"
)

// failWrites makes every timeline write of one case fail in the database with the SQLSTATE
// given (40001 is one retrying can fix; P0001 one it cannot), until the returned func is called.
func failWrites(t *testing.T, caseID, sqlstate string) (stop func()) {
	t.Helper()
	ctx := context.Background()
	name := "inject_" + strings.ReplaceAll(caseID, "-", "")
	stmts := []string{
		fmt.Sprintf(`CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'injected failure' USING ERRCODE = '%s'; END $$`, name, sqlstate),
		fmt.Sprintf(`CREATE TRIGGER %s BEFORE INSERT ON case_events FOR EACH ROW
			WHEN (NEW.case_id = '%s' AND NEW.key LIKE 'wf-%%' OR NEW.case_id = '%s' AND NEW.key LIKE 'd-%%')
			EXECUTE FUNCTION %s()`, name, caseID, caseID, name),
	}
	for _, s := range stmts {
		if _, err := sys.Store.DB.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		for _, s := range []string{"DROP TRIGGER " + name + " ON case_events", "DROP FUNCTION " + name + "()"} {
			if _, err := sys.Store.DB.ExecContext(ctx, s); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return stop
}

// TestFailingWriteFlagsTheCaseStuck injects a write failure that retrying could fix: after a
// few attempts the case is flagged stuck (list filter, metric, supervisor notification), and
// it clears once the write goes through.
func TestFailingWriteFlagsTheCaseStuck(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created", func(m map[string]any) bool { return len(m["events"].([]any)) >= 1 })
	stop := failWrites(t, id, "40001")
	w.ent.act(id, domain.ActionWithdraw, "").expect(t, 202)
	deadline := time.Now().Add(90 * time.Second)
	for {
		c := w.ent.get("/api/v1/cases/"+id).expect(t, 200).json(t)
		if c["stuck"] == true {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("case never flagged stuck: %v", summary(c))
		}
		time.Sleep(time.Second)
	}
	listed := false
	for _, it := range w.ent.get("/api/v1/cases?stuck=true&limit=100").expect(t, 200).json(t)["items"].([]any) {
		listed = listed || it.(map[string]any)["id"] == id
	}
	if !listed {
		t.Fatal("stuck=true does not list the stuck case")
	}
	var notes int
	if err := sys.Store.DB.NewRaw("SELECT count(*) FROM notifications WHERE case_id = ? AND kind = 'stuck' AND role = 'supervisor'", id).
		Scan(context.Background(), &notes); err != nil || notes != 1 {
		t.Fatalf("supervisor notifications %d (%v), want 1", notes, err)
	}
	resp, err := http.Get(sys.Server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `certflow_cases_stuck_total{activity="RecordTransition"}`) ||
		!strings.Contains(string(body), `certflow_activity_failures_total{activity="RecordTransition",kind="retryable"}`) {
		t.Fatal("/metrics does not count the failing activity")
	}
	stop()
	c := w.ent.waitCaseFor(id, "withdrawn after the failure ended", 90*time.Second, statusIs(domain.StatusWithdrawn))
	if c["stuck"] != false {
		t.Fatalf("the flag stayed after the write went through: %v", summary(c))
	}
	recordHistory(t, id, "registration_write_retried_then_withdrawn")
}

// TestRefusedWriteIsRecordedAndTheCaseGoesOn injects a write failure retrying cannot fix
// (the database refuses the data): the decision is recorded as refused, the case is not
// frozen, and the next decision goes through.
func TestRefusedWriteIsRecordedAndTheCaseGoesOn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created", func(m map[string]any) bool { return len(m["events"].([]any)) >= 1 })
	// Refuse only the withdraw's own write (its key is d-<decision id>), not the refusal.
	ctx := context.Background()
	for _, s := range []string{
		`CREATE FUNCTION inject_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'injected refusal' USING ERRCODE = '23514'; END $$`,
		`CREATE TRIGGER inject_refuse BEFORE INSERT ON case_events FOR EACH ROW
			WHEN (NEW.action = 'withdraw' AND NEW.comment = 'refuse me') EXECUTE FUNCTION inject_refuse()`,
	} {
		if _, err := sys.Store.DB.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_, _ = sys.Store.DB.ExecContext(ctx, "DROP TRIGGER inject_refuse ON case_events")
		_, _ = sys.Store.DB.ExecContext(ctx, "DROP FUNCTION inject_refuse()")
	})
	w.ent.act(id, domain.ActionWithdraw, "refuse me").expect(t, 202)
	c := w.ent.waitCase(id, "the refused write recorded", func(m map[string]any) bool {
		for _, e := range m["events"].([]any) {
			if e.(map[string]any)["action"] == "refused_withdraw" {
				return true
			}
		}
		return false
	})
	if c["status"] != "open" || c["stage"] != "draft" || c["stuck"] == true {
		t.Fatalf("after the refused write: %v", summary(c))
	}
	w.ent.act(id, domain.ActionWithdraw, "").expect(t, 202)
	w.ent.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
	recordHistory(t, id, "registration_refused_write_recovered")
}
