package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"certflow/stack"
)

const testBucket = "evidence-test"

// store is the Store under test, connected to a MinIO server started for this package.
var store *Store

// minioEndpoint and minioAccessKey locate that server.
var minioEndpoint, minioAccessKey string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "evidence-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := stack.Start(ctx, stack.Options{Dir: dir, Only: []string{"minio"}, Headless: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "evidence tests need a MinIO server:", err)
		return 1
	}
	defer st.Stop()
	minioEndpoint, minioAccessKey = st.MinioEndpoint, st.MinioAccessKey
	store, err = New(ctx, st.MinioEndpoint, st.MinioAccessKey, st.MinioSecretKey, false, testBucket)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// A second New finds the bucket already there.
	if _, err := New(ctx, st.MinioEndpoint, st.MinioAccessKey, st.MinioSecretKey, false, testBucket); err != nil {
		fmt.Fprintln(os.Stderr, "second New:", err)
		return 1
	}
	return m.Run()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// --- sample files ---

func samplePDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")
	for i := range 200 {
		fmt.Fprintf(&b, "%% filler line %d\n", i)
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}

func sampleImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

func samplePNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, sampleImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sampleImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleZip(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("a.txt")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("hello"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// genReader produces size deterministic bytes of a PDF, without holding them: a PDF header,
// filler and, unless noTrailer, a %%EOF trailer; after failAfter bytes (if > 0) it fails with errBoom (returned with the last bytes, then
// followed by a bogus EOF, if errWithData), and onTrigger (if set) runs once, when
// trigger bytes have been produced.
type genReader struct {
	size, pos   int64
	state       uint64
	noTrailer   bool
	failAfter   int64
	errWithData bool
	failed      bool
	trigger     int64
	onTrigger   func()
}

var errBoom = errors.New("boom: source failed")

var (
	pdfHeader  = []byte("%PDF-1.7\n")
	pdfTrailer = []byte("\n%%EOF\n")
)

func newGen(size int64) *genReader { return &genReader{size: size, state: 0x9E3779B97F4A7C15} }

func (g *genReader) Read(p []byte) (int, error) {
	if g.failAfter > 0 && g.pos >= g.failAfter {
		if g.errWithData && g.failed {
			return 0, io.EOF
		}
		g.failed = true
		return 0, errBoom
	}
	if g.pos >= g.size {
		return 0, io.EOF
	}
	if rem := g.size - g.pos; int64(len(p)) > rem {
		p = p[:rem]
	}
	if g.failAfter > 0 {
		if rem := g.failAfter - g.pos; int64(len(p)) > rem {
			p = p[:rem]
		}
	}
	for i := range p {
		off := g.pos + int64(i)
		if off < int64(len(pdfHeader)) {
			p[i] = pdfHeader[off]
			continue
		}
		if t := off - (g.size - int64(len(pdfTrailer))); !g.noTrailer && t >= 0 {
			p[i] = pdfTrailer[t]
			continue
		}
		g.state ^= g.state << 13
		g.state ^= g.state >> 7
		g.state ^= g.state << 17
		p[i] = byte(g.state)
	}
	g.pos += int64(len(p))
	if g.errWithData && g.pos == g.failAfter {
		g.failed = true
		return len(p), errBoom
	}
	if g.onTrigger != nil && g.pos >= g.trigger {
		g.onTrigger()
		g.onTrigger = nil
	}
	return len(p), nil
}

// --- assertions against the server ---

func assertAbsent(t *testing.T, key string) {
	t.Helper()
	ctx := testCtx(t)
	_, err := store.client.StatObject(ctx, testBucket, key, minio.StatObjectOptions{})
	if err == nil {
		t.Errorf("object %q exists, want none", key)
	} else if code := minio.ToErrorResponse(err).Code; code != minio.NoSuchKey {
		t.Errorf("stat %q: %v (code %q), want NoSuchKey", key, err, code)
	}
	assertNoIncomplete(t, key)
}

func assertNoIncomplete(t *testing.T, key string) {
	t.Helper()
	for u := range store.client.ListIncompleteUploads(testCtx(t), testBucket, key, true) {
		if u.Err != nil {
			t.Fatalf("list incomplete uploads: %v", u.Err)
		}
		if u.Key == key {
			t.Errorf("incomplete multipart upload %s remains for %q", u.UploadID, key)
		}
	}
}

// readBack opens key and returns its size and hex SHA-256, streaming.
func readBack(t *testing.T, key string) (int64, string) {
	t.Helper()
	rc, size, err := store.Open(testCtx(t), key)
	if err != nil {
		t.Fatalf("open %q: %v", key, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	if n != size {
		t.Errorf("open %q: reported size %d, read %d", key, size, n)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

// --- tests ---

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name, ctype string
		data        []byte
	}{
		{"pdf", "application/pdf", samplePDF()},
		{"png", "image/png", samplePNG(t)},
		{"jpeg", "image/jpeg", sampleJPEG(t)},
		{"tiny-pdf", "application/pdf", []byte("%PDF-%%EOF")},
		{"pdf-eof-1k-from-end", "application/pdf", append(samplePDF(), bytes.Repeat([]byte{'\n'}, pdfTailLen-6)...)},
		{"jpeg-large-app-segments", "image/jpeg", withAppSegments(sampleJPEG(t), imagePrefixLen-16<<10)},
		{"png-larger-than-prefix", "image/png", largePNG(t)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			key := "roundtrip/" + c.name
			up, err := store.Put(ctx, key, bytes.NewReader(c.data), 1<<20)
			if err != nil {
				t.Fatalf("put: %v", err)
			}
			if up.VersionID == "" {
				t.Error("put returned no version id (the bucket keeps versions)")
			}
			want := Upload{Key: key, SHA256: hexSHA(c.data), ContentType: c.ctype, Size: int64(len(c.data)), VersionID: up.VersionID}
			if up != want {
				t.Errorf("put = %+v, want %+v", up, want)
			}
			rc, size, err := store.Open(ctx, key)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if size != int64(len(c.data)) || !bytes.Equal(got, c.data) {
				t.Errorf("read back %d bytes (size %d), want the %d bytes put", len(got), size, len(c.data))
			}
			info, err := store.client.StatObject(ctx, testBucket, key, minio.StatObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if info.ContentType != c.ctype {
				t.Errorf("stored content type %q, want %q", info.ContentType, c.ctype)
			}
			if m := info.Metadata.Get("X-Amz-Meta-Sha256"); m != "" {
				t.Errorf("unexpected sha256 metadata %q", m)
			}
		})
	}
}

func TestUnsupportedType(t *testing.T) {
	cases := map[string][]byte{
		"text":  []byte("just some text, not a document\n"),
		"zip":   sampleZip(t),
		"empty": nil,
		"gif":   []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"html":  []byte("<html><body>%PDF-1.7</body></html>"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			key := "unsupported/" + name
			_, err := store.Put(testCtx(t), key, bytes.NewReader(data), 1<<20)
			if !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("put: %v, want ErrUnsupportedType", err)
			}
			assertAbsent(t, key)
		})
	}
}

func TestLimit(t *testing.T) {
	cases := []struct {
		name       string
		limit, len int64
		tooLarge   bool
	}{
		{"exact", 4096, 4096, false},
		{"one-over", 4096, 4097, true},
		{"below-sniff-exact", 100, 100, false},
		{"below-sniff-over", 100, 101, true},
		{"multipart-exact", 9 << 20, 9 << 20, false},
		{"multipart-one-over", 9 << 20, 9<<20 + 1, true}, // fails in the second 8 MiB part
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "limit/" + c.name
			up, err := store.Put(testCtx(t), key, newGen(c.len), c.limit)
			if c.tooLarge {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("put: %v, want ErrTooLarge", err)
				}
				assertAbsent(t, key)
				return
			}
			if err != nil {
				t.Fatalf("put: %v", err)
			}
			if up.Size != c.len {
				t.Errorf("size %d, want %d", up.Size, c.len)
			}
			if n, sum := readBack(t, key); n != c.len || sum != up.SHA256 {
				t.Errorf("read back %d bytes sha %s, want %d bytes sha %s", n, sum, c.len, up.SHA256)
			}
			assertNoIncomplete(t, key)
		})
	}
	t.Run("non-positive", func(t *testing.T) {
		if _, err := store.Put(testCtx(t), "limit/zero", bytes.NewReader(samplePDF()), 0); err == nil {
			t.Fatal("limit 0 accepted")
		}
		assertAbsent(t, "limit/zero")
	})
}

