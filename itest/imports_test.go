package itest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"certflow/domain"
	"certflow/ident"
)

// importFile uploads a CSV file as an import of kind.
func (c caller) importFile(kind, filename string, content []byte) response {
	c.t.Helper()
	return c.sendFile("/api/v1/imports", kind, filename, content)
}

// farValidTo is the valid_to of imported registrations: beyond the expiry sweep's reach, so
// the thousands of rows these tests import do not fill the inboxes other tests read.
func farValidTo() string { return today().AddDate(3, 0, 0).Format(time.DateOnly) }

// waitImport polls an import until it is no longer running.
func (c caller) waitImport(id string, timeout time.Duration) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		m := c.get("/api/v1/imports/"+id).expect(c.t, http.StatusOK).json(c.t)
		if m["status"] != "running" {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("import %s still running after %s", id, timeout)
	return nil
}

// counts are an import's counts as numbers.
func counts(m map[string]any) [4]int {
	n := func(k string) int { f, _ := m[k].(float64); return int(f) }
	return [4]int{n("rows_read"), n("imported"), n("duplicates"), n("rejected")}
}

// errorCodes lists an import's errors as "line:code".
func errorCodes(m map[string]any) []string {
	var out []string
	for _, e := range m["errors"].([]any) {
		em := e.(map[string]any)
		out = append(out, fmt.Sprintf("%v:%v", em["line"], em["code"]))
	}
	return out
}

// registryRows counts the rows of the registry tables an import writes.
func registryRows(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"practitioners", "registrations", "registration_specialties", "practitioner_links",
		"enterprises", "education_records"} {
		n, err := sys.Store.DB.NewSelect().TableExpr(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = int(n)
	}
	return out
}

// regNumber makes a valid registration number of the province 21 (辽) at a level.
func regNumber(level, serial int) string {
	n, err := ident.FormatRegistrationNumber("21", level, 2015, 2019, serial)
	if err != nil {
		panic(err)
	}
	return n
}

