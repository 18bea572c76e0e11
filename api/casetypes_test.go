package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"certflow/domain"
)

func TestCaseTypesShowTheDefinitionWithPolicyNumbers(t *testing.T) {
	pol := domain.DefaultPolicies()
	reg := pol[domain.CaseRegistration]
	reg.StageLimits = map[domain.Stage]int{domain.StageEnterpriseConfirmation: 5, domain.StageProvincialReview: 15,
		domain.StageMinistryReview: 20, domain.StageObjectionReview: 20}
	pol[domain.CaseRegistration] = reg
	router := (&Server{JWTSecret: []byte(testJWTSecret), Policies: pol}).Router()
	req := httptest.NewRequest("GET", "/api/v1/case-types", nil)
	req.Header.Set("Authorization", "Bearer "+testToken(t, Claims{Role: domain.RoleEnterprise, Enterprise: testUSCC(t),
		RegisteredClaims: jwt.RegisteredClaims{Subject: "ent-1"}}))
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	var out struct{ Items []caseTypeJSON }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || len(out.Items) != len(domain.CaseTypes) {
		t.Fatalf("%d %v %s", rec.Code, err, rec.Body.String())
	}
	var ct caseTypeJSON
	for _, item := range out.Items {
		if item.Type == domain.CaseRegistration {
			ct = item
		}
	}
	stage := func(s domain.Stage) stageJSON {
		for _, st := range ct.Stages {
			if st.Stage == s {
				return st
			}
		}
		t.Fatalf("no stage %s", s)
		return stageJSON{}
	}
	if p := stage(domain.StageProvincialReview); p.LimitDays != 15 || p.WaitsOn != domain.ActorProvincialReviewer || p.OnDeadline != domain.Escalate {
		t.Fatalf("provincial review %+v (the policy's 15 days, from configuration)", p)
	}
	if e := stage(domain.StageEnterpriseConfirmation); e.OnDeadline != domain.ReturnToApplicant {
		t.Fatalf("enterprise confirmation %+v", e)
	}
	found := false
	for _, a := range stage(domain.StageMinistryReview).Actions {
		if a.Action == domain.ActionExtend {
			found = a.Once && a.ReasonRequired && a.Actor == domain.ActorMinistryReviewer
		}
	}
	if !found {
		t.Fatal("ministry review does not show extend as once, with a reason, for ministry reviewers")
	}
	if acts := stage(domain.StageDraft).Actions; len(acts) != 2 || acts[1].Action != domain.ActionWithdraw {
		t.Fatalf("draft actions %+v", acts)
	}
	if len(ct.RequiredEvidence) != 3 || ct.NumberPrefix != "REG" {
		t.Fatalf("case type %+v", ct)
	}
}
