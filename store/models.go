package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Enterprise is a construction company holding a qualification.
type Enterprise struct {
	bun.BaseModel      `bun:"table:enterprises"`
	USCC               string    `bun:"uscc,pk" json:"uscc"`
	Name               string    `bun:"name" json:"name"`
	ProvinceCode       string    `bun:"province_code" json:"province_code"`
	Qualification      string    `bun:"qualification" json:"qualification"`
	QualificationValid bool      `bun:"qualification_valid" json:"qualification_valid"`
	CreatedAt          time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
}

// Practitioner is a person holding or applying for a registration. The resident ID and phone
// are stored encrypted; IDNumberIndex is the keyed hash used for lookups. Nothing else derived
// from the resident ID (its masked form, the birth date) is stored: together with other columns
// it would rebuild the number.
type Practitioner struct {
	bun.BaseModel `bun:"table:practitioners,alias:p"`
	ID            string `bun:"id,pk,type:uuid"`
	IDNumberEnc   []byte `bun:"id_number_enc"`
	IDNumberIndex string `bun:"id_number_index"`
	Name          string `bun:"name"`
	PhoneEnc      []byte `bun:"phone_enc"`
	PhoneMasked   string `bun:"phone_masked"`
	Level         int    `bun:"level"`
	Specialty     string `bun:"specialty"`
	CertificateNo string `bun:"certificate_no"`
	// ObtainedOn is when the qualification was obtained; zero (NULL) for people imported
	// without qualification-certificate data.
	ObtainedOn          time.Time `bun:"obtained_on,type:date,nullzero"`
	EducationHours      int       `bun:"education_hours"`
	CreatedByEnterprise *string   `bun:"created_by_enterprise"`
	CreatedBy           string    `bun:"created_by"`
	CreatedAt           time.Time `bun:"created_at,nullzero,default:now()"`
}

// BadRecord is a credit-archive entry that blocks registration until a date.
type BadRecord struct {
	bun.BaseModel  `bun:"table:bad_records"`
	ID             int64     `bun:"id,pk,autoincrement"`
	PractitionerID string    `bun:"practitioner_id,type:uuid"`
	Rule           string    `bun:"rule"`
	Reason         string    `bun:"reason"`
	BlocksUntil    time.Time `bun:"blocks_until,type:date"`
	CreatedAt      time.Time `bun:"created_at,nullzero,default:now()"`
}

// Case is the projection of one case, written by the workflow's activities on every
// transition (and first by the API when the case is created).
type Case struct {
	bun.BaseModel  `bun:"table:cases,alias:c"`
	ID             string `bun:"id,pk,type:uuid"`
	Number         string `bun:"number"`
	Type           string `bun:"type"`
	Stage          string `bun:"stage"`
	Status         string `bun:"status"`
	Level          int    `bun:"level"`
	Specialty      string `bun:"specialty"`
	EnterpriseUSCC string `bun:"enterprise_uscc"`
	// PractitionerID is empty for cases about an enterprise alone (its change of name).
	PractitionerID string `bun:"practitioner_id,type:uuid,nullzero"`
	Province       string `bun:"province"`
	// RegistrationID is the registration a lifecycle case changes ("" for an initial
	// registration or an enterprise's change of name).
	RegistrationID string `bun:"registration_id,type:uuid,nullzero"`
	// PreviousEnterpriseUSCC is the enterprise a change of employer leaves.
	PreviousEnterpriseUSCC string `bun:"previous_enterprise_uscc,nullzero"`
	// Details is the type-specific part of the request.
	Details CaseDetails `bun:"details,type:jsonb"`
	// Submitted is set when the filer submits; a registration has at most one submitted
	// open case (the database's partial unique index).
	Submitted bool `bun:"submitted"`
	// RequestHash fingerprints the filed request, so a repeated Idempotency-Key with another
	// request is told apart.
	RequestHash string `bun:"request_hash"`
	FiledByRole string `bun:"filed_by_role"`
	FiledBySub  string `bun:"filed_by_sub"`
	// FiledByPrincipal is the whole filing principal (role, enterprise, province, subject),
	// which scopes the Idempotency-Key.
	FiledByPrincipal string  `bun:"filed_by_principal"`
	IdempotencyKey   *string `bun:"idempotency_key"`
	AssigneeRole     string  `bun:"assignee_role"`
	AssigneeSub      string  `bun:"assignee_sub"`
	// AssigneeEnterprise is the enterprise the case waits on, when it waits on one.
	AssigneeEnterprise string     `bun:"assignee_enterprise"`
	SLADueAt           *time.Time `bun:"sla_due_at"`
	SLAPaused          bool       `bun:"sla_paused"`
	SLABreached        bool       `bun:"sla_breached"`
	// SLAClock names the clock SLADueAt belongs to: review, supplement or notice ("" for none).
	SLAClock           string `bun:"sla_clock"`
	ProvincialReviewer string `bun:"provincial_reviewer"`
	Extended           bool   `bun:"extended"`
	// Version is raised by every write to the case's view (the API's ETag).
	Version int `bun:"version"`
	// Stuck is set when an activity of the case keeps failing; StuckReason says which.
	Stuck       bool      `bun:"stuck"`
	StuckReason string    `bun:"stuck_reason"`
	CreatedAt   time.Time `bun:"created_at,nullzero,default:now()"`
	UpdatedAt   time.Time `bun:"updated_at,nullzero,default:now()"`
}

