package imports

import (
	"strings"
	"testing"
)

// goodID is a valid resident ID.
const goodID = "11010519850214002X"

// validUSCC completes a credit code for the tests.
func validUSCC(t *testing.T) string {
	t.Helper()
	return mustUSCC(t, "91210102MA0000001")
}

func regRow(t *testing.T, edit func(f []string)) []string {
	f := []string{"辽121252600001", goodID, "王芳", "1", "建筑工程", validUSCC(t), "2025-01-01", "2027-12-31", "active"}
	if edit != nil {
		edit(f)
	}
	return f
}

func TestParseRegistration(t *testing.T) {
	r, err := ParseRegistration(2, regRow(t, nil))
	if err != nil {
		t.Fatalf("valid row refused: %+v", err)
	}
	if r.Level != 1 || r.Province != "21" || r.RegisteredYear != 2026 || r.Serial != 1 || r.Status != "active" ||
		r.ValidFrom.Format("2006-01-02") != "2025-01-01" || r.IDNumber != goodID {
		t.Fatalf("parsed %+v", r)
	}
	cases := []struct {
		name string
		edit func(f []string)
		code string
	}{
		{"resident ID check character", func(f []string) { f[1] = "110105198502140021" }, CodeInvalidResidentID},
		{"resident ID birth date", func(f []string) { f[1] = "110105198502300023" }, CodeInvalidResidentID},
		{"credit code", func(f []string) { f[5] = "91210102MA00000010" }, CodeInvalidUSCC},
		{"level", func(f []string) { f[3] = "3" }, CodeBadLevel},
		{"specialty of another level", func(f []string) { f[3], f[0] = "2", "辽221252600001"; f[4] = "铁路工程" }, CodeBadSpecialty},
		{"number of another level", func(f []string) { f[0] = "辽221252600001" }, CodeBadRegistrationNumber},
		{"number", func(f []string) { f[0] = "X12" }, CodeBadRegistrationNumber},
		{"date", func(f []string) { f[6] = "2025/01/01" }, CodeBadDate},
		{"impossible date", func(f []string) { f[7] = "2027-02-30" }, CodeBadDate},
		{"ends before it starts", func(f []string) { f[7] = "2024-12-31" }, CodeBadDate},
		{"status", func(f []string) { f[8] = "revoked" }, CodeBadStatus},
		{"empty name", func(f []string) { f[2] = " " }, CodeBadName},
		{"name with a control character", func(f []string) { f[2] = "王\x01芳" }, CodeBadName},
		{"name not UTF-8", func(f []string) { f[2] = "\xff" }, CodeBadName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRegistration(7, regRow(t, c.edit))
			if err == nil || err.Code != c.code || err.Line != 7 {
				t.Fatalf("got %+v, want code %s on line 7", err, c.code)
			}
			if strings.Contains(err.Message, goodID) || strings.Contains(err.Message, "王") {
				t.Fatalf("the message repeats the row: %s", err.Message)
			}
		})
	}
	if _, err := ParseRegistration(3, []string{"a", "b"}); err == nil || err.Code != CodeWrongColumns {
		t.Fatalf("short row: %+v", err)
	}
}

func TestParseEnterprise(t *testing.T) {
	e, err := ParseEnterprise(2, []string{" " + strings.ToLower(validUSCC(t)) + " ", "辽宁建工集团", "21", "施工总承包一级"})
	if err != nil || e.USCC != validUSCC(t) || e.ProvinceCode != "21" {
		t.Fatalf("%+v %+v", e, err)
	}
	for _, c := range []struct {
		f    []string
		code string
	}{
		{[]string{"91210102MA00000011", "x", "21", "q"}, CodeInvalidUSCC},
		{[]string{validUSCC(t), "x", "99", "q"}, CodeBadProvince},
		{[]string{validUSCC(t), "", "21", "q"}, CodeBadName},
		{[]string{validUSCC(t), "x", "21", strings.Repeat("资", 201)}, CodeBadText},
		{[]string{validUSCC(t), "x", "21"}, CodeWrongColumns},
	} {
		if _, err := ParseEnterprise(4, c.f); err == nil || err.Code != c.code {
			t.Errorf("%q: got %+v, want %s", c.f, err, c.code)
		}
	}
}

func TestParseEducation(t *testing.T) {
	e, err := ParseEducation(2, []string{goodID, "辽宁建设培训中心", "安全生产", "24", "2026-03-01"})
	if err != nil || e.Hours != 24 || e.CompletedOn.Format("2006-01-02") != "2026-03-01" {
		t.Fatalf("%+v %+v", e, err)
	}
	for _, c := range []struct {
		f    []string
		code string
	}{
		{[]string{"123", "p", "c", "1", "2026-03-01"}, CodeInvalidResidentID},
		{[]string{goodID, "p", "c", "0", "2026-03-01"}, CodeBadHours},
		{[]string{goodID, "p", "c", "1.5", "2026-03-01"}, CodeBadHours},
		{[]string{goodID, "p", "c", "1001", "2026-03-01"}, CodeBadHours},
		{[]string{goodID, "", "c", "1", "2026-03-01"}, CodeBadText},
		{[]string{goodID, "p", "c", "1", "20260301"}, CodeBadDate},
	} {
		if _, err := ParseEducation(5, c.f); err == nil || err.Code != c.code {
			t.Errorf("%q: got %+v, want %s", c.f, err, c.code)
		}
	}
}
