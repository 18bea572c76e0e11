package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"certflow/account"
	"certflow/domain"
	"certflow/store"
)

// challengeTTL is how long a sign-in waits for its second factor.
const challengeTTL = 5 * time.Minute

// totpIssuer names certflow in authenticator apps.
const totpIssuer = "certflow"

// dummyHash is verified against when the username is unknown, so such a sign-in costs what a
// wrong password costs.
var dummyHash, _ = account.HashPassword("certflow timing equaliser")

// newSecretToken makes a random opaque token (256 bits, base64url) and its stored hash.
func newSecretToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is the stored form of an opaque token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type loginRequest struct {
	Username string `json:"username" maxlen:"64"`
	Password string `json:"password" maxlen:"128"`
}

type enrollmentJSON struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

type loginJSON struct {
	MFAToken   string          `json:"mfa_token"`
	ExpiresIn  int             `json:"expires_in"`
	Methods    []string        `json:"methods"`
	Enrollment *enrollmentJSON `json:"enrollment,omitempty"`
}

// loginFailed answers every refused sign-in alike.
func loginFailed(c *gin.Context) {
	fail(c, http.StatusUnauthorized, "login_failed", "the username or password is wrong, or the account may not sign in")
}

// login checks a username and password and starts a sign-in that a second factor completes: an
// mfa_token (5 minutes) and, at the first sign-in, a TOTP secret to enrol.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if !bindJSON(c, &req) {
		return
	}
	if !s.checkLockout(c, req.Username) {
		return
	}
	ctx := c.Request.Context()
	u, err := s.Store.UserByUsername(ctx, req.Username)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.internal(c, err)
		return
	}
	hash := dummyHash
	if err == nil && u.PasswordHash != nil {
		hash = *u.PasswordHash
	}
	ok, verr := account.VerifyPassword(hash, req.Password)
	if err != nil || u.PasswordHash == nil || verr != nil || !ok || u.Status != store.UserActive {
		s.audit(c, SecurityEvent{Action: "login_failed", Target: req.Username, Outcome: "failure"})
		if !s.countFailure(c, req.Username) {
			loginFailed(c)
		}
		return
	}
	token, tokenHash, err := newSecretToken()
	if err != nil {
		s.internal(c, err)
		return
	}
	ch := &store.LoginChallenge{UserID: u.ID, TokenHash: tokenHash, ExpiresAt: s.Now().Add(challengeTTL)}
	resp := loginJSON{MFAToken: token, ExpiresIn: int(challengeTTL / time.Second), Methods: []string{"totp"}}
	if u.TOTPSecretEnc == nil {
		secret, url, err := account.NewTOTP(totpIssuer, u.Username)
		if err != nil {
			s.internal(c, err)
			return
		}
		if ch.EnrolSecretEnc, err = s.Store.Sealer.Seal(secret); err != nil {
			s.internal(c, err)
			return
		}
		resp.Enrollment = &enrollmentJSON{Secret: secret, OTPAuthURL: url}
	}
	if err := s.Store.CreateChallenge(ctx, ch); err != nil {
		s.internal(c, err)
		return
	}
	s.audit(c, SecurityEvent{Action: "password_accepted", Target: u.ID, Outcome: "success"})
	c.JSON(http.StatusOK, resp)
}

type mfaRequest struct {
	MFAToken string `json:"mfa_token" maxlen:"64"`
	Code     string `json:"code" maxlen:"16"`
}

type tokensJSON struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// mfaFailed answers every refused second factor alike.
func mfaFailed(c *gin.Context) {
	fail(c, http.StatusUnauthorized, "mfa_failed",
		"the code is wrong or used already, or the sign-in has expired (5 minutes, 5 wrong codes); sign in again")
}

