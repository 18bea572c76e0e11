package evidence

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// failFast is how soon every call must report an unreachable MinIO.
const failFast = 3 * time.Second

// closedPort returns the address of a local port nobody listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// silentServer returns the address of a listener that accepts connections, reads whatever is
// sent and never answers.
func silentServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go io.Copy(io.Discard, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// failingServer returns the address of an HTTP server answering 503 to everything.
func failingServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestUnavailable points a Store at a MinIO that refuses connections, one that never answers
// and one failing with 503: every call that needs the server fails with ErrUnavailable within
// failFast, and presigning, which needs no round trip, still works.
func TestUnavailable(t *testing.T) {
	servers := map[string]func(*testing.T) string{
		"refused": closedPort, "silent": silentServer, "503": failingServer,
	}
	for name, server := range servers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			endpoint := server(t)
			dead, err := Dial(endpoint, "access", "secret-key", false, testBucket)
			if err != nil {
				t.Fatal(err)
			}
			ops := map[string]func(ctx context.Context) error{
				"put": func(ctx context.Context) error {
					_, err := dead.Put(ctx, "dead/doc", bytes.NewReader(samplePDF()), 1<<20)
					return err
				},
				"open": func(ctx context.Context) error {
					rc, _, err := dead.Open(ctx, "dead/doc")
					if err == nil {
						rc.Close()
					}
					return err
				},
				"remove": func(ctx context.Context) error { return dead.Remove(ctx, "dead/doc") },
				"ready":  func(ctx context.Context) error { return dead.Ready(ctx) },
				"new": func(ctx context.Context) error {
					_, err := New(ctx, endpoint, "access", "secret-key", false, testBucket)
					return err
				},
			}
			for op, call := range ops {
				t.Run(op, func(t *testing.T) {
					t.Parallel()
					start := time.Now()
					err := call(context.Background())
					took := time.Since(start)
					if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrBadBody) {
						t.Errorf("%s: %v, want ErrUnavailable", op, err)
					}
					if took > failFast {
						t.Errorf("%s took %s, want at most %s", op, took, failFast)
					}
				})
			}
			t.Run("presign", func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				if _, err := dead.PresignGet(context.Background(), "dead/doc", "a.pdf", time.Minute); err != nil {
					t.Errorf("presign: %v", err)
				}
				if took := time.Since(start); took > 500*time.Millisecond {
					t.Errorf("presign took %s: it should need no round trip", took)
				}
			})
			t.Run("content-first", func(t *testing.T) {
				t.Parallel()
				_, err := dead.Put(context.Background(), "dead/text", strings.NewReader("plain text"), 1<<20)
				if !errors.Is(err, ErrUnsupportedType) {
					t.Errorf("put of text: %v, want ErrUnsupportedType before contacting MinIO", err)
				}
			})
		})
	}
}

// TestUnavailableCallerDeadline checks that the caller's own deadline, shorter than the
// store's, stays a context error rather than ErrUnavailable.
func TestUnavailableCallerDeadline(t *testing.T) {
	dead, err := Dial(silentServer(t), "access", "secret-key", false, testBucket)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := dead.Put(ctx, "dead/doc", bytes.NewReader(samplePDF()), 1<<20); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnavailable) {
		t.Errorf("put: %v, want context.DeadlineExceeded only", err)
	}
	if _, _, err := dead.Open(ctx, "dead/doc"); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnavailable) {
		t.Errorf("open: %v, want context.DeadlineExceeded only", err)
	}
}

// TestClientErrorsNotUnavailable checks that answers blaming the request (bad credentials, a
// missing object) are not reported as ErrUnavailable.
func TestClientErrorsNotUnavailable(t *testing.T) {
	ctx := testCtx(t)
	wrong, err := Dial(minioEndpoint, minioAccessKey, "not-the-secret", false, testBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Put(ctx, "denied/doc", bytes.NewReader(samplePDF()), 1<<20); err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("put with wrong credentials: %v, want a non-ErrUnavailable error", err)
	}
	if err := wrong.Ready(ctx); err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("ready with wrong credentials: %v, want a non-ErrUnavailable error", err)
	}
	if _, _, err := store.Open(ctx, "no/such/key"); err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("open missing: %v, want a non-ErrUnavailable error", err)
	}
	// Dial does no I/O and works against a live server too.
	if _, err := wrong.PresignGet(ctx, "x", "x.pdf", time.Minute); err != nil {
		t.Errorf("presign: %v", err)
	}
}

// TestBadBody covers a client body that breaks off: a truncated multipart part yields
// io.ErrUnexpectedEOF, reported as ErrBadBody (not the store's fault), and nothing is stored.
func TestBadBody(t *testing.T) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "doc.pdf")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(pdfWith(strings.Repeat("% filler\n", 2000)))
	mw.Close()
	for name, cut := range map[string]int{"in-head": 600, "after-head": 12_000} {
		t.Run(name, func(t *testing.T) {
			mr := multipart.NewReader(bytes.NewReader(b.Bytes()[:cut]), mw.Boundary())
			part, err := mr.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			key := "badbody/" + name
			_, err = store.Put(testCtx(t), key, part, 1<<20)
			if !errors.Is(err, ErrBadBody) || !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrUnavailable) {
				t.Fatalf("put: %v, want ErrBadBody wrapping io.ErrUnexpectedEOF", err)
			}
			assertAbsent(t, key)
		})
	}
}
