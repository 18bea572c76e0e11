package workflows

import (
	"slices"
	"testing"

	"go.temporal.io/sdk/temporal"

	"certflow/domain"
	"certflow/workflows/steps"
)

// More principals: the enterprise a change of employer leaves, and an investigator.
var (
	entOld       = domain.Principal{Subject: "u-ent-old", Role: domain.RoleEnterprise, Enterprise: "E-OLD"}
	investigator = domain.Principal{Subject: "u-inv", Role: domain.RoleInvestigator, Province: "21"}
)

// newLifecycleEnv runs one lifecycle case of a type (and change kind) filed by a principal.
func newLifecycleEnv(t *testing.T, typ domain.CaseType, kind string, filer domain.Principal, level int) *caseEnv {
	c := newCaseEnv(t, filer.Role, level)
	c.in.Type = typ
	c.in.Number = "X-2026-000001"
	c.in.Policy = domain.DefaultPolicies()[typ]
	c.in.Facts.Kind = kind
	c.in.Facts.Filer = filer.Key()
	if typ == domain.CaseChange && kind == domain.ChangeEmployer {
		c.in.Facts.PreviousEnterpriseUSCC = "E-OLD"
	}
	return c
}

// stages lists the stages the case entered, in order, without repeats in a row.
func (c *caseEnv) stages() []domain.Stage {
	var out []domain.Stage
	for _, r := range c.store.records {
		if s := r.Projection.Stage; len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

func (c *caseEnv) wantStages(want ...domain.Stage) {
	c.t.Helper()
	if got := c.stages(); !slices.Equal(got, want) {
		c.t.Fatalf("stages %v, want %v; timeline %v", got, want, c.store.actions())
	}
}

func TestRenewalByApplicantGoesThroughEnterpriseProvinceAndMinistry(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseRenewal, "", applicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(2*hour, entA, domain.ActionConfirm, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.at(2*day, provLN, domain.ActionApprove, "") // four-eyes: the provincial reviewer may not decide at the ministry
	c.at(3*day, ministry2, domain.ActionApprove, "")
	out := c.run()
	if out.Status != domain.StatusApproved || out.RegistrationNumber == "" || c.store.applied != 1 {
		t.Fatalf("outcome %+v, applied %d", out, c.store.applied)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageEnterpriseConfirmation, domain.StageProvincialReview,
		domain.StageMinistryReview, domain.StageApplying, domain.StageClosed)
	c.store.find(t, "refused_approve")
}

func TestRenewalByEnterpriseOfSecondLevelIsDecidedByTheProvince(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseRenewal, "", entA, 2)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageProvincialReview, domain.StageApplying, domain.StageClosed)
}

func TestRenewalShortOfHoursReturnsToTheApplicantThenPasses(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseRenewal, "", entA, 2)
	c.store.prechecks = []steps.PrecheckResult{
		{Fixable: []steps.Finding{{Rule: "continuing_education", Message: "24 hours of continuing education are missing"}}},
		{},
	}
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionSupplement, "certificates uploaded")
	c.at(2*day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	returned := c.store.find(t, "precheck_returned")
	if returned.Projection.Stage != domain.StageSupplement || c.store.precheckCalls != 2 {
		t.Fatalf("returned %+v after %d pre-checks", returned.Projection, c.store.precheckCalls)
	}
}

func TestRenewalOutsideItsWindowIsRefused(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseRenewal, "", applicant, 1)
	c.store.prechecks = []steps.PrecheckResult{{Refusal: []steps.Finding{{Rule: "renewal_window", Message: "too early"}}}}
	c.at(hour, applicant, domain.ActionSubmit, "")
	if out := c.run(); out.Status != domain.StatusRejected || c.store.applied != 0 {
		t.Fatalf("outcome %+v, applied %d", out, c.store.applied)
	}
}

func TestEmployerChangeByRelease(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, applicant, 2)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(2*hour, entA, domain.ActionRelease, "")   // the new enterprise may not release
	c.at(3*hour, entOld, domain.ActionRelease, "") // the old one does
	c.at(day, entA, domain.ActionConfirm, "")
	c.at(2*day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageRelease, domain.StageEnterpriseConfirmation,
		domain.StageProvincialReview, domain.StageApplying, domain.StageClosed)
	c.store.find(t, "refused_release")
}

func TestEmployerChangeWithProofOfContractEndSkipsTheRelease(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, entA, 1)
	c.store.prechecks = []steps.PrecheckResult{{Skip: []domain.Stage{domain.StageRelease}}}
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.at(2*day, ministry1, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageProvincialReview, domain.StageMinistryReview,
		domain.StageApplying, domain.StageClosed)
}

func TestEmployerChangeWithoutReleaseAsksForProofOfContractEnd(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, applicant, 2)
	c.store.prechecks = []steps.PrecheckResult{{}, {Skip: []domain.Stage{domain.StageRelease}}}
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(10*day, applicant, domain.ActionSupplement, "contract_termination uploaded")
	c.at(11*day, entA, domain.ActionConfirm, "")
	c.at(12*day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	timeout := c.store.find(t, "release_timeout")
	if timeout.Projection.Stage != domain.StageSupplement {
		t.Fatalf("release timeout led to %s", timeout.Projection.Stage)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageRelease, domain.StageSupplement, domain.StagePrecheck,
		domain.StageEnterpriseConfirmation, domain.StageProvincialReview, domain.StageApplying, domain.StageClosed)
}

