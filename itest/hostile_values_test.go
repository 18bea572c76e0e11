package itest

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
)

// hval is one hostile value, in the form the place it goes to needs: JSON text for a body field,
// raw bytes for a path, query, header or multipart value.
type hval struct {
	class string
	// json is the value as JSON text (built by hand: json.Marshal would repair invalid UTF-8);
	// nil when the value only makes sense as text.
	json []byte
	// text is the raw value for a path, query, header or form place; hasText says it applies.
	text    string
	hasText bool
	// content marks a character-level problem (control character, invalid UTF-8, lone
	// surrogate, oversize string): it must be refused wherever it goes.
	content bool
	// why explains content values in failure messages.
	why string
	// rfc2231 sends a file name as filename*=UTF-8''<percent-encoded>, the way a client gets
	// bytes into it that a MIME header cannot carry raw.
	rfc2231 bool
}

// hugeLen is the length of the oversize string (characters).
const hugeLen = 100_000

// contentClasses are the characters that must never be accepted inside a text value. A JSON
// body carries them as escapes (or raw bytes for invalid UTF-8); other places carry the bytes.
// Outside JSON a lone surrogate can only travel as its WTF-8 bytes ED A0 80.
var contentClasses = []struct{ class, jsonText, raw, why string }{
	{"nul", `\u0000`, "\x00", "NUL character"},
	{"ctl-01", `\u0001`, "\x01", "control character U+0001"},
	{"esc", `\u001b`, "\x1b", "control character U+001B (ESC)"},
	{"del", `\u007f`, "\x7f", "control character U+007F (DEL)"},
	{"nel", `\u0085`, "\u0085", "C1 control character U+0085 (NEL)"},
	{"bad-utf8", "\xff\xfe", "\xff\xfe", "invalid UTF-8 bytes FF FE"},
	{"lone-surrogate", `\ud800`, "\xed\xa0\x80", "lone surrogate U+D800"},
}

// malformedIDs are id-shaped garbage; refused only where the document's schema says so.
var malformedIDs = []struct{ class, text string }{
	{"not-a-uuid", "not-a-uuid"},
	{"dotdot", "../../etc"},
	{"pct00", "%00"},
	{"empty", ""},
}

// jsonString writes s as the inside of a JSON string (without quotes).
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// splitHalf cuts a string in the middle on a rune boundary, so a hostile character can be put
// inside an otherwise valid value ("x" and "y" around it when there is no valid value).
func splitHalf(base any) (string, string) {
	s, ok := base.(string)
	if !ok || s == "" {
		return "x", "y"
	}
	mid := len(s) / 2
	for mid > 0 && !utf8.RuneStart(s[mid]) {
		mid--
	}
	if mid == 0 {
		return s, "y"
	}
	return s[:mid], s[mid:]
}

// stringValues are the hostile values for a text place whose valid value is base.
func stringValues(base any) []hval {
	pre, post := splitHalf(base)
	var out []hval
	for _, c := range contentClasses {
		out = append(out, hval{class: c.class, content: true, why: c.why,
			json: []byte(`"` + jsonString(pre) + c.jsonText + jsonString(post) + `"`),
			text: pre + c.raw + post, hasText: true})
	}
	huge := strings.Repeat("a", hugeLen)
	out = append(out, hval{class: "huge", content: true, why: "oversize string (100 000 characters)",
		json: []byte(`"` + huge + `"`), text: huge, hasText: true})
	for _, m := range malformedIDs {
		out = append(out, hval{class: m.class, json: []byte(`"` + jsonString(m.text) + `"`), text: m.text, hasText: true})
	}
	return out
}

// numberTexts are negative and huge numbers.
var numberTexts = []struct{ class, text string }{
	{"negative", "-1"},
	{"1e300", "1e300"},
	{"huge-int", "99999999999999999999"},
}

// wrongTypes are JSON values of each type; a field gets those not of its own type.
var wrongTypes = []struct{ class, typ, text string }{
	{"type-string", "string", `"1"`},
	{"type-number", "number", `12345`},
	{"type-bool", "boolean", `true`},
	{"type-object", "object", `{"x":1}`},
	{"type-array", "array", `["x"]`},
	{"type-null", "null", `null`},
}

// schemaType is the (single) type of a schema, "string" when it declares none.
func schemaType(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return "string"
	}
	return s.Type.Slice()[0]
}

// jsonValues are the hostile values for a JSON body field with schema s and valid value base.
func jsonValues(s *openapi3.Schema, base any) []hval {
	typ := schemaType(s)
	var out []hval
	if typ == "string" {
		out = stringValues(base)
	}
	for _, w := range wrongTypes {
		if w.typ == typ || (w.typ == "number" && typ == "integer") {
			continue
		}
		out = append(out, hval{class: w.class, json: []byte(w.text)})
	}
	if typ == "integer" || typ == "number" {
		for _, n := range numberTexts {
			out = append(out, hval{class: n.class, json: []byte(n.text)})
		}
	}
	return out
}

// filenameValues are the hostile values for the name of an uploaded file: every text value
// as raw bytes in filename="…" (a multipart parser may refuse control bytes in a header), and
// each character-level value again in the RFC 2231 form, which any parser decodes.
func filenameValues(base any) []hval {
	out := stringValues(base)
	for _, v := range out {
		if v.content && v.class != "huge" {
			v.class += "-rfc2231"
			v.rfc2231 = true
			out = append(out, v)
		}
	}
	return out
}

// textValues are the hostile values for a path, query, header or form place with schema s.
func textValues(s *openapi3.Schema, base any) []hval {
	out := stringValues(base)
	if typ := schemaType(s); typ == "integer" || typ == "number" {
		for _, n := range numberTexts {
			out = append(out, hval{class: n.class, text: n.text, hasText: true})
		}
	}
	return out
}

// schemaOptions check a value the way a client reads the document: formats included (uuid
// as google/uuid parses it), as a request.
var schemaOptions = []openapi3.SchemaValidationOption{
	openapi3.VisitAsRequest(),
	openapi3.EnableFormatValidation(),
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		_, err := uuid.Parse(s)
		return err
	})),
	openapi3.DisableSchemaErrorDetails(),
}

// jsonViolates reports why the JSON text v breaks schema s ("" when it does not).
func jsonViolates(s *openapi3.Schema, v []byte) string {
	if s == nil {
		return ""
	}
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return "" // not decodable here; content values are judged separately
	}
	if err := s.VisitJSON(x, schemaOptions...); err != nil {
		return "the document's schema refuses it: " + firstLine(err.Error())
	}
	return ""
}

// textViolates reports why the text of a parameter breaks its schema ("" when it does not).
func textViolates(s *openapi3.Schema, text string) string {
	if s == nil {
		return ""
	}
	var x any = text
	switch schemaType(s) {
	case "integer", "number":
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return "the document declares a " + schemaType(s)
		}
		x = f
	case "boolean":
		b, err := strconv.ParseBool(text)
		if err != nil || (text != "true" && text != "false") {
			return "the document declares a boolean"
		}
		x = b
	}
	if err := s.VisitJSON(x, schemaOptions...); err != nil {
		return "the document's schema refuses it: " + firstLine(err.Error())
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s, 200)
}

// clip shortens a message, quoting bytes that are not printable UTF-8.
func clip(s string, n int) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		s = strconv.Quote(s)
	}
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		return s[:n] + "…"
	}
	return s
}
