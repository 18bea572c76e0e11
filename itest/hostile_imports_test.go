package itest

import (
	"net/http"
	"sync"
	"time"
)

// The hostile-input suite's fixtures for imports.

var (
	importOnce sync.Once
	importID   string
)

// importForm is a valid import upload: the world's enterprise again, so the import adds no row
// of the registry (only its own imports row, written before the answer).
func importForm(h *hostile) []formPart {
	csv := "uscc,name,province_code,qualification\n" + h.w.uscc + ",测试建设有限公司,21,建筑工程施工总承包一级\n"
	return []formPart{{name: "kind", value: "enterprises"},
		{name: "file", file: true, filename: "enterprises.csv", content: []byte(csv)}}
}

// fixtureImport is an import that has finished, made once.
func fixtureImport(h *hostile) string {
	importOnce.Do(func() {
		ct, body := encodeForm(importForm(h))
		status, m, err := fixtureDo(http.MethodPost, "/api/v1/imports", h.tokens["admin"], ct, body)
		if err != nil || status != http.StatusAccepted {
			h.t.Errorf("creating the fixture import: %d %v %v", status, m, err)
			return
		}
		importID = m["id"].(string)
		h.w.admin.waitImport(importID, 30*time.Second)
	})
	return importID
}
