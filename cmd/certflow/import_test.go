package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestImportCommand runs the import command against a fake API: the file arrives as a
// multipart form with its exact length and the token, the command follows the import to its
// end, draws the progress line and reports a failed import as an error.
func TestImportCommand(t *testing.T) {
	content := "uscc,name,province_code,qualification\n"
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/imports":
			body, _ := io.ReadAll(r.Body)
			if int64(len(body)) != r.ContentLength {
				t.Errorf("Content-Length %d, body %d bytes", r.ContentLength, len(body))
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if r.FormValue("kind") != "enterprises" {
				t.Errorf("kind %q", r.FormValue("kind"))
			}
			f, h, err := r.FormFile("file")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(f)
			if string(got) != content || h.Filename != "ents.csv" {
				t.Errorf("file %q named %q", got, h.Filename)
			}
			w.WriteHeader(http.StatusAccepted)
			_ = json.NewEncoder(w).Encode(map[string]any{"id": "im-1", "status": "running"})
		case r.URL.Path == "/api/v1/imports/im-1":
			status := "running"
			if polls.Add(1) == 3 {
				status = "failed"
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"id": "im-1", "status": status, "size": 100, "bytes_read": 50,
				"rows_read": 2, "rejected": 1, "failure": "wrong_header: …",
				"errors": []map[string]any{{"line": 2, "code": "bad_province", "message": "province_code must be …"}}})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "ents.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CERTFLOW_TOKEN", "tok")
	err := runImport(context.Background(), []string{"--api", srv.URL + "/api/v1/", "--poll", "10ms", "enterprises", path})
	if err == nil || !strings.Contains(err.Error(), "wrong_header") || polls.Load() != 3 {
		t.Fatalf("err %v after %d polls", err, polls.Load())
	}

	var line bytes.Buffer
	show := newProgressLine(&line)
	show(importView{Status: "running", Size: 100, BytesRead: 50, RowsRead: 10})
	time.Sleep(10 * time.Millisecond)
	show(importView{Status: "succeeded", Size: 100, BytesRead: 100, RowsRead: 20, Imported: 20})
	if out := line.String(); !strings.Contains(out, " 50% 10 rows") || !strings.Contains(out, "100% 20 rows (20 imported") ||
		!strings.HasSuffix(out, "\n") {
		t.Fatalf("progress line %q", out)
	}
}
