package itest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"certflow/domain"
)

// The tests in this file drive each registration path over HTTP to a closed case, check its
// route on the timeline, and record its workflow history for the replay tests (with
// CERTFLOW_RECORD_HISTORIES=1).
//
// Each test sets up its world before t.Parallel(): setup registers resident IDs in the shared
// plainIDs list, so it must not run concurrently; the cases themselves, which mostly wait for
// deadlines of a few seconds, run side by side.

// TestPathSupplementRequested: the provincial reviewer asks for more, the clock stops while
// the filer answers, and the review resumes with the time that was left.
func TestPathSupplementRequested(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	before := dueAt(t, w.provincial.get("/api/v1/cases/"+id).expect(t, 200).json(t))

	w.provincial.act(id, domain.ActionRequestSupplement, "").problem(t, 422, domain.CodeReasonRequired)
	w.provincial.act(id, domain.ActionRequestSupplement, "劳动合同缺少签字页").expect(t, 202)
	c := w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
	sla := c["sla"].(map[string]any)
	if sla["paused"] != true || c["assignee_role"] != "enterprise" || !slices.Contains(allowed(c), "supplement") {
		t.Fatalf("supplement request should pause the clock and wait on the enterprise: sla %v, assignee %v, allowed %v",
			sla, c["assignee_role"], c["allowed_actions"])
	}
	time.Sleep(1500 * time.Millisecond) // let paused time pass: the deadline must move by it
	w.ent.upload(id, "labour_contract", "contract-signed.jpg", jpegBytes(t)).expect(t, 201)
	w.ent.act(id, domain.ActionSupplement, "已补充签字页").expect(t, 202)
	c = w.provincial.waitCase(id, "provincial review again", stageIs(domain.StageProvincialReview))
	if c["sla"].(map[string]any)["paused"] != false {
		t.Fatalf("clock still paused after the supplement: %v", c["sla"])
	}
	if after := dueAt(t, c); !after.After(before.Add(time.Second)) {
		t.Fatalf("review deadline %v did not move past %v by the paused time", after, before)
	}
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)

	c = w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"request_supplement→supplement", "supplement→provincial_review", "approve→ministry_review",
		"approve→public_notice", "public_notice_ended→issuing", "issued→closed")
	recordHistory(t, id, "registration_supplement_requested")
}

// TestPathPrecheckReturned: missing evidence returns the case to the filer; once it is
// uploaded the case passes the pre-check, and here the ministry rejects it.
func TestPathPrecheckReturned(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	w.ent.upload(id, "qualification_certificate", "cert.pdf", pdfBytes(800)).expect(t, 201)
	w.ent.act(id, domain.ActionSubmit, "").expect(t, 202)
	c := w.ent.waitCase(id, "supplement", stageIs(domain.StageSupplement))
	last := lastEvent(c)
	if last["action"] != "precheck_returned" || !strings.Contains(last["comment"].(string), "labour_contract") {
		t.Fatalf("returned without naming the missing labour contract: %v", last)
	}
	if c["assignee_role"] != "enterprise" {
		t.Fatalf("returned case waits on %v, want the enterprise", c["assignee_role"])
	}
	w.ent.upload(id, "labour_contract", "contract.jpg", jpegBytes(t)).expect(t, 201)
	w.ent.act(id, domain.ActionSupplement, "劳动合同已上传").expect(t, 202)
	w.provincial.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.provincial.act(id, domain.ActionApprove, "材料齐全").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionReject, "").problem(t, 422, domain.CodeReasonRequired)
	w.ministry.act(id, domain.ActionReject, "业绩证明不足").expect(t, 202)

	c = w.ent.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_returned→supplement", "supplement→precheck",
		"precheck_passed→provincial_review", "approve→ministry_review", "reject→closed")
	if c["registration"] != nil {
		t.Fatalf("rejected case has a registration: %v", c["registration"])
	}
	recordHistory(t, id, "registration_precheck_returned")
}

