package api

import (
	"certflow/audit"
	"certflow/store"
)

// timelineVerified reports whether a case's timeline, as the case view loaded it (in id
// order), recomputes its hash chain.
func timelineVerified(events []store.CaseEvent) bool { return audit.VerifyTimeline(events) == nil }
