package stack

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// startTemporal starts the Temporal dev server with its state in a SQLite file under Dir, so
// cases survive a restart, and with certflow's search attributes registered.
func (s *Stack) startTemporal(ctx context.Context, o Options) error {
	bin, err := tool(o, "temporal")
	if err != nil {
		return err
	}
	p, err := port(o.TemporalPort)
	if err != nil {
		return err
	}
	args := []string{"server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(p),
		"--db-filename", filepath.Join(o.Dir, "temporal.db"), "--namespace", s.Namespace,
		"--log-level", "error"}
	httpPort, err := FreePort()
	if err != nil {
		return err
	}
	args = append(args, "--http-port", strconv.Itoa(httpPort))
	metricsPort, err := FreePort()
	if err != nil {
		return err
	}
	args = append(args, "--metrics-port", strconv.Itoa(metricsPort))
	if o.Headless {
		args = append(args, "--headless")
	} else {
		up, err := port(o.TemporalUIPort)
		if err != nil {
			return err
		}
		args = append(args, "--ui-port", strconv.Itoa(up))
		s.TemporalUIURL = fmt.Sprintf("http://127.0.0.1:%d", up)
	}
	keys := make([]string, 0, len(o.TemporalDynamicConfig))
	for k := range o.TemporalDynamicConfig {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--dynamic-config-value", k+"="+o.TemporalDynamicConfig[k])
	}
	names := make([]string, 0, len(SearchAttributes))
	for n := range SearchAttributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, "--search-attribute", n+"="+SearchAttributes[n])
	}
	logPath := filepath.Join(o.Dir, "logs", "temporal.log")
	proc, err := start("temporal", logPath, runAs{}, syscall.SIGTERM, nil, bin, args...)
	if err != nil {
		return err
	}
	s.procs = append(s.procs, proc)
	addr := fmt.Sprintf("127.0.0.1:%d", p)
	ready := func(ctx context.Context) error {
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		c, err := client.DialContext(dctx, client.Options{HostPort: addr, Namespace: s.Namespace, Logger: quietLogger{}})
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.WorkflowService().DescribeNamespace(dctx, &workflowservice.DescribeNamespaceRequest{Namespace: s.Namespace})
		return err
	}
	if err := waitUntil(ctx, proc, logPath, ready); err != nil {
		return err
	}
	s.TemporalAddress = addr
	return nil
}

// quietLogger drops the SDK's log lines while the stack polls for readiness.
type quietLogger struct{}

func (quietLogger) Debug(string, ...interface{}) {}
func (quietLogger) Info(string, ...interface{})  {}
func (quietLogger) Warn(string, ...interface{})  {}
func (quietLogger) Error(string, ...interface{}) {}
