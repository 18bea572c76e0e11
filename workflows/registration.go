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
// A step whose data the database refuses for good (an activity failing non-retryably) does not
// fail the case: the case is put back as it was before the step, the decision being handled is
// recorded as refused, and an automated step is flagged for operators and tried again a day
// later (see recoverStep).

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
	r, err := newCaseRun(ctx, in)
	if err != nil {
		return Outcome{}, err
	}
	if in.State == nil {
		r.st.Deadline = r.now().Add(r.days(in.Policy.DraftAbandonDays))
		if err := r.record(steps.Event{ActorSub: "certflow", Action: "created", FromStage: domain.StageDraft}); err != nil {
			return Outcome{}, err
		}
	}
	for r.st.Facts.Status == domain.StatusOpen {
		snap := r.snapshot()
		r.inflight = nil
		err := r.step()
		if failedForGood(err) && r.recovers() {
			err = r.recoverStep(snap, err)
		}
		if errors.Is(err, errContinueAsNew) {
			r.drainForContinue()
			next := r.in
			next.State = r.st
			return Outcome{}, workflow.NewContinueAsNewError(ctx, Registration, next)
		}
		if err != nil {
			return Outcome{}, err
		}
	}
	if err := r.drainClosed(); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Status: r.st.Facts.Status}
	if r.st.Registration != nil {
		out.RegistrationNumber = r.st.Registration.RegistrationNumber
	}
	return out, nil
}

// step runs the current stage until the case moves on.
func (r *caseRun) step() error {
	switch r.st.Facts.Stage {
	case domain.StageDraft:
		return r.draft()
	case domain.StagePrecheck:
		return r.precheck()
	case domain.StageEnterpriseConfirmation:
		return r.enterpriseConfirmation()
	case domain.StageProvincialReview, domain.StageMinistryReview:
		return r.review()
	case domain.StagePublicNotice:
		return r.publicNotice()
	case domain.StageObjectionReview:
		return r.objectionReview()
	case domain.StageSupplement:
		return r.supplement()
	case domain.StageIssuing:
		return r.issue()
	}
	return fmt.Errorf("case in unknown stage %q", r.st.Facts.Stage)
}

// withdraw closes the case at the filer's request.
func (r *caseRun) withdraw(d Decision) error {
	return r.close(domain.StatusWithdrawn, decisionEvent(d))
}

// handler is what one accepted decision does in a stage.
type handler func(r *caseRun, d Decision) error

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

// handle carries out an accepted decision through the stage's handler; a decision without
// one is refused and recorded, and the stage waits again.
func (r *caseRun) handle(d Decision) error {
	h := registrationHandlers[r.st.Facts.Stage][d.Action]
	if h == nil {
		return r.refuse(d, fmt.Errorf("no handler for %s in stage %s", d.Action, r.st.Facts.Stage))
	}
	return h(r, d)
}

// draft waits for submit; activity on the draft keeps it alive.
func (r *caseRun) draft() error {
	abandon := r.days(r.in.Policy.DraftAbandonDays)
	d, ok, err := r.await(wait{deadline: true, touchExtends: abandon})
	if err != nil {
		return err
	}
	if !ok {
		return r.close(domain.StatusAbandoned, systemEvent("abandoned",
			fmt.Sprintf("draft untouched for %d days", r.in.Policy.DraftAbandonDays)))
	}
	return r.handle(d)
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

// startClock starts a fresh SLA clock for a stage from the policy's limit.
func (r *caseRun) startClock(stage domain.Stage) {
	budget := r.in.Calendar.WorkingDays(r.in.Policy.StageLimits[stage])
	c := newClock(budget, r.now())
	c.EndOfDay = r.hardened
	r.st.Clocks[stage] = c
}

// returnToApplicant pauses the review clock (if any) and waits on the applicant.
func (r *caseRun) returnToApplicant(returnTo domain.Stage, action string, fs []steps.Finding) error {
	r.st.ReturnTo = returnTo
	r.st.Reasons = r.st.Reasons[:0]
	for _, f := range fs {
		r.st.Reasons = append(r.st.Reasons, f.Message)
	}
	if c := r.st.Clocks[returnTo]; c != nil {
		c.Pause(r.in.Calendar, r.now())
	}
	r.st.Deadline = r.now().Add(r.days(r.in.Policy.SupplementDays))
	return r.moveTo(domain.StageSupplement, steps.Event{ActorSub: "certflow", Action: action, Comment: findings(fs)})
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

// reject closes the case as rejected.
func (r *caseRun) reject(d Decision) error {
	delete(r.st.Clocks, r.st.Facts.Stage)
	return r.close(domain.StatusRejected, decisionEvent(d))
}

// requestSupplement sends the case back to the applicant with the review clock stopped.
func (r *caseRun) requestSupplement(d Decision) error {
	stage := r.st.Facts.Stage
	r.st.ReturnTo = stage
	r.st.Reasons = []string{d.Comment}
	r.st.Clocks[stage].Pause(r.in.Calendar, r.now())
	r.st.Deadline = r.now().Add(r.days(r.in.Policy.SupplementDays))
	return r.moveTo(domain.StageSupplement, decisionEvent(d))
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

// supplement waits for the applicant's answer with the review clock stopped.
func (r *caseRun) supplement() error {
	d, ok, err := r.await(wait{deadline: true})
	if err != nil {
		return err
	}
	if !ok {
		return r.close(domain.StatusAbandoned, systemEvent("abandoned",
			fmt.Sprintf("no supplement within %d days", r.in.Policy.SupplementDays)))
	}
	return r.handle(d)
}

// answerSupplement takes the applicant's answer back to the stage that asked, resuming its
// clock with the time it had left.
func (r *caseRun) answerSupplement(d Decision) error {
	r.st.Deadline = time.Time{}
	r.st.Reasons = nil
	back := r.st.ReturnTo
	r.st.ReturnTo = ""
	if c := r.st.Clocks[back]; c != nil {
		c.Resume(r.now())
	}
	return r.moveTo(back, decisionEvent(d))
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
