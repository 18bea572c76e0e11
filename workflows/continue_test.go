package workflows

import (
	"errors"
	"testing"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
)

// TestContinueAsNewCarriesTheCase: when Temporal suggests continuing as new, the case's run
// ends with its whole state in the next run's input, and the next run carries on from there
// (the ministry clock, the provincial reviewer for four-eyes, the timeline numbering) to the
// end, without writing the case's creation again.
func TestContinueAsNewCarriesTheCase(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 1)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.env.RegisterDelayedCallback(func() { c.env.SetContinueAsNewSuggested(true) }, 2*day)
	c.env.ExecuteWorkflow(Registration, c.in)
	var can *workflow.ContinueAsNewError
	if err := c.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("the run ended with %v, want continue-as-new; timeline %v", err, c.store.actions())
	}
	var next CaseInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	st := next.State
	if st == nil || st.Facts.Stage != domain.StageMinistryReview || st.Facts.ProvincialReviewer != provLN.Subject ||
		st.Clocks[domain.StageMinistryReview] == nil || !st.Clocks[domain.StageMinistryReview].Running() {
		t.Fatalf("the next run's state %+v", st)
	}
	firstRun := len(c.store.records)
	if st.Seq != firstRun {
		t.Fatalf("timeline numbering %d, want %d (the records of the first run)", st.Seq, firstRun)
	}

	second := newCaseEnv(t, domain.RoleEnterprise, 1)
	second.env.SetStartTime(c.env.Now())
	second.in = next
	second.at(hour, provLN, domain.ActionApprove, "") // four-eyes: the provincial approver may not decide
	second.at(2*hour, ministry1, domain.ActionApprove, "")
	if out := second.run(); out.Status != domain.StatusApproved || out.RegistrationNumber == "" {
		t.Fatalf("outcome %+v", out)
	}
	if got := second.store.actions(); got[0] != "refused_approve" || second.store.find(t, "approve").Event.FromStage != domain.StageMinistryReview {
		t.Fatalf("second run timeline %v", got)
	}
	for _, r := range second.store.records {
		if r.Event.Action == "created" {
			t.Fatal("the continued run wrote the case's creation again")
		}
	}
}
