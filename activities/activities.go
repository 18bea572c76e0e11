// Package activities holds everything with side effects that the case workflows call: writing
// the case projection and timeline, pre-check rules that read the registry, issuing
// registrations, sending notifications and flagging stuck cases. Every activity is idempotent,
// keyed by case and step. Their inputs and results are in package workflows/steps.

package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"certflow/domain"
	"certflow/notify"
	"certflow/store"
	"certflow/workflows/steps"
)

// The worker registers Activities for the workflows' steps.Stubs: the names and signatures
// must be the same.
var _ steps.Activities = (*Activities)(nil)

// Activities are the case workflows' side effects, bound to the store.
type Activities struct {
	Store *store.Store
	// Notifier delivers notifications; nil means the inbox (notify.Inbox over Store).
	Notifier notify.Notifier
}

// notifier is where notifications go.
func (a *Activities) notifier() notify.Notifier {
	if a.Notifier != nil {
		return a.Notifier
	}
	return notify.Inbox{Store: a.Store}
}

// RecordTransition writes a case's new projection and its timeline event, once per key.
func (a *Activities) RecordTransition(ctx context.Context, rec steps.TransitionRecord) error {
	p := rec.Projection
	t := store.Transition{
		Case: store.Case{
			ID:                 rec.CaseID,
			Stage:              string(p.Stage),
			Status:             string(p.Status),
			AssigneeRole:       string(p.AssigneeRole),
			AssigneeSub:        p.AssigneeSub,
			AssigneeEnterprise: p.AssigneeEnterprise,
			SLADueAt:           p.DueAt,
			SLAPaused:          p.Paused,
			SLABreached:        p.Breached,
			SLAClock:           p.Clock,
			ProvincialReviewer: p.ProvincialReviewer,
			Extended:           p.Extended,
		},
		Event: store.CaseEvent{
			CaseID:      rec.CaseID,
			Key:         rec.Key,
			ActorSub:    rec.Event.ActorSub,
			ActorRole:   string(rec.Event.ActorRole),
			Action:      rec.Event.Action,
			FromStage:   string(rec.Event.FromStage),
			ToStage:     string(rec.Event.ToStage),
			Comment:     rec.Event.Comment,
			EvidenceIDs: rec.Event.EvidenceIDs,
			At:          rec.Event.At,
		},
	}
	if t.Event.EvidenceIDs == nil {
		t.Event.EvidenceIDs = []string{}
	}
	return a.Store.ApplyTransition(ctx, t)
}

// Precheck runs the automated registration checks against the registry.
func (a *Activities) Precheck(ctx context.Context, req steps.PrecheckRequest) (steps.PrecheckResult, error) {
	facts, err := a.Store.PrecheckFacts(ctx, req.CaseID, req.At)
	if err != nil {
		return steps.PrecheckResult{}, err
	}
	idNumber, err := a.Store.RevealIDNumber(&facts.Practitioner)
	if err != nil {
		return steps.PrecheckResult{}, temporal.NewNonRetryableApplicationError("cannot decrypt the resident ID", "Decrypt", err)
	}
	return EvaluatePrecheck(facts, idNumber, req.At, req.Policy), nil
}

// IssueRegistration assigns the number and activates the registration. A second active
// registration for the same person fails with the non-retryable ErrAlreadyRegistered type.
func (a *Activities) IssueRegistration(ctx context.Context, req steps.IssueRequest) (steps.IssueResult, error) {
	reg, err := a.Store.IssueRegistration(ctx, req.CaseID, req.At, req.ValidityYears)
	if errors.Is(err, store.ErrAlreadyRegistered) {
		return steps.IssueResult{}, temporal.NewNonRetryableApplicationError(err.Error(), steps.ErrAlreadyRegistered, err)
	}
	if err != nil {
		return steps.IssueResult{}, err
	}
	return steps.IssueResult{
		RegistrationID:     reg.ID,
		RegistrationNumber: reg.Number,
		ValidFrom:          reg.ValidFrom,
		ValidTo:            reg.ValidTo,
	}, nil
}

// Notify sends a reminder or escalation about a case to its recipients through the notifier.
func (a *Activities) Notify(ctx context.Context, n steps.Notification) error {
	return a.notifier().Send(ctx, []notify.Notification{{
		CaseID:  n.CaseID,
		Key:     n.Key,
		Kind:    n.Kind,
		Role:    n.Role,
		Subject: n.Subject,
		Message: n.Message,
		At:      n.At,
		// an SLA notice to an enterprise goes to the one the case waits on
		EnterpriseUSCC: n.EnterpriseUSCC,
	}})
}

// FlagStuck marks a case stuck and tells the supervisors, once per key.
func (a *Activities) FlagStuck(ctx context.Context, rep steps.StuckReport) error {
	if _, err := a.Store.MarkStuck(ctx, rep.CaseID, rep.Reason); err != nil {
		return err
	}
	return a.notifier().Send(ctx, []notify.Notification{{CaseID: rep.CaseID, Key: rep.Key, Kind: steps.KindStuck,
		Role: domain.RoleSupervisor, Message: "case is stuck: " + rep.Reason, At: rep.At}})
}
