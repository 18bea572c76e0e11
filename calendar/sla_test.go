package calendar

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestAddKnownDeadlines2026(t *testing.T) {
	c := mustDefault(t, 0)
	tests := []struct {
		name  string
		start time.Time
		days  int
		want  time.Time
	}{
		// Wed 09:00 before 国庆: 15h on 9-30, then 10-8, 10-9, the adjusted
		// Saturday 10-10 and Mon 10-12, and 9h of Tue 10-13.
		{"5 days from the day before 国庆", at(2026, 9, 30, 9, 0), 5, at(2026, 10, 13, 9, 0)},
		{"5 days from midnight before 国庆", at(2026, 9, 30, 0, 0), 5, at(2026, 10, 13, 0, 0)},
		{"1 day starting inside 国庆", at(2026, 10, 3, 14, 0), 1, at(2026, 10, 9, 0, 0)},
		{"1 day starting on an ordinary Saturday", at(2026, 3, 7, 10, 0), 1, at(2026, 3, 10, 0, 0)},
		// Fri 12:00 before 春节: 12h, the adjusted Saturday 2-14, then 12h
		// of Tue 2-24 after the nine days off.
		{"2 days across 春节", at(2026, 2, 13, 12, 0), 2, at(2026, 2, 24, 12, 0)},
		// Sat 2026-01-03 is a holiday, Sun 01-04 an adjusted workday.
		{"1 day from 元旦 holiday Saturday", at(2026, 1, 3, 8, 0), 1, at(2026, 1, 5, 0, 0)},
		{"ends exactly at Friday midnight", at(2026, 3, 6, 0, 0), 1, at(2026, 3, 7, 0, 0)},
		{"20 days from 2026-03-02", at(2026, 3, 2, 0, 0), 20, at(2026, 3, 28, 0, 0)},
		// 12-31 is a Thursday; 2027-01-01..03 are off (provisional data).
		{"across the year end", at(2026, 12, 31, 12, 0), 1, at(2027, 1, 4, 12, 0)},
	}
	for _, tt := range tests {
		got := c.Add(tt.start, c.WorkingDays(tt.days))
		if !got.Equal(tt.want) {
			t.Errorf("%s: Add(%v, %dd) = %v, want %v", tt.name, tt.start, tt.days, got.In(CST), tt.want)
		}
		if e := c.Elapsed(tt.start, got); e != c.WorkingDays(tt.days) {
			t.Errorf("%s: Elapsed back = %v, want %v", tt.name, e, c.WorkingDays(tt.days))
		}
	}
}

func TestAddRespectsAdjustedWorkday(t *testing.T) {
	// Same start and budget with the adjusted Saturday removed lands one
	// working day later: the data, not just weekdays, drives the result.
	c := mustDefault(t, 0)
	without := c
	without.Workdays = slices.DeleteFunc(slices.Clone(c.Workdays), func(s string) bool { return s == "2026-10-10" })
	start := at(2026, 9, 30, 9, 0)
	if got, want := without.Add(start, c.WorkingDays(5)), at(2026, 10, 14, 9, 0); !got.Equal(want) {
		t.Fatalf("without the 10-10 workday: Add = %v, want %v", got, want)
	}
}

func TestAddEdgeCases(t *testing.T) {
	c := mustDefault(t, 0)
	start := at(2026, 10, 3, 14, 0)
	if got := c.Add(start, 0); !got.Equal(start) {
		t.Errorf("Add(t, 0) = %v, want t", got)
	}
	if got := c.Add(start, -time.Hour); !got.Equal(start) {
		t.Errorf("Add(t, -1h) = %v, want t", got)
	}
	// The result keeps the caller's location.
	utc := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	got := c.Add(utc, time.Hour)
	if got.Location() != time.UTC || !got.Equal(utc.Add(time.Hour)) {
		t.Errorf("Add(UTC) = %v, want %v in UTC", got, utc.Add(time.Hour))
	}
	// A monotonic clock reading does not change the answer.
	mono := time.Now()
	if !c.Add(mono, time.Hour).Equal(c.Add(mono.Round(0), time.Hour)) {
		t.Error("monotonic reading changed Add")
	}
}

