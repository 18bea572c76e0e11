package calendar

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// at builds a CST instant.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, CST)
}

func mustDefault(t *testing.T, dayLength time.Duration) Calendar {
	t.Helper()
	c, err := Default(dayLength)
	if err != nil {
		t.Fatalf("Default(%v): %v", dayLength, err)
	}
	return c
}

func TestDefaultCoversEmbeddedYears(t *testing.T) {
	c := mustDefault(t, 0)
	if !reflect.DeepEqual(c.Years, []int{2026, 2027}) {
		t.Fatalf("Years = %v, want [2026 2027]", c.Years)
	}
	for year, want := range map[int]bool{2025: false, 2026: true, 2027: true, 2028: false} {
		if got := c.Covers(year); got != want {
			t.Errorf("Covers(%d) = %v, want %v", year, got, want)
		}
	}
	if c.Fast() {
		t.Error("Fast() = true for DayLength 0")
	}
}

func TestIsWorkingDay2026(t *testing.T) {
	c := mustDefault(t, 0)
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"元旦 Thu", at(2026, 1, 1, 10, 0), false},
		{"元旦 block Sat", at(2026, 1, 3, 10, 0), false},
		{"adjusted Sunday workday", at(2026, 1, 4, 10, 0), true},
		{"ordinary Monday", at(2026, 1, 5, 10, 0), true},
		{"adjusted Saturday before 春节", at(2026, 2, 14, 0, 0), true},
		{"春节 Sunday", at(2026, 2, 15, 12, 0), false},
		{"春节 Monday", at(2026, 2, 16, 9, 0), false},
		{"春节 last day Monday", at(2026, 2, 23, 23, 59), false},
		{"after 春节 Tuesday", at(2026, 2, 24, 0, 0), true},
		{"adjusted Saturday after 春节", at(2026, 2, 28, 9, 0), true},
		{"ordinary Saturday", at(2026, 3, 7, 9, 0), false},
		{"ordinary Sunday", at(2026, 3, 8, 9, 0), false},
		{"清明 Monday", at(2026, 4, 6, 9, 0), false},
		{"劳动节 Tuesday", at(2026, 5, 5, 9, 0), false},
		{"adjusted Saturday 5-9", at(2026, 5, 9, 9, 0), true},
		{"端午 Friday", at(2026, 6, 19, 9, 0), false},
		{"adjusted Sunday 9-20", at(2026, 9, 20, 9, 0), true},
		{"中秋 Friday", at(2026, 9, 25, 9, 0), false},
		{"day before 国庆", at(2026, 9, 30, 9, 0), true},
		{"国庆 Wednesday", at(2026, 10, 7, 9, 0), false},
		{"after 国庆 Thursday", at(2026, 10, 8, 9, 0), true},
		{"adjusted Saturday 10-10", at(2026, 10, 10, 9, 0), true},
		{"uncovered 2028 Monday", at(2028, 1, 3, 9, 0), true},
		{"uncovered 2028 Saturday", at(2028, 1, 1, 9, 0), false},
		// The day is judged in CST whatever the location of t.
		{"UTC evening already CST Sunday workday", time.Date(2026, 1, 3, 16, 0, 0, 0, time.UTC), true},
		{"UTC afternoon still CST holiday", time.Date(2026, 1, 3, 15, 59, 59, 0, time.UTC), false},
		{"New York Friday evening is CST Saturday", time.Date(2026, 3, 6, 12, 0, 0, 0, time.FixedZone("EST", -5*3600)), false},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.t); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%v) = %v, want %v", tt.name, tt.t, got, tt.want)
		}
	}
}

func TestIsWorkingDayProvisional2027(t *testing.T) {
	c := mustDefault(t, 0)
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(2027, 1, 1, 9, 0), false},
		{at(2027, 2, 5, 9, 0), false},  // 除夕
		{at(2027, 2, 8, 9, 0), false},  // 初三
		{at(2027, 2, 14, 9, 0), true},  // adjusted Sunday
		{at(2027, 10, 7, 9, 0), false}, // 国庆 block
		{at(2027, 10, 9, 9, 0), true},  // adjusted Saturday
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.t); got != tt.want {
			t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestDurations(t *testing.T) {
	normal := Calendar{}
	day := Calendar{DayLength: 24 * time.Hour}
	fast := Calendar{DayLength: time.Minute}
	if normal.Fast() || day.Fast() || !fast.Fast() {
		t.Fatalf("Fast() = %v %v %v, want false false true", normal.Fast(), day.Fast(), fast.Fast())
	}
	if got := normal.WorkingDays(20); got != 480*time.Hour {
		t.Errorf("WorkingDays(20) = %v", got)
	}
	if got := fast.WorkingDays(20); got != 480*time.Hour {
		t.Errorf("fast WorkingDays(20) = %v, want 480h of working time", got)
	}
	if got := normal.CalendarDays(7); got != 168*time.Hour {
		t.Errorf("CalendarDays(7) = %v", got)
	}
	if got := day.CalendarDays(7); got != 168*time.Hour {
		t.Errorf("24h-day CalendarDays(7) = %v", got)
	}
	if got := fast.CalendarDays(7); got != 7*time.Minute {
		t.Errorf("fast CalendarDays(7) = %v, want 7m", got)
	}
}

func TestFastModeIgnoresHolidays(t *testing.T) {
	c := mustDefault(t, time.Minute)
	if !c.Fast() {
		t.Fatal("Fast() = false for 1m days")
	}
	for _, d := range []time.Time{at(2026, 2, 16, 9, 0), at(2026, 3, 7, 9, 0), at(2026, 3, 9, 9, 0)} {
		if !c.IsWorkingDay(d) {
			t.Errorf("fast IsWorkingDay(%v) = false", d)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, dl := range []time.Duration{0, time.Minute} {
		c := mustDefault(t, dl)
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Calendar
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("round trip changed the calendar:\n%+v\n%+v", c, back)
		}
		start := at(2026, 9, 30, 9, 0)
		if !c.Add(start, c.WorkingDays(5)).Equal(back.Add(start, back.WorkingDays(5))) {
			t.Fatal("round-tripped calendar computes a different deadline")
		}
	}
	var fields map[string]any
	data, _ := json.Marshal(Calendar{DayLength: time.Second})
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"holidays", "workdays", "day_length", "years"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks field %q: %s", k, data)
		}
	}
}

func TestMethodsDoNotMutate(t *testing.T) {
	c := mustDefault(t, 0)
	before, _ := json.Marshal(c)
	c.IsWorkingDay(at(2026, 1, 1, 0, 0))
	c.Add(at(2026, 1, 1, 0, 0), c.WorkingDays(30))
	c.Elapsed(at(2026, 1, 1, 0, 0), at(2026, 12, 31, 0, 0))
	after, _ := json.Marshal(c)
	if string(before) != string(after) {
		t.Fatal("methods changed the calendar")
	}
}
