package workflows

import (
	"time"

	"certflow/domain"
)

// Names of the signals and queries the case workflows answer.
const (
	// SignalDecision carries a Decision from the API. Signals are durable: one the server accepted
	// is delivered even if no worker runs at that moment.
	SignalDecision = "decision"
	// SignalTouch tells a draft that it was worked on (e.g. evidence uploaded), resetting its
	// abandonment timer.
	SignalTouch = "touch"
	// QueryState returns the case's CaseState.
	QueryState = "state"
	// TaskQueue is the queue the case workers poll.
	TaskQueue = "certflow-cases"
)

// Decision is an action a person took on a case, as accepted by the API.
type Decision struct {
	// ID is unique per decision (the API generates it); it keys the timeline entry.
	ID          string           `json:"id"`
	Action      domain.Action    `json:"action"`
	Principal   domain.Principal `json:"principal"`
	Comment     string           `json:"comment,omitempty"`
	EvidenceIDs []string         `json:"evidence_ids,omitempty"`
	At          time.Time        `json:"at"`
}
