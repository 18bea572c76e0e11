package workflows

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWorkflowsDependOnNoStorage keeps the workflow code free of storage packages: workflows
// import the activities' contract (workflows/steps), never the database or object store.
func TestWorkflowsDependOnNoStorage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "certflow/workflows").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/uptrace/bun", "github.com/minio/", "certflow/store", "certflow/evidence", "certflow/activities"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("package workflows depends on %s", dep)
			}
		}
	}
}
