package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// RegistrationNumber is a parsed registered-constructor registration number
// (注册编号), e.g. 京111050700001.
type RegistrationNumber struct {
	// Number is the normalised registration number.
	Number string
	// Province is the two-digit code of the province of first registration.
	Province string
	// Level is the constructor level: 1 (一级) or 2 (二级).
	Level int
	// QualifiedYear is the year the qualification was obtained (2000–2099).
	QualifiedYear int
	// RegisteredYear is the year of first registration (2000–2099).
	RegisteredYear int
	// Serial is the provincial serial number, 1–99999.
	Serial int
}

// FormatRegistrationNumber builds a registration number: the province
// abbreviation, then level (1 digit), province code (2), qualified year mod
// 100 (2), registration year mod 100 (2) and serial (5). Years are full years
// from 2000 to 2099; the constructor qualification dates from 2004.
func FormatRegistrationNumber(provinceCode string, level, qualifiedYear, registeredYear, serial int) (string, error) {
	abbrev, ok := ProvinceAbbrev(provinceCode)
	if !ok {
		return "", newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number province code %q is not a mainland province code", provinceCode))
	}
	if level != 1 && level != 2 {
		return "", newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number level must be 1 or 2, got %d", level))
	}
	if qualifiedYear < 2000 || qualifiedYear > 2099 {
		return "", newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number qualification year must be 2000 to 2099, got %d", qualifiedYear))
	}
	if registeredYear < 2000 || registeredYear > 2099 {
		return "", newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number registration year must be 2000 to 2099, got %d", registeredYear))
	}
	if serial < 1 || serial > 99999 {
		return "", newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number serial must be 1 to 99999, got %d", serial))
	}
	return fmt.Sprintf("%s%d%s%02d%02d%05d", abbrev, level, provinceCode,
		qualifiedYear%100, registeredYear%100, serial), nil
}

// ParseRegistrationNumber parses and validates a registration number such as
// 京111050700001. Surrounding spaces are trimmed. The abbreviation must be
// the one for the embedded province code; two-digit years are read as 20xx.
func ParseRegistrationNumber(s string) (RegistrationNumber, error) {
	s = strings.TrimSpace(s)
	abbrev, size := utf8.DecodeRuneInString(s)
	digits := s[size:]
	if size == 0 || len(digits) != 12 || !allDigits(digits) {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			"registration number must be a province abbreviation followed by 12 digits")
	}
	if _, ok := provinceCodes[string(abbrev)]; !ok {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number must start with a province abbreviation, got %q", abbrev))
	}
	r := RegistrationNumber{
		Number:         s,
		Level:          int(digits[0] - '0'),
		Province:       digits[1:3],
		QualifiedYear:  2000 + atoiDigits(digits[3:5]),
		RegisteredYear: 2000 + atoiDigits(digits[5:7]),
		Serial:         atoiDigits(digits[7:12]),
	}
	want, ok := ProvinceAbbrev(r.Province)
	if !ok {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number province code %s is not a mainland province code", r.Province))
	}
	if want != string(abbrev) {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number abbreviation %c does not match province code %s (%s)", abbrev, r.Province, want))
	}
	if r.Level != 1 && r.Level != 2 {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			fmt.Sprintf("registration number level must be 1 or 2, got %d", r.Level))
	}
	if r.Serial == 0 {
		return RegistrationNumber{}, newError(ErrRegistrationNumberFormat,
			"registration number serial must not be 00000")
	}
	return r, nil
}
