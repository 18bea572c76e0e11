package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// docRouter is the kin-openapi router of one document, built once.
type docRouter struct {
	once   sync.Once
	router routers.Router
	err    error
}

// docRouters caches a router per document (keyed by *openapi3.T). Entries are never dropped,
// so callers should load the document once (e.g. in TestMain) and reuse it.
var docRouters sync.Map

func routerOf(doc *openapi3.T) (routers.Router, error) {
	v, _ := docRouters.LoadOrStore(doc, new(docRouter))
	dr := v.(*docRouter)
	dr.once.Do(func() {
		dr.router, dr.err = gorillamux.NewRouter(doc)
	})
	return dr.router, dr.err
}

// responseCheckOptions validate the response only: request bodies and authentication are
// not checked, and a status the operation does not document is an error.
var responseCheckOptions = &openapi3filter.Options{
	ExcludeRequestBody:    true,
	IncludeResponseStatus: true,
	MultiError:            true,
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	// Keep messages short: the path and reason only; the body is quoted once by CheckResponse.
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// CheckResponse checks one response the API gave to req against the OpenAPI document doc (from
// LoadOpenAPI): the operation must exist and document the status, and the declared headers
// and the body must match its schema. Requests Gin answers itself are checked too: an unknown
// path must answer 404 and a known path with another method 405, both with a Problem body;
// trailing-slash redirects (301, 307, 308) are accepted. The error names the method, path and
// status. It is safe for concurrent use.
func CheckResponse(ctx context.Context, doc *openapi3.T, req *http.Request, status int, header http.Header, body []byte) error {
	if req == nil || req.URL == nil {
		return fmt.Errorf("openapi check: no request given for the %d response", status)
	}
	where := fmt.Sprintf("%s %s → %d", req.Method, req.URL.Path, status)
	if doc == nil {
		return fmt.Errorf("openapi check of %s: no document (use LoadOpenAPI)", where)
	}
	if header == nil {
		header = http.Header{}
	}
	router, err := routerOf(doc)
	if err != nil {
		return fmt.Errorf("openapi check of %s: cannot route with the document: %w", where, err)
	}
	route, params, err := router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrPathNotFound):
		switch status {
		case http.StatusNotFound:
			return checkProblem(doc, req, where, header, body)
		case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			return nil // Gin's trailing-slash redirect
		}
		return fmt.Errorf("%s: the OpenAPI document has no path matching %s, yet the API answered %d (expected 404 for an unknown route)",
			where, req.URL.Path, status)
	case errors.Is(err, routers.ErrMethodNotAllowed):
		if status == http.StatusMethodNotAllowed {
			return checkProblem(doc, req, where, header, body)
		}
		return fmt.Errorf("%s: the OpenAPI document has no %s operation on %s, yet the API answered %d (expected 405)",
			where, req.Method, req.URL.Path, status)
	case err != nil:
		return fmt.Errorf("%s: finding the operation in the OpenAPI document: %w", where, err)
	}
	if status == http.StatusInternalServerError && len(body) == 0 && header.Get("Content-Type") == "" {
		return fmt.Errorf("%s (operation %s): empty 500 response, which is what gin.Recovery writes after a panic",
			where, operationName(route))
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    responseCheckOptions,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: responseCheckOptions,
	}
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("%s (operation %s %s) does not match the OpenAPI document: %w%s",
			where, operationName(route), route.Path, err, bodyExcerpt(body))
	}
	return nil
}

// checkProblem checks a response Gin wrote for an unrouted request: a Problem document.
func checkProblem(doc *openapi3.T, req *http.Request, where string, header http.Header, body []byte) error {
	if req.Method == http.MethodHead {
		return nil // no body to check
	}
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if mt != "application/problem+json" {
		return fmt.Errorf("%s: an unrouted request must be answered with application/problem+json, got Content-Type %q%s",
			where, header.Get("Content-Type"), bodyExcerpt(body))
	}
	ref := doc.Components.Schemas["Problem"]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("%s: the OpenAPI document has no Problem schema", where)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s: the problem body is not JSON: %w%s", where, err, bodyExcerpt(body))
	}
	if err := ref.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails()); err != nil {
		return fmt.Errorf("%s: the problem body does not match the Problem schema: %w%s", where, err, bodyExcerpt(body))
	}
	return nil
}

func operationName(r *routers.Route) string {
	if r.Operation != nil && r.Operation.OperationID != "" {
		return r.Operation.OperationID
	}
	return r.Method
}

// bodyExcerpt quotes the start of a body for error messages.
func bodyExcerpt(body []byte) string {
	const max = 500
	if len(body) == 0 {
		return " (empty body)"
	}
	if !utf8.Valid(body) {
		return fmt.Sprintf(" (%d bytes of binary data)", len(body))
	}
	if len(body) > max {
		return fmt.Sprintf("\nbody (first %d of %d bytes): %s…", max, len(body), body[:max])
	}
	return "\nbody: " + string(body)
}