func TestEmployerChangeRefusedByTheNewEnterprise(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, applicant, 2)
	c.store.prechecks = []steps.PrecheckResult{{Skip: []domain.Stage{domain.StageRelease}}}
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, entA, domain.ActionReject, "") // a reason is required
	c.at(2*day, entA, domain.ActionReject, "不录用")
	if out := c.run(); out.Status != domain.StatusRejected || c.store.applied != 0 {
		t.Fatalf("outcome %+v, applied %d", out, c.store.applied)
	}
	c.store.find(t, "refused_reject")
}

func TestEmployerChangeLosingTheRaceIsRejected(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, entA, 2)
	c.store.prechecks = []steps.PrecheckResult{{Skip: []domain.Stage{domain.StageRelease}}}
	c.store.applyErr = temporal.NewNonRetryableApplicationError("moved", steps.ErrRegistrationChanged, nil)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusRejected {
		t.Fatalf("outcome %+v", out)
	}
	if got := c.store.last().Event.Action; got != "apply_refused" {
		t.Fatalf("last event %s", got)
	}
}

func TestEnterpriseRenameIsDecidedByTheProvince(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEnterpriseName, entA, 0)
	c.in.Facts.PractitionerID = ""
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageProvincialReview, domain.StageApplying, domain.StageClosed)
}

func TestPersonNameChangeOfFirstLevelGoesToTheMinistry(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangePersonName, applicant, 1)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.at(2*day, ministry1, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageProvincialReview, domain.StageMinistryReview,
		domain.StageApplying, domain.StageClosed)
}

func TestAdditionWithAndWithoutEducation(t *testing.T) {
	for _, short := range []bool{false, true} {
		c := newLifecycleEnv(t, domain.CaseAddition, "", entA, 2)
		if short {
			c.store.prechecks = []steps.PrecheckResult{{Fixable: []steps.Finding{{Rule: "continuing_education", Message: "120 required"}}}}
		}
		c.at(hour, entA, domain.ActionSubmit, "")
		c.at(day, provLN, domain.ActionApprove, "")
		out := c.run()
		switch {
		case !short && out.Status != domain.StatusApproved:
			t.Fatalf("with education: %+v", out)
		case short && (out.Status != domain.StatusAbandoned || c.store.applied != 0):
			t.Fatalf("without education: %+v (the approval in supplement must be refused)", out)
		}
	}
}

func TestCancellationByEachFiler(t *testing.T) {
	for _, filer := range []domain.Principal{applicant, entA, investigator} {
		c := newLifecycleEnv(t, domain.CaseCancellation, "", filer, 1)
		c.at(hour, filer, domain.ActionSubmit, "")
		c.at(day, ministry1, domain.ActionApprove, "") // the ministry has no say
		c.at(2*day, provLN, domain.ActionApprove, "")
		if out := c.run(); out.Status != domain.StatusApproved || c.store.applied != 1 {
			t.Fatalf("%s: outcome %+v", filer.Role, out)
		}
		c.wantStages(domain.StageDraft, domain.StagePrecheck, domain.StageProvincialReview, domain.StageApplying, domain.StageClosed)
		c.store.find(t, "refused_approve")
	}
}

func TestInvestigatorOfAnotherProvinceMayNotSubmitTheirColleaguesCancellation(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseCancellation, "", investigator, 1)
	other := investigator
	other.Subject = "u-inv-2"
	c.at(hour, other, domain.ActionSubmit, "")
	c.at(2*hour, investigator, domain.ActionWithdraw, "")
	if out := c.run(); out.Status != domain.StatusWithdrawn {
		t.Fatalf("outcome %+v", out)
	}
	c.store.find(t, "refused_submit")
}

// TestReleaseRemindersGoToTheEnterpriseLeft: in release the case waits on the enterprise the
// person leaves; its reminder is addressed to that enterprise alone, and so is the assignment.
func TestReleaseRemindersGoToTheEnterpriseLeft(t *testing.T) {
	c := newLifecycleEnv(t, domain.CaseChange, domain.ChangeEmployer, applicant, 2)
	c.at(hour, applicant, domain.ActionSubmit, "")
	c.at(4*day, entOld, domain.ActionRelease, "")
	c.at(5*day, entA, domain.ActionConfirm, "")
	c.at(6*day, provLN, domain.ActionApprove, "")
	if out := c.run(); out.Status != domain.StatusApproved {
		t.Fatalf("outcome %+v", out)
	}
	var reminders []steps.Notification
	for _, n := range c.store.notifications {
		if n.Kind == steps.KindSLAReminder && n.Role == domain.RoleEnterprise {
			reminders = append(reminders, n)
		}
	}
	if len(reminders) == 0 || reminders[0].EnterpriseUSCC != "E-OLD" {
		t.Fatalf("release reminders %+v, want one addressed to E-OLD", reminders)
	}
	for _, r := range c.store.records {
		want := map[domain.Stage]string{domain.StageRelease: "E-OLD", domain.StageEnterpriseConfirmation: "E-A"}[r.Projection.Stage]
		if r.Projection.AssigneeEnterprise != want {
			t.Fatalf("in %s the case waits on enterprise %q, want %q", r.Projection.Stage, r.Projection.AssigneeEnterprise, want)
		}
	}
}
