package workflows

// Registration runs one 注册建造师 initial registration (初始注册) case. Its stages:
//
//	draft ──submit──▶ precheck ──▶ enterprise_confirmation ──▶ provincial_review ──▶ ministry_review
//	                     │            (skipped when the          │  (一级 only;          │
//	                     │             enterprise filed)         │   二级 is decided    │
//	                     ▼                                       │   by the province)   ▼
//	              supplement ◀── fixable findings,  ◀────────────┴── request_supplement ─┘
//	              (review clock      enterprise timeout
//	               paused)
//	public_notice ──object──▶ objection_review ──dismissed──▶ public_notice ──ends──▶ issuing ──▶ closed
//
// A draft untouched for DraftAbandonDays is abandoned; a supplement request unanswered for
// SupplementDays abandons the case; hard pre-check findings and reviewer rejections reject it;
// the filer may withdraw while it waits on a person. Review stages run an SLA clock in working
// days: a reminder before the deadline, an escalation to supervisors when it passes — and the
// case keeps waiting, since nothing is ever approved by a timeout. Enterprise confirmation is
// the exception: when its 5 days pass, the case goes back to the applicant.
//
// What every case type shares — the loop, continue-as-new, withdraw, the draft, the supplement
// round trip, recovery from steps that fail for good — is the case runner's (runner.go); this
// file holds the registration's own stages and the table of what each decision does.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// Registration is the workflow of a registration case; its ID is the case ID.
func Registration(ctx workflow.Context, in CaseInput) (Outcome, error) {
	r, err := runCase(ctx, in, registration, Registration)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Status: r.st.Facts.Status}
	if r.st.Registration != nil {
		out.RegistrationNumber = r.st.Registration.RegistrationNumber
	}
	return out, nil
}

// registration is the registration's part of the case runner: what each stage does and what
// each decision does.
var registration = &caseType{
	steps: map[domain.Stage]func(*caseRun) error{
		domain.StageDraft:                  (*caseRun).draft,
		domain.StagePrecheck:               (*caseRun).precheck,
		domain.StageEnterpriseConfirmation: (*caseRun).enterpriseConfirmation,
		domain.StageProvincialReview:       (*caseRun).review,
		domain.StageMinistryReview:         (*caseRun).review,
		domain.StagePublicNotice:           (*caseRun).publicNotice,
		domain.StageObjectionReview:        (*caseRun).objectionReview,
		domain.StageSupplement:             (*caseRun).supplement,
		domain.StageIssuing:                (*caseRun).issue,
	},
	handlers: registrationHandlers,
}

// registrationHandlers say what each decision does, stage by stage. Every (stage, action) the
// registration's definition allows has one (a test walks the definition); a decision without
// one is refused and recorded, never taken for another action.
var registrationHandlers = map[domain.Stage]map[domain.Action]handler{
	domain.StageDraft: {
		domain.ActionSubmit:   (*caseRun).submit,
		domain.ActionWithdraw: (*caseRun).withdraw,
	},
	domain.StageEnterpriseConfirmation: {
		domain.ActionConfirm:  (*caseRun).confirm,
		domain.ActionWithdraw: (*caseRun).withdraw,
	},
	domain.StageProvincialReview: {
		domain.ActionApprove:           (*caseRun).approveReview,
		domain.ActionReject:            (*caseRun).reject,
		domain.ActionRequestSupplement: (*caseRun).requestSupplement,
		domain.ActionWithdraw:          (*caseRun).withdraw,
	},
	domain.StageMinistryReview: {
		domain.ActionApprove:           (*caseRun).approveReview,
		domain.ActionReject:            (*caseRun).reject,
		domain.ActionRequestSupplement: (*caseRun).requestSupplement,
		domain.ActionExtend:            (*caseRun).extend,
		domain.ActionWithdraw:          (*caseRun).withdraw,
	},
	domain.StagePublicNotice: {
		domain.ActionObject:   (*caseRun).object,
		domain.ActionWithdraw: (*caseRun).withdraw,
	},
	domain.StageObjectionReview: {
		domain.ActionApprove:  (*caseRun).dismissObjection,
		domain.ActionReject:   (*caseRun).reject,
		domain.ActionWithdraw: (*caseRun).withdraw,
	},
	domain.StageSupplement: {
		domain.ActionSupplement: (*caseRun).answerSupplement,
		domain.ActionWithdraw:   (*caseRun).withdraw,
	},
}

// submit sends a draft to the pre-check.
func (r *caseRun) submit(d Decision) error {
	r.st.Deadline = time.Time{}
	return r.moveTo(domain.StagePrecheck, decisionEvent(d))
}

// precheck runs the automated rules: hard findings reject, fixable ones go back to the applicant.
func (r *caseRun) precheck() error {
	ctx := r.activityCtx(time.Minute)
	var res steps.PrecheckResult
	req := steps.PrecheckRequest{CaseID: r.in.CaseID, At: r.now(), Policy: r.in.Policy}
	if err := workflow.ExecuteActivity(ctx, acts.Precheck, req).Get(r.ctx, &res); err != nil {
		return err
	}
	if len(res.Refusal) > 0 {
		return r.close(domain.StatusRejected, systemEvent("precheck_refused", findings(res.Refusal)))
	}
	if len(res.Fixable) > 0 {
		return r.returnToApplicant(domain.StagePrecheck, "precheck_returned", res.Fixable)
	}
	if r.in.FiledBy == domain.RoleEnterprise {
		r.startClock(domain.StageProvincialReview)
		return r.moveTo(domain.StageProvincialReview, systemEvent("precheck_passed",
			"all checks passed; enterprise confirmation skipped because the enterprise filed the case"))
	}
	r.startClock(domain.StageEnterpriseConfirmation)
	return r.moveTo(domain.StageEnterpriseConfirmation, systemEvent("precheck_passed", "all checks passed"))
}

