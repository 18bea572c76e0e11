package domain

import (
	"encoding/json"
	"fmt"
)

// Principal is the person behind a request, as the token and the registry establish them.
type Principal struct {
	Subject string `json:"sub"`
	Role    Role   `json:"role"`
	// Enterprise is the credit code of an enterprise user.
	Enterprise string `json:"enterprise,omitempty"`
	// PractitionerID is the registry id of an applicant acting for themself (resolved from the
	// token's resident-ID claim, so no personal data travels further).
	PractitionerID string `json:"practitioner_id,omitempty"`
	// Province is a provincial reviewer's or investigator's two-digit province code.
	Province string `json:"province,omitempty"`
}

// Key identifies the whole principal — role, enterprise, province, practitioner and subject —
// so that users of two enterprises who share a subject are never taken for one another.
func (p Principal) Key() string {
	b, _ := json.Marshal([]string{string(p.Role), p.Enterprise, p.Province, p.PractitionerID, p.Subject})
	return string(b)
}

// CaseFacts is what the decision rule needs to know about a case.
type CaseFacts struct {
	// Type is the case type, whose definition holds the rules ("" for cases recorded before
	// it was kept here: registrations).
	Type           CaseType `json:"type,omitempty"`
	Status         Status   `json:"status"`
	Stage          Stage    `json:"stage"`
	EnterpriseUSCC string   `json:"enterprise_uscc"`
	PractitionerID string   `json:"practitioner_id"`
	Province       string   `json:"province"`
	// PreviousEnterpriseUSCC is the enterprise a change of employer leaves.
	PreviousEnterpriseUSCC string `json:"previous_enterprise_uscc,omitempty"`
	// Kind is the case's variant (a change's change_kind), "" for types without variants.
	Kind string `json:"kind,omitempty"`
	// Filer is the filing principal's key, for filers other than the applicant side (an
	// investigator filing a cancellation).
	Filer string `json:"filer,omitempty"`
	// ProvincialReviewer is the subject who approved at provincial review (four-eyes).
	ProvincialReviewer string `json:"provincial_reviewer,omitempty"`
	// Extended is true once the ministry review limit has been extended.
	Extended bool `json:"extended"`
}

// Refusal explains why an action is not allowed; Code is stable and machine-readable.
type Refusal struct {
	Code    string
	Message string
}

// Error implements error.
func (r *Refusal) Error() string { return r.Message }

// Refusal codes.
const (
	CodeCaseClosed      = "case_closed"
	CodeWrongStage      = "wrong_stage"
	CodeNotAllowed      = "action_not_allowed"
	CodeFourEyes        = "four_eyes"
	CodeReasonRequired  = "reason_required"
	CodeAlreadyExtended = "already_extended"
	CodeUnknownAction   = "unknown_action"
	CodeInvalidText     = "invalid_text"
	CodeNothingSupplied = "nothing_supplied"
)

func refuse(code, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CheckDecision decides whether p may take action a on a case with facts f, by the rules of the
// case type's definition. It returns nil or a *Refusal. The API calls it before signalling;
// the workflow calls it again on receipt.
func CheckDecision(f CaseFacts, p Principal, a Action, comment string) error {
	if !a.Valid() {
		return refuse(CodeUnknownAction, "unknown action %q; expected one of %v", a, Actions)
	}
	def, ok := DefinitionOf(f.Type)
	if !ok {
		return refuse(CodeNotAllowed, "cases of type %q take no actions here", f.Type)
	}
	if f.Status != StatusOpen {
		return refuse(CodeCaseClosed, "the case is closed (status %s); no further actions are possible", f.Status)
	}
	rule, ok := def.rule(f.Stage, a)
	if !ok {
		return refuse(CodeWrongStage, "action %s is not possible while the case is in stage %s (possible: %v)",
			a, f.Stage, def.AllowedActions(f.Stage))
	}
	if err := checkActor(f, p, rule); err != nil {
		return err
	}
	if rule.ReasonRequired && comment == "" {
		return refuse(CodeReasonRequired, "action %s needs a comment giving the reason", a)
	}
	if rule.Once && f.Extended {
		return refuse(CodeAlreadyExtended, "the %s limit can be extended only once and already was", f.Stage)
	}
	if rule.FourEyes && p.Subject == f.ProvincialReviewer {
		return refuse(CodeFourEyes, "the %s decision must come from a different person than the provincial reviewer (%s)", f.Stage, p.Subject)
	}
	return nil
}

// CheckDecisionContent checks what a decision carries: its comment must be text certflow may
// store (CheckText, at most MaxComment characters), its evidence references must be UUIDs, and
// a supplement must supply something — new evidence or a comment saying why none is needed.
// The API calls it before signalling; the workflow calls it again on receipt.
func CheckDecisionContent(a Action, comment string, evidenceIDs []string) error {
	if err := CheckText(comment, MaxComment); err != nil {
		return refuse(CodeInvalidText, "the comment %v", err)
	}
	for _, id := range evidenceIDs {
		if !isUUID(id) {
			return refuse(CodeInvalidText, "evidence id %q is not a UUID", id)
		}
	}
	if a == ActionSupplement && comment == "" && len(evidenceIDs) == 0 {
		return refuse(CodeNothingSupplied, "a supplement needs evidence uploaded since the request, or a comment saying why none is needed")
	}
	return nil
}

// isUUID reports whether s is a UUID in its canonical 36-character form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// checkActor checks that the principal is the actor the rule names, for this case.
func checkActor(f CaseFacts, p Principal, rule ActionRule) error {
	a := rule.Action
	switch rule.Actor {
	case ActorFiler:
		if IsFiler(f, p) {
			return nil
		}
		return refuse(CodeNotAllowed, "only the applicant or the named enterprise may %s this case", a)
	case ActorNamedEnterprise:
		if p.Role == RoleEnterprise && p.Enterprise == f.EnterpriseUSCC {
			return nil
		}
		return refuse(CodeNotAllowed, "only the named enterprise may %s in stage %s", a, f.Stage)
	case ActorProvincialReviewer:
		if p.Role == RoleProvincialReviewer && p.Province == f.Province {
			return nil
		}
		return refuse(CodeNotAllowed, "only a provincial reviewer of province %s may %s in stage %s", f.Province, a, f.Stage)
	case ActorPreviousEnterprise:
		if p.Role == RoleEnterprise && f.PreviousEnterpriseUSCC != "" && p.Enterprise == f.PreviousEnterpriseUSCC {
			return nil
		}
		return refuse(CodeNotAllowed, "only the enterprise the person leaves may %s in stage %s", a, f.Stage)
	case ActorMinistryReviewer:
		if p.Role == RoleMinistryReviewer {
			return nil
		}
	case ActorAnyone:
		if p.Subject != "" {
			return nil
		}
	}
	return refuse(CodeNotAllowed, "a %s may not %s a case in stage %s", p.Role, a, f.Stage)
}

// IsFiler reports whether p speaks for the applicant side of the case: the practitioner
// themself, the enterprise named in it, or whoever else filed it (an investigator filing a
// cancellation).
func IsFiler(f CaseFacts, p Principal) bool {
	if f.Filer != "" && f.Filer == p.Key() {
		return true
	}
	switch p.Role {
	case RoleApplicant:
		return p.PractitionerID != "" && p.PractitionerID == f.PractitionerID
	case RoleEnterprise:
		return p.Enterprise != "" && p.Enterprise == f.EnterpriseUSCC
	}
	return false
}
