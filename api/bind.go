package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes a JSON body strictly (unknown fields refused) into v, answering 400 with a
// clear sentence when it is malformed. It returns false when it already answered.
func bindJSON(c *gin.Context, v any) bool {
	if ct := c.ContentType(); ct != "application/json" {
		fail(c, http.StatusUnsupportedMediaType, "unsupported_media_type", "the request body must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fail(c, http.StatusBadRequest, "malformed_json", "the request body is not valid JSON for this endpoint: "+jsonError(err))
		return false
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		fail(c, http.StatusBadRequest, "malformed_json", "the request body must hold exactly one JSON object")
		return false
	}
	return true
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
