package itest

import (
	"context"
	"io"
	"testing"
)

// TestEvidenceIsWriteOnce: a committed evidence file's version is under compliance retention,
// so deleting it by version id with the storage credentials fails and the file stays readable.
func TestEvidenceIsWriteOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	caseID, evID := caseEvidence(t, w)
	var row struct {
		ObjectKey string `bun:"object_key"`
		VersionID string `bun:"version_id"`
	}
	if err := sys.Store.DB.NewRaw(`SELECT object_key, version_id FROM evidence WHERE id = ?`, evID).Scan(ctx, &row); err != nil {
		t.Fatal(err)
	}
	if row.VersionID == "" {
		t.Fatal("the evidence row has no object version id")
	}
	if err := sys.Evidence.RemoveVersion(ctx, row.ObjectKey, row.VersionID); err == nil {
		t.Fatal("deleting a retained evidence version succeeded")
	}
	if err := sys.Evidence.Remove(ctx, row.ObjectKey); err == nil {
		t.Fatal("removing a retained evidence object succeeded")
	}
	rc, _, err := sys.Evidence.Open(ctx, row.ObjectKey)
	if err != nil {
		t.Fatalf("the evidence is gone: %v", err)
	}
	defer rc.Close()
	if b, err := io.ReadAll(rc); err != nil || len(b) == 0 {
		t.Fatalf("read the evidence: %d bytes, %v", len(b), err)
	}
	w.ent.get("/api/v1/cases/"+caseID+"/evidence/"+evID).expect(t, 200)
}
