package itest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"certflow/domain"
)

var userSerial atomic.Int64

// newUsername is a username no other test uses.
func newUsername(prefix string) string {
	return fmt.Sprintf("%s.%d.%d", prefix, time.Now().UnixNano()%1e9, userSerial.Add(1))
}

// patchJSON sends v as a JSON PATCH.
func (c caller) patchJSON(path string, v any) response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(http.MethodPatch, path, "application/json", bytes.NewReader(b))
}

// createUser makes an account as the world's admin and returns its id and activation code.
func createUser(t *testing.T, admin caller, body map[string]any) (id, code string) {
	t.Helper()
	m := admin.postJSON("/api/v1/users", body).expect(t, 201).json(t)
	return m["user"].(map[string]any)["id"].(string), m["activation_code"].(string)
}

func activateBody(username, code, password string) map[string]any {
	return map[string]any{"username": username, "activation_code": code, "password": password}
}

func TestAccountsAreCreatedByAdminsAndActivatedOnce(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name := newUsername("li.na")
	m := w.admin.postJSON("/api/v1/users", map[string]any{"username": name, "display_name": "李娜", "role": "applicant",
		"practitioner_id": w.pracID, "phone": "13912345678"}).expect(t, 201).json(t)
	u := m["user"].(map[string]any)
	id, code := u["id"].(string), m["activation_code"].(string)
	if u["activated"] != false || u["phone_masked"] != "139****5678" || u["practitioner_id"] != w.pracID || u["status"] != "active" {
		t.Fatalf("created user: %v", u)
	}
	exp, err := time.Parse(time.RFC3339, m["activation_expires_at"].(string))
	if err != nil || exp.Sub(time.Now()) < 71*time.Hour || exp.Sub(time.Now()) > 73*time.Hour {
		t.Fatalf("activation expires at %v (%v), want in 72 h", m["activation_expires_at"], err)
	}
	// The phone is stored encrypted, the code hashed.
	var leaked int
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM users WHERE id = ? AND (position('13912345678' in encode(phone_enc, 'escape')) > 0
		OR activation_hash = ?)`, id, code).Scan(context.Background(), &leaked); err != nil || leaked != 0 {
		t.Fatalf("the phone or the activation code is stored in the clear (%d, %v)", leaked, err)
	}

	// Only admins manage accounts.
	for _, c := range []caller{w.ent, w.applicant, w.provincial, w.ministry, as(t, domain.RoleSupervisor, "sup-1")} {
		c.postJSON("/api/v1/users", map[string]any{"username": newUsername("x"), "display_name": "x", "role": "ministry_reviewer"}).
			problem(t, 403, "forbidden")
		c.get("/api/v1/users").problem(t, 403, "forbidden")
		c.patchJSON("/api/v1/users/"+id, map[string]any{"status": "disabled"}).problem(t, 403, "forbidden")
		c.postJSON("/api/v1/users/"+id+"/reset", map[string]any{}).problem(t, 403, "forbidden")
	}
	// Usernames are unique without case; one account per practitioner; a role needs its scope.
	w.admin.postJSON("/api/v1/users", map[string]any{"username": name, "display_name": "别人", "role": "ministry_reviewer"}).
		problem(t, 409, "conflict")
	w.admin.postJSON("/api/v1/users", map[string]any{"username": newUsername("other"), "display_name": "别人", "role": "applicant",
		"practitioner_id": w.pracID}).problem(t, 409, "conflict")
	for _, body := range []map[string]any{
		{"username": newUsername("e"), "display_name": "企业", "role": "enterprise"},
		{"username": newUsername("e"), "display_name": "企业", "role": "enterprise", "enterprise": newUSCC(t, "21")}, // unknown
		{"username": newUsername("p"), "display_name": "省厅", "role": "provincial_reviewer"},
		{"username": newUsername("m"), "display_name": "部", "role": "ministry_reviewer", "province": "21"},
		{"username": newUsername("a"), "display_name": "人", "role": "applicant", "practitioner_id": "00000000-0000-4000-8000-000000000000"},
		{"username": "Upper.Case", "display_name": "人", "role": "ministry_reviewer"},
		{"username": newUsername("r"), "display_name": "人", "role": "root"},
	} {
		w.admin.postJSON("/api/v1/users", body).problem(t, 422, "invalid_input")
	}
	createUser(t, w.admin, map[string]any{"username": newUsername("ent"), "display_name": "企业经办人", "role": "enterprise", "enterprise": w.uscc})

	// Activation: password rules first, then one answer for every mismatch.
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, "short")).problem(t, 422, "invalid_input")
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, name+"-secret")).problem(t, 422, "invalid_input")
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, "Password1234")).problem(t, 422, "invalid_input")
	refused := anon.postJSON("/api/v1/auth/activate", activateBody(name, "AAAAA-AAAAA-AAAAA-AAAAA", "correct horse battery"))
	refused.problem(t, 422, "activation_refused")
	unknown := anon.postJSON("/api/v1/auth/activate", activateBody(newUsername("nobody"), code, "correct horse battery"))
	unknown.problem(t, 422, "activation_refused")
	if !bytes.Equal(refused.Body, unknown.Body) {
		t.Fatalf("a wrong code and an unknown user are answered differently:\n%s\n%s", refused.Body, unknown.Body)
	}
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, "correct horse battery")).expect(t, 204)
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, "another horse battery")).problem(t, 422, "activation_refused")

	list := w.admin.get("/api/v1/users?role=applicant&limit=100").expect(t, 200).json(t)
	found := false
	for _, it := range list["items"].([]any) {
		if it := it.(map[string]any); it["id"] == id {
			found = it["activated"] == true && it["activation_expires_at"] == nil
		}
	}
	if !found {
		t.Fatalf("the activated user is not listed as activated: %v", list)
	}
	w.admin.get("/api/v1/users?status=gone").problem(t, 422, "invalid_input")

	// A reset gives a new code; the old password stops, the new code sets a new one.
	r := w.admin.postJSON("/api/v1/users/"+id+"/reset", map[string]any{}).expect(t, 200).json(t)
	if r["user"].(map[string]any)["activated"] != false || r["activation_code"] == code {
		t.Fatalf("reset: %v", r)
	}
	anon.postJSON("/api/v1/auth/activate", activateBody(name, code, "another horse battery")).problem(t, 422, "activation_refused")
	anon.postJSON("/api/v1/auth/activate", activateBody(name, r["activation_code"].(string), "another horse battery")).expect(t, 204)
	w.admin.postJSON("/api/v1/users/00000000-0000-4000-8000-000000000000/reset", map[string]any{}).problem(t, 404, "not_found")
}

func TestActivationCodesExpire(t *testing.T) {
	w := newWorld(t)
	name := newUsername("expired")
	id, code := createUser(t, w.admin, map[string]any{"username": name, "display_name": "过期", "role": "ministry_reviewer"})
	if _, err := sys.Store.DB.NewRaw("UPDATE users SET activation_expires_at = now() - interval '1 second' WHERE id = ?", id).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	caller{t: t}.postJSON("/api/v1/auth/activate", activateBody(name, code, "correct horse battery")).problem(t, 422, "activation_refused")
}

func TestAdminsChangeRolesButNotTheirOwn(t *testing.T) {
	w := newWorld(t)
	adminName := newUsername("admin")
	adminID, _ := createUser(t, w.admin, map[string]any{"username": adminName, "display_name": "管理员", "role": "admin"})
	self := as(t, domain.RoleAdmin, adminName)
	self.patchJSON("/api/v1/users/"+adminID, map[string]any{"role": "supervisor"}).problem(t, 403, "forbidden")
	as(t, domain.RoleAdmin, adminID).patchJSON("/api/v1/users/"+adminID, map[string]any{"role": "supervisor"}).problem(t, 403, "forbidden")
	// Their own display name they may change.
	self.patchJSON("/api/v1/users/"+adminID, map[string]any{"display_name": "管理员甲"}).expect(t, 200)

	id, _ := createUser(t, w.admin, map[string]any{"username": newUsername("rev"), "display_name": "审核员", "role": "ministry_reviewer"})
	// A provincial reviewer needs a province; the role and scope change together.
	self.patchJSON("/api/v1/users/"+id, map[string]any{"role": "provincial_reviewer"}).problem(t, 422, "invalid_input")
	u := self.patchJSON("/api/v1/users/"+id, map[string]any{"role": "provincial_reviewer", "province": "21"}).expect(t, 200).json(t)
	if u["role"] != "provincial_reviewer" || u["province"] != "21" {
		t.Fatalf("changed user: %v", u)
	}
	self.patchJSON("/api/v1/users/"+id, map[string]any{"role": "ministry_reviewer"}).problem(t, 422, "invalid_input") // province left
	u = self.patchJSON("/api/v1/users/"+id, map[string]any{"role": "ministry_reviewer", "province": "", "status": "disabled"}).expect(t, 200).json(t)
	if u["role"] != "ministry_reviewer" || u["province"] != "" || u["status"] != "disabled" {
		t.Fatalf("changed user: %v", u)
	}
	self.patchJSON("/api/v1/users/"+id, map[string]any{"status": "gone"}).problem(t, 422, "invalid_input")
	self.patchJSON("/api/v1/users/"+id, map[string]any{"role": nil}).problem(t, 422, "invalid_input")
	self.patchJSON("/api/v1/users/not-a-uuid", map[string]any{"status": "active"}).problem(t, 404, "not_found")
}
