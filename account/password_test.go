package account

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		user, pw string
		ok       bool
	}{
		{"zhangsan", "correct horse battery", true},
		{"zhangsan", "短密码也不行", false},
		{"zhangsan", "elevenchars", false},
		{"zhangsan", "twelve chars", true},
		{"zhangsan", "ZhangSan2026!!", false},
		{"zhangsan", "Password1234", false},
		{"zhangsan", "aaaaaaaaaaaaaa", false},
		{"zhangsan", "一二三四五六七八九十百千", true},
		{"zhangsan", strings.Repeat("ab", 65), false},
	} {
		err := CheckPassword(tc.user, tc.pw)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok=%v", tc.user, tc.pw, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("error %v does not wrap ErrWeakPassword", err)
		}
	}
}

func TestHashAndVerifyPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if ok, err := VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("the right password: %v %v", ok, err)
	}
	if ok, err := VerifyPassword(h, "correct horse batterY"); ok || err != nil {
		t.Fatalf("a wrong password: %v %v", ok, err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, err := VerifyPassword(bad, "x"); !errors.Is(err, ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) error %v, want ErrMalformedHash", bad, err)
		}
	}
}

func TestVerifyPasswordReadsStoredParameters(t *testing.T) {
	// A hash made with other parameters (as an older release might have stored) still verifies.
	salt := []byte("somesaltsomesalt")
	key := argon2.IDKey([]byte("correct horse battery"), salt, 3, 8*1024, 2, 32)
	b64 := base64.RawStdEncoding
	h := "$argon2id$v=19$m=8192,t=3,p=2$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if ok, err := VerifyPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("a hash with stored parameters m=8192,t=3,p=2: %v %v", ok, err)
	}
}

func TestActivationCodes(t *testing.T) {
	code, hash, err := NewActivationCode()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 23 || strings.Count(code, "-") != 3 {
		t.Fatalf("code %q is not 4 groups of 5", code)
	}
	if HashCode(code) != hash || HashCode(strings.ToLower(code)) != hash || HashCode(strings.ReplaceAll(code, "-", "")) != hash {
		t.Fatal("the hash of the code (in any case, with or without dashes) is not the stored hash")
	}
	other, _, _ := NewActivationCode()
	if other == code {
		t.Fatal("two codes are equal")
	}
}
