// Package account holds the rules of people's accounts that need no I/O: password rules,
// argon2id password hashes, and one-time activation codes.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 12

// MaxPasswordLen bounds the work one hash costs (characters).
const MaxPasswordLen = 128

// commonPasswords are passwords of at least MinPasswordLen characters that appear near the top
// of leaked-password lists (compared without case).
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range []string{
		"123456789012", "1234567890123", "12345678901234", "123456789abc", "1q2w3e4r5t6y",
		"qwertyuiop12", "qwerty123456", "qwertyuiopas", "qwertyuiop[]", "1qaz2wsx3edc",
		"password1234", "password123!", "passw0rd1234", "p@ssw0rd1234", "p@ssword1234",
		"iloveyou1234", "administrator", "admin1234567", "admin@123456", "abc123456789",
		"aa1234567890", "a12345678901", "111111111111", "000000000000", "888888888888",
		"666666666666", "abcdefghijkl", "abcd12345678", "woaini520131", "woaini1314520",
		"5201314520131", "letmein12345", "welcome12345", "changeme1234", "certflow1234",
		"certflow12345", "zxcvbnm12345", "asdfghjkl123", "qazwsxedcrfv", "trustno1trustno1",
	} {
		commonPasswords[p] = true
	}
}

// ErrWeakPassword is wrapped by every password-rule violation.
var ErrWeakPassword = errors.New("password refused")

// CheckPassword applies the password rules: at least MinPasswordLen characters (at most
// MaxPasswordLen), not the username (nor containing it), not a common password.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return fmt.Errorf("%w: must have at least %d characters", ErrWeakPassword, MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Errorf("%w: may have at most %d characters", ErrWeakPassword, MaxPasswordLen)
	}
	lower := strings.ToLower(password)
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && strings.Contains(lower, u) {
		return fmt.Errorf("%w: must not contain the username", ErrWeakPassword)
	}
	if commonPasswords[lower] || strings.Count(password, string([]rune(password)[:1])) == len(password) {
		return fmt.Errorf("%w: is too common; choose another", ErrWeakPassword)
	}
	return nil
}

// Argon2id parameters (OWASP's recommendation: 19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword returns the argon2id hash of password in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash reports a stored hash VerifyPassword cannot read.
var ErrMalformedHash = errors.New("malformed argon2id hash")

// VerifyPassword reports whether password matches an argon2id hash made by HashPassword
// (with the parameters stored in the hash), comparing in constant time.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || p == 0 {
		return false, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// codeAlphabet is Crockford's base32 without the letters people confuse (I, L, O, U).
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewActivationCode returns a random one-time code (20 characters, 100 bits, grouped by 5 with
// dashes) and the hash to store.
func NewActivationCode() (code, hash string, err error) {
	buf := make([]byte, 20)
	if _, err := rand.Read(buf); err != nil {
		return "", "", err
	}
	var b strings.Builder
	for i, c := range buf {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	code = b.String()
	return code, HashCode(code), nil
}

// HashCode is the stored form of a high-entropy one-time code: the SHA-256 of its normalised
// form (upper case, without dashes or spaces), hex. Codes have 100 bits of entropy, so a fast
// hash is enough.
func HashCode(code string) string {
	norm := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte("certflow activation code\x00" + norm))
	return hex.EncodeToString(sum[:])
}
