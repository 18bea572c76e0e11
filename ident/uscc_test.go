package ident

import (
	"errors"
	"testing"
)

// refUSCCCheck computes the GB 32100 check character with weights 3^i mod 31
// generated on the fly, independently of the package's weight table.
func refUSCCCheck(first17 string) byte {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := -1
		for j := 0; j < len(charset); j++ {
			if charset[j] == first17[i] {
				v = j
			}
		}
		sum += v * w
		w = w * 3 % 31
	}
	return charset[(31-sum%31)%31]
}

func TestUSCCCheckCharKnownVectors(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		{"91350100M000100Y4", '3'}, // widely cited valid code 91350100M000100Y43
		{"91110000600037341", 'L'},
		{"91440300708461136", 'T'},
		{"12100000400000624", 'D'},
		{"91210102MA0QC4F2X", '3'},
	}
	for _, tt := range tests {
		got, err := USCCCheckChar(tt.first17)
		if err != nil {
			t.Fatalf("USCCCheckChar(%q) error: %v", tt.first17, err)
		}
		if got != tt.want {
			t.Errorf("USCCCheckChar(%q) = %c, want %c", tt.first17, got, tt.want)
		}
		if ref := refUSCCCheck(tt.first17); ref != tt.want {
			t.Errorf("reference check for %q = %c, want %c (bad vector)", tt.first17, ref, tt.want)
		}
	}
}

func TestUSCCCheckCharMatchesReference(t *testing.T) {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	base := []byte("91350100M000100Y4")
	for pos := 0; pos < 17; pos++ {
		for j := 0; j < len(charset); j++ {
			b := append([]byte(nil), base...)
			b[pos] = charset[j]
			got, err := USCCCheckChar(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if want := refUSCCCheck(string(b)); got != want {
				t.Fatalf("USCCCheckChar(%s) = %c, want %c", b, got, want)
			}
		}
	}
}

func TestUSCCCheckCharRejects(t *testing.T) {
	for _, in := range []string{"", "91350100M000100Y", "91350100M000100Y43", "91350100I000100Y4", "91350100m000100Y4"} {
		if _, err := USCCCheckChar(in); !errors.Is(err, ErrUSCCFormat) {
			t.Errorf("USCCCheckChar(%q) error = %v, want ErrUSCCFormat", in, err)
		}
	}
}

func TestParseUSCC(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
		message  string
	}{
		{"91350100M000100Y43", "91350100M000100Y43", nil, ""},
		{" 91350100m000100y43 ", "91350100M000100Y43", nil, ""},
		{"91110000600037341L", "91110000600037341L", nil, ""},
		{"91110000600037341l", "91110000600037341L", nil, ""},
		{"12100000400000624D", "12100000400000624D", nil, ""},
		{"91210102MA0QC4F2X3", "91210102MA0QC4F2X3", nil, ""},
		{"91350100M000100Y44", "", ErrUSCCCheck, "unified social credit code check character is 4, expected 3"},
		{"91110000600037341M", "", ErrUSCCCheck, ""},
		{"91350100M000100Y4", "", ErrUSCCFormat, "unified social credit code must be 18 characters, got 17"},
		{"91350100M000100Y433", "", ErrUSCCFormat, ""},
		{"", "", ErrUSCCFormat, ""},
		{"91350100M000100I43", "", ErrUSCCFormat, "unified social credit code character 16 is not allowed (use 0-9 and A-Y without I, O, S, V, Z)"},
		{"91350100O000100Y43", "", ErrUSCCFormat, ""},
		{"91350100S000100Y43", "", ErrUSCCFormat, ""},
		{"91350100V000100Y43", "", ErrUSCCFormat, ""},
		{"91350100Z000100Y43", "", ErrUSCCFormat, ""},
		{"9135010-M000100Y43", "", ErrUSCCFormat, ""},
		// Region code (characters 3-8) with a letter, check char made valid.
		{"913501A0M000100Y4" + string(refUSCCCheck("913501A0M000100Y4")), "", ErrUSCCFormat,
			"unified social credit code characters 3 to 8 (the region code) must be digits"},
	}
	for _, tt := range tests {
		got, err := ParseUSCC(tt.in)
		if tt.err == nil {
			if err != nil || got != tt.want {
				t.Errorf("ParseUSCC(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseUSCC(%q) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if tt.message != "" && err.Error() != tt.message {
			t.Errorf("ParseUSCC(%q) message = %q, want %q", tt.in, err.Error(), tt.message)
		}
	}
}

func TestParseUSCCDetectsSingleSubstitutions(t *testing.T) {
	// Mod-31 with weights coprime to 31 catches every single-character change.
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	valid := "91350100M000100Y43"
	for pos := 0; pos < 18; pos++ {
		for j := 0; j < len(charset); j++ {
			if charset[j] == valid[pos] || (pos >= 2 && pos < 8 && charset[j] > '9') {
				continue
			}
			b := []byte(valid)
			b[pos] = charset[j]
			if _, err := ParseUSCC(string(b)); !errors.Is(err, ErrUSCCCheck) {
				t.Fatalf("ParseUSCC(%s) error = %v, want ErrUSCCCheck", b, err)
			}
		}
	}
}
