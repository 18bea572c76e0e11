package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// readyTimeout bounds each dependency check of /readyz.
const readyTimeout = 2 * time.Second

// healthz says the process is alive.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz checks the database, Temporal and MinIO at once and answers 503 naming what is down.
// It shows only "ok" or "down"; the causes go to the log, not to whoever asks.
func (s *Server) readyz(c *gin.Context) {
	checks := map[string]func(context.Context) error{
		"database": func(ctx context.Context) error { return s.Store.DB.PingContext(ctx) },
		"temporal": func(ctx context.Context) error {
			_, err := s.Temporal.CheckHealth(ctx, nil)
			return err
		},
		"minio": s.Evidence.Ready,
	}
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(checks))
	for name, check := range checks {
		go func() {
			ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
			defer cancel()
			results <- result{name, check(ctx)}
		}()
	}
	out := gin.H{}
	status := http.StatusOK
	for range checks {
		r := <-results
		out[r.name] = "ok"
		if r.err != nil {
			s.Log.Warn("readiness check failed", "dependency", r.name, "err", r.err)
			out[r.name] = "down"
			status = http.StatusServiceUnavailable
		}
	}
	if status != http.StatusOK {
		c.Header("Retry-After", retryAfter)
	}
	c.JSON(status, out)
}
