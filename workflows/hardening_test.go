package workflows

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// dataRefused is what the failure watch turns a database's refusal of the data into.
var dataRefused = temporal.NewNonRetryableApplicationError("the database refused the data (SQLSTATE 22021)", steps.ErrDataRefused, nil)

func TestPoisonDecisionIsRefusedAndTheCaseMovesOn(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, applicant, domain.ActionWithdraw, "x\x00y")
	c.at(2*hour, applicant, domain.ActionSupplement, "")
	c.at(3*hour, applicant, domain.ActionWithdraw, "")
	if out := c.run(); out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	refused := c.store.find(t, "refused_withdraw")
	if strings.Contains(refused.Event.Comment, "\x00") || !strings.Contains(refused.Event.Comment, "control character") {
		t.Fatalf("refusal %q", refused.Event.Comment)
	}
	if got := c.store.actions(); !slices.Contains(got, "refused_supplement") {
		t.Fatalf("a supplement in the wrong stage was not refused: %v", got)
	}
}

func TestBareSupplementIsRefused(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.store.prechecks = []steps.PrecheckResult{{Fixable: []steps.Finding{{Rule: "missing_evidence", Message: "labour_contract"}}}, {}}
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(2*hour, applicant, domain.ActionSupplement, "")
	c.at(3*hour, applicant, domain.ActionSupplement, "uploaded the contract")
	c.at(4*hour, applicant, domain.ActionWithdraw, "")
	c.run()
	returned := c.store.find(t, "precheck_returned")
	if p := returned.Projection; !p.Paused || p.Clock != "supplement" || p.DueAt == nil {
		t.Fatalf("a pre-check return shows %+v, want the paused supplement clock", p)
	}
	refused := c.store.find(t, "refused_supplement")
	if !strings.Contains(refused.Event.Comment, "supplement needs") {
		t.Fatalf("refusal %q", refused.Event.Comment)
	}
	if c.store.find(t, "supplement").Event.Comment != "uploaded the contract" {
		t.Fatal("the supplement with a comment was not taken")
	}
}

func TestRefusedWriteIsRecordedAndTheCaseWaits(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 2)
	var refusedOnce atomic.Bool
	c.store.failRecord = func(rec steps.TransitionRecord) error {
		if rec.Event.Action == "approve" && refusedOnce.CompareAndSwap(false, true) {
			return dataRefused
		}
		return nil
	}
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "first try")
	c.at(2*day, provLN, domain.ActionApprove, "second try")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	refused := c.store.find(t, "refused_approve")
	if refused.Projection.Stage != domain.StageProvincialReview || strings.Contains(refused.Event.Comment, "first try") {
		t.Fatalf("the refused write left %+v / %q", refused.Projection, refused.Event.Comment)
	}
	if approved := c.store.find(t, "approve"); approved.Event.Comment != "second try" {
		t.Fatalf("the approval that went through is %q", approved.Event.Comment)
	}
	if len(c.store.stuck) != 0 {
		t.Fatalf("a refused decision flagged the case stuck: %+v", c.store.stuck)
	}
}

func TestAutomatedStepFailingForGoodIsFlaggedAndRetried(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 2)
	c.store.precheckErrs = []error{dataRefused}
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(3*day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	if len(c.store.stuck) != 1 || !strings.Contains(c.store.stuck[0].Reason, "SQLSTATE 22021") {
		t.Fatalf("stuck reports %+v", c.store.stuck)
	}
	if c.store.precheckCalls != 2 {
		t.Fatalf("pre-check ran %d times, want 2 (failed, then retried a day later)", c.store.precheckCalls)
	}
}

// TestCaseStartedBeforeTheChangeRecoversToo: a case that started on the old rules (no content
// check on receipt) meets a poison decision whose write the database refuses; it records the
// refusal and goes on instead of failing.
func TestCaseStartedBeforeTheChangeRecoversToo(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.env.OnGetVersion(versionHardening, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	c.store.failRecord = func(rec steps.TransitionRecord) error {
		if strings.Contains(rec.Event.Comment, "\x00") {
			return dataRefused
		}
		return nil
	}
	c.at(hour, applicant, domain.ActionWithdraw, "x\x00y")
	c.at(2*hour, applicant, domain.ActionWithdraw, "")
	if out := c.run(); out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	refused := c.store.find(t, "refused_withdraw")
	if refused.Projection.Status != domain.StatusOpen || !strings.Contains(refused.Event.Comment, "could not be recorded") {
		t.Fatalf("refusal %+v", refused)
	}
}
