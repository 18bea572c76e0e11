package workflows

import (
	"slices"
	"testing"

	"certflow/domain"
)

// TestEveryAllowedDecisionHasAHandler walks every case definition: each (stage, action) it
// allows has an explicit handler, and no handler exists for anything it does not allow.
func TestEveryAllowedDecisionHasAHandler(t *testing.T) {
	handlers := map[domain.CaseType]map[domain.Stage]map[domain.Action]handler{
		domain.CaseRegistration: registrationHandlers,
		domain.CaseRenewal:      renewal.handlers,
		domain.CaseChange:       change.handlers,
		domain.CaseAddition:     addition.handlers,
		domain.CaseCancellation: cancellation.handlers,
	}
	steps := map[domain.CaseType]*caseType{domain.CaseRegistration: registration, domain.CaseRenewal: renewal,
		domain.CaseChange: change, domain.CaseAddition: addition, domain.CaseCancellation: cancellation}
	for typ, def := range domain.Definitions {
		table, ok := handlers[typ]
		if !ok {
			t.Errorf("case type %s has a definition but no workflow handlers", typ)
			continue
		}
		if ByType[typ] == nil {
			t.Errorf("case type %s has no workflow", typ)
		}
		for _, rule := range def.Stages {
			if rule.Stage != domain.StageClosed && steps[typ].steps[rule.Stage] == nil {
				t.Errorf("%s: stage %s has no step", typ, rule.Stage)
			}
		}
		for _, stage := range domain.Stages {
			rule, _ := def.Stage(stage)
			allowed := def.AllowedActions(stage)
			for _, a := range allowed {
				if table[stage][a] == nil {
					t.Errorf("%s: %s in stage %s is allowed but has no handler", typ, a, stage)
				}
			}
			for a := range table[stage] {
				if !slices.Contains(allowed, a) {
					t.Errorf("%s: stage %s handles %s, which its definition does not allow", typ, stage, a)
				}
			}
			if len(allowed) > 0 && rule.WaitsOn == "" && stage != domain.StagePublicNotice {
				t.Errorf("%s: stage %s takes decisions but waits on nobody", typ, stage)
			}
		}
	}
}

// TestDecisionWithoutAHandlerIsRefusedNotApproved removes the handler of provincial approval:
// an approval is then refused and recorded, and the case still waits for a decision it handles.
func TestDecisionWithoutAHandlerIsRefusedNotApproved(t *testing.T) {
	stage := registrationHandlers[domain.StageProvincialReview]
	approve := stage[domain.ActionApprove]
	delete(stage, domain.ActionApprove)
	defer func() { stage[domain.ActionApprove] = approve }()

	c := newCaseEnv(t, domain.RoleEnterprise, 1)
	c.at(hour, entA, domain.ActionSubmit, "")
	c.at(day, provLN, domain.ActionApprove, "")
	c.at(2*day, provLN, domain.ActionReject, "材料不全")
	if out := c.run(); out.Status != domain.StatusRejected {
		t.Fatalf("outcome %+v", out)
	}
	refused := c.store.find(t, "refused_approve")
	if refused.Projection.Stage != domain.StageProvincialReview {
		t.Fatalf("the unhandled approval moved the case: %+v", refused.Projection)
	}
	if slices.Contains(c.store.actions(), "approve") {
		t.Fatalf("an approval without a handler was taken: %v", c.store.actions())
	}
}
