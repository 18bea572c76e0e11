// Package testenv runs a whole certflow system for tests and benchmarks: real PostgreSQL,
// MinIO and Temporal servers (through the stack package, in a temporary folder), a worker, and
// the API on an httptest server.
package testenv

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"certflow/activities"
	"certflow/api"
	"certflow/calendar"
	"certflow/domain"
	"certflow/evidence"
	"certflow/pii"
	"certflow/stack"
	"certflow/store"
	"certflow/worker"
)

// Options tune the system under test.
type Options struct {
	// DayLength is one SLA day (short, so deadlines pass in seconds).
	DayLength time.Duration
	// PublicNoticeDays overrides the registration policy's notice period.
	PublicNoticeDays int
	// MaxUpload is the evidence size limit.
	MaxUpload int64
	// MaxImport is the import size limit (the API's default when 0).
	MaxImport int64
	// SuggestContinueAsNewAfter, when set, makes Temporal suggest continuing a case as new
	// once its history has this many events.
	SuggestContinueAsNewAfter int
}

// Env is a running system.
type Env struct {
	Stack    *stack.Stack
	Store    *store.Store
	Evidence *evidence.Store
	Temporal client.Client
	Worker   sdkworker.Worker
	Server   *httptest.Server
	API      *api.Server
	Secret   []byte
	dir      string
	// stopWatching ends the API's listener for case changes.
	stopWatching context.CancelFunc
}

// Start brings the system up; Close takes it down.
func Start(ctx context.Context, o Options) (_ *Env, err error) {
	e := &Env{Secret: []byte("testenv-jwt-secret-0123456789abcdef0123456789")}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	if e.dir, err = os.MkdirTemp("", "certflow-test-"); err != nil {
		return nil, err
	}
	so := stack.Options{Dir: e.dir, Headless: true}
	if o.SuggestContinueAsNewAfter > 0 {
		so.TemporalDynamicConfig = map[string]string{"limit.historyCount.suggestContinueAsNew": strconv.Itoa(o.SuggestContinueAsNewAfter)}
	}
	if e.Stack, err = stack.Start(ctx, so); err != nil {
		return nil, err
	}
	sealer, err := pii.NewSealer([]byte("testenv-pii-key-0123456789abcdef0123456789"))
	if err != nil {
		return nil, err
	}
	e.Store = store.Open(e.Stack.DatabaseURL, sealer)
	if _, err = store.Migrate(ctx, e.Store.DB); err != nil {
		return nil, err
	}
	if e.Evidence, err = evidence.New(ctx, e.Stack.MinioEndpoint, e.Stack.MinioAccessKey, e.Stack.MinioSecretKey, false, "test-evidence"); err != nil {
		return nil, err
	}
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if e.Temporal, err = client.Dial(client.Options{HostPort: e.Stack.TemporalAddress, Logger: quiet}); err != nil {
		return nil, err
	}
	if err = e.StartWorker(); err != nil {
		return nil, err
	}
	if err = worker.EnsureSweepSchedule(ctx, e.Temporal); err != nil {
		return nil, err
	}
	cal, err := calendar.Default(o.DayLength)
	if err != nil {
		return nil, err
	}
	policies := domain.DefaultPolicies()
	if o.PublicNoticeDays > 0 {
		reg := policies[domain.CaseRegistration]
		reg.PublicNoticeDays = o.PublicNoticeDays
		policies[domain.CaseRegistration] = reg
	}
	e.API = &api.Server{Store: e.Store, Evidence: e.Evidence, Temporal: e.Temporal, Policies: policies,
		Calendar: cal, JWTSecret: e.Secret, MaxUpload: o.MaxUpload, MaxImport: o.MaxImport,
		Log:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Keys: &api.KeyRing{Store: e.Store}, AuthRateLimit: 1_000_000} // tests sign in often from one address
	if err = e.API.Keys.Ensure(ctx); err != nil {
		return nil, err
	}
	watchCtx, stopWatching := context.WithCancel(context.Background())
	e.stopWatching = stopWatching
	if e.API.Changes, err = e.Store.WatchCaseChanges(watchCtx); err != nil {
		return nil, err
	}
	e.Server = httptest.NewServer(e.API.Router())
	return e, nil
}

// StartWorker (re)starts the in-process worker.
func (e *Env) StartWorker() error {
	e.Worker = worker.New(e.Temporal, &activities.Activities{Store: e.Store}, &activities.Imports{Store: e.Store, Objects: e.Evidence})
	return e.Worker.Start()
}

// Close stops everything Start started and removes the temporary folder.
func (e *Env) Close() {
	if e.Server != nil {
		e.Server.Close()
	}
	if e.stopWatching != nil {
		e.stopWatching()
	}
	if e.Worker != nil {
		e.Worker.Stop()
	}
	if e.Temporal != nil {
		e.Temporal.Close()
	}
	if e.Store != nil {
		e.Store.Close()
	}
	if e.Stack != nil {
		e.Stack.Stop()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}
