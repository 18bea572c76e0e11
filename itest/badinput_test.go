package itest

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"certflow/domain"
)

// count returns the rows of a table, to prove nothing partial was written.
func count(t *testing.T, table string) int {
	t.Helper()
	n, err := sys.Store.DB.NewSelect().TableExpr(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// objects counts the evidence objects stored under a case.
func objects(t *testing.T, caseID string) int {
	t.Helper()
	n, err := sys.Evidence.Count(context.Background(), "cases/"+caseID+"/")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBadInputIsRefusedClearlyAndLeavesNothing(t *testing.T) {
	w := newWorld(t)
	good := newResidentID(t)
	badCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	enterprises, practitioners := count(t, "enterprises"), count(t, "practitioners")

	t.Run("resident ID check character", func(t *testing.T) {
		w.ent.postJSON("/api/v1/practitioners", practitionerBody(badCheck)).problem(t, 422, "invalid_input")
	})
	t.Run("impossible birth date", func(t *testing.T) {
		first17 := "21010219990230123" // 30 February
		w.ent.postJSON("/api/v1/practitioners", practitionerBody(first17+"X")).problem(t, 422, "invalid_input")
	})
	t.Run("credit code check character", func(t *testing.T) {
		u := newUSCC(t, "21")
		bad := u[:17] + map[bool]string{true: "1", false: "0"}[u[17] == '0']
		r := w.admin.postJSON("/api/v1/enterprises", map[string]any{"uscc": bad, "name": "坏公司", "province_code": "21", "qualification": "x"})
		r.problem(t, 422, "invalid_input")
		if !strings.Contains(string(r.Body), "uscc") {
			t.Fatalf("error does not name the field: %s", r.Body)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		w.ent.send(http.MethodPost, "/api/v1/practitioners", "application/json", strings.NewReader(`{"id_number": `)).problem(t, 400, "malformed_json")
		w.ent.send(http.MethodPost, "/api/v1/practitioners", "application/json", strings.NewReader(`{"id_number": 5}`)).problem(t, 400, "malformed_json")
		w.ent.send(http.MethodPost, "/api/v1/practitioners", "application/json", strings.NewReader(`{"surprise": true}`)).problem(t, 400, "malformed_json")
	})
	t.Run("missing and forged tokens", func(t *testing.T) {
		(caller{t: t}).get("/api/v1/cases").problem(t, 401, "unauthenticated")
		(caller{t: t, token: "not.a.jwt"}).get("/api/v1/cases").problem(t, 401, "invalid_token")
		forged := w.ent.token[:len(w.ent.token)-4] + "AAAA"
		(caller{t: t, token: forged}).get("/api/v1/cases").problem(t, 401, "invalid_token")
	})
	t.Run("enterprise not in the registry", func(t *testing.T) {
		ghost := as(t, domain.RoleEnterprise, "ghost", enterprise(newUSCC(t, "21")))
		ghost.postJSON("/api/v1/practitioners", practitionerBody(newResidentID(t))).problem(t, 403, "enterprise_not_registered")
	})
	t.Run("wrong role", func(t *testing.T) {
		w.ent.postJSON("/api/v1/enterprises", map[string]any{"uscc": newUSCC(t, "21"), "name": "x", "province_code": "21", "qualification": "x"}).problem(t, 403, "forbidden")
	})
	if count(t, "enterprises") != enterprises || count(t, "practitioners") != practitioners {
		t.Fatal("a refused request left a record behind")
	}

	c := w.fileCase(t, w.ent, "")
	id := c["id"].(string)
	evidenceRows := count(t, "evidence")
	t.Run("wrong file type", func(t *testing.T) {
		w.ent.upload(id, "id_card", "id.pdf", []byte("this is plain text pretending to be a PDF")).problem(t, 415, "unsupported_file_type")
		w.ent.upload(id, "id_card", "zip.pdf", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 600)...)).problem(t, 415, "unsupported_file_type")
	})
	t.Run("oversize file", func(t *testing.T) {
		w.ent.upload(id, "id_card", "big.pdf", pdfBytes(maxUpload+1)).problem(t, 413, "file_too_large")
	})
	t.Run("unknown evidence kind", func(t *testing.T) {
		w.ent.upload(id, "selfie", "a.png", pngBytes(t)).problem(t, 422, "invalid_input")
	})
	if count(t, "evidence") != evidenceRows || objects(t, id) != 0 {
		t.Fatalf("a refused upload left a record (%d→%d rows) or an object (%d)", evidenceRows, count(t, "evidence"), objects(t, id))
	}
	t.Run("bad presign flag", func(t *testing.T) {
		ev := w.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201).json(t)
		w.ent.get("/api/v1/cases/"+id+"/evidence/"+ev["id"].(string)+"?presign=maybe").problem(t, 422, "invalid_input")
	})
	t.Run("unknown action", func(t *testing.T) {
		w.ent.act(id, "bribe", "").problem(t, 422, "unknown_action")
	})
	t.Run("action in the wrong stage", func(t *testing.T) {
		w.provincial.act(id, domain.ActionApprove, "").problem(t, 409, "wrong_stage")
	})
	t.Run("closed case", func(t *testing.T) {
		w.ent.act(id, domain.ActionWithdraw, "").expect(t, 202)
		w.ent.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
		w.ent.act(id, domain.ActionSubmit, "").problem(t, 409, "case_closed")
	})
}
