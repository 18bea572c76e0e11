// Package steps is the contract between the case workflows and their activities: the inputs
// and results of every activity, its error types, and the Activities interface that package
// activities implements. It depends on no storage package, so the workflows that import it do
// not pull in the database driver or the object store.
package steps

import (
	"time"

	"certflow/domain"
)

// Event is one entry of a case's append-only timeline.
type Event struct {
	ActorSub  string       `json:"actor_sub"`
	ActorRole domain.Role  `json:"actor_role"`
	Action    string       `json:"action"`
	FromStage domain.Stage `json:"from_stage"`
	ToStage   domain.Stage `json:"to_stage"`
	Comment   string       `json:"comment,omitempty"`
	// EvidenceIDs are references to evidence records, never file contents.
	EvidenceIDs []string  `json:"evidence_ids,omitempty"`
	At          time.Time `json:"at"`
	// DecisionID links the entry to the decision that caused it (its timeline key).
	DecisionID string `json:"decision_id,omitempty"`
}

// Projection is the case row as the workflow sees it after a transition.
type Projection struct {
	Stage        domain.Stage  `json:"stage"`
	Status       domain.Status `json:"status"`
	AssigneeRole domain.Role   `json:"assignee_role,omitempty"`
	AssigneeSub  string        `json:"assignee_sub,omitempty"`
	// AssigneeEnterprise is the enterprise the case waits on, when it waits on one.
	AssigneeEnterprise string     `json:"assignee_enterprise,omitempty"`
	DueAt              *time.Time `json:"due_at,omitempty"`
	// Clock names the clock DueAt belongs to: review, supplement or notice.
	Clock              string `json:"clock,omitempty"`
	Paused             bool   `json:"paused"`
	Breached           bool   `json:"breached"`
	ProvincialReviewer string `json:"provincial_reviewer,omitempty"`
	Extended           bool   `json:"extended"`
}

// TransitionRecord is written on every change of a case: the new projection and the event
// that caused it. Key makes the write idempotent (retries and replays write it once).
type TransitionRecord struct {
	CaseID     string     `json:"case_id"`
	Key        string     `json:"key"`
	Projection Projection `json:"projection"`
	Event      Event      `json:"event"`
}

// Finding is one pre-check result: the rule and a sentence for the applicant.
type Finding struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// PrecheckResult separates findings the applicant can fix from hard refusals.
type PrecheckResult struct {
	Fixable []Finding `json:"fixable,omitempty"`
	Refusal []Finding `json:"refusal,omitempty"`
	// Skip are stages the facts make unnecessary (a change of employer whose applicant proved
	// the old contract ended skips the old enterprise's release).
	Skip []domain.Stage `json:"skip,omitempty"`
}

// ApplyRequest asks for an approved lifecycle case to be applied to its registration.
type ApplyRequest struct {
	CaseID string        `json:"case_id"`
	At     time.Time     `json:"at"`
	Policy domain.Policy `json:"policy"`
}

// CaseRef names the case being applied.
func (r ApplyRequest) CaseRef() string { return r.CaseID }

// ApplyResult is what applying changed, in words without personal data.
type ApplyResult struct {
	RegistrationNumber string `json:"registration_number,omitempty"`
	Summary            string `json:"summary"`
}

// ErrRegistrationChanged is the application error type of an apply activity whose
// registration no longer is what the case was filed against (another case moved it first, or
// it ended): the case is rejected.
const ErrRegistrationChanged = "RegistrationChanged"

// IssueResult is what issuing produced.
type IssueResult struct {
	RegistrationID     string    `json:"registration_id"`
	RegistrationNumber string    `json:"registration_number"`
	ValidFrom          time.Time `json:"valid_from"`
	ValidTo            time.Time `json:"valid_to"`
}

// IssueRequest asks for the registration of a case to be issued.
type IssueRequest struct {
	CaseID        string    `json:"case_id"`
	At            time.Time `json:"at"`
	ValidityYears int       `json:"validity_years"`
}

// PrecheckRequest asks for the automated checks of a case.
type PrecheckRequest struct {
	CaseID string        `json:"case_id"`
	At     time.Time     `json:"at"`
	Policy domain.Policy `json:"policy"`
}

// Notification is a reminder, escalation or notice sent to a role about a case.
type Notification struct {
	CaseID string      `json:"case_id"`
	Key    string      `json:"key"`
	Kind   string      `json:"kind"`
	Role   domain.Role `json:"role"`
	// Subject is a specific recipient when known (e.g. the filer); empty means everyone in Role.
	Subject string `json:"subject,omitempty"`
	// EnterpriseUSCC, for role enterprise, is the one enterprise the notification is for (the
	// one the case waits on); empty means every enterprise that sees the case.
	EnterpriseUSCC string    `json:"enterprise_uscc,omitempty"`
	Message        string    `json:"message"`
	At             time.Time `json:"at"`
}

// ErrAlreadyRegistered is the application error type returned by IssueRegistration when the
// practitioner already holds an active registration (the database's partial unique index).
const ErrAlreadyRegistered = "AlreadyRegistered"

// StuckReport flags a case whose step failed for good, for operators.
type StuckReport struct {
	CaseID string `json:"case_id"`
	// Key makes the supervisors' notification idempotent.
	Key    string    `json:"key"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// CaseRef names the stuck case.
func (s StuckReport) CaseRef() string { return s.CaseID }

// ErrDataRefused is the application error type of an activity whose data the database refused
// (a constraint, an invalid value, a statement it cannot run): retrying cannot fix it, so it
// is not retried and the workflow records the failure instead.
const ErrDataRefused = "DataRefused"

// CaseRef is implemented by every activity input that belongs to a case.
type CaseRef interface{ CaseRef() string }

// CaseRef names the case of a transition.
func (r TransitionRecord) CaseRef() string { return r.CaseID }

// CaseRef names the case of a pre-check.
func (r PrecheckRequest) CaseRef() string { return r.CaseID }

// CaseRef names the case being issued.
func (r IssueRequest) CaseRef() string { return r.CaseID }

// CaseRef names the case a notification is about.
func (n Notification) CaseRef() string { return n.CaseID }

// Notification kinds, as the inbox shows them.
const (
	// KindSLAReminder reminds the assignee that a deadline approaches.
	KindSLAReminder = "sla_reminder"
	// KindSLAEscalation tells supervisors a deadline passed.
	KindSLAEscalation = "sla_escalation"
	// KindStuck tells supervisors a case's activity keeps failing.
	KindStuck = "stuck"
)
