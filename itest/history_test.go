package itest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"certflow/workflows"
)

// historySet is the folder of workflows/testdata/histories that recordings go to: one per
// workflow version. When a workflow change needs workflow.GetVersion, start a new set and keep
// the old ones, so cases that started on every version keep replaying.
const historySet = "v2-lifecycle"

// recordHistory saves a finished case's workflow history into workflows/testdata/histories/
// <historySet> when CERTFLOW_RECORD_HISTORIES=1, for the replay tests to run in CI from then on.
func recordHistory(t *testing.T, caseID, name string) {
	t.Helper()
	recordRunHistory(t, caseID, "", name)
}

// recordRunHistory saves one run of a case's workflow ("" for the latest), like recordHistory.
func recordRunHistory(t *testing.T, caseID, runID, name string) {
	t.Helper()
	recordRunHistoryIn(t, historySet, caseID, runID, name)
}

// recordRunHistoryIn saves one run of a workflow into the folder set of
// workflows/testdata/histories, like recordHistory.
func recordRunHistoryIn(t *testing.T, set, workflowID, runID, name string) {
	t.Helper()
	if os.Getenv("CERTFLOW_RECORD_HISTORIES") != "1" {
		return
	}
	it := sys.Temporal.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "workflows", "testdata", "histories", set, name+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}

// recordImportHistory waits for an import's workflow to finish and records its history, like
// recordHistory.
func recordImportHistory(t *testing.T, importID, name string) {
	t.Helper()
	if os.Getenv("CERTFLOW_RECORD_HISTORIES") != "1" {
		return
	}
	id := workflows.ImportWorkflowID(importID)
	if err := sys.Temporal.GetWorkflow(context.Background(), id, "").Get(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	recordRunHistory(t, id, "", name)
}
