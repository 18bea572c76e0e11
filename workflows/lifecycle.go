package workflows

// The lifecycle types — renewal, change, addition, cancellation — share one shape on top of
// the case runner:
//
//	draft ──submit──▶ precheck ──▶ [release] ──▶ [enterprise_confirmation] ──▶ provincial_review ──▶ [ministry_review] ──▶ applying ──▶ closed
//	                     │            │                    │                          │                    │
//	                     ▼            ▼                    ▼                          ▼                    ▼
//	              supplement ◀── fixable findings, a release or confirmation not given in time, request_supplement
//
// Each type names its pre-check and apply activities, which stage follows the pre-check, and
// whether a provincial approval goes on to the ministry (一级). Hard pre-check findings, a
// rejection by a reviewer or by the enterprise asked to confirm, and a registration changed by
// another case before this one applies reject the case.

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// lifecycle is a lifecycle type's own part.
type lifecycle struct {
	precheck func(context.Context, steps.PrecheckRequest) (steps.PrecheckResult, error)
	apply    func(context.Context, steps.ApplyRequest) (steps.ApplyResult, error)
	// afterPrecheck is the stage a passed pre-check leads to.
	afterPrecheck func(r *caseRun, res steps.PrecheckResult) domain.Stage
	// ministry reports whether a provincial approval goes on to the ministry.
	ministry func(r *caseRun) bool
}

// lifecycleType builds the case runner's part of a lifecycle type: its stages' steps and an
// explicit handler for every decision the lifecycle definitions allow, kept for the stages
// the type's definition has.
func lifecycleType(def domain.CaseDefinition, l lifecycle) *caseType {
	t := lifecycleTables(l)
	for stage := range t.steps {
		if _, ok := def.Stage(stage); !ok {
			delete(t.steps, stage)
			delete(t.handlers, stage)
		}
	}
	return t
}

// lifecycleTables are the steps and handlers of every lifecycle stage.
func lifecycleTables(l lifecycle) *caseType {
	review := map[domain.Action]handler{
		domain.ActionApprove:           (*caseRun).approveLifecycle,
		domain.ActionReject:            (*caseRun).reject,
		domain.ActionRequestSupplement: (*caseRun).requestSupplement,
		domain.ActionWithdraw:          (*caseRun).withdraw,
	}
	return &caseType{
		life: &l,
		steps: map[domain.Stage]func(*caseRun) error{
			domain.StageDraft:                  (*caseRun).draft,
			domain.StagePrecheck:               (*caseRun).lifecyclePrecheck,
			domain.StageRelease:                (*caseRun).release,
			domain.StageEnterpriseConfirmation: (*caseRun).enterpriseConfirmation,
			domain.StageProvincialReview:       (*caseRun).review,
			domain.StageMinistryReview:         (*caseRun).review,
			domain.StageApplying:               (*caseRun).applyCase,
			domain.StageSupplement:             (*caseRun).supplement,
		},
		handlers: map[domain.Stage]map[domain.Action]handler{
			domain.StageDraft: {
				domain.ActionSubmit:   (*caseRun).submit,
				domain.ActionWithdraw: (*caseRun).withdraw,
			},
			domain.StageRelease: {
				domain.ActionRelease:  (*caseRun).released,
				domain.ActionWithdraw: (*caseRun).withdraw,
			},
			domain.StageEnterpriseConfirmation: {
				domain.ActionConfirm:  (*caseRun).confirm,
				domain.ActionReject:   (*caseRun).reject,
				domain.ActionWithdraw: (*caseRun).withdraw,
			},
			domain.StageProvincialReview: review,
			domain.StageMinistryReview:   review,
			domain.StageSupplement: {
				domain.ActionSupplement: (*caseRun).answerSupplement,
				domain.ActionWithdraw:   (*caseRun).withdraw,
			},
		},
	}
}

// runLifecycle runs a lifecycle case to its outcome.
func runLifecycle(ctx workflow.Context, in CaseInput, t *caseType, self any) (Outcome, error) {
	r, err := runCase(ctx, in, t, self)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Status: r.st.Facts.Status, RegistrationNumber: r.st.Applied}, nil
}

