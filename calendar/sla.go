package calendar

import (
	"math"
	"math/bits"
	"time"
)

// Add returns the earliest instant at which budget of working time has
// passed since t, counting only time on working days (CST midnight to
// midnight). Starting on a day off, counting begins at the next working
// day's midnight; a budget that ends exactly at a midnight returns that
// midnight. A budget <= 0 returns t. The result is in t's location.
//
// In fast mode the whole budget is compressed: t + budget×DayLength/24h,
// rounded up to the nanosecond so that Elapsed(t, Add(t, b)) >= b.
func (c Calendar) Add(t time.Time, budget time.Duration) time.Time {
	t = t.Round(0) // drop any monotonic reading: results depend on the wall clock only
	if budget <= 0 {
		return t
	}
	if c.Fast() {
		return t.Add(scaleUp(budget, c.DayLength, Day))
	}
	k := c.days()
	cur := t
	for d := dayOf(t); ; d++ {
		end := dayStart(d + 1)
		if k.working(d) {
			avail := end.Sub(cur)
			if budget <= avail {
				return cur.Add(budget).In(t.Location())
			}
			budget -= avail
		}
		cur = end
	}
}

// Elapsed returns the working time between from and to: the part of the
// interval that falls on working days in CST. It is 0 when to <= from.
//
// In fast mode every moment counts and is expanded: (to−from)×24h/DayLength,
// rounded down and capped at the largest Duration.
func (c Calendar) Elapsed(from, to time.Time) time.Duration {
	from, to = from.Round(0), to.Round(0)
	if !to.After(from) {
		return 0
	}
	if c.Fast() {
		return scaleDown(to.Sub(from), Day, c.DayLength)
	}
	k := c.days()
	var total time.Duration
	cur := from
	for d := dayOf(from); cur.Before(to); d++ {
		end := dayStart(d + 1)
		if end.After(to) {
			end = to
		}
		if k.working(d) {
			total += end.Sub(cur)
		}
		cur = end
	}
	return total
}

// scaleUp returns ceil(d×num/den) for positive d, num, den with num < den,
// computed in 128 bits so that it cannot overflow.
func scaleUp(d, num, den time.Duration) time.Duration {
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	q, r := bits.Div64(hi, lo, uint64(den)) // hi < den because num < den and d < 2^63
	if r != 0 {
		q++
	}
	return time.Duration(q)
}

// scaleDown returns floor(d×num/den) for positive d, num, den, capped at the
// largest Duration.
func scaleDown(d, num, den time.Duration) time.Duration {
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	if hi >= uint64(den) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// EndOfDay returns the last second (23:59:59 CST) of the day on which a deadline t falls, so
// that a limit of N working days ends at the end of the Nth working day, as administrative
// deadlines do. An instant exactly at midnight belongs to the day that just ended. In fast mode
// (demos, tests) t is returned unchanged.
func (c Calendar) EndOfDay(t time.Time) time.Time {
	if c.Fast() {
		return t
	}
	d := dayOf(t.Add(-time.Nanosecond))
	return dayStart(d + 1).Add(-time.Second).In(t.Location())
}
