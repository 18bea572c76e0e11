package imports

import (
	"testing"

	"certflow/ident"
)

func mustUSCC(t *testing.T, first17 string) string {
	t.Helper()
	code, err := ident.CompleteUSCC(first17)
	if err != nil {
		t.Fatal(err)
	}
	return code
}
