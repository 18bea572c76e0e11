package api

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/store"
)

// KeyRing signs access tokens with Ed25519 keys kept in PostgreSQL (the private keys sealed
// with the PII key), so every API replica signs and verifies with the same keys. The newest key
// signs; every key not yet retired verifies, by the token's kid. Keys are reloaded every
// Refresh, and at once (at most once a second) when a token names a kid not loaded yet.
type KeyRing struct {
	Store *store.Store
	// Refresh is how long loaded keys are used before reloading (DefaultKeyRefresh when 0).
	Refresh time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu     sync.Mutex
	loaded time.Time
	keys   []ringKey // newest first
}

// DefaultKeyRefresh is how often a KeyRing reloads its keys.
const DefaultKeyRefresh = 30 * time.Second

type ringKey struct {
	kid      string
	pub      ed25519.PublicKey
	priv     ed25519.PrivateKey
	retireAt *time.Time
}

// live reports whether the key still verifies at now (a loaded key may retire before reloading).
func (k ringKey) live(now time.Time) bool { return k.retireAt == nil || now.Before(*k.retireAt) }

func (r *KeyRing) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// load returns the keys, reloading them when they are older than Refresh or when force is set
// (and they are older than a second).
func (r *KeyRing) load(ctx context.Context, force bool) ([]ringKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	refresh := r.Refresh
	if refresh <= 0 {
		refresh = DefaultKeyRefresh
	}
	age := r.now().Sub(r.loaded)
	if r.keys != nil && age < refresh && (!force || age < time.Second) {
		return r.keys, nil
	}
	rows, err := r.Store.SigningKeys(ctx, r.now())
	if err != nil {
		return nil, err
	}
	keys := make([]ringKey, 0, len(rows))
	for _, k := range rows {
		seedHex, err := r.Store.Sealer.Open(k.PrivateKeyEnc)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", k.KID, err)
		}
		seed, err := hex.DecodeString(seedHex)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("signing key %s is malformed", k.KID)
		}
		keys = append(keys, ringKey{kid: k.KID, pub: ed25519.PublicKey(k.PublicKey), priv: ed25519.NewKeyFromSeed(seed), retireAt: k.RetireAt})
	}
	r.keys, r.loaded = keys, r.now()
	return keys, nil
}

// Rotate adds a new signing key, which signs from now on, and retires every older key after
// grace (give at least the access-token lifetime, so the tokens they signed keep working).
func (r *KeyRing) Rotate(ctx context.Context, grace time.Duration) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	kidBytes := make([]byte, 8)
	if _, err := rand.Read(kidBytes); err != nil {
		return "", err
	}
	sealed, err := r.Store.Sealer.Seal(hex.EncodeToString(priv.Seed()))
	if err != nil {
		return "", err
	}
	k := &store.SigningKey{KID: hex.EncodeToString(kidBytes), PublicKey: pub, PrivateKeyEnc: sealed}
	if err := r.Store.AddSigningKey(ctx, k, r.now().Add(grace)); err != nil {
		return "", err
	}
	r.mu.Lock()
	r.keys = nil // reload now, however recently the keys were loaded
	r.mu.Unlock()
	if _, err := r.load(ctx, true); err != nil {
		return "", err
	}
	return k.KID, nil
}

// Ensure adds a first signing key when there is none.
func (r *KeyRing) Ensure(ctx context.Context) error {
	keys, err := r.load(ctx, true)
	if err != nil || len(keys) > 0 {
		return err
	}
	_, err = r.Rotate(ctx, 24*time.Hour)
	return err
}

// ErrNoSigningKey is returned by Sign when no key exists (see Ensure and certflow keys rotate).
var ErrNoSigningKey = errors.New("no signing key: run certflow keys rotate")

// Sign issues an EdDSA access token for claims, valid for ttl, with the newest key's kid.
func (r *KeyRing) Sign(ctx context.Context, c Claims, ttl time.Duration) (string, error) {
	if err := c.Validate(); err != nil {
		return "", err
	}
	keys, err := r.load(ctx, false)
	if err != nil {
		return "", err
	}
	if len(keys) == 0 {
		return "", ErrNoSigningKey
	}
	stamp(&c, r.now(), ttl)
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = keys[0].kid
	return t.SignedString(keys[0].priv)
}

// Parse verifies an EdDSA access token by its kid, as ParseToken does an HS256 token.
func (r *KeyRing) Parse(ctx context.Context, token string) (*Claims, error) {
	return parseClaims(token, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		for _, force := range []bool{false, true} {
			keys, err := r.load(ctx, force)
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				if k.kid == kid && k.live(r.now()) {
					return k.pub, nil
				}
			}
		}
		return nil, fmt.Errorf("unknown or retired signing key %q", kid)
	}, "EdDSA")
}

// JWK is one public key of a JSON Web Key Set (RFC 8037: an Ed25519 key).
type JWK struct {
	KTY string `json:"kty"`
	CRV string `json:"crv"`
	X   string `json:"x"`
	KID string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKS lists the public keys that verify tokens now.
func (r *KeyRing) JWKS(ctx context.Context) ([]JWK, error) {
	keys, err := r.load(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]JWK, 0, len(keys))
	for _, k := range keys {
		if !k.live(r.now()) {
			continue
		}
		out = append(out, JWK{KTY: "OKP", CRV: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.pub), KID: k.kid, Alg: "EdDSA", Use: "sig"})
	}
	return out, nil
}
