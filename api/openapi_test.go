package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"certflow/domain"
	"certflow/ident"
	"certflow/imports"
	"certflow/store"
)

// loadTestOpenAPI loads the document once per test.
func loadTestOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := LoadOpenAPI(context.Background())
	if err != nil {
		t.Fatalf("LoadOpenAPI: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentValidates(t *testing.T) {
	doc := loadTestOpenAPI(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info == nil || doc.Info.Title != "certflow" || doc.Info.Version != "1.0.0" {
		t.Errorf("info = %+v, want title certflow, version 1.0.0", doc.Info)
	}
	if !slices.Equal(OpenAPIDocument(), openapiYAML) {
		t.Error("OpenAPIDocument does not return the embedded document")
	}
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// openAPIPath turns a Gin path (/cases/:id) into its OpenAPI form (/cases/{id}).
func openAPIPath(ginPath string) string {
	return ginParam.ReplaceAllString(ginPath, "{$1}")
}

// TestOpenAPIMatchesRouter fails for each route without an operation and each operation
// without a route.
func TestOpenAPIMatchesRouter(t *testing.T) {
	doc := loadTestOpenAPI(t)
	router := (&Server{}).Router()

	routes := map[string]bool{}
	for _, r := range router.Routes() {
		routes[r.Method+" "+openAPIPath(r.Path)] = true
	}
	ops := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops[strings.ToUpper(method)+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range routes {
		if !ops[r] {
			missing = append(missing, r)
		}
	}
	for op := range ops {
		if !routes[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, r := range missing {
		t.Errorf("route %s has no operation in openapi.yaml", r)
	}
	for _, op := range extra {
		t.Errorf("openapi.yaml documents %s, which Router() does not serve", op)
	}
	if len(routes) == 0 {
		t.Error("Router() has no routes")
	}
}

// TestOpenAPIOperations checks what every operation must say: an id, a description, the
// right security, and the error statuses the shared middleware and helpers can produce.
func TestOpenAPIOperations(t *testing.T) {
	doc := loadTestOpenAPI(t)
	public := map[string]bool{"/api/v1/openapi.yaml": true, "/api/v1/auth/activate": true, "/api/v1/auth/login": true,
		"/api/v1/auth/mfa": true, "/api/v1/auth/refresh": true}
	// Sign-in endpoints need no token but answer 401 for wrong credentials.
	signIn := map[string]bool{"/api/v1/auth/login": true, "/api/v1/auth/mfa": true, "/api/v1/auth/refresh": true}
	ids := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", name)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", name, other, op.OperationID)
			}
			ids[op.OperationID] = name
			if strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s has no description", name)
			}
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			// Public reads need no token; objecting to a public notice needs one.
			wantAuth := strings.HasPrefix(path, "/api/v1/") && !public[path] &&
				(!strings.HasPrefix(path, "/api/v1/public/") || method != "GET")
			hasAuth := false
			for _, req := range security {
				if _, ok := req["bearerAuth"]; ok {
					hasAuth = true
				}
			}
			if hasAuth != wantAuth {
				t.Errorf("%s: bearerAuth required = %v, want %v", name, hasAuth, wantAuth)
			}
			if wantAuth {
				for _, status := range []int{401, 500} {
					if op.Responses.Status(status) == nil {
						t.Errorf("%s is authenticated but does not document %d", name, status)
					}
				}
			} else if op.Responses.Status(401) != nil && !signIn[path] {
				t.Errorf("%s needs no token but documents 401", name)
			}
			// Every request's query and path text is checked (400, 422).
			for _, status := range []int{400, 422} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s does not document %d (query and path text is checked everywhere)", name, status)
				}
			}
			// Everything that reaches a dependency may answer 503.
			if strings.HasPrefix(path, "/api/v1/") && path != "/api/v1/openapi.yaml" && op.Responses.Status(503) == nil {
				t.Errorf("%s reaches a dependency but does not document 503", name)
			}
			if op.RequestBody != nil && op.RequestBody.Value.Content.Get("application/json") != nil {
				for _, status := range []int{400, 413, 415} {
					if op.Responses.Status(status) == nil {
						t.Errorf("%s takes JSON but does not document %d", name, status)
					}
				}
			}
			for code, resp := range op.Responses.Map() {
				// readyz reports its 503 as the same JSON map as its 200, by design.
				if code >= "400" && name != "GET /readyz" {
					if resp.Value.Content.Get("application/problem+json") == nil {
						t.Errorf("%s: response %s is not application/problem+json", name, code)
					}
				}
			}
		}
	}
}

