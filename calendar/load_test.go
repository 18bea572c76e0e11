package calendar

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const good2026 = `{"year":2026,"source":"test","holidays":["2026-01-01","2026-01-02"],"workdays":["2026-01-04"]}`

func TestLoadMergesFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"2027.json":        {Data: []byte(`{"year":2027,"source":"test","holidays":["2027-01-01"],"workdays":[]}`)},
		"2026.json":        {Data: []byte(good2026)},
		"README.md":        {Data: []byte("not a calendar")},
		"old/2020.json":    {Data: []byte("not even JSON")},
		"2026.json.bak":    {Data: []byte("ignored")},
		"nested/2025.json": {Data: []byte(`{"year":2025}`)},
	}
	c, err := Load(fsys, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Holidays, ",") != "2026-01-01,2026-01-02,2027-01-01" {
		t.Errorf("Holidays = %v", c.Holidays)
	}
	if strings.Join(c.Workdays, ",") != "2026-01-04" {
		t.Errorf("Workdays = %v", c.Workdays)
	}
	if len(c.Years) != 2 || c.Years[0] != 2026 || c.Years[1] != 2027 {
		t.Errorf("Years = %v", c.Years)
	}
	if c.DayLength != time.Minute {
		t.Errorf("DayLength = %v", c.DayLength)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		dayLen  time.Duration
		wantErr string
	}{
		{"no files", map[string]string{"README.md": "x"}, 0, "no calendar files"},
		{"negative day length", map[string]string{"2026.json": good2026}, -time.Second, "day length"},
		{"day length over 24h", map[string]string{"2026.json": good2026}, 25 * time.Hour, "day length"},
		{"bad JSON", map[string]string{"2026.json": `{"year":2026,`}, 0, "2026.json: invalid JSON"},
		{"trailing data", map[string]string{"2026.json": good2026 + `{}`}, 0, "extra data"},
		{"unknown field", map[string]string{"2026.json": `{"year":2026,"source":"s","holiday":["2026-01-01"]}`}, 0, "unknown field"},
		{"missing year", map[string]string{"2026.json": `{"source":"s","holidays":[]}`}, 0, "year 0 is missing"},
		{"missing source", map[string]string{"2026.json": `{"year":2026,"holidays":[]}`}, 0, "source is missing"},
		{"impossible date", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2026-02-30"]}`}, 0, `holiday "2026-02-30" is not a real YYYY-MM-DD date`},
		{"unpadded date", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2026-2-1"]}`}, 0, "not a real YYYY-MM-DD date"},
		{"date with time", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2026-02-01T00:00:00"]}`}, 0, "not a real YYYY-MM-DD date"},
		{"holiday outside year", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2027-01-01"]}`}, 0, "holiday 2027-01-01 is outside the file's year 2026"},
		{"workday outside year", map[string]string{"2026.json": `{"year":2026,"source":"s","workdays":["2025-12-28"]}`}, 0, "workday 2025-12-28 is outside"},
		{"workday on a weekday", map[string]string{"2026.json": `{"year":2026,"source":"s","workdays":["2026-01-05"]}`}, 0, "workday 2026-01-05 is a Monday"},
		{"both holiday and workday", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2026-01-04"],"workdays":["2026-01-04"]}`}, 0, "2026-01-04 is listed both as a holiday and as a workday"},
		{"duplicate holiday", map[string]string{"2026.json": `{"year":2026,"source":"s","holidays":["2026-01-01","2026-01-01"]}`}, 0, "2026-01-01 is listed twice as a holiday"},
		{"year in two files", map[string]string{"2026.json": good2026, "2026b.json": `{"year":2026,"source":"s","holidays":["2026-05-01"]}`}, 0, "year 2026 is already covered"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{}
		for name, data := range tt.files {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
		_, err := Load(fsys, tt.dayLen)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Load error = %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestDefaultMatchesOfficial2026(t *testing.T) {
	// 国办发明电〔2025〕7号, written out independently of the data file.
	c := mustDefault(t, 0)
	var holidays []string
	for _, r := range [][2]string{
		{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
		{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
		{"2026-10-01", "2026-10-07"},
	} {
		from, _ := time.Parse(time.DateOnly, r[0])
		to, _ := time.Parse(time.DateOnly, r[1])
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			holidays = append(holidays, d.Format(time.DateOnly))
		}
	}
	var got2026 []string
	for _, h := range c.Holidays {
		if strings.HasPrefix(h, "2026-") {
			got2026 = append(got2026, h)
		}
	}
	if strings.Join(got2026, ",") != strings.Join(holidays, ",") {
		t.Errorf("2026 holidays = %v\nwant %v", got2026, holidays)
	}
	var work2026 []string
	for _, w := range c.Workdays {
		if strings.HasPrefix(w, "2026-") {
			work2026 = append(work2026, w)
		}
	}
	if got, want := strings.Join(work2026, ","), "2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,2026-10-10"; got != want {
		t.Errorf("2026 workdays = %s, want %s", got, want)
	}
}
