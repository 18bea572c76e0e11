// Package itest drives whole cases over HTTP against real PostgreSQL, MinIO and Temporal
// servers, started on free ports in a temporary folder by the stack package.
package itest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
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

// env is the running system the tests talk to.
var env struct {
	stack    *stack.Stack
	store    *store.Store
	evidence *evidence.Store
	temporal client.Client
	worker   sdkworker.Worker
	server   *httptest.Server
	secret   []byte
	doc      *openapi3.T
}

// maxUpload is the evidence limit of the test server (small, so oversize tests stay cheap).
const maxUpload = 1 << 20

// dayLength makes one SLA day one second: notices and limits pass in seconds.
const dayLength = time.Second

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "itest:", err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "certflow-itest-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	st, err := stack.Start(ctx, stack.Options{Dir: dir, Headless: true})
	if err != nil {
		return 1, err
	}
	defer st.Stop()
	env.stack = st
	sealer, err := pii.NewSealer([]byte("itest-pii-key-0123456789abcdef0123456789"))
	if err != nil {
		return 1, err
	}
	env.store = store.Open(st.DatabaseURL, sealer)
	defer env.store.Close()
	if _, err := store.Migrate(ctx, env.store.DB); err != nil {
		return 1, err
	}
	if env.evidence, err = evidence.New(ctx, st.MinioEndpoint, st.MinioAccessKey, st.MinioSecretKey, false, "itest-evidence"); err != nil {
		return 1, err
	}
	quiet := tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if env.temporal, err = client.Dial(client.Options{HostPort: st.TemporalAddress, Logger: quiet}); err != nil {
		return 1, err
	}
	defer env.temporal.Close()
	if err := startWorker(); err != nil {
		return 1, err
	}
	defer func() { env.worker.Stop() }()
	cal, err := calendar.Default(dayLength)
	if err != nil {
		return 1, err
	}
	policies := domain.DefaultPolicies()
	reg := policies[domain.CaseRegistration]
	reg.PublicNoticeDays = 2
	policies[domain.CaseRegistration] = reg
	env.secret = []byte("itest-jwt-secret-0123456789abcdef0123456789")
	srv := &api.Server{Store: env.store, Evidence: env.evidence, Temporal: env.temporal, Policies: policies,
		Calendar: cal, JWTSecret: env.secret, MaxUpload: maxUpload,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	env.server = httptest.NewServer(srv.Router())
	defer env.server.Close()
	if env.doc, err = api.LoadOpenAPI(ctx); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

// startWorker (re)starts the in-process worker.
func startWorker() error {
	env.worker = worker.New(env.temporal, &activities.Activities{Store: env.store})
	return env.worker.Start()
}
