package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"certflow/store"
	"certflow/workflows/steps"
)

// lifecycleFacts gathers a lifecycle case's facts and, when it has a holder, their resident ID.
func (a *Activities) lifecycleFacts(ctx context.Context, req steps.PrecheckRequest) (*store.LifecycleFacts, string, error) {
	facts, err := a.Store.LifecycleFacts(ctx, req.CaseID, req.At)
	if err != nil || facts.Practitioner == nil {
		return facts, "", err
	}
	id, err := a.Store.RevealIDNumber(facts.Practitioner)
	if err != nil {
		return nil, "", temporal.NewNonRetryableApplicationError("cannot decrypt the resident ID", "Decrypt", err)
	}
	return facts, id, nil
}

// PrecheckRenewal checks a renewal (EvaluateRenewal).
func (a *Activities) PrecheckRenewal(ctx context.Context, req steps.PrecheckRequest) (steps.PrecheckResult, error) {
	facts, id, err := a.lifecycleFacts(ctx, req)
	if err != nil {
		return steps.PrecheckResult{}, err
	}
	return EvaluateRenewal(facts, id, req.At, req.Policy), nil
}

// PrecheckChange checks a change (EvaluateChange).
func (a *Activities) PrecheckChange(ctx context.Context, req steps.PrecheckRequest) (steps.PrecheckResult, error) {
	facts, _, err := a.lifecycleFacts(ctx, req)
	if err != nil {
		return steps.PrecheckResult{}, err
	}
	return EvaluateChange(facts, req.Policy), nil
}

// PrecheckAddition checks an addition (EvaluateAddition).
func (a *Activities) PrecheckAddition(ctx context.Context, req steps.PrecheckRequest) (steps.PrecheckResult, error) {
	facts, _, err := a.lifecycleFacts(ctx, req)
	if err != nil {
		return steps.PrecheckResult{}, err
	}
	return EvaluateAddition(facts, req.At, req.Policy), nil
}

// PrecheckCancellation checks a cancellation (EvaluateCancellation).
func (a *Activities) PrecheckCancellation(ctx context.Context, req steps.PrecheckRequest) (steps.PrecheckResult, error) {
	facts, _, err := a.lifecycleFacts(ctx, req)
	if err != nil {
		return steps.PrecheckResult{}, err
	}
	return EvaluateCancellation(facts), nil
}

// applied turns the outcome of a store change into the activity's result: a registration that
// changed under the case is the non-retryable ErrRegistrationChanged.
func applied(r *store.Registration, err error, summary func(*store.Registration) string) (steps.ApplyResult, error) {
	if errors.Is(err, store.ErrRegistrationChanged) {
		return steps.ApplyResult{}, temporal.NewNonRetryableApplicationError(err.Error(), steps.ErrRegistrationChanged, err)
	}
	if err != nil {
		return steps.ApplyResult{}, err
	}
	res := steps.ApplyResult{Summary: summary(r)}
	if r != nil {
		res.RegistrationNumber = r.Number
	}
	return res, nil
}

// Renew extends the registration by the policy's validity years.
func (a *Activities) Renew(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResult, error) {
	r, err := a.Store.Renew(ctx, req.CaseID, req.At, req.Policy.ValidityYears)
	return applied(r, err, func(r *store.Registration) string {
		return fmt.Sprintf("registration %s renewed: valid to %s", r.Number, r.ValidTo.Format(time.DateOnly))
	})
}

// ApplyChange carries out an approved change of employer, person name or enterprise name.
func (a *Activities) ApplyChange(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResult, error) {
	c, err := a.Store.GetCase(ctx, req.CaseID, store.Scope{All: true})
	if err != nil {
		return steps.ApplyResult{}, err
	}
	switch c.Details.ChangeKind {
	case "employer":
		r, err := a.Store.ChangeEmployer(ctx, req.CaseID, req.At)
		return applied(r, err, func(r *store.Registration) string {
			return fmt.Sprintf("registration %s moved from enterprise %s to %s; validity unchanged (to %s)",
				r.Number, c.PreviousEnterpriseUSCC, r.EnterpriseUSCC, r.ValidTo.Format(time.DateOnly))
		})
	case "person_name":
		r, err := a.Store.RenamePerson(ctx, req.CaseID, req.At)
		return applied(r, err, func(r *store.Registration) string {
			return fmt.Sprintf("the holder of registration %s is registered under the new name", r.Number)
		})
	case "enterprise_name":
		err := a.Store.RenameEnterprise(ctx, req.CaseID, req.At)
		return applied(nil, err, func(*store.Registration) string {
			return fmt.Sprintf("enterprise %s and its registrations carry the new name", c.EnterpriseUSCC)
		})
	}
	return steps.ApplyResult{}, temporal.NewNonRetryableApplicationError("unknown change kind", steps.ErrDataRefused, nil)
}

// AddSpecialty adds the case's specialty to the registration.
func (a *Activities) AddSpecialty(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResult, error) {
	r, err := a.Store.AddSpecialty(ctx, req.CaseID, req.At)
	return applied(r, err, func(r *store.Registration) string {
		return fmt.Sprintf("specialty added to registration %s; valid to %s as before", r.Number, r.ValidTo.Format(time.DateOnly))
	})
}

// CancelRegistration ends the registration.
func (a *Activities) CancelRegistration(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResult, error) {
	r, err := a.Store.CancelRegistration(ctx, req.CaseID, req.At)
	return applied(r, err, func(r *store.Registration) string {
		return fmt.Sprintf("registration %s cancelled", r.Number)
	})
}
