// Package domain holds certflow's vocabulary as pure Go: case types, stages, statuses, actions,
// roles, the qualification specialties, and the rule deciding who may take which action on a
// case. Both the API (before signalling) and the workflows (on receipt) use the same rule.
package domain

// CaseType names a kind of case.
type CaseType string

// The case types certflow runs: the registration and the rest of its life.
const (
	CaseRegistration CaseType = "registration" // 初始注册
	CaseRenewal      CaseType = "renewal"      // 延续注册
	CaseChange       CaseType = "change"       // 变更注册
	CaseAddition     CaseType = "addition"     // 增项注册
	CaseCancellation CaseType = "cancellation" // 注销注册
)

// CaseTypes lists every case type in a stable order.
var CaseTypes = []CaseType{CaseRegistration, CaseRenewal, CaseChange, CaseAddition, CaseCancellation}

// Valid reports whether t is a known case type.
func (t CaseType) Valid() bool { return contains(CaseTypes, t) }

// Stage is where a case is in its process; the values are the API's.
type Stage string

// Registration stages.
const (
	StageDraft                  Stage = "draft"
	StagePrecheck               Stage = "precheck"
	StageEnterpriseConfirmation Stage = "enterprise_confirmation"
	StageProvincialReview       Stage = "provincial_review"
	StageMinistryReview         Stage = "ministry_review"
	StagePublicNotice           Stage = "public_notice"
	StageObjectionReview        Stage = "objection_review"
	StageIssuing                Stage = "issuing"
	StageSupplement             Stage = "supplement"
	StageClosed                 Stage = "closed"
	// StageRelease waits for the enterprise a change of employer leaves to release the person.
	StageRelease Stage = "release"
	// StageApplying applies an approved lifecycle case to the registration.
	StageApplying Stage = "applying"
)

// Stages lists every stage in process order, for validation and documentation.
var Stages = []Stage{StageDraft, StagePrecheck, StageRelease, StageEnterpriseConfirmation, StageProvincialReview,
	StageMinistryReview, StagePublicNotice, StageObjectionReview, StageIssuing, StageApplying, StageSupplement, StageClosed}

// Status is a case's outcome so far.
type Status string

// Case statuses.
const (
	StatusOpen      Status = "open"
	StatusApproved  Status = "approved"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
	StatusAbandoned Status = "abandoned"
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusApproved, StatusRejected, StatusWithdrawn, StatusAbandoned}

// Action is something a person does to a case through the API.
type Action string

// Case actions.
const (
	ActionSubmit            Action = "submit"
	ActionConfirm           Action = "confirm"
	ActionApprove           Action = "approve"
	ActionReject            Action = "reject"
	ActionRequestSupplement Action = "request_supplement"
	ActionSupplement        Action = "supplement"
	ActionExtend            Action = "extend"
	ActionObject            Action = "object"
	ActionWithdraw          Action = "withdraw"
	// ActionRelease: the enterprise a change of employer leaves releases the person.
	ActionRelease Action = "release"
)

// Actions lists every action.
var Actions = []Action{ActionSubmit, ActionConfirm, ActionApprove, ActionReject, ActionRequestSupplement,
	ActionSupplement, ActionExtend, ActionObject, ActionWithdraw, ActionRelease}

// Role is what a token's holder is.
type Role string

// Roles.
const (
	RoleApplicant          Role = "applicant"
	RoleEnterprise         Role = "enterprise"
	RoleProvincialReviewer Role = "provincial_reviewer"
	RoleMinistryReviewer   Role = "ministry_reviewer"
	RoleSupervisor         Role = "supervisor"
	RoleInvestigator       Role = "investigator"
	RoleAdmin              Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleApplicant, RoleEnterprise, RoleProvincialReviewer, RoleMinistryReviewer,
	RoleSupervisor, RoleInvestigator, RoleAdmin}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return contains(Stages, s) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return contains(Statuses, s) }

// Valid reports whether a is a known action.
func (a Action) Valid() bool { return contains(Actions, a) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return contains(Roles, r) }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
