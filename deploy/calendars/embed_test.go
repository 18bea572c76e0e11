package calendars

import (
	"encoding/json"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"
)

type yearData struct {
	Year     int      `json:"year"`
	Source   string   `json:"source"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

func readYears(t *testing.T) map[int]yearData {
	t.Helper()
	names, err := fs.Glob(Files, "*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no embedded calendar files: %v", err)
	}
	years := map[int]yearData{}
	for _, name := range names {
		raw, err := fs.ReadFile(Files, name)
		if err != nil {
			t.Fatal(err)
		}
		var y yearData
		if err := json.Unmarshal(raw, &y); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strconv.Itoa(y.Year)+".json" != name {
			t.Errorf("%s declares year %d", name, y.Year)
		}
		if y.Source == "" {
			t.Errorf("%s has no source", name)
		}
		years[y.Year] = y
	}
	return years
}

func TestEmbeddedYears(t *testing.T) {
	years := readYears(t)
	for _, y := range []int{2026, 2027} {
		if _, ok := years[y]; !ok {
			t.Errorf("no calendar for %d", y)
		}
	}
	if !strings.Contains(years[2026].Source, "国办发明电〔2025〕7号") {
		t.Errorf("2026 source does not cite the State Council notice: %s", years[2026].Source)
	}
	if !strings.HasPrefix(years[2027].Source, "PROVISIONAL") {
		t.Errorf("2027 source must say the data is provisional until the notice is out: %s", years[2027].Source)
	}
}

// statutory lists each year's statutory festival days under the 2024
// revision of 全国年节及纪念日放假办法 (13 days a year); lunar dates for 2027
// were computed from astronomical new moons.
var statutory = map[int][]string{
	2026: {"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-04-05",
		"2026-05-01", "2026-05-02", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-03"},
	2027: {"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05",
		"2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"},
}

func TestScheduleConsistency(t *testing.T) {
	for year, y := range readYears(t) {
		holiday := map[string]bool{}
		prev := ""
		for _, d := range y.Holidays {
			if d <= prev {
				t.Errorf("%d: holidays not sorted and unique at %s", year, d)
			}
			prev = d
			holiday[d] = true
		}
		for _, d := range statutory[year] {
			if !holiday[d] {
				t.Errorf("%d: statutory day %s is not a holiday", year, d)
			}
		}
		// Every statutory day is a day off, those on weekends are made up on
		// weekdays, and borrowed weekdays are repaid by adjusted weekend
		// workdays; so weekday holidays minus workdays is exactly 13.
		weekdayOff := 0
		for _, d := range y.Holidays {
			if wd := mustDate(t, d).Weekday(); wd != time.Saturday && wd != time.Sunday {
				weekdayOff++
			}
		}
		for _, d := range y.Workdays {
			if wd := mustDate(t, d).Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("%d: workday %s is a %s", year, d, wd)
			}
		}
		if statutory[year] != nil && weekdayOff-len(y.Workdays) != 13 {
			t.Errorf("%d: %d weekday holidays - %d workdays = %d, want 13",
				year, weekdayOff, len(y.Workdays), weekdayOff-len(y.Workdays))
		}
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return d
}
