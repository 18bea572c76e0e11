package api

import (
	"errors"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/store"
)

// This file is the one authorization layer: every handler asks it what a principal may see
// or do. Out-of-scope objects are reported as not found by the handlers.

// scopeOf is the part of the registry and of the cases a principal may see: everything for
// admins, ministry reviewers, supervisors and investigators without a province; one province
// for provincial reviewers and provincial investigators; an enterprise its own; an applicant
// themself. The same scope governs cases, practitioners and enterprises.
func scopeOf(p domain.Principal) store.Scope {
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
		if p.PractitionerID != "" {
			return store.Scope{PractitionerID: p.PractitionerID}
		}
	}
	return store.Scope{}
}

// canSeeEnterprise reports whether p may read an enterprise's record.
func canSeeEnterprise(p domain.Principal, e *store.Enterprise) bool {
	return scopeOf(p).EnterpriseVisible(e.USCC, e.ProvinceCode)
}

// canRegisterPractitioner: applicants register themselves, enterprises their staff, admins anyone.
func canRegisterPractitioner(p domain.Principal) bool {
	switch p.Role {
	case domain.RoleApplicant, domain.RoleEnterprise, domain.RoleAdmin:
		return true
	}
	return false
}

// canUploadEvidence: the filer side adds evidence while the case is open; anyone else who may
// see the case adds evidence during public notice (with an objection).
func canUploadEvidence(p domain.Principal, f domain.CaseFacts) bool {
	if f.Status != domain.StatusOpen {
		return false
	}
	return domain.IsFiler(f, p) || f.Stage == domain.StagePublicNotice
}

// factsOf turns a case row into the facts the decision rule reads.
func factsOf(c *store.Case) domain.CaseFacts {
	return domain.CaseFacts{
		Type:                   domain.CaseType(c.Type),
		Status:                 domain.Status(c.Status),
		Stage:                  domain.Stage(c.Stage),
		EnterpriseUSCC:         c.EnterpriseUSCC,
		PractitionerID:         c.PractitionerID,
		Province:               c.Province,
		ProvincialReviewer:     c.ProvincialReviewer,
		Extended:               c.Extended,
		PreviousEnterpriseUSCC: c.PreviousEnterpriseUSCC,
		Kind:                   c.Details.ChangeKind,
		Filer:                  c.FiledByPrincipal,
	}
}

// findCase loads the case named in the path if the caller may see it, answering 404 or an
// error itself (and returning false) otherwise.
func (s *Server) findCase(c *gin.Context, p domain.Principal) (*store.Case, bool) {
	cs, err := s.Store.GetCase(c.Request.Context(), c.Param("id"), scopeOf(p))
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

// canImport reports whether p may import the registry and follow imports: admins only.
func canImport(p domain.Principal) bool { return p.Role == domain.RoleAdmin }