func enumOf(t *testing.T, doc *openapi3.T, schema string) []string {
	t.Helper()
	ref := doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		t.Fatalf("no schema %s", schema)
	}
	var out []string
	for _, v := range ref.Value.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b)) && len(a) == len(b)
}

// TestOpenAPIEnumsMatchDomain keeps the document's enums equal to the domain's values.
func TestOpenAPIEnumsMatchDomain(t *testing.T) {
	doc := loadTestOpenAPI(t)
	specialties := append(domain.Specialties(1), domain.Specialties(2)...)
	slices.Sort(specialties)
	specialties = slices.Compact(specialties)
	checks := []struct {
		schema string
		want   []string
	}{
		{"CaseType", strs(domain.CaseTypes)},
		{"Stage", strs(domain.Stages)},
		{"Status", strs(domain.Statuses)},
		{"Action", strs(domain.Actions)},
		{"Role", strs(domain.Roles)},
		{"AssigneeRole", append([]string{""}, strs(domain.Roles)...)},
		{"EvidenceKind", EvidenceKinds},
		{"Level", []string{"1", "2"}},
		{"Specialty", specialties},
	}
	for _, c := range checks {
		if got := enumOf(t, doc, c.schema); !sameSet(got, c.want) {
			t.Errorf("schema %s enum = %q, domain has %q", c.schema, got, c.want)
		}
	}
	var eventRoles []string
	for _, v := range doc.Components.Schemas["Event"].Value.Properties["role"].Value.Enum {
		eventRoles = append(eventRoles, fmt.Sprint(v))
	}
	if want := append([]string{""}, strs(domain.Roles)...); !sameSet(eventRoles, want) {
		t.Errorf("Event.role enum = %q, want %q", eventRoles, want)
	}
}

const testJWTSecret = "openapi-test-secret"

func testToken(t *testing.T, c Claims) string {
	t.Helper()
	tok, err := IssueToken([]byte(testJWTSecret), c, time.Hour)
	if err != nil {
		t.Fatalf("IssueToken: %v", err)
	}
	return tok
}

func testUSCC(t *testing.T) string {
	t.Helper()
	const first17 = "91110108MA01ABCDE"
	check, err := ident.USCCCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(check)
}

