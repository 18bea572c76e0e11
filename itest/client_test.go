package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"certflow/api"
	"certflow/domain"
)

// plainIDs are resident IDs that must never appear in a response.
var plainIDs []string

// caller is one token holder talking to the API.
type caller struct {
	t     *testing.T
	token string
}

// as mints a token for claims and returns a caller using it.
func as(t *testing.T, role domain.Role, sub string, opts ...func(*api.Claims)) caller {
	t.Helper()
	c := api.Claims{Role: role, RegisteredClaims: jwt.RegisteredClaims{Subject: sub}}
	for _, o := range opts {
		o(&c)
	}
	tok, err := api.IssueToken(sys.Secret, c, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return caller{t: t, token: tok}
}

func enterprise(uscc string) func(*api.Claims) { return func(c *api.Claims) { c.Enterprise = uscc } }

// practitioner puts the blind index of a resident ID in an applicant token, as certflow does.
func practitioner(id string) func(*api.Claims) {
	return func(c *api.Claims) { c.Practitioner = sys.Store.Sealer.Index(id) }
}
func province(code string) func(*api.Claims) { return func(c *api.Claims) { c.Province = code } }

// response is what came back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// json decodes the body into a generic map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// problem checks a problem+json answer with the status and code.
func (r response) problem(t *testing.T, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	m := r.json(t)
	if m["code"] != code {
		t.Fatalf("problem code %v, want %s: %s", m["code"], code, r.Body)
	}
	if d, _ := m["detail"].(string); len(d) < 10 {
		t.Fatalf("problem without a helpful detail: %s", r.Body)
	}
}

// expect checks the status.
func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// send performs a request, checks the response against the OpenAPI document and that no plain
// resident ID leaks.
func (c caller) send(method, path, contentType string, body io.Reader, header ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(method, sys.Server.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, id := range plainIDs {
		if bytes.Contains(b, []byte(id)) {
			c.t.Fatalf("%s %s leaked a plain resident ID: %s", method, path, b)
		}
	}
	checkReq, _ := http.NewRequest(method, sys.Server.URL+path, nil)
	checkReq.Header = req.Header.Clone()
	if err := api.CheckResponse(context.Background(), doc, checkReq, resp.StatusCode, resp.Header, b); err != nil {
		c.t.Errorf("response disagrees with the OpenAPI document: %v", err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// postJSON sends v as JSON.
func (c caller) postJSON(path string, v any, header ...string) response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(http.MethodPost, path, "application/json", bytes.NewReader(b), header...)
}

// get fetches path.
func (c caller) get(path string) response {
	c.t.Helper()
	return c.send(http.MethodGet, path, "", nil)
}

// upload sends a multipart evidence upload.
func (c caller) upload(caseID, kind, filename string, content []byte) response {
	c.t.Helper()
	return c.sendFile("/api/v1/cases/"+caseID+"/evidence", kind, filename, content)
}

// sendFile posts a multipart form with a "kind" field (unless empty) and a file.
func (c caller) sendFile(path, kind, filename string, content []byte) response {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if kind != "" {
		_ = w.WriteField("kind", kind)
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return c.send(http.MethodPost, path, w.FormDataContentType(), &buf)
}

// act posts an action.
func (c caller) act(caseID string, action domain.Action, comment string) response {
	c.t.Helper()
	return c.postJSON("/api/v1/cases/"+caseID+"/actions", map[string]any{"action": action, "comment": comment})
}

// waitCase polls the case until ok holds, failing after 45 s.
func (c caller) waitCase(caseID string, what string, ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	return c.waitCaseFor(caseID, what, 45*time.Second, ok)
}

// waitCaseFor polls the case until ok holds, failing after timeout.
func (c caller) waitCaseFor(caseID string, what string, timeout time.Duration, ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	var last map[string]any
	for time.Now().Before(deadline) {
		r := c.get("/api/v1/cases/" + caseID)
		if r.Status == http.StatusOK {
			last = r.json(c.t)
			if ok(last) {
				return last
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("case %s never reached %s; last: %v", caseID, what, summary(last))
	return nil
}

// stageIs waits for a stage.
func stageIs(stage domain.Stage) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["stage"] == string(stage) }
}

// statusIs waits for a status.
func statusIs(status domain.Status) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["status"] == string(status) }
}

// summary shortens a case for failure messages.
func summary(m map[string]any) string {
	if m == nil {
		return "<none>"
	}
	var actions []string
	if evs, ok := m["events"].([]any); ok {
		for _, e := range evs {
			ev := e.(map[string]any)
			actions = append(actions, fmt.Sprintf("%v(%v)", ev["action"], ev["comment"]))
		}
	}
	return fmt.Sprintf("stage=%v status=%v events=%v", m["stage"], m["status"], actions)
}
