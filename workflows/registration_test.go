package workflows

import (
	"slices"
	"strings"
	"testing"
	"time"

	"certflow/domain"
	"certflow/workflows/steps"
)

// happyPath schedules the decisions that take an applicant-filed 一级 case to issuing.
func happyPath(c *caseEnv) {
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionConfirm, "employed since 2024")
	c.at(2*day, provLN, domain.ActionApprove, "complete")
	c.at(3*day, ministry1, domain.ActionApprove, "")
}

func TestApproveThroughToIssuing(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	happyPath(c)
	out := c.run()
	if out.Status != domain.StatusApproved || out.RegistrationNumber == "" {
		t.Fatalf("outcome %+v", out)
	}
	want := []string{"created", "submit", "precheck_passed", "confirm", "approve", "approve", "public_notice_ended", "issued"}
	if got := c.store.actions(); !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	notice := c.store.find(t, "public_notice_ended")
	if notice.Event.At.Sub(start) < 10*day {
		t.Fatalf("notice ended at %v, before 7 days of public notice", notice.Event.At)
	}
	last := c.store.last()
	if last.Projection.Stage != domain.StageClosed || last.Projection.Status != domain.StatusApproved {
		t.Fatalf("final projection %+v", last.Projection)
	}
	if ministry := c.store.records[5]; ministry.Projection.ProvincialReviewer != provLN.Subject {
		t.Fatalf("provincial reviewer not kept for four-eyes: %+v", ministry.Projection)
	}
}

func TestEnterpriseFiledSkipsConfirmationAndLevel2SkipsMinistry(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 2)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	out := c.run()
	if out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	passed := c.store.find(t, "precheck_passed")
	if passed.Event.ToStage != domain.StageProvincialReview {
		t.Fatalf("enterprise-filed case went to %s", passed.Event.ToStage)
	}
	approve := c.store.find(t, "approve")
	if approve.Event.ToStage != domain.StagePublicNotice {
		t.Fatalf("二级 provincial approval went to %s, want public_notice", approve.Event.ToStage)
	}
}

func TestRejectAtEachReviewStage(t *testing.T) {
	cases := []struct {
		name  string
		plan  func(c *caseEnv)
		stage domain.Stage
	}{
		{"provincial", func(c *caseEnv) {
			c.at(hour, applicant, domain.ActionSubmit, "")
			c.at(day, entA, domain.ActionConfirm, "")
			c.at(2*day, provLN, domain.ActionReject, "qualification certificate forged")
		}, domain.StageProvincialReview},
		{"ministry", func(c *caseEnv) {
			c.at(hour, applicant, domain.ActionSubmit, "")
			c.at(day, entA, domain.ActionConfirm, "")
			c.at(2*day, provLN, domain.ActionApprove, "")
			c.at(3*day, ministry1, domain.ActionReject, "accident record")
		}, domain.StageMinistryReview},
		{"objection", func(c *caseEnv) {
			happyPath(c)
			c.at(4*day, public, domain.ActionObject, "works for another company")
			c.at(5*day, provLN, domain.ActionReject, "objection upheld")
		}, domain.StageObjectionReview},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCaseEnv(t, domain.RoleApplicant, 1)
			tc.plan(c)
			out := c.run()
			if out.Status != domain.StatusRejected {
				t.Fatalf("outcome %+v; timeline %v", out, c.store.actions())
			}
			last := c.store.last()
			if last.Event.Action != "reject" || last.Event.FromStage != tc.stage || last.Event.Comment == "" {
				t.Fatalf("last event %+v", last.Event)
			}
		})
	}
}

func TestSupplementStopsAndResumesTheReviewClock(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionConfirm, "")
	// Provincial review starts Tue 2026-03-03 09:00; supplements requested 2 days later.
	c.at(3*day, provLN, domain.ActionRequestSupplement, "labour contract unsigned")
	c.at(13*day, applicant, domain.ActionSupplement, "signed contract attached")
	c.at(15*day, provLN, domain.ActionApprove, "")
	c.at(16*day, ministry1, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	entered := c.store.find(t, "confirm")
	requested := c.store.find(t, "request_supplement")
	resumed := c.store.find(t, "supplement")
	if !requested.Projection.Paused || requested.Projection.Stage != domain.StageSupplement {
		t.Fatalf("supplement projection not paused: %+v", requested.Projection)
	}
	if resumed.Projection.Paused || resumed.Projection.Stage != domain.StageProvincialReview {
		t.Fatalf("resumed projection %+v", resumed.Projection)
	}
	cal := c.in.Calendar
	firstDue := *entered.Projection.DueAt
	used := cal.Elapsed(entered.Event.At, requested.Event.At)
	wantDue := cal.EndOfDay(cal.Add(resumed.Event.At, cal.WorkingDays(20)-used))
	if !resumed.Projection.DueAt.Equal(wantDue) {
		t.Fatalf("due after resume %v, want %v (first due %v)", resumed.Projection.DueAt, wantDue, firstDue)
	}
	if !resumed.Projection.DueAt.After(firstDue) {
		t.Fatalf("the pause did not move the deadline: %v vs %v", resumed.Projection.DueAt, firstDue)
	}
	// 20 working days from Tue 2026-03-03 09:00 end at the end of Tue 2026-03-31 (Beijing time).
	if want := time.Date(2026, 3, 31, 23, 59, 59, 0, cst); !firstDue.Equal(want) {
		t.Fatalf("first due %v, want %v", firstDue.In(cst), want)
	}
}

