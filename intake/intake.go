// Package intake turns a filed request into a new case row by the rules of its case type: who
// may file it, which request fields the type's definition asks for, and what each field must
// name in the registry. The generic part reads the definitions; each type's own checks are in
// a file of their own (registration.go, renewal.go, change.go, addition.go, cancellation.go),
// so adding a case type adds a file here and nothing in the API.
package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"certflow/domain"
	"certflow/store"
)

// Request is what a filer sends to open a case; which fields a type needs is its definition's.
type Request struct {
	Type               string `json:"type"`
	PractitionerID     string `json:"practitioner_id,omitempty"`
	EnterpriseUSCC     string `json:"enterprise_uscc,omitempty"`
	Specialty          string `json:"specialty,omitempty"`
	RegistrationNumber string `json:"registration_number,omitempty"`
	NewEnterpriseUSCC  string `json:"new_enterprise_uscc,omitempty"`
	ChangeKind         string `json:"change_kind,omitempty"`
	NewName            string `json:"new_name,omitempty" maxlen:"200"`
	Reason             string `json:"reason,omitempty"`
	// given are the fields the request carried, even empty.
	given map[string]bool
}

// UnmarshalJSON decodes a request strictly (unknown fields refused), remembering which fields
// it carried: a field sent empty is not a field left out.
func (r *Request) UnmarshalJSON(b []byte) error {
	type plain Request
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*r = Request(p)
	r.given = map[string]bool{}
	for k := range keys {
		r.given[k] = true
	}
	return nil
}

// has reports whether the request carries a field: sent (even empty) when decoded from JSON,
// non-empty when built in Go.
func (r *Request) has(name string) bool {
	if r.given != nil {
		return r.given[name]
	}
	return *r.fields()[name] != ""
}

// fields are the request's type-specific fields by name.
func (r *Request) fields() map[string]*string {
	return map[string]*string{
		"practitioner_id": &r.PractitionerID, "enterprise_uscc": &r.EnterpriseUSCC, "specialty": &r.Specialty,
		"registration_number": &r.RegistrationNumber, "new_enterprise_uscc": &r.NewEnterpriseUSCC,
		"change_kind": &r.ChangeKind, "new_name": &r.NewName, "reason": &r.Reason,
	}
}

// normalize trims every field and upper-cases credit codes.
func (r *Request) normalize() {
	r.Type = strings.TrimSpace(r.Type)
	for _, f := range r.fields() {
		*f = strings.TrimSpace(*f)
	}
	r.EnterpriseUSCC = strings.ToUpper(r.EnterpriseUSCC)
	r.NewEnterpriseUSCC = strings.ToUpper(r.NewEnterpriseUSCC)
}

// Fingerprint identifies the request, so a repeated Idempotency-Key with another request is
// told apart from a retry.
func (r Request) Fingerprint() string {
	r.normalize()
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// FieldError names a request field and what is wrong with it.
type FieldError struct{ Field, Detail string }

// Problem is why a request cannot open a case: an HTTP status, a stable code, a sentence, and
// the fields at fault.
type Problem struct {
	Status int
	Code   string
	Detail string
	Fields []FieldError
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

func invalid(field, detail string) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Detail: "the request is not valid",
		Fields: []FieldError{{field, detail}}}
}

func forbidden(format string, args ...any) *Problem {
	return &Problem{Status: http.StatusForbidden, Code: "forbidden", Detail: fmt.Sprintf(format, args...)}
}

// Deps are what the checks read.
type Deps struct {
	Store    *store.Store
	Policies domain.Policies
	Now      time.Time
}

