package itest

import (
	"testing"

	"certflow/domain"
)

// TestScopes checks that enterprise B and another province's reviewer cannot read or act on
// enterprise A's case, and that lists only show what is in scope.
func TestScopes(t *testing.T) {
	a := newWorld(t)
	b := newWorld(t)
	c := a.fileCase(t, a.ent, "")
	id := c["id"].(string)
	ev := a.ent.upload(id, "id_card", "id.png", pngBytes(t)).expect(t, 201).json(t)

	outsiders := map[string]caller{
		"enterprise B":            b.ent,
		"applicant of B":          b.applicant,
		"reviewer of province 11": as(t, domain.RoleProvincialReviewer, "prov-11", province("11")),
	}
	for name, o := range outsiders {
		t.Run(name, func(t *testing.T) {
			o.get("/api/v1/cases/"+id).problem(t, 404, "not_found")
			o.get("/api/v1/cases/"+id+"/evidence/"+ev["id"].(string)).problem(t, 404, "not_found")
			o.act(id, domain.ActionSubmit, "").problem(t, 404, "not_found")
			o.upload(id, "other", "x.pdf", pdfBytes(100)).problem(t, 404, "not_found")
			o.get("/api/v1/practitioners/"+a.pracID).problem(t, 404, "not_found")
			list := o.get("/api/v1/cases?limit=100").expect(t, 200).json(t)
			for _, it := range list["items"].([]any) {
				if it.(map[string]any)["id"] == id {
					t.Fatal("out-of-scope case listed")
				}
			}
		})
	}
	b.ent.get("/api/v1/enterprises/"+a.uscc).problem(t, 404, "not_found")
	a.ent.get("/api/v1/enterprises/"+a.uscc).expect(t, 200)
	// in scope: the filer, the province, the ministry
	for _, in := range []caller{a.ent, a.applicant, a.provincial, a.ministry} {
		in.get("/api/v1/cases/"+id).expect(t, 200)
	}
	// A's case still untouched by B's attempts
	got := a.ent.get("/api/v1/cases/"+id).expect(t, 200).json(t)
	if got["stage"] != "draft" || len(got["evidence"].([]any)) != 1 {
		t.Fatalf("case changed by outsiders: %v", summary(got))
	}
}

// TestListFiltersAndPagination pages through a province's cases and filters by stage.
func TestListFiltersAndPagination(t *testing.T) {
	w := newWorld(t)
	ids := map[string]bool{}
	for i := 0; i < 5; i++ {
		ids[w.fileCase(t, w.ent, "")["id"].(string)] = true
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		r := w.ent.get("/api/v1/cases?limit=2&stage=draft&cursor="+cursor).expect(t, 200).json(t)
		for _, it := range r["items"].([]any) {
			m := it.(map[string]any)
			if m["stage"] != "draft" || m["enterprise_uscc"] != w.uscc {
				t.Fatalf("filter leaked %v", m)
			}
			if seen[m["id"].(string)] {
				t.Fatalf("case %v on two pages", m["id"])
			}
			seen[m["id"].(string)] = true
		}
		cursor, _ = r["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(seen) != len(ids) {
		t.Fatalf("paged through %d cases, filed %d", len(seen), len(ids))
	}
	mine := w.ent.get("/api/v1/cases?assignee=me").expect(t, 200).json(t)
	if n := len(mine["items"].([]any)); n != 5 {
		t.Fatalf("assignee=me found %d drafts waiting on the enterprise, want 5", n)
	}
	w.ent.get("/api/v1/cases?cursor=garbage").problem(t, 422, "invalid_input")
	w.ent.get("/api/v1/cases?stage=nowhere").problem(t, 422, "invalid_input")
}
