// Package bench measures certflow against the raw engine and store in one run on the same
// servers, and prints ratios: case throughput through the API against a bare Temporal workflow
// with the same activities and signals; evidence upload through the API against direct MinIO
// PutObject, with the memory it takes; list latency with 100,000 cases against the raw query.
//
// Run with `make bench`.
package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"certflow/testenv"
)

var sys *testenv.Env

func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.bench").Value.String() == "" {
		os.Exit(m.Run()) // plain `go test ./...`: nothing to measure, no servers to start
	}
	var err error
	// One SLA day is one second and the public notice one day, so a case finishes in seconds.
	sys, err = testenv.Start(context.Background(), testenv.Options{DayLength: time.Second, PublicNoticeDays: 1, MaxUpload: 256 << 20})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	code := m.Run()
	sys.Close()
	os.Exit(code)
}