func TestEnterpriseTimeoutReturnsToApplicant(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	// nobody confirms; after 5 working days the case returns; the applicant withdraws later
	c.at(20*day, applicant, domain.ActionWithdraw, "found another job")
	out := c.run()
	if out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	timeout := c.store.find(t, "enterprise_timeout")
	if timeout.Event.ToStage != domain.StageSupplement || !strings.Contains(timeout.Event.Comment, "enterprise_confirmation_timeout") {
		t.Fatalf("timeout event %+v", timeout.Event)
	}
	// Submitted Mon 10:00: five working days end at the end of Mon 2026-03-09.
	if want := time.Date(2026, 3, 9, 23, 59, 59, 0, cst); !timeout.Event.At.Equal(want) {
		t.Fatalf("returned at %v, want %v", timeout.Event.At.In(cst), want)
	}
}

func TestSLABreachEscalatesAndTheCaseKeepsWaiting(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 1)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(40*day, provLN, domain.ActionApprove, "late but fine")
	c.at(41*day, ministry1, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	reminder := c.store.find(t, "sla_reminder")
	breach := c.store.find(t, "sla_breached")
	if !breach.Projection.Breached || breach.Projection.Stage != domain.StageProvincialReview {
		t.Fatalf("breach projection %+v", breach.Projection)
	}
	if !reminder.Event.At.Before(breach.Event.At) {
		t.Fatal("reminder did not come before the breach")
	}
	if !breach.Event.At.Equal(*breach.Projection.DueAt) {
		t.Fatalf("breach at %v, due %v", breach.Event.At, breach.Projection.DueAt)
	}
	var kinds []string
	for _, n := range c.store.notifications {
		kinds = append(kinds, n.Kind+":"+string(n.Role))
	}
	want := []string{"sla_reminder:provincial_reviewer", "sla_escalation:supervisor"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("notifications %v, want %v", kinds, want)
	}
	approve := c.store.find(t, "approve")
	if approve.Event.FromStage != domain.StageProvincialReview {
		t.Fatalf("the breached case did not keep waiting: %+v", approve.Event)
	}
}

func TestObjectionDismissedResumesNotice(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	happyPath(c)
	c.at(5*day, public, domain.ActionObject, "I saw him on another site")
	c.at(6*day, provLN, domain.ActionApprove, "objection unfounded")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	object := c.store.find(t, "object")
	if object.Event.ToStage != domain.StageObjectionReview {
		t.Fatalf("objection went to %s", object.Event.ToStage)
	}
	ended := c.store.find(t, "public_notice_ended")
	// Notice began at day 3, ran 2 days, paused 1 day, so 5 days remain from day 6.
	if want := start.Add(11 * day); !ended.Event.At.Equal(want) {
		t.Fatalf("notice ended %v, want %v", ended.Event.At.In(cst), want)
	}
}

func TestWithdraw(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionConfirm, "")
	c.at(2*day, applicant, domain.ActionWithdraw, "")
	if out := c.run(); out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	if last := c.store.last(); last.Event.FromStage != domain.StageProvincialReview || last.Projection.Stage != domain.StageClosed {
		t.Fatalf("last %+v", last)
	}
}

func TestFourEyesRefusal(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionConfirm, "")
	c.at(2*day, provLN, domain.ActionApprove, "")
	// the same person tries to decide at ministry level under another role
	sameAsProvincial := ministry1
	sameAsProvincial.Subject = provLN.Subject
	c.at(3*day, sameAsProvincial, domain.ActionApprove, "")
	c.at(4*day, ministry2, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	refused := c.store.find(t, "refused_approve")
	if refused.Event.ActorSub != provLN.Subject || !strings.Contains(refused.Event.Comment, "different person") {
		t.Fatalf("refusal %+v", refused.Event)
	}
	if refused.Projection.Stage != domain.StageMinistryReview {
		t.Fatalf("refusal changed the stage: %+v", refused.Projection)
	}
}

