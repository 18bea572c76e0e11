package api

import (
	"context"

	"certflow/audit"
)

// TrailAuditor records the API's security events in the tamper-evident audit log.
type TrailAuditor struct{ Log *audit.Log }

// trailActions name the audit log's actions for the security events the API reports; other
// events keep their own name under "account.".
var trailActions = map[string]string{
	"login":          audit.ActionLoginSucceeded,
	"login_failed":   audit.ActionLoginFailed,
	"mfa_failed":     audit.ActionLoginFailed,
	"lockout":        audit.ActionAccountLocked,
	"mfa_enrolled":   audit.ActionMFAEnrolled,
	"refresh_reused": audit.ActionRefreshReused,
	"session_ended":  audit.ActionSessionEnded,
	"sessions_ended": audit.ActionSessionEnded,
	"user_created":   audit.ActionUserCreated,
	"user_changed":   audit.ActionUserChanged,
	"role_granted":   audit.ActionRoleGranted,
}

// Record implements Auditor.
func (a TrailAuditor) Record(ctx context.Context, e SecurityEvent) error {
	action, ok := trailActions[e.Action]
	if !ok {
		action = "account." + e.Action
	}
	outcome := audit.OutcomeSuccess
	if e.Outcome != "" && e.Outcome != "success" {
		outcome = audit.OutcomeFailure
	}
	return a.Log.Record(ctx, audit.Event{Actor: e.Actor, ActorRole: string(e.Role), Address: e.Address,
		Action: action, Target: e.Target, Outcome: outcome, At: e.At})
}
