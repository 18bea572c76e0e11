package ident

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"110105198001010016", "11010519491231002X", "11010519491231002x",
		"440524188001010014", " 210102199003071233 ", "11010520000229003X",
		"110105198001010017", "110105198002300016", "110105189912310016",
		"", "X", "11010519800101001", "1101051980010100166", "１１0105198001010016",
		"11010519800101001\x00", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Completing any 17 digits with their check character must give a
		// number that fails, if at all, only on its birth date.
		if len(s) >= 17 && allDigits(s[:17]) {
			c, err := ResidentIDCheckChar(s[:17])
			if err != nil {
				t.Fatalf("ResidentIDCheckChar(%q): %v", s[:17], err)
			}
			if _, err := ParseResidentID(s[:17] + string(c)); err != nil && !errors.Is(err, ErrResidentIDBirthDate) {
				t.Fatalf("completed %q rejected: %v", s[:17]+string(c), err)
			}
		}
		id, err := ParseResidentID(s)
		if err != nil {
			if !errors.Is(err, ErrResidentIDFormat) && !errors.Is(err, ErrResidentIDCheck) && !errors.Is(err, ErrResidentIDBirthDate) {
				t.Fatalf("ParseResidentID(%q) error %v wraps no sentinel", s, err)
			}
			if err.Error() == "" {
				t.Fatalf("empty error message")
			}
			return
		}
		if len(id.Number) != 18 || id.Number != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("Number %q is not the normalised input %q", id.Number, s)
		}
		want, err := ResidentIDCheckChar(id.Number[:17])
		if err != nil || want != id.Number[17] || refResidentCheck(id.Number[:17]) != want {
			t.Fatalf("check character of %q disagrees: %c %v", id.Number, want, err)
		}
		again, err := ParseResidentID(id.Number)
		if err != nil || again.Number != id.Number || !again.Birth.Equal(id.Birth) || again.Male != id.Male || again.Region != id.Region {
			t.Fatalf("re-parse of %q gave %+v, %v", id.Number, again, err)
		}
		if got := id.Birth.In(chinaZone).Format("20060102"); got != id.Number[6:14] {
			t.Fatalf("birth %s does not match %q", got, id.Number)
		}
		if m := MaskResidentID(id.Number); len(m) != 18 || m[:6] != id.Number[:6] || m[14:] != id.Number[14:] || m[6:14] != "********" {
			t.Fatalf("MaskResidentID(%q) = %q", id.Number, m)
		}
	})
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", " 91350100m000100y43 ", "91110000600037341L",
		"12100000400000624D", "91210102MA0QC4F2X3", "91350100M000100Y44",
		"91350100M000100I43", "913501A0M000100Y4K", "", "Y", "\xff",
		"91350100M000100Y4", "91350100M000100Y433",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Completing any 17 charset characters whose region part is digits
		// with their check character must give a valid code.
		if len(s) >= 17 && allDigits(s[2:8]) {
			if c, err := USCCCheckChar(s[:17]); err == nil {
				if _, err := ParseUSCC(s[:17] + string(c)); err != nil {
					t.Fatalf("completed %q rejected: %v", s[:17]+string(c), err)
				}
			} else if !errors.Is(err, ErrUSCCFormat) {
				t.Fatalf("USCCCheckChar(%q) error %v wraps no sentinel", s[:17], err)
			}
		}
		code, err := ParseUSCC(s)
		if err != nil {
			if !errors.Is(err, ErrUSCCFormat) && !errors.Is(err, ErrUSCCCheck) {
				t.Fatalf("ParseUSCC(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		if len(code) != 18 || code != strings.ToUpper(strings.TrimSpace(s)) {
			t.Fatalf("ParseUSCC(%q) = %q, not the normalised input", s, code)
		}
		want, err := USCCCheckChar(code[:17])
		if err != nil || want != code[17] || refUSCCCheck(code[:17]) != want {
			t.Fatalf("check character of %q disagrees: %c %v", code, want, err)
		}
		if again, err := ParseUSCC(code); err != nil || again != code {
			t.Fatalf("re-parse of %q gave %q, %v", code, again, err)
		}
	})
}

func FuzzParseRegistrationNumber(f *testing.F) {
	for _, s := range []string{
		"京111050700001", " 辽221192012345 ", "新165009999999", "京121050700001",
		"京111050700000", "京311050700001", "A111050700001", "", "京", "\xff111050700001",
		"京11105070000", "京1110507000011",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRegistrationNumber(s)
		if err != nil {
			if !errors.Is(err, ErrRegistrationNumberFormat) {
				t.Fatalf("ParseRegistrationNumber(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		if r.Number != strings.TrimSpace(s) || utf8.RuneCountInString(r.Number) != 13 {
			t.Fatalf("Number %q is not the trimmed input %q", r.Number, s)
		}
		formatted, err := FormatRegistrationNumber(r.Province, r.Level, r.QualifiedYear, r.RegisteredYear, r.Serial)
		if err != nil || formatted != r.Number {
			t.Fatalf("Format(Parse(%q)) = %q, %v", s, formatted, err)
		}
		if again, err := ParseRegistrationNumber(formatted); err != nil || again != r {
			t.Fatalf("re-parse of %q gave %+v, %v", formatted, again, err)
		}
	})
}