func TestLargeMultipart(t *testing.T) {
	// Larger than the part buffers together, so holding the body would exceed the bound below.
	const size = 48 << 20
	h := sha256.New()
	if _, err := io.Copy(h, newGen(size)); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(h.Sum(nil))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	up, err := store.Put(testCtx(t), "large/48mib", newGen(size), 64<<20)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("Put of %d MiB allocated %.1f MiB in total", size>>20, float64(allocated)/(1<<20))
	// streamThreads part buffers, the whole-body buffer of small uploads, bookkeeping; the body
	// itself must never be held.
	if allocated > streamThreads*partSize+wholeLimit+8<<20 {
		t.Errorf("Put allocated %d bytes for a %d-byte body; memory grows with the file", allocated, size)
	}
	if up.Size != size || up.SHA256 != want || up.ContentType != "application/pdf" {
		t.Errorf("put = %+v, want size %d sha %s", up, size, want)
	}
	if n, sum := readBack(t, "large/48mib"); n != size || sum != want {
		t.Errorf("read back %d bytes sha %s, want %d bytes sha %s", n, sum, size, want)
	}
	assertNoIncomplete(t, "large/48mib")
}

func TestReaderFailsMidway(t *testing.T) {
	key := "fail/midway"
	g := newGen(20 << 20)
	g.failAfter = 10 << 20
	_, err := store.Put(testCtx(t), key, g, 64<<20)
	if !errors.Is(err, errBoom) || !errors.Is(err, ErrBadBody) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("put: %v, want ErrBadBody wrapping the reader's error", err)
	}
	assertAbsent(t, key)
}

