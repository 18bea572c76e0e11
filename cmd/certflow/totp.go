package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"certflow/account"
)

// runTOTP prints the current TOTP code of a secret (certflow totp SECRET), for demos and tests
// that sign in without an authenticator app.
func runTOTP(args []string, now time.Time, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: certflow totp SECRET (the base32 secret shown at enrolment)")
	}
	if err := account.CheckTOTPSecret(args[0]); err != nil {
		return err
	}
	code, err := account.TOTPCode(args[0], now)
	if err != nil {
		return err
	}
	left := account.TOTPPeriod - now.Unix()%account.TOTPPeriod
	_, err = fmt.Fprintf(out, "%s\t(valid for %d more seconds)\n", code, left)
	return err
}
