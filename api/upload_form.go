package api

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"certflow/domain"
	"certflow/evidence"
)

// uploadForm is what an evidence upload's multipart body carried.
type uploadForm struct {
	kind, filename string
	// stored is set once the file was stored; on a refusal the caller removes it.
	stored *evidence.Upload
}

// formRefusal is why an upload form was refused, as the API answers it.
type formRefusal struct {
	status       int
	code, detail string
	fields       []FieldError
	// cause is an error of the object store (answered 503 or 500), not of the form.
	cause error
}

var (
	errMalformed = &formRefusal{status: http.StatusBadRequest, code: "invalid_multipart",
		detail: "the multipart body is malformed or ends early"}
	errKind = &formRefusal{status: http.StatusUnprocessableEntity, code: "invalid_input",
		detail: "kind: must be one of id_card, qualification_certificate, labour_contract, other",
		fields: []FieldError{{"kind", "must be one of id_card, qualification_certificate, labour_contract, other"}}}
)

// formSpec is what an upload form accepts: the values of its "kind" field (and the refusal of
// another), and the sentence refusing a file whose content is of the wrong type.
type formSpec struct {
	kinds       []string
	kindRefusal *formRefusal
	unsupported string
}

// evidenceForm is the form of an evidence upload.
var evidenceForm = formSpec{kinds: EvidenceKinds, kindRefusal: errKind,
	unsupported: "evidence must be a well-formed PDF, JPEG or PNG file, decided by its content, not its name (a PDF needs its %%EOF trailer, an image a header that decodes; executables are refused)"}

// readUploadForm reads the fields "kind" and "file" of an evidence upload, checking each, and
// hands the file's content to put as it streams in. Parts with other names are skipped.
func readUploadForm(mr *multipart.Reader, put func(io.Reader) (evidence.Upload, error)) (uploadForm, *formRefusal) {
	return readForm(mr, evidenceForm, put)
}

// readForm reads the fields "kind" and "file" of an upload form of spec, as readUploadForm
// describes.
func readForm(mr *multipart.Reader, spec formSpec, put func(io.Reader) (evidence.Upload, error)) (uploadForm, *formRefusal) {
	var f uploadForm
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, errMalformed
		}
		switch part.FormName() {
		case "kind":
			b, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return f, errMalformed
			}
			f.kind = string(b)
			if !slices.Contains(spec.kinds, f.kind) {
				return f, spec.kindRefusal
			}
		case "file":
			if f.stored != nil {
				return f, &formRefusal{status: http.StatusBadRequest, code: "invalid_multipart", detail: "send exactly one file per request"}
			}
			f.filename = part.FileName()
			if err := domain.CheckText(f.filename, domain.MaxFilename); err != nil {
				fe := FieldError{"file", "the file name " + err.Error()}
				return f, &formRefusal{status: http.StatusUnprocessableEntity, code: "invalid_input",
					detail: fe.Field + ": " + fe.Detail, fields: []FieldError{fe}}
			}
			u, err := put(part)
			if r := putRefusal(err, spec.unsupported); r != nil {
				return f, r
			}
			f.stored = &u
		}
		if err := part.Close(); err != nil {
			return f, errMalformed
		}
	}
	if f.stored == nil {
		return f, &formRefusal{status: http.StatusUnprocessableEntity, code: "invalid_input",
			detail: "file: is required", fields: []FieldError{{"file", "is required"}}}
	}
	if f.kind == "" {
		return f, spec.kindRefusal
	}
	return f, nil
}

// receiveForm reads the multipart upload form of spec from the request, handing its file to put
// (which stores it under key), and answers every refusal itself — after removing what was
// stored — with tooLarge answering an oversize file. It returns the form, a remove function for
// a caller that fails later, and whether the form was accepted.
func (s *Server) receiveForm(c *gin.Context, spec formSpec, key string, put func(io.Reader) (evidence.Upload, error),
	tooLarge func()) (uploadForm, func(), bool) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, http.StatusBadRequest, "invalid_multipart", "send the file as multipart/form-data with fields \"file\" and \"kind\"")
		return uploadForm{}, nil, false
	}
	form, refused := readForm(mr, spec, put)
	remove := func() {
		if form.stored != nil {
			_ = s.Evidence.Remove(context.WithoutCancel(c.Request.Context()), key)
		}
	}
	if refused == nil {
		return form, remove, true
	}
	remove()
	switch {
	case refused.cause != nil:
		s.internal(c, refused.cause)
	case refused.status == http.StatusRequestEntityTooLarge:
		tooLarge()
	default:
		fail(c, refused.status, refused.code, refused.detail, refused.fields...)
	}
	return form, remove, false
}

// putRefusal turns the object store's answer to a file into a refusal, or nil; unsupported
// is the sentence for a file of the wrong type.
func putRefusal(err error, unsupported string) *formRefusal {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, evidence.ErrBadBody):
		return &formRefusal{status: http.StatusBadRequest, code: "invalid_multipart",
			detail: "the file could not be read: the multipart body is malformed or ends early"}
	case errors.Is(err, evidence.ErrTooLarge):
		return &formRefusal{status: http.StatusRequestEntityTooLarge, code: "file_too_large"}
	case errors.Is(err, evidence.ErrUnsupportedType):
		return &formRefusal{status: http.StatusUnsupportedMediaType, code: "unsupported_file_type", detail: unsupported}
	}
	return &formRefusal{cause: err}
}
