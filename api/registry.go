package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/audit"
	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

type enterpriseRequest struct {
	USCC          string `json:"uscc"`
	Name          string `json:"name" maxlen:"200"`
	ProvinceCode  string `json:"province_code"`
	Qualification string `json:"qualification" maxlen:"200"`
}

// createEnterprise registers an enterprise (admin).
func (s *Server) createEnterprise(c *gin.Context) {
	p := principal(c)
	if p.Role != domain.RoleAdmin {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may register enterprises")
		return
	}
	var req enterpriseRequest
	if !bindJSON(c, &req) {
		return
	}
	var errs []FieldError
	uscc, err := ident.ParseUSCC(req.USCC)
	if err != nil {
		errs = append(errs, FieldError{"uscc", err.Error()})
	}
	if strings.TrimSpace(req.Name) == "" {
		errs = append(errs, FieldError{"name", "is required"})
	}
	if !ident.ValidProvince(req.ProvinceCode) {
		errs = append(errs, FieldError{"province_code", "must be a two-digit province code such as 11 or 21"})
	}
	if strings.TrimSpace(req.Qualification) == "" {
		errs = append(errs, FieldError{"qualification", "is required"})
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	e := &store.Enterprise{USCC: uscc, Name: strings.TrimSpace(req.Name), ProvinceCode: req.ProvinceCode,
		Qualification: strings.TrimSpace(req.Qualification), QualificationValid: true}
	if err := s.Store.CreateEnterprise(c.Request.Context(), e); err != nil {
		if errors.Is(err, store.ErrConflict) {
			fail(c, http.StatusConflict, "enterprise_exists", "an enterprise with credit code "+uscc+" is already registered")
			return
		}
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusCreated, e)
}

// getEnterprise reads an enterprise within scope.
func (s *Server) getEnterprise(c *gin.Context) {
	uscc, err := ident.ParseUSCC(c.Param("uscc"))
	if err != nil {
		notFound(c, "enterprise")
		return
	}
	e, err := s.Store.GetEnterprise(c.Request.Context(), uscc)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !canSeeEnterprise(principal(c), e)) {
		notFound(c, "enterprise")
		return
	}
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

type qualificationJSON struct {
	Level          int    `json:"level"`
	Specialty      string `json:"specialty"`
	CertificateNo  string `json:"certificate_no"`
	ObtainedOn     string `json:"obtained_on,omitempty"`
	EducationHours int    `json:"education_hours"`
}

type qualificationRequest struct {
	Level          int    `json:"level"`
	Specialty      string `json:"specialty"`
	CertificateNo  string `json:"certificate_no"`
	ObtainedOn     string `json:"obtained_on"`
	EducationHours int    `json:"education_hours"`
}

type practitionerRequest struct {
	IDNumber      string               `json:"id_number"`
	Name          string               `json:"name" maxlen:"100"`
	Phone         string               `json:"phone"`
	Qualification qualificationRequest `json:"qualification"`
}

// practitionerJSON is a practitioner as the API shows it: personal data masked.
type practitionerJSON struct {
	ID             string            `json:"id"`
	IDNumberMasked string            `json:"id_number_masked"`
	Name           string            `json:"name"`
	PhoneMasked    string            `json:"phone_masked"`
	Qualification  qualificationJSON `json:"qualification"`
	CreatedAt      time.Time         `json:"created_at"`
}

// practitionerView shows a stored practitioner, the masked resident ID derived from the
// encrypted number.
func (s *Server) practitionerView(p *store.Practitioner) (practitionerJSON, error) {
	masked, err := s.Store.MaskedIDNumber(p)
	if err != nil {
		return practitionerJSON{}, err
	}
	return practitionerJSON{
		ID: p.ID, IDNumberMasked: masked, Name: p.Name, PhoneMasked: p.PhoneMasked,
		Qualification: qualificationJSON{Level: p.Level, Specialty: p.Specialty, CertificateNo: p.CertificateNo,
			ObtainedOn: optionalDate(p.ObtainedOn), EducationHours: p.EducationHours},
		CreatedAt: p.CreatedAt.UTC(),
	}, nil
}

// validPhone accepts an 11-digit mainland mobile number.
func validPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// createPractitioner registers a practitioner (applicant for themself, enterprise, admin).
func (s *Server) createPractitioner(c *gin.Context) {
	p := principal(c)
	if !canRegisterPractitioner(p) {
		fail(c, http.StatusForbidden, "forbidden", "only applicants, enterprises and admins may register practitioners")
		return
	}
	var req practitionerRequest
	if !bindJSON(c, &req) {
		return
	}
	var errs []FieldError
	rid, err := ident.ParseResidentID(req.IDNumber)
	if err != nil {
		errs = append(errs, FieldError{"id_number", err.Error()})
	} else if p.Role == domain.RoleApplicant && s.Store.Sealer.Index(rid.Number) != practitionerClaim(c) {
		errs = append(errs, FieldError{"id_number", "an applicant may register only themself"})
	} else if rid.Birth.After(s.Now()) { // Birth is the start of the birth date in China
		errs = append(errs, FieldError{"id_number", "the birth date lies in the future"})
	}
	if strings.TrimSpace(req.Name) == "" {
		errs = append(errs, FieldError{"name", "is required"})
	}
	if req.Phone != "" && !validPhone(req.Phone) {
		errs = append(errs, FieldError{"phone", "must be an 11-digit mobile number"})
	}
	q := req.Qualification
	if q.Level != 1 && q.Level != 2 {
		errs = append(errs, FieldError{"qualification.level", "must be 1 or 2"})
	} else if !domain.ValidSpecialty(q.Level, q.Specialty) {
		errs = append(errs, FieldError{"qualification.specialty", "must be one of " + strings.Join(domain.Specialties(q.Level), ", ")})
	}
	if strings.TrimSpace(q.CertificateNo) == "" {
		errs = append(errs, FieldError{"qualification.certificate_no", "is required"})
	}
	obtained, err := time.Parse(time.DateOnly, q.ObtainedOn)
	if err != nil {
		errs = append(errs, FieldError{"qualification.obtained_on", "must be a date YYYY-MM-DD"})
	} else if obtained.After(s.Now()) {
		errs = append(errs, FieldError{"qualification.obtained_on", "lies in the future"})
	}
	if q.EducationHours < 0 {
		errs = append(errs, FieldError{"qualification.education_hours", "must not be negative"})
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	if p.Role == domain.RoleEnterprise {
		if _, err := s.Store.GetEnterprise(c.Request.Context(), p.Enterprise); errors.Is(err, store.ErrNotFound) {
			fail(c, http.StatusForbidden, "enterprise_not_registered", "your enterprise "+p.Enterprise+" is not in the registry yet; ask an admin to register it")
			return
		} else if err != nil {
			s.internal(c, err)
			return
		}
	}
	in := store.NewPractitioner{IDNumber: rid, Name: strings.TrimSpace(req.Name), Phone: req.Phone,
		Level: q.Level, Specialty: q.Specialty, CertificateNo: strings.TrimSpace(q.CertificateNo),
		ObtainedOn: obtained, EducationHours: q.EducationHours, CreatedBy: p.Subject}
	if p.Role == domain.RoleEnterprise {
		in.Enterprise = p.Enterprise
	}
	prac, existed, err := s.Store.CreatePractitioner(c.Request.Context(), in)
	if err != nil {
		s.internal(c, err)
		return
	}
	switch {
	case existed && p.Role == domain.RoleAdmin:
		fail(c, http.StatusConflict, "practitioner_exists", "a practitioner with this resident ID is already registered")
		return
	case existed && p.Role == domain.RoleEnterprise:
		// The person is now linked to the enterprise. The answer is the same as for a new
		// person — only what the caller sent — so it tells nothing about who is registered.
		view := practitionerJSON{ID: prac.ID, IDNumberMasked: ident.MaskResidentID(rid.Number), Name: in.Name,
			Qualification: qualificationJSON{Level: q.Level, Specialty: q.Specialty, CertificateNo: in.CertificateNo,
				ObtainedOn: obtained.Format(time.DateOnly), EducationHours: q.EducationHours},
			CreatedAt: s.Now().UTC()}
		if req.Phone != "" {
			view.PhoneMasked = ident.MaskPhone(req.Phone)
		}
		c.JSON(http.StatusCreated, view)
		return
	}
	view, err := s.practitionerView(prac) // new, or an applicant's own record
	if err != nil {
		s.internal(c, err)
		return
	}
	c.JSON(http.StatusCreated, view)
}

// getPractitioner reads a practitioner within scope, masked.
func (s *Server) getPractitioner(c *gin.Context) {
	prac, err := s.Store.GetPractitioner(c.Request.Context(), c.Param("id"), scopeOf(principal(c)))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "practitioner")
		return
	}
	if err != nil {
		s.internal(c, err)
		return
	}
	view, err := s.practitionerView(prac)
	if err != nil {
		s.internal(c, err)
		return
	}
	if staffView(principal(c)) {
		if err := s.recordAudit(c, audit.ActionPractitionerViewed, "practitioner/"+prac.ID); err != nil {
			s.internal(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, view)
}

// staffView: a practitioner's record read by anyone but the person or an enterprise is audited.
func staffView(p domain.Principal) bool {
	return p.Role != domain.RoleApplicant && p.Role != domain.RoleEnterprise
}

// listPractitioners lists the practitioners in scope (an enterprise: its constructors),
// newest first, with an exact-name filter and cursor pagination.
func (s *Server) listPractitioners(c *gin.Context) {
	f := store.PractitionerFilter{Name: strings.TrimSpace(c.Query("name")), Cursor: c.Query("cursor")}
	var ok bool
	if f.Limit, ok = limitParam(c); !ok {
		return
	}
	list, next, err := s.Store.ListPractitioners(c.Request.Context(), scopeOf(principal(c)), f)
	if s.listFailed(c, err) {
		return
	}
	items := make([]practitionerJSON, len(list))
	for i := range list {
		if items[i], err = s.practitionerView(&list[i]); err != nil {
			s.internal(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// limitParam reads the page size (1 to 100, default 20), answering 422 itself when it is bad.
func limitParam(c *gin.Context) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return 20, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		invalid(c, []FieldError{{"limit", "must be a number from 1 to 100"}})
		return 0, false
	}
	return n, true
}

// optionalDate formats a calendar date, or "" when it is unknown.
func optionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
