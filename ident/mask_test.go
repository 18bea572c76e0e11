package ident

import "testing"

func TestMaskResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"21010219900307123X", "210102********123X"},
		{"110105198001010016", "110105********0016"},
		{" 110105198001010016 ", "110105********0016"},
		{"110105800101001", "110105*****1001"}, // 15-digit first-generation number
		{"11010580010100", "110105****0100"},   // 14: exactly 4 hidden
		{"1101058001010", "*************"},     // 13: would hide only 3
		{"1234", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskResidentID(tt.in); got != tt.want {
			t.Errorf("MaskResidentID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskNonASCII(t *testing.T) {
	// Masking counts characters, not bytes, so multi-byte input is neither
	// split mid-character nor leaked.
	in := "一二三四五六七八九十甲乙丙丁戊己庚辛" // 18 characters
	if got, want := MaskResidentID(in), "一二三四五六********戊己庚辛"; got != want {
		t.Errorf("MaskResidentID(%q) = %q, want %q", in, got, want)
	}
	if got, want := MaskPhone("一二三四五六七"), "*******"; got != want {
		t.Errorf("MaskPhone = %q, want %q", got, want)
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{" 13812345678\n", "138****5678"},
		{"+8613812345678", "+86*******5678"},
		{"010-12345678", "010*****5678"},
		{"1381234567", "**********"}, // 10: would hide only 3
		{"12345678", "********"},
		{"123", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