// mfa completes a sign-in with a TOTP code (each code is accepted once) and answers an access
// token and a refresh token of a new session.
func (s *Server) mfa(c *gin.Context) {
	var req mfaRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	ch, u, err := s.Store.OpenChallenge(ctx, hashToken(req.MFAToken), s.Now())
	if errors.Is(err, store.ErrNotFound) {
		mfaFailed(c)
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	if !s.checkLockout(c, u.Username) {
		return
	}
	sealed := u.TOTPSecretEnc
	if ch.EnrolSecretEnc != nil {
		sealed = ch.EnrolSecretEnc
	}
	secret, err := s.Store.Sealer.Open(sealed)
	if err != nil {
		s.internal(c, err)
		return
	}
	step, ok := account.VerifyTOTP(secret, req.Code, s.Now())
	if ok {
		if ok, err = s.Store.UseTOTPStep(ctx, u.ID, step); err != nil {
			s.internal(c, err)
			return
		}
	}
	if !ok || u.Status != store.UserActive {
		if err := s.Store.FailChallenge(ctx, ch.ID); err != nil {
			s.internal(c, err)
			return
		}
		s.audit(c, SecurityEvent{Action: "mfa_failed", Target: u.ID, Outcome: "failure"})
		if !s.countFailure(c, u.Username) {
			mfaFailed(c)
		}
		return
	}
	refresh, refreshHash, err := newSecretToken()
	if err != nil {
		s.internal(c, err)
		return
	}
	se, err := s.Store.CompleteLogin(ctx, ch, c.ClientIP(), refreshHash)
	if errors.Is(err, store.ErrSpent) {
		mfaFailed(c)
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	if err := s.Store.ClearEvents(ctx, lockoutKey(u.Username)); err != nil {
		s.internal(c, err)
		return
	}
	if ch.EnrolSecretEnc != nil {
		s.audit(c, SecurityEvent{Action: "mfa_enrolled", Target: u.ID, Outcome: "success", Detail: "totp"})
	}
	s.audit(c, SecurityEvent{Action: "login", Target: u.ID, Outcome: "success", Detail: "session " + se.ID})
	s.answerTokens(c, u, se.ID, refresh)
}

// answerTokens signs an access token for a user's session and answers it with the refresh token.
func (s *Server) answerTokens(c *gin.Context, u *store.User, sessionID, refresh string) {
	claims := Claims{Role: domain.Role(u.Role), Enterprise: u.EnterpriseUSCC, Province: u.ProvinceCode, Session: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{Subject: u.ID}}
	if u.PractitionerID != nil {
		p, err := s.Store.GetPractitioner(c.Request.Context(), *u.PractitionerID, store.Scope{All: true})
		if err != nil {
			s.internal(c, err)
			return
		}
		claims.Practitioner = p.IDNumberIndex
	}
	ttl := s.AccessTokenTTL
	if ttl <= 0 {
		ttl = DefaultAccessTokenTTL
	}
	if s.Keys == nil {
		s.internal(c, ErrNoSigningKey)
		return
	}
	access, err := s.Keys.Sign(c.Request.Context(), claims, ttl)
	if err != nil {
		s.internal(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, tokensJSON{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(ttl / time.Second)})
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" maxlen:"64"`
}

// refresh spends a refresh token for a new access token and refresh token of the same session.
// A refresh token used twice ends its session; a locked or disabled account's session ends.
func (s *Server) refresh(c *gin.Context) {
	var req refreshRequest
	if !bindJSON(c, &req) {
		return
	}
	next, nextHash, err := newSecretToken()
	if err != nil {
		s.internal(c, err)
		return
	}
	u, se, err := s.Store.RotateRefresh(c.Request.Context(), hashToken(req.RefreshToken), nextHash)
	switch {
	case errors.Is(err, store.ErrSpent):
		s.audit(c, SecurityEvent{Action: "refresh_reused", Target: se.ID, Outcome: "failure", Detail: "session ended"})
		fail(c, http.StatusUnauthorized, "refresh_reused", "this refresh token was used before, so its session has ended; sign in again")
		return
	case errors.Is(err, store.ErrSessionEnded), errors.Is(err, store.ErrNotFound):
		fail(c, http.StatusUnauthorized, "invalid_refresh_token", "the refresh token is unknown or its session has ended; sign in again")
		return
	case err != nil:
		s.internal(c, err)
		return
	}
	s.answerTokens(c, u, se.ID, next)
}

// logout ends the session of the caller's access token (a token without a session — one of
// certflow token — has none to end). The access token itself stays valid until it expires.
func (s *Server) logout(c *gin.Context) {
	p := principal(c)
	if sid := c.GetString(sessionKey); sid != "" {
		if err := s.Store.EndSession(c.Request.Context(), p.Subject, sid, "logout"); err != nil {
			s.internal(c, err)
			return
		}
		s.audit(c, SecurityEvent{Action: "session_ended", Target: sid, Outcome: "success", Detail: "logout"})
	}
	c.Status(http.StatusNoContent)
}
