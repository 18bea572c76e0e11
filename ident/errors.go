package ident

import "errors"

// Sentinel errors. Parse functions return errors that wrap one of these (test
// with errors.Is) and whose Error text is a complete sentence suitable for an
// API response. The sentences never repeat the full input, so they are safe
// to log.
var (
	// ErrResidentIDFormat reports a resident ID that is not 17 digits followed
	// by a digit or X.
	ErrResidentIDFormat = errors.New("resident ID is malformed")
	// ErrResidentIDCheck reports a resident ID whose check character does not
	// match the first 17 digits.
	ErrResidentIDCheck = errors.New("resident ID check character is wrong")
	// ErrResidentIDBirthDate reports a resident ID whose birth date is not a
	// real calendar date from 1900 on.
	ErrResidentIDBirthDate = errors.New("resident ID birth date is invalid")
	// ErrUSCCFormat reports a unified social credit code with a wrong length,
	// a character outside the GB 32100 charset, or a non-digit region code.
	ErrUSCCFormat = errors.New("unified social credit code is malformed")
	// ErrUSCCCheck reports a unified social credit code whose check character
	// does not match the first 17 characters.
	ErrUSCCCheck = errors.New("unified social credit code check character is wrong")
	// ErrRegistrationNumberFormat reports a registration number (注册编号)
	// that cannot be parsed or formatted.
	ErrRegistrationNumberFormat = errors.New("registration number is malformed")
)

// detailError carries a specific, human-readable message while unwrapping to
// a sentinel, so callers get both errors.Is and a clean API message.
type detailError struct {
	kind error
	msg  string
}

func (e *detailError) Error() string { return e.msg }

func (e *detailError) Unwrap() error { return e.kind }

func newError(kind error, msg string) error {
	return &detailError{kind: kind, msg: msg}
}
