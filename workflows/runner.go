package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// The case runner owns what every case type shares: the main loop, continue-as-new, draining
// signals, recovery from steps that fail for good, withdraw and reject, the draft, and the
// supplement round trip with the review clock stopped. A case type gives it the steps of its
// own stages and the handlers of its decisions (caseType); waiting under SLA clocks with
// reminders and escalation, and the timeline and projection writes, are in machine.go.

// caseType is a case type's part of the runner.
type caseType struct {
	// steps run each stage until the case moves on.
	steps map[domain.Stage]func(*caseRun) error
	// handlers carry out each decision its definition allows, per stage.
	handlers map[domain.Stage]map[domain.Action]handler
	// life is a lifecycle type's own steps (nil for the registration).
	life *lifecycle
}

// runCase runs a case until it closes and returns its run; it returns the continue-as-new
// error (to be returned by the workflow) when the history grows long. self is the workflow
// function, which the next run continues with.
func runCase(ctx workflow.Context, in CaseInput, t *caseType, self any) (*caseRun, error) {
	r, err := newCaseRun(ctx, in)
	if err != nil {
		return nil, err
	}
	r.typ = t
	if in.State == nil {
		r.st.Deadline = r.now().Add(r.days(in.Policy.DraftAbandonDays))
		if err := r.record(steps.Event{ActorSub: "certflow", Action: "created", FromStage: domain.StageDraft}); err != nil {
			return nil, err
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
			return nil, workflow.NewContinueAsNewError(ctx, self, next)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := r.drainClosed(); err != nil {
		return nil, err
	}
	return r, nil
}

// step runs the current stage until the case moves on.
func (r *caseRun) step() error {
	if run := r.typ.steps[r.st.Facts.Stage]; run != nil {
		return run(r)
	}
	return fmt.Errorf("case in unknown stage %q", r.st.Facts.Stage)
}

// handler is what one accepted decision does in a stage.
type handler func(r *caseRun, d Decision) error

// handle carries out an accepted decision through the stage's handler; a decision without
// one is refused and recorded, and the stage waits again.
func (r *caseRun) handle(d Decision) error {
	h := r.typ.handlers[r.st.Facts.Stage][d.Action]
	if h == nil {
		return r.refuse(d, fmt.Errorf("no handler for %s in stage %s", d.Action, r.st.Facts.Stage))
	}
	return h(r, d)
}

// withdraw closes the case at the filer's request.
func (r *caseRun) withdraw(d Decision) error {
	return r.close(domain.StatusWithdrawn, decisionEvent(d))
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

// enter moves the case into a stage, starting the stage's SLA clock when its definition runs
// one.
func (r *caseRun) enter(stage domain.Stage, ev steps.Event) error {
	def, _ := domain.DefinitionOf(r.in.Type)
	if rule, _ := def.Stage(stage); rule.Clock {
		r.startClock(stage)
	}
	return r.moveTo(stage, ev)
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
