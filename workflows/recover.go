package workflows

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"certflow/workflows/steps"
)

// versionRecovery lets cases that started before the hardening change recover from a step
// that failed for good too, instead of failing; it is asked only when such a failure happens,
// so their histories replay unchanged.
const versionRecovery = "recover-failed-step"

// recovers reports whether this run undoes a step that failed for good (recoverStep) rather
// than failing the case: always since the hardening change, and for older runs from the first
// such failure on.
func (r *caseRun) recovers() bool {
	return r.hardened || workflow.GetVersion(r.ctx, versionRecovery, workflow.DefaultVersion, 1) >= 1
}

// snapshot copies the case state, so a step that fails for good can be undone.
func (r *caseRun) snapshot() *CaseState {
	b, err := json.Marshal(r.st)
	if err != nil {
		panic(fmt.Sprintf("case state does not encode: %v", err)) // a programming error
	}
	var cp CaseState
	if err := json.Unmarshal(b, &cp); err != nil {
		panic(fmt.Sprintf("case state does not decode: %v", err))
	}
	return &cp
}

// failedForGood reports whether err is an activity failure that retrying cannot fix (a
// non-retryable application error, such as data the database refuses).
func failedForGood(err error) bool {
	var appErr *temporal.ApplicationError
	var actErr *temporal.ActivityError
	return errors.As(err, &actErr) && errors.As(err, &appErr) && appErr.NonRetryable()
}

// recoverStep undoes a step that failed for good and leaves the case waiting safely: the
// state goes back to snap (timeline keys already used stay used); a decision being handled is
// recorded as refused, naming no data of it; when nothing can be recorded, or an automated step
// failed, the case is flagged stuck for operators and the step is tried again after a day.
func (r *caseRun) recoverStep(snap *CaseState, cause error) error {
	seq := r.st.Seq
	r.st = snap
	r.st.Seq = max(r.st.Seq, seq)
	d := r.inflight
	r.inflight = nil
	reason := "an automated step failed for good"
	if d != nil {
		r.st.Pending = slices.DeleteFunc(r.st.Pending, func(p Decision) bool { return p.ID == d.ID })
		err := r.refuse(*d, errors.New("the decision could not be recorded (the database refused its data); nothing changed"))
		if !failedForGood(err) {
			return err
		}
		reason = "a decision could not be recorded, nor its refusal"
	}
	var appErr *temporal.ApplicationError
	if errors.As(cause, &appErr) {
		reason += ": " + appErr.Error()
	}
	report := steps.StuckReport{CaseID: r.in.CaseID, Reason: reason, Key: fmt.Sprintf("wf-%d-stuck", r.st.Seq), At: r.now()}
	if err := workflow.ExecuteActivity(r.activityCtx(30*time.Second), acts.FlagStuck, report).Get(r.ctx, nil); err != nil {
		return err
	}
	return workflow.Sleep(r.ctx, r.days(1))
}
