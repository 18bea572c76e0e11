package itest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"certflow/domain"
	"certflow/store"
)

// TestRenewalOverHTTP renews a registration: the window is enforced when filing, hours short of
// the period's requirement send the case back naming the hours missing, a second case for the
// registration waits while one is submitted, and approval extends validity by 3 years from the
// old valid_to with the number kept.
func TestRenewalOverHTTP(t *testing.T) {
	w := newWorld(t)
	validTo := today().AddDate(0, 0, 60)
	number := w.holdRegistration(t, validTo)

	early := w.holdRegistrationFor(t, newWorld(t), today().AddDate(0, 0, 200))
	early.w.applicant.postJSON("/api/v1/cases", map[string]any{"type": "renewal", "registration_number": early.number}).
		problem(t, 422, "renewal_window")
	w.applicant.postJSON("/api/v1/cases", map[string]any{"type": "renewal", "registration_number": number,
		"specialty": "建筑工程"}).problem(t, 422, "invalid_input")
	as(t, domain.RoleApplicant, "someone-else", practitioner(newResidentID(t))).
		postJSON("/api/v1/cases", map[string]any{"type": "renewal", "registration_number": number}).problem(t, 422, "invalid_input")

	id := fileLifecycle(t, w.applicant, map[string]any{"type": "renewal", "registration_number": number})
	second := fileLifecycle(t, w.ent, map[string]any{"type": "renewal", "registration_number": number}) // a draft blocks nothing
	w.applicant.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	w.applicant.upload(id, "labour_contract", "contract.jpg", jpegBytes(t)).expect(t, 201)
	w.addEducation(t, 96, validTo.AddDate(-1, 0, 0))
	w.applicant.act(id, domain.ActionSubmit, "").expect(t, 202)
	returned := w.applicant.waitCase(id, "returned for hours", stageIs(domain.StageSupplement))
	if !hasEvent(returned, "precheck_returned", "24 hours of continuing education are missing") {
		t.Fatalf("the return does not name the hours missing: %v", summary(returned))
	}
	w.ent.act(second, domain.ActionSubmit, "").problem(t, 409, "case_open")
	w.ent.postJSON("/api/v1/cases", map[string]any{"type": "renewal", "registration_number": number}).problem(t, 409, "case_open")

	w.addEducation(t, 24, validTo.AddDate(0, -2, 0))
	w.applicant.act(id, domain.ActionSupplement, "已补充学时").expect(t, 202)
	w.ent.waitCase(id, "enterprise confirmation", stageIs(domain.StageEnterpriseConfirmation))
	w.ent.act(id, domain.ActionConfirm, "").expect(t, 202)
	w.approveAtProvinceAndMinistry(t, id)
	w.applicant.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "renewal_returned_then_approved")
	w.ent.act(second, domain.ActionWithdraw, "").expect(t, 202)
	w.ent.waitCase(second, "withdrawn", statusIs(domain.StatusWithdrawn))
	recordHistory(t, second, "renewal_withdrawn")

	reg := registrationOf(t, w.applicant, number)
	if want := validTo.AddDate(3, 0, 0).Format(time.DateOnly); reg["valid_to"] != want || reg["status"] != "active" {
		t.Fatalf("renewed registration %v, want valid_to %s", reg, want)
	}
	if !caseListed(reg, id, "renewal", "approved") {
		t.Fatalf("the renewal is not in the registration's history: %v", reg["cases"])
	}
}

