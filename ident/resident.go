package ident

import (
	"fmt"
	"strings"
	"time"
)

// ResidentID is a parsed 18-character resident identity number
// (居民身份证号码, GB 11643-1999).
type ResidentID struct {
	// Number is the normalised 18-character number (upper-case X).
	Number string
	// Region is the 6-digit administrative region code of first issue.
	Region string
	// Birth is midnight China Standard Time (UTC+8) on the birth date.
	Birth time.Time
	// Male is true when the 3-digit sequence number is odd.
	Male bool
}

// residentWeights are the GB 11643-1999 weights 2^(17-i) mod 11 for the
// 0-based position i.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// chinaZone is China Standard Time, fixed at UTC+8 (no tzdata needed).
var chinaZone = time.FixedZone("CST", 8*3600)

// ResidentIDCheckChar returns the check character ('0'–'9' or 'X') for the
// first 17 digits of a resident ID.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, newError(ErrResidentIDFormat,
			"the first 17 characters of a resident ID must all be digits")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X', nil
	}
	return byte('0' + v), nil
}

// ParseResidentID validates an 18-character resident ID. Surrounding spaces
// are trimmed and a lower-case x check character is accepted. The birth date
// must be a real date in 1900 or later; it is not compared with today.
func ParseResidentID(s string) (ResidentID, error) {
	s = strings.TrimSpace(s)
	if len(s) == 18 && s[17] == 'x' {
		s = s[:17] + "X"
	}
	if len(s) != 18 {
		return ResidentID{}, newError(ErrResidentIDFormat,
			fmt.Sprintf("resident ID must be 18 characters, got %d", len([]rune(s))))
	}
	if !allDigits(s[:17]) {
		return ResidentID{}, newError(ErrResidentIDFormat,
			"resident ID must start with 17 digits")
	}
	last := s[17]
	if !isDigit(last) && last != 'X' {
		return ResidentID{}, newError(ErrResidentIDFormat,
			"resident ID must end with a digit or X")
	}
	birth, err := residentBirthDate(s[6:14])
	if err != nil {
		return ResidentID{}, err
	}
	want, _ := ResidentIDCheckChar(s[:17])
	if last != want {
		return ResidentID{}, newError(ErrResidentIDCheck,
			fmt.Sprintf("resident ID check character is %c, expected %c", last, want))
	}
	return ResidentID{
		Number: s,
		Region: s[:6],
		Birth:  birth,
		Male:   (s[16]-'0')%2 == 1,
	}, nil
}

// residentBirthDate parses the 8-digit YYYYMMDD birth date of a resident ID.
func residentBirthDate(ymd string) (time.Time, error) {
	year := atoiDigits(ymd[0:4])
	month := atoiDigits(ymd[4:6])
	day := atoiDigits(ymd[6:8])
	if year < 1900 {
		return time.Time{}, newError(ErrResidentIDBirthDate,
			fmt.Sprintf("resident ID birth year %04d is before 1900", year))
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, time.Month(month)) {
		return time.Time{}, newError(ErrResidentIDBirthDate,
			fmt.Sprintf("resident ID birth date %s-%s-%s is not a real date",
				ymd[0:4], ymd[4:6], ymd[6:8]))
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, chinaZone), nil
}

// AgeAt returns the person's age in whole years at instant t, judged on the
// calendar date in China Standard Time: the age goes up on the birthday
// (for 29 February, on 1 March in common years). It is 0 before birth.
func (r ResidentID) AgeAt(t time.Time) int {
	by, bm, bd := r.Birth.In(chinaZone).Date()
	ty, tm, td := t.In(chinaZone).Date()
	age := ty - by
	if tm < bm || (tm == bm && td < bd) {
		age--
	}
	if age < 0 {
		return 0
	}
	return age
}

// daysIn returns the number of days in the given month of the given year.
func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoiDigits converts a string already known to be ASCII digits.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
