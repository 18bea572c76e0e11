package activities

import (
	"slices"
	"strings"
	"testing"
	"time"

	"certflow/domain"
	"certflow/ident"
	"certflow/store"
	"certflow/workflows/steps"
)

func rulesOf(fs []steps.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

// lifecycleFacts are the facts of a sound lifecycle case of a type at time at: an active
// registration valid to 60 days later, the enterprise qualified, the evidence uploaded.
func lifecycleFacts(typ domain.CaseType, kind string, at time.Time) *store.LifecycleFacts {
	def, _ := domain.DefinitionOf(typ)
	v, _ := def.Variant(kind)
	to := domain.CalendarDate(at).AddDate(0, 0, 60)
	return &store.LifecycleFacts{
		Case: store.Case{Type: string(typ), EnterpriseUSCC: "E-NEW", PreviousEnterpriseUSCC: "E-OLD", Specialty: "市政公用工程",
			Details: store.CaseDetails{ChangeKind: kind}},
		Registration: &store.Registration{Number: "辽1212023000001", EnterpriseUSCC: "E-OLD", Level: 1, Status: "active",
			ValidFrom: to.AddDate(-3, 0, 1), ValidTo: to},
		Specialties:   []string{"建筑工程"},
		Practitioner:  &store.Practitioner{ObtainedOn: at.AddDate(-1, 0, 0)},
		Enterprise:    &store.Enterprise{USCC: "E-NEW", QualificationValid: true},
		EvidenceKinds: append([]string(nil), v.Evidence...),
		PeriodHours:   120, TotalHours: 120,
	}
}

func TestEvaluateRenewal(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	pol := domain.DefaultPolicies()[domain.CaseRenewal]
	const id = "11010519800101001" + "6" // born 1980
	tests := []struct {
		name              string
		mutate            func(*store.LifecycleFacts)
		refusals, fixable []string
		says              string
	}{
		{"sound", func(*store.LifecycleFacts) {}, nil, nil, ""},
		{"too early", func(f *store.LifecycleFacts) { f.Registration.ValidTo = f.Registration.ValidTo.AddDate(0, 0, 31) },
			[]string{"renewal_window"}, nil, ""},
		{"too late", func(f *store.LifecycleFacts) { f.Registration.ValidTo = f.Registration.ValidTo.AddDate(0, 0, -31) },
			[]string{"renewal_window"}, nil, ""},
		{"hours short", func(f *store.LifecycleFacts) { f.PeriodHours = 100 }, nil, []string{"continuing_education"},
			"20 hours of continuing education are missing"},
		{"an added specialty needs 60 more", func(f *store.LifecycleFacts) { f.Specialties = append(f.Specialties, "市政公用工程") },
			nil, []string{"continuing_education"}, "60 hours of continuing education are missing: 180 required"},
		{"expired", func(f *store.LifecycleFacts) { f.Registration.Status = "expired" }, []string{"registration_not_active"}, nil, ""},
		{"bad record", func(f *store.LifecycleFacts) {
			f.BadRecords = []store.BadRecord{{Rule: "revoked", Reason: "吊销", BlocksUntil: at.AddDate(1, 0, 0)}}
		}, []string{"revoked"}, nil, ""},
		{"evidence missing", func(f *store.LifecycleFacts) { f.EvidenceKinds = []string{"id_card"} }, nil, []string{"missing_evidence"}, "labour_contract"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := lifecycleFacts(domain.CaseRenewal, "", at)
			tc.mutate(f)
			res := EvaluateRenewal(f, id, at, pol)
			if !slices.Equal(rulesOf(res.Refusal), tc.refusals) || !slices.Equal(rulesOf(res.Fixable), tc.fixable) {
				t.Fatalf("refusals %v fixable %v, want %v %v", res.Refusal, res.Fixable, tc.refusals, tc.fixable)
			}
			if tc.says != "" && !strings.Contains(res.Fixable[0].Message, tc.says) {
				t.Fatalf("message %q does not say %q", res.Fixable[0].Message, tc.says)
			}
		})
	}
	born1950, err := ident.CompleteResidentID("11010519500101001")
	if err != nil {
		t.Fatal(err)
	}
	if res := EvaluateRenewal(lifecycleFacts(domain.CaseRenewal, "", at), born1950, at, pol); !slices.Equal(rulesOf(res.Refusal), []string{"age_limit"}) {
		t.Fatalf("a 76-year-old renews: %+v", res)
	}
}

