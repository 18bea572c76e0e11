package itest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"certflow/domain"
)

// TestRegistrationEndToEnd takes an applicant-filed case from draft to an issued registration.
func TestRegistrationEndToEnd(t *testing.T) {
	w := newWorld(t)
	c := w.fileCase(t, w.applicant, "key-e2e")
	id := c["id"].(string)
	if c["stage"] != "draft" || c["status"] != "open" {
		t.Fatalf("new case %v", summary(c))
	}
	again := w.fileCase(t, w.applicant, "key-e2e")
	if again["id"] != id {
		t.Fatalf("same Idempotency-Key gave another case: %v vs %v", again["id"], id)
	}

	w.uploadAll(t, w.applicant, id)
	pdf := pdfBytes(5000)
	up := w.applicant.upload(id, "other", "extra.pdf", pdf).expect(t, 201).json(t)
	sum := sha256.Sum256(pdf)
	if up["sha256"] != hex.EncodeToString(sum[:]) || up["content_type"] != "application/pdf" {
		t.Fatalf("upload receipt %v", up)
	}
	got := w.applicant.get("/api/v1/cases/"+id+"/evidence/"+up["id"].(string)).expect(t, 200)
	if back := sha256.Sum256(got.Body); back != sum {
		t.Fatal("downloaded evidence differs from the upload")
	}
	pres := w.provincial.get("/api/v1/cases/"+id+"/evidence/"+up["id"].(string)+"?presign=true").expect(t, 200).json(t)
	resp, err := http.Get(pres["url"].(string))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("presigned download: %v %v", err, resp)
	}
	resp.Body.Close()

	w.applicant.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.ent.waitCase(id, "enterprise confirmation", stageIs(domain.StageEnterpriseConfirmation))
	w.ent.act(id, domain.ActionConfirm, "employed since 2025").expect(t, 202)
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "complete").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	// four-eyes: the provincial reviewer's subject may not decide at ministry level
	sameSub := as(t, domain.RoleMinistryReviewer, "prov-21-a")
	sameSub.act(id, domain.ActionApprove, "").problem(t, 403, "four_eyes")
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	final := w.applicant.waitCase(id, "approved", statusIs(domain.StatusApproved))
	if final["stage"] != "closed" {
		t.Fatalf("approved case not closed: %v", summary(final))
	}
	reg, ok := final["registration"].(map[string]any)
	if !ok {
		t.Fatalf("no registration on the approved case: %v", summary(final))
	}
	number := reg["registration_number"].(string)
	if !strings.HasPrefix(number, "辽1212526") {
		t.Fatalf("registration number %q not in the official shape 辽 + level 1 + province 21 + years 25/26", number)
	}
	pub := (caller{t: t}).get("/api/v1/public/registrations?registration_number="+url.QueryEscape(number)).expect(t, 200).json(t)
	items := pub["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("public query found %d registrations", len(items))
	}
	item := items[0].(map[string]any)
	if item["id_number_masked"] != w.idNumber[:6]+"********"+w.idNumber[14:] {
		t.Fatalf("public view not masked as expected: %v", item)
	}
	// the closed case refuses further actions
	w.applicant.act(id, domain.ActionWithdraw, "").problem(t, 409, "case_closed")
	recordHistory(t, id, "registration_approved")
}
