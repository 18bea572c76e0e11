package ident

import (
	"fmt"
	"strings"
)

// usccCharset is the GB 32100-2015 alphabet; a character's value is its index.
// The letters I, O, S, V and Z are not used.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the GB 32100-2015 weights 3^i mod 31 for the 0-based
// position i.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue returns the value of c in the USCC charset, or -1.
func usccValue(c byte) int {
	return strings.IndexByte(usccCharset, c)
}

// USCCCheckChar returns the check character for the first 17 characters of a
// unified social credit code (upper-case, from the GB 32100 charset).
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, newError(ErrUSCCFormat,
			"the first part of a unified social credit code must be 17 characters")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(first17[i])
		if v < 0 {
			return 0, newError(ErrUSCCFormat, fmt.Sprintf(
				"unified social credit code character %d is not allowed (use 0-9 and A-Y without I, O, S, V, Z)", i+1))
		}
		sum += v * usccWeights[i]
	}
	return usccCharset[(31-sum%31)%31], nil
}

// ParseUSCC validates an 18-character unified social credit code
// (统一社会信用代码) and returns it normalised: surrounding spaces trimmed and
// letters upper-cased. Characters 3–8 (the region code) must be digits.
func ParseUSCC(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return "", newError(ErrUSCCFormat, fmt.Sprintf(
			"unified social credit code must be 18 characters, got %d", len([]rune(s))))
	}
	for i := 0; i < 18; i++ {
		if usccValue(s[i]) < 0 {
			return "", newError(ErrUSCCFormat, fmt.Sprintf(
				"unified social credit code character %d is not allowed (use 0-9 and A-Y without I, O, S, V, Z)", i+1))
		}
	}
	if !allDigits(s[2:8]) {
		return "", newError(ErrUSCCFormat,
			"unified social credit code characters 3 to 8 (the region code) must be digits")
	}
	want, _ := USCCCheckChar(s[:17])
	if s[17] != want {
		return "", newError(ErrUSCCCheck, fmt.Sprintf(
			"unified social credit code check character is %c, expected %c", s[17], want))
	}
	return s, nil
}