// TestOpenAPIResponses sends requests that need no backend through the real router and
// checks each response against the document with CheckResponse.
func TestOpenAPIResponses(t *testing.T) {
	ctx := context.Background()
	doc := loadTestOpenAPI(t)
	router := (&Server{JWTSecret: []byte(testJWTSecret), Policies: domain.DefaultPolicies()}).Router()

	ministry := "Bearer " + testToken(t, Claims{Role: domain.RoleMinistryReviewer,
		RegisteredClaims: jwt.RegisteredClaims{Subject: "ministry-1"}})
	enterprise := "Bearer " + testToken(t, Claims{Role: domain.RoleEnterprise, Enterprise: testUSCC(t),
		RegisteredClaims: jwt.RegisteredClaims{Subject: "enterprise-1"}})
	foreign, err := IssueToken([]byte("another secret"), Claims{Role: domain.RoleAdmin,
		RegisteredClaims: jwt.RegisteredClaims{Subject: "admin-1"}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	caseID := "0b9d3a52-8a3c-4f3e-9a51-2f8d8c1e7b10"
	const jsonCT = "application/json"

	cases := []struct {
		name        string
		method      string
		target      string
		auth        string
		contentType string
		header      map[string]string
		body        string
		status      int
		code        string // the problem code, for errors
	}{
		{name: "healthz", method: "GET", target: "/healthz", status: 200},
		{name: "case types", method: "GET", target: "/api/v1/case-types", auth: ministry, status: 200},
		{name: "openapi document", method: "GET", target: "/api/v1/openapi.yaml", status: 200},
		{name: "metrics", method: "GET", target: "/metrics", status: 200},
		{name: "no token", method: "GET", target: "/api/v1/cases", status: 401, code: "unauthenticated"},
		{name: "garbage token", method: "GET", target: "/api/v1/cases", auth: "Bearer not-a-jwt", status: 401, code: "invalid_token"},
		{name: "foreign token", method: "GET", target: "/api/v1/cases/" + caseID, auth: "Bearer " + foreign, status: 401, code: "invalid_token"},
		{name: "action malformed JSON", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":`, status: 400, code: "malformed_json"},
		{name: "action unknown field", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"approve","verdict":"yes"}`, status: 400, code: "malformed_json"},
		{name: "action not JSON", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: "text/plain", body: `approve`, status: 415, code: "unsupported_media_type"},
		{name: "action unknown", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"dance"}`, status: 422, code: domain.CodeUnknownAction},
		{name: "action comment too long", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"reject","comment":"` + strings.Repeat("x", 4001) + `"}`, status: 422, code: "invalid_input"},
		{name: "list bad filters", method: "GET", target: "/api/v1/cases?type=x&status=bogus&stage=nowhere&overdue=maybe&assignee=you&limit=0",
			auth: ministry, status: 422, code: "invalid_input"},
		{name: "enterprise by non-admin", method: "POST", target: "/api/v1/enterprises", auth: ministry,
			contentType: jsonCT, body: `{}`, status: 403, code: "forbidden"},
		{name: "practitioner by reviewer", method: "POST", target: "/api/v1/practitioners", auth: ministry,
			contentType: jsonCT, body: `{}`, status: 403, code: "forbidden"},
		{name: "case by reviewer", method: "POST", target: "/api/v1/cases", auth: ministry,
			contentType: jsonCT, body: `{}`, status: 403, code: "forbidden"},
		{name: "case long idempotency key", method: "POST", target: "/api/v1/cases", auth: enterprise,
			contentType: jsonCT, header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)},
			body: `{}`, status: 422, code: "invalid_input"},
		{name: "case idempotency key with a control character", method: "POST", target: "/api/v1/cases", auth: enterprise,
			contentType: jsonCT, header: map[string]string{"Idempotency-Key": "k\x01"}, body: `{}`, status: 422, code: "invalid_input"},
		{name: "action comment with NUL", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"object","comment":"x\u0000"}`, status: 422, code: "invalid_input"},
		{name: "action comment with an escape character", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"object","comment":"x\u001b[31m"}`, status: 422, code: "invalid_input"},
		{name: "action comment with a lone surrogate", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"object","comment":"x\ud800"}`, status: 422, code: "invalid_input"},
		{name: "action comment with invalid UTF-8", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: "{\"action\":\"object\",\"comment\":\"x\xff\xfe\"}", status: 422, code: "invalid_input"},
		{name: "action evidence id with NUL", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"approve","evidence_ids":["\u0000"]}`, status: 422, code: "invalid_input"},
		{name: "action comment null", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"approve","comment":null}`, status: 422, code: "invalid_input"},
		{name: "practitioner nested null", method: "POST", target: "/api/v1/practitioners", auth: enterprise,
			contentType: jsonCT, body: `{"name":"王芳","qualification":{"education_hours":null}}`, status: 422, code: "invalid_input"},
		{name: "practitioner name with NUL", method: "POST", target: "/api/v1/practitioners", auth: enterprise,
			contentType: jsonCT, body: `{"name":"王\u0000芳"}`, status: 422, code: "invalid_input"},
		{name: "enterprise name too long", method: "POST", target: "/api/v1/enterprises", auth: ministry,
			contentType: jsonCT, body: `{}`, status: 403, code: "forbidden"},
		{name: "JSON body over the limit", method: "POST", target: "/api/v1/cases/" + caseID + "/actions", auth: ministry,
			contentType: jsonCT, body: `{"action":"object","comment":"` + strings.Repeat("x", 1<<20) + `"}`, status: 413, code: "body_too_large"},
		{name: "query with NUL", method: "GET", target: "/api/v1/public/registrations?name=%00", status: 422, code: "invalid_input"},
		{name: "query with invalid UTF-8", method: "GET", target: "/api/v1/public/registrations?name=%ff%fe", status: 422, code: "invalid_input"},
		{name: "malformed query", method: "GET", target: "/api/v1/public/registrations?name=%zz", status: 400, code: "malformed_query"},
		{name: "path parameter with NUL", method: "GET", target: "/api/v1/enterprises/%00", auth: ministry, status: 422, code: "invalid_input"},
		{name: "query too long", method: "GET", target: "/api/v1/cases?cursor=" + strings.Repeat("c", 201), auth: ministry, status: 422, code: "invalid_input"},
		{name: "case malformed JSON", method: "POST", target: "/api/v1/cases", auth: enterprise,
			contentType: jsonCT, body: `{"type":"registration"} {}`, status: 400, code: "malformed_json"},
		{name: "case wrong type", method: "POST", target: "/api/v1/cases", auth: enterprise,
			contentType: jsonCT, body: `{"type":"b_certificate"}`, status: 422, code: "invalid_input"},
		{name: "public query without criteria", method: "GET", target: "/api/v1/public/registrations", status: 400, code: "query_required"},
		{name: "unknown route", method: "GET", target: "/api/v1/nothing-here", status: 404, code: "no_route"},
		{name: "unknown route with token", method: "GET", target: "/api/v2/cases", auth: ministry, status: 404, code: "no_route"},
		{name: "method not allowed", method: "DELETE", target: "/api/v1/cases", auth: ministry, status: 405, code: "method_not_allowed"},
		{name: "trailing slash redirect", method: "GET", target: "/healthz/", status: 301},
		{name: "import by non-admin", method: "POST", target: "/api/v1/imports", auth: ministry,
			contentType: "multipart/form-data; boundary=x", body: "--x--\r\n", status: 403, code: "forbidden"},
		{name: "imports listed by non-admin", method: "GET", target: "/api/v1/imports", auth: enterprise, status: 403, code: "forbidden"},
		{name: "import read by non-admin", method: "GET", target: "/api/v1/imports/" + caseID, auth: ministry, status: 403, code: "forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req := httptest.NewRequest(c.method, c.target, body)
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("%s %s answered %d, want %d: %s", c.method, c.target, rec.Code, c.status, rec.Body.String())
			}
			if c.code != "" {
				var p Problem
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
					t.Fatalf("problem body: %v: %s", err, rec.Body.String())
				}
				if p.Code != c.code {
					t.Errorf("problem code = %q, want %q (%s)", p.Code, c.code, p.Detail)
				}
			}
			if err := CheckResponse(ctx, doc, req, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
				t.Error(err)
			}
		})
	}

	t.Run("served document", func(t *testing.T) {
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.yaml", nil))
		if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
			t.Errorf("Content-Type = %q, want application/yaml", ct)
		}
		if !slices.Equal(rec.Body.Bytes(), OpenAPIDocument()) {
			t.Error("the served document differs from OpenAPIDocument()")
		}
	})
}

