package ident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// refResidentCheck computes the GB 11643 check character from first
// principles (weights 2^k mod 11, check table "10X98765432"), independently
// of the package's weight table and formula.
func refResidentCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

func TestResidentIDCheckCharKnownVectors(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		// The two examples printed in GB 11643-1999 itself.
		{"11010519491231002", 'X'},
		{"44052418800101001", '4'},
		// Computed by hand and by an independent script.
		{"11010519800101001", '6'},
		{"21010219900307123", '3'},
		{"11010520000229003", 'X'},
		{"35020319990101567", '4'},
		{"11010519800101002", '4'},
	}
	for _, tt := range tests {
		got, err := ResidentIDCheckChar(tt.first17)
		if err != nil {
			t.Fatalf("ResidentIDCheckChar(%q) error: %v", tt.first17, err)
		}
		if got != tt.want {
			t.Errorf("ResidentIDCheckChar(%q) = %c, want %c", tt.first17, got, tt.want)
		}
		if ref := refResidentCheck(tt.first17); ref != tt.want {
			t.Errorf("reference check for %q = %c, want %c (bad vector)", tt.first17, ref, tt.want)
		}
	}
}

func TestResidentIDCheckCharMatchesReference(t *testing.T) {
	// Walk every digit value through every position so each weight is hit.
	base := []byte("11010519800101001")
	for pos := 0; pos < 17; pos++ {
		for d := byte('0'); d <= '9'; d++ {
			b := append([]byte(nil), base...)
			b[pos] = d
			got, err := ResidentIDCheckChar(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if want := refResidentCheck(string(b)); got != want {
				t.Fatalf("ResidentIDCheckChar(%s) = %c, want %c", b, got, want)
			}
		}
	}
}

func TestResidentIDCheckCharRejects(t *testing.T) {
	for _, in := range []string{"", "1101051980010100", "110105198001010011", "1101051980010100A", " 1101051980010100"} {
		if _, err := ResidentIDCheckChar(in); !errors.Is(err, ErrResidentIDFormat) {
			t.Errorf("ResidentIDCheckChar(%q) error = %v, want ErrResidentIDFormat", in, err)
		}
	}
}

func TestParseResidentIDValid(t *testing.T) {
	tests := []struct {
		in, number, region string
		birth              time.Time
		male               bool
	}{
		{"110105198001010016", "110105198001010016", "110105", cst(1980, 1, 1), true},
		{"11010519491231002X", "11010519491231002X", "110105", cst(1949, 12, 31), false},
		{"11010519491231002x", "11010519491231002X", "110105", cst(1949, 12, 31), false},
		{"  110105198001010016\t", "110105198001010016", "110105", cst(1980, 1, 1), true},
		{"110105198001010024", "110105198001010024", "110105", cst(1980, 1, 1), false},
		{"11010520000229003X", "11010520000229003X", "110105", cst(2000, 2, 29), true},
		{"210102199003071233", "210102199003071233", "210102", cst(1990, 3, 7), true},
	}
	for _, tt := range tests {
		got, err := ParseResidentID(tt.in)
		if err != nil {
			t.Errorf("ParseResidentID(%q) error: %v", tt.in, err)
			continue
		}
		if got.Number != tt.number || got.Region != tt.region || got.Male != tt.male || !got.Birth.Equal(tt.birth) {
			t.Errorf("ParseResidentID(%q) = %+v, want number %s region %s birth %v male %v",
				tt.in, got, tt.number, tt.region, tt.birth, tt.male)
		}
	}
}

func TestParseResidentIDInvalid(t *testing.T) {
	tests := []struct {
		in      string
		want    error
		message string // expected exact Error text, if not empty
	}{
		{"", ErrResidentIDFormat, "resident ID must be 18 characters, got 0"},
		{"11010519800101001", ErrResidentIDFormat, "resident ID must be 18 characters, got 17"},
		{"1101051980010100166", ErrResidentIDFormat, ""},
		{"11010519800101001Y", ErrResidentIDFormat, "resident ID must end with a digit or X"},
		{"1101051980010100X6", ErrResidentIDFormat, "resident ID must start with 17 digits"},
		{"１１0105198001010016", ErrResidentIDFormat, ""}, // full-width digits
		{"110105 98001010016", ErrResidentIDFormat, ""},
		{"110105198001010017", ErrResidentIDCheck, "resident ID check character is 7, expected 6"},
		{"110105194912310020", ErrResidentIDCheck, "resident ID check character is 0, expected X"},
		{"11010519491231002Y", ErrResidentIDFormat, ""},
		{"110105198002300016", ErrResidentIDBirthDate, "resident ID birth date 1980-02-30 is not a real date"},
		{"110105190002290010", ErrResidentIDBirthDate, ""}, // 1900 is not a leap year
		{"110105198013010016", ErrResidentIDBirthDate, ""},
		{"110105198000010016", ErrResidentIDBirthDate, ""},
		{"110105198001000016", ErrResidentIDBirthDate, ""},
		{"110105198004310016", ErrResidentIDBirthDate, ""},
		{"110105189912310016", ErrResidentIDBirthDate, "resident ID birth year 1899 is before 1900"},
		// The GB 11643 example is checksum-valid but born 1880, before 1900.
		{"440524188001010014", ErrResidentIDBirthDate, "resident ID birth year 1880 is before 1900"},
	}
	for _, tt := range tests {
		_, err := ParseResidentID(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("ParseResidentID(%q) error = %v, want %v", tt.in, err, tt.want)
			continue
		}
		if tt.message != "" && err.Error() != tt.message {
			t.Errorf("ParseResidentID(%q) message = %q, want %q", tt.in, err.Error(), tt.message)
		}
		if strings.Contains(err.Error(), strings.TrimSpace(tt.in)) && len(tt.in) > 8 {
			t.Errorf("ParseResidentID(%q) message %q repeats the input", tt.in, err.Error())
		}
	}
}

func TestParseResidentIDBirthDateBeforeCheck(t *testing.T) {
	// A wrong date with a check character computed for it still fails on
	// the date: the check character alone does not make a number valid.
	first := "11010519800230001"
	s := first + string(refResidentCheck(first))
	if _, err := ParseResidentID(s); !errors.Is(err, ErrResidentIDBirthDate) {
		t.Fatalf("ParseResidentID(%q) error = %v, want ErrResidentIDBirthDate", s, err)
	}
}

func TestResidentIDAgeAt(t *testing.T) {
	leap, err := ParseResidentID("11010520000229003X")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ParseResidentID("110105198001010016")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   ResidentID
		at   time.Time
		want int
	}{
		{plain, cst(1980, 1, 1), 0},
		{plain, cst(1979, 12, 31), 0},
		{plain, cst(2025, 12, 31), 45},
		{plain, cst(2026, 1, 1), 46},
		// 2025-12-31 17:00 UTC is already 2026-01-01 in China.
		{plain, time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC), 46},
		{plain, time.Date(2025, 12, 31, 15, 59, 59, 0, time.UTC), 45},
		{leap, cst(2023, 2, 28), 22},
		{leap, cst(2023, 3, 1), 23},
		{leap, cst(2024, 2, 28), 23},
		{leap, cst(2024, 2, 29), 24},
		{leap, cst(2065, 3, 1), 65},
	}
	for _, tt := range tests {
		if got := tt.id.AgeAt(tt.at); got != tt.want {
			t.Errorf("%s.AgeAt(%v) = %d, want %d", tt.id.Number, tt.at, got, tt.want)
		}
	}
}

func cst(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))
}
