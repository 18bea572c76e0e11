package itest

import (
	"context"
	"testing"

	"certflow/audit"
)

// TestSignInEventsAreInTheAuditLog: a failed sign-in and an account created by an admin are
// recorded in the hash-chained audit log.
func TestSignInEventsAreInTheAuditLog(t *testing.T) {
	w := newWorld(t)
	name, password := activatedUser(t, w, map[string]any{"username": newUsername("aud"), "display_name": "审计", "role": "ministry_reviewer"})
	caller{t: t}.postJSON("/api/v1/auth/login", map[string]any{"username": name, "password": password + "x"}).problem(t, 401, "login_failed")
	for action, target := range map[string]string{audit.ActionLoginFailed: name, audit.ActionUserCreated: ""} {
		q := sys.Store.DB.NewSelect().Table("audit_log").Where("action = ?", action)
		if target != "" {
			q = q.Where("target LIKE ?", "%"+target+"%")
		}
		n, err := q.Count(context.Background())
		if err != nil || n == 0 {
			t.Fatalf("no %s event in the audit log (%v)", action, err)
		}
	}
}
