package ident

import (
	"errors"
	"testing"
)

func TestFormatRegistrationNumber(t *testing.T) {
	tests := []struct {
		province                 string
		level, qual, reg, serial int
		want                     string
	}{
		{"11", 1, 2005, 2007, 1, "京111050700001"},
		{"21", 2, 2019, 2020, 12345, "辽221192012345"},
		{"65", 1, 2000, 2099, 99999, "新165009999999"},
		{"44", 2, 2024, 2026, 420, "粤244242600420"},
	}
	for _, tt := range tests {
		got, err := FormatRegistrationNumber(tt.province, tt.level, tt.qual, tt.reg, tt.serial)
		if err != nil || got != tt.want {
			t.Errorf("FormatRegistrationNumber(%s,%d,%d,%d,%d) = %q, %v; want %q",
				tt.province, tt.level, tt.qual, tt.reg, tt.serial, got, err, tt.want)
		}
	}
}

func TestFormatRegistrationNumberRejects(t *testing.T) {
	tests := []struct {
		province                 string
		level, qual, reg, serial int
		message                  string
	}{
		{"71", 1, 2005, 2007, 1, `registration number province code "71" is not a mainland province code`},
		{"1", 1, 2005, 2007, 1, ""},
		{"11", 0, 2005, 2007, 1, "registration number level must be 1 or 2, got 0"},
		{"11", 3, 2005, 2007, 1, ""},
		{"11", 1, 5, 2007, 1, "registration number qualification year must be 2000 to 2099, got 5"},
		{"11", 1, 1999, 2007, 1, ""},
		{"11", 1, 2005, 2100, 1, "registration number registration year must be 2000 to 2099, got 2100"},
		{"11", 1, 2005, 2007, 0, "registration number serial must be 1 to 99999, got 0"},
		{"11", 1, 2005, 2007, 100000, ""},
		{"11", 1, 2005, 2007, -1, ""},
	}
	for _, tt := range tests {
		_, err := FormatRegistrationNumber(tt.province, tt.level, tt.qual, tt.reg, tt.serial)
		if !errors.Is(err, ErrRegistrationNumberFormat) {
			t.Errorf("FormatRegistrationNumber(%+v) error = %v, want ErrRegistrationNumberFormat", tt, err)
			continue
		}
		if tt.message != "" && err.Error() != tt.message {
			t.Errorf("message = %q, want %q", err.Error(), tt.message)
		}
	}
}

func TestParseRegistrationNumber(t *testing.T) {
	got, err := ParseRegistrationNumber(" 京111050700001 ")
	if err != nil {
		t.Fatal(err)
	}
	want := RegistrationNumber{Number: "京111050700001", Province: "11", Level: 1,
		QualifiedYear: 2005, RegisteredYear: 2007, Serial: 1}
	if got != want {
		t.Fatalf("ParseRegistrationNumber = %+v, want %+v", got, want)
	}
	got, err = ParseRegistrationNumber("辽221192012345")
	if err != nil {
		t.Fatal(err)
	}
	want = RegistrationNumber{Number: "辽221192012345", Province: "21", Level: 2,
		QualifiedYear: 2019, RegisteredYear: 2020, Serial: 12345}
	if got != want {
		t.Fatalf("ParseRegistrationNumber = %+v, want %+v", got, want)
	}
}

func TestParseRegistrationNumberRejects(t *testing.T) {
	tests := []struct{ in, message string }{
		{"", "registration number must be a province abbreviation followed by 12 digits"},
		{"京11105070000", ""},   // 11 digits
		{"京1110507000011", ""}, // 13 digits
		{"111050700001", ""},   // no abbreviation, 12 digits
		{"京11105070000A", ""},
		{"京１11050700001", ""},
		{"A111050700001", `registration number must start with a province abbreviation, got 'A'`},
		{"港111050700001", ""},
		{"\xff111050700001", ""},
		{"京121050700001", "registration number abbreviation 京 does not match province code 21 (辽)"},
		{"辽111050700001", ""},
		{"京171050700001", "registration number province code 71 is not a mainland province code"},
		{"京311050700001", "registration number level must be 1 or 2, got 3"},
		{"京011050700001", ""},
		{"京111050700000", "registration number serial must not be 00000"},
	}
	for _, tt := range tests {
		_, err := ParseRegistrationNumber(tt.in)
		if !errors.Is(err, ErrRegistrationNumberFormat) {
			t.Errorf("ParseRegistrationNumber(%q) error = %v, want ErrRegistrationNumberFormat", tt.in, err)
			continue
		}
		if tt.message != "" && err.Error() != tt.message {
			t.Errorf("ParseRegistrationNumber(%q) message = %q, want %q", tt.in, err.Error(), tt.message)
		}
	}
}

func TestRegistrationNumberRoundTripAllProvinces(t *testing.T) {
	for code := range provinceAbbrevs {
		for _, level := range []int{1, 2} {
			s, err := FormatRegistrationNumber(code, level, 2010, 2026, 777)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ParseRegistrationNumber(s)
			if err != nil {
				t.Fatalf("ParseRegistrationNumber(%q): %v", s, err)
			}
			if r.Province != code || r.Level != level || r.QualifiedYear != 2010 || r.RegisteredYear != 2026 || r.Serial != 777 || r.Number != s {
				t.Errorf("round trip of %q gave %+v", s, r)
			}
		}
	}
}
