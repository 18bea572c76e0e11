package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"

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

// readUploadForm reads the fields "kind" and "file" of an evidence upload, checking each, and
// hands the file's content to put as it streams in. Parts with other names are skipped.
func readUploadForm(mr *multipart.Reader, put func(io.Reader) (evidence.Upload, error)) (uploadForm, *formRefusal) {
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
			if !slices.Contains(EvidenceKinds, f.kind) {
				return f, errKind
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
			if r := putRefusal(err); r != nil {
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
		return f, errKind
	}
	return f, nil
}

// putRefusal turns the object store's answer to a file into a refusal, or nil.
func putRefusal(err error) *formRefusal {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, evidence.ErrBadBody):
		return &formRefusal{status: http.StatusBadRequest, code: "invalid_multipart",
			detail: "the file could not be read: the multipart body is malformed or ends early"}
	case errors.Is(err, evidence.ErrTooLarge):
		return &formRefusal{status: http.StatusRequestEntityTooLarge, code: "file_too_large"}
	case errors.Is(err, evidence.ErrUnsupportedType):
		return &formRefusal{status: http.StatusUnsupportedMediaType, code: "unsupported_file_type",
			detail: "evidence must be a well-formed PDF, JPEG or PNG file, decided by its content, not its name (a PDF needs its %%EOF trailer, an image a header that decodes; executables are refused)"}
	}
	return &formRefusal{cause: err}
}
