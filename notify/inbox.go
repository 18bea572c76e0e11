package notify

import (
	"context"

	"certflow/store"
)

// Inbox delivers notifications into the notifications table, which the inbox API reads.
type Inbox struct {
	Store *store.Store
}

// Send stores the notifications in one statement; ones already stored stay as they were.
func (i Inbox) Send(ctx context.Context, ns []Notification) error {
	rows := make([]store.Notification, len(ns))
	for k, n := range ns {
		rows[k] = store.Notification{CaseID: n.CaseID, RegistrationID: n.RegistrationID, PractitionerID: n.PractitionerID,
			EnterpriseUSCC: n.EnterpriseUSCC, Key: n.Key, Kind: n.Kind, Role: string(n.Role), Subject: n.Subject,
			Message: n.Message, At: n.At}
	}
	return i.Store.AddNotifications(ctx, rows)
}
