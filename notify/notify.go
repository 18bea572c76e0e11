// Package notify sends certflow's notifications — SLA reminders and escalations about cases,
// expiry reminders about registrations — through one interface, Notifier. The delivery built
// today is the inbox (the notifications table that GET /api/v1/notifications reads); SMS or
// e-mail would be further implementations, combined with Fanout.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"certflow/domain"
)

// Notification is one message to one recipient: a role (with a subject, or everyone in the
// role within scope), about a case or a registration.
type Notification struct {
	// Kind names the notification as the inbox shows it (sla_reminder, expiry_reminder_30, …).
	Kind string
	// Key makes sending idempotent: the same key about the same case or registration is kept once.
	Key string
	// CaseID or RegistrationID is what the notification is about (one of them).
	CaseID         string
	RegistrationID string
	Role           domain.Role
	// Subject is a specific recipient when known; empty means everyone in Role.
	Subject string
	// PractitionerID (role applicant) and EnterpriseUSCC (role enterprise) name the recipient
	// of a registration's notification.
	PractitionerID string
	EnterpriseUSCC string
	Message        string
	At             time.Time
}

// Notifier delivers notifications. Send must be idempotent per (case or registration, key):
// callers retry after failures.
type Notifier interface {
	Send(ctx context.Context, ns []Notification) error
}

// Fanout sends through every notifier in turn and reports every failure.
type Fanout []Notifier

// Send implements Notifier.
func (f Fanout) Send(ctx context.Context, ns []Notification) error {
	var errs []error
	for _, n := range f {
		if err := n.Send(ctx, ns); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ExpiryWindows are the expiry-reminder windows, in days before valid_to.
var ExpiryWindows = []int{90, 30, 7}

// ExpiryReminderKind is the kind of the reminder of a window: expiry_reminder_90, _30 or _7.
func ExpiryReminderKind(windowDays int) string {
	return fmt.Sprintf("expiry_reminder_%d", windowDays)
}
