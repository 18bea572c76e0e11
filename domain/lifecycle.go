package domain

import "time"

// The registration's life after it is issued: renewal (延续注册), change (变更注册: employer,
// enterprise name, person name), addition of a specialty (增项注册) and cancellation (注销注册).
// Each is a definition like the registration's; workflows/<type>.go says how its stages follow
// one another.

// Change kinds (the change case's variants).
const (
	ChangeEmployer       = "employer"
	ChangeEnterpriseName = "enterprise_name"
	ChangePersonName     = "person_name"
)

// CancellationReasons are the codes a cancellation gives; RevokedByAuthority is for
// investigators only.
var CancellationReasons = []string{"contract_ended", "enterprise_bankrupt", "enterprise_qualification_revoked",
	"over_age", "death_or_incapacity", "at_own_request", ReasonRevokedByAuthority}

// ReasonRevokedByAuthority is the cancellation reason only an investigator may give.
const ReasonRevokedByAuthority = "revoked_by_authority"

// lifecycleFilers may file renewals, changes and additions.
var lifecycleFilers = []Role{RoleApplicant, RoleEnterprise}

// Stage rules the lifecycle types share.
var (
	lifecycleDraft = StageRule{Stage: StageDraft, WaitsOn: ActorFiler, Withdrawable: true,
		Actions: []ActionRule{{Action: ActionSubmit, Actor: ActorFiler}}}
	lifecycleConfirmation = StageRule{Stage: StageEnterpriseConfirmation, WaitsOn: ActorNamedEnterprise,
		Withdrawable: true, Clock: true, OnDeadline: ReturnToApplicant, Actions: []ActionRule{
			{Action: ActionConfirm, Actor: ActorNamedEnterprise},
			{Action: ActionReject, Actor: ActorNamedEnterprise, ReasonRequired: true},
		}}
	lifecycleProvincial = StageRule{Stage: StageProvincialReview, WaitsOn: ActorProvincialReviewer,
		Withdrawable: true, Clock: true, OnDeadline: Escalate, Actions: reviewActions(ActorProvincialReviewer, false)}
	lifecycleMinistry = StageRule{Stage: StageMinistryReview, WaitsOn: ActorMinistryReviewer,
		Withdrawable: true, Clock: true, OnDeadline: Escalate, Actions: reviewActions(ActorMinistryReviewer, true)}
	lifecycleSupplement = StageRule{Stage: StageSupplement, WaitsOn: ActorFiler, Withdrawable: true,
		Actions: []ActionRule{{Action: ActionSupplement, Actor: ActorFiler}}}
)

// lifecycleStages are a lifecycle type's stages: draft, pre-check, the given middle stages,
// applying the approved change, supplements, closed.
func lifecycleStages(middle ...StageRule) []StageRule {
	out := []StageRule{lifecycleDraft, {Stage: StagePrecheck}}
	out = append(out, middle...)
	return append(out, StageRule{Stage: StageApplying}, lifecycleSupplement, StageRule{Stage: StageClosed})
}

// RenewalDefinition is 延续注册: workflows/renewal.go.
var RenewalDefinition = CaseDefinition{
	Type: CaseRenewal, Workflow: "Renewal", NumberPrefix: "REN", Filers: lifecycleFilers,
	Variants: []Variant{{Fields: []string{"registration_number"}, Evidence: []string{"id_card", "labour_contract"}}},
	Stages:   lifecycleStages(lifecycleConfirmation, lifecycleProvincial, lifecycleMinistry),
}

// ChangeDefinition is 变更注册 in its three kinds: workflows/change.go.
var ChangeDefinition = CaseDefinition{
	Type: CaseChange, Workflow: "Change", NumberPrefix: "CHG", Filers: lifecycleFilers, VariantField: "change_kind",
	Variants: []Variant{
		{Name: ChangeEmployer, Fields: []string{"registration_number", "new_enterprise_uscc"},
			Evidence: []string{"id_card", "labour_contract"}, Optional: []string{"contract_termination"}},
		{Name: ChangeEnterpriseName, Fields: []string{"enterprise_uscc", "new_name"},
			Evidence: []string{"business_licence"}},
		{Name: ChangePersonName, Fields: []string{"registration_number", "new_name"},
			Evidence: []string{"id_card", "name_change_proof"}},
	},
	Stages: lifecycleStages(
		StageRule{Stage: StageRelease, WaitsOn: ActorPreviousEnterprise, Withdrawable: true, Clock: true,
			OnDeadline: ReturnToApplicant, Actions: []ActionRule{{Action: ActionRelease, Actor: ActorPreviousEnterprise}}},
		lifecycleConfirmation, lifecycleProvincial, lifecycleMinistry),
}

// AdditionDefinition is 增项注册: workflows/addition.go.
var AdditionDefinition = CaseDefinition{
	Type: CaseAddition, Workflow: "Addition", NumberPrefix: "ADD", Filers: lifecycleFilers,
	Variants: []Variant{{Fields: []string{"registration_number", "specialty"},
		Evidence: []string{"id_card", "qualification_certificate", "labour_contract"}}},
	Stages: lifecycleStages(lifecycleConfirmation, lifecycleProvincial, lifecycleMinistry),
}

// CancellationDefinition is 注销注册: workflows/cancellation.go.
var CancellationDefinition = CaseDefinition{
	Type: CaseCancellation, Workflow: "Cancellation", NumberPrefix: "CAN",
	Filers:   []Role{RoleApplicant, RoleEnterprise, RoleInvestigator},
	Variants: []Variant{{Fields: []string{"registration_number", "reason"}}},
	Stages:   lifecycleStages(lifecycleProvincial),
}

// beijing is China Standard Time, in which validity dates and renewal windows are counted.
var beijing = time.FixedZone("CST", 8*3600)

// CalendarDate is the calendar date of an instant in Beijing, as midnight UTC of that date
// (how dates come back from the database).
func CalendarDate(at time.Time) time.Time {
	d := at.In(beijing)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// RenewalWindow returns the first and last calendar day a renewal of a registration valid to
// validTo may be filed on.
func (p Policy) RenewalWindow(validTo time.Time) (opens, closes time.Time) {
	to := time.Date(validTo.Year(), validTo.Month(), validTo.Day(), 0, 0, 0, 0, time.UTC)
	return to.AddDate(0, 0, -p.RenewalOpensDays), to.AddDate(0, 0, -p.RenewalClosesDays)
}

// InRenewalWindow reports whether a renewal may be filed at instant at.
func (p Policy) InRenewalWindow(validTo, at time.Time) bool {
	opens, closes := p.RenewalWindow(validTo)
	day := CalendarDate(at)
	return !day.Before(opens) && !day.After(closes)
}

// RenewalHours are the continuing-education hours a renewal of a registration with n
// specialties needs in its period.
func (p Policy) RenewalHours(specialties int) int {
	return p.EducationHours + p.EducationPerSpecialty*max(specialties-1, 0)
}
