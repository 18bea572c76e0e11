package intake

import (
	"context"
	"slices"

	"certflow/domain"
	"certflow/store"
)

// prepareCancellation: the holder, the registered enterprise or an investigator of its
// province cancels a registration that is not cancelled yet, giving a reason from the list;
// only investigators may give revoked_by_authority.
func prepareCancellation(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	if !slices.Contains(domain.CancellationReasons, r.Reason) {
		return invalid("reason", "must be one of contract_ended, enterprise_bankrupt, enterprise_qualification_revoked, over_age, death_or_incapacity, at_own_request, revoked_by_authority")
	}
	if r.Reason == domain.ReasonRevokedByAuthority && p.Role != domain.RoleInvestigator {
		return invalid("reason", "only an investigator may cancel a registration as revoked_by_authority")
	}
	if _, _, err := registrationFor(ctx, d, p, r.RegistrationNumber, row, holdsOrInvestigates, "active", "expired"); err != nil {
		return err
	}
	row.Details.Reason = r.Reason
	return nil
}
