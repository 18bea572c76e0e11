package itest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	enumspb "go.temporal.io/api/enums/v1"

	"certflow/api"
	"certflow/workflows"
)

// hreq is one request of the hostile-input suite.
type hreq struct {
	name   string // the subtest name: "POST /api/v1/practitioners/name/nul/enterprise"
	op     *opInfo
	target string // what was changed: "name", "{id}", "?limit", "Idempotency-Key", "file.filename", "body"
	class  string // the hostile value class, or "baseline"
	role   string
	token  string
	url    string // path and query, escaped
	header http.Header
	// body returns a fresh reader of the body and its length (-1: let net/http decide).
	body func() (io.Reader, int64)
	// mustRefuse says why a 2xx (or anything but a 4xx) is a failure; "" when any answer may do.
	mustRefuse string
	// cases are the cases the request acts on (accepted requests are settled and checked).
	cases []string
}

// hres is what came back.
type hres struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (r hres) is2xx() bool { return r.err == nil && r.status >= 200 && r.status < 300 }

// hostileClient never follows redirects (a redirect is an answer to judge) and never retries.
var hostileClient = &http.Client{
	Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
	Timeout: 90 * time.Second,
}

// send performs a request; it never fails the test itself (it runs on worker goroutines).
func (r *hreq) send() hres {
	var body io.Reader
	length := int64(-1)
	if r.body != nil {
		body, length = r.body()
	}
	req, err := http.NewRequest(r.op.method, sys.Server.URL+r.url, body)
	if err != nil {
		return hres{err: fmt.Errorf("building the request: %w", err)}
	}
	if length >= 0 {
		req.ContentLength = length
		if length == 0 {
			req.Body = http.NoBody
		}
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := hostileClient.Do(req)
	if err != nil {
		return hres{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return hres{status: resp.StatusCode, header: resp.Header, err: fmt.Errorf("reading the answer: %w", err)}
	}
	return hres{status: resp.StatusCode, header: resp.Header, body: b}
}

// judge applies the checks every answer must pass, returning the failures.
func (r *hreq) judge(res hres) []failure {
	var fs []failure
	add := func(kind, format string, args ...any) {
		fs = append(fs, failure{req: r, kind: kind, msg: fmt.Sprintf(format, args...)})
	}
	if res.err != nil {
		add("dropped", "no answer (dropped connection?): %v", res.err)
		return fs
	}
	if res.status >= 500 {
		add("5xx", "answered %d: %s", res.status, excerpt(res.body))
	}
	if res.status >= 400 {
		if mt, _, _ := mime.ParseMediaType(res.header.Get("Content-Type")); mt != "application/problem+json" {
			add("not-problem", "answered %d with Content-Type %q, not application/problem+json: %s",
				res.status, res.header.Get("Content-Type"), excerpt(res.body))
		}
	}
	checkReq, err := http.NewRequest(r.op.method, sys.Server.URL+r.url, nil)
	if err == nil {
		checkReq.Header = r.header.Clone()
		if checkReq.Header == nil {
			checkReq.Header = http.Header{}
		}
		if r.token != "" {
			checkReq.Header.Set("Authorization", "Bearer "+r.token)
		}
		if err := api.CheckResponse(context.Background(), doc, checkReq, res.status, res.header, res.body); err != nil {
			add("contract", "the answer disagrees with the OpenAPI document: %s", clip(err.Error(), 700))
		}
	}
	for _, id := range plainIDs {
		if bytes.Contains(res.body, []byte(id)) {
			add("leak", "the answer leaks a plain resident ID: %s", excerpt(res.body))
			break
		}
	}
	if r.mustRefuse != "" && res.status < 400 {
		add("accepted", "answered %d to a value that must be refused with a 4xx (%s): %s",
			res.status, r.mustRefuse, excerpt(res.body))
	}
	return fs
}

// excerpt quotes the start of a body for a failure message.
func excerpt(b []byte) string {
	if len(b) == 0 {
		return "(empty body)"
	}
	return clip(string(b), 300)
}

// failure is one broken expectation of one request.
type failure struct {
	req  *hreq
	kind string // dropped, 5xx, not-problem, contract, leak, accepted, rows, objects, activity, baseline
	msg  string
}

// group is the key failures are summarised by: one broken field shows up as a few lines.
func (f failure) group() string {
	if f.req == nil {
		return f.kind
	}
	return fmt.Sprintf("%s %s | %s | %s", f.req.op.method, f.req.op.path, f.req.target, f.kind)
}

// reporter prints failures with a cap and keeps them for the grouped summary.
type reporter struct {
	mu      sync.Mutex
	all     []failure
	byGroup map[string]int
	printed int
}

const (
	maxDetailsPerGroup = 3   // full messages per group; later ones get one short line
	maxDetails         = 150 // full messages overall
)

func (rp *reporter) report(t *testing.T, fs ...failure) {
	t.Helper()
	for _, f := range fs {
		rp.mu.Lock()
		if rp.byGroup == nil {
			rp.byGroup = map[string]int{}
		}
		rp.all = append(rp.all, f)
		rp.byGroup[f.group()]++
		n := rp.byGroup[f.group()]
		detail := n <= maxDetailsPerGroup && rp.printed < maxDetails
		if detail {
			rp.printed++
		}
		rp.mu.Unlock()
		if detail {
			t.Errorf("[%s] %s", f.kind, f.msg)
		} else {
			t.Errorf("[%s] (more of group %q; see the summary)", f.kind, f.group())
		}
	}
}

// summary lists the failures grouped by operation, target and kind, with the value classes and
// roles involved and one sample message.
func (rp *reporter) summary() string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	type agg struct {
		n       int
		classes map[string]bool
		roles   map[string]bool
		sample  string
	}
	groups := map[string]*agg{}
	for _, f := range rp.all {
		g := groups[f.group()]
		if g == nil {
			g = &agg{classes: map[string]bool{}, roles: map[string]bool{}, sample: f.msg}
			groups[f.group()] = g
		}
		g.n++
		if f.req != nil {
			g.classes[f.req.class] = true
			g.roles[f.req.role] = true
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d failures in %d groups (operation | target | kind: count [value classes] [roles] — sample):\n", len(rp.all), len(groups))
	for _, k := range keys {
		g := groups[k]
		fmt.Fprintf(&b, "  %s: %d [%s] [%s] — %s\n", k, g.n, joinKeys(g.classes), joinKeys(g.roles), clip(g.sample, 240))
	}
	return b.String()
}

func joinKeys(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

// rowCounter counts the rows of every table of the public schema in one statement. The tables
// are found at run time, so tables added later are covered; security-event, audit-log and
// rate-limit tables and bun's migration tables are left out (a successful read is audited). In tables with a case_id column, rows of the
// cases other tests left running (those that existed when the counter was made, except the
// suite's own) are not counted: their workflows write in the background (reminders,
// deadlines), which no request of the suite caused.
type rowCounter struct {
	query  string
	tables []string
}

func newRowCounter(ctx context.Context, db *bun.DB, ownCase string) (*rowCounter, error) {
	var others []string
	if err := db.NewRaw("SELECT id::text FROM cases WHERE id <> ?", ownCase).Scan(ctx, &others); err != nil {
		return nil, err
	}
	var withCaseID []string
	if err := db.NewRaw(`SELECT table_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'case_id'`).Scan(ctx, &withCaseID); err != nil {
		return nil, err
	}
	background := "'{" + strings.Join(others, ",") + "}'::uuid[]"
	var names []string
	err := db.NewRaw(`SELECT c.relname FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
		ORDER BY c.relname`).Scan(ctx, &names)
	if err != nil {
		return nil, err
	}
	rc := &rowCounter{}
	var parts []string
	for _, name := range names {
		if strings.Contains(name, "security_event") || strings.Contains(name, "rate_limit") || name == "audit_log" ||
			strings.HasPrefix(name, "bun_migration") {
			continue
		}
		rc.tables = append(rc.tables, name)
		quoted := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		where := ""
		if slices.Contains(withCaseID, name) {
			where = " WHERE case_id <> ALL (" + background + ")"
		}
		parts = append(parts, fmt.Sprintf("SELECT '%s' AS t, count(*) AS n FROM public.%s%s", strings.ReplaceAll(name, "'", "''"), quoted, where))
	}
	if len(parts) == 0 {
		return nil, errors.New("no tables found in the public schema")
	}
	rc.query = strings.Join(parts, " UNION ALL ")
	return rc, nil
}

// rows is a snapshot of the row counts by table.
type rows map[string]int64

func (rc *rowCounter) count(ctx context.Context) (rows, error) {
	var res []struct {
		T string `bun:"t"`
		N int64  `bun:"n"`
	}
	if err := sys.Store.DB.NewRaw(rc.query).Scan(ctx, &res); err != nil {
		return nil, err
	}
	out := rows{}
	for _, r := range res {
		out[r.T] = r.N
	}
	return out, nil
}

// diff describes what changed between two snapshots ("" when nothing did).
func (a rows) diff(b rows) string {
	var parts []string
	for t, n := range b {
		if d := n - a[t]; d != 0 {
			parts = append(parts, fmt.Sprintf("%s %+d", t, d))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// settle waits until a case's workflow has nothing in flight: no workflow task and no activity
// that is still making progress (a failing activity counts as settled; it is reported later).
func settle(ctx context.Context, caseID string) {
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		d, err := sys.Temporal.DescribeWorkflowExecution(ctx, caseID, "")
		if err != nil {
			return
		}
		if d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return
		}
		busy := d.GetPendingWorkflowTask() != nil
		for _, pa := range d.GetPendingActivities() {
			if pa.GetAttempt() <= 1 && pa.GetLastFailure() == nil {
				busy = true
			}
		}
		if !busy {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// toucher keeps the suite's draft cases alive: with a one-second SLA day a draft is abandoned
// after 30 s without activity, which would write rows while the suite measures and would close
// the cases the baselines act on. A touch signal writes nothing.
type toucher struct {
	mu      sync.Mutex
	last    map[string]time.Time
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func startToucher() *toucher {
	tc := &toucher{last: map[string]time.Time{}, stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(tc.stopped)
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-tc.stop:
				return
			case <-tick.C:
			}
			tc.mu.Lock()
			var due []string
			for id, at := range tc.last {
				if time.Since(at) > 10*time.Second {
					due = append(due, id)
					tc.last[id] = time.Now()
				}
			}
			tc.mu.Unlock()
			for _, id := range due {
				_ = sys.Temporal.SignalWorkflow(context.Background(), id, "", workflows.SignalTouch, nil)
			}
		}
	}()
	return tc
}

func (tc *toucher) add(id string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if _, ok := tc.last[id]; !ok {
		tc.last[id] = time.Now()
	}
}

func (tc *toucher) close() {
	tc.once.Do(func() { close(tc.stop) })
	<-tc.stopped
}
