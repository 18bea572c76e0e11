package api

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// openapiYAML is the OpenAPI 3.0.3 document describing every route of Router.
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapi serves the OpenAPI document (no token needed).
func (s *Server) openapi(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml", openapiYAML)
}

// OpenAPIDocument returns the OpenAPI document (YAML) the API serves at /api/v1/openapi.yaml.
func OpenAPIDocument() []byte {
	return bytes.Clone(openapiYAML)
}

// LoadOpenAPI parses and validates the OpenAPI document.
func LoadOpenAPI(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(OpenAPIDocument())
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml does not parse: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
}
