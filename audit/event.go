// Package audit is certflow's tamper-evident audit trail: an append-only, hash-chained log of
// security events (audit_log), and the verification of that chain and of every case
// timeline's chain (case_events).
//
// To record an event, call Record with what happened — never personal data, only ids:
//
//	err := audit.New(db).Record(ctx, audit.Event{
//		Actor: p.Subject, ActorRole: string(p.Role), Address: c.ClientIP(),
//		Action: audit.ActionLoginFailed, Target: "user/" + userID, Outcome: audit.OutcomeFailure,
//	})
//
// db may be the pool or a transaction (bun.IDB), so an event can commit with the change it
// records. PostgreSQL computes the chain (prev_hash, hash) in a BEFORE INSERT trigger.
package audit

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Actions recorded in the audit log.
const (
	ActionLoginSucceeded     = "login.succeeded"
	ActionLoginFailed        = "login.failed"
	ActionAccountLocked      = "account.locked"
	ActionMFAEnrolled        = "mfa.enrolled"
	ActionRefreshReused      = "session.refresh_reused"
	ActionSessionEnded       = "session.ended"
	ActionUserCreated        = "user.created"
	ActionUserChanged        = "user.changed"
	ActionRoleGranted        = "role.granted"
	ActionEvidenceDownloaded = "evidence.downloaded"
	ActionPractitionerViewed = "practitioner.viewed"
)

// Outcomes of an audited action.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeDenied  = "denied"
)

// Event is one security event to record. No personal data: subjects and ids only.
type Event struct {
	// Actor is the subject who acted ("" when unknown, e.g. a failed login for no account).
	Actor string
	// ActorRole is the actor's role, if known.
	ActorRole string
	// Address is the client's IP address.
	Address string
	// Action is one of the Action constants.
	Action string
	// Target names what was acted on, by id: "user/ID", "practitioner/ID", "case/ID/evidence/ID".
	Target string
	// Outcome is one of the Outcome constants (OutcomeSuccess when empty).
	Outcome string
	// At is when it happened (the database's clock when zero).
	At time.Time
}

// Log writes and reads the audit log.
type Log struct{ DB bun.IDB }

// New is the audit log on db (the pool or a transaction).
func New(db bun.IDB) *Log { return &Log{DB: db} }

// Record appends an event to the audit log.
func (l *Log) Record(ctx context.Context, e Event) error {
	if e.Outcome == "" {
		e.Outcome = OutcomeSuccess
	}
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	_, err := l.DB.NewRaw(`INSERT INTO audit_log (at, actor, actor_role, address, action, target, outcome)
		VALUES (coalesce(?::timestamptz, now()), ?, ?, ?, ?, ?, ?)`,
		at, e.Actor, e.ActorRole, e.Address, e.Action, e.Target, e.Outcome).Exec(ctx)
	return err
}