// findings joins findings into one sentence list naming each rule.
func findings(fs []steps.Finding) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Rule + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// enterpriseConfirmation waits for the named enterprise; after its limit the case returns to
// the applicant.
func (r *caseRun) enterpriseConfirmation() error {
	stage := domain.StageEnterpriseConfirmation
	d, ok, err := r.await(wait{clock: r.st.Clocks[stage], clockEndsWait: true})
	if err != nil {
		return err
	}
	if !ok {
		delete(r.st.Clocks, stage)
		limit := r.in.Policy.StageLimits[stage]
		return r.returnToApplicant(domain.StagePrecheck, "enterprise_timeout", []steps.Finding{{
			Rule:    "enterprise_confirmation_timeout",
			Message: fmt.Sprintf("the enterprise did not confirm the employment within %d working days", limit),
		}})
	}
	return r.handle(d)
}

// confirm: the enterprise confirms the employment; provincial review starts.
func (r *caseRun) confirm(d Decision) error {
	delete(r.st.Clocks, domain.StageEnterpriseConfirmation)
	r.startClock(domain.StageProvincialReview)
	return r.moveTo(domain.StageProvincialReview, decisionEvent(d))
}

// review is a provincial or ministry review: approve, reject, request supplements, extend.
func (r *caseRun) review() error {
	stage := r.st.Facts.Stage
	clock := r.st.Clocks[stage]
	if clock == nil { // defensive: a stage entered without a clock still gets one
		r.startClock(stage)
		clock = r.st.Clocks[stage]
	}
	d, _, err := r.await(wait{clock: clock})
	if err != nil {
		return err
	}
	return r.handle(d)
}

// extend lengthens the ministry review once.
func (r *caseRun) extend(d Decision) error {
	r.st.Clocks[r.st.Facts.Stage].Extend(r.in.Calendar.WorkingDays(r.in.Policy.MinistryExtensionDays))
	r.st.Facts.Extended = true
	ev := decisionEvent(d)
	ev.Comment = fmt.Sprintf("%s (limit extended by %d working days)", d.Comment, r.in.Policy.MinistryExtensionDays)
	return r.record(ev)
}

// approveReview: a 一级 case goes from provincial to ministry review; otherwise the approval
// starts the public notice.
func (r *caseRun) approveReview(d Decision) error {
	stage := r.st.Facts.Stage
	delete(r.st.Clocks, stage)
	if stage == domain.StageProvincialReview {
		r.st.Facts.ProvincialReviewer = d.Principal.Subject
		if r.in.Level == 1 {
			r.startClock(domain.StageMinistryReview)
			return r.moveTo(domain.StageMinistryReview, decisionEvent(d))
		}
	}
	return r.startNotice(decisionEvent(d))
}

// startNotice begins the public notice period.
func (r *caseRun) startNotice(ev steps.Event) error {
	r.st.NoticeLeft = r.days(r.in.Policy.PublicNoticeDays)
	r.st.Deadline = r.now().Add(r.st.NoticeLeft)
	return r.moveTo(domain.StagePublicNotice, ev)
}

// publicNotice waits out the notice; an objection holds it for a provincial reviewer.
func (r *caseRun) publicNotice() error {
	d, ok, err := r.await(wait{deadline: true})
	if err != nil {
		return err
	}
	if !ok {
		r.st.Deadline = time.Time{}
		return r.moveTo(domain.StageIssuing, systemEvent("public_notice_ended", "no objection upheld during the public notice"))
	}
	return r.handle(d)
}

// object pauses the notice and holds the case for a provincial reviewer.
func (r *caseRun) object(d Decision) error {
	r.st.NoticeLeft = r.st.Deadline.Sub(r.now())
	r.st.Deadline = time.Time{}
	r.startClock(domain.StageObjectionReview)
	return r.moveTo(domain.StageObjectionReview, decisionEvent(d))
}

// objectionReview decides an objection: approve dismisses it and the notice resumes; reject
// upholds it and the case is rejected.
func (r *caseRun) objectionReview() error {
	d, _, err := r.await(wait{clock: r.st.Clocks[domain.StageObjectionReview]})
	if err != nil {
		return err
	}
	return r.handle(d)
}

// dismissObjection resumes the public notice with the time it had left.
func (r *caseRun) dismissObjection(d Decision) error {
	delete(r.st.Clocks, domain.StageObjectionReview)
	r.st.Deadline = r.now().Add(r.st.NoticeLeft)
	return r.moveTo(domain.StagePublicNotice, decisionEvent(d))
}

// issue assigns the registration number and activates the registration. The database refuses
// a second active registration for one person; that rejects the case.
func (r *caseRun) issue() error {
	ctx := r.activityCtx(time.Minute)
	req := steps.IssueRequest{CaseID: r.in.CaseID, At: r.now(), ValidityYears: r.in.Policy.ValidityYears}
	var res steps.IssueResult
	err := workflow.ExecuteActivity(ctx, acts.IssueRegistration, req).Get(r.ctx, &res)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == steps.ErrAlreadyRegistered {
		return r.close(domain.StatusRejected, systemEvent("issue_refused",
			"already_registered: the practitioner already holds an active registration"))
	}
	if err != nil {
		return err
	}
	r.st.Registration = &res
	return r.close(domain.StatusApproved, systemEvent("issued",
		fmt.Sprintf("registration %s valid %s to %s", res.RegistrationNumber,
			res.ValidFrom.Format("2006-01-02"), res.ValidTo.Format("2006-01-02"))))
}
