package domain

// This file describes case types as data: each type's stages, whom each stage waits on, which
// actions it allows and for whom, which stages run a working-day clock and what a passed
// deadline does. The decision rule (CheckDecision), the API's allowed actions and the
// workflows' assignees all read the definitions; adding a case type adds a definition.

// Actor says who may take an action in a stage, relative to the case.
type Actor string

// Actors.
const (
	// ActorFiler is the applicant side: the practitioner themself or the enterprise named in
	// the case.
	ActorFiler Actor = "filer"
	// ActorNamedEnterprise is the enterprise named in the case.
	ActorNamedEnterprise Actor = "named_enterprise"
	// ActorProvincialReviewer is a provincial reviewer of the case's province.
	ActorProvincialReviewer Actor = "provincial_reviewer"
	// ActorPreviousEnterprise is the enterprise a change of employer leaves.
	ActorPreviousEnterprise Actor = "previous_enterprise"
	// ActorMinistryReviewer is a ministry reviewer.
	ActorMinistryReviewer Actor = "ministry_reviewer"
	// ActorAnyone is anyone signed in.
	ActorAnyone Actor = "anyone"
)

// ActionRule is one action a stage allows.
type ActionRule struct {
	Action Action `json:"action"`
	Actor  Actor  `json:"actor"`
	// ReasonRequired: the decision needs a comment giving the reason.
	ReasonRequired bool `json:"reason_required,omitempty"`
	// FourEyes: the actor must not be the person who approved at provincial review.
	FourEyes bool `json:"four_eyes,omitempty"`
	// Once: the action may be taken once per case (the case's Extended fact records it).
	Once bool `json:"once,omitempty"`
}

// OnDeadline says what a passed stage deadline does.
type OnDeadline string

// What a passed deadline does.
const (
	// Escalate notifies supervisors; the case keeps waiting for its decision.
	Escalate OnDeadline = "escalate"
	// ReturnToApplicant sends the case back to the applicant for supplements.
	ReturnToApplicant OnDeadline = "return_to_applicant"
)

// StageRule describes one stage of a case type.
type StageRule struct {
	Stage Stage `json:"stage"`
	// WaitsOn is whom the case waits on in this stage; "" for automated stages.
	WaitsOn Actor `json:"waits_on,omitempty"`
	// Actions are the decisions the stage accepts (withdraw is added by Withdrawable).
	Actions []ActionRule `json:"actions"`
	// Withdrawable: the filer may withdraw the case in this stage.
	Withdrawable bool `json:"withdrawable,omitempty"`
	// Clock: the stage runs a working-day clock whose limit is the policy's StageLimits entry;
	// OnDeadline says what its passing does.
	Clock      bool       `json:"clock,omitempty"`
	OnDeadline OnDeadline `json:"on_deadline,omitempty"`
}

// CaseDefinition is one case type as data.
type CaseDefinition struct {
	Type CaseType `json:"type"`
	// Workflow is the name the type's workflow is registered under.
	Workflow string `json:"workflow"`
	// NumberPrefix starts the case numbers of the type (REG-2026-000001).
	NumberPrefix string `json:"number_prefix"`
	// Filers are the roles that may file a case of the type.
	Filers []Role `json:"filers"`
	// VariantField names the request field choosing a variant ("change_kind"), "" when the
	// type has one variant.
	VariantField string `json:"variant_field,omitempty"`
	// Variants are the type's variants: the request fields each needs and the evidence its
	// submission must include.
	Variants []Variant   `json:"variants"`
	Stages   []StageRule `json:"stages"`
}

// Variant is one form of a case type's request.
type Variant struct {
	// Name is the variant field's value ("" for the type's only variant).
	Name string `json:"name,omitempty"`
	// Fields are the request fields the variant needs (besides type and the variant field);
	// any other field is refused.
	Fields []string `json:"fields"`
	// Evidence are the evidence kinds its submission must include.
	Evidence []string `json:"required_evidence"`
	// Optional are evidence kinds the variant may carry besides, which change its course (a
	// change of employer with contract_termination needs no release).
	Optional []string `json:"optional_evidence,omitempty"`
}

