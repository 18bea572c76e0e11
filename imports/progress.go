package imports

import "fmt"

// Position is where an import stands in its file: the byte offset just after the last row
// committed and the number of the last line that row ended on (the header counts as line 1).
type Position struct {
	Offset int64 `json:"offset"`
	Line   int64 `json:"line"`
}

// Counts are an import's running totals. Every data row read is exactly one of imported,
// duplicate (already present: re-importing a file changes nothing) or rejected.
type Counts struct {
	RowsRead   int64 `json:"rows_read"`
	Imported   int64 `json:"imported"`
	Duplicates int64 `json:"duplicates"`
	Rejected   int64 `json:"rejected"`
}

// Add returns the sum of two counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{RowsRead: c.RowsRead + o.RowsRead, Imported: c.Imported + o.Imported,
		Duplicates: c.Duplicates + o.Duplicates, Rejected: c.Rejected + o.Rejected}
}

// Progress is the committed position with the counts so far; activities heartbeat it. It
// carries no personal data.
type Progress struct {
	Position
	Counts
}

// MaxErrors is how many row errors an import keeps (the first ones, by line).
const MaxErrors = 100

// RowError is one rejected row: its line, a stable code and a sentence naming the column. It
// never repeats the row's values.
type RowError struct {
	Line    int64  `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The codes of rejected rows.
const (
	CodeWrongColumns          = "wrong_columns"
	CodeMalformedCSV          = "malformed_csv"
	CodeInvalidResidentID     = "invalid_resident_id"
	CodeInvalidUSCC           = "invalid_uscc"
	CodeBadRegistrationNumber = "bad_registration_number"
	CodeBadName               = "bad_name"
	CodeBadLevel              = "bad_level"
	CodeBadSpecialty          = "bad_specialty"
	CodeBadDate               = "bad_date"
	CodeBadStatus             = "bad_status"
	CodeBadProvince           = "bad_province"
	CodeBadText               = "bad_text"
	CodeBadHours              = "bad_hours"
	CodeUnknownEnterprise     = "unknown_enterprise"
	CodeUnknownPractitioner   = "unknown_practitioner"
	CodeAlreadyActive         = "already_active"
	CodeRegistrationMismatch  = "registration_mismatch"
)

// The codes of a failed import (the whole file is refused from that point on).
const (
	CodeWrongHeader   = "wrong_header"
	CodeRecordTooLong = "record_too_long"
)

// Failure stops an import: a wrong header, a record too long to hold. Rows committed before it
// stay imported.
type Failure struct {
	Code    string
	Message string
}

// Error is the failure's sentence, prefixed with its code.
func (f *Failure) Error() string { return fmt.Sprintf("%s: %s", f.Code, f.Message) }
