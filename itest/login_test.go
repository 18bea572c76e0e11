package itest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"certflow/account"
)

// activatedUser creates and activates an account and returns its username and password.
func activatedUser(t *testing.T, w *world, body map[string]any) (username, password string) {
	t.Helper()
	username, password = body["username"].(string), "correct horse battery staple"
	_, code := createUser(t, w.admin, body)
	caller{t: t}.postJSON("/api/v1/auth/activate", activateBody(username, code, password)).expect(t, 204)
	return username, password
}

// totpAt is the code of a secret at a time.
func totpAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := account.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestSignInWithTOTPRefreshAndLogout(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("applicant"), "display_name": "李娜",
		"role": "applicant", "practitioner_id": w.pracID})

	// First sign-in: enrolment.
	m := anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).expect(t, 200).json(t)
	enrol, _ := m["enrollment"].(map[string]any)
	if enrol == nil || m["mfa_token"] == "" {
		t.Fatalf("first sign-in: %v", m)
	}
	secret, mfaToken := enrol["secret"].(string), m["mfa_token"].(string)
	now := time.Now()
	anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": mfaToken, "code": "000000"}).problem(t, 401, "mfa_failed")
	tok := anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": mfaToken, "code": totpAt(t, secret, now)}).expect(t, 200).json(t)
	access := caller{t: t, token: tok["access_token"].(string)}
	// The access token works on the existing endpoints with the applicant's scope.
	access.get("/api/v1/practitioners/"+w.pracID).expect(t, 200)
	access.get("/api/v1/cases?limit=5").expect(t, 200)
	// The mfa_token completed its sign-in; it completes no other.
	anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": mfaToken, "code": totpAt(t, secret, now)}).problem(t, 401, "mfa_failed")

	// Second sign-in: no enrolment, and the code just used is refused (replay).
	m = anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).expect(t, 200).json(t)
	if m["enrollment"] != nil {
		t.Fatalf("a second enrolment: %v", m)
	}
	second := m["mfa_token"].(string)
	anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": second, "code": totpAt(t, secret, now)}).problem(t, 401, "mfa_failed")
	tok2 := anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": second, "code": totpAt(t, secret, now.Add(30*time.Second))}).
		expect(t, 200).json(t)

	// Refresh rotates; a spent refresh token used again ends the whole session.
	r1 := tok["refresh_token"].(string)
	n := anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": r1}).expect(t, 200).json(t)
	caller{t: t, token: n["access_token"].(string)}.get("/api/v1/cases?limit=1").expect(t, 200)
	anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": r1}).problem(t, 401, "refresh_reused")
	anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": n["refresh_token"]}).problem(t, 401, "invalid_refresh_token")

	// Logout ends the other session: its refresh token stops.
	caller{t: t, token: tok2["access_token"].(string)}.postJSON("/api/v1/auth/logout", map[string]any{}).expect(t, 204)
	anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": tok2["refresh_token"]}).problem(t, 401, "invalid_refresh_token")
	// A certflow token has no session to end.
	w.admin.send("POST", "/api/v1/auth/logout", "", nil).expect(t, 204)
}

func TestSignInRefusalsAreAlike(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("rev"), "display_name": "审核员", "role": "ministry_reviewer"})
	wrong := anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password + "x"})
	wrong.problem(t, 401, "login_failed")
	unknown := anon.postJSON("/api/v1/auth/login", map[string]any{"username": newUsername("nobody"), "password": password})
	unknown.problem(t, 401, "login_failed")
	if !bytes.Equal(wrong.Body, unknown.Body) {
		t.Fatalf("a wrong password and an unknown user are answered differently:\n%s\n%s", wrong.Body, unknown.Body)
	}
	// Not yet activated.
	pending := newUsername("pending")
	createUser(t, w.admin, map[string]any{"username": pending, "display_name": "未激活", "role": "ministry_reviewer"})
	if r := anon.postJSON("/api/v1/auth/login", map[string]any{"username": pending, "password": password}); !bytes.Equal(r.Body, unknown.Body) {
		t.Fatalf("an account not activated is answered differently: %s", r.Body)
	}
	// Five wrong codes end a sign-in.
	m := anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).expect(t, 200).json(t)
	secret := m["enrollment"].(map[string]any)["secret"].(string)
	for i := 0; i < 3; i++ {
		anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": m["mfa_token"], "code": "12345" + string(rune('0'+i))}).problem(t, 401, "mfa_failed")
	}
	// The wrong password above and four wrong codes are five failures of the username: locked.
	anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": m["mfa_token"], "code": "123459"}).problem(t, 429, "locked")
	anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": m["mfa_token"], "code": totpAt(t, secret, time.Now())}).problem(t, 429, "locked")
}

func TestDisabledUserLosesRefresh(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("prov"), "display_name": "省厅审核员",
		"role": "provincial_reviewer", "province": "21"})
	m := anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).expect(t, 200).json(t)
	secret := m["enrollment"].(map[string]any)["secret"].(string)
	tok := anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": m["mfa_token"], "code": totpAt(t, secret, time.Now())}).expect(t, 200).json(t)
	if tok["expires_in"] != float64(900) || tok["token_type"] != "Bearer" {
		t.Fatalf("tokens: %v", tok)
	}
	var id string
	if err := sys.Store.DB.NewRaw("SELECT id::text FROM users WHERE username = ?", name).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	w.admin.patchJSON("/api/v1/users/"+id, map[string]any{"status": "disabled"}).expect(t, 200)
	anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": tok["refresh_token"]}).problem(t, 401, "invalid_refresh_token")
	anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).problem(t, 401, "login_failed")
	// Enabled again, the ended session stays ended.
	w.admin.patchJSON("/api/v1/users/"+id, map[string]any{"status": "active"}).expect(t, 200)
	anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": tok["refresh_token"]}).problem(t, 401, "invalid_refresh_token")
}

