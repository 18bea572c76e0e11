package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/domain"
	"certflow/workflows/steps"
)

// acts is used only for its method values: activity references whose names and arguments the
// compiler and workflow.ExecuteActivity check.
var acts *steps.Stubs

// errContinueAsNew asks the main loop to continue the case as a new run.
var errContinueAsNew = errors.New("continue as new")

// Search attribute keys for operators; none carries personal data.
var (
	saCaseType   = temporal.NewSearchAttributeKeyKeyword("CaseType")
	saCaseStage  = temporal.NewSearchAttributeKeyKeyword("CaseStage")
	saCaseStatus = temporal.NewSearchAttributeKeyKeyword("CaseStatus")
	saProvince   = temporal.NewSearchAttributeKeyKeyword("Province")
	saSLADue     = temporal.NewSearchAttributeKeyTime("SLADue")
)

// StartSearchAttributes are the search attributes a case workflow starts with.
func StartSearchAttributes(caseType, stage, status, province string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(saCaseType.ValueSet(caseType), saCaseStage.ValueSet(stage),
		saCaseStatus.ValueSet(status), saProvince.ValueSet(province))
}

// caseRun is the shared machinery of one case workflow run: state, timeline writes, waiting
// for decisions under an SLA clock.
type caseRun struct {
	ctx       workflow.Context
	in        CaseInput
	st        *CaseState
	decisions workflow.ReceiveChannel
	touches   workflow.ReceiveChannel
	// hardened is set for runs started since the hardening change (versionHardening): decision
	// content is checked on receipt, data the database refuses is recorded instead of failing
	// the case, and working-day deadlines end at the end of their day.
	hardened bool
	// inflight is the decision the current step is handling, if any.
	inflight *Decision
	// typ is the case type's stages and handlers.
	typ *caseType
}

// versionHardening names the workflow change that brought the rules above; runs that started
// before it replay and finish on the old rules.
const versionHardening = "hardening-2026-11"

func newCaseRun(ctx workflow.Context, in CaseInput) (*caseRun, error) {
	r := &caseRun{
		ctx:       ctx,
		in:        in,
		st:        in.State,
		decisions: workflow.GetSignalChannel(ctx, SignalDecision),
		touches:   workflow.GetSignalChannel(ctx, SignalTouch),
	}
	r.hardened = workflow.GetVersion(ctx, versionHardening, workflow.DefaultVersion, 1) >= 1
	if r.st == nil {
		facts := in.Facts
		facts.Type = in.Type
		facts.Status = domain.StatusOpen
		facts.Stage = domain.StageDraft
		r.st = &CaseState{Facts: facts, Clocks: map[domain.Stage]*Clock{}}
	}
	r.in.State = nil
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (CaseState, error) { return *r.st, nil }); err != nil {
		return nil, err
	}
	return r, nil
}

// now is the workflow's deterministic clock.
func (r *caseRun) now() time.Time { return workflow.Now(r.ctx).UTC() }

// days converts a number of calendar days into time on this case's calendar.
func (r *caseRun) days(n int) time.Duration { return r.in.Calendar.CalendarDays(n) }

