package itest

import (
	"encoding/json"
	"net/http"
	"sync"
)

// The hostile-input suite's fixtures for accounts.

var (
	userOnce sync.Once
	userID   string
)

// fixtureUser is an account the suite changes and resets, made once.
func fixtureUser(h *hostile) string {
	userOnce.Do(func() {
		body, _ := json.Marshal(userRequestBody())
		status, m, err := fixtureDo(http.MethodPost, "/api/v1/users", h.tokens["admin"], "application/json", body)
		if err != nil || status != http.StatusCreated {
			h.t.Errorf("creating the fixture user: %d %v %v", status, m, err)
			return
		}
		userID = m["user"].(map[string]any)["id"].(string)
	})
	return userID
}

// userRequestBody is a valid new account (a fresh username each time).
func userRequestBody() map[string]any {
	return map[string]any{"username": newUsername("hostile"), "display_name": "恶意输入测试用户",
		"role": "ministry_reviewer", "phone": "13912345678"}
}
