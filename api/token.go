package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	// Practitioner is, for an applicant acting for themself, the blind index (keyed hash) of
	// their resident ID — never the number itself.
	Practitioner string `json:"practitioner,omitempty"`
	// Province is the province code of a provincial reviewer or investigator.
	Province string `json:"province,omitempty"`
	// Session is the sign-in session of a person's access token (none in certflow token's).
	Session string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

const (
	issuer = "certflow"
	// clockLeeway is how far a token's iat may lie in the future (clock skew).
	clockLeeway = 30 * time.Second
)

// Validate checks that the claims a role needs are present and well-formed.
func (c Claims) Validate() error {
	if c.Subject == "" {
		return errors.New("token has no subject (sub)")
	}
	if err := domain.CheckText(c.Subject, domain.MaxKey); err != nil {
		return fmt.Errorf("token subject %w", err)
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
		if !isBlindIndex(c.Practitioner) {
			return errors.New("an applicant token needs the blind index of the practitioner's resident ID (64 lower-case hex characters)")
		}
	case domain.RoleProvincialReviewer:
		if !ident.ValidProvince(c.Province) {
			return fmt.Errorf("a provincial reviewer token needs a province code, got %q", c.Province)
		}
	}
	if c.Province != "" && !ident.ValidProvince(c.Province) {
		return fmt.Errorf("unknown province code %q", c.Province)
	}
	return nil
}

// isBlindIndex reports whether s has the shape of pii.Sealer.Index: lower-case hex SHA-256.
func isBlindIndex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// IssueToken signs claims with HS256 for ttl.
func IssueToken(secret []byte, c Claims, ttl time.Duration) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	stamp(&c, time.Now(), ttl)
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// stamp sets the issuer and the issue and expiry times of claims.
func stamp(c *Claims, now time.Time, ttl time.Duration) {
	c.Issuer = issuer
	c.IssuedAt = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
}

// ParseToken verifies a token's signature, expiry, issue time, issuer and claims. The dates
// must be JSON numbers (RFC 7519 NumericDate); a token issued in the future beyond a small
// leeway is refused.
func ParseToken(secret []byte, token string) (*Claims, error) {
	return parseClaims(token, func(*jwt.Token) (any, error) { return secret, nil }, "HS256")
}

// parseClaims verifies a token signed with method by the key keyfunc finds, as ParseToken
// describes.
func parseClaims(token string, keyfunc jwt.Keyfunc, method string) (*Claims, error) {
	c := new(Claims)
	_, err := jwt.ParseWithClaims(token, c, keyfunc,
		jwt.WithValidMethods([]string{method}), jwt.WithIssuer(issuer), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(clockLeeway))
	if err != nil {
		return nil, err
	}
	if err := numericDates(token); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// numericDates checks that the registered date claims of a (verified) token are JSON numbers,
// not strings that a lenient decoder would accept.
func numericDates(token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("token is malformed")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("token payload is not base64url")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(payload, &raw); err != nil {
		return errors.New("token payload is not a JSON object")
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		v, ok := raw[name]
		if !ok {
			continue
		}
		var n json.Number
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) || json.Unmarshal(v, &n) != nil {
			return fmt.Errorf("token claim %s must be a number (NumericDate)", name)
		}
	}
	return nil
}
