package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	ok := []string{"", "王芳", "材料齐全，同意。", "line one\nline two\tend", "Zhang Wei-Li (张伟)", strings.Repeat("长", 10)}
	for _, s := range ok {
		if err := CheckText(s, 10); err != nil && len([]rune(s)) <= 10 {
			t.Errorf("CheckText(%q) = %v, want nil", s, err)
		}
	}
	bad := map[string]string{
		"NUL":                  "x\x00y",
		"escape":               "\x1b[31m",
		"carriage return":      "a\rb",
		"DEL":                  "a\x7f",
		"C1 control":           "a\u0085b",
		"invalid UTF-8":        "a\xffb",
		"encoded surrogate":    "a\xed\xa0\x80b",
		"replacement char":     "a\ufffdb",
		"noncharacter":         "a\uffffb",
		"bidi override":        "abc\u202edcba",
		"bidi isolate":         "a\u2066b",
		"too long (runes)":     strings.Repeat("长", 11),
		"too long with ASCII ": strings.Repeat("a", 11),
	}
	for name, s := range bad {
		if err := CheckText(s, 10); err == nil {
			t.Errorf("%s: CheckText(%q) accepted it", name, s)
		}
	}
}

func TestCheckDecisionContent(t *testing.T) {
	id := "0b9d3a52-8a3c-4f3e-9a51-2f8d8c1e7b10"
	cases := []struct {
		name     string
		action   Action
		comment  string
		evidence []string
		code     string
	}{
		{"plain approve", ActionApprove, "", nil, ""},
		{"comment with NUL", ActionReject, "no\x00", nil, CodeInvalidText},
		{"comment too long", ActionReject, strings.Repeat("x", MaxComment+1), nil, CodeInvalidText},
		{"evidence id not a UUID", ActionApprove, "", []string{"../x"}, CodeInvalidText},
		{"bare supplement", ActionSupplement, "", nil, CodeNothingSupplied},
		{"supplement with evidence", ActionSupplement, "", []string{id}, ""},
		{"supplement with a comment", ActionSupplement, "合同已在原件中", nil, ""},
	}
	for _, c := range cases {
		err := CheckDecisionContent(c.action, c.comment, c.evidence)
		var r *Refusal
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.code != "" && (!errors.As(err, &r) || r.Code != c.code):
			t.Errorf("%s: got %v, want refusal %s", c.name, err, c.code)
		}
	}
}
