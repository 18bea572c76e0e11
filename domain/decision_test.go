package domain

import (
	"errors"
	"testing"
)

func TestCheckDecision(t *testing.T) {
	base := CaseFacts{Status: StatusOpen, EnterpriseUSCC: "E-A", PractitionerID: "p-1", Province: "21"}
	at := func(stage Stage) CaseFacts { f := base; f.Stage = stage; return f }
	applicant := Principal{Subject: "a", Role: RoleApplicant, PractitionerID: "p-1"}
	other := Principal{Subject: "o", Role: RoleApplicant, PractitionerID: "p-2"}
	entA := Principal{Subject: "e", Role: RoleEnterprise, Enterprise: "E-A"}
	entB := Principal{Subject: "eb", Role: RoleEnterprise, Enterprise: "E-B"}
	prov := Principal{Subject: "pr", Role: RoleProvincialReviewer, Province: "21"}
	provBJ := Principal{Subject: "pb", Role: RoleProvincialReviewer, Province: "11"}
	min := Principal{Subject: "m", Role: RoleMinistryReviewer}
	ministryFacts := at(StageMinistryReview)
	ministryFacts.ProvincialReviewer = "m"
	extended := at(StageMinistryReview)
	extended.Extended = true
	closed := at(StageClosed)
	closed.Status = StatusApproved

	tests := []struct {
		name    string
		f       CaseFacts
		p       Principal
		a       Action
		comment string
		code    string // "" = allowed
	}{
		{"applicant submits own draft", at(StageDraft), applicant, ActionSubmit, "", ""},
		{"enterprise submits its draft", at(StageDraft), entA, ActionSubmit, "", ""},
		{"other applicant may not submit", at(StageDraft), other, ActionSubmit, "", CodeNotAllowed},
		{"other enterprise may not submit", at(StageDraft), entB, ActionSubmit, "", CodeNotAllowed},
		{"approve in draft is the wrong stage", at(StageDraft), prov, ActionApprove, "", CodeWrongStage},
		{"enterprise confirms", at(StageEnterpriseConfirmation), entA, ActionConfirm, "", ""},
		{"applicant cannot confirm", at(StageEnterpriseConfirmation), applicant, ActionConfirm, "", CodeNotAllowed},
		{"provincial reviewer approves in province", at(StageProvincialReview), prov, ActionApprove, "", ""},
		{"reviewer of another province", at(StageProvincialReview), provBJ, ActionApprove, "", CodeNotAllowed},
		{"ministry cannot decide provincial review", at(StageProvincialReview), min, ActionApprove, "", CodeNotAllowed},
		{"reject needs a reason", at(StageProvincialReview), prov, ActionReject, "", CodeReasonRequired},
		{"reject with reason", at(StageProvincialReview), prov, ActionReject, "forged", ""},
		{"supplement request needs a reason", at(StageProvincialReview), prov, ActionRequestSupplement, "", CodeReasonRequired},
		{"four eyes", ministryFacts, min, ActionApprove, "", CodeFourEyes},
		{"provincial reviewer cannot decide ministry", at(StageMinistryReview), prov, ActionApprove, "", CodeNotAllowed},
		{"extend once", at(StageMinistryReview), min, ActionExtend, "inspection", ""},
		{"extend twice", extended, min, ActionExtend, "again", CodeAlreadyExtended},
		{"extend without reason", at(StageMinistryReview), min, ActionExtend, "", CodeReasonRequired},
		{"anyone objects during notice", at(StagePublicNotice), entB, ActionObject, "seen elsewhere", ""},
		{"objection needs a reason", at(StagePublicNotice), entB, ActionObject, "", CodeReasonRequired},
		{"withdraw during review", at(StageProvincialReview), applicant, ActionWithdraw, "", ""},
		{"no withdraw while issuing", at(StageIssuing), applicant, ActionWithdraw, "", CodeWrongStage},
		{"reviewer cannot withdraw", at(StageProvincialReview), prov, ActionWithdraw, "", CodeNotAllowed},
		{"closed case", closed, applicant, ActionWithdraw, "", CodeCaseClosed},
		{"unknown action", at(StageDraft), applicant, Action("bribe"), "", CodeUnknownAction},
		{"supplement by filer", at(StageSupplement), entA, ActionSupplement, "", ""},
		{"objection review approve", at(StageObjectionReview), prov, ActionApprove, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDecision(tc.f, tc.p, tc.a, tc.comment)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var r *Refusal
			if !errors.As(err, &r) || r.Code != tc.code {
				t.Fatalf("got %v, want refusal %s", err, tc.code)
			}
			if r.Message == "" {
				t.Fatal("refusal without a sentence")
			}
		})
	}
}

func TestSpecialties(t *testing.T) {
	if len(Specialties(1)) != 10 || len(Specialties(2)) != 6 {
		t.Fatalf("specialty counts %d/%d, want 10/6", len(Specialties(1)), len(Specialties(2)))
	}
	if !ValidSpecialty(1, "铁路工程") || ValidSpecialty(2, "铁路工程") || ValidSpecialty(3, "建筑工程") {
		t.Fatal("level rules for specialties broken")
	}
}

func TestLoadPoliciesOverlay(t *testing.T) {
	path := t.TempDir() + "/policy.json"
	if err := writeFile(path, `{"registration": {"public_notice_days": 10, "stage_limits": {"provincial_review": 15}}}`); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicies(path)
	if err != nil {
		t.Fatal(err)
	}
	reg := p[CaseRegistration]
	if reg.PublicNoticeDays != 10 || reg.StageLimits[StageProvincialReview] != 15 || reg.SupplementDays != 30 {
		t.Fatalf("overlay wrong: %+v", reg)
	}
	if err := writeFile(path, `{"registration": {"public_notice_days": 0}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicies(path); err == nil {
		t.Fatal("zero notice days accepted")
	}
	if err := writeFile(path, `{"b_certificate": {}}`); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicies(path); err == nil {
		t.Fatal("unknown case type accepted")
	}
}
