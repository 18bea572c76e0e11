package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"certflow/store"
)

// registrationDetailJSON is a registration as its holder, its enterprise and the staff who may
// see it read it.
type registrationDetailJSON struct {
	Number       string                   `json:"registration_number"`
	Level        int                      `json:"level"`
	Specialties  []string                 `json:"specialties"`
	Enterprise   partyJSON                `json:"enterprise"`
	Practitioner partyJSON                `json:"practitioner"`
	ValidFrom    string                   `json:"valid_from"`
	ValidTo      string                   `json:"valid_to"`
	Status       string                   `json:"status"`
	Cases        []store.RegistrationCase `json:"cases,omitempty"`
}

// registrationView shows a registration record, the resident ID masked.
func (s *Server) registrationView(r *store.RegistrationRecord) (registrationDetailJSON, error) {
	masked, err := s.Store.MaskedIDNumber(&store.Practitioner{IDNumberEnc: r.IDNumberEnc})
	if err != nil {
		return registrationDetailJSON{}, err
	}
	sp := r.Specialties
	if sp == nil {
		sp = []string{}
	}
	return registrationDetailJSON{Number: r.Number, Level: r.Level, Specialties: sp,
		Enterprise:   partyJSON{USCC: r.EnterpriseUSCC, Name: r.EnterpriseName},
		Practitioner: partyJSON{ID: r.PractitionerID, Name: r.PractitionerName, IDNumberMasked: masked},
		ValidFrom:    r.ValidFrom.Format(time.DateOnly), ValidTo: r.ValidTo.Format(time.DateOnly), Status: r.Status}, nil
}

// getRegistration shows one registration with its specialties, enterprise, validity, status and
// the cases of its history — to the holder, the registered enterprise, and staff of its
// province or the ministry; anyone else gets 404.
func (s *Server) getRegistration(c *gin.Context) {
	rec, cases, err := s.Store.GetRegistration(c.Request.Context(), c.Param("registration_number"), scopeOf(principal(c)))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "registration")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	v, err := s.registrationView(rec)
	if err != nil {
		s.internal(c, err)
		return
	}
	v.Cases = cases
	c.JSON(http.StatusOK, v)
}

// registrationStatuses are the statuses a registration can have.
var registrationStatuses = []string{"active", "expired", "cancelled"}

// listRegistrations lists the registrations in scope, newest first, filtered by status,
// enterprise and expiry.
func (s *Server) listRegistrations(c *gin.Context) {
	f := store.RegistrationFilter{Status: c.Query("status"), Enterprise: strings.ToUpper(strings.TrimSpace(c.Query("enterprise"))),
		Cursor: c.Query("cursor")}
	var errs []FieldError
	if f.Status != "" && !slices.Contains(registrationStatuses, f.Status) {
		errs = append(errs, FieldError{"status", "must be one of active, expired, cancelled"})
	}
	if v := c.Query("expiring_before"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs = append(errs, FieldError{"expiring_before", "must be a date YYYY-MM-DD"})
		}
		f.ExpiringBefore = d
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	var ok bool
	if f.Limit, ok = limitParam(c); !ok {
		return
	}
	list, next, err := s.Store.ListRegistrations(c.Request.Context(), scopeOf(principal(c)), f)
	if s.listFailed(c, err) {
		return
	}
	items := make([]registrationDetailJSON, len(list))
	for i := range list {
		if items[i], err = s.registrationView(&list[i]); err != nil {
			s.internal(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}
