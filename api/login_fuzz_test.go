package api

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"certflow/account"
)

var loginSeeds = []string{
	`{"username":"li.na","password":"correct horse battery"}`, `{"username":"li.na"}`, `{"password":1}`,
	`{"username":"li.na","password":"x\u0000"}`, "{\"username\":\"\xff\"}", `{"username":"` + strings.Repeat("a", 65) + `"}`,
	`{"mfa_token":"x","code":"123456"}`, `{"refresh_token":null}`, `{"username":"a","password":"b","extra":1}`,
}

// FuzzBindJSONLogin: the sign-in bodies bind strictly, whatever arrives.
func FuzzBindJSONLogin(f *testing.F) {
	for _, s := range loginSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkBinding[loginRequest](t, body)
		checkBinding[mfaRequest](t, body)
		checkBinding[refreshRequest](t, body)
		checkBinding[activateRequest](t, body)
	})
}

// FuzzTokenAlg: reading the alg of an unverified header never panics, and only a header that
// says EdDSA routes a token to the key ring.
func FuzzTokenAlg(f *testing.F) {
	for _, s := range []string{"", ".", "a.b.c", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"EdDSA","kid":"k"}`)) + ".e30.",
		base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256"}`)) + ".e30.x", "eyJhbGciOiJub25lIn0.e30."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		if tokenAlg(token) != "EdDSA" {
			return
		}
		head, _, _ := strings.Cut(token, ".")
		if b, err := base64.RawURLEncoding.DecodeString(head); err != nil || !strings.Contains(string(b), "EdDSA") {
			t.Fatalf("alg EdDSA read from a header without it: %q", token)
		}
	})
}

// FuzzCheckPassword: the password rules never panic and never accept a short password or one
// containing the username.
func FuzzCheckPassword(f *testing.F) {
	f.Add("li.na", "correct horse battery")
	f.Add("", "")
	f.Add("a", "aaaaaaaaaaaaa")
	f.Fuzz(func(t *testing.T, user, pw string) {
		err := account.CheckPassword(user, pw)
		if err == nil && (utf8.RuneCountInString(pw) < account.MinPasswordLen ||
			(strings.TrimSpace(user) != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(strings.TrimSpace(user))))) {
			t.Fatalf("accepted %q for %q", pw, user)
		}
	})
}