// CaseEvent is one entry of a case's append-only timeline.
type CaseEvent struct {
	bun.BaseModel `bun:"table:case_events"`
	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	CaseID        string    `bun:"case_id,type:uuid" json:"case_id"`
	Key           string    `bun:"key" json:"key"`
	ActorSub      string    `bun:"actor_sub" json:"actor_sub"`
	ActorRole     string    `bun:"actor_role" json:"actor_role"`
	Action        string    `bun:"action" json:"action"`
	FromStage     string    `bun:"from_stage" json:"from_stage"`
	ToStage       string    `bun:"to_stage" json:"to_stage"`
	Comment       string    `bun:"comment" json:"comment"`
	EvidenceIDs   []string  `bun:"evidence_ids,array" json:"evidence_ids"`
	At            time.Time `bun:"at" json:"at"`
	// PrevHash and Hash chain the case's timeline; PostgreSQL computes them on insert.
	PrevHash string `bun:"prev_hash,scanonly" json:"prev_hash"`
	Hash     string `bun:"hash,scanonly" json:"hash"`
}

// Evidence is the metadata of one uploaded file; the bytes live in MinIO under ObjectKey.
type Evidence struct {
	bun.BaseModel `bun:"table:evidence"`
	ID            string    `bun:"id,pk,type:uuid" json:"id"`
	CaseID        string    `bun:"case_id,type:uuid" json:"case_id"`
	Kind          string    `bun:"kind" json:"kind"`
	ObjectKey     string    `bun:"object_key" json:"object_key"`
	SHA256        string    `bun:"sha256" json:"sha256"`
	Size          int64     `bun:"size" json:"size"`
	ContentType   string    `bun:"content_type" json:"content_type"`
	Filename      string    `bun:"filename" json:"filename"`
	UploadedBy    string    `bun:"uploaded_by" json:"uploaded_by"`
	UploadedRole  string    `bun:"uploaded_role" json:"uploaded_role"`
	CreatedAt     time.Time `bun:"created_at,nullzero,default:now()" json:"created_at"`
	// VersionID is the object version under retention ("" until it is locked, or when the
	// bucket keeps no versions).
	VersionID string `bun:"version_id" json:"-"`
}

// Registration is an issued 注册建造师 registration.
type Registration struct {
	bun.BaseModel `bun:"table:registrations"`
	ID            string `bun:"id,pk,type:uuid"`
	Number        string `bun:"number"`
	// CaseID is the case that issued it; empty for registrations imported from the system
	// certflow replaces.
	CaseID         string `bun:"case_id,type:uuid,nullzero"`
	PractitionerID string `bun:"practitioner_id,type:uuid"`
	EnterpriseUSCC string `bun:"enterprise_uscc"`
	Level          int    `bun:"level"`
	// Specialty is the first specialty; registration_specialties holds them all.
	Specialty string    `bun:"specialty"`
	ValidFrom time.Time `bun:"valid_from,type:date"`
	ValidTo   time.Time `bun:"valid_to,type:date"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at,nullzero,default:now()"`
}

// Notification is a reminder or escalation addressed to a role (or one subject), about a case
// or (for expiry reminders) a registration.
type Notification struct {
	bun.BaseModel `bun:"table:notifications"`
	ID            int64  `bun:"id,pk,autoincrement"`
	CaseID        string `bun:"case_id,type:uuid,nullzero"`
	// RegistrationID is the registration a notification without a case is about.
	RegistrationID string `bun:"registration_id,type:uuid,nullzero"`
	// PractitionerID and EnterpriseUSCC name the recipient of a registration's notification
	// (role applicant: the practitioner; role enterprise: the enterprise).
	PractitionerID string    `bun:"practitioner_id,type:uuid,nullzero"`
	EnterpriseUSCC string    `bun:"enterprise_uscc,nullzero"`
	Key            string    `bun:"key"`
	Kind           string    `bun:"kind"`
	Role           string    `bun:"role"`
	Subject        string    `bun:"subject"`
	Message        string    `bun:"message"`
	At             time.Time `bun:"at"`
}

// CaseDetails is the type-specific part of a case's request, as its definition names it.
type CaseDetails struct {
	// ChangeKind is a change case's kind: employer, enterprise_name or person_name.
	ChangeKind string `json:"change_kind,omitempty"`
	// NewName is the new name of a change of enterprise or person name.
	NewName string `json:"new_name,omitempty"`
	// Reason is a cancellation's reason code.
	Reason string `json:"reason,omitempty"`
	// RegistrationNumber is the number of the registration a lifecycle case changes.
	RegistrationNumber string `json:"registration_number,omitempty"`
}

// RegistrationSpecialty is one specialty of a registration.
type RegistrationSpecialty struct {
	bun.BaseModel  `bun:"table:registration_specialties"`
	RegistrationID string    `bun:"registration_id,pk,type:uuid"`
	Specialty      string    `bun:"specialty,pk"`
	AddedOn        time.Time `bun:"added_on,type:date"`
}

// EducationRecord is one completed continuing-education course (继续教育).
type EducationRecord struct {
	bun.BaseModel  `bun:"table:education_records"`
	ID             int64     `bun:"id,pk,autoincrement"`
	PractitionerID string    `bun:"practitioner_id,type:uuid"`
	Provider       string    `bun:"provider"`
	Course         string    `bun:"course"`
	Hours          int       `bun:"hours"`
	CompletedOn    time.Time `bun:"completed_on,type:date"`
}
