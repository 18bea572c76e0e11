package itest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"certflow/domain"
	"certflow/workflows"
)

// TestPoisonTextIsRefusedAtTheEdge: text the database or a reader would choke on is refused
// with 422 naming the field, wherever it comes in, and nothing is written.
func TestPoisonTextIsRefusedAtTheEdge(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	rows := count(t, "practitioners") + count(t, "enterprises") + count(t, "case_events")
	raw := func(c caller, path, body string) response {
		return c.send(http.MethodPost, path, "application/json", strings.NewReader(body))
	}
	for name, r := range map[string]response{
		"comment NUL":          raw(w.ent, "/api/v1/cases/"+id+"/actions", `{"action":"withdraw","comment":"x\u0000"}`),
		"comment invalid UTF8": raw(w.ent, "/api/v1/cases/"+id+"/actions", "{\"action\":\"withdraw\",\"comment\":\"x\xff\"}"),
		"comment surrogate":    raw(w.ent, "/api/v1/cases/"+id+"/actions", `{"action":"withdraw","comment":"\udc00"}`),
		"name NUL":             raw(w.ent, "/api/v1/practitioners", `{"id_number":"`+newResidentID(t)+`","name":"王\u0000芳"}`),
		"name invalid UTF8":    raw(w.ent, "/api/v1/practitioners", "{\"name\":\"\xc3\x28\"}"),
		"enterprise name NUL":  raw(w.admin, "/api/v1/enterprises", `{"uscc":"`+newUSCC(t, "21")+`","name":"公司\u0000","province_code":"21","qualification":"x"}`),
		"enterprise name long": raw(w.admin, "/api/v1/enterprises", `{"uscc":"`+newUSCC(t, "21")+`","name":"`+strings.Repeat("长", 201)+`","province_code":"21","qualification":"x"}`),
	} {
		t.Run(name, func(t *testing.T) {
			r.problem(t, 422, "invalid_input")
			if len(r.json(t)["errors"].([]any)) == 0 {
				t.Fatalf("no field named: %s", r.Body)
			}
		})
	}
	(caller{t: t}).get("/api/v1/public/registrations?name=%00").problem(t, 422, "invalid_input")
	(caller{t: t}).get("/api/v1/public/registrations?name=%ff").problem(t, 422, "invalid_input")
	w.ent.get("/api/v1/enterprises/%00").problem(t, 422, "invalid_input")
	w.ent.get("/api/v1/cases?cursor=%00").problem(t, 422, "invalid_input")
	w.ent.send(http.MethodPost, "/api/v1/cases", "application/json", strings.NewReader(`{}`), "Idempotency-Key", "k\xff").
		problem(t, 422, "invalid_input")
	if after := count(t, "practitioners") + count(t, "enterprises") + count(t, "case_events"); after != rows {
		t.Fatalf("refused requests wrote %d rows", after-rows)
	}
	// The case is alive: a clean withdraw goes through.
	w.ent.act(id, domain.ActionWithdraw, "").expect(t, 202)
	w.ent.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
}

// TestPoisonDecisionReachingTheWorkflowDoesNotFreezeTheCase signals a decision with a NUL
// comment straight to the workflow (as a signal accepted before this check existed would
// arrive): the workflow refuses and records it, and the case still moves.
func TestPoisonDecisionReachingTheWorkflowDoesNotFreezeTheCase(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created", func(m map[string]any) bool { return len(m["events"].([]any)) >= 1 })
	p := domain.Principal{Subject: "ent-user-" + w.uscc, Role: domain.RoleEnterprise, Enterprise: w.uscc}
	poison := workflows.Decision{ID: "9b2e6f0c-0000-4000-8000-000000000001", Action: domain.ActionWithdraw,
		Principal: p, Comment: "x\x00y", At: time.Now().UTC()}
	if err := sys.Temporal.SignalWorkflow(context.Background(), id, "", workflows.SignalDecision, poison); err != nil {
		t.Fatal(err)
	}
	c := w.ent.waitCase(id, "poison refused", func(m map[string]any) bool {
		for _, e := range m["events"].([]any) {
			if e.(map[string]any)["action"] == "refused_withdraw" {
				return true
			}
		}
		return false
	})
	if c["status"] != "open" || c["stuck"] == true {
		t.Fatalf("case after the poison decision: %v", summary(c))
	}
	w.ent.act(id, domain.ActionWithdraw, "").expect(t, 202)
	w.ent.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
	recordHistory(t, id, "registration_poison_decision_refused")
}

// TestOversizeUploadWithoutExpectGets413: a client that sends its whole oversize body before
// reading (no Expect: 100-continue) reads a 413, not a reset connection.
func TestOversizeUploadWithoutExpectGets413(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", "id_card")
	fw, _ := mw.CreateFormFile("file", "big.pdf")
	_, _ = fw.Write(pdfBytes(3 * maxUpload))
	_ = mw.Close()
	u, _ := url.Parse(sys.Server.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /api/v1/cases/%s/evidence HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		id, u.Host, w.ent.token, mw.FormDataContentType(), body.Len())
	if _, err := io.Copy(conn, &body); err != nil {
		t.Fatalf("the server cut the upload off before the client could read the answer: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the oversize upload: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	if objects(t, id) != 0 {
		t.Fatal("an oversize upload left an object")
	}
}

// TestTruncatedMultipartIs400: a multipart body that ends in the middle of the file.
func TestTruncatedMultipartIs400(t *testing.T) {
	w := newWorld(t)
	id := w.fileCase(t, w.ent, "")["id"].(string)
	rows := count(t, "evidence")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", "id_card")
	fw, _ := mw.CreateFormFile("file", "cut.pdf")
	_, _ = fw.Write(pdfBytes(5000))
	_ = mw.Close()
	cut := body.Bytes()[:body.Len()-200]
	w.ent.send(http.MethodPost, "/api/v1/cases/"+id+"/evidence", mw.FormDataContentType(), bytes.NewReader(cut)).
		problem(t, 400, "invalid_multipart")
	// A control character in an RFC 2231 file name (a raw one is refused by the parser: 400).
	body.Reset()
	mw = multipart.NewWriter(&body)
	_ = mw.WriteField("kind", "id_card")
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="file"; filename*=UTF-8''bad%01name.pdf`}})
	_, _ = pw.Write(pdfBytes(300))
	_ = mw.Close()
	w.ent.send(http.MethodPost, "/api/v1/cases/"+id+"/evidence", mw.FormDataContentType(), &body).problem(t, 422, "invalid_input")
	if count(t, "evidence") != rows || objects(t, id) != 0 {
		t.Fatal("a refused upload left a record or an object")
	}
}