// TestReaderErrorWithData covers readers that return their last bytes together with an error
// and then claim EOF: io.ReadFull and minio-go drop an error that comes with a full buffer, so Put
// must remember it rather than store a truncated object.
func TestReaderErrorWithData(t *testing.T) {
	for name, at := range map[string]int64{
		"in-sniff":           300,
		"at-sniff-end":       sniffLen,
		"at-head-end":        headLen,
		"mid-part":           1 << 20,
		"at-part-boundary":   partSize,
		"second-part-bounds": 2 * partSize,
	} {
		t.Run(name, func(t *testing.T) {
			key := "fail/err-with-data/" + name
			g := newGen(20 << 20)
			g.failAfter, g.errWithData = at, true
			_, err := store.Put(testCtx(t), key, g, 64<<20)
			if !errors.Is(err, errBoom) || !errors.Is(err, ErrBadBody) {
				t.Fatalf("put: %v, want ErrBadBody wrapping the reader's error", err)
			}
			assertAbsent(t, key)
		})
	}
}

func TestContextCancelled(t *testing.T) {
	key := "fail/cancelled"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := newGen(20 << 20)
	g.trigger, g.onTrigger = 10<<20, cancel
	_, err := store.Put(ctx, key, g, 64<<20)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrBadBody) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("put: %v, want context.Canceled only", err)
	}
	assertAbsent(t, key)
}

func TestFailedOverwriteKeepsPrevious(t *testing.T) {
	ctx := testCtx(t)
	key := "overwrite/doc"
	old := samplePDF()
	if _, err := store.Put(ctx, key, bytes.NewReader(old), 1<<20); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, key, newGen(2<<20), 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized overwrite: %v, want ErrTooLarge", err)
	}
	if _, err := store.Put(ctx, key, strings.NewReader("text"), 1<<20); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("text overwrite: %v, want ErrUnsupportedType", err)
	}
	if n, sum := readBack(t, key); n != int64(len(old)) || sum != hexSHA(old) {
		t.Errorf("previous object damaged: %d bytes sha %s", n, sum)
	}
	assertNoIncomplete(t, key)
}

