package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"certflow/activities"
	"certflow/api"
	"certflow/calendar"
	"certflow/config"
	"certflow/domain"
	"certflow/evidence"
	"certflow/pii"
	"certflow/store"
	"certflow/worker"
)

// deps are the connections a certflow process holds.
type deps struct {
	cfg      config.Config
	store    *store.Store
	evidence *evidence.Store
	temporal client.Client
	policies domain.Policies
	calendar calendar.Calendar
	log      *slog.Logger
}

// connect opens every connection the configuration names.
func connect(ctx context.Context, cfg config.Config) (*deps, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set (make run sets up a local database)")
	}
	sealer, err := pii.NewSealer(cfg.PIIKey)
	if err != nil {
		return nil, err
	}
	policies, err := domain.LoadPolicies(cfg.PolicyFile)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Default(cfg.DayLength)
	if err != nil {
		return nil, err
	}
	ev, err := evidence.New(ctx, cfg.MinioEndpoint, cfg.MinioAccessKey, cfg.MinioSecretKey, cfg.MinioUseSSL, cfg.MinioBucket)
	if err != nil {
		return nil, fmt.Errorf("minio at %s: %w", cfg.MinioEndpoint, err)
	}
	tc, err := client.DialContext(ctx, client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: tlog.NewStructuredLogger(log.With("component", "temporal"))})
	if err != nil {
		return nil, fmt.Errorf("temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return &deps{cfg: cfg, store: store.Open(cfg.DatabaseURL, sealer), evidence: ev, temporal: tc,
		policies: policies, calendar: cal, log: log}, nil
}

func (d *deps) close() {
	d.temporal.Close()
	d.store.Close()
}

// apiServer builds the API server of these connections.
func (d *deps) apiServer() *api.Server {
	return &api.Server{Store: d.store, Evidence: d.evidence, Temporal: d.temporal, Policies: d.policies,
		Calendar: d.calendar, JWTSecret: d.cfg.JWTSecret, MaxUpload: d.cfg.MaxUpload, MaxImport: d.cfg.MaxImport, Log: d.log,
		EvidenceRetention: d.cfg.EvidenceRetention,
		Keys:              &api.KeyRing{Store: d.store}, AccessTokenTTL: d.cfg.AccessTokenTTL, AuthRateLimit: authRateLimit(d.cfg.AuthRateLimit),
		TrustedProxies: d.cfg.TrustedProxies}
}

// authRateLimit maps the configured limit (0: none) to the API server's (negative: none).
func authRateLimit(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// runServe runs the API, the worker, or both until ctx ends.
func runServe(ctx context.Context, withAPI, withWorker bool) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	d, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.close()
	return d.serve(ctx, withAPI, withWorker, nil)
}

// serve runs the chosen parts; ready, if set, is called once the API listens.
func (d *deps) serve(ctx context.Context, withAPI, withWorker bool, ready func()) error {
	errc := make(chan error, 2)
	if withWorker {
		w := worker.New(d.temporal, &activities.Activities{Store: d.store}, &activities.Imports{Store: d.store, Objects: d.evidence})
		if err := w.Start(); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		defer w.Stop()
		if err := worker.EnsureSweepSchedule(ctx, d.temporal); err != nil {
			return err
		}
		d.log.Info("worker started", "sweep_schedule", worker.SweepScheduleID)
	}
	if withAPI {
		a := d.apiServer()
		if err := a.Keys.Ensure(ctx); err != nil {
			return fmt.Errorf("signing keys: %w", err)
		}
		changes, err := d.store.WatchCaseChanges(ctx)
		if err != nil {
			return fmt.Errorf("listening for case changes: %w", err)
		}
		a.Changes = changes
		srv := &http.Server{Addr: d.cfg.HTTPAddr, Handler: a.Router(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		d.log.Info("API listening", "addr", d.cfg.HTTPAddr)
	}
	if ready != nil {
		ready()
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

// runMigrate applies the migrations.
func runMigrate(ctx context.Context) error {
	s, err := openConfiguredStore()
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := store.Migrate(ctx, s.DB)
	if err != nil {
		return err
	}
	fmt.Printf("applied %d migration(s) %v\n", len(applied), applied)
	return nil
}

// openConfiguredStore connects to the database the environment configures (DATABASE_URL).
func openConfiguredStore() (*store.Store, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	return openStore(cfg)
}

// openStore connects to the configured database (for the subcommands that need only it).
func openStore(cfg config.Config) (*store.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set")
	}
	sealer, err := pii.NewSealer(cfg.PIIKey)
	if err != nil {
		return nil, err
	}
	return store.Open(cfg.DatabaseURL, sealer), nil
}