// prepare fills a type's part of the case row, or says why the request cannot open one.
type prepare func(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error

// preparers are each case type's own checks.
var preparers = map[domain.CaseType]prepare{
	domain.CaseRegistration: prepareRegistration,
	domain.CaseRenewal:      prepareRenewal,
	domain.CaseChange:       prepareChange,
	domain.CaseAddition:     prepareAddition,
	domain.CaseCancellation: prepareCancellation,
}

// Prepare checks a request against its type's definition and the registry, and returns the
// case row to insert (not yet inserted). A *Problem says why it cannot; other errors are the
// store's.
func Prepare(ctx context.Context, d Deps, p domain.Principal, req Request) (*store.Case, error) {
	req.normalize()
	if !filesAny(p.Role) {
		return nil, forbidden("a %s files no cases", p.Role)
	}
	typ := domain.CaseType(req.Type)
	def, ok := domain.Definitions[typ]
	run := preparers[typ]
	if !ok || run == nil {
		return nil, invalid("type", fmt.Sprintf("must be one of %v", domain.CaseTypes))
	}
	if !slices.Contains(def.Filers, p.Role) {
		return nil, forbidden("a %s may not file %s cases (filers: %v)", p.Role, typ, def.Filers)
	}
	variant, err := variantOf(def, req)
	if err != nil {
		return nil, err
	}
	if err := checkFields(def, variant, req); err != nil {
		return nil, err
	}
	row := &store.Case{Type: req.Type, Stage: string(domain.StageDraft), Status: string(domain.StatusOpen),
		FiledByRole: string(p.Role), FiledBySub: p.Subject, FiledByPrincipal: p.Key(), AssigneeRole: string(p.Role),
		Details: store.CaseDetails{ChangeKind: req.ChangeKind}, RequestHash: req.Fingerprint()}
	if err := run(ctx, d, p, req, row); err != nil {
		return nil, err
	}
	if row.RegistrationID != "" {
		open, err := d.Store.OpenSubmittedCase(ctx, row.RegistrationID)
		if err == nil {
			return nil, CaseOpen(open.Number)
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return row, nil
}

// filesAny reports whether some case type may be filed by a role.
func filesAny(r domain.Role) bool {
	for _, def := range domain.Definitions {
		if slices.Contains(def.Filers, r) {
			return true
		}
	}
	return false
}

// CaseOpen is the problem of a registration that already has a submitted open case.
func CaseOpen(number string) *Problem {
	return &Problem{Status: http.StatusConflict, Code: "case_open",
		Detail: fmt.Sprintf("the registration already has an open case (%s); it must close first", number)}
}

// variantOf finds the request's variant.
func variantOf(def domain.CaseDefinition, req Request) (domain.Variant, error) {
	name := ""
	if def.VariantField != "" {
		name = *req.fields()[def.VariantField]
		if name == "" && !req.has(def.VariantField) {
			return domain.Variant{}, invalid(def.VariantField, fmt.Sprintf("required: one of %v", def.VariantNames()))
		}
	}
	v, ok := def.Variant(name)
	if !ok {
		return domain.Variant{}, invalid(def.VariantField, fmt.Sprintf("must be one of %v", def.VariantNames()))
	}
	return v, nil
}

// checkFields requires the variant's fields and refuses the others.
func checkFields(def domain.CaseDefinition, v domain.Variant, req Request) error {
	p := &Problem{Status: http.StatusUnprocessableEntity, Code: "invalid_input", Detail: "the request is not valid"}
	fields := req.fields()
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		val := *fields[name]
		needed := slices.Contains(v.Fields, name)
		switch {
		case name == def.VariantField:
		case needed && val == "":
			p.Fields = append(p.Fields, FieldError{name, "required"})
		case !needed && req.has(name):
			p.Fields = append(p.Fields, FieldError{name, fmt.Sprintf("not used by a %s case", describe(def, v))})
		}
	}
	if len(p.Fields) > 0 {
		return p
	}
	return nil
}

// describe names a type and its variant for messages.
func describe(def domain.CaseDefinition, v domain.Variant) string {
	if v.Name == "" {
		return string(def.Type)
	}
	return string(def.Type) + " (" + v.Name + ")"
}
