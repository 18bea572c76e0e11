// Package pii protects personal data at rest: it encrypts values such as
// resident ID and phone numbers with AES-256-GCM, and computes keyed blind
// indexes so that encrypted values can still be looked up by equality.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// MinSecretLen is the shortest secret NewSealer accepts, in bytes.
const MinSecretLen = 32

// Key-derivation labels: each derived key is HMAC-SHA256(secret, label), so
// the encryption key and the index key are independent of each other.
const (
	encryptionLabel = "certflow pii encryption"
	indexLabel      = "certflow pii index"
)

// nonceSize is the AES-GCM nonce length prepended to every sealed value.
const nonceSize = 12

// ErrInvalidCiphertext reports a sealed value that is truncated, was
// tampered with, or was sealed under a different secret.
var ErrInvalidCiphertext = errors.New("pii: sealed value is malformed, tampered with, or sealed with another key")

// Sealer encrypts personal data and computes blind indexes with keys derived
// from one secret. Create it with NewSealer; it is safe for concurrent use.
type Sealer struct {
	aead     cipher.AEAD
	indexKey []byte
}

// NewSealer derives an encryption key and an index key from secret, which
// must be at least MinSecretLen bytes of high-entropy key material.
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("pii: secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	block, err := aes.NewCipher(derive(secret, encryptionLabel))
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return &Sealer{aead: aead, indexKey: derive(secret, indexLabel)}, nil
}

// derive returns HMAC-SHA256(secret, label), a 32-byte key.
func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext with AES-256-GCM under a fresh random 12-byte nonce
// and returns nonce || ciphertext || tag.
func (s *Sealer) Seal(plaintext string) ([]byte, error) {
	nonce := make([]byte, nonceSize, nonceSize+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("pii: read random nonce: %w", err)
	}
	return s.aead.Seal(nonce, nonce, []byte(plaintext), nil), nil
}

// Open decrypts a value produced by Seal. It returns ErrInvalidCiphertext if
// the value is truncated, altered in any way, or sealed with another secret.
func (s *Sealer) Open(sealed []byte) (string, error) {
	if len(sealed) < nonceSize+s.aead.Overhead() {
		return "", ErrInvalidCiphertext
	}
	plain, err := s.aead.Open(nil, sealed[:nonceSize], sealed[nonceSize:], nil)
	if err != nil {
		return "", ErrInvalidCiphertext
	}
	return string(plain), nil
}

// Index returns the blind index of value: the lower-case hex HMAC-SHA256 of
// value under the index key. Equal values give equal indexes under the same
// secret. Index does not normalise: pass the canonical form (for example a
// resident ID as returned by ident.ParseResidentID).
func (s *Sealer) Index(value string) string {
	m := hmac.New(sha256.New, s.indexKey)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// String hides the keys when a Sealer is printed.
func (s *Sealer) String() string { return "pii.Sealer{redacted}" }

// GoString hides the keys when a Sealer is printed with %#v.
func (s *Sealer) GoString() string { return s.String() }
