package imports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"certflow/domain"
	"certflow/ident"
)

// Registration is one row of a registrations file. IDNumber is personal data: the store seals
// it and indexes it, and nothing logs it.
type Registration struct {
	Line           int64
	Number         string
	Province       string // the province code of first registration, from the number
	RegisteredYear int    // the year of first registration, from the number
	Serial         int    // the provincial serial, from the number
	IDNumber       string // normalised resident ID
	Name           string
	Level          int
	Specialty      string
	EnterpriseUSCC string
	ValidFrom      time.Time
	ValidTo        time.Time
	Status         string
}

// Enterprise is one row of an enterprises file.
type Enterprise struct {
	Line          int64
	USCC          string
	Name          string
	ProvinceCode  string
	Qualification string
}

// Education is one row of an education file: a completed continuing-education course.
type Education struct {
	Line        int64
	IDNumber    string // normalised resident ID
	Provider    string
	Course      string
	Hours       int
	CompletedOn time.Time
}

// RegistrationStatuses are the statuses a registration row may have.
var RegistrationStatuses = []string{"active", "expired", "cancelled"}

// maxHours bounds the hours of one course.
const maxHours = 1000

// rowCheck collects the first problem of a row while its fields are parsed.
type rowCheck struct {
	line int64
	err  *RowError
}

func (c *rowCheck) fail(code, format string, args ...any) {
	if c.err == nil {
		c.err = &RowError{Line: c.line, Code: code, Message: fmt.Sprintf(format, args...)}
	}
}

// columnsOK checks the number of fields of a row of kind k.
func (c *rowCheck) columnsOK(k Kind, f []string) bool {
	if want := len(k.Columns()); len(f) != want {
		c.fail(CodeWrongColumns, "the row has %d columns, the %s header has %d", len(f), k, want)
		return false
	}
	return true
}

func (c *rowCheck) residentID(s string) string {
	id, err := ident.ParseResidentID(s)
	if err != nil {
		c.fail(CodeInvalidResidentID, "id_number is not a valid resident ID (18 characters, a real birth date and the GB 11643 check character)")
	}
	return id.Number
}

func (c *rowCheck) uscc(column, s string) string {
	code, err := ident.ParseUSCC(s)
	if err != nil {
		c.fail(CodeInvalidUSCC, "%s is not a valid unified social credit code: %v", column, err)
	}
	return code
}

func (c *rowCheck) text(code, column, s string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		c.fail(code, "%s is empty", column)
	} else if err := domain.CheckText(s, max); err != nil {
		c.fail(code, "%s %v", column, err)
	}
	return s
}

func (c *rowCheck) date(column, s string) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		c.fail(CodeBadDate, "%s must be a date written YYYY-MM-DD", column)
	}
	return t
}

// ParseRegistration checks one row of a registrations file.
func ParseRegistration(line int64, f []string) (Registration, *RowError) {
	c := &rowCheck{line: line}
	if !c.columnsOK(KindRegistrations, f) {
		return Registration{}, c.err
	}
	r := Registration{Line: line}
	num, err := ident.ParseRegistrationNumber(f[0])
	if err != nil {
		c.fail(CodeBadRegistrationNumber, "registration_number is not valid: %v", err)
	}
	r.Number, r.Province, r.RegisteredYear, r.Serial = num.Number, num.Province, num.RegisteredYear, num.Serial
	r.IDNumber = c.residentID(f[1])
	r.Name = c.text(CodeBadName, "name", f[2], domain.MaxName)
	switch strings.TrimSpace(f[3]) {
	case "1":
		r.Level = 1
	case "2":
		r.Level = 2
	default:
		c.fail(CodeBadLevel, "level must be 1 or 2")
	}
	r.Specialty = strings.TrimSpace(f[4])
	if r.Level != 0 && !domain.ValidSpecialty(r.Level, r.Specialty) {
		c.fail(CodeBadSpecialty, "specialty is not one of the %d specialties of level %d", len(domain.Specialties(r.Level)), r.Level)
	}
	if err == nil && r.Level != 0 && num.Level != r.Level {
		c.fail(CodeBadRegistrationNumber, "registration_number is of level %d, the row says level %d", num.Level, r.Level)
	}
	r.EnterpriseUSCC = c.uscc("enterprise_uscc", f[5])
	r.ValidFrom = c.date("valid_from", f[6])
	r.ValidTo = c.date("valid_to", f[7])
	if c.err == nil && r.ValidTo.Before(r.ValidFrom) {
		c.fail(CodeBadDate, "valid_to is before valid_from")
	}
	r.Status = strings.TrimSpace(f[8])
	if !slices.Contains(RegistrationStatuses, r.Status) {
		c.fail(CodeBadStatus, "status must be one of %s", strings.Join(RegistrationStatuses, ", "))
	}
	return r, c.err
}

// ParseEnterprise checks one row of an enterprises file.
func ParseEnterprise(line int64, f []string) (Enterprise, *RowError) {
	c := &rowCheck{line: line}
	if !c.columnsOK(KindEnterprises, f) {
		return Enterprise{}, c.err
	}
	e := Enterprise{Line: line}
	e.USCC = c.uscc("uscc", f[0])
	e.Name = c.text(CodeBadName, "name", f[1], domain.MaxOrgName)
	e.ProvinceCode = strings.TrimSpace(f[2])
	if !ident.ValidProvince(e.ProvinceCode) {
		c.fail(CodeBadProvince, "province_code must be a two-digit province code such as 11 or 21")
	}
	e.Qualification = c.text(CodeBadText, "qualification", f[3], domain.MaxOrgName)
	return e, c.err
}

// ParseEducation checks one row of an education file.
func ParseEducation(line int64, f []string) (Education, *RowError) {
	c := &rowCheck{line: line}
	if !c.columnsOK(KindEducation, f) {
		return Education{}, c.err
	}
	e := Education{Line: line}
	e.IDNumber = c.residentID(f[0])
	e.Provider = c.text(CodeBadText, "provider", f[1], domain.MaxOrgName)
	e.Course = c.text(CodeBadText, "course", f[2], domain.MaxOrgName)
	hours, err := strconv.Atoi(strings.TrimSpace(f[3]))
	if err != nil || hours <= 0 || hours > maxHours {
		c.fail(CodeBadHours, "hours must be a whole number from 1 to %d", maxHours)
	}
	e.Hours = hours
	e.CompletedOn = c.date("completed_on", f[4])
	return e, c.err
}
