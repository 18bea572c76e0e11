package intake

import (
	"context"
	"errors"

	"certflow/domain"
	"certflow/store"
)

// noSuchPractitioner is the one answer for a practitioner who does not exist and for one the
// caller may not file for, so filing reveals nothing about other enterprises' people.
var noSuchPractitioner = invalid("practitioner_id", "no practitioner you may file for has this id")

// prepareRegistration: an initial registration is filed by the practitioner themself or by an
// enterprise that employs them, with an enterprise of the registry, for the specialty of the
// person's qualification.
func prepareRegistration(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	switch {
	case p.Role == domain.RoleApplicant && p.PractitionerID != r.PractitionerID,
		p.Role == domain.RoleEnterprise && p.Enterprise != r.EnterpriseUSCC:
		return forbidden("you may file cases only for yourself or for your own enterprise")
	}
	prac, err := d.Store.GetPractitioner(ctx, r.PractitionerID, store.Scope{All: true})
	if errors.Is(err, store.ErrNotFound) {
		return noSuchPractitioner
	} else if err != nil {
		return err
	}
	if p.Role == domain.RoleEnterprise {
		if employed, err := d.Store.EmployedBy(ctx, prac.ID, p.Enterprise); err != nil {
			return err
		} else if !employed {
			return noSuchPractitioner
		}
	}
	ent, err := d.Store.GetEnterprise(ctx, r.EnterpriseUSCC)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("enterprise_uscc", "no enterprise with this credit code is registered")
	} else if err != nil {
		return err
	}
	if r.Specialty != prac.Specialty || !domain.ValidSpecialty(prac.Level, r.Specialty) {
		return invalid("specialty", "must be the specialty of the practitioner's qualification")
	}
	row.Level, row.Specialty, row.EnterpriseUSCC, row.PractitionerID = prac.Level, r.Specialty, ent.USCC, prac.ID
	row.Province = ent.ProvinceCode
	return nil
}
