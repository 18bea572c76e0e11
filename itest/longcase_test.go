package itest

import (
	"context"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"certflow/domain"
)

// TestLongCaseContinuesAsNew sends a case back for supplements until its history passes the
// length at which Temporal suggests continuing as new (continueAsNewAfter): the case continues
// in a new run with its state — stage, paused clock, timeline — and is then decided and issued.
func TestLongCaseContinuesAsNew(t *testing.T) {
	w := newWorld(t)
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	firstRun := latestRun(t, id)
	loops := 0
	for latestRun(t, id) == firstRun {
		if loops++; loops > 40 {
			t.Fatalf("the case never continued as new after %d supplement rounds", loops)
		}
		w.provincial.act(id, domain.ActionRequestSupplement, "请补充材料").expect(t, 202)
		w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
		w.ent.act(id, domain.ActionSupplement, "已补充").expect(t, 202)
		w.provincial.waitCase(id, "back in review", stageIs(domain.StageProvincialReview))
	}
	c := w.provincial.get("/api/v1/cases/"+id).expect(t, 200).json(t)
	if c["stage"] != "provincial_review" || c["sla"].(map[string]any)["clock"] != "review" {
		t.Fatalf("after continuing as new: %v", summary(c))
	}
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	final := w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	if final["registration"] == nil {
		t.Fatalf("no registration: %v", summary(final))
	}
	created := 0
	for _, e := range final["events"].([]any) {
		if e.(map[string]any)["action"] == "created" {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("the timeline has %d creation entries, want 1", created)
	}
	recordRunHistory(t, id, firstRun, "registration_continued_as_new_first_run")
	recordHistory(t, id, "registration_continued_as_new_next_run")
}

// latestRun is the run ID of a case's latest workflow run.
func latestRun(t *testing.T, caseID string) string {
	t.Helper()
	d, err := sys.Temporal.DescribeWorkflowExecution(context.Background(), caseID, "")
	if err != nil {
		t.Fatal(err)
	}
	info := d.GetWorkflowExecutionInfo()
	if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
		t.Fatalf("the case's workflow failed")
	}
	return info.GetExecution().GetRunId()
}