// activityCtx returns a context with the timeouts and retries every store activity uses:
// retried until the store answers, since a case must not fail because a database blinked.
func (r *caseRun) activityCtx(timeout time.Duration) workflow.Context {
	return workflow.WithActivityOptions(r.ctx, workflow.ActivityOptions{
		StartToCloseTimeout: timeout,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// projection derives the case row from the state. The deadline shown is the one the case
// waits under: a review stage's working-day clock ("review"), the applicant's supplement
// window ("supplement", with the authority's clock paused, whether or not a review clock had
// started), or the end of the public notice ("notice"). A draft shows none.
func (r *caseRun) projection() steps.Projection {
	st := r.st
	p := steps.Projection{
		Stage:              st.Facts.Stage,
		Status:             st.Facts.Status,
		AssigneeRole:       r.waitsOn(st.Facts.Stage),
		AssigneeEnterprise: r.waitingEnterprise(st.Facts.Stage),
		ProvincialReviewer: st.Facts.ProvincialReviewer,
		Extended:           st.Facts.Extended,
	}
	if st.Facts.Status != domain.StatusOpen {
		p.AssigneeRole, p.AssigneeEnterprise = "", ""
		return p
	}
	deadline := func(clock string) {
		if !st.Deadline.IsZero() {
			due := st.Deadline
			p.DueAt, p.Clock = &due, clock
		}
	}
	switch stage := st.Facts.Stage; {
	case stage == domain.StageSupplement:
		deadline("supplement")
		p.Paused = true
		if c := st.Clocks[st.ReturnTo]; c != nil {
			p.Breached = c.Breached
		}
	case stage == domain.StagePublicNotice:
		deadline("notice")
	case st.Clocks[stage] != nil && st.Clocks[stage].Running():
		c := st.Clocks[stage]
		due := c.Due(r.in.Calendar)
		p.DueAt, p.Breached, p.Clock = &due, c.Breached, "review"
	}
	return p
}

// record writes the projection and one timeline event, keyed so it is written once.
func (r *caseRun) record(ev steps.Event) error {
	r.st.Seq++
	if ev.At.IsZero() {
		ev.At = r.now()
	}
	if ev.FromStage == "" {
		ev.FromStage = r.st.Facts.Stage
	}
	if ev.ToStage == "" {
		ev.ToStage = r.st.Facts.Stage
	}
	if ev.ActorRole == "" && ev.ActorSub == "" {
		ev.ActorSub = "certflow"
	}
	key := fmt.Sprintf("wf-%d", r.st.Seq)
	if ev.DecisionID != "" {
		key = "d-" + ev.DecisionID
	}
	rec := steps.TransitionRecord{
		CaseID:     r.in.CaseID,
		Key:        key,
		Projection: r.projection(),
		Event:      ev,
	}
	if err := workflow.ExecuteActivity(r.activityCtx(30*time.Second), acts.RecordTransition, rec).Get(r.ctx, nil); err != nil {
		return err
	}
	return r.upsertSearchAttributes(rec.Projection)
}

// upsertSearchAttributes keeps the operators' view in Temporal current.
func (r *caseRun) upsertSearchAttributes(p steps.Projection) error {
	updates := []temporal.SearchAttributeUpdate{
		saCaseType.ValueSet(string(r.in.Type)),
		saCaseStage.ValueSet(string(p.Stage)),
		saCaseStatus.ValueSet(string(p.Status)),
		saProvince.ValueSet(r.st.Facts.Province),
	}
	if p.DueAt != nil {
		updates = append(updates, saSLADue.ValueSet(*p.DueAt))
	} else {
		updates = append(updates, saSLADue.ValueUnset())
	}
	return workflow.UpsertTypedSearchAttributes(r.ctx, updates...)
}

// moveTo changes stage and records why.
func (r *caseRun) moveTo(to domain.Stage, ev steps.Event) error {
	ev.FromStage, ev.ToStage = r.st.Facts.Stage, to
	r.st.Facts.Stage = to
	return r.record(ev)
}

// close ends the case with a status.
func (r *caseRun) close(status domain.Status, ev steps.Event) error {
	r.st.Facts.Status = status
	r.st.Deadline = time.Time{}
	return r.moveTo(domain.StageClosed, ev)
}

// decisionEvent turns an accepted decision into its timeline entry.
func decisionEvent(d Decision) steps.Event {
	return steps.Event{
		ActorSub:    d.Principal.Subject,
		ActorRole:   d.Principal.Role,
		Action:      string(d.Action),
		Comment:     d.Comment,
		EvidenceIDs: d.EvidenceIDs,
		At:          d.At,
		DecisionID:  d.ID,
	}
}

// systemEvent is a timeline entry written by certflow itself.
func systemEvent(action, comment string) steps.Event {
	return steps.Event{ActorSub: "certflow", Action: action, Comment: comment}
}

// refuse records a decision the workflow would not take, instead of dropping it silently.
// The refusal names the decision and why; it does not repeat what the decision carried.
func (r *caseRun) refuse(d Decision, why error) error {
	ev := decisionEvent(d)
	ev.Action = "refused_" + string(d.Action)
	ev.Comment = why.Error()
	if r.hardened {
		ev.EvidenceIDs = nil
	}
	return r.record(ev)
}

// check applies the decision rule to a received decision: who may act in this stage and, for
// hardened runs, what the decision carries (domain.CheckDecisionContent).
func (r *caseRun) check(d Decision) error {
	if err := domain.CheckDecision(r.st.Facts, d.Principal, d.Action, d.Comment); err != nil {
		return err
	}
	if r.hardened {
		return domain.CheckDecisionContent(d.Action, d.Comment, d.EvidenceIDs)
	}
	return nil
}

// wait says what ends a wait besides an accepted decision.
type wait struct {
	// clock, when set, sends a reminder before its deadline and escalates when it passes.
	clock *Clock
	// clockEndsWait makes the clock's deadline end the wait instead of escalating.
	clockEndsWait bool
	// deadline, when set, ends the wait (st.Deadline).
	deadline bool
	// touchExtends moves the deadline on a touch signal (draft activity).
	touchExtends time.Duration
}

// next is the earliest timed thing a wait is watching.
type next struct {
	at   time.Time
	kind string
}

// nextTimed finds the earliest pending timer of a wait.
func (r *caseRun) nextTimed(w wait) (next, bool) {
	var n next
	consider := func(at time.Time, kind string) {
		if n.kind == "" || at.Before(n.at) {
			n = next{at: at, kind: kind}
		}
	}
	if w.deadline && !r.st.Deadline.IsZero() {
		consider(r.st.Deadline, "deadline")
	}
	if c := w.clock; c != nil && c.Running() {
		lead := r.in.Calendar.WorkingDays(r.in.Policy.ReminderDays)
		if !c.Reminded && lead > 0 {
			consider(c.RemindAt(r.in.Calendar, lead), "remind")
		}
		if w.clockEndsWait {
			consider(c.Due(r.in.Calendar), "deadline")
		} else if !c.Breached {
			consider(c.Due(r.in.Calendar), "breach")
		}
	}
	return n, n.kind != ""
}

// await waits for a decision the rule accepts in the current stage. It returns false when
// the wait's deadline passed first. Refused decisions are recorded and the wait goes on.
func (r *caseRun) await(w wait) (Decision, bool, error) {
	for {
		if len(r.st.Pending) > 0 {
			d := r.st.Pending[0]
			r.st.Pending = r.st.Pending[1:]
			if err := r.check(d); err != nil {
				if err := r.refuse(d, err); err != nil {
					return Decision{}, false, err
				}
				continue
			}
			r.inflight = &d
			return d, true, nil
		}
		if workflow.GetInfo(r.ctx).GetContinueAsNewSuggested() {
			return Decision{}, false, errContinueAsNew
		}
		n, timed := r.nextTimed(w)
		now := r.now()
		if timed && !n.at.After(now) {
			done, err := r.fire(n.kind, w)
			if done || err != nil {
				return Decision{}, false, err
			}
			continue
		}
		timerCtx, cancel := workflow.WithCancel(r.ctx)
		fired, touched := false, false
		sel := workflow.NewSelector(r.ctx)
		sel.AddReceive(r.decisions, func(c workflow.ReceiveChannel, _ bool) {
			var d Decision
			c.Receive(r.ctx, &d)
			r.st.Pending = append(r.st.Pending, d)
		})
		sel.AddReceive(r.touches, func(c workflow.ReceiveChannel, _ bool) {
			c.Receive(r.ctx, nil)
			touched = true
		})
		if timed {
			sel.AddFuture(workflow.NewTimer(timerCtx, n.at.Sub(now)), func(workflow.Future) { fired = true })
		}
		sel.Select(r.ctx)
		cancel()
		if touched && w.touchExtends > 0 {
			r.st.Deadline = r.now().Add(w.touchExtends)
		}
		if fired {
			done, err := r.fire(n.kind, w)
			if done || err != nil {
				return Decision{}, false, err
			}
		}
	}
}

// fire handles a timer: a reminder, an escalation, or the end of the wait (done).
func (r *caseRun) fire(kind string, w wait) (done bool, err error) {
	stage := r.st.Facts.Stage
	role := r.waitsOn(stage)
	switch kind {
	case "remind":
		w.clock.Reminded = true
		due := w.clock.Due(r.in.Calendar).Format(time.RFC3339)
		msg := fmt.Sprintf("case %s waits in %s; its deadline is %s", r.in.Number, stage, due)
		if err := r.notify(steps.KindSLAReminder, role, msg); err != nil {
			return false, err
		}
		return false, r.record(systemEvent("sla_reminder", "reminder sent to "+string(role)+": deadline "+due))
	case "breach":
		w.clock.Breached = true
		msg := fmt.Sprintf("case %s passed its %s deadline and still waits for a %s", r.in.Number, stage, role)
		if err := r.notify(steps.KindSLAEscalation, domain.RoleSupervisor, msg); err != nil {
			return false, err
		}
		return false, r.record(systemEvent("sla_breached", "deadline passed; escalated to supervisors; the case keeps waiting for its decision"))
	default:
		return true, nil
	}
}

// notify sends a notification through the store, keyed by the case's next timeline number.
func (r *caseRun) notify(kind string, role domain.Role, msg string) error {
	n := steps.Notification{
		CaseID:  r.in.CaseID,
		Key:     fmt.Sprintf("wf-%d-%s", r.st.Seq+1, kind),
		Kind:    kind,
		Role:    role,
		Message: msg,
		At:      r.now(),
	}
	if role == domain.RoleEnterprise {
		n.EnterpriseUSCC = r.waitingEnterprise(r.st.Facts.Stage)
	}
	return workflow.ExecuteActivity(r.activityCtx(30*time.Second), acts.Notify, n).Get(r.ctx, nil)
}

// drainClosed records any decision that arrived after the case closed as refused, so none is
// lost silently, then waits for handlers to finish.
func (r *caseRun) drainClosed() error {
	for {
		var d Decision
		if len(r.st.Pending) > 0 {
			d = r.st.Pending[0]
			r.st.Pending = r.st.Pending[1:]
		} else if !r.decisions.ReceiveAsync(&d) {
			break
		}
		if err := r.refuse(d, r.check(d)); err != nil {
			return err
		}
	}
	for r.touches.ReceiveAsync(nil) {
	}
	return workflow.Await(r.ctx, func() bool { return workflow.AllHandlersFinished(r.ctx) })
}

// drainForContinue moves buffered signals into the state before continuing as new.
func (r *caseRun) drainForContinue() {
	for {
		var d Decision
		if !r.decisions.ReceiveAsync(&d) {
			break
		}
		r.st.Pending = append(r.st.Pending, d)
	}
}
