// Package store is certflow's PostgreSQL layer: the bun models of the registry and the case
// projection, the versioned migrations, and the queries the API and activities use.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"

	"certflow/pii"
	"certflow/store/migrations"
)

// Store is the registry and case projection, with the sealer for personal data.
type Store struct {
	DB     *bun.DB
	Sealer *pii.Sealer
}

// ErrNotFound is returned when a row does not exist (or is out of the caller's scope).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

// ErrUnavailable wraps the errors of a database that cannot be reached: a request that meets
// it should be retried later (the API answers 503).
var ErrUnavailable = errors.New("the database is unavailable")

// dialTimeout bounds a connection attempt, so an unreachable database is reported quickly.
const dialTimeout = 2 * time.Second

// Open connects to PostgreSQL at dsn.
func Open(dsn string, sealer *pii.Sealer) *Store {
	sqldb := sql.OpenDB(reportingConnector{pgdriver.NewConnector(pgdriver.WithDSN(dsn), pgdriver.WithDialTimeout(dialTimeout))})
	sqldb.SetMaxOpenConns(40)
	sqldb.SetMaxIdleConns(20)
	return &Store{DB: bun.NewDB(sqldb, pgdialect.New()), Sealer: sealer}
}

// reportingConnector marks a failed connection attempt as ErrUnavailable.
type reportingConnector struct{ driver.Connector }

func (c reportingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return conn, err
}

// Close releases the connection pool.
func (s *Store) Close() error { return s.DB.Close() }

// Migrate applies every pending migration and returns the names applied.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrations.Files); err != nil {
		return nil, err
	}
	m := migrate.NewMigrator(db, ms)
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate init: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("migrate lock: %w", err)
	}
	defer m.Unlock(ctx) //nolint:errcheck
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// isUnique reports whether err is a unique-constraint violation (SQLSTATE 23505), optionally
// of a named constraint.
func isUnique(err error, constraint string) bool {
	var pgErr pgdriver.Error
	if !errors.As(err, &pgErr) || pgErr.Field('C') != "23505" {
		return false
	}
	return constraint == "" || pgErr.Field('n') == constraint
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
