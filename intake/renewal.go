package intake

import (
	"context"
	"fmt"
	"time"

	"certflow/domain"
	"certflow/store"
)

// prepareRenewal: the holder or the registered enterprise renews an active registration, only
// inside its window (90 to 30 days before valid_to by default).
func prepareRenewal(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	reg, _, err := registrationFor(ctx, d, p, r.RegistrationNumber, row, holdsOrInvestigates, "active")
	if err != nil {
		return err
	}
	pol := d.Policies[domain.CaseRenewal]
	if !pol.InRenewalWindow(reg.ValidTo, d.Now) {
		opens, closes := pol.RenewalWindow(reg.ValidTo)
		return WindowProblem(fmt.Sprintf("registration %s is valid to %s: a renewal may be filed from %s to %s",
			reg.Number, reg.ValidTo.Format(time.DateOnly), opens.Format(time.DateOnly), closes.Format(time.DateOnly)))
	}
	return nil
}