// TestImportRegistrations imports a registrations file with good and bad rows, then the same
// file again: each bad row is reported with its line and code, the good rows are kept (a second
// specialty row adds a specialty to the same registration), and the second import changes
// nothing, counting every good row a duplicate.
func TestImportRegistrations(t *testing.T) {
	w := newWorld(t)
	unknown := newUSCC(t, "21")
	p1, p2 := newResidentID(t), newResidentID(t)
	base := 40000 + int(serial.Add(1))*10
	n := func(i int) string { return regNumber(1, base+i) }
	row := func(fields ...string) string { return strings.Join(fields, ",") + "\n" }
	file := "\ufeffregistration_number,id_number,name,level,specialty,enterprise_uscc,valid_from,valid_to,status\n" +
		row(n(1), p1, "赵敏", "1", "建筑工程", w.uscc, "2024-01-01", farValidTo(), "active") + // 2 imported
		row(n(1), p1, "赵敏", "1", "市政公用工程", w.uscc, "2024-01-01", farValidTo(), "active") + // 3 second specialty
		row(n(2), "210102198001010020", "钱多", "1", "建筑工程", w.uscc, "2024-01-01", farValidTo(), "active") + // 4 bad ID
		row(n(3), p2, "孙立", "1", "建筑工程", unknown, "2024-01-01", farValidTo(), "active") + // 5 unknown enterprise
		row(n(4), p2, "孙立", "1", "建筑工程", w.uscc, "2024-13-01", farValidTo(), "active") + // 6 bad date
		row(regNumber(2, base+5), p2, "孙立", "2", "铁路工程", w.uscc, "2024-01-01", farValidTo(), "active") + // 7 bad specialty
		row(n(6), p2, "孙立") + // 8 wrong columns
		row(n(7), p1, "赵敏", "1", "建筑工程", w.uscc, "2024-01-01", farValidTo(), "active") + // 9 already active
		row(n(8), p2, "孙立", "1", "机电工程", w.uscc, "2018-01-01", "2020-12-31", "expired") + // 10 imported
		row(n(9), p2, "孙立", "1", "机电工程", w.uscc, "2021-01-01", "2023-12-31", "cancelled") + // 11 imported
		row(n(10), w.idNumber, "李娜", "1", "建筑工程", w.uscc, "2024-01-01", farValidTo(), "active") // 12 imported, known person
	before := registryRows(t)

	started := w.admin.importFile("registrations", "registry.csv", []byte(file)).expect(t, http.StatusAccepted).json(t)
	if started["status"] != "running" || started["kind"] != "registrations" {
		t.Fatalf("started %v", started)
	}
	first := w.admin.waitImport(started["id"].(string), 60*time.Second)
	recordImportHistory(t, started["id"].(string), "import_succeeded")
	if n, err := sys.Evidence.Count(context.Background(), "imports/"+started["id"].(string)); err != nil || n != 0 {
		t.Fatalf("the imported file (resident IDs in plain text) is kept: %d objects, %v", n, err)
	}
	if first["status"] != "succeeded" || counts(first) != [4]int{11, 5, 0, 6} {
		t.Fatalf("first import: %v %v %v", first["status"], counts(first), first["errors"])
	}
	want := []string{"4:invalid_resident_id", "5:unknown_enterprise", "6:bad_date", "7:bad_specialty", "8:wrong_columns", "9:already_active"}
	if got := errorCodes(first); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("errors %v, want %v", got, want)
	}
	after := registryRows(t)
	if d := after["registrations"] - before["registrations"]; d != 4 {
		t.Errorf("%d registrations added, want 4", d)
	}
	if d := after["registration_specialties"] - before["registration_specialties"]; d != 5 {
		t.Errorf("%d specialties added, want 5", d)
	}
	if d := after["practitioners"] - before["practitioners"]; d != 2 {
		t.Errorf("%d practitioners added, want 2 (the known person is not added again)", d)
	}
	var specs []string
	if err := sys.Store.DB.NewRaw(`SELECT s.specialty FROM registration_specialties s JOIN registrations r ON r.id = s.registration_id
		WHERE r.number = ? ORDER BY s.specialty`, n(1)).Scan(context.Background(), &specs); err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 {
		t.Fatalf("registration %s has specialties %v, want two", n(1), specs)
	}
	var caseless, linked int
	ctx := context.Background()
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM registrations WHERE number IN (?, ?, ?, ?) AND case_id IS NULL`,
		n(1), n(8), n(9), n(10)).Scan(ctx, &caseless); err != nil || caseless != 4 {
		t.Fatalf("%d imported registrations without a case (%v), want 4", caseless, err)
	}
	p1Index := sys.Store.Sealer.Index(p1)
	if err := sys.Store.DB.NewRaw(`SELECT count(*) FROM practitioners p JOIN practitioner_links l ON l.practitioner_id = p.id
		WHERE p.id_number_index = ? AND l.enterprise_uscc = ? AND p.obtained_on IS NULL AND p.certificate_no = ''`,
		p1Index, w.uscc).Scan(ctx, &linked); err != nil || linked != 1 {
		t.Fatalf("imported practitioner linked %d times (%v), want once, without certificate data", linked, err)
	}
	// The imported person can be read (masked) by the enterprise.
	prac, err := sys.Store.PractitionerByIndex(ctx, p1Index)
	if err != nil {
		t.Fatal(err)
	}
	w.ent.get("/api/v1/practitioners/"+prac.ID).expect(t, http.StatusOK)

	again := w.admin.importFile("registrations", "registry.csv", []byte(file)).expect(t, http.StatusAccepted).json(t)
	second := w.admin.waitImport(again["id"].(string), 60*time.Second)
	if second["status"] != "succeeded" || counts(second) != [4]int{11, 0, 5, 6} {
		t.Fatalf("second import: %v %v %v", second["status"], counts(second), second["errors"])
	}
	if b, a := after, registryRows(t); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("importing the same file again changed the registry: %v → %v", b, a)
	}
}

// TestImportEnterprisesAndEducation imports enterprises, then education records of known and
// unknown practitioners, each twice.
func TestImportEnterprisesAndEducation(t *testing.T) {
	w := newWorld(t)
	fresh := newUSCC(t, "11")
	ents := "uscc,name,province_code,qualification\n" +
		fresh + ",北京新建工程有限公司,11,建筑工程施工总承包二级\n" +
		w.uscc + ",测试建设有限公司,21,建筑工程施工总承包一级\n" + // already registered
		newUSCC(t, "11") + ",无省份公司,99,建筑工程施工总承包二级\n" // bad province
	for i, want := range [][4]int{{3, 1, 1, 1}, {3, 0, 2, 1}} {
		id := w.admin.importFile("enterprises", "ents.csv", []byte(ents)).expect(t, http.StatusAccepted).json(t)["id"].(string)
		m := w.admin.waitImport(id, 30*time.Second)
		if m["status"] != "succeeded" || counts(m) != want || strings.Join(errorCodes(m), " ") != "4:bad_province" {
			t.Fatalf("enterprises import %d: %v %v %v", i+1, m["status"], counts(m), m["errors"])
		}
	}
	w.admin.get("/api/v1/enterprises/"+fresh).expect(t, http.StatusOK)

	stranger := newResidentID(t)
	edu := "id_number,provider,course,hours,completed_on\n" +
		w.idNumber + ",辽宁建设培训中心,建设法规,24,2026-03-01\n" +
		w.idNumber + ",辽宁建设培训中心,安全生产,36,2026-04-01\n" +
		stranger + ",辽宁建设培训中心,安全生产,36,2026-04-01\n" + // not registered
		w.idNumber + ",辽宁建设培训中心,安全生产,0,2026-04-01\n" // bad hours
	for i, want := range [][4]int{{4, 2, 0, 2}, {4, 0, 2, 2}} {
		id := w.admin.importFile("education", "edu.csv", []byte(edu)).expect(t, http.StatusAccepted).json(t)["id"].(string)
		m := w.admin.waitImport(id, 30*time.Second)
		if m["status"] != "succeeded" || counts(m) != want || strings.Join(errorCodes(m), " ") != "4:unknown_practitioner 5:bad_hours" {
			t.Fatalf("education import %d: %v %v %v", i+1, m["status"], counts(m), m["errors"])
		}
	}
	var hours int
	if err := sys.Store.DB.NewRaw(`SELECT coalesce(sum(hours), 0) FROM education_records WHERE practitioner_id = ?`, w.pracID).
		Scan(context.Background(), &hours); err != nil || hours != 60 {
		t.Fatalf("education hours %d (%v), want 60", hours, err)
	}
}

// TestImportRefusals: only admins import and read imports; an unknown kind answers 422 naming
// the field; a wrong header fails the import with a clear reason; imports are listed newest
// first.
func TestImportRefusals(t *testing.T) {
	w := newWorld(t)
	body := []byte("uscc,name,province_code,qualification\n")
	w.ent.importFile("enterprises", "e.csv", body).problem(t, http.StatusForbidden, "forbidden")
	as(t, domain.RoleSupervisor, "sup-imports").importFile("enterprises", "e.csv", body).problem(t, http.StatusForbidden, "forbidden")
	r := w.admin.importFile("people", "e.csv", body)
	r.problem(t, http.StatusUnprocessableEntity, "invalid_input")
	if errs := r.json(t)["errors"].([]any); errs[0].(map[string]any)["field"] != "kind" {
		t.Fatalf("422 does not name the kind field: %s", r.Body)
	}
	w.admin.importFile("enterprises", "e.bin", []byte("\x00\x01binary")).problem(t, http.StatusUnsupportedMediaType, "unsupported_file_type")

	id := w.admin.importFile("registrations", "wrong.csv", body).expect(t, http.StatusAccepted).json(t)["id"].(string)
	m := w.admin.waitImport(id, 30*time.Second)
	recordImportHistory(t, id, "import_failed_wrong_header")
	if m["status"] != "failed" || !strings.HasPrefix(m["failure"].(string), "wrong_header:") || m["finished_at"] == nil {
		t.Fatalf("wrong header: %v", m)
	}
	w.ent.get("/api/v1/imports/"+id).problem(t, http.StatusForbidden, "forbidden")
	w.ent.get("/api/v1/imports").problem(t, http.StatusForbidden, "forbidden")
	w.admin.get("/api/v1/imports/0b9d3a52-8a3c-4f3e-9a51-2f8d8c1e7b10").problem(t, http.StatusNotFound, "not_found")
	list := w.admin.get("/api/v1/imports?limit=1").expect(t, http.StatusOK).json(t)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id || list["next_cursor"] == "" {
		t.Fatalf("the newest import is not first: %v", list)
	}
}
