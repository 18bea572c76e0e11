package api

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/domain"
)

// signRaw signs an arbitrary claims payload, as a forger holding the secret (or a buggy
// issuer) could.
func signRaw(t *testing.T, payload map[string]any) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(payload)).SignedString([]byte(testJWTSecret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestParseTokenRefusesLenientDates(t *testing.T) {
	now := time.Now()
	base := func() map[string]any {
		return map[string]any{"iss": "certflow", "sub": "ministry-1", "role": "ministry_reviewer",
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	if _, err := ParseToken([]byte(testJWTSecret), signRaw(t, base())); err != nil {
		t.Fatalf("a well-formed token was refused: %v", err)
	}
	cases := map[string]func(map[string]any){
		"exp as a string":           func(m map[string]any) { m["exp"] = strconv.FormatInt(now.Add(time.Hour).Unix(), 10) },
		"iat as a string":           func(m map[string]any) { m["iat"] = "1" },
		"nbf as a string":           func(m map[string]any) { m["nbf"] = "1" },
		"iat an hour in the future": func(m map[string]any) { m["iat"] = now.Add(time.Hour).Unix() },
		"no exp":                    func(m map[string]any) { delete(m, "exp") },
		"subject with NUL":          func(m map[string]any) { m["sub"] = "a\x00b" },
		"subject too long":          func(m map[string]any) { m["sub"] = strings.Repeat("s", 201) },
		"applicant with a resident ID instead of its blind index": func(m map[string]any) {
			m["role"], m["practitioner"] = "applicant", "210102198503150016"
		},
		"unknown province": func(m map[string]any) { m["role"], m["province"] = "investigator", "99" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := base()
			mutate(m)
			if _, err := ParseToken([]byte(testJWTSecret), signRaw(t, m)); err == nil {
				t.Fatalf("token with %s was accepted", name)
			} else {
				t.Log(err)
			}
		})
	}
	t.Run("iat within the clock leeway", func(t *testing.T) {
		m := base()
		m["iat"] = now.Add(10 * time.Second).Unix()
		if _, err := ParseToken([]byte(testJWTSecret), signRaw(t, m)); err != nil {
			t.Fatalf("a token issued 10 s ahead (clock skew) was refused: %v", err)
		}
	})
}

func TestApplicantTokenCarriesOnlyTheBlindIndex(t *testing.T) {
	index := strings.Repeat("ab", 32)
	tok := testToken(t, Claims{Role: domain.RoleApplicant, Practitioner: index,
		RegisteredClaims: jwt.RegisteredClaims{Subject: "app-1"}})
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	if m["practitioner"] != index {
		t.Fatalf("practitioner claim %v, want the index", m["practitioner"])
	}
	if _, err := IssueToken([]byte(testJWTSecret), Claims{Role: domain.RoleApplicant, Practitioner: "210102198503150016",
		RegisteredClaims: jwt.RegisteredClaims{Subject: "app-1"}}, time.Hour); err == nil {
		t.Fatal("a token carrying a plain resident ID was issued")
	}
}
