package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"certflow/calendar"
	"certflow/domain"
	"certflow/workflows/steps"
)

// CaseInput starts a case workflow. Policy and Calendar travel with it so that a replay of an
// old history sees the numbers and holidays the case started with.
type CaseInput struct {
	CaseID   string          `json:"case_id"`
	Number   string          `json:"number"`
	Type     domain.CaseType `json:"type"`
	Level    int             `json:"level"`
	FiledBy  domain.Role     `json:"filed_by"`
	Facts    domain.CaseFacts
	Policy   domain.Policy     `json:"policy"`
	Calendar calendar.Calendar `json:"calendar"`
	// State is set when the workflow continues as new; the case resumes where it was.
	State *CaseState `json:"state,omitempty"`
}

// CaseState is a case's process state: everything the workflow needs to carry on, and
// nothing it could derive.
type CaseState struct {
	Facts domain.CaseFacts `json:"facts"`
	// Clocks are the SLA clocks of the review stages, kept across supplement loops.
	Clocks map[domain.Stage]*Clock `json:"clocks"`
	// ReturnTo is the stage a supplement answer goes back to.
	ReturnTo domain.Stage `json:"return_to,omitempty"`
	// Reasons say why the case waits on the applicant.
	Reasons []string `json:"reasons,omitempty"`
	// Deadline ends the current wait when no SLA clock governs it: draft abandonment,
	// supplement window, end of public notice.
	Deadline time.Time `json:"deadline,omitempty"`
	// NoticeLeft is the public notice time still to run (an objection pauses it).
	NoticeLeft time.Duration `json:"notice_left"`
	// Seq numbers the timeline entries the workflow writes, keying them for idempotency.
	Seq int `json:"seq"`
	// Pending holds decisions received but not yet handled (kept across continue-as-new).
	Pending []Decision `json:"pending,omitempty"`
	// Registration is set once issued.
	Registration *steps.IssueResult `json:"registration,omitempty"`
	// Applied is the registration number a lifecycle case changed, once applied.
	Applied string `json:"applied,omitempty"`
}

// Outcome is what a finished case workflow returns.
type Outcome struct {
	Status             domain.Status `json:"status"`
	RegistrationNumber string        `json:"registration_number,omitempty"`
}

// waitsOn says whose move it is in a stage, by the case type's definition.
func (r *caseRun) waitsOn(stage domain.Stage) domain.Role {
	def, _ := domain.DefinitionOf(r.in.Type)
	return def.WaitsOn(stage, r.in.FiledBy)
}

// waitingEnterprise is the enterprise a stage waits on, if it waits on one: the named
// enterprise, the enterprise a change of employer leaves, or the enterprise that filed.
func (r *caseRun) waitingEnterprise(stage domain.Stage) string {
	def, _ := domain.DefinitionOf(r.in.Type)
	rule, _ := def.Stage(stage)
	switch {
	case rule.WaitsOn == domain.ActorNamedEnterprise,
		rule.WaitsOn == domain.ActorFiler && r.in.FiledBy == domain.RoleEnterprise:
		return r.st.Facts.EnterpriseUSCC
	case rule.WaitsOn == domain.ActorPreviousEnterprise:
		return r.st.Facts.PreviousEnterpriseUSCC
	}
	return ""
}

// ByType are the workflows of every case type, registered under the names their definitions
// give (domain.CaseDefinition.Workflow).
var ByType = map[domain.CaseType]func(workflow.Context, CaseInput) (Outcome, error){
	domain.CaseRegistration: Registration,
	domain.CaseRenewal:      Renewal,
	domain.CaseChange:       Change,
	domain.CaseAddition:     Addition,
	domain.CaseCancellation: Cancellation,
}