func TestElapsedKnown(t *testing.T) {
	c := mustDefault(t, 0)
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"inside 国庆", at(2026, 10, 2, 0, 0), at(2026, 10, 5, 0, 0), 0},
		{"reversed", at(2026, 10, 13, 0, 0), at(2026, 10, 12, 0, 0), 0},
		{"equal", at(2026, 10, 13, 0, 0), at(2026, 10, 13, 0, 0), 0},
		{"within one working day", at(2026, 3, 2, 9, 0), at(2026, 3, 2, 17, 30), 8*time.Hour + 30*time.Minute},
		{"Friday evening to Monday morning", at(2026, 3, 6, 18, 0), at(2026, 3, 9, 9, 0), 15 * time.Hour},
		{"adjusted Sunday 01-04 counts", at(2026, 1, 3, 0, 0), at(2026, 1, 5, 0, 0), 24 * time.Hour},
		{"whole of March 2026", at(2026, 3, 1, 0, 0), at(2026, 4, 1, 0, 0), 22 * 24 * time.Hour},
		// 2026: 365 days, 104 weekend days, 33 holidays of which 14 are on
		// weekends, plus 6 adjusted workdays: 365-104-19+6 = 248.
		{"whole of 2026", at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0), 248 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := c.Elapsed(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: Elapsed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// refWorking decides a working day straight from the date strings, without
// the package's day-number arithmetic.
func refWorking(c Calendar, t time.Time) bool {
	local := t.In(CST)
	s := local.Format(time.DateOnly)
	if slices.Contains(c.Workdays, s) {
		return true
	}
	if slices.Contains(c.Holidays, s) {
		return false
	}
	return local.Weekday() != time.Saturday && local.Weekday() != time.Sunday
}

func TestAddAndElapsedMatchHourStepping(t *testing.T) {
	c := mustDefault(t, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	base := at(2025, 12, 20, 0, 0)
	for i := 0; i < 400; i++ {
		start := base.Add(time.Duration(rng.IntN(24*720)) * time.Hour)
		hours := 1 + rng.IntN(24*25)
		// Reference Add: walk hour by hour, spending budget on working hours.
		cur, left := start, hours
		for left > 0 {
			if refWorking(c, cur) {
				left--
			}
			cur = cur.Add(time.Hour)
		}
		if got := c.Add(start, time.Duration(hours)*time.Hour); !got.Equal(cur) {
			t.Fatalf("Add(%v, %dh) = %v, reference %v", start, hours, got.In(CST), cur)
		}
		// Reference Elapsed over an arbitrary hour-aligned interval.
		end := start.Add(time.Duration(rng.IntN(24*40)) * time.Hour)
		var want time.Duration
		for h := start; h.Before(end); h = h.Add(time.Hour) {
			if refWorking(c, h) {
				want += time.Hour
			}
		}
		if got := c.Elapsed(start, end); got != want {
			t.Fatalf("Elapsed(%v, %v) = %v, reference %v", start, end, got, want)
		}
	}
}

func TestAddElapsedInvariant(t *testing.T) {
	for _, dl := range []time.Duration{0, 24 * time.Hour, time.Minute, 7 * time.Second, 3 * time.Hour} {
		c := mustDefault(t, dl)
		rng := rand.New(rand.NewPCG(3, uint64(dl)))
		base := at(2025, 12, 1, 0, 0)
		for i := 0; i < 3000; i++ {
			start := base.Add(time.Duration(rng.Int64N(int64(800 * Day))))
			budget := time.Duration(1 + rng.Int64N(int64(40*Day)))
			if i%10 == 0 {
				budget = time.Duration(1 + rng.IntN(1000)) // tiny budgets stress rounding
			}
			end := c.Add(start, budget)
			got := c.Elapsed(start, end)
			if dl == 0 || dl == Day {
				if got != budget {
					t.Fatalf("DayLength %v: Elapsed(t, Add(t, %v)) = %v", dl, budget, got)
				}
			} else if got < budget {
				t.Fatalf("DayLength %v: Elapsed(t, Add(t, %v)) = %v, below budget", dl, budget, got)
			}
			// Add is the earliest such instant.
			if before := c.Elapsed(start, end.Add(-time.Nanosecond)); before >= budget {
				t.Fatalf("DayLength %v: Elapsed one ns before Add(t, %v) = %v, not below budget", dl, budget, before)
			}
		}
	}
}

func TestFastModeArithmetic(t *testing.T) {
	c := mustDefault(t, time.Minute)
	start := at(2026, 9, 30, 9, 0)
	// Five working days of budget take five minutes, holidays or not.
	if got, want := c.Add(start, c.WorkingDays(5)), start.Add(5*time.Minute); !got.Equal(want) {
		t.Errorf("fast Add = %v, want %v", got, want)
	}
	if got := c.Elapsed(start, start.Add(5*time.Minute)); got != c.WorkingDays(5) {
		t.Errorf("fast Elapsed(5m) = %v, want %v", got, c.WorkingDays(5))
	}
	if got := c.Elapsed(start, start.Add(90*time.Second)); got != 36*time.Hour {
		t.Errorf("fast Elapsed(90s) = %v, want 36h", got)
	}
	// Rounding: the smallest budget still moves the deadline forward.
	if got := c.Add(start, time.Nanosecond); !got.Equal(start.Add(time.Nanosecond)) {
		t.Errorf("fast Add(1ns) = %v, want start+1ns", got)
	}
	// Huge spans saturate instead of overflowing.
	tiny := Calendar{DayLength: time.Nanosecond}
	if got := tiny.Elapsed(at(1900, 1, 1, 0, 0), at(2200, 1, 1, 0, 0)); got != math.MaxInt64 {
		t.Errorf("saturating Elapsed = %v, want max duration", got)
	}
	if got := tiny.Add(start, math.MaxInt64); !got.Equal(start.Add(time.Duration(math.MaxInt64/int64(Day)) + 1)) {
		t.Errorf("fast Add(max) = %v", got)
	}
}

func TestEndOfDayEndsTheNthWorkingDay(t *testing.T) {
	cal := Calendar{}
	mon10 := time.Date(2026, 11, 23, 10, 0, 0, 0, CST) // a Monday
	cases := []struct {
		name string
		due  time.Time
		want time.Time
	}{
		{"mid-day", cal.Add(mon10, cal.WorkingDays(1)), time.Date(2026, 11, 24, 23, 59, 59, 0, CST)},
		{"a Friday start runs over the weekend", cal.Add(time.Date(2026, 11, 27, 15, 0, 0, 0, CST), cal.WorkingDays(1)),
			time.Date(2026, 11, 30, 23, 59, 59, 0, CST)},
		{"exactly midnight belongs to the day before", time.Date(2026, 11, 25, 0, 0, 0, 0, CST), time.Date(2026, 11, 24, 23, 59, 59, 0, CST)},
		{"UTC input", time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 23, 59, 59, 0, CST)},
	}
	for _, c := range cases {
		if got := cal.EndOfDay(c.due); !got.Equal(c.want) {
			t.Errorf("%s: EndOfDay(%v) = %v, want %v", c.name, c.due, got.In(CST), c.want)
		}
	}
	fast := Calendar{DayLength: time.Second}
	if got := fast.EndOfDay(mon10); !got.Equal(mon10) {
		t.Errorf("fast mode moved the deadline to %v", got)
	}
}
