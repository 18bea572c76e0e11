package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz says the process is alive.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz checks the database, Temporal and MinIO; 503 names what is down.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c, 3*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"database": func(ctx context.Context) error { return s.Store.DB.PingContext(ctx) },
		"temporal": func(ctx context.Context) error {
			_, err := s.Temporal.CheckHealth(ctx, nil)
			return err
		},
		"minio": s.Evidence.Ready,
	}
	out := gin.H{}
	status := http.StatusOK
	for name, check := range checks {
		if err := check(ctx); err != nil {
			out[name] = "down: " + err.Error()
			status = http.StatusServiceUnavailable
		} else {
			out[name] = "ok"
		}
	}
	c.JSON(status, out)
}
