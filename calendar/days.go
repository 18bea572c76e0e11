package calendar

import "time"

// secondsPerDay is the length of a civil day; CST has no daylight saving.
const secondsPerDay = 86400

// cstOffset is the offset of CST from UTC in seconds.
const cstOffset = 8 * 3600

// dayOf returns the CST civil day number of t: days since 1970-01-01 CST.
func dayOf(t time.Time) int64 {
	s := t.Unix() + cstOffset
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return d
}

// dayStart returns the instant of CST midnight at the start of day d.
func dayStart(d int64) time.Time {
	return time.Unix(d*secondsPerDay-cstOffset, 0).In(CST)
}

// parseDate parses a "YYYY-MM-DD" CST date strictly.
func parseDate(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, CST)
}

// dayKinds is a per-call lookup of the listed days, by CST day number.
type dayKinds struct {
	holiday map[int64]bool
	workday map[int64]bool
}

// days builds the lookup from the calendar's lists. Entries that do not parse
// are skipped; Load rejects them, so they only occur in hand-built values.
func (c Calendar) days() dayKinds {
	k := dayKinds{
		holiday: make(map[int64]bool, len(c.Holidays)),
		workday: make(map[int64]bool, len(c.Workdays)),
	}
	for _, s := range c.Holidays {
		if t, err := parseDate(s); err == nil {
			k.holiday[dayOf(t)] = true
		}
	}
	for _, s := range c.Workdays {
		if t, err := parseDate(s); err == nil {
			k.workday[dayOf(t)] = true
		}
	}
	return k
}

// working reports whether CST day d is a working day.
func (k dayKinds) working(d int64) bool {
	if k.workday[d] {
		return true
	}
	if k.holiday[d] {
		return false
	}
	// 1970-01-01 was a Thursday.
	wd := time.Weekday((d%7 + 7 + 4) % 7)
	return wd != time.Saturday && wd != time.Sunday
}