// TestEmployerChangeOverHTTP moves a registration to an enterprise of another province: the
// old enterprise releases, the new one (which filed) needs no confirmation, the new province
// and the ministry approve; both enterprises see the case, a third does not; afterwards the
// registration is the new enterprise's alone.
func TestEmployerChangeOverHTTP(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	newUSCC, newEnt := newEnterprise(t, w.admin, "11")
	_, stranger := newEnterprise(t, w.admin, "21")
	beijing := as(t, domain.RoleProvincialReviewer, "prov-11-a", province("11"))

	newEnt.postJSON("/api/v1/cases", map[string]any{"type": "change", "change_kind": "employer",
		"registration_number": number, "new_enterprise_uscc": w.uscc}).problem(t, 403, "forbidden")
	id := fileLifecycle(t, newEnt, map[string]any{"type": "change", "change_kind": "employer",
		"registration_number": number, "new_enterprise_uscc": newUSCC})
	c := newEnt.get("/api/v1/cases/"+id).expect(t, 200).json(t)
	if c["previous_enterprise_uscc"] != w.uscc || c["enterprise_uscc"] != newUSCC || c["province"] != "11" {
		t.Fatalf("employer change %v", c)
	}
	stranger.get("/api/v1/cases/"+id).problem(t, 404, "not_found")
	newEnt.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	newEnt.upload(id, "labour_contract", "contract.jpg", jpegBytes(t)).expect(t, 201)
	newEnt.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.ent.waitCase(id, "release", stageIs(domain.StageRelease)) // the old enterprise sees the case
	if !listsCase(w.ent, "/api/v1/cases?assignee=me", id) || listsCase(newEnt, "/api/v1/cases?assignee=me", id) {
		t.Fatal("in release the case waits on the enterprise the person leaves, and on no other")
	}
	notice := &store.Notification{CaseID: id, Key: "release-notice-test", Kind: "sla_reminder", Role: "enterprise",
		EnterpriseUSCC: w.uscc, Message: "the release is due", At: time.Now().UTC()}
	if err := sys.Store.AddNotification(context.Background(), notice); err != nil {
		t.Fatal(err)
	}
	if !inboxHas(w.ent, id, "sla_reminder") || inboxHas(newEnt, id, "sla_reminder") {
		t.Fatal("a notice addressed to the old enterprise reached the new one, or not the old one")
	}
	newEnt.act(id, domain.ActionRelease, "").problem(t, 403, domain.CodeNotAllowed)
	w.ent.act(id, domain.ActionRelease, "劳动合同已解除").expect(t, 202)
	beijing.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "").problem(t, 404, "not_found") // not Liaoning's case
	beijing.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	newEnt.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "change_employer_released")

	reg := registrationOf(t, newEnt, number)
	if ent := reg["enterprise"].(map[string]any); ent["uscc"] != newUSCC || reg["status"] != "active" {
		t.Fatalf("registration after the move %v", reg)
	}
	w.ent.get("/api/v1/registrations/"+number).problem(t, 404, "not_found")
	w.ent.get("/api/v1/practitioners/"+w.pracID).problem(t, 404, "not_found")
	list := newEnt.get("/api/v1/registrations?status=active").expect(t, 200).json(t)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["registration_number"] != number {
		t.Fatalf("the new enterprise's registrations: %v", list)
	}
}

// TestEmployerChangeByProofOfContractEnd: the applicant proves the old contract ended, so no
// release is waited for; the new enterprise confirms.
func TestEmployerChangeByProofOfContractEnd(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	newUSCC, newEnt := newEnterprise(t, w.admin, "21")
	id := fileEmployerChangeWithProof(t, w.applicant, number, newUSCC)
	newEnt.waitCase(id, "confirmation", stageIs(domain.StageEnterpriseConfirmation))
	newEnt.act(id, domain.ActionReject, "").problem(t, 422, domain.CodeReasonRequired)
	newEnt.act(id, domain.ActionConfirm, "").expect(t, 202)
	w.approveAtProvinceAndMinistry(t, id)
	final := w.applicant.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "change_employer_contract_ended")
	if hasEvent(final, "release", "") {
		t.Fatalf("a release was waited for despite the proof: %v", summary(final))
	}
	if reg := registrationOf(t, w.applicant, number); reg["enterprise"].(map[string]any)["uscc"] != newUSCC {
		t.Fatalf("registration %v", reg)
	}
}

