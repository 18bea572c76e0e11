package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"certflow/domain"
)

// caseTypeJSON is a case type's definition with this deployment's policy numbers.
type caseTypeJSON struct {
	Type         domain.CaseType  `json:"type"`
	Workflow     string           `json:"workflow"`
	NumberPrefix string           `json:"number_prefix"`
	Filers       []domain.Role    `json:"filers"`
	VariantField string           `json:"variant_field,omitempty"`
	Variants     []domain.Variant `json:"variants"`
	// RequiredEvidence is the evidence of the type's first variant, under this deployment's
	// policy.
	RequiredEvidence []string    `json:"required_evidence"`
	Stages           []stageJSON `json:"stages"`
}

// stageJSON is one stage of a case type.
type stageJSON struct {
	Stage      domain.Stage        `json:"stage"`
	WaitsOn    domain.Actor        `json:"waits_on"`
	Actions    []domain.ActionRule `json:"actions"`
	Clock      bool                `json:"clock"`
	LimitDays  int                 `json:"limit_working_days,omitempty"`
	OnDeadline domain.OnDeadline   `json:"on_deadline,omitempty"`
}

// listCaseTypes shows every case type's definition — stages, whom each waits on, the actions
// each allows and for whom, reasons, clocks and their limits, required evidence — so clients
// such as the console need not repeat the rules.
func (s *Server) listCaseTypes(c *gin.Context) {
	types := make([]domain.CaseType, 0, len(domain.Definitions))
	for t := range domain.Definitions {
		types = append(types, t)
	}
	slices.Sort(types)
	items := make([]caseTypeJSON, 0, len(types))
	for _, t := range types {
		def := domain.Definitions[t]
		pol := s.Policies[t]
		ct := caseTypeJSON{Type: t, Workflow: def.Workflow, NumberPrefix: def.NumberPrefix, Filers: def.Filers,
			VariantField: def.VariantField, Variants: variantsOf(def, pol),
			RequiredEvidence: append([]string{}, pol.Evidence(def, def.Variants[0].Name)...), Stages: []stageJSON{}}
		for _, st := range def.Stages {
			sj := stageJSON{Stage: st.Stage, WaitsOn: st.WaitsOn, Actions: st.Rules(), Clock: st.Clock, OnDeadline: st.OnDeadline}
			if sj.Actions == nil {
				sj.Actions = []domain.ActionRule{}
			}
			if st.Clock {
				sj.LimitDays = pol.StageLimits[st.Stage]
			}
			ct.Stages = append(ct.Stages, sj)
		}
		items = append(items, ct)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// variantsOf shows a definition's variants with the evidence this deployment's policy asks.
func variantsOf(def domain.CaseDefinition, pol domain.Policy) []domain.Variant {
	out := make([]domain.Variant, len(def.Variants))
	for i, v := range def.Variants {
		v.Evidence = append([]string{}, pol.Evidence(def, v.Name)...)
		out[i] = v
	}
	return out
}
