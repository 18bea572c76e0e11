package config

import (
	"testing"
	"time"
)

func TestRetention(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{"10y": 3650 * day, "30d": 30 * day, "72h": 72 * time.Hour} {
		if got, err := Retention(in); err != nil || got != want {
			t.Errorf("Retention(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1y", "ten years", "y"} {
		if _, err := Retention(in); err == nil {
			t.Errorf("Retention(%q) accepted", in)
		}
	}
}
