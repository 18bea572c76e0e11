package bench

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"certflow/api"
	"certflow/domain"
	"certflow/ident"
)

// Shape of one enterprise-filed 一级 registration case, as its committed history shows:
// 7 timeline writes + pre-check + issuing = 9 activities, 3 decisions (submit, two approvals),
// and the public-notice timer.
const (
	caseActivities = 9
	caseSignals    = 3
	benchCases     = 200
	benchParallel  = 32
)

// bareQueue is the task queue of the bare baseline workflow.
const bareQueue = "bench-bare"

// bareNoop is the baseline's activity: it does nothing.
func bareNoop(context.Context, int) error { return nil }

// BareCase is the baseline: the same number of activities, signals and the notice timer as a
// registration case, with none of certflow's logic or I/O.
func BareCase(ctx workflow.Context, notice time.Duration) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	signals := workflow.GetSignalChannel(ctx, "decision")
	run := func(n int) error {
		for i := 0; i < n; i++ {
			if err := workflow.ExecuteActivity(ctx, bareNoop, i).Get(ctx, nil); err != nil {
				return err
			}
		}
		return nil
	}
	// created; submit → record, precheck, record; approve → record; approve → record;
	// notice; record, issue, record.
	steps := []int{1, 3, 1, 1}
	for i, n := range steps {
		if i > 0 {
			signals.Receive(ctx, nil)
		}
		if err := run(n); err != nil {
			return err
		}
	}
	if err := workflow.Sleep(ctx, notice); err != nil {
		return err
	}
	return run(caseActivities - 6)
}

// parallel runs n jobs with the given concurrency and returns the elapsed time.
func parallel(b *testing.B, n, workers int, job func(i int) error) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	jobs := make(chan int)
	errs := make(chan error, n)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := job(i); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkCaseThroughput drives full registration cases through the API (create, three
// evidence uploads, submit, provincial and ministry approval, public notice, issuing) and the
// bare baseline workflow, and reports cases per second of each and their ratio.
func BenchmarkCaseThroughput(b *testing.B) {
	ctx := context.Background()
	uscc, err := ident.CompleteUSCC("91210102MA0BENCH0")
	if err != nil {
		b.Fatal(err)
	}
	admin := token(b, api.Claims{Role: domain.RoleAdmin}, "bench-admin")
	ent := token(b, api.Claims{Role: domain.RoleEnterprise, Enterprise: uscc}, "bench-ent")
	prov := token(b, api.Claims{Role: domain.RoleProvincialReviewer, Province: "21"}, "bench-prov")
	min := token(b, api.Claims{Role: domain.RoleMinistryReviewer}, "bench-min")
	if err := postJSON("/api/v1/enterprises", admin, map[string]any{"uscc": uscc, "name": "基准建设有限公司",
		"province_code": "21", "qualification": "建筑工程施工总承包一级"}, nil); err != nil {
		b.Fatal(err)
	}
	pracs := make([]string, benchCases)
	for i := range pracs {
		id, _ := ident.CompleteResidentID(fmt.Sprintf("21010219880101%03d", i))
		var p struct{ ID string }
		if err := postJSON("/api/v1/practitioners", ent, map[string]any{"id_number": id, "name": "基准",
			"qualification": map[string]any{"level": 1, "specialty": "建筑工程", "certificate_no": "B", "obtained_on": "2025-01-01"}}, &p); err != nil {
			b.Fatal(err)
		}
		pracs[i] = p.ID
	}
	files := map[string][]byte{"id_card": pdf(20 << 10), "qualification_certificate": pdf(20 << 10), "labour_contract": pdf(20 << 10)}
	notice := time.Second

	apiCase := func(i int) error {
		var c struct{ ID string }
		if err := postJSON("/api/v1/cases", ent, map[string]any{"type": "registration", "practitioner_id": pracs[i],
			"enterprise_uscc": uscc, "specialty": "建筑工程"}, &c); err != nil {
			return err
		}
		for kind, content := range files {
			if err := upload(c.ID, ent, kind, content); err != nil {
				return err
			}
		}
		steps := []struct {
			tok    string
			action domain.Action
			stage  domain.Stage
		}{{ent, domain.ActionSubmit, domain.StageDraft}, {prov, domain.ActionApprove, domain.StageProvincialReview},
			{min, domain.ActionApprove, domain.StageMinistryReview}}
		for _, s := range steps {
			if err := waitStage(c.ID, s.tok, s.stage); err != nil {
				return err
			}
			if err := postJSON("/api/v1/cases/"+c.ID+"/actions", s.tok, map[string]any{"action": s.action}, nil); err != nil {
				return err
			}
		}
		return waitStage(c.ID, ent, domain.StageClosed)
	}

	w := sdkworker.New(sys.Temporal, bareQueue, sdkworker.Options{})
	w.RegisterWorkflow(BareCase)
	w.RegisterActivity(bareNoop)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	bareCase := func(i int) error {
		run, err := sys.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("bare-%d-%d", time.Now().UnixNano(), i), TaskQueue: bareQueue}, BareCase, notice)
		if err != nil {
			return err
		}
		for s := 0; s < caseSignals; s++ {
			if err := sys.Temporal.SignalWorkflow(ctx, run.GetID(), "", "decision", nil); err != nil {
				return err
			}
		}
		return run.Get(ctx, nil)
	}

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		bare := parallel(b, benchCases, benchParallel, bareCase)
		before, err := snapshotWrites(ctx)
		if err != nil {
			b.Fatal(err)
		}
		viaAPI := parallel(b, benchCases, benchParallel, apiCase)
		after, err := snapshotWrites(ctx)
		if err != nil {
			b.Fatal(err)
		}
		commits, rows := perTransition(before, after)
		b.ReportMetric(commits, "commits/transition")
		b.ReportMetric(rows, "row-writes/transition")
		bareRate := float64(benchCases) / bare.Seconds()
		apiRate := float64(benchCases) / viaAPI.Seconds()
		b.ReportMetric(apiRate, "api-cases/s")
		b.ReportMetric(bareRate, "bare-cases/s")
		b.ReportMetric(apiRate/bareRate, "ratio")
		b.Logf("%d cases, %d at a time: API %.2f cases/s, bare workflow %.2f cases/s, ratio %.2f (target ≥ 0.7); "+
			"per timeline entry (uploads and API writes included) %.2f commits and %.2f row writes",
			benchCases, benchParallel, apiRate, bareRate, apiRate/bareRate, commits, rows)
		pracs = renewPractitioners(b, ent, n)
	}
}