// TestPathSLABreached: the provincial deadline passes; the case is reminded, marked breached
// and escalated, keeps waiting, and is then approved through to issuing.
func TestPathSLABreached(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	c := w.provincial.get("/api/v1/cases/"+id).expect(t, 200).json(t)
	if c["sla"].(map[string]any)["breached"] != false {
		t.Fatalf("fresh review already breached: %v", c["sla"])
	}
	// 20 working days of 1 s each
	c = w.provincial.waitCase(id, "breached", func(m map[string]any) bool {
		return m["sla"].(map[string]any)["breached"] == true
	})
	if c["stage"] != "provincial_review" || c["status"] != "open" {
		t.Fatalf("a breached case must keep waiting for its decision: %v", summary(c))
	}
	acts := actions(c)
	if !slices.Contains(acts, "sla_reminder") || !slices.Contains(acts, "sla_breached") {
		t.Fatalf("timeline lacks the reminder or the breach: %v", acts)
	}
	if !listed(t, w.provincial, "/api/v1/cases?overdue=true&stage=provincial_review&limit=100", id) {
		t.Fatal("breached case not listed with overdue=true")
	}
	w.provincial.act(id, domain.ActionApprove, "逾期审核通过").expect(t, 202)
	c = w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	if c["sla"].(map[string]any)["breached"] != false {
		t.Fatalf("the ministry's fresh clock inherited the breach: %v", c["sla"])
	}
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)

	c = w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"sla_breached→provincial_review", "approve→ministry_review", "approve→public_notice",
		"public_notice_ended→issuing", "issued→closed")
	recordHistory(t, id, "registration_sla_breached")
}

// TestPathObjectionDismissed: an objection during public notice holds the case; the
// provincial reviewer dismisses it, the notice resumes and the registration is issued.
func TestPathObjectionDismissed(t *testing.T) {
	w := newWorld(t)
	objector := as(t, domain.RoleEnterprise, "rival-dismissed", enterprise(newUSCC(t, "11")))
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	number := w.ent.get("/api/v1/cases/"+id).expect(t, 200).json(t)["number"].(string)
	w.toNotice(t, id)
	objectByNumber(objector, number, "").problem(t, 422, domain.CodeReasonRequired)
	objectByNumber(objector, number, "该人员未在本单位实际工作").expect(t, 202)
	c := w.provincial.waitCase(id, "objection review", stageIs(domain.StageObjectionReview))
	if c["assignee_role"] != "provincial_reviewer" {
		t.Fatalf("objection waits on %v, want a provincial reviewer", c["assignee_role"])
	}
	w.provincial.act(id, domain.ActionApprove, "经核实异议不成立").expect(t, 202)

	c = w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"approve→ministry_review", "approve→public_notice", "object→objection_review", "approve→public_notice",
		"public_notice_ended→issuing", "issued→closed")
	if c["registration"] == nil {
		t.Fatal("no registration after the dismissed objection")
	}
	recordHistory(t, id, "registration_objection_dismissed")
}

// objectByNumber objects to a case's public notice by its number, as anyone outside the case does.
func objectByNumber(objector caller, number, comment string) response {
	objector.t.Helper()
	return objector.postJSON("/api/v1/public/notices/"+number+"/objections", map[string]any{"comment": comment})
}

// TestPathObjectionUpheld: an upheld objection rejects the case.
func TestPathObjectionUpheld(t *testing.T) {
	w := newWorld(t)
	objector := as(t, domain.RoleEnterprise, "rival-upheld", enterprise(newUSCC(t, "11")))
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	number := w.ent.get("/api/v1/cases/"+id).expect(t, 200).json(t)["number"].(string)
	w.toNotice(t, id)
	objectByNumber(objector, number, "社保记录显示在其他单位").expect(t, 202)
	w.provincial.waitCase(id, "objection review", stageIs(domain.StageObjectionReview))
	w.provincial.act(id, domain.ActionReject, "").problem(t, 422, domain.CodeReasonRequired)
	w.provincial.act(id, domain.ActionReject, "异议成立").expect(t, 202)

	c := w.ent.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"approve→ministry_review", "approve→public_notice", "object→objection_review", "reject→closed")
	if c["registration"] != nil {
		t.Fatalf("upheld objection still issued a registration: %v", c["registration"])
	}
	recordHistory(t, id, "registration_objection_upheld")
}

