package account

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is RFC 6238's SHA-1 test key "12345678901234567890", base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// TestTOTPCodesMatchRFC6238 checks the RFC's test vectors (the last 6 of its 8 digits).
func TestTOTPCodesMatchRFC6238(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"},
		{2000000000, "279037"}, {20000000000, "353130"},
	} {
		got, err := TOTPCode(rfcSecret, time.Unix(tc.unix, 0))
		if err != nil || got != tc.code {
			t.Errorf("code at %d = %q (%v), want %s", tc.unix, got, err, tc.code)
		}
	}
}

func TestVerifyTOTPAllowsOneStepOfSkewAndNamesTheStep(t *testing.T) {
	at := time.Unix(1234567890, 0) // step 41152263
	code, _ := TOTPCode(rfcSecret, at)
	for _, tc := range []struct {
		at   time.Time
		ok   bool
		step int64
	}{
		{at, true, 41152263},
		{at.Add(30 * time.Second), true, 41152263},
		{at.Add(-30 * time.Second), true, 41152263},
		{at.Add(61 * time.Second), false, 0},
		{at.Add(-61 * time.Second), false, 0},
	} {
		step, ok := VerifyTOTP(rfcSecret, code, tc.at)
		if ok != tc.ok || step != tc.step {
			t.Errorf("verify at %v: step %d ok %v, want %d %v", tc.at.Unix(), step, ok, tc.step, tc.ok)
		}
	}
	if _, ok := VerifyTOTP(strings.ToLower(rfcSecret), code, at); !ok {
		t.Error("a lower-case secret is refused")
	}
	for _, bad := range []string{"", "00592", "0059240", "abcdef", "005925"} {
		if _, ok := VerifyTOTP(rfcSecret, bad, at); ok {
			t.Errorf("code %q accepted", bad)
		}
	}
}

func TestNewTOTP(t *testing.T) {
	secret, raw, err := NewTOTP("certflow", "li.na")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckTOTPSecret(secret); err != nil || len(secret) != 32 {
		t.Fatalf("secret %q: %v", secret, err)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != secret ||
		u.Query().Get("digits") != "6" || u.Query().Get("period") != "30" || u.Query().Get("issuer") != "certflow" {
		t.Fatalf("otpauth URL %q", raw)
	}
	other, _, _ := NewTOTP("certflow", "li.na")
	if other == secret {
		t.Fatal("two secrets are equal")
	}
	if CheckTOTPSecret("not base32!") == nil || CheckTOTPSecret("ABC") == nil {
		t.Fatal("bad secrets accepted")
	}
}
