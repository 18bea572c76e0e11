package activities

import (
	"slices"
	"testing"
	"time"

	"certflow/domain"
	"certflow/store"
	"certflow/workflows/steps"
)

func TestEvaluatePrecheck(t *testing.T) {
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	pol := domain.DefaultPolicies()[domain.CaseRegistration]
	const id = "11010519800101001" + "6" // born 1980, valid check character
	const uscc = "91350100M000100Y43"
	good := func() *store.PrecheckFacts {
		return &store.PrecheckFacts{
			Case:          store.Case{EnterpriseUSCC: uscc},
			Practitioner:  store.Practitioner{ObtainedOn: at.AddDate(-1, 0, 0)},
			Enterprise:    &store.Enterprise{USCC: uscc, Name: "E", QualificationValid: true},
			EvidenceKinds: []string{"id_card", "qualification_certificate", "labour_contract"},
		}
	}
	rules := func(fs []steps.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Rule)
		}
		return out
	}
	tests := []struct {
		name              string
		idNumber          string
		mutate            func(*store.PrecheckFacts)
		refusals, fixable []string
	}{
		{"all good", id, func(*store.PrecheckFacts) {}, nil, nil},
		{"missing evidence", id, func(f *store.PrecheckFacts) { f.EvidenceKinds = []string{"id_card"} }, nil, []string{"missing_evidence"}},
		{"unknown enterprise", id, func(f *store.PrecheckFacts) { f.Enterprise = nil }, []string{"enterprise_unknown"}, nil},
		{"unqualified enterprise", id, func(f *store.PrecheckFacts) { f.Enterprise.QualificationValid = false }, []string{"enterprise_unqualified"}, nil},
		{"already registered", id, func(f *store.PrecheckFacts) {
			f.ActiveRegistrations = []store.Registration{{Number: "辽121252600001", EnterpriseUSCC: "X"}}
		}, []string{"already_registered"}, nil},
		{"applying elsewhere", id, func(f *store.PrecheckFacts) {
			f.OtherApplications = []store.Case{{Number: "REG-2026-000009", EnterpriseUSCC: "OTHER"}}
		}, []string{"applying_elsewhere"}, nil},
		{"second application with the same enterprise is not a refusal", id, func(f *store.PrecheckFacts) {
			f.OtherApplications = []store.Case{{Number: "REG-2026-000009", EnterpriseUSCC: uscc}}
		}, nil, nil},
		{"over the age limit", "11010519491231002X", func(*store.PrecheckFacts) {}, []string{"age_limit"}, nil},
		{"old qualification without education", id, func(f *store.PrecheckFacts) {
			f.Practitioner.ObtainedOn = at.AddDate(-4, 0, 0)
			f.Practitioner.EducationHours = 60
		}, nil, []string{"continuing_education"}},
		{"old qualification with education", id, func(f *store.PrecheckFacts) {
			f.Practitioner.ObtainedOn = at.AddDate(-4, 0, 0)
			f.Practitioner.EducationHours = 120
		}, nil, nil},
		{"blocking bad record", id, func(f *store.PrecheckFacts) {
			f.BadRecords = []store.BadRecord{{Rule: "revoked", Reason: "吊销", BlocksUntil: at.AddDate(1, 0, 0)}}
		}, []string{"revoked"}, nil},
		{"corrupt resident ID", "110105198001010017", func(*store.PrecheckFacts) {}, []string{"invalid_resident_id"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := good()
			tc.mutate(f)
			res := EvaluatePrecheck(f, tc.idNumber, at, pol)
			if got := rules(res.Refusal); !slices.Equal(got, tc.refusals) {
				t.Errorf("refusals %v, want %v", got, tc.refusals)
			}
			if got := rules(res.Fixable); !slices.Equal(got, tc.fixable) {
				t.Errorf("fixable %v, want %v", got, tc.fixable)
			}
			for _, f := range append(res.Refusal, res.Fixable...) {
				if f.Message == "" {
					t.Errorf("finding %s has no sentence", f.Rule)
				}
			}
		})
	}
}