// TestTwoEmployerChangesOneWins: two enterprises file for the same person and submit at once;
// exactly one submission is accepted, the other answers 409 case_open.
func TestTwoEmployerChangesOneWins(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	var ids []string
	var ents []caller
	for range 2 {
		uscc, ent := newEnterprise(t, w.admin, "21")
		ids = append(ids, fileLifecycle(t, ent, map[string]any{"type": "change", "change_kind": "employer",
			"registration_number": number, "new_enterprise_uscc": uscc}))
		ents = append(ents, ent)
	}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = ents[i].act(ids[i], domain.ActionSubmit, "").Status
		}()
	}
	wg.Wait()
	sorted := slices.Clone(statuses)
	slices.Sort(sorted)
	if sorted[0] != 202 || sorted[1] != 409 {
		t.Fatalf("two concurrent submissions answered %v, want one 202 and one 409", statuses)
	}
	loser := slices.Index(statuses, 409)
	if c := ents[loser].get("/api/v1/cases/"+ids[loser]).expect(t, 200).json(t); c["stage"] != "draft" {
		t.Fatalf("the refused submission moved its case: %v", summary(c))
	}
}

// TestEmployerChangeRefusedByTheNewEnterprise: the enterprise asked to confirm refuses, with a
// reason; the registration stays where it was.
func TestEmployerChangeRefusedByTheNewEnterprise(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	newUSCC, newEnt := newEnterprise(t, w.admin, "21")
	id := fileEmployerChangeWithProof(t, w.applicant, number, newUSCC)
	newEnt.waitCase(id, "confirmation", stageIs(domain.StageEnterpriseConfirmation))
	newEnt.act(id, domain.ActionReject, "本单位不录用").expect(t, 202)
	w.applicant.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	recordHistory(t, id, "change_employer_refused_by_new_enterprise")
	if reg := registrationOf(t, w.applicant, number); reg["enterprise"].(map[string]any)["uscc"] != w.uscc {
		t.Fatalf("registration moved after a refusal: %v", reg)
	}
}

// TestEmployerChangeOfAMovedRegistrationIsRejected: when the registration left the enterprise
// the case was filed against before the change applies (here the registry is corrected
// directly), the approved change is rejected as registration_changed and moves nothing.
func TestEmployerChangeOfAMovedRegistrationIsRejected(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	newUSCC, newEnt := newEnterprise(t, w.admin, "21")
	thirdUSCC, _ := newEnterprise(t, w.admin, "21")
	id := fileEmployerChangeWithProof(t, newEnt, number, newUSCC)
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	if _, err := sys.Store.DB.NewRaw("UPDATE registrations SET enterprise_uscc = ? WHERE number = ?", thirdUSCC, number).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	final := newEnt.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	recordHistory(t, id, "change_employer_registration_changed")
	if !hasEvent(final, "apply_refused", "registration_changed") {
		t.Fatalf("rejection does not say why: %v", summary(final))
	}
	var uscc string
	if err := sys.Store.DB.NewRaw("SELECT enterprise_uscc FROM registrations WHERE number = ?", number).
		Scan(context.Background(), &uscc); err != nil || uscc != thirdUSCC {
		t.Fatalf("registration with %s (%v), want it left with %s", uscc, err, thirdUSCC)
	}
}

// TestEnterpriseRenameOverHTTP renames an enterprise: every registration with it shows the new
// name once the province approves.
func TestEnterpriseRenameOverHTTP(t *testing.T) {
	w := newWorld(t)
	first := w.holdRegistration(t, today().AddDate(2, 0, 0))
	other := newWorld(t)
	other.uscc = w.uscc // a second person registered with the same enterprise
	second := w.holdRegistrationFor(t, other, today().AddDate(1, 0, 0)).number

	w.applicant.postJSON("/api/v1/cases", map[string]any{"type": "change", "change_kind": "enterprise_name",
		"enterprise_uscc": w.uscc, "new_name": "更名后建设集团有限公司"}).problem(t, 403, "forbidden")
	id := fileLifecycle(t, w.ent, map[string]any{"type": "change", "change_kind": "enterprise_name",
		"enterprise_uscc": w.uscc, "new_name": "更名后建设集团有限公司"})
	c := w.ent.get("/api/v1/cases/"+id).expect(t, 200).json(t)
	if _, ok := c["practitioner"]; ok || !slices.Equal(anyStrings(c["required_evidence"]), []string{"business_licence"}) {
		t.Fatalf("enterprise rename case %v", c)
	}
	w.ent.upload(id, "business_licence", "licence.pdf", pdfBytes(3000)).expect(t, 201)
	w.ent.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "change_enterprise_name")
	for _, number := range []string{first, second} {
		res := anon(t).get("/api/v1/public/registrations?registration_number="+url.QueryEscape(number)).expect(t, 200).json(t)
		items := res["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["enterprise"] != "更名后建设集团有限公司" {
			t.Fatalf("registration %s after the rename: %v", number, items)
		}
	}
}

