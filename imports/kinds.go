// Package imports reads the CSV files of the registry certflow inherits from the system it
// replaces: registrations, enterprises and continuing-education records. It checks the header,
// streams the rows with their line numbers and byte positions (so an interrupted import resumes
// where its last committed batch ended), and parses and validates each row into a typed record
// or a row error with a stable code. It does no I/O of its own and holds no personal data in
// its errors: a row error names a line, a code and the column, never the rejected value.
package imports

import "strings"

// Kind is what a file holds.
type Kind string

// The kinds of file an import takes.
const (
	KindRegistrations Kind = "registrations"
	KindEnterprises   Kind = "enterprises"
	KindEducation     Kind = "education"
)

// Kinds lists every kind, in the order the API documents them.
var Kinds = []Kind{KindRegistrations, KindEnterprises, KindEducation}

// columns are the header of each kind, in order.
var columns = map[Kind][]string{
	KindRegistrations: {"registration_number", "id_number", "name", "level", "specialty", "enterprise_uscc", "valid_from", "valid_to", "status"},
	KindEnterprises:   {"uscc", "name", "province_code", "qualification"},
	KindEducation:     {"id_number", "provider", "course", "hours", "completed_on"},
}

// ParseKind returns the kind named s, or false.
func ParseKind(s string) (Kind, bool) {
	_, ok := columns[Kind(s)]
	return Kind(s), ok
}

// Columns returns the header a file of this kind must start with.
func (k Kind) Columns() []string { return columns[k] }

// Header is the header line of the kind, comma-separated.
func (k Kind) Header() string { return strings.Join(columns[k], ",") }
