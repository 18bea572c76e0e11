package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"certflow/api"
	"certflow/domain"
	"certflow/ident"
)

// pdfStream yields n deterministic bytes that sniff as a PDF and end with its trailer,
// without holding them.
type pdfStream struct {
	n, off int64
	x      uint64
}

func newPDFStream(n int64) *pdfStream { return &pdfStream{n: n, x: 0x9E3779B97F4A7C15} }

func (p *pdfStream) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n-p.off {
		b = b[:p.n-p.off]
	}
	for i := range b {
		pos := p.off + int64(i)
		if pos < 9 {
			b[i] = "%PDF-1.4\n"[pos]
			continue
		}
		if tail := p.n - int64(len(pdfTrailer)); pos >= tail {
			b[i] = pdfTrailer[pos-tail]
			continue
		}
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		b[i] = byte(p.x)
	}
	p.off += int64(len(b))
	return len(b), nil
}

// streamUpload posts size bytes as a multipart upload, generated on the fly through a pipe.
func streamUpload(caseID, tok string, size int64) error {
	return streamForm("/api/v1/cases/"+caseID+"/evidence", tok, "other", "big.pdf", func(w io.Writer) error {
		_, err := io.Copy(w, newPDFStream(size))
		return err
	}, nil)
}

// streamForm posts a multipart form with a "kind" field and a file whose content write
// generates as it is sent (through a pipe, so nothing is held), decoding the answer into out.
func streamForm(path, tok, kind, filename string, write func(io.Writer) error, out any) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("kind", kind)
		fw, err := mw.CreateFormFile("file", filename)
		if err == nil {
			err = write(fw)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	_, err := call(http.MethodPost, path, tok, mw.FormDataContentType(), pr, out)
	return err
}

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return -1
}

// BenchmarkEvidenceUpload compares upload MB/s through the API (multipart, sniffing, hashing,
// limit, metadata) with a direct minio-go PutObject of the same bytes, and measures how much
// the process's peak resident memory grows during a 200 MB upload.
func BenchmarkEvidenceUpload(b *testing.B) {
	const size = 64 << 20
	uscc, _ := ident.CompleteUSCC("91210102MA0UPLD00")
	admin := token(b, api.Claims{Role: domain.RoleAdmin}, "bench-admin")
	ent := token(b, api.Claims{Role: domain.RoleEnterprise, Enterprise: uscc}, "bench-up")
	if err := postJSON("/api/v1/enterprises", admin, map[string]any{"uscc": uscc, "name": "上传基准公司",
		"province_code": "21", "qualification": "x"}, nil); err != nil {
		b.Fatal(err)
	}
	id, _ := ident.CompleteResidentID("21010219870101999")
	var p struct{ ID string }
	if err := postJSON("/api/v1/practitioners", ent, map[string]any{"id_number": id, "name": "上传",
		"qualification": map[string]any{"level": 1, "specialty": "建筑工程", "certificate_no": "U", "obtained_on": "2025-01-01"}}, &p); err != nil {
		b.Fatal(err)
	}
	var c struct{ ID string }
	if err := postJSON("/api/v1/cases", ent, map[string]any{"type": "registration", "practitioner_id": p.ID,
		"enterprise_uscc": uscc, "specialty": "建筑工程"}, &c); err != nil {
		b.Fatal(err)
	}
	mbps := func(d time.Duration) float64 { return float64(size) / (1 << 20) / d.Seconds() }
	ctx := context.Background()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var apiBest, rawBest time.Duration
		for round := 0; round < 3; round++ {
			start := time.Now()
			if err := sys.Evidence.PutRaw(ctx, fmt.Sprintf("bench/raw-%d-%d", n, round), newPDFStream(size), size); err != nil {
				b.Fatal(err)
			}
			if d := time.Since(start); rawBest == 0 || d < rawBest {
				rawBest = d
			}
			start = time.Now()
			if err := streamUpload(c.ID, ent, size); err != nil {
				b.Fatal(err)
			}
			if d := time.Since(start); apiBest == 0 || d < apiBest {
				apiBest = d
			}
		}
		b.ReportMetric(mbps(apiBest), "api-MB/s")
		b.ReportMetric(mbps(rawBest), "minio-MB/s")
		b.ReportMetric(mbps(apiBest)/mbps(rawBest), "ratio")
		b.Logf("64 MiB upload, best of 3: API %.1f MB/s, direct PutObject %.1f MB/s, ratio %.2f (target ≥ 0.8)",
			mbps(apiBest), mbps(rawBest), mbps(apiBest)/mbps(rawBest))
	}
	b.StopTimer()

	// Peak RSS growth during one 200 MB upload: reset the kernel's high-water mark first.
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the RSS high-water mark (%v); growth is measured from process start", err)
	}
	before := procStatus("VmRSS")
	if err := streamUpload(c.ID, ent, 200<<20); err != nil {
		b.Fatal(err)
	}
	growth := procStatus("VmHWM") - before
	b.ReportMetric(float64(growth)/(1<<20), "rss-growth-MB")
	b.Logf("200 MB upload: peak RSS grew %.1f MB (target < 64 MB)", float64(growth)/(1<<20))
}