// Variant returns the variant of a name.
func (d CaseDefinition) Variant(name string) (Variant, bool) {
	for _, v := range d.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// VariantNames lists the variant field's values.
func (d CaseDefinition) VariantNames() []string {
	var out []string
	for _, v := range d.Variants {
		out = append(out, v.Name)
	}
	return out
}

// reviewActions are what a reviewer decides in a review stage.
func reviewActions(actor Actor, fourEyes bool) []ActionRule {
	return []ActionRule{
		{Action: ActionApprove, Actor: actor, FourEyes: fourEyes},
		{Action: ActionReject, Actor: actor, ReasonRequired: true, FourEyes: fourEyes},
		{Action: ActionRequestSupplement, Actor: actor, ReasonRequired: true, FourEyes: fourEyes},
	}
}

// RegistrationDefinition is the 注册建造师 initial registration (初始注册): see
// workflows/registration.go for how the stages follow one another.
var RegistrationDefinition = CaseDefinition{
	Type:         CaseRegistration,
	Workflow:     "Registration",
	NumberPrefix: "REG",
	Filers:       []Role{RoleApplicant, RoleEnterprise},
	Variants: []Variant{{Fields: []string{"practitioner_id", "enterprise_uscc", "specialty"},
		Evidence: []string{"id_card", "qualification_certificate", "labour_contract"}}},
	Stages: []StageRule{
		{Stage: StageDraft, WaitsOn: ActorFiler, Withdrawable: true,
			Actions: []ActionRule{{Action: ActionSubmit, Actor: ActorFiler}}},
		{Stage: StagePrecheck},
		{Stage: StageEnterpriseConfirmation, WaitsOn: ActorNamedEnterprise, Withdrawable: true,
			Clock: true, OnDeadline: ReturnToApplicant,
			Actions: []ActionRule{{Action: ActionConfirm, Actor: ActorNamedEnterprise}}},
		{Stage: StageProvincialReview, WaitsOn: ActorProvincialReviewer, Withdrawable: true,
			Clock: true, OnDeadline: Escalate, Actions: reviewActions(ActorProvincialReviewer, false)},
		{Stage: StageMinistryReview, WaitsOn: ActorMinistryReviewer, Withdrawable: true,
			Clock: true, OnDeadline: Escalate,
			Actions: append(reviewActions(ActorMinistryReviewer, true),
				ActionRule{Action: ActionExtend, Actor: ActorMinistryReviewer, ReasonRequired: true, Once: true})},
		{Stage: StagePublicNotice, Withdrawable: true,
			Actions: []ActionRule{{Action: ActionObject, Actor: ActorAnyone, ReasonRequired: true}}},
		{Stage: StageObjectionReview, WaitsOn: ActorProvincialReviewer, Withdrawable: true,
			Clock: true, OnDeadline: Escalate, Actions: []ActionRule{
				{Action: ActionApprove, Actor: ActorProvincialReviewer},
				{Action: ActionReject, Actor: ActorProvincialReviewer, ReasonRequired: true},
			}},
		{Stage: StageIssuing},
		{Stage: StageSupplement, WaitsOn: ActorFiler, Withdrawable: true,
			Actions: []ActionRule{{Action: ActionSupplement, Actor: ActorFiler}}},
		{Stage: StageClosed},
	},
}

// Definitions are every case type's definition.
var Definitions = map[CaseType]CaseDefinition{
	CaseRegistration: RegistrationDefinition,
	CaseRenewal:      RenewalDefinition,
	CaseChange:       ChangeDefinition,
	CaseAddition:     AdditionDefinition,
	CaseCancellation: CancellationDefinition,
}

// EvidenceKinds lists every evidence kind some definition requires, and "other".
func EvidenceKinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range CaseTypes {
		for _, v := range Definitions[t].Variants {
			for _, k := range append(v.Evidence, v.Optional...) {
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return append(out, "other")
}

// DefinitionOf returns a case type's definition; cases recorded before types were named in
// their facts ("") are registrations.
func DefinitionOf(t CaseType) (CaseDefinition, bool) {
	if t == "" {
		t = CaseRegistration
	}
	d, ok := Definitions[t]
	return d, ok
}

// Stage returns the rule of a stage, if the type has it.
func (d CaseDefinition) Stage(s Stage) (StageRule, bool) {
	for _, r := range d.Stages {
		if r.Stage == s {
			return r, true
		}
	}
	return StageRule{}, false
}

// Rules returns the actions a stage allows, withdraw included where the filer may withdraw.
func (r StageRule) Rules() []ActionRule {
	out := append([]ActionRule(nil), r.Actions...)
	if r.Withdrawable {
		out = append(out, ActionRule{Action: ActionWithdraw, Actor: ActorFiler})
	}
	return out
}

// AllowedActions returns the actions possible in a stage.
func (d CaseDefinition) AllowedActions(s Stage) []Action {
	r, _ := d.Stage(s)
	var out []Action
	for _, a := range r.Rules() {
		out = append(out, a.Action)
	}
	return out
}

// rule returns the rule of an action in a stage.
func (d CaseDefinition) rule(s Stage, a Action) (ActionRule, bool) {
	r, _ := d.Stage(s)
	for _, ar := range r.Rules() {
		if ar.Action == a {
			return ar, true
		}
	}
	return ActionRule{}, false
}

// WaitsOn returns the role a case waits on in a stage; filedBy is the filer's role.
func (d CaseDefinition) WaitsOn(s Stage, filedBy Role) Role {
	r, _ := d.Stage(s)
	switch r.WaitsOn {
	case ActorFiler:
		return filedBy
	case ActorNamedEnterprise, ActorPreviousEnterprise:
		return RoleEnterprise
	case ActorProvincialReviewer:
		return RoleProvincialReviewer
	case ActorMinistryReviewer:
		return RoleMinistryReviewer
	}
	return ""
}