// TestPersonRenameOverHTTP records the holder's new name.
func TestPersonRenameOverHTTP(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	id := fileLifecycle(t, w.applicant, map[string]any{"type": "change", "change_kind": "person_name",
		"registration_number": number, "new_name": "李娜娜"})
	w.applicant.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	w.applicant.upload(id, "name_change_proof", "proof.pdf", pdfBytes(2000)).expect(t, 201)
	w.applicant.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.approveAtProvinceAndMinistry(t, id)
	w.applicant.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "change_person_name")
	if reg := registrationOf(t, w.applicant, number); reg["practitioner"].(map[string]any)["name"] != "李娜娜" {
		t.Fatalf("registration %v", reg)
	}
}

// TestAdditionOverHTTP adds a specialty; valid_to stays; the public registry lists both.
func TestAdditionOverHTTP(t *testing.T) {
	w := newWorld(t)
	validTo := today().AddDate(2, 0, 0)
	number := w.holdRegistration(t, validTo)
	w.ent.postJSON("/api/v1/cases", map[string]any{"type": "addition", "registration_number": number,
		"specialty": "建筑工程"}).problem(t, 422, "invalid_input")
	w.ent.postJSON("/api/v1/cases", map[string]any{"type": "addition", "registration_number": number,
		"specialty": "不存在专业"}).problem(t, 422, "invalid_input")
	id := fileLifecycle(t, w.ent, map[string]any{"type": "addition", "registration_number": number, "specialty": "市政公用工程"})
	w.uploadAll(t, w.ent, id)
	w.ent.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.approveAtProvinceAndMinistry(t, id)
	w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "addition_approved")
	reg := registrationOf(t, w.ent, number)
	if !slices.Equal(anyStrings(reg["specialties"]), []string{"建筑工程", "市政公用工程"}) || reg["valid_to"] != validTo.Format(time.DateOnly) {
		t.Fatalf("registration after the addition %v", reg)
	}
	res := anon(t).get("/api/v1/public/registrations?registration_number="+url.QueryEscape(number)).expect(t, 200).json(t)
	if sp := anyStrings(res["items"].([]any)[0].(map[string]any)["specialties"]); len(sp) != 2 {
		t.Fatalf("public specialties %v", sp)
	}
}

// TestCancellationOverHTTP: only investigators may cancel as revoked_by_authority; an
// investigator's cancellation decided by the province ends the registration, its history kept.
func TestCancellationOverHTTP(t *testing.T) {
	w := newWorld(t)
	number := w.holdRegistration(t, today().AddDate(2, 0, 0))
	w.applicant.postJSON("/api/v1/cases", map[string]any{"type": "cancellation", "registration_number": number,
		"reason": "revoked_by_authority"}).problem(t, 422, "invalid_input")
	as(t, domain.RoleInvestigator, "inv-11", province("11")).postJSON("/api/v1/cases", map[string]any{"type": "cancellation",
		"registration_number": number, "reason": "revoked_by_authority"}).problem(t, 422, "invalid_input")
	inv := as(t, domain.RoleInvestigator, "inv-21", province("21"))
	id := fileLifecycle(t, inv, map[string]any{"type": "cancellation", "registration_number": number, "reason": "revoked_by_authority"})
	inv.act(id, domain.ActionSubmit, "").expect(t, 202)
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	inv.waitCase(id, "approved", statusIs(domain.StatusApproved))
	recordHistory(t, id, "cancellation_by_investigator")
	reg := registrationOf(t, w.applicant, number)
	if reg["status"] != "cancelled" || !caseListed(reg, id, "cancellation", "approved") {
		t.Fatalf("registration after cancellation %v", reg)
	}
	w.applicant.postJSON("/api/v1/cases", map[string]any{"type": "cancellation", "registration_number": number,
		"reason": "at_own_request"}).problem(t, 422, "invalid_input")
}

