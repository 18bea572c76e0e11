package itest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"sync/atomic"
	"testing"

	"certflow/domain"
	"certflow/ident"
)

var serial atomic.Int64

// newResidentID returns a fresh valid resident ID (born 1985) and remembers it as secret.
func newResidentID(t *testing.T) string {
	t.Helper()
	n := serial.Add(1)
	first17 := fmt.Sprintf("210102198503%02d%03d", 1+n%28, n%1000)
	id, err := ident.CompleteResidentID(first17)
	if err != nil {
		t.Fatal(err)
	}
	plainIDs = append(plainIDs, id)
	return id
}

// newUSCC returns a fresh valid credit code in the province.
func newUSCC(t *testing.T, province string) string {
	t.Helper()
	first17 := fmt.Sprintf("91%s0102MA%07d", province, serial.Add(1))
	code, err := ident.CompleteUSCC(first17)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// world is one enterprise with a practitioner and the callers around them.
type world struct {
	uscc       string
	idNumber   string
	pracID     string
	admin      caller
	ent        caller
	applicant  caller
	provincial caller
	ministry   caller
}

// newWorld registers an enterprise in province 21 and a 一级 practitioner it employs.
func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{uscc: newUSCC(t, "21"), idNumber: newResidentID(t)}
	w.admin = as(t, domain.RoleAdmin, "admin-1")
	w.ent = as(t, domain.RoleEnterprise, "ent-user-"+w.uscc, enterprise(w.uscc))
	w.applicant = as(t, domain.RoleApplicant, "app-"+w.idNumber[14:], practitioner(w.idNumber))
	w.provincial = as(t, domain.RoleProvincialReviewer, "prov-21-a", province("21"))
	w.ministry = as(t, domain.RoleMinistryReviewer, "ministry-a")
	w.admin.postJSON("/api/v1/enterprises", map[string]any{"uscc": w.uscc, "name": "测试建设有限公司 " + w.uscc[10:],
		"province_code": "21", "qualification": "建筑工程施工总承包一级"}).expect(t, 201)
	r := w.ent.postJSON("/api/v1/practitioners", practitionerBody(w.idNumber)).expect(t, 201)
	w.pracID = r.json(t)["id"].(string)
	return w
}

// practitionerBody is a valid practitioner registration.
func practitionerBody(idNumber string) map[string]any {
	return map[string]any{"id_number": idNumber, "name": "李娜", "phone": "13912345678",
		"qualification": map[string]any{"level": 1, "specialty": "建筑工程", "certificate_no": "JZ-0001",
			"obtained_on": "2025-06-01", "education_hours": 0}}
}

// fileCase opens a registration case for the world's practitioner.
func (w *world) fileCase(t *testing.T, by caller, key string) map[string]any {
	t.Helper()
	var hdr []string
	if key != "" {
		hdr = []string{"Idempotency-Key", key}
	}
	r := by.postJSON("/api/v1/cases", map[string]any{"type": "registration", "practitioner_id": w.pracID,
		"enterprise_uscc": w.uscc, "specialty": "建筑工程"}, hdr...).expect(t, 201)
	return r.json(t)
}

// uploadAll uploads the three required kinds of evidence.
func (w *world) uploadAll(t *testing.T, by caller, caseID string) {
	t.Helper()
	by.upload(caseID, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	by.upload(caseID, "qualification_certificate", "cert.pdf", pdfBytes(2000)).expect(t, 201)
	by.upload(caseID, "labour_contract", "contract.jpg", jpegBytes(t)).expect(t, 201)
}

func pdfBytes(n int) []byte {
	b := []byte("%PDF-1.4\n%certflow test document\n")
	for len(b) < n {
		b = append(b, fmt.Sprintf("%d 0 obj << /Length 0 >> endobj\n", len(b))...)
	}
	return append(b, "%%EOF\n"...)
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < 16; i++ {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	return img
}

func pngBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
