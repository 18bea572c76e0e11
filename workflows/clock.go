package workflows

import (
	"time"

	"certflow/calendar"
)

// Clock is the SLA clock of one review stage, measured in working time on the calendar. It is
// plain data in the workflow state, so deadlines come out the same on replay.
type Clock struct {
	// Budget is the working time allowed (n working days = n×24h of working time).
	Budget time.Duration `json:"budget"`
	// Used is the working time spent in earlier runs of the clock (before a pause).
	Used time.Duration `json:"used"`
	// Start is when the current run began; zero while paused.
	Start    time.Time `json:"start"`
	Reminded bool      `json:"reminded"`
	Breached bool      `json:"breached"`
	Extended bool      `json:"extended"`
	// EndOfDay rounds the deadline to the end (23:59:59 CST) of its working day; clocks started
	// before this rule keep their instant deadlines.
	EndOfDay bool `json:"end_of_day,omitempty"`
}

// newClock starts a clock of budget at now.
func newClock(budget time.Duration, now time.Time) *Clock {
	return &Clock{Budget: budget, Start: now}
}

// Running reports whether the clock is counting.
func (c *Clock) Running() bool { return !c.Start.IsZero() }

// Due is when the budget runs out, if the clock keeps running: with EndOfDay, the end of the
// working day on which it runs out.
func (c *Clock) Due(cal calendar.Calendar) time.Time {
	due := cal.Add(c.Start, c.Budget-c.Used)
	if c.EndOfDay {
		return cal.EndOfDay(due)
	}
	return due
}

// RemindAt is when the reminder goes out: lead working time before the deadline, or the
// start when the remaining budget is shorter than the lead.
func (c *Clock) RemindAt(cal calendar.Calendar, lead time.Duration) time.Time {
	left := c.Budget - c.Used - lead
	if left < 0 {
		left = 0
	}
	return cal.Add(c.Start, left)
}

// Pause stops the clock at now, banking the working time used.
func (c *Clock) Pause(cal calendar.Calendar, now time.Time) {
	if !c.Running() {
		return
	}
	c.Used += cal.Elapsed(c.Start, now)
	c.Start = time.Time{}
}

// Resume restarts a paused clock at now with the time it had left.
func (c *Clock) Resume(now time.Time) {
	if !c.Running() {
		c.Start = now
	}
}

// Extend adds working time once; a breached clock becomes live again.
func (c *Clock) Extend(extra time.Duration) {
	c.Budget += extra
	c.Extended = true
	c.Breached = false
	c.Reminded = false
}
