package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"certflow/deploy/calendars"
)

// yearFile is the on-disk format of one YEAR.json calendar file.
type yearFile struct {
	Year     int      `json:"year"`
	Source   string   `json:"source"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// Default loads the calendar files embedded from deploy/calendars.
func Default(dayLength time.Duration) (Calendar, error) {
	return Load(calendars.Files, dayLength)
}

// Load reads and validates every *.json file at the root of fsys and merges
// them into one Calendar with the given DayLength. It rejects unknown fields,
// dates that are not real YYYY-MM-DD dates or lie outside their file's year,
// dates listed twice or as both holiday and workday, adjusted workdays that
// are not weekend days, and a year given by two files.
func Load(fsys fs.FS, dayLength time.Duration) (Calendar, error) {
	if dayLength < 0 || dayLength > Day {
		return Calendar{}, fmt.Errorf("calendar day length %v must be between 0 and 24h", dayLength)
	}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return Calendar{}, fmt.Errorf("list calendar files: %w", err)
	}
	if len(names) == 0 {
		return Calendar{}, fmt.Errorf("no calendar files (*.json) found")
	}
	slices.Sort(names)
	c := Calendar{DayLength: dayLength}
	seen := make(map[string]string) // date -> "holiday" or "workday"
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return Calendar{}, fmt.Errorf("read calendar file %s: %w", name, err)
		}
		f, err := parseYearFile(data)
		if err != nil {
			return Calendar{}, fmt.Errorf("calendar file %s: %w", name, err)
		}
		if c.Covers(f.Year) {
			return Calendar{}, fmt.Errorf("calendar file %s: year %d is already covered by another file", name, f.Year)
		}
		for _, list := range []struct {
			kind  string
			dates []string
		}{{"holiday", f.Holidays}, {"workday", f.Workdays}} {
			for _, s := range list.dates {
				if other, dup := seen[s]; dup {
					if other == list.kind {
						return Calendar{}, fmt.Errorf("calendar file %s: %s is listed twice as a %s", name, s, other)
					}
					return Calendar{}, fmt.Errorf("calendar file %s: %s is listed both as a holiday and as a workday", name, s)
				}
				seen[s] = list.kind
			}
		}
		c.Years = append(c.Years, f.Year)
		c.Holidays = append(c.Holidays, f.Holidays...)
		c.Workdays = append(c.Workdays, f.Workdays...)
	}
	slices.Sort(c.Years)
	slices.Sort(c.Holidays)
	slices.Sort(c.Workdays)
	return c, nil
}

// parseYearFile decodes one calendar file and checks each date on its own.
func parseYearFile(data []byte) (yearFile, error) {
	var f yearFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return yearFile{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return yearFile{}, fmt.Errorf("invalid JSON: extra data after the calendar object")
	}
	if f.Year < 1949 || f.Year > 9999 {
		return yearFile{}, fmt.Errorf("year %d is missing or out of range", f.Year)
	}
	if f.Source == "" {
		return yearFile{}, fmt.Errorf("source is missing: say which notice the dates come from")
	}
	for _, s := range f.Holidays {
		if _, err := checkDate(s, f.Year); err != nil {
			return yearFile{}, fmt.Errorf("holiday %w", err)
		}
	}
	for _, s := range f.Workdays {
		t, err := checkDate(s, f.Year)
		if err != nil {
			return yearFile{}, fmt.Errorf("workday %w", err)
		}
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return yearFile{}, fmt.Errorf("workday %s is a %s; adjusted workdays must be weekend days", s, wd)
		}
	}
	return f, nil
}

// checkDate parses a YYYY-MM-DD date and checks it lies in year.
func checkDate(s string, year int) (time.Time, error) {
	t, err := parseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a real YYYY-MM-DD date", s)
	}
	if t.Year() != year {
		return time.Time{}, fmt.Errorf("%s is outside the file's year %d", s, year)
	}
	return t, nil
}
