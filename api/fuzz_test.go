package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gin-gonic/gin"

	"certflow/evidence"
)

// bindOnce runs bindJSON on body as a request would, returning what it decoded, whether it
// accepted the body, and the answer it gave when it did not.
func bindOnce[T any](body []byte) (T, bool, *httptest.ResponseRecorder) {
	var v T
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	c.Request.Header.Set("Content-Type", "application/json")
	ok := bindJSON(c, &v)
	return v, ok, rec
}

// checkBinding asserts bindJSON's contract for one body: accepted bodies hold only text
// certflow may store; refused ones are answered with a 4xx problem.
func checkBinding[T any](t *testing.T, body []byte) {
	v, ok, rec := bindOnce[T](body)
	if ok {
		if errs := checkStrings(reflect.ValueOf(&v), ""); len(errs) > 0 {
			t.Fatalf("accepted a body with bad text %v: %q", errs, body)
		}
		return
	}
	switch rec.Code {
	case 400, 413, 415, 422:
	default:
		t.Fatalf("refused with %d: %q", rec.Code, body)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code == "" || p.Status != rec.Code {
		t.Fatalf("refusal is not a problem document (%v): %s", err, rec.Body.String())
	}
}

var jsonSeeds = []string{
	`{"action":"approve","comment":"材料齐全"}`, `{"comment":"x\u0000"}`, "{\"comment\":\"\xff\xfe\"}",
	`{"comment":"\ud800"}`, `{"evidence_ids":["a","\u001b"]}`, `[]`, `{"action":1}`, `{"action":"x"} {}`,
	`{"id_number":"x","qualification":{"level":1e309}}`, `{"name":"\u202e"}`, `{"qualification":{"specialty":"\u0085"}}`,
}

func FuzzBindJSONAction(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkBinding[actionRequest](t, body) })
}

func FuzzBindJSONPractitioner(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkBinding[practitionerRequest](t, body) })
}

// FuzzUploadForm feeds arbitrary multipart bodies to the evidence upload's form reader with a
// fake store that reads the file: a form is either accepted with a known kind and a clean file
// name, or refused with a 4xx (never an object-store error, since the store never failed).
func FuzzUploadForm(f *testing.F) {
	var good bytes.Buffer
	w := multipart.NewWriter(&good)
	_ = w.SetBoundary("BOUNDARY")
	_ = w.WriteField("kind", "id_card")
	fw, _ := w.CreateFormFile("file", "身份证.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
	_ = w.Close()
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:good.Len()/2])
	f.Add(bytes.ReplaceAll(good.Bytes(), []byte("id_card"), []byte("id\x00card")))
	f.Add(bytes.ReplaceAll(good.Bytes(), []byte("身份证"), []byte("\xff\xfe")))
	f.Add([]byte("--BOUNDARY--\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		mr := multipart.NewReader(bytes.NewReader(body), "BOUNDARY")
		form, refused := readUploadForm(mr, func(r io.Reader) (evidence.Upload, error) {
			n, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20))
			if err != nil {
				return evidence.Upload{}, evidence.ErrBadBody
			}
			return evidence.Upload{Size: n}, nil
		})
		if refused == nil {
			if form.stored == nil || form.kind == "" || checkStrings(reflect.ValueOf(form.filename), "") != nil {
				t.Fatalf("accepted form %+v", form)
			}
			return
		}
		if refused.cause != nil || refused.status < 400 || refused.status > 499 {
			t.Fatalf("refusal %+v", refused)
		}
	})
}
