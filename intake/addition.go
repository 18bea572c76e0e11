package intake

import (
	"context"
	"slices"
	"strings"

	"certflow/domain"
	"certflow/store"
)

// prepareAddition: the holder or the registered enterprise adds a specialty that exists at the
// registration's level and that it does not hold yet.
func prepareAddition(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	reg, _, err := registrationFor(ctx, d, p, r.RegistrationNumber, row, holdsOrInvestigates, "active")
	if err != nil {
		return err
	}
	if !domain.ValidSpecialty(reg.Level, r.Specialty) {
		return invalid("specialty", "must be one of "+strings.Join(domain.Specialties(reg.Level), ", "))
	}
	held, err := d.Store.RegistrationSpecialties(ctx, reg.ID)
	if err != nil {
		return err
	}
	if slices.Contains(held, r.Specialty) {
		return invalid("specialty", "the registration already has this specialty")
	}
	row.Specialty = r.Specialty
	return nil
}
