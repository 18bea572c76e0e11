package intake

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"certflow/domain"
	"certflow/store"
)

// noSuchRegistration is the one answer for a registration that does not exist and for one the
// caller may not file for.
var noSuchRegistration = invalid("registration_number", "no registration you may file for has this number")

// access says whether a principal may file for a registration.
type access func(p domain.Principal, reg *store.Registration, ent *store.Enterprise) bool

// registrationFor loads the registration a lifecycle request names, with its enterprise, and
// fills the case row from it: the holder, the enterprise, its province, the level. may says
// who may file for it (one answer for "no such registration" and "not yours"); statuses lists
// the registration statuses the type accepts.
func registrationFor(ctx context.Context, d Deps, p domain.Principal, number string, row *store.Case, may access, statuses ...string) (*store.Registration, *store.Enterprise, error) {
	reg, err := d.Store.RegistrationByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, noSuchRegistration
	} else if err != nil {
		return nil, nil, err
	}
	ent, err := d.Store.GetEnterprise(ctx, reg.EnterpriseUSCC)
	if err != nil {
		return nil, nil, err
	}
	if !may(p, reg, ent) {
		return nil, nil, noSuchRegistration
	}
	if !slices.Contains(statuses, reg.Status) {
		return nil, nil, invalid("registration_number", "the registration is "+reg.Status)
	}
	row.RegistrationID, row.PractitionerID, row.EnterpriseUSCC = reg.ID, reg.PractitionerID, reg.EnterpriseUSCC
	row.Province, row.Level, row.Details.RegistrationNumber = ent.ProvinceCode, reg.Level, reg.Number
	return reg, ent, nil
}

// holdsOrInvestigates: the holder, the registered enterprise, or an investigator whose scope
// covers the registration's province.
func holdsOrInvestigates(p domain.Principal, reg *store.Registration, ent *store.Enterprise) bool {
	switch p.Role {
	case domain.RoleApplicant:
		return p.PractitionerID != "" && p.PractitionerID == reg.PractitionerID
	case domain.RoleEnterprise:
		return p.Enterprise != "" && p.Enterprise == reg.EnterpriseUSCC
	case domain.RoleInvestigator:
		return p.Province == "" || p.Province == ent.ProvinceCode
	}
	return false
}

// joining: an enterprise files a change of employer for a person joining it, knowing the
// (public) registration number.
func joining(p domain.Principal, _ *store.Registration, _ *store.Enterprise) bool {
	return p.Role == domain.RoleEnterprise
}

// WindowProblem is the problem of a renewal filed outside its window.
func WindowProblem(detail string) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "renewal_window", Detail: detail}
}
