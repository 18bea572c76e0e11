// Package metrics holds certflow's Prometheus registry and the counters more than one part of
// the process writes: the API's request metrics and the worker's activity failures.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Registry is the one registry /metrics serves.
var Registry = prometheus.NewRegistry()

var (
	// ActivityFailures counts failed activity attempts by activity and whether retrying can
	// help (retryable) or not (final).
	ActivityFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certflow_activity_failures_total",
		Help: "Failed activity attempts by activity type and kind (retryable or final).",
	}, []string{"activity", "kind"})
	// CasesStuck counts cases flagged stuck because an activity kept failing.
	CasesStuck = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certflow_cases_stuck_total",
		Help: "Cases flagged stuck because an activity kept failing, by activity type.",
	}, []string{"activity"})
)

func init() {
	Registry.MustRegister(ActivityFailures, CasesStuck,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
}