func TestPresignGet(t *testing.T) {
	ctx := testCtx(t)
	key := "presign/scan.png"
	data := samplePNG(t)
	if _, err := store.Put(ctx, key, bytes.NewReader(data), 1<<20); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ID card (front).png", "Zeugnis Müller.png", "../../etc/evil\n.png"} {
		u, err := store.PresignGet(ctx, key, name, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
			t.Fatalf("GET presigned: %s, %d bytes; want 200 and the %d bytes put", resp.Status, len(got), len(data))
		}
		disp, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" {
			t.Fatalf("Content-Disposition %q: %v", resp.Header.Get("Content-Disposition"), err)
		}
		wantName := name
		if name == "../../etc/evil\n.png" {
			wantName = "evil.png"
		}
		if params["filename"] != wantName {
			t.Errorf("filename %q, want %q", params["filename"], wantName)
		}
	}

	// The bucket is private: the same object without a signature is refused.
	u, err := store.PresignGet(ctx, key, "x.png", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u.RawQuery = ""
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous GET: %s, want 403", resp.Status)
	}
}

func TestRemoveOpenReady(t *testing.T) {
	ctx := testCtx(t)
	if err := store.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
	key := "remove/doc.pdf"
	if _, err := store.Put(ctx, key, bytes.NewReader(samplePDF()), 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := store.Remove(ctx, key); err != nil {
		t.Fatal(err)
	}
	assertAbsent(t, key)
	if err := store.Remove(ctx, key); err != nil {
		t.Errorf("removing a missing object: %v", err)
	}
	if _, _, err := store.Open(ctx, key); minio.ToErrorResponse(errors.Unwrap(err)).Code != minio.NoSuchKey {
		t.Errorf("open missing: %v, want NoSuchKey", err)
	}
	other := &Store{client: store.client, bucket: "no-such-bucket-here"}
	if err := other.Ready(ctx); err == nil {
		t.Error("Ready on a missing bucket succeeded")
	}
}

func TestPutRaw(t *testing.T) {
	ctx := testCtx(t)
	data := []byte("raw bytes, any type")
	if err := store.PutRaw(ctx, "raw/x", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if n, sum := readBack(t, "raw/x"); n != int64(len(data)) || sum != hexSHA(data) {
		t.Errorf("read back %d bytes sha %s", n, sum)
	}
}

// TestConcurrentPuts checks uploads to different keys do not disturb each other's clean-up.
func TestConcurrentPuts(t *testing.T) {
	ctx := testCtx(t)
	done := make(chan struct{})
	for i := range 6 {
		go func() {
			defer func() { done <- struct{}{} }()
			key := fmt.Sprintf("concurrent/%d", i)
			limit := int64(3 << 20)
			size := int64(2 << 20)
			if i%2 == 1 {
				size = limit + 1
			}
			_, err := store.Put(ctx, key, newGen(size), limit)
			if (i%2 == 1) != errors.Is(err, ErrTooLarge) {
				t.Errorf("put %s: %v", key, err)
			}
		}()
	}
	for range 6 {
		<-done
	}
	for i := range 6 {
		key := fmt.Sprintf("concurrent/%d", i)
		if i%2 == 1 {
			assertAbsent(t, key)
		} else if n, _ := readBack(t, key); n != 2<<20 {
			t.Errorf("%s: %d bytes", key, n)
		}
	}
}

// TestCleanup checks the clean-up after a failure removes only what this Put wrote: an object
// carrying its upload id and any incomplete multipart upload under the key.
func TestCleanup(t *testing.T) {
	ctx := testCtx(t)
	key := "cleanup/doc"
	data := samplePDF()
	if _, err := store.client.PutObject(ctx, testBucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{UserMetadata: map[string]string{metaUpload: "ours"}}); err != nil {
		t.Fatal(err)
	}
	core := minio.Core{Client: store.client}
	if _, err := core.NewMultipartUpload(ctx, testBucket, key, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	store.cleanup(ctx, key, "someone-else")
	if _, err := store.client.StatObject(ctx, testBucket, key, minio.StatObjectOptions{}); err != nil {
		t.Fatalf("clean-up of another upload removed the object: %v", err)
	}
	assertNoIncomplete(t, key)
	store.cleanup(ctx, key, "ours")
	assertAbsent(t, key)
}
