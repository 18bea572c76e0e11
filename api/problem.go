package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
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

// internal answers 500 without leaking details, logging the cause.
func (s *Server) internal(c *gin.Context, err error) {
	s.Log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
	fail(c, http.StatusInternalServerError, "internal", "the server could not complete the request; try again later")
}
