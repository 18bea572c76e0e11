// Package itest drives whole cases over HTTP against real PostgreSQL, MinIO and Temporal
// servers, started on free ports in a temporary folder.
package itest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"certflow/api"
	"certflow/testenv"
)

// sys is the running system the tests talk to.
var sys *testenv.Env

// doc is the OpenAPI document every response is checked against.
var doc *openapi3.T

// continueAsNewAfter is the history length at which Temporal suggests continuing as new.
const continueAsNewAfter = 250

// maxUpload is the evidence limit of the test server (small, so oversize tests stay cheap).
const maxUpload = 1 << 20

// maxImport is the import limit of the test server (below the hostile suite's oversize body).
const maxImport = 8 << 20

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
	var err error
	// One SLA day is one second, so notices and limits pass in seconds. Temporal suggests
	// continuing as new after 250 events: more than any ordinary path takes (about 140 at most),
	// so only the deliberately long case of TestLongCaseContinuesAsNew does.
	sys, err = testenv.Start(ctx, testenv.Options{DayLength: time.Second, PublicNoticeDays: 2, MaxUpload: maxUpload, MaxImport: maxImport,
		SuggestContinueAsNewAfter: continueAsNewAfter})
	if err != nil {
		return 1, err
	}
	defer sys.Close()
	if doc, err = api.LoadOpenAPI(ctx); err != nil {
		return 1, err
	}
	return m.Run(), nil
}