func TestDecisionInTheWrongStageIsRecordedAndIgnored(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.at(hour, provLN, domain.ActionApprove, "")  // still a draft
	c.at(2*hour, provBJ, domain.ActionSubmit, "") // not the filer
	c.at(3*hour, applicant, domain.ActionWithdraw, "")
	if out := c.run(); out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	want := []string{"created", "refused_approve", "refused_submit", "withdraw"}
	if got := c.store.actions(); !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if c := c.store.find(t, "refused_approve"); !strings.Contains(c.Event.Comment, "stage draft") {
		t.Fatalf("refusal reason %q", c.Event.Comment)
	}
}

func TestDraftUntouchedIsAbandoned(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.env.RegisterDelayedCallback(func() { c.env.SignalWorkflow(SignalTouch, nil) }, 10*day)
	out := c.run()
	if out.Status != domain.StatusAbandoned {
		t.Fatalf("outcome %+v", out)
	}
	abandoned := c.store.last()
	if want := start.Add(40 * day); !abandoned.Event.At.Equal(want) {
		t.Fatalf("abandoned at %v, want %v (30 days after the last touch)", abandoned.Event.At, want)
	}
}

func TestPrecheckFindings(t *testing.T) {
	t.Run("fixable goes back to the applicant and is checked again", func(t *testing.T) {
		c := newCaseEnv(t, domain.RoleEnterprise, 2)
		c.store.prechecks = []steps.PrecheckResult{
			{Fixable: []steps.Finding{{Rule: "missing_evidence", Message: "required evidence missing: labour_contract"}}},
			{},
		}
		c.at(hour, entA, domain.ActionSubmit, "")
		c.at(day, entA, domain.ActionSupplement, "uploaded")
		c.at(2*day, provLN, domain.ActionApprove, "")
		if out := c.run(); out.Status != domain.StatusApproved {
			t.Fatalf("outcome %+v", out)
		}
		if c.store.precheckCalls != 2 {
			t.Fatalf("precheck ran %d times", c.store.precheckCalls)
		}
		returned := c.store.find(t, "precheck_returned")
		if !strings.Contains(returned.Event.Comment, "missing_evidence") {
			t.Fatalf("returned without the rule: %+v", returned.Event)
		}
	})
	t.Run("hard refusal rejects naming the rule", func(t *testing.T) {
		c := newCaseEnv(t, domain.RoleEnterprise, 1)
		c.store.prechecks = []steps.PrecheckResult{{Refusal: []steps.Finding{{Rule: "age_limit", Message: "over 65"}}}}
		c.at(hour, entA, domain.ActionSubmit, "")
		if out := c.run(); out.Status != domain.StatusRejected {
			t.Fatalf("outcome %+v", out)
		}
		if last := c.store.last(); last.Event.Action != "precheck_refused" || !strings.Contains(last.Event.Comment, "age_limit") {
			t.Fatalf("last %+v", last.Event)
		}
	})
}

func TestSecondActiveRegistrationIsRejectedAtIssuing(t *testing.T) {
	c := newCaseEnv(t, domain.RoleApplicant, 1)
	c.store.issueErr = alreadyRegistered
	happyPath(c)
	if out := c.run(); out.Status != domain.StatusRejected {
		t.Fatalf("outcome %+v", out)
	}
	if last := c.store.last(); last.Event.Action != "issue_refused" || !strings.Contains(last.Event.Comment, "already_registered") {
		t.Fatalf("last %+v", last.Event)
	}
}

func TestMinistryExtendOnce(t *testing.T) {
	c := newCaseEnv(t, domain.RoleEnterprise, 1)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.at(2*day, ministry1, domain.ActionExtend, "site inspection needed")
	c.at(3*day, ministry1, domain.ActionExtend, "again")
	c.at(4*day, ministry1, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	before := c.store.find(t, "approve") // provincial approval opened the ministry clock
	ext := c.store.find(t, "extend")
	cal := c.in.Calendar
	if want := cal.Add(*before.Projection.DueAt, cal.WorkingDays(10)); !ext.Projection.DueAt.Equal(want) {
		t.Fatalf("extended due %v, want %v", ext.Projection.DueAt, want)
	}
	if !ext.Projection.Extended {
		t.Fatal("extension not recorded on the projection")
	}
	if r := c.store.find(t, "refused_extend"); !strings.Contains(r.Event.Comment, "only once") {
		t.Fatalf("second extension: %+v", r.Event)
	}
}
