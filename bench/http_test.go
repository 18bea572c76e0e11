package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/api"
	"certflow/domain"
)

// token mints a bearer token for the benchmark's callers.
func token(tb testing.TB, c api.Claims, sub string) string {
	c.RegisteredClaims = jwt.RegisteredClaims{Subject: sub}
	t, err := api.IssueToken(sys.Secret, c, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// call sends a request and decodes a JSON answer into out (if not nil).
func call(method, path, tok, contentType string, body io.Reader, out any) (int, error) {
	req, err := http.NewRequest(method, sys.Server.URL+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

// postJSON posts v as JSON. A 503 (a dependency did not answer in time; nothing was changed)
// is retried after a second, up to 5 times, as the API asks clients to.
func postJSON(path, tok string, v any, out any) error {
	b, _ := json.Marshal(v)
	for attempt := 1; ; attempt++ {
		status, err := call(http.MethodPost, path, tok, "application/json", bytes.NewReader(b), out)
		if status != http.StatusServiceUnavailable || attempt == 5 {
			return err
		}
		time.Sleep(time.Second)
	}
}

// waitStage waits for a case to reach stage, with long polls on the case's version (the API
// answers as soon as the case changes) instead of reading the whole case over and over.
func waitStage(id, tok string, stage domain.Stage) error {
	deadline := time.Now().Add(60 * time.Second)
	var c struct {
		Stage   string `json:"stage"`
		Version int    `json:"version"`
	}
	if _, err := call(http.MethodGet, "/api/v1/cases/"+id, tok, "", nil, &c); err != nil {
		return err
	}
	for c.Stage != string(stage) {
		if time.Now().After(deadline) {
			return fmt.Errorf("case %s never reached %s", id, stage)
		}
		status, err := call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%s?after=%d&wait=10s", id, c.Version), tok, "", nil, &c)
		if err != nil && status != http.StatusNotModified {
			return err
		}
	}
	return nil
}
