// Package calendar decides which days are working days in mainland China and
// measures SLA time in working days.
//
// A Calendar is plain data (it travels as Temporal workflow input), and every
// method is a deterministic function of it and its arguments: nothing reads
// the clock or the environment. All dates are China Standard Time (UTC+8).
package calendar

import (
	"slices"
	"time"
)

// Day is the length of one working day of budget, and of one calendar day.
const Day = 24 * time.Hour

// CST is China Standard Time, a fixed UTC+8 zone (no tzdata needed).
var CST = time.FixedZone("CST", 8*3600)

// Calendar lists the State Council's holiday days off and adjusted working
// days (调休) for the years it covers. Dates are "YYYY-MM-DD" in CST.
type Calendar struct {
	// Holidays are public-holiday days off (weekend days inside a holiday
	// block may be listed too).
	Holidays []string `json:"holidays"`
	// Workdays are weekend days that are working days by adjustment.
	Workdays []string `json:"workdays"`
	// DayLength selects fast mode when strictly between 0 and 24h: every day
	// counts and one day of SLA time lasts DayLength of real time. 0 or 24h
	// is normal mode.
	DayLength time.Duration `json:"day_length"`
	// Years are the years the lists cover, ascending.
	Years []int `json:"years"`
}

// Fast reports whether the calendar is in fast mode (0 < DayLength < 24h),
// where holidays are ignored and time is compressed for testing and demos.
func (c Calendar) Fast() bool {
	return c.DayLength > 0 && c.DayLength < Day
}

// Covers reports whether the holiday data includes the given year. Outside
// covered years only weekends are off.
func (c Calendar) Covers(year int) bool {
	return slices.Contains(c.Years, year)
}

// WorkingDays returns the SLA budget for a limit of n working days: n×24h of
// working time, to be passed to Add or compared with Elapsed.
func (c Calendar) WorkingDays(n int) time.Duration {
	return time.Duration(n) * Day
}

// CalendarDays returns the real duration of n plain calendar days: n×24h, or
// n×DayLength in fast mode. Use it for timers that are not working-day limits.
func (c Calendar) CalendarDays(n int) time.Duration {
	if c.Fast() {
		return time.Duration(n) * c.DayLength
	}
	return time.Duration(n) * Day
}

// IsWorkingDay reports whether t falls on a working day in CST: a listed
// adjusted workday is working, a listed holiday is not, otherwise Monday to
// Friday are. In fast mode every day is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	if c.Fast() {
		return true
	}
	return c.days().working(dayOf(t))
}
