package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"certflow/metrics"
)

var (
	requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certflow_http_requests_total",
		Help: "HTTP requests by route, method and status.",
	}, []string{"route", "method", "status"})
	requestSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "certflow_http_request_duration_seconds",
		Help:    "HTTP request latency by route and method.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})
)

func init() {
	metrics.Registry.MustRegister(requestsTotal, requestSeconds)
}

// metrics records each request's route, status and latency.
func (s *Server) metrics() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		requestsTotal.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
		requestSeconds.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	}
}

// metricsHandler serves the Prometheus exposition format.
func metricsHandler() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
}
