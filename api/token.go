package api

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/domain"
	"certflow/ident"
)

// Claims are certflow's bearer-token claims.
type Claims struct {
	Role domain.Role `json:"role"`
	// Enterprise is the credit code of an enterprise user.
	Enterprise string `json:"enterprise,omitempty"`
	// Practitioner is the resident ID of an applicant acting for themself.
	Practitioner string `json:"practitioner,omitempty"`
	// Province is the province code of a provincial reviewer or investigator.
	Province string `json:"province,omitempty"`
	jwt.RegisteredClaims
}

const issuer = "certflow"

// Validate checks that the claims a role needs are present and well-formed.
func (c Claims) Validate() error {
	if c.Subject == "" {
		return errors.New("token has no subject (sub)")
	}
	if !c.Role.Valid() {
		return fmt.Errorf("unknown role %q", c.Role)
	}
	switch c.Role {
	case domain.RoleEnterprise:
		if _, err := ident.ParseUSCC(c.Enterprise); err != nil {
			return fmt.Errorf("an enterprise token needs a valid enterprise credit code: %w", err)
		}
	case domain.RoleApplicant:
		if _, err := ident.ParseResidentID(c.Practitioner); err != nil {
			return fmt.Errorf("an applicant token needs the practitioner's resident ID: %w", err)
		}
	case domain.RoleProvincialReviewer:
		if !ident.ValidProvince(c.Province) {
			return fmt.Errorf("a provincial reviewer token needs a province code, got %q", c.Province)
		}
	}
	return nil
}

// IssueToken signs claims with HS256 for ttl.
func IssueToken(secret []byte, c Claims, ttl time.Duration) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	now := time.Now()
	c.Issuer = issuer
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// ParseToken verifies a token's signature, expiry, issuer and claims.
func ParseToken(secret []byte, token string) (*Claims, error) {
	c := new(Claims)
	_, err := jwt.ParseWithClaims(token, c, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(issuer), jwt.WithExpirationRequired())
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
