package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"certflow/store"
)

// Problem is an RFC 9457 problem document with a stable machine-readable code.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	// Errors lists field-level problems, when there are several.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError names one bad input field.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// fail writes a problem+json response and stops the handler chain.
func fail(c *gin.Context, status int, code, detail string, fields ...FieldError) {
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, Problem{
		Type:   "https://certflow.example/problems/" + code,
		Title:  http.StatusText(status),
		Status: status,
		Code:   code,
		Detail: detail,
		Errors: fields,
	})
}

// notFound answers 404 for unknown and out-of-scope objects alike.
func notFound(c *gin.Context, what string) {
	fail(c, http.StatusNotFound, "not_found", what+" not found")
}

// internal answers 503 naming the dependency when one is down, and otherwise 500, without
// leaking details; it logs the cause.
func (s *Server) internal(c *gin.Context, err error) {
	if dep := dependencyDown(err); dep != "" {
		s.Log.Warn("dependency unavailable", "dependency", dep, "method", c.Request.Method, "path", c.FullPath(), "err", err)
		unavailable(c, dep)
		return
	}
	s.Log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
	fail(c, http.StatusInternalServerError, "internal", "the server could not complete the request; try again later")
}

// listFailed answers a list query's error — 422 for a cursor this API did not give, else as
// internal does — and reports whether there was one.
func (s *Server) listFailed(c *gin.Context, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrBadCursor):
		invalid(c, []FieldError{{"cursor", "not a cursor this API returned"}})
	default:
		s.internal(c, err)
	}
	return true
}
