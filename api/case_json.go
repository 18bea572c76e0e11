package api

import (
	"context"
	"strconv"
	"time"

	"certflow/calendar"
	"certflow/domain"
	"certflow/store"
)

// slaJSON is a case's deadline as the API shows it: the instant in Beijing time (+08:00),
// which clock it belongs to (review, supplement or notice), whether the authority's review
// clock is stopped, and whether a deadline passed.
type slaJSON struct {
	DueAt    *time.Time `json:"due_at"`
	Clock    *string    `json:"clock"`
	Paused   bool       `json:"paused"`
	Breached bool       `json:"breached"`
}

// slaOf shows a case row's deadline.
func slaOf(c *store.Case) slaJSON {
	v := slaJSON{Paused: c.SLAPaused, Breached: c.SLABreached}
	if c.SLADueAt != nil {
		t := c.SLADueAt.In(calendar.CST) // deadlines are shown in Beijing time
		v.DueAt = &t
	}
	if c.SLAClock != "" {
		clock := c.SLAClock
		v.Clock = &clock
	}
	return v
}

// etag is the ETag of a case view of a version.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// caseSummary is a case in lists.
type caseSummary struct {
	ID             string `json:"id"`
	Number         string `json:"number"`
	Type           string `json:"type"`
	Status         string `json:"status"`
	Stage          string `json:"stage"`
	Province       string `json:"province"`
	EnterpriseUSCC string `json:"enterprise_uscc"`
	AssigneeRole   string `json:"assignee_role"`
	// The type-specific fields, present where the case's type uses them.
	Level                  int       `json:"level,omitempty"`
	Specialty              string    `json:"specialty,omitempty"`
	PractitionerID         string    `json:"practitioner_id,omitempty"`
	RegistrationNumber     string    `json:"registration_number,omitempty"`
	PreviousEnterpriseUSCC string    `json:"previous_enterprise_uscc,omitempty"`
	ChangeKind             string    `json:"change_kind,omitempty"`
	Reason                 string    `json:"reason,omitempty"`
	SLA                    slaJSON   `json:"sla"`
	Stuck                  bool      `json:"stuck"`
	Version                int       `json:"version"`
	CreatedAt              time.Time `json:"created_at"`
	UpdatedAt              time.Time `json:"updated_at"`
}

func summarize(c *store.Case) caseSummary {
	return caseSummary{
		ID: c.ID, Number: c.Number, Type: c.Type, Status: c.Status, Stage: c.Stage, Level: c.Level,
		Specialty: c.Specialty, Province: c.Province, EnterpriseUSCC: c.EnterpriseUSCC,
		PractitionerID: c.PractitionerID, AssigneeRole: c.AssigneeRole,
		RegistrationNumber: c.Details.RegistrationNumber, PreviousEnterpriseUSCC: c.PreviousEnterpriseUSCC,
		ChangeKind: c.Details.ChangeKind, Reason: c.Details.Reason,
		SLA: slaOf(c), Stuck: c.Stuck, Version: c.Version,
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

type partyJSON struct {
	ID             string `json:"id,omitempty"`
	USCC           string `json:"uscc,omitempty"`
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked,omitempty"`
}

type evidenceJSON struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Filename    string    `json:"filename"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func toEvidenceJSON(e *store.Evidence) evidenceJSON {
	return evidenceJSON{ID: e.ID, Kind: e.Kind, SHA256: e.SHA256, Size: e.Size, ContentType: e.ContentType,
		Filename: e.Filename, UploadedBy: e.UploadedBy, CreatedAt: e.CreatedAt.UTC()}
}

type eventJSON struct {
	Actor       string    `json:"actor"`
	Role        string    `json:"role"`
	Action      string    `json:"action"`
	FromStage   string    `json:"from_stage"`
	ToStage     string    `json:"to_stage"`
	Comment     string    `json:"comment"`
	EvidenceIDs []string  `json:"evidence_ids"`
	At          time.Time `json:"at"`
}

type registrationJSON struct {
	Number    string `json:"registration_number"`
	Level     int    `json:"level"`
	Specialty string `json:"specialty"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Status    string `json:"status"`
}

// caseDetail is one case with its parties, evidence, timeline and what the caller may do.
type caseDetail struct {
	caseSummary
	// Practitioner is absent from a case about an enterprise alone.
	Practitioner *partyJSON `json:"practitioner,omitempty"`
	Enterprise   partyJSON  `json:"enterprise"`
	// PreviousEnterprise is the enterprise a change of employer leaves.
	PreviousEnterprise *partyJSON `json:"previous_enterprise,omitempty"`
	// NewName is the name a change of name asks for.
	NewName string `json:"new_name,omitempty"`
	// RequiredEvidence are the evidence kinds the case's submission must include.
	RequiredEvidence []string       `json:"required_evidence"`
	Evidence         []evidenceJSON `json:"evidence"`
	Events           []eventJSON    `json:"events"`
	// TimelineVerified: the timeline's hash chain recomputes (nothing was changed in place).
	TimelineVerified bool              `json:"timeline_verified"`
	Registration     *registrationJSON `json:"registration,omitempty"`
	AllowedActions   []domain.Action   `json:"allowed_actions"`
}

// detail loads everything GET /cases/{id} shows: besides the case row, one query.
func (s *Server) detail(ctx context.Context, p domain.Principal, c *store.Case) (*caseDetail, error) {
	d := &caseDetail{caseSummary: summarize(c), Evidence: []evidenceJSON{}, Events: []eventJSON{}, AllowedActions: []domain.Action{}}
	v, err := s.Store.CaseView(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if c.PractitionerID != "" {
		masked, err := s.Store.MaskedIDNumber(&store.Practitioner{IDNumberEnc: v.IDNumberEnc})
		if err != nil {
			return nil, err
		}
		d.Practitioner = &partyJSON{ID: c.PractitionerID, Name: v.PractitionerName, IDNumberMasked: masked}
	}
	d.Enterprise = partyJSON{USCC: c.EnterpriseUSCC, Name: v.EnterpriseName}
	if c.PreviousEnterpriseUSCC != "" {
		d.PreviousEnterprise = &partyJSON{USCC: c.PreviousEnterpriseUSCC, Name: v.PreviousEnterpriseName}
	}
	d.NewName = c.Details.NewName
	for i := range v.Evidence {
		d.Evidence = append(d.Evidence, toEvidenceJSON(&v.Evidence[i]))
	}
	for _, e := range v.Events {
		if e.EvidenceIDs == nil {
			e.EvidenceIDs = []string{}
		}
		d.Events = append(d.Events, eventJSON{Actor: e.ActorSub, Role: e.ActorRole, Action: e.Action, FromStage: e.FromStage,
			ToStage: e.ToStage, Comment: e.Comment, EvidenceIDs: e.EvidenceIDs, At: e.At.UTC()})
	}
	d.TimelineVerified = timelineVerified(v.Events)
	if r := v.Registration; r != nil {
		d.Registration = &registrationJSON{Number: r.Number, Level: r.Level, Specialty: r.Specialty,
			ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, Status: r.Status}
	}
	facts := factsOf(c)
	def, _ := domain.DefinitionOf(facts.Type)
	d.RequiredEvidence = append([]string{}, s.Policies[def.Type].Evidence(def, c.Details.ChangeKind)...)
	for _, a := range def.AllowedActions(facts.Stage) {
		if domain.CheckDecision(facts, p, a, "reason") == nil {
			d.AllowedActions = append(d.AllowedActions, a)
		}
	}
	return d, nil
}
