package ident

import "strings"

// minHidden is the fewest characters a mask must hide before it may reveal
// any; shorter or odd input is masked completely rather than leaked.
const minHidden = 4

// MaskResidentID masks a resident ID for display, keeping the first 6 and the
// last 4 characters: 210102********123X. Input too short to hide at least 4
// characters is masked completely.
func MaskResidentID(s string) string {
	return mask(s, 6, 4)
}

// MaskPhone masks a phone number for display, keeping the first 3 and the
// last 4 characters: 138****5678. Input too short to hide at least 4
// characters is masked completely.
func MaskPhone(s string) string {
	return mask(s, 3, 4)
}

// mask keeps head and tail runes of the trimmed input and replaces the rest
// with asterisks.
func mask(s string, head, tail int) string {
	r := []rune(strings.TrimSpace(s))
	n := len(r)
	if n-head-tail < minHidden {
		return strings.Repeat("*", n)
	}
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}
