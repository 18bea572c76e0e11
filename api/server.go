// Package api is certflow's JSON API: the Gin router, bearer-token authentication, the one
// authorization layer every handler asks, the handlers, and the OpenAPI document.
package api

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"certflow/audit"
	"certflow/calendar"
	"certflow/domain"
	"certflow/evidence"
	"certflow/store"
)

// Server holds what the handlers need.
type Server struct {
	Store     *store.Store
	Evidence  *evidence.Store
	Temporal  client.Client
	Policies  domain.Policies
	Calendar  calendar.Calendar
	JWTSecret []byte
	MaxUpload int64
	// MaxImport is the size limit of an import file (DefaultMaxImport when 0).
	MaxImport int64
	Log       *slog.Logger
	// Now is the clock (tests may fix it).
	Now func() time.Time
	// Changes wakes requests waiting for a case to change (nil: they poll).
	Changes *store.CaseChanges
	// EvidenceRetention is how long a committed evidence file stays write-once (compliance
	// retention on its object version; DefaultEvidenceRetention when 0).
	EvidenceRetention time.Duration
	// Auditor records security events (the audit log of Store when nil; NoAuditor without a
	// store).
	Auditor Auditor
	// Keys sign and verify people's EdDSA access tokens (nil: only HS256 tokens are accepted).
	Keys *KeyRing
	// TrustedProxies are the addresses of proxies whose X-Forwarded-For names the client (none
	// when empty: the client is the connection's peer), for rate limits and security events.
	TrustedProxies []string
	// AuthRateLimit is how many sign-in requests a client address may send a minute
	// (DefaultAuthRateLimit when 0, no limit when negative).
	AuthRateLimit int
	// AccessTokenTTL is the lifetime of an access token (DefaultAccessTokenTTL when 0).
	AccessTokenTTL time.Duration
}

// DefaultAccessTokenTTL is the lifetime of an access token.
const DefaultAccessTokenTTL = 15 * time.Minute

// Router builds the Gin engine with every route of the API.
func (s *Server) Router() *gin.Engine {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Auditor == nil && s.Store != nil {
		s.Auditor = TrailAuditor{Log: audit.New(s.Store.DB)}
	}
	if s.Auditor == nil {
		s.Auditor = NoAuditor{}
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(s.TrustedProxies); err != nil { // nil trusts none
		s.Log.Error("CERTFLOW_TRUSTED_PROXIES is not a list of addresses; trusting no proxy", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(gin.Recovery(), s.metrics(), checkRequestText)
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		fail(c, 404, "no_route", "no such endpoint: "+c.Request.Method+" "+c.Request.URL.Path)
	})
	r.NoMethod(func(c *gin.Context) {
		fail(c, 405, "method_not_allowed", "method "+c.Request.Method+" is not allowed on "+c.Request.URL.Path)
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", metricsHandler())
	r.GET("/api/v1/openapi.yaml", s.openapi)
	r.GET("/.well-known/jwks.json", s.jwks)
	r.GET("/api/v1/public/registrations", s.publicRegistrations)
	r.GET("/api/v1/public/notices", s.publicNotices)
	r.POST("/api/v1/public/notices/:number/objections", s.authenticate, s.objectToNotice)
	r.POST("/api/v1/auth/activate", s.rateLimited, s.activate)
	r.POST("/api/v1/auth/login", s.rateLimited, s.login)
	r.POST("/api/v1/auth/mfa", s.rateLimited, s.mfa)
	r.POST("/api/v1/auth/refresh", s.rateLimited, s.refresh)

	v1 := r.Group("/api/v1", s.authenticate)
	v1.POST("/enterprises", s.createEnterprise)
	v1.GET("/enterprises/:uscc", s.getEnterprise)
	v1.POST("/practitioners", s.createPractitioner)
	v1.GET("/practitioners", s.listPractitioners)
	v1.GET("/practitioners/:id", s.getPractitioner)
	v1.GET("/case-types", s.listCaseTypes)
	v1.GET("/registrations", s.listRegistrations)
	v1.GET("/registrations/:registration_number", s.getRegistration)
	v1.GET("/notifications", s.listNotifications)
	v1.POST("/notifications/:id/read", s.readNotification)
	v1.POST("/cases", s.createCase)
	v1.GET("/cases", s.listCases)
	v1.GET("/cases/:id", s.getCase)
	v1.POST("/cases/:id/evidence", s.uploadEvidence)
	v1.GET("/cases/:id/evidence/:evidence_id", s.downloadEvidence)
	v1.POST("/cases/:id/actions", s.caseAction)
	v1.POST("/imports", s.createImport)
	v1.GET("/imports", s.listImports)
	v1.GET("/imports/:id", s.getImport)
	v1.POST("/sweeps", s.startSweep)
	v1.GET("/sweeps/:id", s.getSweep)
	v1.GET("/audit", s.listAudit)
	v1.POST("/auth/logout", s.logout)
	v1.GET("/auth/sessions", s.listSessions)
	v1.POST("/users", s.createUser)
	v1.GET("/users", s.listUsers)
	v1.PATCH("/users/:id", s.updateUser)
	v1.POST("/users/:id/reset", s.resetUser)
	v1.DELETE("/users/:id/sessions", s.endUserSessions)
	return r
}
