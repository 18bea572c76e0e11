package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/store"
)

const (
	principalKey         = "certflow.principal"
	practitionerClaimKey = "certflow.practitioner_claim"
	sessionKey           = "certflow.session"
)

// authenticate verifies the bearer token and stores the principal on the request. An
// applicant's claim — the blind index of their resident ID — is resolved to their registry id
// here.
func (s *Server) authenticate(c *gin.Context) {
	scheme, token, _ := strings.Cut(strings.TrimSpace(c.GetHeader("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="certflow"`)
		fail(c, http.StatusUnauthorized, "unauthenticated", "a bearer token is required (Authorization: Bearer <token>)")
		return
	}
	claims, err := s.parseBearer(c.Request.Context(), strings.TrimSpace(token))
	if errors.Is(err, store.ErrUnavailable) {
		s.internal(c, err)
		return
	}
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="certflow", error="invalid_token"`)
		fail(c, http.StatusUnauthorized, "invalid_token", "the bearer token is not valid: "+err.Error())
		return
	}
	p := domain.Principal{
		Subject:    claims.Subject,
		Role:       claims.Role,
		Enterprise: claims.Enterprise,
		Province:   claims.Province,
	}
	if p.Role == domain.RoleApplicant {
		prac, err := s.Store.PractitionerByIndex(c.Request.Context(), claims.Practitioner)
		switch {
		case err == nil:
			p.PractitionerID = prac.ID
		case !errors.Is(err, store.ErrNotFound):
			s.internal(c, err)
			return
		}
	}
	c.Set(principalKey, p)
	c.Set(practitionerClaimKey, claims.Practitioner)
	c.Set(sessionKey, claims.Session)
	c.Next()
}

// parseBearer verifies a bearer token: an EdDSA access token (alg EdDSA, by its kid) with the
// key ring, anything else as an HS256 token of certflow token.
func (s *Server) parseBearer(ctx context.Context, token string) (*Claims, error) {
	if s.Keys != nil && tokenAlg(token) == "EdDSA" {
		return s.Keys.Parse(ctx, token)
	}
	return ParseToken(s.JWTSecret, token)
}

// tokenAlg reads the alg of a JWT's (unverified) header, "" when there is none.
func tokenAlg(token string) string {
	head, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Alg
}

// principal returns the authenticated principal of the request.
func principal(c *gin.Context) domain.Principal {
	return c.MustGet(principalKey).(domain.Principal)
}

// practitionerClaim returns an applicant's claim: the blind index of their resident ID.
func practitionerClaim(c *gin.Context) string {
	return c.GetString(practitionerClaimKey)
}
