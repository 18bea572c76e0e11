package itest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"certflow/domain"
)

// TestEnterpriseFilesOnlyForItsOwnPeople: enterprise B may not file a case for enterprise A's
// practitioner, and the refusal is the same as for an unknown id.
func TestEnterpriseFilesOnlyForItsOwnPeople(t *testing.T) {
	a, b := newWorld(t), newWorld(t)
	foreign := b.ent.postJSON("/api/v1/cases", map[string]any{"type": "registration", "practitioner_id": a.pracID,
		"enterprise_uscc": b.uscc, "specialty": "建筑工程"})
	foreign.problem(t, 422, "invalid_input")
	unknown := b.ent.postJSON("/api/v1/cases", map[string]any{"type": "registration",
		"practitioner_id": "00000000-0000-4000-8000-000000000000", "enterprise_uscc": b.uscc, "specialty": "建筑工程"})
	unknown.problem(t, 422, "invalid_input")
	if foreign.json(t)["detail"] != unknown.json(t)["detail"] {
		t.Fatalf("the refusal tells a foreign practitioner from an unknown one:\n%s\n%s", foreign.Body, unknown.Body)
	}
	// A wrong specialty names nothing of the person.
	r := a.ent.postJSON("/api/v1/cases", map[string]any{"type": "registration", "practitioner_id": a.pracID,
		"enterprise_uscc": a.uscc, "specialty": "公路工程"})
	r.problem(t, 422, "invalid_input")
	if strings.Contains(string(r.Body), "建筑工程") {
		t.Fatalf("the specialty error names the person's specialty: %s", r.Body)
	}
	b.ent.get("/api/v1/practitioners/"+a.pracID).problem(t, 404, "not_found")
}

// TestRegisteringAKnownPersonRevealsNothing: an enterprise that registers a resident ID known
// elsewhere gets the same 201 as for a new person, echoing only what it sent, and may then
// file for the person (the employment link); no 409 tells it who is registered.
func TestRegisteringAKnownPersonRevealsNothing(t *testing.T) {
	a, b := newWorld(t), newWorld(t)
	body := practitionerBody(a.idNumber)
	body["name"] = "别名"
	body["phone"] = "13700001111"
	known := b.ent.postJSON("/api/v1/practitioners", body).expect(t, 201).json(t)
	fresh := b.ent.postJSON("/api/v1/practitioners", practitionerBody(newResidentID(t))).expect(t, 201).json(t)
	if known["name"] != "别名" || known["phone_masked"] != "137****1111" {
		t.Fatalf("the answer for a known person shows stored data instead of what was sent: %v", known)
	}
	for _, k := range []string{"id", "id_number_masked", "name", "phone_masked", "qualification", "created_at"} {
		if _, ok := known[k]; !ok {
			t.Fatalf("known-person answer lacks %s: %v", k, known)
		}
		if _, ok := fresh[k]; !ok {
			t.Fatalf("new-person answer lacks %s: %v", k, fresh)
		}
	}
	// B is now linked and may file for the person; the stored name is unchanged.
	b.ent.postJSON("/api/v1/cases", map[string]any{"type": "registration", "practitioner_id": known["id"],
		"enterprise_uscc": b.uscc, "specialty": "建筑工程"}).expect(t, 201)
	stored := a.ent.get("/api/v1/practitioners/"+a.pracID).expect(t, 200).json(t)
	if stored["name"] != "李娜" {
		t.Fatalf("another enterprise's registration changed the stored record: %v", stored)
	}
	a.admin.postJSON("/api/v1/practitioners", practitionerBody(a.idNumber)).problem(t, 409, "practitioner_exists")
}

