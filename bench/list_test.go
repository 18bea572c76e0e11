package bench

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"certflow/api"
	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

// seedCases inserts n cases spread over four provinces, stages and a year of creation times.
func seedCases(b *testing.B, n int) {
	ctx := context.Background()
	uscc, _ := ident.CompleteUSCC("91210102MA0LIST00")
	if err := sys.Store.CreateEnterprise(ctx, &store.Enterprise{USCC: uscc, Name: "列表基准公司", ProvinceCode: "21",
		Qualification: "x", QualificationValid: true}); err != nil {
		b.Fatal(err)
	}
	rid, _ := ident.CompleteResidentID("21010219860101888")
	parsed, err := ident.ParseResidentID(rid)
	if err != nil {
		b.Fatal(err)
	}
	prac, _, err := sys.Store.CreatePractitioner(ctx, store.NewPractitioner{IDNumber: parsed, Name: "列表", Level: 1,
		Specialty: "建筑工程", CertificateNo: "L", ObtainedOn: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), CreatedBy: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	_, err = sys.Store.DB.ExecContext(ctx, `
		INSERT INTO cases (id, number, type, stage, status, level, specialty, enterprise_uscc, practitioner_id,
			province, filed_by_role, filed_by_sub, assignee_role, sla_due_at, created_at, updated_at)
		SELECT gen_random_uuid(), 'BENCH-' || g, 'registration',
			(ARRAY['draft','provincial_review','ministry_review','public_notice','closed'])[1 + g % 5],
			CASE WHEN g % 5 = 4 THEN 'approved' ELSE 'open' END, 1, '建筑工程', ?, ?,
			(ARRAY['21','11','32','44'])[1 + g % 4], 'enterprise', 'bench',
			(ARRAY['enterprise','provincial_reviewer','ministry_reviewer','',''])[1 + g % 5],
			now() + (g % 40 - 20) * interval '1 day',
			now() - g * interval '5 minutes', now()
		FROM generate_series(1, ?) AS g`, uscc, prac.ID, n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sys.Store.DB.ExecContext(ctx, "ANALYZE cases"); err != nil {
		b.Fatal(err)
	}
}

// p99 returns the 99th percentile of the samples.
func p99(samples []time.Duration) time.Duration {
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	return samples[(len(samples)*99)/100]
}

// BenchmarkListCases measures the p99 latency of GET /api/v1/cases over HTTP with 100,000 cases
// in the table, for a national and a provincial reviewer with and without filters and pages,
// against the same store query called directly.
func BenchmarkListCases(b *testing.B) {
	const cases, rounds = 100_000, 100
	seedCases(b, cases)
	ministry := token(b, api.Claims{Role: domain.RoleMinistryReviewer}, "bench-list-min")
	prov := token(b, api.Claims{Role: domain.RoleProvincialReviewer, Province: "21"}, "bench-list-prov")
	queries := []struct {
		tok, path string
		scope     store.Scope
		filter    store.CaseFilter
	}{
		{ministry, "/api/v1/cases", store.Scope{All: true}, store.CaseFilter{}},
		{prov, "/api/v1/cases?stage=provincial_review", store.Scope{Province: "21"}, store.CaseFilter{Stage: "provincial_review"}},
		{prov, "/api/v1/cases?assignee=me", store.Scope{Province: "21"}, store.CaseFilter{AssigneeRole: "provincial_reviewer", AssigneeSub: "bench-list-prov"}},
		{ministry, "/api/v1/cases?overdue=true&limit=50", store.Scope{All: true}, store.CaseFilter{Overdue: true, Limit: 50}},
	}
	ctx := context.Background()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var viaAPI, raw []time.Duration
		for r := 0; r < rounds; r++ {
			for _, q := range queries {
				start := time.Now()
				var page struct {
					Items      []map[string]any `json:"items"`
					NextCursor string           `json:"next_cursor"`
				}
				if _, err := call(http.MethodGet, q.path, q.tok, "", nil, &page); err != nil {
					b.Fatal(err)
				}
				viaAPI = append(viaAPI, time.Since(start))
				if r == 0 && len(page.Items) == 0 {
					b.Fatalf("%s returned no cases", q.path)
				}
				f := q.filter
				f.Now = time.Now()
				start = time.Now()
				if _, _, err := sys.Store.ListCases(ctx, q.scope, f); err != nil {
					b.Fatal(err)
				}
				raw = append(raw, time.Since(start))
			}
		}
		apiP99, rawP99 := p99(viaAPI), p99(raw)
		b.ReportMetric(float64(apiP99.Microseconds())/1000, "api-p99-ms")
		b.ReportMetric(float64(rawP99.Microseconds())/1000, "store-p99-ms")
		b.Logf("%d cases, %d requests: GET /api/v1/cases p99 %.1f ms (target < 50 ms); the store query alone p99 %.1f ms",
			cases, len(viaAPI), float64(apiP99.Microseconds())/1000, float64(rawP99.Microseconds())/1000)
	}
}
