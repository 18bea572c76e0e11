package steps

import "context"

// SweepActivities is every activity the expiry sweep workflow calls. Package activities
// implements it; the worker registers that implementation.
type SweepActivities interface {
	// BeginSweep records the sweep as running (once; the API may have recorded it first).
	BeginSweep(ctx context.Context, req SweepStart) error
	// SweepPage applies one page of the sweep: reminders and expiries, set-based, once.
	SweepPage(ctx context.Context, req SweepPageRequest) (SweepPageResult, error)
	// FinishSweep marks the sweep succeeded or failed and returns its totals.
	FinishSweep(ctx context.Context, req SweepFinish) (SweepTotals, error)
}

// SweepStart names a sweep and the day it sweeps for.
type SweepStart struct {
	SweepID string `json:"sweep_id"`
	// AsOf is the calendar day in Asia/Shanghai, YYYY-MM-DD.
	AsOf string `json:"as_of"`
	// Trigger is schedule or api.
	Trigger string `json:"trigger"`
}

// SweepCursor is a keyset position in the active registrations ordered by (valid_to, id).
type SweepCursor struct {
	// ValidTo is YYYY-MM-DD.
	ValidTo string `json:"valid_to"`
	ID      string `json:"id"`
}

// SweepPageRequest asks for the page after After (nil: the first) of at most Limit registrations.
type SweepPageRequest struct {
	SweepID string       `json:"sweep_id"`
	AsOf    string       `json:"as_of"`
	After   *SweepCursor `json:"after,omitempty"`
	Limit   int          `json:"limit"`
}

// SweepPageResult is what one page did; Next is nil when the page was empty.
type SweepPageResult struct {
	Scanned     int64        `json:"scanned"`
	Reminders90 int64        `json:"reminders_90"`
	Reminders30 int64        `json:"reminders_30"`
	Reminders7  int64        `json:"reminders_7"`
	Expired     int64        `json:"expired"`
	Next        *SweepCursor `json:"next,omitempty"`
	// Done is set when no registration is left after Next.
	Done bool `json:"done"`
}

// SweepFinish ends a sweep; Failed marks it failed.
type SweepFinish struct {
	SweepID string `json:"sweep_id"`
	Failed  bool   `json:"failed,omitempty"`
}

// SweepTotals are a finished sweep's counts.
type SweepTotals struct {
	SweepID     string `json:"sweep_id"`
	Status      string `json:"status"`
	Scanned     int64  `json:"scanned"`
	Reminders90 int64  `json:"reminders_90"`
	Reminders30 int64  `json:"reminders_30"`
	Reminders7  int64  `json:"reminders_7"`
	Expired     int64  `json:"expired"`
}

// SweepStubs names the sweep activities for workflow code, like Stubs; never run.
type SweepStubs struct{}

var _ SweepActivities = (*SweepStubs)(nil)

// BeginSweep names the activity of that name.
func (*SweepStubs) BeginSweep(context.Context, SweepStart) error { return stub("BeginSweep") }

// SweepPage names the activity of that name.
func (*SweepStubs) SweepPage(context.Context, SweepPageRequest) (SweepPageResult, error) {
	return SweepPageResult{}, stub("SweepPage")
}

// FinishSweep names the activity of that name.
func (*SweepStubs) FinishSweep(context.Context, SweepFinish) (SweepTotals, error) {
	return SweepTotals{}, stub("FinishSweep")
}
