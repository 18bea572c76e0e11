// Package stack starts the servers certflow depends on — PostgreSQL, MinIO and the Temporal
// dev server — as child processes, for the local dev stack (`make run`) and for the tests.
// The Temporal CLI and MinIO come from the project's bin/ folder (deploy/tools.sh builds them);
// PostgreSQL comes from the machine's initdb/postgres.
package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Options say where the stack keeps its data and which ports it listens on.
type Options struct {
	// Dir holds each server's data and logs (a temporary folder in tests, .data/ in dev).
	Dir string
	// BinDir holds the temporal and minio binaries; empty means <project root>/bin.
	BinDir string
	// DatabaseURL, when set, is used instead of starting a private PostgreSQL cluster.
	DatabaseURL string
	// Ports; 0 picks a free port.
	PostgresPort, MinioPort, MinioConsolePort, TemporalPort, TemporalUIPort int
	// Headless skips the Temporal web UI (tests).
	Headless bool
	// Durable keeps fsync on for PostgreSQL (dev); tests turn it off for speed.
	Durable bool
	// Only, when not empty, starts just the named servers ("postgres", "minio", "temporal").
	Only []string
	// TemporalDynamicConfig sets dynamic configuration values of the Temporal dev server (key
	// to JSON value), e.g. a low limit.historyCount.suggestContinueAsNew in tests.
	TemporalDynamicConfig map[string]string
}

// Stack is a running set of servers and how to reach them.
type Stack struct {
	DatabaseURL     string
	MinioEndpoint   string
	MinioAccessKey  string
	MinioSecretKey  string
	MinioConsoleURL string
	TemporalAddress string
	TemporalUIURL   string
	Namespace       string

	procs []*process
}

// SearchAttributes are registered on the Temporal dev server for operators; they carry no
// personal data.
var SearchAttributes = map[string]string{
	"CaseType":   "Keyword",
	"CaseStage":  "Keyword",
	"CaseStatus": "Keyword",
	"SLADue":     "Datetime",
	"Province":   "Keyword",
}

// Start brings up every server and waits until each answers. On any failure it stops what it
// started and returns the error.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.Dir == "" {
		return nil, errors.New("stack: Options.Dir is required")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	o.Dir = dir
	if o.BinDir == "" {
		root, err := ProjectRoot()
		if err != nil {
			return nil, err
		}
		o.BinDir = filepath.Join(root, "bin")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	s := &Stack{Namespace: "default"}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	steps := []struct {
		name string
		run  func(context.Context, Options) error
	}{{"postgres", s.startPostgres}, {"minio", s.startMinio}, {"temporal", s.startTemporal}}
	for _, step := range steps {
		if len(o.Only) > 0 && !slices.Contains(o.Only, step.name) {
			continue
		}
		if err := step.run(ctx, o); err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// Stop ends every server the stack started, newest first.
func (s *Stack) Stop() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		s.procs[i].stop(20 * time.Second)
	}
	s.procs = nil
}

// ProjectRoot finds the folder holding go.mod, walking up from the working directory.
func ProjectRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("stack: no go.mod above the working directory")
		}
		dir = parent
	}
}

// FreePort asks the kernel for an unused loopback TCP port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// port returns p, or a free port when p is 0.
func port(p int) (int, error) {
	if p != 0 {
		return p, nil
	}
	return FreePort()
}

// tool returns the path of a pinned binary in bin/, or a clear error telling how to build it.
func tool(o Options, name string) (string, error) {
	path := filepath.Join(o.BinDir, name)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("stack: %s is missing; build the pinned tools with deploy/tools.sh (make tools)", path)
	}
	return path, nil
}
