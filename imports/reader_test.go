package imports

import (
	"errors"
	"io"
	"strings"
	"testing"
)

const eduHeader = "id_number,provider,course,hours,completed_on\n"

// readAll reads every record from pos on.
func readAll(t *testing.T, file string, from Position) ([]Record, []Position) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(file[from.Offset:]), KindEducation, from)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	var pos []Position
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, pos
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
		pos = append(pos, rd.Position())
	}
}

func TestReaderLinesAndResume(t *testing.T) {
	file := "\xef\xbb\xbf" + eduHeader +
		goodID + ",p,c,1,2026-01-01\r\n" +
		"\n" + // a blank line is skipped but counted
		goodID + ",\"multi\nline\",c,2,2026-01-02\n" +
		goodID + ",bad\"quote,c,3,2026-01-03\n" +
		goodID + ",p,c,4,2026-01-04"
	recs, pos := readAll(t, file, Position{})
	lines := []int64{2, 4, 6, 7}
	if len(recs) != len(lines) {
		t.Fatalf("%d records, want %d: %+v", len(recs), len(lines), recs)
	}
	for i, rec := range recs {
		if rec.Line != lines[i] {
			t.Errorf("record %d on line %d, want %d", i, rec.Line, lines[i])
		}
	}
	if recs[1].Fields[1] != "multi\nline" || recs[2].Err == nil || recs[2].Err.Code != CodeMalformedCSV {
		t.Errorf("records %+v", recs)
	}
	if pos[1].Line != 5 || pos[3].Offset != int64(len(file)) {
		t.Errorf("positions %+v", pos)
	}
	// Resuming from each committed position reads exactly the records after it.
	for i := range pos {
		rest, _ := readAll(t, file, pos[i])
		if len(rest) != len(recs)-i-1 {
			t.Fatalf("from %+v: %d records, want %d", pos[i], len(rest), len(recs)-i-1)
		}
		for j, rec := range rest {
			want := recs[i+1+j]
			if rec.Line != want.Line || strings.Join(rec.Fields, "|") != strings.Join(want.Fields, "|") {
				t.Errorf("from %+v: record %+v, want %+v", pos[i], rec, want)
			}
		}
	}
}

func TestReaderHeader(t *testing.T) {
	for name, file := range map[string]string{
		"empty":          "",
		"other kind":     "uscc,name,province_code,qualification\n",
		"missing column": "id_number,provider,course,hours\n",
		"data first":     goodID + ",p,c,1,2026-01-01\n",
	} {
		_, err := NewReader(strings.NewReader(file), KindEducation, Position{})
		var f *Failure
		if !errors.As(err, &f) || f.Code != CodeWrongHeader {
			t.Errorf("%s: got %v, want wrong_header", name, err)
			continue
		}
		if strings.Contains(f.Message, goodID) {
			t.Errorf("%s: the failure repeats the file: %s", name, f.Message)
		}
	}
	if _, err := NewReader(strings.NewReader(" ID_Number , provider,course,hours,completed_on\r\n"), KindEducation, Position{}); err != nil {
		t.Errorf("header with spaces and capitals: %v", err)
	}
}

func TestReaderRecordTooLong(t *testing.T) {
	file := eduHeader + goodID + ",p,c,1,2026-01-01\n" + "\"" + strings.Repeat("x", MaxRecordBytes+2*readAhead)
	rd, err := NewReader(strings.NewReader(file), KindEducation, Position{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	var f *Failure
	if !errors.As(err, &f) || f.Code != CodeRecordTooLong {
		t.Fatalf("got %v, want record_too_long", err)
	}
}

func TestBatchCountsEveryRow(t *testing.T) {
	b := NewBatch(KindEducation)
	b.Add(Record{Line: 2, Fields: []string{goodID, "p", "c", "1", "2026-01-01"}})
	b.Add(Record{Line: 3, Fields: []string{goodID, "p", "c", "x", "2026-01-01"}})
	b.Add(Record{Line: 4, Err: &RowError{Line: 4, Code: CodeMalformedCSV}})
	if b.Rows != 3 || len(b.Education) != 1 || len(b.Errors) != 2 || b.Errors[0].Line != 3 {
		t.Fatalf("%+v", b)
	}
}