// TestPathEnterpriseTimeout: the enterprise does not confirm an applicant's case in 5 working
// days, so it goes back to the applicant, who resubmits; the enterprise confirms the second
// time, and the applicant then withdraws.
func TestPathEnterpriseTimeout(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.submitted(t, w.applicant, domain.StageEnterpriseConfirmation)
	c := w.applicant.waitCase(id, "back to the applicant", stageIs(domain.StageSupplement))
	last := lastEvent(c)
	if last["action"] != "enterprise_timeout" || !strings.Contains(last["comment"].(string), "5 working days") {
		t.Fatalf("returned for another reason: %v", last)
	}
	if c["assignee_role"] != "applicant" {
		t.Fatalf("timed-out case waits on %v, want the applicant", c["assignee_role"])
	}
	w.ent.act(id, domain.ActionConfirm, "").problem(t, 409, domain.CodeWrongStage)
	w.applicant.act(id, domain.ActionSupplement, "请单位尽快确认").expect(t, 202)
	w.ent.waitCase(id, "enterprise confirmation again", stageIs(domain.StageEnterpriseConfirmation))
	w.ent.act(id, domain.ActionConfirm, "确认聘用").expect(t, 202)
	w.applicant.waitCase(id, "provincial review", stageIs(domain.StageProvincialReview))
	w.applicant.act(id, domain.ActionWithdraw, "改由单位申报").expect(t, 202)

	c = w.applicant.waitCase(id, "withdrawn", statusIs(domain.StatusWithdrawn))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→enterprise_confirmation",
		"enterprise_timeout→supplement", "supplement→precheck", "precheck_passed→enterprise_confirmation",
		"confirm→provincial_review", "withdraw→closed")
	recordHistory(t, id, "registration_enterprise_timeout")
}

// TestPathExtended: the ministry extends its limit once by 10 working days, then approves.
func TestPathExtended(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	c := w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	before := dueAt(t, c)
	w.ministry.act(id, domain.ActionExtend, "").problem(t, 422, domain.CodeReasonRequired)
	w.ministry.act(id, domain.ActionExtend, "需核实继续教育记录").expect(t, 202)
	c = w.ministry.waitCase(id, "extended", func(m map[string]any) bool { return lastEvent(m)["action"] == "extend" })
	if !strings.Contains(lastEvent(c)["comment"].(string), "limit extended by 10 working days") {
		t.Fatalf("extension not explained on the timeline: %v", lastEvent(c))
	}
	if after := dueAt(t, c); after.Sub(before) < 9*time.Second {
		t.Fatalf("deadline moved from %v to %v, want about 10 working days (10 s) later", before, after)
	}
	w.ministry.act(id, domain.ActionExtend, "再次延期").problem(t, 409, domain.CodeAlreadyExtended)
	w.ministry.act(id, domain.ActionApprove, "核实无误").expect(t, 202)

	c = w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"approve→ministry_review", "extend→ministry_review", "approve→public_notice",
		"public_notice_ended→issuing", "issued→closed")
	recordHistory(t, id, "registration_extended")
}

// TestPathRejectedProvincial: the provincial reviewer rejects, giving a reason.
func TestPathRejectedProvincial(t *testing.T) {
	w := newWorld(t)
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	w.ministry.act(id, domain.ActionReject, "越级").problem(t, 403, domain.CodeNotAllowed)
	w.provincial.act(id, domain.ActionReject, "").problem(t, 422, domain.CodeReasonRequired)
	w.provincial.act(id, domain.ActionReject, "资格证书信息与证书库不一致").expect(t, 202)

	c := w.ent.waitCase(id, "rejected", statusIs(domain.StatusRejected))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review", "reject→closed")
	if last := lastEvent(c); last["comment"] != "资格证书信息与证书库不一致" || last["actor"] != "prov-21-a" {
		t.Fatalf("rejection does not name its reviewer and reason: %v", last)
	}
	w.ent.act(id, domain.ActionWithdraw, "").problem(t, 409, domain.CodeCaseClosed)
	recordHistory(t, id, "registration_rejected_provincial")
}

// TestPathLevel2: a 二级 registration is decided by the province, without ministry review.
func TestPathLevel2(t *testing.T) {
	w := newWorld(t)
	w.level2(t)
	t.Parallel()
	id := w.submitted(t, w.ent, domain.StageProvincialReview)
	w.provincial.act(id, domain.ActionApprove, "二级注册，省级审批").expect(t, 202)

	c := w.ent.waitCase(id, "approved", statusIs(domain.StatusApproved))
	wantRoute(t, c, "created→draft", "submit→precheck", "precheck_passed→provincial_review",
		"approve→public_notice", "public_notice_ended→issuing", "issued→closed")
	reg, ok := c["registration"].(map[string]any)
	if !ok {
		t.Fatalf("no registration: %v", summary(c))
	}
	if reg["level"] != float64(2) || !strings.HasPrefix(reg["registration_number"].(string), "辽221") {
		t.Fatalf("registration %v, want level 2 numbered 辽2 21 …", reg)
	}
	recordHistory(t, id, "registration_level2")
}

