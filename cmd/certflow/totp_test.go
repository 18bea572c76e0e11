package main

import (
	"bytes"
	"encoding/base32"
	"testing"
	"time"
)

func TestRunTOTPPrintsTheCurrentCode(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	var out bytes.Buffer
	if err := runTOTP([]string{secret}, time.Unix(1234567890, 0), &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "005924\t(valid for 30 more seconds)\n" {
		t.Fatalf("output %q", got)
	}
	if runTOTP(nil, time.Now(), &out) == nil || runTOTP([]string{"not a secret"}, time.Now(), &out) == nil {
		t.Fatal("bad arguments accepted")
	}
}
