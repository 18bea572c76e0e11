package imports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxRecordBytes bounds one CSV record (a line, or several lines of one quoted field): a
// longer one fails the import, so memory does not grow with a malformed file.
const MaxRecordBytes = 1 << 20

// bom is the UTF-8 byte-order mark some spreadsheet programs write first.
const bom = "\xef\xbb\xbf"

// Record is one data row as read: its line and fields, or the CSV error that spoiled it.
type Record struct {
	Line   int64
	Fields []string
	// Err is set when the row could not be read as CSV (a stray or unterminated quote).
	Err *RowError
}

// Reader streams the data rows of an import file. It reads the header when it starts at the
// beginning of the file, and otherwise continues from a committed position.
type Reader struct {
	csv   *csv.Reader
	guard *recordGuard
	base  Position // where this reader started
	pos   Position // after the last record returned
}

// NewReader reads the file of kind from r, which yields the file's bytes from from.Offset on.
// At the start (the zero Position) it skips a UTF-8 byte-order mark and checks the header,
// failing with a *Failure (code wrong_header) when it is not the kind's; a later position is
// the start of a row, as Position returned it.
func NewReader(r io.Reader, kind Kind, from Position) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	atStart := from.Line == 0
	if atStart {
		if head, _ := br.Peek(len(bom)); string(head) == bom {
			_, _ = br.Discard(len(bom))
			from.Offset = int64(len(bom))
		}
	}
	g := &recordGuard{r: br}
	rd := &Reader{guard: g, base: from, pos: from}
	rd.csv = csv.NewReader(g)
	rd.csv.FieldsPerRecord = -1
	if !atStart {
		return rd, nil
	}
	if err := rd.header(kind); err != nil {
		return nil, err
	}
	return rd, nil
}

// header reads and checks the first record.
func (rd *Reader) header(kind Kind) error {
	want := kind.Columns()
	wrong := func(detail string) error {
		return &Failure{Code: CodeWrongHeader, Message: fmt.Sprintf(
			"the first line must be the %s header %q: %s", kind, kind.Header(), detail)}
	}
	rec, err := rd.Next()
	if err == io.EOF {
		return wrong("the file is empty")
	}
	if err != nil {
		return err
	}
	if rec.Err != nil {
		return wrong("it is not valid CSV")
	}
	if len(rec.Fields) != len(want) {
		return wrong(fmt.Sprintf("it has %d columns, not %d", len(rec.Fields), len(want)))
	}
	for i, name := range want {
		if !strings.EqualFold(strings.TrimSpace(rec.Fields[i]), name) {
			// The found value is not repeated: a file without a header has personal data here.
			return wrong(fmt.Sprintf("column %d is not %s", i+1, name))
		}
	}
	return nil
}

// Next returns the next record, io.EOF at the end of the file, a *Failure when a record is
// longer than MaxRecordBytes, or the underlying reader's error.
func (rd *Reader) Next() (Record, error) {
	rd.guard.mark(rd.pos.Offset - rd.base.Offset)
	fields, err := rd.csv.Read()
	if err == io.EOF {
		return Record{}, io.EOF
	}
	var perr *csv.ParseError
	switch {
	case errors.Is(err, errRecordTooLong):
		return Record{}, &Failure{Code: CodeRecordTooLong, Message: fmt.Sprintf(
			"the record after line %d is longer than %d bytes", rd.pos.Line, MaxRecordBytes)}
	case errors.As(err, &perr):
		rec := Record{Line: rd.base.Line + int64(perr.StartLine)}
		rec.Err = &RowError{Line: rec.Line, Code: CodeMalformedCSV,
			Message: fmt.Sprintf("the row is not valid CSV: %v (column %d)", perr.Err, perr.Column)}
		rd.advance(int64(perr.Line))
		return rec, nil
	case err != nil:
		return Record{}, err
	}
	start, _ := rd.csv.FieldPos(0)
	last := len(fields) - 1
	end, _ := rd.csv.FieldPos(last)
	rd.advance(int64(end + strings.Count(fields[last], "\n")))
	return Record{Line: rd.base.Line + int64(start), Fields: fields}, nil
}

// advance moves the position past the record that ended on relative line end.
func (rd *Reader) advance(end int64) {
	rd.pos = Position{Offset: rd.base.Offset + rd.csv.InputOffset(), Line: rd.base.Line + end}
}

// Position is the position just after the last record Next returned.
func (rd *Reader) Position() Position { return rd.pos }

// errRecordTooLong is what recordGuard fails with.
var errRecordTooLong = errors.New("record too long")

// recordGuard fails reading once more than MaxRecordBytes (plus the read-ahead of the CSV
// reader's buffer) lie beyond the end of the last complete record, so a record without an end
// — a missing newline, an unterminated quote — cannot make the reader hold the whole file.
type recordGuard struct {
	r    io.Reader
	n    int64 // bytes passed on
	from int64 // where the current record starts
}

// readAhead is more than encoding/csv's own buffer can hold beyond the record it parses.
const readAhead = 64 << 10

func (g *recordGuard) mark(at int64) { g.from = at }

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n-g.from > MaxRecordBytes+readAhead {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}
