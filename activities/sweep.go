package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"certflow/domain"
	"certflow/notify"
	"certflow/store"
	"certflow/workflows/steps"
)

// The worker registers Activities for the sweep's steps.SweepStubs too.
var _ steps.SweepActivities = (*Activities)(nil)

// deliveryBatch is how many claimed reminders go to the notifier at once (two notifications each).
const deliveryBatch = 5000

// BeginSweep records the sweep as running, unless the API already recorded it.
func (a *Activities) BeginSweep(ctx context.Context, req steps.SweepStart) error {
	asOf, err := sweepDay(req.AsOf)
	if err != nil {
		return err
	}
	return a.Store.BeginSweep(ctx, &store.Sweep{ID: req.SweepID, AsOf: asOf, Trigger: req.Trigger})
}

// SweepPage applies one page of the sweep in the database (expiries and reminder claims, in
// one set-based statement, once), then hands every claimed reminder not yet sent to the
// notifier. A retry after a crash finds the page applied and delivers what is still pending;
// the inbox keeps each notification once.
func (a *Activities) SweepPage(ctx context.Context, req steps.SweepPageRequest) (steps.SweepPageResult, error) {
	asOf, err := sweepDay(req.AsOf)
	if err != nil {
		return steps.SweepPageResult{}, err
	}
	var after *store.SweepCursor
	if req.After != nil {
		vt, err := sweepDay(req.After.ValidTo)
		if err != nil {
			return steps.SweepPageResult{}, err
		}
		after = &store.SweepCursor{ValidTo: vt, ID: req.After.ID}
	}
	page, err := a.Store.ApplySweepPage(ctx, req.SweepID, asOf, after, req.Limit)
	if errors.Is(err, store.ErrNotFound) {
		return steps.SweepPageResult{}, temporal.NewNonRetryableApplicationError("no such sweep", steps.ErrDataRefused, err)
	}
	if err != nil {
		return steps.SweepPageResult{}, err
	}
	if err := a.deliverReminders(ctx, req.SweepID); err != nil {
		return steps.SweepPageResult{}, err
	}
	out := steps.SweepPageResult{Scanned: page.Scanned, Reminders90: page.Reminders90, Reminders30: page.Reminders30,
		Reminders7: page.Reminders7, Expired: page.Expired,
		Done: page.Next == nil || (!page.Replayed && page.Scanned < int64(req.Limit))}
	if page.Next != nil {
		out.Next = &steps.SweepCursor{ValidTo: page.Next.ValidTo.Format(time.DateOnly), ID: page.Next.ID}
	}
	return out, nil
}

// deliverReminders sends the sweep's claimed reminders that were not sent yet, each to the
// practitioner and to the enterprise, and marks them sent.
func (a *Activities) deliverReminders(ctx context.Context, sweepID string) error {
	for {
		pending, err := a.Store.PendingReminders(ctx, sweepID, deliveryBatch)
		if err != nil || len(pending) == 0 {
			return err
		}
		now := time.Now().UTC()
		ns := make([]notify.Notification, 0, 2*len(pending))
		ids := make([]string, len(pending))
		for i, p := range pending {
			ids[i] = p.RegistrationID
			ns = append(ns, expiryNotifications(p, now)...)
		}
		if err := a.notifier().Send(ctx, ns); err != nil {
			return err
		}
		if err := a.Store.MarkRemindersSent(ctx, sweepID, ids); err != nil {
			return err
		}
	}
}

// expiryNotifications are a reminder's two notifications: to the holder and to the enterprise.
func expiryNotifications(p store.PendingReminder, at time.Time) []notify.Notification {
	validTo := p.ValidTo.Format(time.DateOnly)
	kind := notify.ExpiryReminderKind(p.WindowDays)
	msg := fmt.Sprintf("注册 %s 将于 %s 到期（不足 %d 天）；如需继续执业，请在到期 30 日前申请延续注册。"+
		" Registration %s expires on %s (within %d days); apply for renewal at least 30 days before expiry.",
		p.RegistrationNumber, validTo, p.WindowDays, p.RegistrationNumber, validTo, p.WindowDays)
	base := notify.Notification{Kind: kind, RegistrationID: p.RegistrationID, Message: msg, At: at}
	holder, ent := base, base
	holder.Key, holder.Role, holder.PractitionerID = kind+"-"+validTo+"-applicant", domain.RoleApplicant, p.PractitionerID
	ent.Key, ent.Role, ent.EnterpriseUSCC = kind+"-"+validTo+"-enterprise", domain.RoleEnterprise, p.EnterpriseUSCC
	return []notify.Notification{holder, ent}
}

// FinishSweep marks the sweep succeeded (or failed) and returns its totals.
func (a *Activities) FinishSweep(ctx context.Context, req steps.SweepFinish) (steps.SweepTotals, error) {
	status := store.SweepSucceeded
	if req.Failed {
		status = store.SweepFailed
	}
	sw, err := a.Store.FinishSweep(ctx, req.SweepID, status)
	if err != nil {
		return steps.SweepTotals{}, err
	}
	return steps.SweepTotals{SweepID: sw.ID, Status: sw.Status, Scanned: sw.Scanned, Reminders90: sw.Reminders90,
		Reminders30: sw.Reminders30, Reminders7: sw.Reminders7, Expired: sw.Expired}, nil
}

// sweepDay parses a YYYY-MM-DD calendar day (as midnight UTC, how the store writes dates); a
// bad one is a non-retryable error.
func sweepDay(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, temporal.NewNonRetryableApplicationError("bad sweep day "+s, steps.ErrDataRefused, err)
	}
	return d, nil
}
