package domain

import (
	"fmt"
	"unicode/utf8"
)

// Text limits, in characters (runes), for the free text certflow stores.
const (
	MaxComment    = 4000 // decision comments and reasons
	MaxName       = 100  // a person's name
	MaxOrgName    = 200  // an enterprise's name, a qualification's title
	MaxShortText  = 64   // certificate numbers, codes, enum values
	MaxFilename   = 255  // an uploaded file's name
	MaxKey        = 200  // Idempotency-Key, token subjects
	MaxQueryValue = 200  // any query parameter
)

// CheckText decides whether s is text certflow may store and show: valid UTF-8, at most max
// characters, and free of what a database or a reader could choke on — NUL and other control
// characters (tab and newline are allowed), the replacement character U+FFFD that stands for
// broken encodings and lone surrogates, Unicode noncharacters, and the bidirectional overrides
// that make text display differently from what it is. It returns nil or a sentence saying why.
func CheckText(s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8")
	}
	n := 0
	for i, r := range s {
		n++
		if reason := badRune(r); reason != "" {
			return fmt.Errorf("contains %s (U+%04X) at byte %d", reason, r, i)
		}
	}
	if max > 0 && n > max {
		return fmt.Errorf("must be at most %d characters, got %d", max, n)
	}
	return nil
}

// badRune names what is wrong with one character, or returns "".
func badRune(r rune) string {
	switch {
	case r == '\t' || r == '\n':
		return ""
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return "a control character"
	case r == utf8.RuneError:
		return "a replacement character (a broken encoding or a lone surrogate)"
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
		return "a Unicode noncharacter"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return "a bidirectional override"
	}
	return ""
}
