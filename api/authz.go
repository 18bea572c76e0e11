package api

import (
	"context"
	"errors"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/store"
)

// This file is the one authorization layer: every handler asks it what a principal may see
// or do. Out-of-scope objects are reported as not found by the handlers.

// caseScope is the set of cases a principal may see.
func caseScope(p domain.Principal) store.Scope {
	switch p.Role {
	case domain.RoleAdmin, domain.RoleMinistryReviewer, domain.RoleSupervisor:
		return store.Scope{All: true}
	case domain.RoleProvincialReviewer, domain.RoleInvestigator:
		if p.Province != "" {
			return store.Scope{Province: p.Province}
		}
		if p.Role == domain.RoleInvestigator {
			return store.Scope{All: true}
		}
	case domain.RoleEnterprise:
		return store.Scope{Enterprise: p.Enterprise}
	case domain.RoleApplicant:
		return store.Scope{PractitionerID: p.PractitionerID}
	}
	return store.Scope{}
}

// canSeeEnterprise reports whether p may read an enterprise's record.
func canSeeEnterprise(p domain.Principal, e *store.Enterprise) bool {
	switch p.Role {
	case domain.RoleEnterprise:
		return p.Enterprise == e.USCC
	case domain.RoleProvincialReviewer:
		return p.Province == e.ProvinceCode
	case domain.RoleApplicant:
		return false
	}
	return true
}

// canSeePractitioner reports whether p may read a practitioner's record.
func (s *Server) canSeePractitioner(ctx context.Context, p domain.Principal, prac *store.Practitioner) (bool, error) {
	switch p.Role {
	case domain.RoleAdmin, domain.RoleMinistryReviewer, domain.RoleSupervisor, domain.RoleInvestigator:
		return true, nil
	case domain.RoleApplicant:
		return p.PractitionerID == prac.ID, nil
	case domain.RoleEnterprise:
		return s.Store.PractitionerLinkedTo(ctx, prac.ID, p.Enterprise)
	case domain.RoleProvincialReviewer:
		return s.Store.PractitionerInProvince(ctx, prac.ID, p.Province)
	}
	return false, nil
}

// canRegisterPractitioner: applicants register themselves, enterprises their staff, admins anyone.
func canRegisterPractitioner(p domain.Principal) bool {
	switch p.Role {
	case domain.RoleApplicant, domain.RoleEnterprise, domain.RoleAdmin:
		return true
	}
	return false
}

// canFileCase reports whether p may open a case for this practitioner and enterprise: the
// practitioner themself, or the enterprise named in it.
func canFileCase(p domain.Principal, practitionerID, uscc string) bool {
	switch p.Role {
	case domain.RoleApplicant:
		return p.PractitionerID != "" && p.PractitionerID == practitionerID
	case domain.RoleEnterprise:
		return p.Enterprise == uscc
	}
	return false
}

// canUploadEvidence: the filer side adds evidence while the case waits on them; anyone who may
// object adds evidence during public notice.
func canUploadEvidence(p domain.Principal, f domain.CaseFacts) bool {
	if f.Status != domain.StatusOpen {
		return false
	}
	if domain.IsFiler(f, p) {
		return true
	}
	return f.Stage == domain.StagePublicNotice && p.Subject != ""
}

// factsOf turns a case row into the facts the decision rule reads.
func factsOf(c *store.Case) domain.CaseFacts {
	return domain.CaseFacts{
		Status:             domain.Status(c.Status),
		Stage:              domain.Stage(c.Stage),
		EnterpriseUSCC:     c.EnterpriseUSCC,
		PractitionerID:     c.PractitionerID,
		Province:           c.Province,
		ProvincialReviewer: c.ProvincialReviewer,
		Extended:           c.Extended,
	}
}

// findCase loads the case named in the path if the caller may see it, answering 404 or 500
// itself (and returning false) otherwise. With forObjector, a case under public notice is also
// found for callers outside its scope, who may object to it.
func (s *Server) findCase(c *gin.Context, p domain.Principal, forObjector bool) (*store.Case, bool) {
	cs, err := s.Store.GetCase(c, c.Param("id"), caseScope(p))
	if errors.Is(err, store.ErrNotFound) && forObjector {
		cs, err = s.Store.GetCase(c, c.Param("id"), store.Scope{All: true})
		if err == nil && cs.Stage != string(domain.StagePublicNotice) {
			err = store.ErrNotFound
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "case")
		return nil, false
	}
	if err != nil {
		s.internal(c, err)
		return nil, false
	}
	return cs, true
}
