package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// CaseView is everything the case view shows besides the case row — its parties, evidence,
// timeline and registration — read in one query.
type CaseView struct {
	PractitionerName string
	// IDNumberEnc is the practitioner's encrypted resident ID (for the masked form).
	IDNumberEnc    []byte
	EnterpriseName string
	// PreviousEnterpriseName names the enterprise a change of employer leaves.
	PreviousEnterpriseName string
	Evidence               []Evidence
	Events                 []CaseEvent
	// Registration is set once the case issued one.
	Registration *RegistrationView
}

// RegistrationView is a registration as the case view shows it, dates as calendar dates.
type RegistrationView struct {
	Number    string `json:"number"`
	Level     int    `json:"level"`
	Specialty string `json:"specialty"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Status    string `json:"status"`
}

// caseViewQuery gathers a case's parties, evidence (oldest first), timeline (in order) and
// registration in one statement.
const caseViewQuery = `
SELECT coalesce(p.name, '') AS practitioner_name, p.id_number_enc, e.name AS enterprise_name, coalesce(pe.name, '') AS previous_enterprise_name,
  (SELECT coalesce(json_agg(json_build_object('id', v.id, 'case_id', v.case_id, 'kind', v.kind,
      'sha256', v.sha256, 'size', v.size, 'content_type', v.content_type, 'filename', v.filename,
      'uploaded_by', v.uploaded_by, 'created_at', v.created_at) ORDER BY v.created_at, v.id), '[]')
     FROM evidence v WHERE v.case_id = c.id) AS evidence,
  (SELECT coalesce(json_agg(json_build_object('id', x.id, 'case_id', x.case_id, 'key', x.key,
      'actor_sub', x.actor_sub, 'actor_role', x.actor_role, 'action', x.action, 'from_stage', x.from_stage,
      'to_stage', x.to_stage, 'comment', x.comment, 'evidence_ids', x.evidence_ids, 'at', x.at,
      'prev_hash', x.prev_hash, 'hash', x.hash) ORDER BY x.id), '[]')
     FROM case_events x WHERE x.case_id = c.id) AS events,
  (SELECT json_build_object('number', r.number, 'level', r.level, 'specialty', r.specialty,
      'valid_from', to_char(r.valid_from, 'YYYY-MM-DD'), 'valid_to', to_char(r.valid_to, 'YYYY-MM-DD'),
      'status', r.status)
     FROM registrations r WHERE r.id = coalesce(c.registration_id,
       (SELECT r2.id FROM registrations r2 WHERE r2.case_id = c.id))) AS registration
FROM cases c
LEFT JOIN practitioners p ON p.id = c.practitioner_id
JOIN enterprises e ON e.uscc = c.enterprise_uscc
LEFT JOIN enterprises pe ON pe.uscc = c.previous_enterprise_uscc
WHERE c.id = ?`

// CaseView reads what the view of a case shows besides its row.
func (s *Store) CaseView(ctx context.Context, caseID string) (*CaseView, error) {
	var row struct {
		PractitionerName string `bun:"practitioner_name"`
		IDNumberEnc      []byte `bun:"id_number_enc"`
		EnterpriseName   string `bun:"enterprise_name"`
		PreviousName     string `bun:"previous_enterprise_name"`
		Evidence         []byte `bun:"evidence"`
		Events           []byte `bun:"events"`
		Registration     []byte `bun:"registration"`
	}
	if err := s.DB.NewRaw(caseViewQuery, caseID).Scan(ctx, &row); err != nil {
		return nil, notFound(err)
	}
	v := &CaseView{PractitionerName: row.PractitionerName, IDNumberEnc: row.IDNumberEnc, EnterpriseName: row.EnterpriseName,
		PreviousEnterpriseName: row.PreviousName}
	if err := json.Unmarshal(row.Evidence, &v.Evidence); err != nil {
		return nil, fmt.Errorf("case view evidence: %w", err)
	}
	if err := json.Unmarshal(row.Events, &v.Events); err != nil {
		return nil, fmt.Errorf("case view events: %w", err)
	}
	if len(row.Registration) > 0 {
		v.Registration = new(RegistrationView)
		if err := json.Unmarshal(row.Registration, v.Registration); err != nil {
			return nil, fmt.Errorf("case view registration: %w", err)
		}
	}
	return v, nil
}
