package evidence

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/minio/minio-go/v7"
)

// ErrTooLarge is returned by Put when the upload exceeds its size limit.
var ErrTooLarge = errors.New("evidence: upload exceeds the size limit")

// ErrUnsupportedType is returned by Put when the content is not a well-formed PDF, JPEG or PNG,
// or carries an executable signature.
var ErrUnsupportedType = errors.New("evidence: unsupported file type (only PDF, JPEG and PNG are accepted)")

// ErrBadBody is returned by Put when reading the caller's body failed (for example a truncated
// multipart part ending in io.ErrUnexpectedEOF): the client's fault, not the store's. The
// reader's error stays wrapped as well.
var ErrBadBody = errors.New("evidence: reading the upload body failed")

// ErrUnavailable is returned when MinIO cannot be reached, does not start answering in time, or
// answers with a server error (5xx): the store's fault, worth retrying later.
var ErrUnavailable = errors.New("evidence: object storage unavailable")

// bodyErr classifies an error returned by the caller's reader: a context error once ctx is
// done, ErrBadBody otherwise.
func bodyErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("%w: %w", ErrBadBody, err)
}

// storageErr classifies an error from a MinIO call made for a caller whose context is ctx.
// Once ctx is done the error is a context error; network failures, timeouts of the store's
// own deadlines and 5xx answers wrap ErrUnavailable; other errors (4xx answers such as
// NoSuchKey or AccessDenied, invalid arguments) are returned unchanged.
func storageErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(err, cerr) {
			return err
		}
		return fmt.Errorf("%w: %v", cerr, err)
	}
	if unreachable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// unreachable reports whether err means that MinIO could not be reached or failed itself.
func unreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.StatusCode >= 500
	}
	var uerr *url.Error
	var nerr net.Error
	return errors.As(err, &uerr) || errors.As(err, &nerr) || minio.IsNetworkOrHostDown(err, false)
}
