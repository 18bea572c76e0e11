package intake

import (
	"context"
	"errors"

	"certflow/domain"
	"certflow/store"
)

// prepareChange checks a change by its kind.
func prepareChange(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	switch r.ChangeKind {
	case domain.ChangeEmployer:
		return prepareEmployerChange(ctx, d, p, r, row)
	case domain.ChangeEnterpriseName:
		return prepareEnterpriseRename(ctx, d, p, r, row)
	default:
		return preparePersonRename(ctx, d, p, r, row)
	}
}

// prepareEmployerChange: the holder, or the new enterprise, moves an active registration to
// another enterprise of the registry; the new enterprise's province reviews it. The enterprise
// left behind is kept on the case.
func prepareEmployerChange(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	may := holdsOrInvestigates
	if p.Role == domain.RoleEnterprise {
		if p.Enterprise != r.NewEnterpriseUSCC {
			return forbidden("an enterprise files a change of employer only for a person joining it")
		}
		may = joining
	}
	reg, _, err := registrationFor(ctx, d, p, r.RegistrationNumber, row, may, "active")
	if err != nil {
		return err
	}
	if r.NewEnterpriseUSCC == reg.EnterpriseUSCC {
		return invalid("new_enterprise_uscc", "the registration is already with this enterprise")
	}
	ent, err := d.Store.GetEnterprise(ctx, r.NewEnterpriseUSCC)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("new_enterprise_uscc", "no enterprise with this credit code is registered")
	} else if err != nil {
		return err
	}
	row.PreviousEnterpriseUSCC, row.EnterpriseUSCC, row.Province = reg.EnterpriseUSCC, ent.USCC, ent.ProvinceCode
	return nil
}

// prepareEnterpriseRename: an enterprise renames itself.
func prepareEnterpriseRename(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	if p.Role != domain.RoleEnterprise || p.Enterprise != r.EnterpriseUSCC {
		return forbidden("only the enterprise itself may change its name")
	}
	ent, err := d.Store.GetEnterprise(ctx, r.EnterpriseUSCC)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("enterprise_uscc", "no enterprise with this credit code is registered")
	} else if err != nil {
		return err
	}
	if r.NewName == ent.Name {
		return invalid("new_name", "the enterprise already has this name")
	}
	row.EnterpriseUSCC, row.Province, row.Details.NewName = ent.USCC, ent.ProvinceCode, r.NewName
	return nil
}

// preparePersonRename: the holder or the registered enterprise records the holder's new name.
func preparePersonRename(ctx context.Context, d Deps, p domain.Principal, r Request, row *store.Case) error {
	if len([]rune(r.NewName)) > domain.MaxName {
		return invalid("new_name", "a person's name has at most 100 characters")
	}
	if _, _, err := registrationFor(ctx, d, p, r.RegistrationNumber, row, holdsOrInvestigates, "active"); err != nil {
		return err
	}
	row.Details.NewName = r.NewName
	return nil
}
