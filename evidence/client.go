package evidence

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// This file connects to MinIO so that an unreachable server is reported quickly: short dial and
// answer deadlines, few retries, and a region set so that no call needs a location lookup.

const (
	// region is the region requests are signed for (MinIO's default). Setting it spares
	// minio-go a bucket location request, so presigning needs no network round trip.
	region = "us-east-1"
	// answerTimeout bounds how long MinIO may take to start answering a request that carries
	// no upload data (the check before an upload, Open, Remove, Ready and New's bucket checks)
	// before the call fails with ErrUnavailable. Uploads of parts are not bounded by it.
	answerTimeout = 2 * time.Second
	// dialTimeout bounds connecting to MinIO.
	dialTimeout = 2 * time.Second
	// partAnswerTimeout bounds the wait for MinIO's answer after a request, a part included,
	// has been sent completely.
	partAnswerTimeout = 30 * time.Second
	// maxRetries is how often minio-go tries a request (its default of 10 makes a refused
	// connection take over 12 s to report).
	maxRetries = 3
)

// Dial returns a Store for bucket on the MinIO server at endpoint (host:port) without any
// network I/O: it neither checks that the server answers nor that the bucket exists.
func Dial(endpoint, accessKey, secretKey string, useSSL bool, bucket string) (*Store, error) {
	transport, err := minio.DefaultTransport(useSSL)
	if err != nil {
		return nil, fmt.Errorf("evidence: minio transport: %w", err)
	}
	transport.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = dialTimeout
	transport.ResponseHeaderTimeout = partAnswerTimeout
	client, err := minio.New(endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(accessKey, secretKey, ""),
		Secure:     useSSL,
		Transport:  transport,
		Region:     region,
		MaxRetries: maxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("evidence: minio client: %w", err)
	}
	return &Store{client: client, bucket: bucket}, nil
}

// New connects to MinIO at endpoint (host:port) and creates bucket if it is missing, with
// object locking (so versioning) enabled and no default retention: evidence versions get their
// retention one by one (Retain), import files none. An existing bucket without object locking
// fails with ErrBucketNotLocked (locking can only be enabled when a bucket is created). The
// bucket is left private: no anonymous access policy is set. An unreachable server fails with
// ErrUnavailable.
func New(ctx context.Context, endpoint, accessKey, secretKey string, useSSL bool, bucket string) (*Store, error) {
	s, err := Dial(endpoint, accessKey, secretKey, useSSL, bucket)
	if err != nil {
		return nil, err
	}
	exists, err := s.bucketExists(ctx)
	if err != nil {
		return nil, fmt.Errorf("evidence: check bucket %q: %w", bucket, err)
	}
	if !exists {
		actx, cancel := context.WithTimeout(ctx, answerTimeout)
		err := s.client.MakeBucket(actx, bucket, minio.MakeBucketOptions{ObjectLocking: true})
		cancel()
		if err != nil {
			// Another instance may have created it meanwhile.
			if ok, err2 := s.bucketExists(ctx); err2 != nil || !ok {
				return nil, fmt.Errorf("evidence: create bucket %q: %w", bucket, storageErr(ctx, err))
			}
		}
	}
	if err := s.checkLocked(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// bucketExists asks whether the bucket exists, failing with ErrUnavailable when MinIO does not
// answer within answerTimeout.
func (s *Store) bucketExists(ctx context.Context) (bool, error) {
	actx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	ok, err := s.client.BucketExists(actx, s.bucket)
	return ok, storageErr(ctx, err)
}

// reachable checks, before an upload starts, that MinIO answers and the bucket exists, so
// that an unreachable server is reported within answerTimeout rather than after the retries
// and clean-up of a failed upload.
func (s *Store) reachable(ctx context.Context) error {
	ok, err := s.bucketExists(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %q does not exist", s.bucket)
	}
	return nil
}
