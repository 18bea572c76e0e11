package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"certflow/api"
	"certflow/domain"
	"certflow/ident"
)

// importRows is how many rows BenchmarkImportRegistrations imports: CERTFLOW_BENCH_IMPORT_ROWS,
// or 1,000,000.
func importRows(b *testing.B) int {
	if v := os.Getenv("CERTFLOW_BENCH_IMPORT_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("CERTFLOW_BENCH_IMPORT_ROWS must be a positive number, got %q", v)
		}
		return n
	}
	return 1_000_000
}

// benchEnterprises is how many enterprises the generated registrations spread over.
const benchEnterprises = 100

// writeRegistrations writes a registrations file of n rows, each a new person with a new
// number at one of the enterprises, generated as it is written.
func writeRegistrations(w io.Writer, n int, usccs []string) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprintln(bw, "registration_number,id_number,name,level,specialty,enterprise_uscc,valid_from,valid_to,status")
	born := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		id, err := ident.CompleteResidentID("110105" + born.AddDate(0, 0, i/1000).Format("20060102") + fmt.Sprintf("%03d", i%1000))
		if err != nil {
			return err
		}
		num, err := ident.FormatRegistrationNumber("11", 1, 2000+(i/99999)%100, 2020, 1+i%99999)
		if err != nil {
			return err
		}
		status, from, to := "active", "2024-01-01", "2026-12-31"
		if i%4 == 3 {
			status, from, to = "expired", "2019-01-01", "2021-12-31"
		}
		fmt.Fprintf(bw, "%s,%s,基准%d,1,建筑工程,%s,%s,%s,%s\n", num, id, i, usccs[i%len(usccs)], from, to, status)
	}
	return bw.Flush()
}

// BenchmarkImportRegistrations imports a generated registrations file (1,000,000 rows unless
// CERTFLOW_BENCH_IMPORT_ROWS says otherwise) through the API and the Import workflow, and
// reports rows/s from the upload's start to the import's end and the process's peak resident
// memory meanwhile (VmHWM, reset before the import; the API and the worker run in this
// process), which must not grow with the file.
func BenchmarkImportRegistrations(b *testing.B) {
	rows := importRows(b)
	ctx := context.Background()
	usccs := make([]string, benchEnterprises)
	for i := range usccs {
		usccs[i], _ = ident.CompleteUSCC(fmt.Sprintf("91110105MA%07d", 9000000+i))
		if _, err := sys.Store.DB.NewRaw(`INSERT INTO enterprises (uscc, name, province_code, qualification)
			VALUES (?, ?, '11', '建筑工程施工总承包一级') ON CONFLICT DO NOTHING`, usccs[i], fmt.Sprintf("导入基准公司%d", i)).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	admin := token(b, api.Claims{Role: domain.RoleAdmin}, "bench-import")
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		// Writing 5 to clear_refs resets the peak RSS (Linux ≥ 4.0).
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		rssBefore := procStatus("VmRSS")
		start := time.Now()
		var im struct{ ID string }
		err := streamForm("/api/v1/imports", admin, "registrations", "registrations.csv", func(w io.Writer) error {
			return writeRegistrations(w, rows, usccs)
		}, &im)
		if err != nil {
			b.Fatal(err)
		}
		uploaded := time.Since(start)
		var v struct {
			Status   string `json:"status"`
			RowsRead int    `json:"rows_read"`
			Imported int    `json:"imported"`
		}
		for {
			if _, err := call(http.MethodGet, "/api/v1/imports/"+im.ID, admin, "", nil, &v); err != nil {
				b.Fatal(err)
			}
			if v.Status != "running" {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		elapsed := time.Since(start)
		if v.Status != "succeeded" || v.Imported != rows || v.RowsRead != rows {
			b.Fatalf("import %s: %+v, want %d rows imported", v.Status, v, rows)
		}
		peak := procStatus("VmHWM")
		rate := float64(rows) / elapsed.Seconds()
		b.ReportMetric(rate, "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(peak-rssBefore)/(1<<20), "RSS-growth-MB")
		b.Logf("%d registration rows imported in %s (upload %s): %.0f rows/s; peak RSS %.1f MB (%.1f MB above the start)",
			rows, elapsed.Round(time.Millisecond), uploaded.Round(time.Millisecond), rate,
			float64(peak)/(1<<20), float64(peak-rssBefore)/(1<<20))
	}
}