// TestOpenAPICheckResponseRejects makes sure CheckResponse catches disagreements and names
// the request in its error.
func TestOpenAPICheckResponseRejects(t *testing.T) {
	ctx := context.Background()
	doc := loadTestOpenAPI(t)
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	problemHeader := http.Header{"Content-Type": {"application/problem+json"}}
	problem := `{"type":"https://certflow.example/problems/not_found","title":"Not Found","status":404,"code":"not_found","detail":"case not found"}`
	caseID := "0b9d3a52-8a3c-4f3e-9a51-2f8d8c1e7b10"

	cases := []struct {
		name   string
		method string
		target string
		status int
		header http.Header
		body   string
		want   string // a substring of the error
	}{
		{"wrong body", "GET", "/healthz", 200, jsonHeader, `{"status":"fine"}`, "GET /healthz → 200"},
		{"extra field", "GET", "/healthz", 200, jsonHeader, `{"status":"ok","uptime":3}`, "GET /healthz → 200"},
		{"undocumented status", "GET", "/healthz", 418, jsonHeader, `{}`, "GET /healthz → 418"},
		{"wrong content type", "GET", "/api/v1/cases/" + caseID, 404, jsonHeader, problem, "getCase"},
		{"problem missing code", "GET", "/api/v1/cases/" + caseID, 404, problemHeader,
			`{"type":"x","title":"Not Found","status":404,"detail":"case not found"}`, "GET /api/v1/cases/" + caseID + " → 404"},
		{"401 without challenge", "GET", "/api/v1/cases", 401, problemHeader,
			`{"type":"x","title":"Unauthorized","status":401,"code":"unauthenticated","detail":"no"}`, "WWW-Authenticate"},
		{"unknown path answered 200", "GET", "/api/v1/nothing", 200, jsonHeader, `{}`, "GET /api/v1/nothing → 200"},
		{"unknown path bad problem", "GET", "/api/v1/nothing", 404, jsonHeader, `not found`, "GET /api/v1/nothing → 404"},
		{"undocumented method answered 200", "PUT", "/api/v1/cases", 200, jsonHeader, `{}`, "PUT /api/v1/cases → 200"},
		{"empty 500", "GET", "/api/v1/cases", 500, http.Header{}, ``, "panic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, nil)
			err := CheckResponse(ctx, doc, req, c.status, c.header, []byte(c.body))
			if err == nil {
				t.Fatalf("CheckResponse accepted %s %s → %d %s", c.method, c.target, c.status, c.body)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}

	// A client-side request (absolute URL, as http.Client sends) is routed like a server-side one.
	req, err := http.NewRequest("GET", "http://127.0.0.1:8080/api/v1/cases/"+caseID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckResponse(ctx, doc, req, 404, problemHeader, []byte(problem)); err != nil {
		t.Errorf("client request: %v", err)
	}
	if err := CheckResponse(ctx, nil, req, 404, problemHeader, []byte(problem)); err == nil {
		t.Error("CheckResponse accepted a nil document")
	}
}

// TestOpenAPISchemasMatchGoTypes renders the handlers' response types as the handlers do and
// checks them against the document, so a field added to (or renamed in) a response type
// without documenting it fails here even before an integration test sees it.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	ctx := context.Background()
	doc := loadTestOpenAPI(t)
	now := time.Date(2026, 11, 21, 8, 30, 0, 123456789, time.UTC)
	due := now.Add(72 * time.Hour)
	uscc := testUSCC(t)
	const (
		caseID  = "0b9d3a52-8a3c-4f3e-9a51-2f8d8c1e7b10"
		pracID  = "6f1c2a9e-3b7d-4c58-8e2f-9d0a1b2c3d4e"
		evID    = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
		sha     = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
		decided = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
	)
	open := &store.Case{ID: caseID, Number: "REG-2026-000001", Type: string(domain.CaseRegistration),
		Stage: string(domain.StageProvincialReview), Status: string(domain.StatusOpen), Level: 1,
		Specialty: "建筑工程", EnterpriseUSCC: uscc, PractitionerID: pracID, Province: "21",
		AssigneeRole: string(domain.RoleProvincialReviewer), SLADueAt: &due, Version: 1, CreatedAt: now, UpdatedAt: now}
	closed := *open
	closed.Stage, closed.Status, closed.AssigneeRole, closed.SLADueAt = string(domain.StageClosed), string(domain.StatusApproved), "", nil

	ev := toEvidenceJSON(&store.Evidence{ID: evID, CaseID: caseID, Kind: "id_card", SHA256: sha, Size: 12345,
		ContentType: "application/pdf", Filename: "身份证.pdf", UploadedBy: "applicant-1", CreatedAt: now})
	detail := &caseDetail{caseSummary: summarize(open),
		Practitioner:     &partyJSON{ID: pracID, Name: "张三", IDNumberMasked: "2101**********1234"},
		Enterprise:       partyJSON{USCC: uscc, Name: "辽宁建工集团"},
		RequiredEvidence: []string{"id_card", "qualification_certificate", "labour_contract"},
		Evidence:         []evidenceJSON{ev},
		Events: []eventJSON{
			{Actor: "certflow", Action: "created", FromStage: "draft", ToStage: "draft", EvidenceIDs: []string{}, At: now},
			{Actor: "applicant-1", Role: "applicant", Action: "submit", FromStage: "draft", ToStage: "precheck",
				Comment: "", EvidenceIDs: []string{evID}, At: now},
		},
		AllowedActions: []domain.Action{domain.ActionApprove, domain.ActionReject, domain.ActionRequestSupplement},
	}
	fresh := &caseDetail{caseSummary: summarize(open), Practitioner: &partyJSON{ID: pracID, Name: "张三"},
		Enterprise: partyJSON{USCC: uscc, Name: "辽宁建工集团"}, RequiredEvidence: []string{},
		Evidence: []evidenceJSON{}, Events: []eventJSON{}, AllowedActions: []domain.Action{}}
	issued := &caseDetail{caseSummary: summarize(&closed), Practitioner: detail.Practitioner, Enterprise: detail.Enterprise,
		RequiredEvidence: detail.RequiredEvidence,
		Evidence:         detail.Evidence, Events: detail.Events, AllowedActions: []domain.Action{},
		Registration: &registrationJSON{Number: "辽121262600001", Level: 1, Specialty: "建筑工程",
			ValidFrom: "2026-11-21", ValidTo: "2031-11-20", Status: "active"}}
	prac := practitionerJSON{ID: pracID, IDNumberMasked: "2101**********1234", Name: "张三",
		Qualification: qualificationJSON{Level: 2, Specialty: "机电工程", CertificateNo: "CERT-1", ObtainedOn: "2020-05-01",
			EducationHours: 60}, CreatedAt: now}
	ent := &store.Enterprise{USCC: uscc, Name: "辽宁建工集团", ProvinceCode: "21", Qualification: "施工总承包一级",
		QualificationValid: true, CreatedAt: now}
	public := []store.PublicRegistration{{Name: "张三", IDNumberMasked: "2101**********1234", Category: "一级注册建造师",
		Level: 1, RegistrationNumber: "辽121262600001", Specialties: []string{"建筑工程", "市政公用工程"}, Enterprise: "辽宁建工集团",
		EnterpriseUSCC: uscc, ValidFrom: "2026-11-21", ValidTo: "2031-11-20", Status: "active"}}
	notice := noticeJSON{Number: "REG-2026-000001", Name: "张三", IDNumberMasked: "2101**********1234", Enterprise: "辽宁建工集团",
		EnterpriseUSCC: uscc, Category: "一级注册建造师", Level: 1, Specialty: "建筑工程", NoticeStart: now, NoticeEnd: due}
	supplementing := *open
	supplementing.Stage, supplementing.AssigneeRole, supplementing.SLAPaused, supplementing.SLAClock = "supplement", "applicant", true, "supplement"
	stuck := *open
	stuck.Stuck, stuck.SLAClock, stuck.Version = true, "review", 7

	running := toImportJSON(&store.Import{ID: caseID, Kind: "registrations", Status: store.ImportRunning,
		Filename: "registry.csv", Size: 1234, SHA256: sha, CreatedAt: now})
	finishedAt := now.Add(time.Minute)
	finished := toImportJSON(&store.Import{ID: caseID, Kind: "education", Status: store.ImportFailed, Filename: "edu.csv",
		Size: 99, SHA256: sha, RowsRead: 3, Imported: 1, Duplicates: 1, Rejected: 1,
		Errors:  []imports.RowError{{Line: 3, Code: imports.CodeBadHours, Message: "hours must be a whole number from 1 to 1000"}},
		Failure: "record_too_long: the record after line 4 is longer than 1048576 bytes", CreatedAt: now, FinishedAt: &finishedAt})
	hash, userPrac := "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", pracID
	newUser := toUserJSON(&store.User{ID: decided, Username: "zhang.san", DisplayName: "张三", Role: "applicant",
		PractitionerID: &userPrac, PhoneMasked: "138****8000", Status: "active", ActivationExpiresAt: &due, CreatedAt: now, UpdatedAt: now})
	activeUser := toUserJSON(&store.User{ID: caseID, Username: "li.na", DisplayName: "李娜", Role: "provincial_reviewer",
		ProvinceCode: "21", Status: "disabled", PasswordHash: &hash, CreatedAt: now, UpdatedAt: now})
	jsonHeader := func(extra ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	type response struct {
		name   string
		method string
		target string
		status int
		header http.Header
		value  any    // rendered as JSON
		raw    []byte // or sent as is
	}
	responses := []response{
		{"case created", "POST", "/api/v1/cases", 201, jsonHeader(), fresh, nil},
		{"case replayed", "POST", "/api/v1/cases", 201, jsonHeader("Idempotent-Replayed", "true"), detail, nil},
		{"case", "GET", "/api/v1/cases/" + caseID, 200, jsonHeader(), detail, nil},
		{"issued case", "GET", "/api/v1/cases/" + caseID, 200, jsonHeader(), issued, nil},
		{"case list", "GET", "/api/v1/cases?limit=2", 200, jsonHeader(),
			gin.H{"items": []caseSummary{summarize(open), summarize(&closed)}, "next_cursor": "MjAyNi0xMS0yMVQwODozMDowMFp8eA"}, nil},
		{"empty case list", "GET", "/api/v1/cases", 200, jsonHeader(), gin.H{"items": make([]caseSummary, 0), "next_cursor": ""}, nil},
		{"action", "POST", "/api/v1/cases/" + caseID + "/actions", 202, jsonHeader("Location", "/api/v1/cases/"+caseID),
			actionResponse{caseDetail: detail, Decision: decisionJSON{ID: decided, Action: domain.ActionApprove, AcceptedAt: now, Outcome: "pending"}}, nil},
		{"evidence uploaded", "POST", "/api/v1/cases/" + caseID + "/evidence", 201, jsonHeader(), ev, nil},
		{"evidence presigned", "GET", "/api/v1/cases/" + caseID + "/evidence/" + evID + "?presign=true", 200, jsonHeader(),
			gin.H{"url": "http://minio:9000/evidence/cases/x?X-Amz-Signature=abc", "expires_at": now.Add(5 * time.Minute)}, nil},
		{"evidence file", "GET", "/api/v1/cases/" + caseID + "/evidence/" + evID, 200,
			http.Header{"Content-Type": {"application/pdf"}, "Content-Disposition": {`attachment; filename="a.pdf"`}, "X-Content-Sha256": {sha}},
			nil, []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")},
		{"enterprise created", "POST", "/api/v1/enterprises", 201, jsonHeader(), ent, nil},
		{"enterprise", "GET", "/api/v1/enterprises/" + uscc, 200, jsonHeader(), ent, nil},
		{"practitioner created", "POST", "/api/v1/practitioners", 201, jsonHeader(), prac, nil},
		{"practitioner", "GET", "/api/v1/practitioners/" + pracID, 200, jsonHeader(), prac, nil},
		{"public registrations", "GET", "/api/v1/public/registrations?name=张三", 200, jsonHeader(), gin.H{"items": public}, nil},
		{"ready", "GET", "/readyz", 200, jsonHeader(), gin.H{"database": "ok", "temporal": "ok", "minio": "ok"}, nil},
		{"not ready", "GET", "/readyz", 503, jsonHeader("Retry-After", "5"), gin.H{"database": "ok", "temporal": "down", "minio": "ok"}, nil},
		{"practitioner list", "GET", "/api/v1/practitioners?name=张三", 200, jsonHeader(), gin.H{"items": []practitionerJSON{prac}, "next_cursor": ""}, nil},
		{"notices", "GET", "/api/v1/public/notices", 200, jsonHeader(), gin.H{"items": []noticeJSON{notice}, "next_cursor": "x"}, nil},
		{"objection", "POST", "/api/v1/public/notices/REG-2026-000001/objections", 202, jsonHeader(),
			gin.H{"decision": decisionJSON{ID: decided, Action: domain.ActionObject, AcceptedAt: now, Outcome: "recorded"},
				"number": "REG-2026-000001", "stage": "objection_review"}, nil},
		{"supplementing and stuck cases", "GET", "/api/v1/cases", 200, jsonHeader(),
			gin.H{"items": []caseSummary{summarize(&supplementing), summarize(&stuck)}, "next_cursor": ""}, nil},
		{"case with etag", "GET", "/api/v1/cases/" + caseID, 200, jsonHeader("ETag", etag(3)), detail, nil},
		{"database down", "POST", "/api/v1/cases", 503, http.Header{"Content-Type": {"application/problem+json"}, "Retry-After": {"5"}},
			Problem{Type: "https://certflow.example/problems/database_unavailable", Title: "Service Unavailable", Status: 503,
				Code: "database_unavailable", Detail: "the database certflow depends on is unavailable"}, nil},
		{"stale", "POST", "/api/v1/cases/" + caseID + "/actions", 412, http.Header{"Content-Type": {"application/problem+json"}},
			Problem{Type: "https://certflow.example/problems/stale_version", Title: "Precondition Failed", Status: 412,
				Code: "stale_version", Detail: "the case changed"}, nil},
		{"import started", "POST", "/api/v1/imports", 202, jsonHeader("Location", "/api/v1/imports/"+caseID), running, nil},
		{"import finished", "GET", "/api/v1/imports/" + caseID, 200, jsonHeader(), finished, nil},
		{"import list", "GET", "/api/v1/imports", 200, jsonHeader(), gin.H{"items": []importJSON{finished, running}, "next_cursor": ""}, nil},
		{"sweep started", "POST", "/api/v1/sweeps", 202, jsonHeader("Location", "/api/v1/sweeps/"+decided),
			toSweepJSON(&store.Sweep{ID: decided, AsOf: now, Status: "running", Trigger: "api", StartedAt: now}), nil},
		{"sweep", "GET", "/api/v1/sweeps/" + decided, 200, jsonHeader(), toSweepJSON(&store.Sweep{ID: decided, AsOf: now,
			Status: "succeeded", Trigger: "schedule", Scanned: 12, Reminders90: 3, Reminders30: 2, Reminders7: 1, Expired: 4,
			StartedAt: now, FinishedAt: &due}), nil},
		{"inbox with an expiry reminder", "GET", "/api/v1/notifications", 200, jsonHeader(), gin.H{"next_cursor": "", "items": []notificationJSON{
			toNotificationJSON(&store.InboxItem{ID: 2, Kind: "expiry_reminder_30", RegistrationNumber: "辽121262600001", Message: "m", At: now}),
			toNotificationJSON(&store.InboxItem{ID: 1, Kind: "sla_reminder", CaseID: caseID, Message: "m", At: now})}}, nil},
		{"user created", "POST", "/api/v1/users", 201, jsonHeader("Location", "/api/v1/users/"+decided),
			activationJSON{User: newUser, ActivationCode: "ABCDE-FGHJK-MNPQR-STVWX", ActivationExpiresAt: due}, nil},
		{"user changed", "PATCH", "/api/v1/users/" + decided, 200, jsonHeader(), activeUser, nil},
		{"user reset", "POST", "/api/v1/users/" + decided + "/reset", 200, jsonHeader(),
			activationJSON{User: newUser, ActivationCode: "ABCDE-FGHJK-MNPQR-STVWX", ActivationExpiresAt: due}, nil},
		{"user list", "GET", "/api/v1/users?role=applicant", 200, jsonHeader(), gin.H{"items": []userJSON{activeUser, newUser}, "next_cursor": ""}, nil},
		{"activated", "POST", "/api/v1/auth/activate", 204, http.Header{}, nil, []byte{}},
		{"first sign-in", "POST", "/api/v1/auth/login", 200, jsonHeader(), loginJSON{MFAToken: "tok", ExpiresIn: 300,
			Methods: []string{"totp"}, Enrollment: &enrollmentJSON{Secret: "JBSWY3DPEHPK3PXP", OTPAuthURL: "otpauth://totp/certflow:li.na?secret=JBSWY3DPEHPK3PXP"}}, nil},
		{"signed in", "POST", "/api/v1/auth/mfa", 200, jsonHeader("Cache-Control", "no-store"),
			tokensJSON{AccessToken: "a.b.c", RefreshToken: "r", TokenType: "Bearer", ExpiresIn: 900}, nil},
		{"logged out", "POST", "/api/v1/auth/logout", 204, http.Header{}, nil, []byte{}},
		{"sessions", "GET", "/api/v1/auth/sessions", 200, jsonHeader(), gin.H{"items": []sessionJSON{
			toSessionJSON(&store.Session{ID: caseID, Address: "10.0.0.7", CreatedAt: now, LastUsedAt: now}, caseID),
			toSessionJSON(&store.Session{ID: decided, Address: "10.0.0.8", CreatedAt: now, LastUsedAt: now, EndedAt: &due, EndReason: "logout"}, caseID)}}, nil},
		{"sessions ended", "DELETE", "/api/v1/users/" + decided + "/sessions", 204, http.Header{}, nil, []byte{}},
		{"jwks", "GET", "/.well-known/jwks.json", 200, jsonHeader("Cache-Control", "public, max-age=60"), gin.H{"keys": []JWK{
			{KTY: "OKP", CRV: "Ed25519", X: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", KID: "9f86d081884c7d65", Alg: "EdDSA", Use: "sig"}}}, nil},
		{"invalid input", "POST", "/api/v1/practitioners", 422, http.Header{"Content-Type": {"application/problem+json"}},
			Problem{Type: "https://certflow.example/problems/invalid_input", Title: "Unprocessable Entity", Status: 422,
				Code: "invalid_input", Detail: "name: is required", Errors: []FieldError{{"name", "is required"}}}, nil},
	}
	for _, r := range responses {
		t.Run(r.name, func(t *testing.T) {
			body := r.raw
			if r.value != nil {
				var err error
				if body, err = json.Marshal(r.value); err != nil {
					t.Fatal(err)
				}
			}
			req := httptest.NewRequest(r.method, r.target, nil)
			if err := CheckResponse(ctx, doc, req, r.status, r.header, body); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestOpenAPIEnumsMatchTheDefinitions keeps the document's case types, stages and actions the
// ones the case definitions use, so the contract follows the definitions.
func TestOpenAPIEnumsMatchTheDefinitions(t *testing.T) {
	doc := loadTestOpenAPI(t)
	enum := func(name string) []string {
		s := doc.Components.Schemas[name]
		if s == nil || s.Value == nil {
			t.Fatalf("no schema %s", name)
		}
		var out []string
		for _, v := range s.Value.Enum {
			out = append(out, fmt.Sprint(v))
		}
		sort.Strings(out)
		return out
	}
	var types, stages, actions []string
	for typ, def := range domain.Definitions {
		types = append(types, string(typ))
		for _, st := range def.Stages {
			if !slices.Contains(stages, string(st.Stage)) {
				stages = append(stages, string(st.Stage))
			}
			for _, r := range st.Rules() {
				if !slices.Contains(actions, string(r.Action)) {
					actions = append(actions, string(r.Action))
				}
			}
		}
	}
	for name, want := range map[string][]string{"CaseType": types, "Stage": stages, "Action": actions} {
		sort.Strings(want)
		if got := enum(name); !slices.Equal(got, want) {
			t.Errorf("OpenAPI %s enum %v, the definitions use %v", name, got, want)
		}
	}
}
