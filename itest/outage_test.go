package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"certflow/api"
	"certflow/evidence"
	"certflow/store"
)

// deadAddress is a loopback address nothing listens on.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// silentAddress accepts connections and never answers, like a hung server.
func silentAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// apiWith runs a second API server on the test system with one dependency replaced.
func apiWith(t *testing.T, change func(*api.Server)) *httptest.Server {
	t.Helper()
	s := *sys.API
	s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	change(&s)
	srv := httptest.NewServer(s.Router())
	t.Cleanup(srv.Close)
	return srv
}

// expectUnavailable sends a request and checks the 503 answer: fast, with Retry-After and the
// code naming the dependency, and as the OpenAPI document says.
func expectUnavailable(t *testing.T, srv *httptest.Server, c caller, method, path, contentType string, body []byte, code string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), `"code":"`+code+`"`) {
		t.Fatalf("%s %s answered %d, want 503 %s: %s", method, path, resp.StatusCode, code, b)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%s %s: 503 without Retry-After", method, path)
	}
	if took > 3*time.Second {
		t.Fatalf("%s %s took %v to answer 503, want at most 3 s", method, path, took)
	}
	check, _ := http.NewRequest(method, srv.URL+path, nil)
	if err := api.CheckResponse(context.Background(), doc, check, resp.StatusCode, resp.Header, b); err != nil {
		t.Error(err)
	}
}

// readyState fetches /readyz of srv.
func readyState(t *testing.T, srv *httptest.Server) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOutagesAnswer503 points the API at a database, a Temporal server and an object store
// that are down (nothing listening) or hung (listening, never answering): every request that
// needs the missing dependency answers 503 naming it within 3 s, writes nothing, and /readyz
// says which is down without internal details.
func TestOutagesAnswer503(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	newCase, _ := jsonBody(map[string]any{"type": "registration", "practitioner_id": w.pracID, "enterprise_uscc": w.uscc, "specialty": "建筑工程"})
	withdraw, _ := jsonBody(map[string]any{"action": "withdraw"})
	upload, uploadCT := multipartBody(t)
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

	t.Run("database", func(t *testing.T) {
		down := store.Open("postgres://certflow@"+deadAddress(t)+"/certflow?sslmode=disable", sys.Store.Sealer)
		t.Cleanup(func() { down.Close() })
		srv := apiWith(t, func(s *api.Server) { s.Store = down })
		expectUnavailable(t, srv, w.ent, "GET", "/api/v1/cases", "", nil, "database_unavailable")
		expectUnavailable(t, srv, w.ent, "POST", "/api/v1/cases", "application/json", newCase, "database_unavailable")
		expectUnavailable(t, srv, caller{t: t}, "GET", "/api/v1/public/registrations?name=x", "", nil, "database_unavailable")
		expectUnavailable(t, srv, w.applicant, "GET", "/api/v1/cases", "", nil, "database_unavailable")
		status, body := readyState(t, srv)
		if status != 503 || !strings.Contains(body, `"database":"down"`) || strings.Contains(body, "dial") {
			t.Fatalf("readyz %d %s", status, body)
		}
	})
	for name, addr := range map[string]func(*testing.T) string{"down": deadAddress, "hung": silentAddress} {
		t.Run("temporal "+name, func(t *testing.T) {
			tc, err := client.NewLazyClient(client.Options{HostPort: addr(t), Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(tc.Close)
			srv := apiWith(t, func(s *api.Server) { s.Temporal = tc })
			cases := count(t, "cases")
			expectUnavailable(t, srv, w.ent, "POST", "/api/v1/cases", "application/json", newCase, "temporal_unavailable")
			expectUnavailable(t, srv, w.ent, "POST", "/api/v1/cases/"+id+"/actions", "application/json", withdraw, "temporal_unavailable")
			if count(t, "cases") != cases {
				t.Fatal("a case row was written although its workflow could not start")
			}
			if status, body := readyState(t, srv); status != 503 || !strings.Contains(body, `"temporal":"down"`) {
				t.Fatalf("readyz %d %s", status, body)
			}
		})
		t.Run("storage "+name, func(t *testing.T) {
			ev, err := evidence.Dial(addr(t), "minio", "minio-secret", false, "test-evidence")
			if err != nil {
				t.Fatal(err)
			}
			srv := apiWith(t, func(s *api.Server) { s.Evidence = ev })
			rows := count(t, "evidence")
			expectUnavailable(t, srv, w.ent, "POST", "/api/v1/cases/"+id+"/evidence", uploadCT, upload, "storage_unavailable")
			if count(t, "evidence") != rows {
				t.Fatal("an evidence row was written although the file was not stored")
			}
			if status, body := readyState(t, srv); status != 503 || !strings.Contains(body, `"minio":"down"`) || strings.Contains(body, "bucket") {
				t.Fatalf("readyz %d %s", status, body)
			}
		})
	}
	// The real system is untouched and ready.
	resp, err := http.Get(sys.Server.URL + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz of the real system: %v %v", err, resp)
	}
	resp.Body.Close()
}

// jsonBody encodes v.
func jsonBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// multipartBody is a valid evidence upload.
func multipartBody(t *testing.T) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", "id_card")
	fw, _ := mw.CreateFormFile("file", "id.pdf")
	_, _ = fw.Write(pdfBytes(500))
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}
