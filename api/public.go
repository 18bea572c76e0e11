package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// publicRegistrations answers the public query by registration number or name, masked.
func (s *Server) publicRegistrations(c *gin.Context) {
	number := strings.TrimSpace(c.Query("registration_number"))
	name := strings.TrimSpace(c.Query("name"))
	if number == "" && name == "" {
		fail(c, http.StatusBadRequest, "query_required", "give registration_number or name")
		return
	}
	regs, err := s.Store.PublicRegistrations(c, number, name)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": regs})
}