func TestEvaluateChange(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	pol := domain.DefaultPolicies()[domain.CaseChange]
	f := lifecycleFacts(domain.CaseChange, domain.ChangeEmployer, at)
	if res := EvaluateChange(f, pol); len(res.Refusal)+len(res.Fixable) > 0 || len(res.Skip) > 0 {
		t.Fatalf("sound employer change: %+v", res)
	}
	f.EvidenceKinds = append(f.EvidenceKinds, "contract_termination")
	if res := EvaluateChange(f, pol); !slices.Equal(res.Skip, []domain.Stage{domain.StageRelease}) {
		t.Fatalf("proof of contract end does not skip the release: %+v", res)
	}
	f.Registration.EnterpriseUSCC = "E-OTHER"
	f.Enterprise.QualificationValid = false
	if res := EvaluateChange(f, pol); !slices.Equal(rulesOf(res.Refusal), []string{"registration_changed", "enterprise_unqualified"}) {
		t.Fatalf("moved registration, unqualified enterprise: %+v", res)
	}
	rename := lifecycleFacts(domain.CaseChange, domain.ChangeEnterpriseName, at)
	rename.EvidenceKinds = nil
	if res := EvaluateChange(rename, pol); !slices.Equal(rulesOf(res.Fixable), []string{"missing_evidence"}) ||
		!strings.Contains(res.Fixable[0].Message, "business_licence") {
		t.Fatalf("rename without licence: %+v", res)
	}
}

func TestEvaluateAddition(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	pol := domain.DefaultPolicies()[domain.CaseAddition]
	f := lifecycleFacts(domain.CaseAddition, "", at)
	if res := EvaluateAddition(f, at, pol); len(res.Refusal)+len(res.Fixable) > 0 {
		t.Fatalf("sound addition: %+v", res)
	}
	f.Practitioner.ObtainedOn = at.AddDate(-5, 0, 0)
	f.TotalHours = 60
	if res := EvaluateAddition(f, at, pol); !slices.Equal(rulesOf(res.Fixable), []string{"continuing_education"}) {
		t.Fatalf("an old qualification without education: %+v", res)
	}
	f.TotalHours = 120
	f.Practitioner.ObtainedOn = time.Time{} // imported without certificate data: counted as old
	if res := EvaluateAddition(f, at, pol); len(res.Fixable) > 0 {
		t.Fatalf("an old qualification with education: %+v", res)
	}
	f.Specialties = append(f.Specialties, "市政公用工程")
	if res := EvaluateAddition(f, at, pol); !slices.Equal(rulesOf(res.Refusal), []string{"specialty_held"}) {
		t.Fatalf("a held specialty: %+v", res)
	}
	f.Case.Specialty = "铁路工程"
	f.Registration.Level = 2
	if res := EvaluateAddition(f, at, pol); !slices.Equal(rulesOf(res.Refusal), []string{"specialty_invalid"}) {
		t.Fatalf("a specialty of another level: %+v", res)
	}
}

func TestEvaluateCancellation(t *testing.T) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	f := lifecycleFacts(domain.CaseCancellation, "", at)
	f.Registration.Status = "expired"
	if res := EvaluateCancellation(f); len(res.Refusal) > 0 {
		t.Fatalf("an expired registration may be cancelled: %+v", res)
	}
	f.Registration.Status = "cancelled"
	if res := EvaluateCancellation(f); !slices.Equal(rulesOf(res.Refusal), []string{"registration_not_active"}) {
		t.Fatalf("a cancelled registration: %+v", res)
	}
}
