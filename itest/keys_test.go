package itest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/api"
	"certflow/domain"
)

// signed mints an EdDSA access token with the system's key ring, as sign-in does.
func signed(t *testing.T, c api.Claims, ttl time.Duration) caller {
	t.Helper()
	tok, err := sys.API.Keys.Sign(context.Background(), c, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return caller{t: t, token: tok}
}

func jwksKids(t *testing.T) []string {
	t.Helper()
	m := caller{t: t}.get("/.well-known/jwks.json").expect(t, 200).json(t)
	var kids []string
	for _, k := range m["keys"].([]any) {
		kids = append(kids, k.(map[string]any)["kid"].(string))
	}
	return kids
}

func kidOf(t *testing.T, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, &api.Claims{})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Header["kid"].(string)
}

func TestEdDSAAccessTokensAndKeyRotation(t *testing.T) {
	ctx := context.Background()
	admin := api.Claims{Role: domain.RoleAdmin, RegisteredClaims: jwt.RegisteredClaims{Subject: "admin-eddsa"}}
	before := signed(t, admin, time.Minute)
	before.get("/api/v1/cases?limit=1").expect(t, 200)
	if kid := kidOf(t, before.token); !strings.Contains(strings.Join(jwksKids(t), " "), kid) {
		t.Fatalf("the signing key %s is not in the JWKS %v", kid, jwksKids(t))
	}
	// Tampering with the payload or the kid breaks the token; HS256 tokens keep working.
	parts := strings.Split(before.token, ".")
	forged := parts[0] + "." + parts[1][:len(parts[1])-2] + "AA." + parts[2]
	caller{t: t, token: forged}.get("/api/v1/cases?limit=1").problem(t, 401, "invalid_token")
	as(t, domain.RoleAdmin, "admin-hs256").get("/api/v1/cases?limit=1").expect(t, 200)
	// An EdDSA token for another role's claims is checked like any token.
	signed(t, api.Claims{Role: domain.RoleProvincialReviewer, Province: "21",
		RegisteredClaims: jwt.RegisteredClaims{Subject: "prov-eddsa"}}, time.Minute).get("/api/v1/cases?limit=1").expect(t, 200)

	// A rotation: the new key signs, the old one verifies until its grace ends, then not.
	kid, err := sys.API.Keys.Rotate(ctx, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	after := signed(t, admin, time.Minute)
	if kidOf(t, after.token) != kid || kidOf(t, before.token) == kid {
		t.Fatalf("after the rotation tokens are signed with %s, want the new key %s", kidOf(t, after.token), kid)
	}
	if kids := jwksKids(t); len(kids) < 2 || kids[0] != kid {
		t.Fatalf("JWKS %v, want the new key %s first and the old ones still", kids, kid)
	}
	before.get("/api/v1/cases?limit=1").expect(t, 200)
	time.Sleep(2500 * time.Millisecond)
	before.get("/api/v1/cases?limit=1").problem(t, 401, "invalid_token")
	after.get("/api/v1/cases?limit=1").expect(t, 200)
	if kids := jwksKids(t); len(kids) != 1 || kids[0] != kid {
		t.Fatalf("JWKS %v after the grace period, want only %s", kids, kid)
	}
	// Another replica (a fresh key ring on the same database) verifies the new tokens.
	other := &api.KeyRing{Store: sys.Store}
	if _, err := other.Parse(ctx, after.token); err != nil {
		t.Fatalf("another replica refuses the token: %v", err)
	}
}