// signIn signs an activated account in (enrolling at the first sign-in) with the code of at and
// returns the tokens and the TOTP secret.
func signIn(t *testing.T, name, password, secret string, at time.Time) (map[string]any, string) {
	t.Helper()
	anon := caller{t: t}
	m := anon.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password}).expect(t, 200).json(t)
	if e, ok := m["enrollment"].(map[string]any); ok {
		secret = e["secret"].(string)
	}
	tok := anon.postJSON("/api/v1/auth/mfa", map[string]any{"mfa_token": m["mfa_token"], "code": totpAt(t, secret, at)}).expect(t, 200).json(t)
	return tok, secret
}

func TestSessionsAreListedAndEndedByAdmins(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("sup"), "display_name": "监督员", "role": "supervisor"})
	now := time.Now()
	first, secret := signIn(t, name, password, "", now)
	second, _ := signIn(t, name, password, secret, now.Add(30*time.Second))
	me := caller{t: t, token: second["access_token"].(string)}
	items := me.get("/api/v1/auth/sessions").expect(t, 200).json(t)["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["current"] != true || items[1].(map[string]any)["current"] != false {
		t.Fatalf("sessions: %v", items)
	}
	if got := w.admin.get("/api/v1/auth/sessions").expect(t, 200).json(t)["items"].([]any); len(got) != 0 {
		t.Fatalf("a certflow token lists sessions: %v", got)
	}
	var id string
	if err := sys.Store.DB.NewRaw("SELECT id::text FROM users WHERE username = ?", name).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	me.send("DELETE", "/api/v1/users/"+id+"/sessions", "", nil).problem(t, 403, "forbidden")
	w.admin.send("DELETE", "/api/v1/users/"+id+"/sessions", "", nil).expect(t, 204)
	w.admin.send("DELETE", "/api/v1/users/00000000-0000-4000-8000-000000000000/sessions", "", nil).problem(t, 404, "not_found")
	for _, tok := range []map[string]any{first, second} {
		anon.postJSON("/api/v1/auth/refresh", map[string]any{"refresh_token": tok["refresh_token"]}).problem(t, 401, "invalid_refresh_token")
	}
	for _, it := range me.get("/api/v1/auth/sessions").expect(t, 200).json(t)["items"].([]any) {
		if it := it.(map[string]any); it["end_reason"] != "ended_by_admin" || it["ended_at"] == nil {
			t.Fatalf("session not ended by the admin: %v", it)
		}
	}
}

func TestLockoutAnswersAlikeForUnknownUsers(t *testing.T) {
	w := newWorld(t)
	anon := caller{t: t}
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("locked"), "display_name": "被锁", "role": "ministry_reviewer"})
	unknown := newUsername("ghost")
	var locked [2]response
	for k, user := range []string{name, unknown} {
		for i := 0; i < 4; i++ {
			anon.postJSON("/api/v1/auth/login", map[string]any{"username": user, "password": "wrong horse battery"}).problem(t, 401, "login_failed")
		}
		locked[k] = anon.postJSON("/api/v1/auth/login", map[string]any{"username": user, "password": "wrong horse battery"})
		locked[k].problem(t, 429, "locked")
		if ra, err := strconv.Atoi(locked[k].Header.Get("Retry-After")); err != nil || ra < 890 || ra > 900 {
			t.Fatalf("Retry-After %q, want about 900 s", locked[k].Header.Get("Retry-After"))
		}
	}
	if !bytes.Equal(locked[0].Body, locked[1].Body) {
		t.Fatalf("a locked account and an unknown username are answered differently:\n%s\n%s", locked[0].Body, locked[1].Body)
	}
	// Locked, even the right password is refused, in any case of the username.
	anon.postJSON("/api/v1/auth/login", map[string]any{"username": strings.ToUpper(name), "password": password}).problem(t, 429, "locked")
}

func TestSignInRequestsAreRateLimitedPerAddress(t *testing.T) {
	srv := *sys.API
	srv.AuthRateLimit = 3
	ts := httptest.NewServer(srv.Router())
	defer ts.Close()
	// A client address of its own (any of 127/8 is this machine), so no other test counts on it.
	ip := net.IPv4(127, byte(1+rand.IntN(250)), byte(rand.IntN(256)), byte(1+rand.IntN(250)))
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext}}
	body := `{"username":"` + newUsername("flood") + `","password":"x"}`
	var last *http.Response
	for i := 0; i < 4; i++ {
		resp, err := client.Post(ts.URL+"/api/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if i < 3 && resp.StatusCode != 401 {
			t.Fatalf("request %d: %d, want 401", i+1, resp.StatusCode)
		}
		last = resp
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("the 4th request in a minute: %d Retry-After %q, want 429 with Retry-After", last.StatusCode, last.Header.Get("Retry-After"))
	}
	// The forwarded-for header of a client is not believed.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 {
		t.Fatalf("with X-Forwarded-For: %d, want 429", resp.StatusCode)
	}
}