// lifecyclePrecheck runs the type's automated rules: hard findings reject, fixable ones go
// back to the applicant, and a passed check leads to the type's next stage.
func (r *caseRun) lifecyclePrecheck() error {
	var res steps.PrecheckResult
	req := steps.PrecheckRequest{CaseID: r.in.CaseID, At: r.now(), Policy: r.in.Policy}
	if err := workflow.ExecuteActivity(r.activityCtx(time.Minute), r.typ.life.precheck, req).Get(r.ctx, &res); err != nil {
		return err
	}
	if len(res.Refusal) > 0 {
		return r.close(domain.StatusRejected, systemEvent("precheck_refused", findings(res.Refusal)))
	}
	if len(res.Fixable) > 0 {
		return r.returnToApplicant(domain.StagePrecheck, "precheck_returned", res.Fixable)
	}
	next := r.typ.life.afterPrecheck(r, res)
	return r.enter(next, systemEvent("precheck_passed", "all checks passed; next: "+string(next)))
}

// confirmationUnlessEnterpriseFiled: the named enterprise confirms, unless it filed the case.
func confirmationUnlessEnterpriseFiled(r *caseRun, _ steps.PrecheckResult) domain.Stage {
	if r.in.FiledBy == domain.RoleEnterprise {
		return domain.StageProvincialReview
	}
	return domain.StageEnterpriseConfirmation
}

// provincialReview: the case goes straight to the province.
func provincialReview(*caseRun, steps.PrecheckResult) domain.Stage {
	return domain.StageProvincialReview
}

// firstLevel: 一级 cases go on to the ministry; 二级 are decided by the province.
func firstLevel(r *caseRun) bool { return r.in.Level == 1 }

// provinceDecides: the province's approval is final.
func provinceDecides(*caseRun) bool { return false }

// release waits for the enterprise the person leaves; when its limit passes, the applicant is
// asked for proof that the contract ended.
func (r *caseRun) release() error {
	stage := domain.StageRelease
	d, ok, err := r.await(wait{clock: r.st.Clocks[stage], clockEndsWait: true})
	if err != nil {
		return err
	}
	if !ok {
		delete(r.st.Clocks, stage)
		return r.returnToApplicant(domain.StagePrecheck, "release_timeout", []steps.Finding{{
			Rule:    "release_missing",
			Message: "the previous enterprise did not release the person in time: upload contract_termination evidence proving the contract ended",
		}})
	}
	return r.handle(d)
}

// released: the old enterprise let the person go; the new enterprise confirms next (unless
// it filed the case).
func (r *caseRun) released(d Decision) error {
	delete(r.st.Clocks, domain.StageRelease)
	return r.enter(confirmationUnlessEnterpriseFiled(r, steps.PrecheckResult{}), decisionEvent(d))
}

// approveLifecycle: a provincial approval goes to the ministry when the type asks for it;
// otherwise, and after the ministry, the change is applied.
func (r *caseRun) approveLifecycle(d Decision) error {
	stage := r.st.Facts.Stage
	delete(r.st.Clocks, stage)
	if stage == domain.StageProvincialReview {
		r.st.Facts.ProvincialReviewer = d.Principal.Subject
		if r.typ.life.ministry(r) {
			return r.enter(domain.StageMinistryReview, decisionEvent(d))
		}
	}
	return r.moveTo(domain.StageApplying, decisionEvent(d))
}

// applyCase applies the approved case to the registration; a registration another case
// changed first rejects it.
func (r *caseRun) applyCase() error {
	req := steps.ApplyRequest{CaseID: r.in.CaseID, At: r.now(), Policy: r.in.Policy}
	var res steps.ApplyResult
	err := workflow.ExecuteActivity(r.activityCtx(time.Minute), r.typ.life.apply, req).Get(r.ctx, &res)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == steps.ErrRegistrationChanged {
		return r.close(domain.StatusRejected, systemEvent("apply_refused", "registration_changed: "+appErr.Message()))
	}
	if err != nil {
		return err
	}
	r.st.Applied = res.RegistrationNumber
	return r.close(domain.StatusApproved, systemEvent("applied", res.Summary))
}

// skips reports whether the pre-check found a stage unnecessary.
func skips(res steps.PrecheckResult, s domain.Stage) bool { return slices.Contains(res.Skip, s) }