// renewPractitioners registers fresh practitioners for another round (each person can hold
// one registration).
func renewPractitioners(b *testing.B, ent string, round int) []string {
	out := make([]string, benchCases)
	for i := range out {
		id, _ := ident.CompleteResidentID(fmt.Sprintf("2101021989%02d01%03d", 1+round%12, i))
		var p struct{ ID string }
		if err := postJSON("/api/v1/practitioners", ent, map[string]any{"id_number": id, "name": "基准",
			"qualification": map[string]any{"level": 1, "specialty": "建筑工程", "certificate_no": "B", "obtained_on": "2025-01-01"}}, &p); err != nil {
			b.Fatal(err)
		}
		out[i] = p.ID
	}
	return out
}

// upload posts one small evidence file.
func upload(caseID, tok, kind string, content []byte) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", kind+".pdf")
	_, _ = fw.Write(content)
	_ = mw.Close()
	_, err := call(http.MethodPost, "/api/v1/cases/"+caseID+"/evidence", tok, mw.FormDataContentType(), &buf, nil)
	return err
}

// pdf returns n bytes that sniff as a PDF and end with its %%EOF trailer.
func pdf(n int) []byte {
	b := bytes.Repeat([]byte("0 obj << >> endobj\n"), n/19+1)
	copy(b, "%PDF-1.4\n")
	b = b[:n]
	copy(b[n-len(pdfTrailer):], pdfTrailer)
	return b
}

// pdfTrailer ends every benchmark PDF: evidence uploads refuse a PDF without %%EOF.
const pdfTrailer = "\n%%EOF\n"
