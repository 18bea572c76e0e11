package pii

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testSecret is bytes 0x00..0x1f.
func testSecret() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func mustSealer(t *testing.T, secret []byte) *Sealer {
	t.Helper()
	s, err := NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSealerSecretLength(t *testing.T) {
	for _, n := range []int{0, 1, 16, 31} {
		if _, err := NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer(%d bytes) succeeded, want error", n)
		}
	}
	for _, n := range []int{32, 33, 64} {
		if _, err := NewSealer(bytes.Repeat([]byte{7}, n)); err != nil {
			t.Errorf("NewSealer(%d bytes): %v", n, err)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	s := mustSealer(t, testSecret())
	for _, p := range []string{"", "11010519491231002X", "13812345678", "张三", strings.Repeat("长", 5000), "a\x00b"} {
		sealed, err := s.Seal(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed) != 12+len(p)+16 {
			t.Errorf("sealed length %d, want nonce + %d + tag", len(sealed), len(p))
		}
		if len(p) > 3 && bytes.Contains(sealed, []byte(p)) {
			t.Errorf("sealed value contains the plaintext %q", p)
		}
		got, err := s.Open(sealed)
		if err != nil || got != p {
			t.Errorf("Open(Seal(%q)) = %q, %v", p, got, err)
		}
	}
}

func TestOpenKnownAnswer(t *testing.T) {
	// Produced outside Go: key = HMAC-SHA256(0x00..0x1f, "certflow pii
	// encryption"), nonce 00..0b, AES-256-GCM with no associated data.
	sealed, _ := hex.DecodeString("000102030405060708090a0b707fa22f04e36b518ef36648b16e43e2087711bb4f34fb1cc19fd5892b89a55fcb2b67ce604742da81")
	got, err := mustSealer(t, testSecret()).Open(sealed)
	if err != nil || got != "张三 11010519491231002X" {
		t.Fatalf("Open(known answer) = %q, %v", got, err)
	}
}

func TestNonceRandomness(t *testing.T) {
	s := mustSealer(t, testSecret())
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		sealed, err := s.Seal("11010519491231002X")
		if err != nil {
			t.Fatal(err)
		}
		if seen[string(sealed[:12])] {
			t.Fatalf("nonce repeated after %d seals", i)
		}
		seen[string(sealed[:12])] = true
	}
	a, _ := s.Seal("same")
	b, _ := s.Seal("same")
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are identical")
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	s := mustSealer(t, testSecret())
	sealed, err := s.Seal("11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	// Flip each bit of nonce, ciphertext and tag in turn.
	for i := range sealed {
		for bit := 0; bit < 8; bit++ {
			bad := bytes.Clone(sealed)
			bad[i] ^= 1 << bit
			if _, err := s.Open(bad); !errors.Is(err, ErrInvalidCiphertext) {
				t.Fatalf("flipping byte %d bit %d: error = %v", i, bit, err)
			}
		}
	}
	for _, bad := range [][]byte{nil, {}, sealed[:11], sealed[:27], sealed[:len(sealed)-1], append(bytes.Clone(sealed), 0)} {
		if _, err := s.Open(bad); !errors.Is(err, ErrInvalidCiphertext) {
			t.Errorf("Open(%d bytes) error = %v, want ErrInvalidCiphertext", len(bad), err)
		}
	}
	other := bytes.Clone(testSecret())
	other[0] ^= 1
	if _, err := mustSealer(t, other).Open(sealed); !errors.Is(err, ErrInvalidCiphertext) {
		t.Errorf("Open with another secret: error = %v", err)
	}
}

func TestIndex(t *testing.T) {
	s := mustSealer(t, testSecret())
	// Known answers computed outside Go:
	// HMAC-SHA256(HMAC-SHA256(0x00..0x1f, "certflow pii index"), value).
	known := map[string]string{
		"11010519491231002X": "2431e012758ac94525560ebeb505ec5b8e1a9859d98eb4d782a4dabc0a19fff3",
		"13812345678":        "359efaee344f53ce0c5a4c682dc57864dc422ab3041ed033fae76ec4a40bb8eb",
		"":                   "02d8ff4f3394e3b56787fcdc8e4a9acb0114eb32f5c69a55296f44258a2eb724",
	}
	for v, want := range known {
		if got := s.Index(v); got != want {
			t.Errorf("Index(%q) = %s, want %s", v, got, want)
		}
		if got := mustSealer(t, testSecret()).Index(v); got != want {
			t.Errorf("Index(%q) differs across Sealers with the same secret", v)
		}
	}
	if s.Index("11010519491231002X") == s.Index("11010519491231002x") {
		t.Error("different values share an index")
	}
	other := bytes.Clone(testSecret())
	other[31] ^= 0x80
	if mustSealer(t, other).Index("11010519491231002X") == known["11010519491231002X"] {
		t.Error("a different secret gives the same index")
	}
}

func TestKeysAreIndependentAndCopied(t *testing.T) {
	secret := testSecret()
	s := mustSealer(t, secret)
	before := s.Index("x")
	for i := range secret {
		secret[i] = 0xff // caller reuses its buffer
	}
	if s.Index("x") != before {
		t.Error("Sealer depends on the caller's secret buffer")
	}
	// The two derived keys differ from each other and from the secret.
	enc := derive(testSecret(), encryptionLabel)
	if bytes.Equal(s.indexKey, enc) || bytes.Equal(s.indexKey, testSecret()) || bytes.Equal(enc, testSecret()) {
		t.Error("derived keys are not distinct")
	}
}

func TestSealerDoesNotPrintKeys(t *testing.T) {
	s := mustSealer(t, testSecret())
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, s)
		if out != "pii.Sealer{redacted}" {
			t.Errorf("Sprintf(%q) = %q", format, out)
		}
	}
}
