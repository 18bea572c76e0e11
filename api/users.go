package api

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"certflow/account"
	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

// activationTTL is how long an activation code is valid.
const activationTTL = 72 * time.Hour

// usernamePattern: lower-case letters, digits, dot, dash and underscore, 3 to 64 characters,
// starting with a letter or digit.
var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// userJSON is an account as admins see it: never the password hash or the activation code.
type userJSON struct {
	ID                  string     `json:"id"`
	Username            string     `json:"username"`
	DisplayName         string     `json:"display_name"`
	Role                string     `json:"role"`
	Enterprise          string     `json:"enterprise"`
	Province            string     `json:"province"`
	PractitionerID      string     `json:"practitioner_id,omitempty"`
	PhoneMasked         string     `json:"phone_masked"`
	Status              string     `json:"status"`
	Activated           bool       `json:"activated"`
	ActivationExpiresAt *time.Time `json:"activation_expires_at,omitempty"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

func toUserJSON(u *store.User) userJSON {
	v := userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		Enterprise: u.EnterpriseUSCC, Province: u.ProvinceCode, PhoneMasked: u.PhoneMasked, Status: u.Status,
		Activated: u.PasswordHash != nil, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
	if u.PractitionerID != nil {
		v.PractitionerID = *u.PractitionerID
	}
	if u.ActivationExpiresAt != nil {
		at := u.ActivationExpiresAt.UTC()
		v.ActivationExpiresAt = &at
	}
	return v
}

// activationJSON is a user with their new one-time activation code (shown once).
type activationJSON struct {
	User                userJSON  `json:"user"`
	ActivationCode      string    `json:"activation_code"`
	ActivationExpiresAt time.Time `json:"activation_expires_at"`
}

type userRequest struct {
	Username       string      `json:"username" maxlen:"64"`
	DisplayName    string      `json:"display_name" maxlen:"100"`
	Role           domain.Role `json:"role" maxlen:"32"`
	Enterprise     string      `json:"enterprise" maxlen:"18"`
	Province       string      `json:"province" maxlen:"2"`
	PractitionerID string      `json:"practitioner_id" maxlen:"36"`
	Phone          string      `json:"phone" maxlen:"11"`
}

type userPatch struct {
	DisplayName    *string      `json:"display_name" maxlen:"100"`
	Role           *domain.Role `json:"role" maxlen:"32"`
	Enterprise     *string      `json:"enterprise" maxlen:"18"`
	Province       *string      `json:"province" maxlen:"2"`
	PractitionerID *string      `json:"practitioner_id" maxlen:"36"`
	Status         *string      `json:"status" maxlen:"16"`
}

// onlyAdmin answers 403 unless the caller is an admin.
func onlyAdmin(c *gin.Context, what string) bool {
	if principal(c).Role != domain.RoleAdmin {
		fail(c, http.StatusForbidden, "forbidden", "only an admin may "+what)
		return false
	}
	return true
}

// checkUserScope checks that a role's scope is given and that no other scope is: an enterprise
// account names its enterprise (which must exist), a provincial reviewer its province (an
// investigator optionally), an applicant its practitioner record (which must exist); staff of
// the ministry, supervisors and admins none.
func (s *Server) checkUserScope(c *gin.Context, role domain.Role, ent, prov, prac string) ([]FieldError, error) {
	var errs []FieldError
	need := map[string]bool{}
	switch role {
	case domain.RoleEnterprise:
		need["enterprise"] = true
		if _, err := ident.ParseUSCC(ent); err != nil {
			errs = append(errs, FieldError{"enterprise", "an enterprise account needs its enterprise's credit code: " + err.Error()})
		} else if _, err := s.Store.GetEnterprise(c.Request.Context(), ent); errors.Is(err, store.ErrNotFound) {
			errs = append(errs, FieldError{"enterprise", "no enterprise has this credit code"})
		} else if err != nil {
			return nil, err
		}
	case domain.RoleProvincialReviewer, domain.RoleInvestigator:
		need["province"] = true
		if (role == domain.RoleProvincialReviewer || prov != "") && !ident.ValidProvince(prov) {
			errs = append(errs, FieldError{"province", "must be a two-digit province code (a provincial reviewer needs one)"})
		}
	case domain.RoleApplicant:
		need["practitioner_id"] = true
		if _, err := uuid.Parse(prac); err != nil {
			errs = append(errs, FieldError{"practitioner_id", "an applicant account needs the id of its practitioner record"})
		} else if _, err := s.Store.GetPractitioner(c.Request.Context(), prac, store.Scope{All: true}); errors.Is(err, store.ErrNotFound) {
			errs = append(errs, FieldError{"practitioner_id", "no practitioner has this id"})
		} else if err != nil {
			return nil, err
		}
	}
	for _, f := range [][2]string{{"enterprise", ent}, {"province", prov}, {"practitioner_id", prac}} {
		if name, v := f[0], f[1]; v != "" && !need[name] {
			errs = append(errs, FieldError{name, "an account of role " + string(role) + " has no " + name})
		}
	}
	return errs, nil
}

// userInputOK adds the scope errors of a valid role to errs and answers 422 when there are any
// (500 when the scope cannot be checked); it reports whether the request may go on.
func (s *Server) userInputOK(c *gin.Context, errs []FieldError, role domain.Role, ent, prov, prac string) bool {
	if role.Valid() {
		scopeErrs, err := s.checkUserScope(c, role, ent, prov, prac)
		if err != nil {
			s.internal(c, err)
			return false
		}
		errs = append(errs, scopeErrs...)
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return false
	}
	return true
}

// newActivation makes an activation code and its expiry.
func (s *Server) newActivation() (code, hash string, expires time.Time, err error) {
	code, hash, err = account.NewActivationCode()
	return code, hash, s.Now().UTC().Add(activationTTL).Truncate(time.Microsecond), err
}

// createUser: an admin creates a staff or applicant account and gets its one-time activation
// code, valid 72 hours.
func (s *Server) createUser(c *gin.Context) {
	if !onlyAdmin(c, "create accounts") {
		return
	}
	var req userRequest
	if !bindJSON(c, &req) {
		return
	}
	var errs []FieldError
	if !usernamePattern.MatchString(req.Username) {
		errs = append(errs, FieldError{"username", "must be 3 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit"})
	}
	if strings.TrimSpace(req.DisplayName) == "" {
		errs = append(errs, FieldError{"display_name", "is required"})
	}
	if req.Phone != "" && !validPhone(req.Phone) {
		errs = append(errs, FieldError{"phone", "must be an 11-digit mobile number"})
	}
	if !req.Role.Valid() {
		errs = append(errs, FieldError{"role", "must be one of the roles"})
	}
	if !s.userInputOK(c, errs, req.Role, req.Enterprise, req.Province, req.PractitionerID) {
		return
	}
	code, hash, expires, err := s.newActivation()
	if err != nil {
		s.internal(c, err)
		return
	}
	u := &store.User{Username: req.Username, DisplayName: strings.TrimSpace(req.DisplayName), Role: string(req.Role),
		EnterpriseUSCC: req.Enterprise, ProvinceCode: req.Province, Status: store.UserActive,
		ActivationHash: &hash, ActivationExpiresAt: &expires, CreatedBy: principal(c).Subject}
	if req.PractitionerID != "" {
		u.PractitionerID = &req.PractitionerID
	}
	if err := s.Store.SetPhone(u, req.Phone); err != nil {
		s.internal(c, err)
		return
	}
	if err := s.Store.CreateUser(c.Request.Context(), u); errors.Is(err, store.ErrConflict) {
		fail(c, http.StatusConflict, "conflict", strings.TrimPrefix(err.Error(), "conflict: "))
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	s.audit(c, SecurityEvent{Action: "user_created", Target: u.ID, Outcome: "success", Detail: "role " + u.Role})
	c.Header("Location", "/api/v1/users/"+u.ID)
	c.JSON(http.StatusCreated, activationJSON{User: toUserJSON(u), ActivationCode: code, ActivationExpiresAt: expires})
}

var userStatuses = []string{store.UserActive, store.UserLocked, store.UserDisabled}

// listUsers: an admin lists accounts, newest first, optionally by role and status.
func (s *Server) listUsers(c *gin.Context) {
	if !onlyAdmin(c, "list accounts") {
		return
	}
	f := store.UserFilter{Role: c.Query("role"), Status: c.Query("status"), Cursor: c.Query("cursor")}
	var errs []FieldError
	if f.Role != "" && !domain.Role(f.Role).Valid() {
		errs = append(errs, FieldError{"role", "must be one of the roles"})
	}
	if f.Status != "" && !slices.Contains(userStatuses, f.Status) {
		errs = append(errs, FieldError{"status", "must be active, locked or disabled"})
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	var ok bool
	if f.Limit, ok = limitParam(c); !ok {
		return
	}
	list, next, err := s.Store.ListUsers(c.Request.Context(), f)
	if s.listFailed(c, err) {
		return
	}
	items := make([]userJSON, len(list))
	for i := range list {
		items[i] = toUserJSON(&list[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// userInPath answers 404 for a path whose user id is not an id at all (empty, say).
func userInPath(c *gin.Context) bool {
	if _, err := uuid.Parse(c.Param("id")); err != nil {
		notFound(c, "user")
		return false
	}
	return true
}

// isSelf reports whether the caller is the user (their token's subject is the user's id or
// username).
func isSelf(p domain.Principal, u *store.User) bool {
	return p.Subject == u.ID || strings.EqualFold(p.Subject, u.Username)
}

// updateUser: an admin changes an account's display name, role, scope and status. Only admins
// grant roles, and an admin may not change their own role.
func (s *Server) updateUser(c *gin.Context) {
	if !userInPath(c) || !onlyAdmin(c, "change accounts") {
		return
	}
	var req userPatch
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	u, err := s.Store.GetUser(ctx, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "user")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	before := *u
	var errs []FieldError
	if req.DisplayName != nil {
		if strings.TrimSpace(*req.DisplayName) == "" {
			errs = append(errs, FieldError{"display_name", "must not be empty"})
		}
		u.DisplayName = strings.TrimSpace(*req.DisplayName)
	}
	if req.Status != nil {
		if !slices.Contains(userStatuses, *req.Status) {
			errs = append(errs, FieldError{"status", "must be active, locked or disabled"})
		}
		u.Status = *req.Status
	}
	role := domain.Role(u.Role)
	if req.Role != nil {
		if !req.Role.Valid() {
			errs = append(errs, FieldError{"role", "must be one of the roles"})
		}
		role = *req.Role
	}
	if req.Enterprise != nil {
		u.EnterpriseUSCC = *req.Enterprise
	}
	if req.Province != nil {
		u.ProvinceCode = *req.Province
	}
	if req.PractitionerID != nil {
		u.PractitionerID = nil
		if *req.PractitionerID != "" {
			u.PractitionerID = req.PractitionerID
		}
	}
	prac := ""
	if u.PractitionerID != nil {
		prac = *u.PractitionerID
	}
	if !s.userInputOK(c, errs, role, u.EnterpriseUSCC, u.ProvinceCode, prac) {
		return
	}
	roleChanged := string(role) != before.Role
	if roleChanged && isSelf(principal(c), u) {
		fail(c, http.StatusForbidden, "forbidden", "an admin may not change their own role")
		return
	}
	u.Role = string(role)
	if err := s.Store.UpdateUser(ctx, u); errors.Is(err, store.ErrConflict) {
		fail(c, http.StatusConflict, "conflict", strings.TrimPrefix(err.Error(), "conflict: "))
		return
	} else if errors.Is(err, store.ErrNotFound) {
		notFound(c, "user")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	if u.Status != store.UserActive && before.Status == store.UserActive {
		if _, err := s.Store.EndUserSessions(ctx, u.ID, "user_"+u.Status); err != nil {
			s.internal(c, err)
			return
		}
	}
	s.audit(c, SecurityEvent{Action: "user_changed", Target: u.ID, Outcome: "success", Detail: "status " + u.Status})
	if roleChanged {
		s.audit(c, SecurityEvent{Action: "role_granted", Target: u.ID, Outcome: "success", Detail: before.Role + " → " + u.Role})
	}
	c.JSON(http.StatusOK, toUserJSON(u))
}

// resetUser: an admin gives an account a new activation code, valid 72 hours; the account's
// password stops working until the person sets a new one with the code.
func (s *Server) resetUser(c *gin.Context) {
	if !userInPath(c) || !onlyAdmin(c, "reset accounts") {
		return
	}
	code, hash, expires, err := s.newActivation()
	if err != nil {
		s.internal(c, err)
		return
	}
	u, err := s.Store.ResetActivation(c.Request.Context(), c.Param("id"), hash, expires)
	if errors.Is(err, store.ErrNotFound) {
		notFound(c, "user")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	s.audit(c, SecurityEvent{Action: "activation_reset", Target: u.ID, Outcome: "success"})
	c.JSON(http.StatusOK, activationJSON{User: toUserJSON(u), ActivationCode: code, ActivationExpiresAt: expires})
}

type activateRequest struct {
	Username       string `json:"username" maxlen:"64"`
	ActivationCode string `json:"activation_code" maxlen:"64"`
	Password       string `json:"password" maxlen:"128"`
}

// activate: a person sets their password with the one-time activation code an admin gave them.
// An unknown username, a wrong code and an expired one get the same answer.
func (s *Server) activate(c *gin.Context) {
	var req activateRequest
	if !bindJSON(c, &req) {
		return
	}
	var errs []FieldError
	if req.Username == "" {
		errs = append(errs, FieldError{"username", "is required"})
	}
	if req.ActivationCode == "" {
		errs = append(errs, FieldError{"activation_code", "is required"})
	}
	if err := account.CheckPassword(req.Username, req.Password); err != nil {
		errs = append(errs, FieldError{"password", strings.TrimPrefix(err.Error(), "password refused: ")})
	}
	if len(errs) > 0 {
		invalid(c, errs)
		return
	}
	hash, err := account.HashPassword(req.Password)
	if err != nil {
		s.internal(c, err)
		return
	}
	u, err := s.Store.Activate(c.Request.Context(), req.Username, account.HashCode(req.ActivationCode), hash, s.Now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		s.audit(c, SecurityEvent{Action: "activation_failed", Target: strings.ToLower(req.Username), Outcome: "failure"})
		fail(c, http.StatusUnprocessableEntity, "activation_refused",
			"the username and activation code do not match an account waiting for activation, or the code has expired; ask an administrator for a new code")
		return
	} else if err != nil {
		s.internal(c, err)
		return
	}
	s.audit(c, SecurityEvent{Action: "account_activated", Target: u.ID, Outcome: "success"})
	c.Status(http.StatusNoContent)
}
