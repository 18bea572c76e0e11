package itest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

// today is the calendar date in Beijing, as validity dates are counted.
func today() time.Time { return domain.CalendarDate(time.Now()) }

// holdRegistration gives the world's practitioner an active 一级 registration with its
// enterprise, valid to validTo, as an import of the system certflow replaces would (no case),
// and returns its number.
func (w *world) holdRegistration(t *testing.T, validTo time.Time, specialties ...string) string {
	t.Helper()
	return w.addRegistration(t, validTo, specialties...).Number
}

// addRegistration inserts the registration holdRegistration describes and returns it.
func (w *world) addRegistration(t *testing.T, validTo time.Time, specialties ...string) *store.Registration {
	t.Helper()
	if len(specialties) == 0 {
		specialties = []string{"建筑工程"}
	}
	n := serial.Add(1)
	number, err := ident.FormatRegistrationNumber("21", 1, 2020, 2023, int(n%1000000))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	reg := &store.Registration{ID: uuid.NewString(), Number: number, PractitionerID: w.pracID, EnterpriseUSCC: w.uscc,
		Level: 1, Specialty: specialties[0], ValidFrom: validTo.AddDate(-3, 0, 1), ValidTo: validTo, Status: "active"}
	if _, err := sys.Store.DB.NewInsert().Model(reg).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for _, sp := range specialties {
		if _, err := sys.Store.DB.NewInsert().Model(&store.RegistrationSpecialty{RegistrationID: reg.ID, Specialty: sp,
			AddedOn: reg.ValidFrom}).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return reg
}

// addEducation records continuing-education hours of the world's practitioner on a day.
func (w *world) addEducation(t *testing.T, hours int, on time.Time) {
	t.Helper()
	rec := &store.EducationRecord{PractitionerID: w.pracID, Provider: "住建继续教育中心",
		Course: fmt.Sprintf("课程 %d", serial.Add(1)), Hours: hours, CompletedOn: on}
	if _, err := sys.Store.DB.NewInsert().Model(rec).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// newEnterprise registers another enterprise in a province and returns its credit code and a
// caller of it.
func newEnterprise(t *testing.T, admin caller, provinceCode string) (string, caller) {
	t.Helper()
	uscc := newUSCC(t, provinceCode)
	admin.postJSON("/api/v1/enterprises", map[string]any{"uscc": uscc, "name": "新单位建设有限公司 " + uscc[10:],
		"province_code": provinceCode, "qualification": "建筑工程施工总承包一级"}).expect(t, 201)
	return uscc, as(t, domain.RoleEnterprise, "ent-user-"+uscc, enterprise(uscc))
}

// fileLifecycle files a lifecycle case and returns its id.
func fileLifecycle(t *testing.T, by caller, body map[string]any) string {
	t.Helper()
	return by.postJSON("/api/v1/cases", body).expect(t, 201).json(t)["id"].(string)
}

// registrationOf reads a registration as a caller sees it.
func registrationOf(t *testing.T, by caller, number string) map[string]any {
	t.Helper()
	return by.get("/api/v1/registrations/"+number).expect(t, 200).json(t)
}
