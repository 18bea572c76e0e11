package intake

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"certflow/domain"
)

// fieldsOf decodes a request and checks its fields against its type's definition, returning
// the fields at fault.
func fieldsOf(t *testing.T, body string) []string {
	t.Helper()
	var r Request
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	r.normalize()
	def := domain.Definitions[domain.CaseType(r.Type)]
	v, err := variantOf(def, r)
	if err == nil {
		err = checkFields(def, v, r)
	}
	var p *Problem
	if !errors.As(err, &p) {
		return nil
	}
	var out []string
	for _, f := range p.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestFieldsFollowTheDefinition(t *testing.T) {
	tests := []struct {
		body string
		bad  []string
	}{
		{`{"type":"renewal","registration_number":"辽121202300001"}`, nil},
		{`{"type":"renewal"}`, []string{"registration_number"}},
		{`{"type":"renewal","registration_number":"x","specialty":"建筑工程"}`, []string{"specialty"}},
		{`{"type":"renewal","registration_number":"x","reason":""}`, []string{"reason"}}, // sent, even empty
		{`{"type":"change","change_kind":"employer","registration_number":"x","new_enterprise_uscc":"y"}`, nil},
		{`{"type":"change","change_kind":"employer","registration_number":"x"}`, []string{"new_enterprise_uscc"}},
		{`{"type":"change","change_kind":"employer","registration_number":"x","new_enterprise_uscc":"y","new_name":"z"}`, []string{"new_name"}},
		{`{"type":"change","registration_number":"x"}`, []string{"change_kind"}},
		{`{"type":"change","change_kind":"","registration_number":"x"}`, []string{"change_kind"}},
		{`{"type":"change","change_kind":"title","registration_number":"x"}`, []string{"change_kind"}},
		{`{"type":"change","change_kind":"enterprise_name","enterprise_uscc":"E","new_name":"新名"}`, nil},
		{`{"type":"registration","practitioner_id":"p","enterprise_uscc":"E","specialty":"建筑工程","change_kind":"employer"}`, []string{"change_kind"}},
		{`{"type":"cancellation","registration_number":"x","reason":"contract_ended"}`, nil},
	}
	for _, tc := range tests {
		if got := fieldsOf(t, tc.body); !slices.Equal(got, tc.bad) {
			t.Errorf("%s: fields at fault %v, want %v", tc.body, got, tc.bad)
		}
	}
}

func TestUnknownFieldsAreRefused(t *testing.T) {
	var r Request
	if err := json.Unmarshal([]byte(`{"type":"renewal","registration_number":"x","valid_to":"2030-01-01"}`), &r); err == nil {
		t.Fatal("an unknown field was accepted")
	}
}

func TestFingerprintIgnoresSpacingAndCase(t *testing.T) {
	a := Request{Type: "change", ChangeKind: "employer", RegistrationNumber: "x", NewEnterpriseUSCC: "91210102ma0qcf1a2p"}
	b := Request{Type: " change", ChangeKind: "employer ", RegistrationNumber: "x", NewEnterpriseUSCC: "91210102MA0QCF1A2P"}
	c := b
	c.RegistrationNumber = "y"
	if a.Fingerprint() != b.Fingerprint() || b.Fingerprint() == c.Fingerprint() {
		t.Fatal("fingerprints do not tell requests apart by their meaning")
	}
}