// level2 registers a 二级 practitioner employed by the world's enterprise and makes them the
// world's practitioner.
func (w *world) level2(t *testing.T) {
	t.Helper()
	w.idNumber = newResidentID(t)
	body := practitionerBody(w.idNumber)
	body["qualification"].(map[string]any)["level"] = 2
	r := w.ent.postJSON("/api/v1/practitioners", body).expect(t, 201).json(t)
	if q := r["qualification"].(map[string]any); q["level"] != float64(2) {
		t.Fatalf("practitioner registered at level %v", q["level"])
	}
	w.pracID = r["id"].(string)
	w.applicant = as(t, domain.RoleApplicant, "app-"+w.idNumber[14:], practitioner(w.idNumber))
}

// submitted files a case as by, uploads the required evidence, submits it and waits until it
// reaches stage.
func (w *world) submitted(t *testing.T, by caller, stage domain.Stage) string {
	t.Helper()
	id := w.fileCase(t, by, "")["id"].(string)
	w.uploadAll(t, by, id)
	by.act(id, domain.ActionSubmit, "").expect(t, 202)
	by.waitCase(id, string(stage), stageIs(stage))
	return id
}

// toNotice approves a case in provincial review at both levels and waits for public notice.
func (w *world) toNotice(t *testing.T, id string) {
	t.Helper()
	w.provincial.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "ministry review", stageIs(domain.StageMinistryReview))
	w.ministry.act(id, domain.ActionApprove, "").expect(t, 202)
	w.ministry.waitCase(id, "public notice", stageIs(domain.StagePublicNotice))
}

// route is the case's timeline as action→to_stage. Reminders and uploads are left out: where
// they fall depends on timing (and uploads are written by the API, not the workflow).
func route(c map[string]any) []string {
	var out []string
	for _, e := range c["events"].([]any) {
		ev := e.(map[string]any)
		if ev["action"] == "sla_reminder" || ev["action"] == "evidence_uploaded" {
			continue
		}
		out = append(out, fmt.Sprintf("%v→%v", ev["action"], ev["to_stage"]))
	}
	return out
}

// wantRoute checks the case's route.
func wantRoute(t *testing.T, c map[string]any, want ...string) {
	t.Helper()
	if got := route(c); !slices.Equal(got, want) {
		t.Fatalf("route\n got  %v\n want %v", got, want)
	}
}

// actions lists the actions on the case's timeline.
func actions(c map[string]any) []string {
	var out []string
	for _, e := range c["events"].([]any) {
		out = append(out, e.(map[string]any)["action"].(string))
	}
	return out
}

// lastEvent is the latest timeline entry.
func lastEvent(c map[string]any) map[string]any {
	evs := c["events"].([]any)
	if len(evs) == 0 {
		return map[string]any{}
	}
	return evs[len(evs)-1].(map[string]any)
}

// allowed lists the actions the caller may take.
func allowed(c map[string]any) []string {
	var out []string
	for _, a := range c["allowed_actions"].([]any) {
		out = append(out, a.(string))
	}
	return out
}

// dueAt is the case's SLA deadline.
func dueAt(t *testing.T, c map[string]any) time.Time {
	t.Helper()
	s, ok := c["sla"].(map[string]any)["due_at"].(string)
	if !ok {
		t.Fatalf("case has no deadline: %v", c["sla"])
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// listed reports whether a list query returns the case.
func listed(t *testing.T, c caller, path, id string) bool {
	t.Helper()
	for _, it := range c.get(path).expect(t, 200).json(t)["items"].([]any) {
		if it.(map[string]any)["id"] == id {
			return true
		}
	}
	return false
}

// TestCaseChangesAreAnnounced: a write to a case's view wakes the API's waiters through a
// PostgreSQL notification (the hub has no polling of its own, so nothing else could wake it).
func TestCaseChangesAreAnnounced(t *testing.T) {
	w := newWorld(t)
	settled := func(m map[string]any) bool { return m["version"].(float64) >= 2 } // "created" recorded
	id := w.fileCase(t, w.ent, "")["id"].(string)
	otherID := w.fileCase(t, w.ent, "")["id"].(string)
	w.ent.waitCase(id, "created", settled)
	w.ent.waitCase(otherID, "created", settled)
	changed, stop := sys.API.Changes.Subscribe(id)
	defer stop()
	other, stopOther := sys.API.Changes.Subscribe(otherID)
	defer stopOther()
	w.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201)
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Fatal("an upload to the case woke no waiter")
	}
	select {
	case <-other:
		t.Fatal("a waiter of another case was woken")
	case <-time.After(200 * time.Millisecond):
	}
}
