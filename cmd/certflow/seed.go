package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"certflow/api"
	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

// demoData is what the dev stack seeds: two enterprises, one practitioner, and the people
// behind the demo tokens.
type demoData struct {
	EnterpriseA, EnterpriseB *store.Enterprise
	PractitionerID           string
	PractitionerName         string
	PractitionerIDNumber     string
	// PractitionerIndex is the blind index of the demo resident ID, the applicant token's claim.
	PractitionerIndex string
	// Holder holds the demo registration, which enters its renewal window: valid to 60 days
	// after the first seeding, as if imported from the system certflow replaces.
	HolderName, HolderIndex, Registration string
}

// must completes a fixed demo identifier; the prefixes are constants, so an error is a bug.
func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// seedDemo inserts the demo data once; running it again changes nothing.
func seedDemo(ctx context.Context, s *store.Store) (*demoData, error) {
	d := &demoData{
		EnterpriseA: &store.Enterprise{USCC: must(ident.CompleteUSCC("91210102MA0QCF1A2")), Name: "辽宁华建建设工程有限公司",
			ProvinceCode: "21", Qualification: "建筑工程施工总承包一级", QualificationValid: true},
		EnterpriseB: &store.Enterprise{USCC: must(ident.CompleteUSCC("91110105MA01XK3B4")), Name: "北京京城路桥集团有限公司",
			ProvinceCode: "11", Qualification: "公路工程施工总承包一级", QualificationValid: true},
		PractitionerName:     "张伟",
		PractitionerIDNumber: must(ident.CompleteResidentID("21010219850315123")),
	}
	for _, e := range []*store.Enterprise{d.EnterpriseA, d.EnterpriseB} {
		if err := s.CreateEnterprise(ctx, e); err != nil && !errors.Is(err, store.ErrConflict) {
			return nil, err
		}
	}
	rid, err := ident.ParseResidentID(d.PractitionerIDNumber)
	if err != nil {
		return nil, err
	}
	p, _, err := s.CreatePractitioner(ctx, store.NewPractitioner{IDNumber: rid, Name: d.PractitionerName,
		Phone: "13800138000", Level: 1, Specialty: "建筑工程", CertificateNo: "JZ-2024-0012345",
		ObtainedOn: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), Enterprise: d.EnterpriseA.USCC,
		CreatedBy: "seed"})
	if err != nil {
		return nil, err
	}
	d.PractitionerID = p.ID
	d.PractitionerIndex = p.IDNumberIndex
	return d, seedHolder(ctx, s, d)
}

// seedHolder gives enterprise A a second constructor, 王芳, who holds registration
// 辽121202300001 valid to 60 days after the first seeding — inside its renewal window — with
// the period's 120 hours of continuing education.
func seedHolder(ctx context.Context, s *store.Store, d *demoData) error {
	rid, err := ident.ParseResidentID(must(ident.CompleteResidentID("21010219820721432")))
	if err != nil {
		return err
	}
	d.HolderName = "王芳"
	p, _, err := s.CreatePractitioner(ctx, store.NewPractitioner{IDNumber: rid, Name: d.HolderName,
		Phone: "13900139000", Level: 1, Specialty: "建筑工程", CertificateNo: "JZ-2020-0004321",
		ObtainedOn: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), Enterprise: d.EnterpriseA.USCC, CreatedBy: "seed"})
	if err != nil {
		return err
	}
	d.HolderIndex = p.IDNumberIndex
	d.Registration = must(ident.FormatRegistrationNumber("21", 1, 2020, 2023, 1))
	validTo := domain.CalendarDate(time.Now()).AddDate(0, 0, 60)
	reg := &store.Registration{ID: uuid.NewString(), Number: d.Registration, PractitionerID: p.ID,
		EnterpriseUSCC: d.EnterpriseA.USCC, Level: 1, Specialty: "建筑工程", ValidFrom: validTo.AddDate(-3, 0, 1),
		ValidTo: validTo, Status: "active"}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(reg).On("CONFLICT (number) DO NOTHING").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // seeded before
		}
		if _, err := tx.NewInsert().Model(&store.RegistrationSpecialty{RegistrationID: reg.ID, Specialty: reg.Specialty,
			AddedOn: reg.ValidFrom}).Exec(ctx); err != nil {
			return err
		}
		for i, course := range []string{"建设工程法规及相关知识（必修）", "建筑工程新技术（选修）"} {
			if _, err := tx.NewInsert().Model(&store.EducationRecord{PractitionerID: p.ID, Provider: "辽宁省建设教育协会",
				Course: course, Hours: 60, CompletedOn: validTo.AddDate(-1, -i, 0)}).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

type demoToken struct{ label, env, token string }

// tokens mints one token per demo role.
func (d *demoData) tokens(secret []byte, ttl time.Duration) []demoToken {
	specs := []struct {
		label, env string
		claims     api.Claims
	}{
		{"admin", "ADMIN", api.Claims{Role: domain.RoleAdmin}},
		{"enterprise A (辽宁)", "ENT_A", api.Claims{Role: domain.RoleEnterprise, Enterprise: d.EnterpriseA.USCC}},
		{"enterprise B (北京)", "ENT_B", api.Claims{Role: domain.RoleEnterprise, Enterprise: d.EnterpriseB.USCC}},
		{"applicant (the demo practitioner)", "APPLICANT", api.Claims{Role: domain.RoleApplicant, Practitioner: d.PractitionerIndex}},
		{"applicant (王芳, holds a registration)", "HOLDER", api.Claims{Role: domain.RoleApplicant, Practitioner: d.HolderIndex}},
		{"provincial reviewer 辽宁 (21)", "PROV_LN", api.Claims{Role: domain.RoleProvincialReviewer, Province: "21"}},
		{"provincial reviewer 北京 (11)", "PROV_BJ", api.Claims{Role: domain.RoleProvincialReviewer, Province: "11"}},
		{"ministry reviewer", "MINISTRY", api.Claims{Role: domain.RoleMinistryReviewer}},
		{"supervisor", "SUPERVISOR", api.Claims{Role: domain.RoleSupervisor}},
		{"investigator 辽宁", "INVESTIGATOR", api.Claims{Role: domain.RoleInvestigator, Province: "21"}},
	}
	var out []demoToken
	for i, sp := range specs {
		sp.claims.RegisteredClaims = jwt.RegisteredClaims{Subject: fmt.Sprintf("demo-%s-%d", sp.claims.Role, i)}
		tok, err := api.IssueToken(secret, sp.claims, ttl)
		if err != nil {
			tok = "error: " + err.Error()
		}
		out = append(out, demoToken{sp.label, sp.env, tok})
	}
	return out
}
