package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"certflow/domain"
)

// maxJSONBody is the size limit of a JSON request body.
const maxJSONBody = 1 << 20

// bindJSON decodes a JSON body strictly (unknown fields refused) into v and checks every string
// in it with domain.CheckText. It answers 413 for a body over the limit, 400 when the body is
// not JSON for this endpoint, and 422 naming the field when a text is not acceptable. It
// returns false when it already answered.
func bindJSON(c *gin.Context, v any) bool {
	if ct := c.ContentType(); ct != "application/json" {
		fail(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "the request body must be application/json")
		return false
	}
	if c.Request.ContentLength > maxJSONBody {
		bodyTooLarge(c, maxJSONBody)
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	if isTooLarge(err) {
		bodyTooLarge(c, maxJSONBody)
		return false
	}
	if err != nil {
		fail(c, http.StatusBadRequest, "malformed_json", "the request body could not be read")
		return false
	}
	if err := decodeStrict(body, v); err != nil {
		fail(c, http.StatusBadRequest, "malformed_json", "the request body is not valid JSON for this endpoint: "+jsonError(err))
		return false
	}
	if errs := nullFields(body); len(errs) > 0 {
		invalid(c, errs)
		return false
	}
	if errs := checkStrings(reflect.ValueOf(v), ""); len(errs) > 0 {
		invalid(c, errs)
		return false
	}
	return true
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown fields.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errors.New("the request body must hold exactly one JSON object")
	}
	return nil
}

// nullFields names the fields of a JSON body given as null: certflow has no nullable input, and
// null would otherwise silently read as an empty value.
func nullFields(body []byte) []FieldError {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var errs []FieldError
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case nil:
			errs = append(errs, FieldError{path, "must not be null; leave the field out instead"})
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(x[k], p)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(v, "")
	return errs
}

func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// bodyTooLarge answers 413 for a body over limit bytes.
func bodyTooLarge(c *gin.Context, limit int64) {
	drainOversize(c, limit)
	fail(c, http.StatusRequestEntityTooLarge, "body_too_large",
		fmt.Sprintf("the request body may be at most %d bytes", limit))
}

// checkStrings walks a decoded request and checks every string with domain.CheckText. A
// struct field's limit comes from its `maxlen` tag (characters); untagged strings get
// domain.MaxShortText. Field names are the JSON names, dotted for nested fields.
func checkStrings(v reflect.Value, path string) []FieldError {
	return walkStrings(v, path, domain.MaxShortText)
}

func walkStrings(v reflect.Value, path string, max int) []FieldError {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return walkStrings(v.Elem(), path, max)
	case reflect.String:
		if err := domain.CheckText(v.String(), max); err != nil {
			return []FieldError{{path, err.Error()}}
		}
	case reflect.Slice, reflect.Array:
		var errs []FieldError
		for i := 0; i < v.Len(); i++ {
			errs = append(errs, walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), max)...)
		}
		return errs
	case reflect.Map:
		var errs []FieldError
		iter := v.MapRange()
		for iter.Next() {
			errs = append(errs, walkStrings(iter.Value(), path+"."+fmt.Sprint(iter.Key()), max)...)
		}
		return errs
	case reflect.Struct:
		var errs []FieldError
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			limit := domain.MaxShortText
			if n, err := strconv.Atoi(f.Tag.Get("maxlen")); err == nil {
				limit = n
			}
			errs = append(errs, walkStrings(v.Field(i), name, limit)...)
		}
		return errs
	}
	return nil
}

// jsonError turns a decoding error into a sentence naming the offending field.
func jsonError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q must be %s", typeErr.Field, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("syntax error at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends in the middle of a value"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return err.Error()
}

// invalid answers 422 with the list of bad fields.
func invalid(c *gin.Context, fields []FieldError) {
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f.Field + ": " + f.Detail
	}
	fail(c, http.StatusUnprocessableEntity, "invalid_input", strings.Join(msgs, "; "), fields...)
}
