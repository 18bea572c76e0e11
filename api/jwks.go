package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// jwks serves the public keys that verify access tokens (RFC 7517), for anyone.
func (s *Server) jwks(c *gin.Context) {
	keys := []JWK{}
	if s.Keys != nil {
		var err error
		if keys, err = s.Keys.JWKS(c.Request.Context()); err != nil {
			s.internal(c, err)
			return
		}
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, gin.H{"keys": keys})
}