// TestCancellationByApplicantAndEnterprise: the holder and the enterprise file too.
func TestCancellationByApplicantAndEnterprise(t *testing.T) {
	for _, byEnterprise := range []bool{false, true} {
		w := newWorld(t)
		number := w.holdRegistration(t, today().AddDate(2, 0, 0))
		by := w.applicant
		if byEnterprise {
			by = w.ent
		}
		id := fileLifecycle(t, by, map[string]any{"type": "cancellation", "registration_number": number, "reason": "contract_ended"})
		by.act(id, domain.ActionSubmit, "").expect(t, 202)
		w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
		w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
		by.waitCase(id, "approved", statusIs(domain.StatusApproved))
		recordHistory(t, id, "cancellation_by_"+map[bool]string{false: "applicant", true: "enterprise"}[byEnterprise])
		if reg := registrationOf(t, w.provincial, number); reg["status"] != "cancelled" {
			t.Fatalf("registration %v", reg)
		}
	}
}

// approveAtProvinceAndMinistry approves a 一级 case at provincial, then ministry review.
func (w *world) approveAtProvinceAndMinistry(t *testing.T, id string) {
	t.Helper()
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
}

// fileEmployerChangeWithProof files and submits a change of employer with the evidence and
// proof that the old contract ended (so no release is waited for), and returns its id.
func fileEmployerChangeWithProof(t *testing.T, by caller, number, newUSCC string) string {
	t.Helper()
	id := fileLifecycle(t, by, map[string]any{"type": "change", "change_kind": "employer",
		"registration_number": number, "new_enterprise_uscc": newUSCC})
	for _, kind := range []string{"id_card", "labour_contract", "contract_termination"} {
		by.upload(id, kind, kind+".png", pngBytes(t)).expect(t, 201)
	}
	by.act(id, domain.ActionSubmit, "").expect(t, 202)
	return id
}

// listsCase reports whether a list answer of the caller holds the case.
func listsCase(by caller, path, id string) bool {
	for _, it := range by.get(path).expect(by.t, 200).json(by.t)["items"].([]any) {
		if it.(map[string]any)["id"] == id {
			return true
		}
	}
	return false
}

// inboxHas reports whether the caller's inbox holds a notification of a kind about a case.
func inboxHas(by caller, caseID, kind string) bool {
	for _, it := range by.get("/api/v1/notifications?limit=100").expect(by.t, 200).json(by.t)["items"].([]any) {
		if m := it.(map[string]any); m["case_id"] == caseID && m["kind"] == kind {
			return true
		}
	}
	return false
}

// heldRegistration is a registration given to another world's practitioner.
type heldRegistration struct {
	w      *world
	number string
}

// holdRegistrationFor gives o's practitioner a registration with o's enterprise.
func (w *world) holdRegistrationFor(t *testing.T, o *world, validTo time.Time) heldRegistration {
	t.Helper()
	return heldRegistration{w: o, number: o.holdRegistration(t, validTo)}
}

// hasEvent reports whether a case's timeline has an action whose comment contains text.
func hasEvent(c map[string]any, action, text string) bool {
	evs, _ := c["events"].([]any)
	for _, e := range evs {
		ev := e.(map[string]any)
		if ev["action"] == action && strings.Contains(fmt.Sprint(ev["comment"]), text) {
			return true
		}
	}
	return false
}

// caseListed reports whether a registration's history lists a case with a type and status.
func caseListed(reg map[string]any, id, typ, status string) bool {
	cases, _ := reg["cases"].([]any)
	for _, c := range cases {
		m := c.(map[string]any)
		if m["id"] == id && m["type"] == typ && m["status"] == status {
			return true
		}
	}
	return false
}

// anon is a caller without a token.
func anon(t *testing.T) caller { return caller{t: t} }

// anyStrings converts a JSON array of strings.
func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}
