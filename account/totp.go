package account

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters (RFC 6238 as authenticator apps expect them): 6 digits, 30-second steps,
// HMAC-SHA1, one step of clock skew either way.
const (
	TOTPPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1
)

// totpOpts are the validation options of every code.
var totpOpts = totp.ValidateOpts{Period: TOTPPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// NewTOTP makes a random TOTP secret (base32) for an account and its otpauth:// URL for
// authenticator apps.
func NewTOTP(issuer, username string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: username, Period: TOTPPeriod,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1, SecretSize: 20})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPCode is the code of a secret at a time.
func TOTPCode(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(normalizeSecret(secret), at, totpOpts)
}

// VerifyTOTP checks a code against a secret at a time, allowing one step of clock skew either
// way, and returns the time step the code belongs to, so a caller can refuse a step already
// used (each code is accepted once).
func VerifyTOTP(secret, code string, at time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != int(totpDigits) {
		return 0, false
	}
	now := at.Unix() / TOTPPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		s := now + d
		want, err := totp.GenerateCodeCustom(normalizeSecret(secret), time.Unix(s*TOTPPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// normalizeSecret accepts a secret as people type it: any case, with spaces, without padding.
func normalizeSecret(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(s))
}

// CheckTOTPSecret reports whether s is a usable base32 TOTP secret.
func CheckTOTPSecret(s string) error {
	if _, err := TOTPCode(s, time.Unix(0, 0)); err != nil || len(normalizeSecret(s)) < 16 {
		return fmt.Errorf("not a base32 TOTP secret of at least 80 bits")
	}
	return nil
}
