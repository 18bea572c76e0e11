package itest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	enumspb "go.temporal.io/api/enums/v1"
	sdkworker "go.temporal.io/sdk/worker"

	"certflow/activities"
	"certflow/ident"
	"certflow/worker"
	"certflow/workflows"
)

// restartRows is how many rows the restart test imports, in batches of restartBatch.
const (
	restartRows  = 6000
	restartBatch = 50
)

// TestImportSurvivesWorkerRestart stops the worker in the middle of a file and starts another:
// the import resumes from its last committed batch and ends with exactly the right counts and
// rows — none lost, none doubled.
func TestImportSurvivesWorkerRestart(t *testing.T) {
	w := newWorld(t)
	sys.Worker.Stop()
	var current sdkworker.Worker
	defer func() {
		if current != nil {
			current.Stop()
		}
		if err := sys.StartWorker(); err != nil {
			t.Error(err)
		}
	}()
	start := func() {
		current = worker.New(sys.Temporal, &activities.Activities{Store: sys.Store},
			&activities.Imports{Store: sys.Store, Objects: sys.Evidence, BatchSize: restartBatch})
		if err := current.Start(); err != nil {
			t.Fatal(err)
		}
	}
	start()

	// Every person and number is new; every 500th row has a bad date.
	var b strings.Builder
	b.WriteString("registration_number,id_number,name,level,specialty,enterprise_uscc,valid_from,valid_to,status\n")
	serialBase := 70000 + int(serial.Add(1)%100)*100
	bad := 0
	var numbers []string
	for i := 0; i < restartRows; i++ {
		id, err := ident.CompleteResidentID(fmt.Sprintf("3201021990%02d%02d%03d", 1+i%12, 1+(i/12)%28, (i/336)%1000))
		if err != nil {
			t.Fatal(err)
		}
		num, err := ident.FormatRegistrationNumber("21", 1, 2010+i%10, 2020, 1+(serialBase+i)%99999)
		if err != nil {
			t.Fatal(err)
		}
		from := "2024-01-01"
		if i%500 == 499 {
			from, bad = "2024-02-30", bad+1
		} else {
			numbers = append(numbers, num)
		}
		fmt.Fprintf(&b, "%s,%s,周%d,1,建筑工程,%s,%s,%s,active\n", num, id, i, w.uscc, from, farValidTo())
	}
	id := w.admin.importFile("registrations", "big.csv", []byte(b.String())).expect(t, http.StatusAccepted).json(t)["id"].(string)

	// Stop the worker once a good part of the file is committed.
	deadline := time.Now().Add(60 * time.Second)
	for {
		m := w.admin.get("/api/v1/imports/"+id).expect(t, http.StatusOK).json(t)
		if c := counts(m); c[0] >= restartRows/5 {
			if m["status"] != "running" {
				t.Fatalf("the import finished before the worker could be stopped: %v", c)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import made no progress: %v", counts(m))
		}
		time.Sleep(20 * time.Millisecond)
	}
	current.Stop()
	current = nil
	stopped := counts(w.admin.get("/api/v1/imports/"+id).expect(t, http.StatusOK).json(t))
	time.Sleep(time.Second)
	m := w.admin.get("/api/v1/imports/"+id).expect(t, http.StatusOK).json(t)
	if counts(m) != stopped || m["status"] != "running" || stopped[0] >= restartRows {
		t.Fatalf("the import went on without a worker: %v then %v (%v)", stopped, counts(m), m["status"])
	}
	t.Logf("worker stopped at %d of %d rows", stopped[0], restartRows)

	start()
	done := w.admin.waitImport(id, 120*time.Second)
	recordImportHistory(t, id, "import_resumed_after_worker_restart")
	if want := [4]int{restartRows, restartRows - bad, 0, bad}; done["status"] != "succeeded" || counts(done) != want {
		t.Fatalf("after the restart: %v %v, want %v", done["status"], counts(done), want)
	}
	var regs, pracs int
	ctx := context.Background()
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM registrations WHERE number IN (?)`, bun.In(numbers)).Scan(ctx, &regs); err != nil {
		t.Fatal(err)
	}
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM practitioners WHERE created_by = ?`, "import:"+id).Scan(ctx, &pracs); err != nil {
		t.Fatal(err)
	}
	if regs != restartRows-bad || pracs != restartRows-bad {
		t.Fatalf("%d registrations and %d practitioners, want %d of each", regs, pracs, restartRows-bad)
	}
	if got := len(errorCodes(done)); got != bad {
		t.Fatalf("%d errors listed, want %d", got, bad)
	}
	// The activity ran more than once: the second attempt resumed from the committed position.
	attempts := 0
	it := sys.Temporal.GetWorkflowHistory(ctx, workflows.ImportWorkflowID(id), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			attempts = max(attempts, int(a.GetAttempt()))
		}
	}
	if attempts < 2 {
		t.Fatalf("RunImport ran %d attempt(s); the restart should have made a second", attempts)
	}
}
