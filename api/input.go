package api

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/domain"
)

// textHeaders are the request headers certflow reads (and, for Idempotency-Key, stores).
var textHeaders = []string{"Idempotency-Key", "If-Match", "If-None-Match"}

// checkRequestText refuses, before any handler runs, a query string that does not parse (400)
// and any query parameter, path parameter or header certflow reads whose text
// domain.CheckText refuses (422 naming it). Handlers check their bodies themselves (bindJSON,
// uploads).
func checkRequestText(c *gin.Context) {
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		fail(c, http.StatusBadRequest, "malformed_query", "the query string is not valid URL encoding")
		return
	}
	var errs []FieldError
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := domain.CheckText(k, domain.MaxShortText); err != nil {
			errs = append(errs, FieldError{"query parameter name", err.Error()})
			continue
		}
		for _, v := range q[k] {
			if err := domain.CheckText(v, domain.MaxQueryValue); err != nil {
				errs = append(errs, FieldError{k, err.Error()})
			}
		}
	}
	for _, p := range c.Params {
		if err := domain.CheckText(p.Value, domain.MaxQueryValue); err != nil {
			errs = append(errs, FieldError{p.Key, err.Error()})
		}
	}
	for _, h := range textHeaders {
		if err := domain.CheckText(c.GetHeader(h), domain.MaxKey); err != nil {
			errs = append(errs, FieldError{h, err.Error()})
		}
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	c.Next()
}

// idempotencyKey is the request's Idempotency-Key, trimmed ("" when none); checkRequestText
// has checked its text.
func idempotencyKey(c *gin.Context) string {
	return strings.TrimSpace(c.GetHeader("Idempotency-Key"))
}

const (
	// drainLimit is the most of an oversize body certflow reads and discards before answering
	// 413, so that a client that sends its whole body before reading the answer gets the 413
	// instead of a reset connection. Larger bodies are cut off.
	drainLimit = 128 << 20
	// drainTime bounds how long that takes.
	drainTime = 30 * time.Second
)

// drainOversize reads and discards a declared-oversize request body (up to drainLimit, within
// drainTime) and asks for the connection to be closed after the answer.
func drainOversize(c *gin.Context, limit int64) {
	c.Header("Connection", "close")
	n := c.Request.ContentLength
	if n <= limit || n > drainLimit {
		return
	}
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(drainTime))
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Request.Body, n))
}