// TestRegistryReadsFollowTheCaseScope: a provincial investigator or reviewer of another
// province reads neither the practitioners nor the enterprises of province 21.
func TestRegistryReadsFollowTheCaseScope(t *testing.T) {
	w := newWorld(t)
	for name, o := range map[string]caller{
		"investigator of 31": as(t, domain.RoleInvestigator, "inv-31", province("31")),
		"reviewer of 11":     as(t, domain.RoleProvincialReviewer, "prov-11", province("11")),
		"applicant of other": as(t, domain.RoleApplicant, "app-x", practitioner(newResidentID(t))),
	} {
		t.Run(name, func(t *testing.T) {
			o.get("/api/v1/practitioners/"+w.pracID).problem(t, 404, "not_found")
			o.get("/api/v1/enterprises/"+w.uscc).problem(t, 404, "not_found")
			list := o.get("/api/v1/practitioners?limit=100").expect(t, 200).json(t)
			for _, it := range list["items"].([]any) {
				if it.(map[string]any)["id"] == w.pracID {
					t.Fatal("out-of-scope practitioner listed")
				}
			}
		})
	}
	in := as(t, domain.RoleInvestigator, "inv-21", province("21"))
	in.get("/api/v1/practitioners/"+w.pracID).expect(t, 200)
	in.get("/api/v1/enterprises/"+w.uscc).expect(t, 200)
	w.provincial.get("/api/v1/practitioners/"+w.pracID).expect(t, 200)
}

// TestEnterpriseListsItsConstructors pages through an enterprise's practitioners with a name
// filter.
func TestEnterpriseListsItsConstructors(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 3; i++ {
		w.ent.postJSON("/api/v1/practitioners", practitionerBody(newResidentID(t))).expect(t, 201)
	}
	other := newWorld(t)
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 5; pages++ {
		r := w.ent.get("/api/v1/practitioners?limit=2&name="+url.QueryEscape("李娜")+"&cursor="+cursor).expect(t, 200).json(t)
		for _, it := range r["items"].([]any) {
			m := it.(map[string]any)
			if m["id"] == other.pracID {
				t.Fatal("another enterprise's practitioner listed")
			}
			seen[m["id"].(string)] = true
		}
		if cursor, _ = r["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if len(seen) != 4 || !seen[w.pracID] {
		t.Fatalf("listed %d practitioners, want the enterprise's 4", len(seen))
	}
	if n := len(w.ent.get("/api/v1/practitioners?name=nobody").expect(t, 200).json(t)["items"].([]any)); n != 0 {
		t.Fatalf("name filter found %d", n)
	}
	w.ent.get("/api/v1/practitioners?cursor=bogus").problem(t, 422, "invalid_input")
}

// TestIdempotencyKeysBelongToTheWholePrincipal: users of two enterprises with the same subject
// and the same key get two cases.
func TestIdempotencyKeysBelongToTheWholePrincipal(t *testing.T) {
	a, b := newWorld(t), newWorld(t)
	sameSub := func(w *world) caller { return as(t, domain.RoleEnterprise, "clerk", enterprise(w.uscc)) }
	ca := a.fileCase(t, sameSub(a), "shared-key")
	cb := b.fileCase(t, sameSub(b), "shared-key")
	if ca["id"] == cb["id"] {
		t.Fatal("two enterprises' users with one subject got the same case for one key")
	}
	if cb["enterprise_uscc"] != b.uscc {
		t.Fatalf("enterprise B got a case of %v", cb["enterprise_uscc"])
	}
}

// TestNoPlainTextRebuildsTheResidentID looks at every table as text: neither the resident ID,
// its masked form, nor the birth date may be stored in plain text anywhere.
func TestNoPlainTextRebuildsTheResidentID(t *testing.T) {
	w := newWorld(t)
	w.fileCase(t, w.applicant, "")
	id := w.idNumber
	birth := id[6:14]
	needles := []string{id, id[:6] + "********" + id[14:], birth, birth[:4] + "-" + birth[4:6] + "-" + birth[6:]}
	ctx := context.Background()
	var tables []string
	if err := sys.Store.DB.NewSelect().TableExpr("information_schema.tables").Column("table_name").
		Where("table_schema = 'public' AND table_type = 'BASE TABLE'").Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var dump string
		if err := sys.Store.DB.NewRaw("SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM ? AS t",
			bun.Ident(table)).Scan(ctx, &dump); err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			if strings.Contains(dump, n) {
				t.Errorf("table %s holds %q in plain text", table, n)
			}
		}
	}
}
