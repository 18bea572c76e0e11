package bench

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"certflow/api"
	"certflow/calendar"
	"certflow/domain"
	"certflow/ident"
	"certflow/store"
)

// sweepRegistrations is how many registrations BenchmarkExpirySweep generates:
// CERTFLOW_BENCH_SWEEP_N, 1,000,000 by default.
func sweepRegistrations(b *testing.B) int {
	n := 1_000_000
	if v := os.Getenv("CERTFLOW_BENCH_SWEEP_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("CERTFLOW_BENCH_SWEEP_N=%q is not a positive number", v)
		}
	}
	return n
}

// seedRegistrations inserts n practitioners, each with one active registration of one
// enterprise, set-based. valid_to is spread evenly over the 3-year validity from 10 days before
// asOf, as a registry whose registrations were issued day after day looks: about 8 % lie within
// the 90-day reminder horizon and 0.9 % have lapsed.
func seedRegistrations(b *testing.B, n int, asOf time.Time) {
	ctx := context.Background()
	uscc, _ := ident.CompleteUSCC("91210102MASWEEP00")
	if err := sys.Store.CreateEnterprise(ctx, &store.Enterprise{USCC: uscc, Name: "到期扫描基准公司", ProvinceCode: "21",
		Qualification: "x", QualificationValid: true}); err != nil {
		b.Fatal(err)
	}
	// In batches: one statement over a million rows would outlast the driver's read timeout.
	const batch = 100_000
	day := asOf.Format(time.DateOnly)
	for lo := 1; lo <= n; lo += batch {
		hi := min(lo+batch-1, n)
		if _, err := sys.Store.DB.NewRaw(`INSERT INTO practitioners (id, id_number_enc, id_number_index, name, level,
				specialty, certificate_no, obtained_on, created_by)
			SELECT gen_random_uuid(), '\x00', 'sweep-bench-' || g, '基准' || g, 1, '建筑工程', 'S', DATE '2020-01-01', 'bench'
			FROM generate_series(?, ?) AS g`, lo, hi).Exec(ctx); err != nil {
			b.Fatalf("seeding practitioners: %v", err)
		}
		if _, err := sys.Store.DB.NewRaw(`INSERT INTO registrations (id, number, practitioner_id, enterprise_uscc, level,
				specialty, valid_from, valid_to, status)
			SELECT gen_random_uuid(), 'SWEEP-' || lpad(g::text, 9, '0'), p.id, ?, 1, '建筑工程',
				CAST(? AS date) - 10 + g % 1096 - 1095, CAST(? AS date) - 10 + g % 1096, 'active'
			FROM generate_series(?, ?) AS g JOIN practitioners p ON p.id_number_index = 'sweep-bench-' || g`,
			uscc, day, day, lo, hi).Exec(ctx); err != nil {
			b.Fatalf("seeding registrations: %v", err)
		}
	}
	for _, table := range []string{"practitioners", "registrations"} {
		if _, err := sys.Store.DB.ExecContext(ctx, "ANALYZE "+table); err != nil {
			b.Fatal(err)
		}
	}
}

// scanActive streams every active registration to Go row by row, the plain read the sweep is
// compared with, and returns how many rows came.
func scanActive(b *testing.B) int {
	rows, err := sys.Store.DB.QueryContext(context.Background(),
		"SELECT id, valid_to, practitioner_id, enterprise_uscc FROM registrations WHERE status = 'active'")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	var id, validTo, prac, ent string // pgdriver gives dates as text; no parsing, the fastest read
	for rows.Next() {
		if err := rows.Scan(&id, &validTo, &prac, &ent); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// sweepOnce runs the sweep for asOf through the API and waits until it finished.
func sweepOnce(b *testing.B, tok string, asOf time.Time) (*store.Sweep, time.Duration) {
	start := time.Now()
	var started struct{ ID string }
	if err := postJSON("/api/v1/sweeps", tok, map[string]any{"as_of": asOf.Format(time.DateOnly)}, &started); err != nil {
		b.Fatal(err)
	}
	for {
		sw, err := sys.Store.GetSweep(context.Background(), started.ID)
		if err != nil {
			b.Fatal(err)
		}
		switch sw.Status {
		case store.SweepSucceeded:
			return sw, time.Since(start)
		case store.SweepFailed:
			b.Fatalf("the sweep failed: %+v", sw)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkExpirySweep measures the expiry sweep over a registry of CERTFLOW_BENCH_SWEEP_N
// (1,000,000) registrations against one plain scan streaming every active registration to Go,
// in the same run on the same database. It sweeps twice: the first ("cold") sweep over the new
// registry claims and sends a reminder for every registration within 90 days of its valid_to
// and expires the lapsed ones; the next day's ("daily") sweep finds most reminders sent and
// does what a day brings. Both are reported as registry records per second and as the ratio
// of the plain scan's time to the sweep's (1 = as fast as reading the registry once).
func BenchmarkExpirySweep(b *testing.B) {
	n := sweepRegistrations(b)
	asOf, _ := time.Parse(time.DateOnly, time.Now().In(calendar.CST).Format(time.DateOnly))
	seedStart := time.Now()
	seedRegistrations(b, n, asOf)
	b.Logf("seeded %d registrations in %s", n, time.Since(seedStart).Round(time.Millisecond))
	admin := token(b, api.Claims{Role: domain.RoleAdmin}, "bench-admin")

	b.ResetTimer()
	scanStart := time.Now()
	rows := scanActive(b)
	scan := time.Since(scanStart)
	cold, coldTime := sweepOnce(b, admin, asOf)
	daily, dailyTime := sweepOnce(b, admin, asOf.AddDate(0, 0, 1))
	b.StopTimer()

	b.ReportMetric(float64(rows)/scan.Seconds(), "scan_records/s")
	b.ReportMetric(float64(n)/coldTime.Seconds(), "cold_sweep_records/s")
	b.ReportMetric(float64(n)/dailyTime.Seconds(), "daily_sweep_records/s")
	b.ReportMetric(scan.Seconds()/coldTime.Seconds(), "cold_ratio")
	b.ReportMetric(scan.Seconds()/dailyTime.Seconds(), "daily_ratio")
	for name, sw := range map[string]*store.Sweep{"cold": cold, "daily": daily} {
		b.Logf("%s sweep: %d read (within the horizon) in %d pages, reminders 90/30/7 = %d/%d/%d, expired %d",
			name, sw.Scanned, sw.Pages, sw.Reminders90, sw.Reminders30, sw.Reminders7, sw.Expired)
	}
	b.Logf("plain scan: %d rows in %s; cold sweep %s; daily sweep %s",
		rows, scan.Round(time.Millisecond), coldTime.Round(time.Millisecond), dailyTime.Round(time.Millisecond))
}
